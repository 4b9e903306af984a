module decoder-main

go 1.23

// The version Tarmac main requires (with protobuf-go-lite v0.11.0, as Tarmac main has).
require github.com/tarmac-project/protobuf-go v0.1.0

require github.com/aperturerobotics/protobuf-go-lite v0.11.0 // indirect

require records v0.0.0

replace records => ../records
