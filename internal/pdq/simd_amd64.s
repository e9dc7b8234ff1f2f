//go:build !purego

#include "textflag.h"

// AVX2 kernels for the PDQ filter. Each is plain IEEE float32 arithmetic
// on eight lanes: the same additions, subtractions, products and
// divisions, in the same order, as the scalar code does lane by lane, so
// the results are bit-identical (no FMA, no reciprocal approximations).

// func boxStepAVX2(sums, add, sub, out *float32, n int, d float32)
//
// One row of a running-sum box filter run down columns, over n columns
// (a multiple of 8). add, sub and out may be nil:
//   out nil:            sums += add            (window filling up)
//   sub nil:            sums += add; out = sums/d (window growing)
//   add nil:            sums -= sub; out = sums/d (window shrinking)
//   none nil:           sums = (sums+add)-sub; out = sums/d (sliding)
TEXT ·boxStepAVX2(SB), NOSPLIT, $0-44
	MOVQ sums+0(FP), DI
	MOVQ add+8(FP), SI
	MOVQ sub+16(FP), DX
	MOVQ out+24(FP), R8
	MOVQ n+32(FP), CX
	VBROADCASTSS d+40(FP), Y15
	SHLQ $2, CX
	XORQ AX, AX
	TESTQ CX, CX
	JZ   done
	TESTQ R8, R8
	JZ   fill
	TESTQ DX, DX
	JZ   grow
	TESTQ SI, SI
	JZ   shrink

slide:
	VMOVUPS (DI)(AX*1), Y0
	VADDPS  (SI)(AX*1), Y0, Y0
	VSUBPS  (DX)(AX*1), Y0, Y0
	VMOVUPS Y0, (DI)(AX*1)
	VDIVPS  Y15, Y0, Y1
	VMOVUPS Y1, (R8)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, CX
	JB      slide
	JMP     done

fill:
	VMOVUPS (DI)(AX*1), Y0
	VADDPS  (SI)(AX*1), Y0, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, CX
	JB      fill
	JMP     done

grow:
	VMOVUPS (DI)(AX*1), Y0
	VADDPS  (SI)(AX*1), Y0, Y0
	VMOVUPS Y0, (DI)(AX*1)
	VDIVPS  Y15, Y0, Y1
	VMOVUPS Y1, (R8)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, CX
	JB      grow
	JMP     done

shrink:
	VMOVUPS (DI)(AX*1), Y0
	VSUBPS  (DX)(AX*1), Y0, Y0
	VMOVUPS Y0, (DI)(AX*1)
	VDIVPS  Y15, Y0, Y1
	VMOVUPS Y1, (R8)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, CX
	JB      shrink

done:
	VZEROUPPER
	RET

// func transposeAVX2(dst, src *float32, rows, cols, srcStride, dstStride int)
//
// dst[x*dstStride+y] = src[y*srcStride+x] for y < rows, x < cols, both
// multiples of 8, in 8x8 blocks transposed in registers.
TEXT ·transposeAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), R8
	MOVQ cols+24(FP), R9
	MOVQ srcStride+32(FP), R10
	MOVQ dstStride+40(FP), R11
	SHLQ $2, R10 // strides in bytes
	SHLQ $2, R11
	XORQ R12, R12 // y

rowblock:
	CMPQ R12, R8
	JAE  tdone
	XORQ R13, R13 // x

colblock:
	CMPQ R13, R9
	JAE  nextrowblock

	// BX = &src[y*srcStride + x]
	MOVQ R12, BX
	IMULQ R10, BX
	LEAQ (SI)(BX*1), BX
	LEAQ (BX)(R13*4), BX
	MOVQ R10, DX
	VMOVUPS (BX), Y0
	VMOVUPS (BX)(DX*1), Y1
	LEAQ (BX)(DX*2), BX
	VMOVUPS (BX), Y2
	VMOVUPS (BX)(DX*1), Y3
	LEAQ (BX)(DX*2), BX
	VMOVUPS (BX), Y4
	VMOVUPS (BX)(DX*1), Y5
	LEAQ (BX)(DX*2), BX
	VMOVUPS (BX), Y6
	VMOVUPS (BX)(DX*1), Y7

	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y15

	VSHUFPS $0x44, Y10, Y8, Y0
	VSHUFPS $0xEE, Y10, Y8, Y1
	VSHUFPS $0x44, Y11, Y9, Y2
	VSHUFPS $0xEE, Y11, Y9, Y3
	VSHUFPS $0x44, Y14, Y12, Y4
	VSHUFPS $0xEE, Y14, Y12, Y5
	VSHUFPS $0x44, Y15, Y13, Y6
	VSHUFPS $0xEE, Y15, Y13, Y7

	VPERM2F128 $0x20, Y4, Y0, Y8
	VPERM2F128 $0x20, Y5, Y1, Y9
	VPERM2F128 $0x20, Y6, Y2, Y10
	VPERM2F128 $0x20, Y7, Y3, Y11
	VPERM2F128 $0x31, Y4, Y0, Y12
	VPERM2F128 $0x31, Y5, Y1, Y13
	VPERM2F128 $0x31, Y6, Y2, Y14
	VPERM2F128 $0x31, Y7, Y3, Y15

	// BX = &dst[x*dstStride + y]
	MOVQ R13, BX
	IMULQ R11, BX
	LEAQ (DI)(BX*1), BX
	LEAQ (BX)(R12*4), BX
	MOVQ R11, DX
	VMOVUPS Y8, (BX)
	VMOVUPS Y9, (BX)(DX*1)
	LEAQ (BX)(DX*2), BX
	VMOVUPS Y10, (BX)
	VMOVUPS Y11, (BX)(DX*1)
	LEAQ (BX)(DX*2), BX
	VMOVUPS Y12, (BX)
	VMOVUPS Y13, (BX)(DX*1)
	LEAQ (BX)(DX*2), BX
	VMOVUPS Y14, (BX)
	VMOVUPS Y15, (BX)(DX*1)

	ADDQ $8, R13
	JMP  colblock

nextrowblock:
	ADDQ $8, R12
	JMP  rowblock

tdone:
	VZEROUPPER
	RET

// Byte shuffles that spread the R, G or B bytes of four packed RGB
// pixels (12 bytes of each 128-bit lane) into four zero-extended dwords.
DATA lumaShufR<>+0(SB)/8, $0x8080800380808000
DATA lumaShufR<>+8(SB)/8, $0x8080800980808006
DATA lumaShufR<>+16(SB)/8, $0x8080800380808000
DATA lumaShufR<>+24(SB)/8, $0x8080800980808006
GLOBL lumaShufR<>(SB), RODATA|NOPTR, $32

DATA lumaShufG<>+0(SB)/8, $0x8080800480808001
DATA lumaShufG<>+8(SB)/8, $0x8080800a80808007
DATA lumaShufG<>+16(SB)/8, $0x8080800480808001
DATA lumaShufG<>+24(SB)/8, $0x8080800a80808007
GLOBL lumaShufG<>(SB), RODATA|NOPTR, $32

DATA lumaShufB<>+0(SB)/8, $0x8080800580808002
DATA lumaShufB<>+8(SB)/8, $0x8080800b80808008
DATA lumaShufB<>+16(SB)/8, $0x8080800580808002
DATA lumaShufB<>+24(SB)/8, $0x8080800b80808008
GLOBL lumaShufB<>(SB), RODATA|NOPTR, $32

// func lumaRGBAVX2(dst *float32, rgb *byte, n int, coef *[3]float32)
//
// dst[i] = (R*cR + G*cG) + B*cB for n pixels (a multiple of 8), each
// product rounded to float32 before the sums. It loads 16 bytes at the
// 4th pixel of each group of 8, so rgb must hold 3n+4 bytes.
TEXT ·lumaRGBAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ rgb+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ coef+24(FP), AX
	VBROADCASTSS 0(AX), Y13
	VBROADCASTSS 4(AX), Y14
	VBROADCASTSS 8(AX), Y15
	VMOVDQU lumaShufR<>(SB), Y10
	VMOVDQU lumaShufG<>(SB), Y11
	VMOVDQU lumaShufB<>(SB), Y12
	SHRQ $3, CX
	JZ   ldone

lloop:
	VMOVDQU    (SI), X0
	VINSERTI128 $1, 12(SI), Y0, Y0
	VPSHUFB    Y10, Y0, Y1
	VPSHUFB    Y11, Y0, Y2
	VPSHUFB    Y12, Y0, Y3
	VCVTDQ2PS  Y1, Y1
	VCVTDQ2PS  Y2, Y2
	VCVTDQ2PS  Y3, Y3
	VMULPS     Y13, Y1, Y1
	VMULPS     Y14, Y2, Y2
	VMULPS     Y15, Y3, Y3
	VADDPS     Y2, Y1, Y1
	VADDPS     Y3, Y1, Y1
	VMOVUPS    Y1, (DI)
	ADDQ       $24, SI
	ADDQ       $32, DI
	DECQ       CX
	JNZ        lloop

ldone:
	VZEROUPPER
	RET

// func boxLanesAVX2(in, out *float32, n, window int)
//
// The reference's running-sum box filter along n vectors of 8 floats:
// lane k of in[0..n) is one row of the image (a strip of 8 rows,
// transposed), so the running sum of each row lives in one lane of Y0.
// Phases as in boxRow: the window fills to half, grows to full, slides,
// and shrinks. Needs window <= n.
TEXT ·boxLanesAVX2(SB), NOSPLIT, $0-32
	MOVQ in+0(FP), SI  // right edge of the window
	MOVQ out+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ window+24(FP), R8
	MOVQ SI, DX        // left edge of the window
	VXORPS Y0, Y0, Y0
	LEAQ 2(R8), R9
	SHRQ $1, R9        // half = (window+2)/2
	LEAQ -1(R9), R10
	TESTQ R10, R10
	JLE  grow

fill:
	VADDPS (SI), Y0, Y0
	ADDQ   $32, SI
	DECQ   R10
	JNZ    fill

grow:
	MOVQ R9, R11 // divisor: half .. window

growloop:
	CMPQ R11, R8
	JG   slide
	VADDPS    (SI), Y0, Y0
	VCVTSI2SSQ R11, X1, X1
	VBROADCASTSS X1, Y1
	VDIVPS    Y1, Y0, Y2
	VMOVUPS   Y2, (DI)
	ADDQ      $32, SI
	ADDQ      $32, DI
	INCQ      R11
	JMP       growloop

slide:
	MOVQ CX, R10
	SUBQ R8, R10
	VCVTSI2SSQ R8, X1, X1
	VBROADCASTSS X1, Y1
	TESTQ R10, R10
	JLE  shrink

slideloop:
	VADDPS  (SI), Y0, Y0
	VSUBPS  (DX), Y0, Y0
	VDIVPS  Y1, Y0, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DX
	ADDQ    $32, DI
	DECQ    R10
	JNZ     slideloop

shrink:
	LEAQ -1(R8), R11 // divisor: window-1 down to window-half+1
	MOVQ R8, R12
	SUBQ R9, R12
	INCQ R12

shrinkloop:
	CMPQ R11, R12
	JL   bdone
	VSUBPS    (DX), Y0, Y0
	VCVTSI2SSQ R11, X1, X1
	VBROADCASTSS X1, Y1
	VDIVPS    Y1, Y0, Y2
	VMOVUPS   Y2, (DI)
	ADDQ      $32, DX
	ADDQ      $32, DI
	DECQ      R11
	JMP       shrinkloop

bdone:
	VZEROUPPER
	RET
