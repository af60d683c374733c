//go:build amd64 && !purego

#include "textflag.h"

// func saxpy4AVX512(c, b0, b1, b2, b3 *float32, a *[4]float32, n int)
//
// c[j] = fma(a[3], b3[j], fma(a[2], b2[j], fma(a[1], b1[j], fma(a[0], b0[j], c[j]))))
// for j < n, n a multiple of 32: four rows of B folded into one row of C
// per pass, two independent 16-lane accumulators.
TEXT ·saxpy4AVX512(SB), NOSPLIT, $0-56
	MOVQ c+0(FP), DI
	MOVQ b0+8(FP), R8
	MOVQ b1+16(FP), R9
	MOVQ b2+24(FP), R10
	MOVQ b3+32(FP), R11
	MOVQ a+40(FP), AX
	MOVQ n+48(FP), CX
	VBROADCASTSS 0(AX), Z0
	VBROADCASTSS 4(AX), Z1
	VBROADCASTSS 8(AX), Z2
	VBROADCASTSS 12(AX), Z3
	SHLQ $2, CX
	XORQ SI, SI

loop:
	CMPQ SI, CX
	JGE  done
	VMOVUPS     (DI)(SI*1), Z4
	VMOVUPS     64(DI)(SI*1), Z5
	VFMADD231PS (R8)(SI*1), Z0, Z4
	VFMADD231PS 64(R8)(SI*1), Z0, Z5
	VFMADD231PS (R9)(SI*1), Z1, Z4
	VFMADD231PS 64(R9)(SI*1), Z1, Z5
	VFMADD231PS (R10)(SI*1), Z2, Z4
	VFMADD231PS 64(R10)(SI*1), Z2, Z5
	VFMADD231PS (R11)(SI*1), Z3, Z4
	VFMADD231PS 64(R11)(SI*1), Z3, Z5
	VMOVUPS     Z4, (DI)(SI*1)
	VMOVUPS     Z5, 64(DI)(SI*1)
	ADDQ        $128, SI
	JMP         loop

done:
	VZEROUPPER
	RET

// func saxpy1AVX512(c, b0 *float32, a0 float32, n int)
//
// c[j] = fma(a0, b0[j], c[j]) for j < n, n a multiple of 32.
TEXT ·saxpy1AVX512(SB), NOSPLIT, $0-32
	MOVQ c+0(FP), DI
	MOVQ b0+8(FP), R8
	VBROADCASTSS a0+16(FP), Z0
	MOVQ n+24(FP), CX
	SHLQ $2, CX
	XORQ SI, SI

loop1:
	CMPQ SI, CX
	JGE  done1
	VMOVUPS     (DI)(SI*1), Z4
	VMOVUPS     64(DI)(SI*1), Z5
	VFMADD231PS (R8)(SI*1), Z0, Z4
	VFMADD231PS 64(R8)(SI*1), Z0, Z5
	VMOVUPS     Z4, (DI)(SI*1)
	VMOVUPS     Z5, 64(DI)(SI*1)
	ADDQ        $128, SI
	JMP         loop1

done1:
	VZEROUPPER
	RET
