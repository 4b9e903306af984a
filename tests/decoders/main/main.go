// Command decoder is Tarmac main's protobuf request decoding, for tests/decoders.test.mjs,
// which checks the JavaScript model of it (unmarshalVT in tests/host/protowire.mjs) against
// this program. Tarmac main's callbacks call the generated UnmarshalVT (protobuf-go-lite) of the
// messages of github.com/tarmac-project/protobuf-go v0.1.0; this does the same, and imports
// nothing of Tarmac itself. Records in and lines out are described in package records.
package main

import (
	"records"

	http "github.com/tarmac-project/protobuf-go/sdk/http"
	kvstore "github.com/tarmac-project/protobuf-go/sdk/kvstore"
	metrics "github.com/tarmac-project/protobuf-go/sdk/metrics"
	sql "github.com/tarmac-project/protobuf-go/sdk/sql"
)

type message interface{ UnmarshalVT([]byte) error }

var messages = map[string]func() message{
	"kvstore:get":       func() message { return &kvstore.KVStoreGet{} },
	"kvstore:set":       func() message { return &kvstore.KVStoreSet{} },
	"kvstore:delete":    func() message { return &kvstore.KVStoreDelete{} },
	"kvstore:keys":      func() message { return &kvstore.KVStoreKeys{} },
	"httpclient:call":   func() message { return &http.HTTPClient{} },
	"sql:query":         func() message { return &sql.SQLQuery{} },
	"sql:exec":          func() message { return &sql.SQLExec{} },
	"metrics:counter":   func() message { return &metrics.MetricsCounter{} },
	"metrics:gauge":     func() message { return &metrics.MetricsGauge{} },
	"metrics:histogram": func() message { return &metrics.MetricsHistogram{} },
}

func main() {
	records.Run(func(name string, payload []byte) (any, error) {
		msg := messages[name]()
		return msg, msg.UnmarshalVT(payload)
	})
}
