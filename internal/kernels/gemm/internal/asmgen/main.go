// Command asmgen writes the Go-assembly GEMM microkernels of package gemm
// (kernels_amd64.s). Run it through `go generate` in package gemm; the
// output is committed, so building never runs it.
//
// Every kernel computes one register tile of C from two operands laid out
// "per k step": for each step p it reads the tile's MR elements of A's
// column p and NR elements of B's row p, and does a rank-1 update of the
// accumulators with FMAs (A broadcast, B as full vectors). The tile is
// written back once, after the whole k loop.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
)

var out = flag.String("o", "kernels_amd64.s", "output file")

type gen struct {
	b bytes.Buffer
}

func (g *gen) p(format string, args ...any) {
	fmt.Fprintf(&g.b, format, args...)
	g.b.WriteByte('\n')
}

// elem describes one element type.
type elem struct {
	name  string // "s" or "d"
	size  int    // bytes
	shift int    // log2(size)
	sfx   string // PS or PD
	bcast string // VBROADCASTSS / VBROADCASTSD
	movu  string // VMOVUPS / VMOVUPD
}

var f32 = elem{"s", 4, 2, "PS", "VBROADCASTSS", "VMOVUPS"}
var f64 = elem{"d", 8, 3, "PD", "VBROADCASTSD", "VMOVUPD"}

// avx512 writes a kernel with an MR×(2 vectors) register tile.
//
// mode "ss": A element (i,p) at a + p*sa + i, B element (p,j) at b + p*sb + j
// (packed panels: sa=MR, sb=NR; A stored k×m: sa=lda).
// mode "rs": A element (i,p) at a + i*lda + p (A row-major, not packed); B as in "ss".
// mode "pp": packed panels with constant strides (sa=MR, sb=NR), B loads unmasked
// (a packed panel is zero-padded to NR columns); the sa and sb arguments are ignored.
//
// B loads are masked to the nr valid columns (masked-out lanes are neither
// read nor faulted), C loads and stores too; only rows < mr are stored.
// opt512 holds the variations measured while tuning (on an AMD EPYC Zen 5,
// f32 1024² single thread): prefetching C's tile before the k loop gained
// about 5%; FMAs with an embedded-broadcast memory operand instead of a
// broadcast register lost about 10%; a 14×32 tile was no faster than
// 12×32; unmasked B loads of packed panels ("pp") were within noise of
// masked ones ("ss").
type opt512 struct {
	suffix    string
	prefetchC bool // prefetch the C tile before the k loop
	embedded  bool // FMA with an embedded-broadcast memory operand
}

func (g *gen) avx512(e elem, mr int, mode string, o opt512) {
	vl := 64 / e.size // lanes per zmm
	nr := 2 * vl
	name := fmt.Sprintf("%sgemmAVX512%s%s", e.name, mode, o.suffix)
	accBase := 32 - 2*mr
	if accBase < 4 {
		log.Fatalf("mr %d too large", mr)
	}
	acc := func(i, v int) string { return fmt.Sprintf("Z%d", accBase+2*i+v) }
	aArg := "sa"
	if mode == "rs" {
		aArg = "lda"
	}
	g.p("// func %s(k int, a *%s, %s int, b *%s, sb int, c *%s, ldc int, mr int, nr int, flags int)", name, e.goType(), aArg, e.goType(), e.goType())
	g.p("// Register tile %d×%d; see kernels_amd64.go.", mr, nr)
	g.p("TEXT ·%s(SB), NOSPLIT, $0-80", name)
	// Column masks: K1 covers columns [0,vl), K2 [vl, 2vl).
	g.p("\tMOVQ nr+64(FP), CX")
	g.p("\tMOVQ $1, AX")
	g.p("\tSHLQ CX, AX")
	g.p("\tDECQ AX")
	g.p("\tKMOVW AX, K1")
	g.p("\tSHRQ $%d, AX", vl)
	g.p("\tKMOVW AX, K2")
	g.p("\tMOVQ k+0(FP), CX")
	g.p("\tMOVQ a+8(FP), SI")
	g.p("\tMOVQ %s+16(FP), R8", aArg)
	g.p("\tSHLQ $%d, R8", e.shift)
	g.p("\tMOVQ b+24(FP), DI")
	g.p("\tMOVQ sb+32(FP), R9")
	g.p("\tSHLQ $%d, R9", e.shift)
	if mode == "rs" {
		// Row bases: SI rows 0-3, BX rows 4-7, R11 rows 8-11, R14 rows 12-15.
		g.p("\tLEAQ (R8)(R8*2), R13")
		g.p("\tLEAQ (SI)(R8*4), BX")
		g.p("\tLEAQ (BX)(R8*4), R11")
		if mr > 12 {
			g.p("\tLEAQ (R11)(R8*4), R14")
		}
	}
	for i := 0; i < mr; i++ {
		for v := 0; v < 2; v++ {
			g.p("\tVPXORD %s, %s, %s", acc(i, v), acc(i, v), acc(i, v))
		}
	}
	// aAddr returns the address of A(i, p+u) relative to the current base.
	aAddr := func(i, u int) string {
		if mode == "pp" {
			return fmt.Sprintf("%d(SI)", (u*mr+i)*e.size)
		}
		if mode == "ss" {
			// within one step: contiguous; across unrolled steps: pointer bumps.
			return fmt.Sprintf("%d(SI)", i*e.size)
		}
		bases := []string{"SI", "BX", "R11", "R14"}
		base := bases[i/4]
		disp := u * e.size
		switch i % 4 {
		case 0:
			return fmt.Sprintf("%d(%s)", disp, base)
		case 1:
			return fmt.Sprintf("%d(%s)(R8*1)", disp, base)
		case 2:
			return fmt.Sprintf("%d(%s)(R8*2)", disp, base)
		default:
			return fmt.Sprintf("%d(%s)(R13*1)", disp, base)
		}
	}
	if o.prefetchC {
		g.p("\tMOVQ c+40(FP), DX")
		g.p("\tMOVQ ldc+48(FP), R10")
		g.p("\tSHLQ $%d, R10", e.shift)
		for i := 0; i < mr; i++ {
			g.p("\tPREFETCHT0 (DX)")
			g.p("\tPREFETCHT0 64(DX)")
			if i < mr-1 {
				g.p("\tADDQ R10, DX")
			}
		}
	}
	step := func(u int) {
		if mode == "pp" {
			g.p("\t%s %d(DI), Z0", e.movu, u*nr*e.size)
			g.p("\t%s %d(DI), Z1", e.movu, u*nr*e.size+64)
		} else {
			g.p("\t%s.Z (DI), K1, Z0", e.movu)
			g.p("\t%s.Z 64(DI), K2, Z1", e.movu)
		}
		for i := 0; i < mr; i++ {
			if o.embedded {
				g.p("\tVFMADD231%s.BCST %s, Z0, %s", e.sfx, aAddr(i, u), acc(i, 0))
				g.p("\tVFMADD231%s.BCST %s, Z1, %s", e.sfx, aAddr(i, u), acc(i, 1))
				continue
			}
			bz := fmt.Sprintf("Z%d", 2+i%2)
			g.p("\t%s %s, %s", e.bcast, aAddr(i, u), bz)
			g.p("\tVFMADD231%s Z0, %s, %s", e.sfx, bz, acc(i, 0))
			g.p("\tVFMADD231%s Z1, %s, %s", e.sfx, bz, acc(i, 1))
		}
		if mode != "pp" {
			g.p("\tADDQ R9, DI")
		}
		if mode == "ss" {
			g.p("\tADDQ R8, SI")
		}
	}
	const unroll = 4
	g.p("\tCMPQ CX, $%d", unroll)
	g.p("\tJLT %s_tail", name)
	g.p("%s_loop:", name)
	for u := 0; u < unroll; u++ {
		step(u)
	}
	if mode == "rs" {
		for _, r := range []string{"SI", "BX", "R11", "R14"}[:(mr+3)/4] {
			g.p("\tADDQ $%d, %s", unroll*e.size, r)
		}
	}
	if mode == "pp" {
		g.p("\tADDQ $%d, SI", unroll*mr*e.size)
		g.p("\tADDQ $%d, DI", unroll*nr*e.size)
	}
	g.p("\tSUBQ $%d, CX", unroll)
	g.p("\tCMPQ CX, $%d", unroll)
	g.p("\tJGE %s_loop", name)
	g.p("%s_tail:", name)
	g.p("\tTESTQ CX, CX")
	g.p("\tJEQ %s_store", name)
	g.p("%s_tail1:", name)
	step(0)
	if mode == "rs" {
		for _, r := range []string{"SI", "BX", "R11", "R14"}[:(mr+3)/4] {
			g.p("\tADDQ $%d, %s", e.size, r)
		}
	}
	if mode == "pp" {
		g.p("\tADDQ $%d, SI", mr*e.size)
		g.p("\tADDQ $%d, DI", nr*e.size)
	}
	g.p("\tDECQ CX")
	g.p("\tJNZ %s_tail1", name)
	g.p("%s_store:", name)
	g.p("\tMOVQ c+40(FP), DX")
	g.p("\tMOVQ ldc+48(FP), R10")
	g.p("\tSHLQ $%d, R10", e.shift)
	g.p("\tMOVQ mr+56(FP), R12")
	g.p("\tMOVQ flags+72(FP), AX")
	g.p("\tTESTQ $1, AX")
	g.p("\tJNZ %s_acc", name)
	for i := 0; i < mr; i++ {
		g.p("\t%s %s, K1, (DX)", e.movu, acc(i, 0))
		g.p("\t%s %s, K2, 64(DX)", e.movu, acc(i, 1))
		if i < mr-1 {
			g.p("\tCMPQ R12, $%d", i+1)
			g.p("\tJEQ %s_done", name)
			g.p("\tADDQ R10, DX")
		}
	}
	g.p("\tJMP %s_done", name)
	g.p("%s_acc:", name)
	for i := 0; i < mr; i++ {
		g.p("\t%s.Z (DX), K1, Z0", e.movu)
		g.p("\t%s.Z 64(DX), K2, Z1", e.movu)
		g.p("\tVADD%s Z0, %s, %s", e.sfx, acc(i, 0), acc(i, 0))
		g.p("\tVADD%s Z1, %s, %s", e.sfx, acc(i, 1), acc(i, 1))
		g.p("\t%s %s, K1, (DX)", e.movu, acc(i, 0))
		g.p("\t%s %s, K2, 64(DX)", e.movu, acc(i, 1))
		if i < mr-1 {
			g.p("\tCMPQ R12, $%d", i+1)
			g.p("\tJEQ %s_done", name)
			g.p("\tADDQ R10, DX")
		}
	}
	g.p("%s_done:", name)
	g.p("\tVZEROUPPER")
	g.p("\tRET")
	g.p("")
}

// avx2 writes a kernel with a 6×(2 vectors) register tile over packed
// panels (A: 6 per step, B: 2 vectors per step). It always stores the full
// tile; the caller routes edge tiles through a scratch tile.
func (g *gen) avx2(e elem) {
	const mr = 6
	vl := 32 / e.size
	nr := 2 * vl
	name := fmt.Sprintf("%sgemmAVX2", e.name)
	acc := func(i, v int) string { return fmt.Sprintf("Y%d", 4+2*i+v) }
	g.p("// func %s(k int, a *%s, b *%s, c *%s, ldc int, flags int)", name, e.goType(), e.goType(), e.goType())
	g.p("// Register tile %d×%d over packed panels; see kernels_amd64.go.", mr, nr)
	g.p("TEXT ·%s(SB), NOSPLIT, $0-48", name)
	g.p("\tMOVQ k+0(FP), CX")
	g.p("\tMOVQ a+8(FP), SI")
	g.p("\tMOVQ b+16(FP), DI")
	for i := 0; i < mr; i++ {
		for v := 0; v < 2; v++ {
			g.p("\tVXORPS %s, %s, %s", acc(i, v), acc(i, v), acc(i, v))
		}
	}
	g.p("\tMOVQ c+24(FP), DX")
	g.p("\tMOVQ ldc+32(FP), R10")
	g.p("\tSHLQ $%d, R10", e.shift)
	for i := 0; i < mr; i++ {
		g.p("\tPREFETCHT0 (DX)")
		g.p("\tPREFETCHT0 63(DX)")
		if i < mr-1 {
			g.p("\tADDQ R10, DX")
		}
	}
	astep := mr * e.size
	bstep := nr * e.size
	step := func(u int) {
		g.p("\t%s %d(DI), Y0", e.movu, u*bstep)
		g.p("\t%s %d(DI), Y1", e.movu, u*bstep+32)
		for i := 0; i < mr; i++ {
			bz := fmt.Sprintf("Y%d", 2+i%2)
			g.p("\t%s %d(SI), %s", e.bcast, u*astep+i*e.size, bz)
			g.p("\tVFMADD231%s Y0, %s, %s", e.sfx, bz, acc(i, 0))
			g.p("\tVFMADD231%s Y1, %s, %s", e.sfx, bz, acc(i, 1))
		}
	}
	const unroll = 4
	g.p("\tCMPQ CX, $%d", unroll)
	g.p("\tJLT %s_tail", name)
	g.p("%s_loop:", name)
	for u := 0; u < unroll; u++ {
		step(u)
	}
	g.p("\tADDQ $%d, SI", unroll*astep)
	g.p("\tADDQ $%d, DI", unroll*bstep)
	g.p("\tSUBQ $%d, CX", unroll)
	g.p("\tCMPQ CX, $%d", unroll)
	g.p("\tJGE %s_loop", name)
	g.p("%s_tail:", name)
	g.p("\tTESTQ CX, CX")
	g.p("\tJEQ %s_store", name)
	g.p("%s_tail1:", name)
	step(0)
	g.p("\tADDQ $%d, SI", astep)
	g.p("\tADDQ $%d, DI", bstep)
	g.p("\tDECQ CX")
	g.p("\tJNZ %s_tail1", name)
	g.p("%s_store:", name)
	g.p("\tMOVQ c+24(FP), DX")
	g.p("\tMOVQ ldc+32(FP), R10")
	g.p("\tSHLQ $%d, R10", e.shift)
	g.p("\tMOVQ flags+40(FP), AX")
	g.p("\tTESTQ $1, AX")
	g.p("\tJNZ %s_acc", name)
	for i := 0; i < mr; i++ {
		g.p("\t%s %s, (DX)", e.movu, acc(i, 0))
		g.p("\t%s %s, 32(DX)", e.movu, acc(i, 1))
		if i < mr-1 {
			g.p("\tADDQ R10, DX")
		}
	}
	g.p("\tJMP %s_done", name)
	g.p("%s_acc:", name)
	for i := 0; i < mr; i++ {
		g.p("\tVADD%s (DX), %s, %s", e.sfx, acc(i, 0), acc(i, 0))
		g.p("\tVADD%s 32(DX), %s, %s", e.sfx, acc(i, 1), acc(i, 1))
		g.p("\t%s %s, (DX)", e.movu, acc(i, 0))
		g.p("\t%s %s, 32(DX)", e.movu, acc(i, 1))
		if i < mr-1 {
			g.p("\tADDQ R10, DX")
		}
	}
	g.p("%s_done:", name)
	g.p("\tVZEROUPPER")
	g.p("\tRET")
	g.p("")
}

// dot writes a kernel for C = A·Bᵀ with both operands contiguous along k:
// C[i, j] (=|+=) Σ_p a[i*lda+p]·b[j*ldb+p] for i < mr ≤ 4, j < nr ≤ 4. Rows
// past mr (nr) are read from row 0 instead, and their sums discarded. The k
// loop goes a vector at a time, the last partial vector with masked loads;
// the 16 accumulators are reduced horizontally at the end.
func (g *gen) dot(e elem) {
	vl := 64 / e.size
	name := fmt.Sprintf("%sdotAVX512", e.name)
	acc := func(i, j int) int { return 16 + 4*i + j }
	aRow := []string{"SI", "R8", "R9", "R10"}
	bRow := []string{"DI", "R11", "R12", "R13"}
	g.p("// func %s(k int, a *%s, lda int, b *%s, ldb int, c *%s, ldc int, mr int, nr int, flags int)", name, e.goType(), e.goType(), e.goType())
	g.p("TEXT ·%s(SB), NOSPLIT, $0-80", name)
	// Row pointers; rows past mr / nr alias row 0.
	g.p("\tMOVQ a+8(FP), SI")
	g.p("\tMOVQ lda+16(FP), AX")
	g.p("\tSHLQ $%d, AX", e.shift)
	g.p("\tMOVQ mr+56(FP), DX")
	for i := 1; i < 4; i++ {
		g.p("\tLEAQ (%s)(AX*1), %s", aRow[i-1], aRow[i])
	}
	for i := 1; i < 4; i++ {
		g.p("\tCMPQ DX, $%d", i)
		g.p("\tCMOVQLE SI, %s", aRow[i])
	}
	g.p("\tMOVQ b+24(FP), DI")
	g.p("\tMOVQ ldb+32(FP), AX")
	g.p("\tSHLQ $%d, AX", e.shift)
	g.p("\tMOVQ nr+64(FP), DX")
	for j := 1; j < 4; j++ {
		g.p("\tLEAQ (%s)(AX*1), %s", bRow[j-1], bRow[j])
	}
	for j := 1; j < 4; j++ {
		g.p("\tCMPQ DX, $%d", j)
		g.p("\tCMOVQLE DI, %s", bRow[j])
	}
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			g.p("\tVPXORD Z%d, Z%d, Z%d", acc(i, j), acc(i, j), acc(i, j))
		}
	}
	g.p("\tMOVQ k+0(FP), CX")
	g.p("\tXORQ BX, BX") // byte offset along k
	g.p("\tCMPQ CX, $%d", vl)
	g.p("\tJLT %s_tail", name)
	body := func(load string) {
		for i := 0; i < 4; i++ {
			g.p("\t%s (%s)(BX*1), %sZ%d", e.movu, aRow[i], load, i)
		}
		for j := 0; j < 4; j++ {
			g.p("\t%s (%s)(BX*1), %sZ%d", e.movu, bRow[j], load, 4+j)
		}
		for i := 0; i < 4; i++ {
			for j := 0; j < 4; j++ {
				g.p("\tVFMADD231%s Z%d, Z%d, Z%d", e.sfx, 4+j, i, acc(i, j))
			}
		}
	}
	g.p("%s_loop:", name)
	body("")
	g.p("\tADDQ $64, BX")
	g.p("\tSUBQ $%d, CX", vl)
	g.p("\tCMPQ CX, $%d", vl)
	g.p("\tJGE %s_loop", name)
	g.p("%s_tail:", name)
	g.p("\tTESTQ CX, CX")
	g.p("\tJEQ %s_reduce", name)
	g.p("\tMOVQ $1, AX")
	g.p("\tSHLQ CX, AX")
	g.p("\tDECQ AX")
	g.p("\tKMOVW AX, K1")
	// Masked zeroing loads: the .Z form with K1.
	for i := 0; i < 4; i++ {
		g.p("\t%s.Z (%s)(BX*1), K1, Z%d", e.movu, aRow[i], i)
	}
	for j := 0; j < 4; j++ {
		g.p("\t%s.Z (%s)(BX*1), K1, Z%d", e.movu, bRow[j], 4+j)
	}
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			g.p("\tVFMADD231%s Z%d, Z%d, Z%d", e.sfx, 4+j, i, acc(i, j))
		}
	}
	g.p("%s_reduce:", name)
	g.p("\tMOVQ c+40(FP), DX")
	g.p("\tMOVQ ldc+48(FP), R10")
	g.p("\tSHLQ $%d, R10", e.shift)
	g.p("\tMOVQ mr+56(FP), R8")
	g.p("\tMOVQ nr+64(FP), R9")
	g.p("\tMOVQ flags+72(FP), AX")
	movs := "MOVSS"
	adds := "ADDSS"
	if e.size == 8 {
		movs, adds = "MOVSD", "ADDSD"
	}
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			z := acc(i, j)
			// Z → X0: 512 → 256 → 128 → 64 → 32 bits.
			// (through Z1 so that only AVX512F and VEX encodings are needed)
			g.p("\tVMOVUP%s Z%d, Z1", e.sfx[1:], z)
			g.p("\tVEXTRACTF64X4 $1, Z1, Y0")
			g.p("\tVADD%s Y1, Y0, Y0", e.sfx)
			g.p("\tVEXTRACTF128 $1, Y0, X1")
			g.p("\tVADD%s X1, X0, X0", e.sfx)
			if e.size == 4 {
				g.p("\tVPERMILPS $0x4E, X0, X1")
				g.p("\tVADDPS X1, X0, X0")
				g.p("\tVPERMILPS $0xB1, X0, X1")
				g.p("\tVADDPS X1, X0, X0")
			} else {
				g.p("\tVPERMILPD $1, X0, X1")
				g.p("\tVADDPD X1, X0, X0")
			}
			g.p("\tCMPQ R9, $%d", j)
			g.p("\tJLE %s_next%d", name, i)
			g.p("\tTESTQ $1, AX")
			g.p("\tJEQ %s_st%d_%d", name, i, j)
			g.p("\tV%s %d(DX), X0, X0", adds, j*e.size)
			g.p("%s_st%d_%d:", name, i, j)
			g.p("\tV%s X0, %d(DX)", movs, j*e.size)
		}
		g.p("%s_next%d:", name, i)
		if i < 3 {
			g.p("\tCMPQ R8, $%d", i+1)
			g.p("\tJLE %s_done", name)
			g.p("\tADDQ R10, DX")
		}
	}
	g.p("%s_done:", name)
	g.p("\tVZEROUPPER")
	g.p("\tRET")
	g.p("")
}

func (e elem) goType() string {
	if e.size == 4 {
		return "float32"
	}
	return "float64"
}

func main() {
	flag.Parse()
	g := &gen{}
	g.p("// Code generated by internal/asmgen; DO NOT EDIT.")
	g.p("")
	g.p("//go:build amd64 && !purego")
	g.p("")
	g.p("#include \"textflag.h\"")
	g.p("")
	for _, e := range []elem{f32, f64} {
		g.avx512(e, 12, "pp", opt512{prefetchC: true})
		g.avx512(e, 12, "ss", opt512{prefetchC: true})
		g.avx512(e, 12, "rs", opt512{prefetchC: true})
		g.dot(e)
		g.avx2(e)
	}
	if err := os.WriteFile(*out, g.b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
