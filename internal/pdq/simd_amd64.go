//go:build !purego

package pdq

import "golang.org/x/sys/cpu"

// haveAVX2 selects the AVX2 kernels in simd_amd64.s; the portable Go
// code gives the same bits everywhere else.
var haveAVX2 = cpu.X86.HasAVX2

//go:noescape
func boxStepAVX2(sums, add, sub, out *float32, n int, d float32)

//go:noescape
func transposeAVX2(dst, src *float32, rows, cols, srcStride, dstStride int)

//go:noescape
func lumaRGBAVX2(dst *float32, rgb *byte, n int, coef *[3]float32)

//go:noescape
func boxLanesAVX2(in, out *float32, n, window int)
