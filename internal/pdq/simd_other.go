//go:build !amd64 || purego

package pdq

// Without the AVX2 kernels the portable code runs; these are never called.
const haveAVX2 = false

func boxStepAVX2(sums, add, sub, out *float32, n int, d float32) { panic("pdq: no AVX2") }

func transposeAVX2(dst, src *float32, rows, cols, srcStride, dstStride int) { panic("pdq: no AVX2") }

func lumaRGBAVX2(dst *float32, rgb *byte, n int, coef *[3]float32) { panic("pdq: no AVX2") }

func boxLanesAVX2(in, out *float32, n, window int) { panic("pdq: no AVX2") }
