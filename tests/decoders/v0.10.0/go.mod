module decoder-v0.10.0

go 1.23

// The versions Tarmac v0.10.0 requires.
require (
	github.com/tarmac-project/protobuf-go v0.0.0-20241006222441-51664fb11f56
	google.golang.org/protobuf v1.36.9
)

require github.com/planetscale/vtprotobuf v0.6.0 // indirect

require records v0.0.0

replace records => ../records
