// Command decoder is Tarmac v0.10.0's protobuf request decoding, for tests/decoders.test.mjs,
// which checks the JavaScript model of it (unmarshalV010 in tests/host/protowire.mjs) against
// this program. Tarmac v0.10.0's callbacks call proto.Unmarshal (google.golang.org/protobuf
// v1.36.9, as its go.mod pins) on the messages of github.com/tarmac-project/protobuf-go at the
// version it pins; this does the same, and imports nothing of Tarmac itself. Records in and
// lines out are described in package records.
package main

import (
	"records"

	"github.com/tarmac-project/protobuf-go/sdk/http"
	"github.com/tarmac-project/protobuf-go/sdk/kvstore"
	"github.com/tarmac-project/protobuf-go/sdk/metrics"
	"github.com/tarmac-project/protobuf-go/sdk/sql"
	"google.golang.org/protobuf/proto"
)

var messages = map[string]func() proto.Message{
	"kvstore:get":       func() proto.Message { return &kvstore.KVStoreGet{} },
	"kvstore:set":       func() proto.Message { return &kvstore.KVStoreSet{} },
	"kvstore:delete":    func() proto.Message { return &kvstore.KVStoreDelete{} },
	"kvstore:keys":      func() proto.Message { return &kvstore.KVStoreKeys{} },
	"httpclient:call":   func() proto.Message { return &http.HTTPClient{} },
	"sql:query":         func() proto.Message { return &sql.SQLQuery{} },
	"sql:exec":          func() proto.Message { return &sql.SQLExec{} },
	"metrics:counter":   func() proto.Message { return &metrics.MetricsCounter{} },
	"metrics:gauge":     func() proto.Message { return &metrics.MetricsGauge{} },
	"metrics:histogram": func() proto.Message { return &metrics.MetricsHistogram{} },
}

func main() {
	records.Run(func(name string, payload []byte) (any, error) {
		msg := messages[name]()
		return msg, proto.Unmarshal(payload, msg)
	})
}
