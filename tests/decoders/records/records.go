// Package records is what the two decoder programs share: the records they read and the lines
// they write, for tests/decoders.test.mjs.
//
// Input (stdin): records of [name length u8][name, e.g. "kvstore:get"][payload length u32 LE][payload].
// Output (stdout): a line per record, "ok <JSON>" or "err <error>". The JSON holds the fields
// that are set, by field number: strings and bytes in base64, a bool as "1", the number of
// entries of a map, and a double's IEEE 754 bits.
package records

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
)

// Fields names the Go field of each protobuf field number, per message.
var Fields = map[string][]string{
	"kvstore:get":       {"Key"},
	"kvstore:set":       {"Key", "Data"},
	"kvstore:delete":    {"Key"},
	"kvstore:keys":      {"ReturnProto"},
	"httpclient:call":   {"Method", "Headers", "Url", "Body", "Insecure"},
	"sql:query":         {"Query"},
	"sql:exec":          {"Query"},
	"metrics:counter":   {"Name"},
	"metrics:gauge":     {"Name", "Action"},
	"metrics:histogram": {"Name", "Value"},
}

// set reports the fields of the decoded message m (a pointer to a struct) that are set.
func set(name string, m any) map[string]string {
	f := map[string]string{}
	v := reflect.ValueOf(m).Elem()
	for i, field := range Fields[name] {
		n := strconv.Itoa(i + 1)
		x := v.FieldByName(field)
		switch x.Kind() {
		case reflect.String:
			if x.Len() > 0 {
				f[n] = base64.StdEncoding.EncodeToString([]byte(x.String()))
			}
		case reflect.Slice:
			if x.Len() > 0 {
				f[n] = base64.StdEncoding.EncodeToString(x.Bytes())
			}
		case reflect.Map:
			if x.Len() > 0 {
				f[n] = strconv.Itoa(x.Len())
			}
		case reflect.Bool:
			if x.Bool() {
				f[n] = "1"
			}
		case reflect.Float64:
			if bits := math.Float64bits(x.Float()); bits != 0 {
				f[n] = strconv.FormatUint(bits, 10)
			}
		default:
			panic("unexpected field kind " + x.Kind().String())
		}
	}
	return f
}

// Run decodes every record from stdin with decode, which gives the decoded message (a pointer
// to a struct) or the decoder's error, and writes a line for each.
func Run(decode func(name string, payload []byte) (any, error)) {
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for {
		var n [1]byte
		if _, err := io.ReadFull(in, n[:]); err == io.EOF {
			return
		} else if err != nil {
			panic(err)
		}
		name := make([]byte, n[0])
		if _, err := io.ReadFull(in, name); err != nil {
			panic(err)
		}
		var size uint32
		if err := binary.Read(in, binary.LittleEndian, &size); err != nil {
			panic(err)
		}
		payload := make([]byte, size)
		if _, err := io.ReadFull(in, payload); err != nil {
			panic(err)
		}
		if _, ok := Fields[string(name)]; !ok {
			panic("unknown message " + string(name))
		}
		msg, err := decode(string(name), payload)
		if err != nil {
			fmt.Fprintf(out, "err %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		js, _ := json.Marshal(set(string(name), msg))
		fmt.Fprintf(out, "ok %s\n", js)
	}
}
