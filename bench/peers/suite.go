package main

// The benchmark suite (internal/benchsuite/testdata/suite.json) on GoMLX's
// pure-Go backend simplego: each workload is one graph, built with GoMLX's
// graph API the way a GoMLX user would write it, compiled once per thread
// count and timed per Exec call. Inputs follow bench/suite/export_jax.py's
// formula; each workload is checked once against <name>.out0.npy where that
// file exists. Prints
//
//	RESULT gomlx <workload> <threads> <seconds per call>
//	SKIP gomlx <workload> <reason>

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/gomlx/backends/simplego"
	. "github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
)

type suiteArg struct {
	Shape []int   `json:"shape"`
	DType string  `json:"dtype"`
	Scale float64 `json:"scale"`
}

type suiteOut struct {
	Shape []int  `json:"shape"`
	DType string `json:"dtype"`
	File  string `json:"file"`
}

type suiteWorkload struct {
	Name    string     `json:"name"`
	Args    []suiteArg `json:"args"`
	Flops   int64      `json:"flops"`
	Outputs []suiteOut `json:"outputs"`
}

// genInput is export_jax.py's formula: x = (i+1)·φ + 0.1234·k in float64,
// u = x - floor(x), v = float32((u-0.5)·2·scale). The explicit float64
// conversions forbid fused multiply-adds, so the values are bit-identical to
// numpy's.
func genInput(n, k int, scale float64) []float32 {
	const phi = 0.6180339887498949
	off := 0.1234 * float64(k)
	v := make([]float32, n)
	for i := range v {
		x := float64(float64(i+1)*phi) + off
		u := x - math.Floor(x)
		v[i] = float32(float64(float64(u-0.5)*2) * scale)
	}
	return v
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// ---- workloads as GoMLX graphs ---------------------------------------------

func relu(x *Node) *Node { return Max(x, ScalarZero(x.Graph(), x.DType())) }

// bias adds a rank-1 bias b along the last axis of x.
func bias(x, b *Node) *Node {
	dims := make([]int, x.Rank())
	for i := range dims {
		dims[i] = 1
	}
	dims[len(dims)-1] = b.Shape().Dimensions[0]
	return Add(x, Reshape(b, dims...))
}

func dense(x, w, b *Node) *Node { return bias(Dot(x, w), b) }

func softmaxLast(x *Node) *Node { return Softmax(x, -1) }

func layerNorm(x, g, b *Node) *Node {
	m := ReduceAndKeep(x, ReduceMean, -1)
	d := Sub(x, m)
	v := ReduceAndKeep(Mul(d, d), ReduceMean, -1)
	y := Mul(d, Rsqrt(AddScalar(v, 1e-5)))
	return bias(Mul(y, Reshape(g, 1, g.Shape().Dimensions[0])), b)
}

func geluTanh(x *Node) *Node {
	c := math.Sqrt(2 / math.Pi)
	x3 := Mul(Mul(x, x), x)
	t := Tanh(MulScalar(Add(x, MulScalar(x3, 0.044715)), c))
	return Mul(x, MulScalar(AddScalar(t, 1), 0.5))
}

func convSame(x, w, b *Node) *Node {
	// x NHWC, w HWIO (GoMLX's default ChannelsLast layout for both).
	// Strides(1) explicitly: v0.26 passes an empty stride list otherwise, which
	// simplego rejects ("stride[0]=0 must be >= 1").
	return relu(bias(Convolve(x, w).Strides(1).PadSame().Done(), b))
}

func maxPool2(x *Node) *Node { return MaxPool(x).Window(2).Strides(2).NoPadding().Done() }

var gomlxWorkloads = map[string]func(in []*Node) *Node{
	"matmul": func(in []*Node) *Node { return Dot(in[0], in[1]) },
	"mlp": func(in []*Node) *Node {
		h := relu(dense(in[0], in[1], in[2]))
		h = relu(dense(h, in[3], in[4]))
		return softmaxLast(dense(h, in[5], in[6]))
	},
	"cnn": func(in []*Node) *Node {
		h := maxPool2(convSame(in[0], in[1], in[2]))
		h = maxPool2(convSame(h, in[3], in[4]))
		h = Reshape(h, h.Shape().Dimensions[0], -1)
		h = relu(dense(h, in[5], in[6]))
		return softmaxLast(dense(h, in[7], in[8]))
	},
	"transformer": func(in []*Node) *Node {
		x := in[0]
		s, d := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
		const heads = 4
		hd := d / heads
		y := layerNorm(x, in[1], in[2])
		qkv := Reshape(dense(y, in[3], in[4]), s, 3, heads, hd)
		q := Reshape(Slice(qkv, AxisRange(), AxisElem(0)), s, heads, hd)
		k := Reshape(Slice(qkv, AxisRange(), AxisElem(1)), s, heads, hd)
		v := Reshape(Slice(qkv, AxisRange(), AxisElem(2)), s, heads, hd)
		// att[h, q, k] = Σ_d q[q, h, d]·k[k, h, d]
		att := DotGeneral(q, []int{2}, []int{1}, k, []int{2}, []int{1})
		att = softmaxLast(DivScalar(att, math.Sqrt(float64(hd))))
		// o[h, q, d] = Σ_k att[h, q, k]·v[k, h, d]
		o := DotGeneral(att, []int{2}, []int{0}, v, []int{0}, []int{1})
		o = Reshape(TransposeAllAxes(o, 1, 0, 2), s, d)
		x = Add(x, dense(o, in[5], in[6]))
		y = layerNorm(x, in[7], in[8])
		f := geluTanh(dense(y, in[9], in[10]))
		return Add(x, dense(f, in[11], in[12]))
	},
	"chain":  func(in []*Node) *Node { return relu(Add(Mul(in[0], in[1]), in[2])) },
	"sum":    func(in []*Node) *Node { return ReduceAllSum(in[0]) },
	"rowmax": func(in []*Node) *Node { return ReduceMax(in[0], 1) },
	"colsum": func(in []*Node) *Node { return ReduceSum(in[0], 0) },
	"exp":    func(in []*Node) *Node { return Exp(in[0]) },
	"tanh":   func(in []*Node) *Node { return Tanh(in[0]) },
}

// gomlxSkip lists the workloads GoMLX v0.26 cannot express, with the reason.
var gomlxSkip = map[string]string{
	"while": "GoMLX v0.26's graph API has no While/loop op (graphs have no control flow); " +
		"a host loop of 100000 Exec calls would measure Exec dispatch, not a loop",
}

func gomlxGraph(name string) (func(in []*Node) *Node, bool) {
	if strings.HasPrefix(name, "matmul_") {
		name = "matmul"
	}
	f, ok := gomlxWorkloads[name]
	return f, ok
}

// ---- .npy reader -----------------------------------------------------------

var npyShapeRe = regexp.MustCompile(`'shape':\s*\(([^)]*)\)`)

// readNPY reads a little-endian float32 ('<f4'), C-order .npy file.
func readNPY(path string) ([]float32, []int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if len(b) < 10 || string(b[1:6]) != "NUMPY" {
		return nil, nil, fmt.Errorf("%s: not a .npy file", path)
	}
	var hlen, start int
	switch b[6] {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(b[8:10])), 10
	case 2, 3:
		hlen, start = int(binary.LittleEndian.Uint32(b[8:12])), 12
	default:
		return nil, nil, fmt.Errorf("%s: .npy version %d", path, b[6])
	}
	header := string(b[start : start+hlen])
	if !strings.Contains(header, "'<f4'") || strings.Contains(header, "'fortran_order': True") {
		return nil, nil, fmt.Errorf("%s: want a C-order '<f4' array, header %s", path, header)
	}
	m := npyShapeRe.FindStringSubmatch(header)
	if m == nil {
		return nil, nil, fmt.Errorf("%s: no shape in header %s", path, header)
	}
	var shape []int
	for _, f := range strings.Split(m[1], ",") {
		if f = strings.TrimSpace(f); f != "" {
			d, err := strconv.Atoi(f)
			if err != nil {
				return nil, nil, err
			}
			shape = append(shape, d)
		}
	}
	data := b[start+hlen:]
	n := size(shape)
	if len(data) < 4*n {
		return nil, nil, fmt.Errorf("%s: %d bytes of data, want %d", path, len(data), 4*n)
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
	}
	return v, shape, nil
}

// ---- harness ---------------------------------------------------------------

func loadSuite(dir string) ([]suiteWorkload, error) {
	b, err := os.ReadFile(filepath.Join(dir, "suite.json"))
	if err != nil {
		return nil, err
	}
	var s struct {
		Workloads []suiteWorkload `json:"workloads"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return s.Workloads, nil
}

// measureCall calls f once to warm up, then until -mintime has passed and
// -minreps calls were made (1 if the warm-up alone took -mintime), and
// returns seconds per call; ok is false if the warm-up took over -maxcall.
func measureCall(f func() error) (sec, warm float64, ok bool, err error) {
	t0 := time.Now()
	if err := f(); err != nil {
		return 0, 0, false, err
	}
	warm = time.Since(t0).Seconds()
	if warm > maxCall.Seconds() {
		return 0, warm, false, nil
	}
	minr := *minReps
	if warm >= minTime.Seconds() {
		minr = 1
	}
	reps := 0
	start := time.Now()
	for reps < minr || time.Since(start) < *minTime {
		if err := f(); err != nil {
			return 0, warm, false, err
		}
		reps++
	}
	return time.Since(start).Seconds() / float64(reps), warm, true, nil
}

func runSuite(dir, names string, threadList []int, check bool) error {
	all, err := loadSuite(dir)
	if err != nil {
		return err
	}
	byName := map[string]suiteWorkload{}
	var order []string
	for _, w := range all {
		byName[w.Name] = w
		order = append(order, w.Name)
	}
	if names != "" && names != "all" {
		order = strings.Split(names, ",")
	}
	for _, name := range order {
		w, ok := byName[name]
		if !ok {
			fmt.Printf("SKIP gomlx %s unknown workload\n", name)
			continue
		}
		if why, skip := gomlxSkip[name]; skip {
			fmt.Printf("SKIP gomlx %s %s\n", name, why)
			continue
		}
		build, ok := gomlxGraph(name)
		if !ok {
			fmt.Printf("SKIP gomlx %s not implemented for GoMLX\n", name)
			continue
		}
		data := make([][]float32, len(w.Args))
		for k, a := range w.Args {
			data[k] = genInput(size(a.Shape), k, a.Scale)
		}
		for i, t := range threadList {
			if err := benchSuiteWorkload(dir, w, build, data, t, check && i == 0); err != nil {
				fmt.Printf("SKIP gomlx %s %d error: %s\n", name, t, strings.ReplaceAll(err.Error(), "\n", " "))
			}
			runtime.GC()
		}
	}
	return nil
}

func benchSuiteWorkload(dir string, w suiteWorkload, build func([]*Node) *Node, data [][]float32, t int, check bool) (err error) {
	runtime.GOMAXPROCS(t)
	backend, err := simplego.New(fmt.Sprintf("parallelism=%d", t))
	if err != nil {
		return err
	}
	defer backend.Finalize()
	// Input tensors are bound to the backend on first use, so they are made
	// per backend.
	inputs := make([]any, len(data))
	for k, a := range w.Args {
		in := tensors.FromFlatDataAndDimensions(data[k], a.Shape...)
		defer in.FinalizeAll()
		inputs[k] = in
	}
	exec, err := NewExec(backend, build)
	if err != nil {
		return err
	}
	defer exec.Finalize()
	if check {
		outs, err := exec.Exec(inputs...)
		if err != nil {
			return err
		}
		checkOutput(dir, w, data, outs[0])
		for _, o := range outs {
			o.FinalizeAll()
		}
	}
	sec, warm, ok, err := measureCall(func() error {
		outs, err := exec.Exec(inputs...)
		if err != nil {
			return err
		}
		for _, o := range outs {
			o.FinalizeAll()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !ok {
		fmt.Printf("SKIP gomlx %s %d warm-up call took %.1fs > -maxcall %s\n", w.Name, t, warm, *maxCall)
		return nil
	}
	fmt.Printf("RESULT gomlx %s %d %.6g\n", w.Name, t, sec)
	return nil
}

func checkOutput(dir string, w suiteWorkload, data [][]float32, out *tensors.Tensor) {
	if len(w.Outputs) == 0 {
		return
	}
	o := w.Outputs[0]
	gotShape := out.Shape().Dimensions
	if fmt.Sprint(gotShape) != fmt.Sprint(o.Shape) && !(len(gotShape) == 0 && len(o.Shape) == 0) {
		fmt.Printf("WARNING gomlx %s: shape %v, want %v\n", w.Name, gotShape, o.Shape)
		return
	}
	if o.File == "" {
		return
	}
	want, _, err := readNPY(filepath.Join(dir, o.File))
	if os.IsNotExist(err) {
		return // listed but not present: nothing to check against
	}
	if err != nil {
		fmt.Printf("WARNING gomlx %s: %v\n", w.Name, err)
		return
	}
	got, err := tensors.CopyFlatData[float32](out)
	if err != nil || len(got) != len(want) {
		fmt.Printf("WARNING gomlx %s: output %d values (%v), want %d\n", w.Name, len(got), err, len(want))
		return
	}
	var maxErr, ref float64
	for i := range want {
		maxErr = math.Max(maxErr, math.Abs(float64(got[i])-float64(want[i])))
		ref = math.Max(ref, math.Abs(float64(want[i])))
	}
	if math.IsNaN(float64(sumF32(got))) {
		maxErr = math.NaN()
	}
	tol := 1e-3 * math.Max(ref, 1e-30)
	extra := ""
	if w.Name == "sum" {
		// See numpy_suite.py: the sum is dominated by float32 rounding, so the
		// tolerance is 1e-3·Σ|a|/√n.
		a := data[0]
		var l1, s64 float64
		for _, x := range a {
			l1 += math.Abs(float64(x))
			s64 += float64(x)
		}
		tol = 1e-3 * l1 / math.Sqrt(float64(len(a)))
		extra = fmt.Sprintf(", got %.6g, want %.6g, float64 %.6g", got[0], want[0], s64)
	}
	status := "CHECK"
	if !(maxErr <= tol) {
		status = "WARNING"
	}
	fmt.Printf("%s gomlx %s max abs error %.3g (max |want| %.3g, tolerance %.3g%s)\n", status, w.Name, maxErr, ref, tol, extra)
}

func sumF32(v []float32) float32 {
	var s float32
	for _, x := range v {
		s += x
	}
	return s
}
