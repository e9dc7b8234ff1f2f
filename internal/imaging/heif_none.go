//go:build !(cgo && libheif)

package imaging

import "fmt"

// HEIFDecoder names the HEIF decoder in use: none in this build.
var HEIFDecoder = ""

// decodeHEIF reports that this build cannot decode HEIF: the file is
// recorded with its exact hashes and this reason, never silently.
func decodeHEIF(f Format, data []byte, opts Options) (*Image, error) {
	return nil, fmt.Errorf("%s is not decoded by this build (it needs libheif: build with -tags libheif, as scripts/test and scripts/demo do when libheif-dev is installed); exact hashes only", f)
}
