package tensor

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestJSONDecodeForms(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		dtype DType
		shape string
		want  []float64
	}{
		{"flat", `{"dtype": "float32", "shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]}`, F32, "[2, 3]", []float64{1, 2, 3, 4, 5, 6}},
		{"nested", `{"dtype": "float32", "shape": [2, 3], "data": [[1, 2, 3], [4, 5, 6]]}`, F32, "[2, 3]", []float64{1, 2, 3, 4, 5, 6}},
		{"data first", `{"data": [[1, 2], [3, 4]], "shape": [2, 2], "dtype": "int64"}`, I64, "[2, 2]", []float64{1, 2, 3, 4}},
		{"mlir name", `{"dtype": "ui8", "shape": [3], "data": [0, 128, 255]}`, U8, "[3]", []float64{0, 128, 255}},
		{"bool", `{"dtype": "bool", "shape": [3], "data": [true, false, 1]}`, Bool, "[3]", []float64{1, 0, 1}},
		{"i1", `{"dtype": "i1", "shape": [], "data": true}`, Bool, "[]", []float64{1}},
		{"bare scalar", `{"dtype": "float64", "shape": [], "data": 2.5}`, F64, "[]", []float64{2.5}},
		{"listed scalar", `{"dtype": "float64", "shape": [], "data": [2.5]}`, F64, "[]", []float64{2.5}},
		{"empty", `{"dtype": "int8", "shape": [0, 3], "data": []}`, I8, "[0, 3]", nil},
		{"empty nested", `{"dtype": "int8", "shape": [2, 0], "data": [[], []]}`, I8, "[2, 0]", nil},
		{"3d nested", `{"dtype": "int4", "shape": [2, 1, 2], "data": [[[-8, 7]], [[0, -1]]]}`, I4, "[2, 1, 2]", []float64{-8, 7, 0, -1}},
		{"specials", `{"dtype": "float16", "shape": [6], "data": ["nan", "inf", "-inf", "NaN", "Infinity", "-Infinity"]}`, F16, "[6]", []float64{math.NaN(), math.Inf(1), math.Inf(-1), math.NaN(), math.Inf(1), math.Inf(-1)}},
		{"python bare specials", `{"dtype": "float32", "shape": [3], "data": [NaN, Infinity, -Infinity]}`, F32, "[3]", []float64{math.NaN(), math.Inf(1), math.Inf(-1)}},
		{"bare specials in strings untouched", `{"dtype": "bfloat16", "shape": [1], "data": ["NaN"]}`, BF16, "[1]", []float64{math.NaN()}},
		{"exponent forms", `{"dtype": "f64", "shape": [3], "data": [1e3, -2.5E-1, 0.0]}`, F64, "[3]", []float64{1000, -0.25, 0}},
		{"uint64 max", `{"dtype": "uint64", "shape": [1], "data": [18446744073709551615]}`, U64, "[1]", []float64{18446744073709551615}},
		{"int64 min", `{"dtype": "int64", "shape": [1], "data": [-9223372036854775808]}`, I64, "[1]", []float64{-9223372036854775808}},
		{"fp8", `{"dtype": "float8_e4m3fn", "shape": [3], "data": [448, 500, 0.001953125]}`, F8E4M3FN, "[3]", []float64{448, math.NaN(), 0.001953125}},
		{"index", `{"dtype": "index", "shape": [2], "data": [-1, 5]}`, Index, "[2]", []float64{-1, 5}},
	}
	for _, c := range cases {
		x, err := DecodeJSON([]byte(c.in), DecodeLimits{})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if x.DType != c.dtype || fmtShape(x.Shape) != c.shape {
			t.Errorf("%s: %s %v", c.name, x.DType, x.Shape)
			continue
		}
		for i, w := range c.want {
			got := x.Float64(int64(i))
			if got != w && !(math.IsNaN(w) && math.IsNaN(got)) {
				t.Errorf("%s: element %d = %v, want %v", c.name, i, got, w)
			}
		}
		y, err := ReadJSON(strings.NewReader(c.in), DecodeLimits{})
		if err != nil || !Equal(x, y) {
			t.Errorf("%s: ReadJSON: %v", c.name, err)
		}
	}
}

func TestJSONComplex(t *testing.T) {
	for _, in := range []string{
		`{"dtype": "complex64", "shape": [2, 2], "data": [[1, 2], [3, 4], [5, 6], [7, "-inf"]]}`,
		`{"dtype": "complex64", "shape": [2, 2], "data": [[[1, 2], [3, 4]], [[5, 6], [7, "-inf"]]]}`,
	} {
		x, err := DecodeJSON([]byte(in), DecodeLimits{})
		if err != nil {
			t.Fatal(err)
		}
		if x.Complex128(1) != complex(3, 4) || x.Complex128(3) != complex(7, math.Inf(-1)) {
			t.Errorf("%v %v", x.Complex128(1), x.Complex128(3))
		}
	}
	for _, in := range []string{
		`{"dtype": "complex<f64>", "shape": [], "data": [1, 2]}`,
		`{"dtype": "complex128", "shape": [], "data": [[1, 2]]}`,
	} {
		x, err := DecodeJSON([]byte(in), DecodeLimits{})
		if err != nil {
			t.Fatal(err)
		}
		if x.DType != C128 || x.Complex128(0) != complex(1, 2) {
			t.Errorf("%s: %v", in, x.Complex128(0))
		}
	}
}

func TestJSONDecimalRounding(t *testing.T) {
	cases := []struct {
		d    DType
		s    string
		bits uint64
	}{
		// 1 + 2^-11 is the f16 midpoint between 1 and 1 + 2^-10.
		{F16, "1.00048828125", 0x3C00},
		{F16, "1.000488281250000000000001", 0x3C01}, // float64 rounds this to the midpoint
		{F16, "1.000488281249999999999999", 0x3C00},
		{F16, "-1.000488281250000000000001", 0xBC01},
		{F16, "65519.99999999999999999", 0x7BFF},
		{F16, "65520.00000000000000001", 0x7C00},
		{F8E4M3FN, "464.0000000000000000001", 0x7F},
		{F8E4M3FN, "464", 0x7E},
		{F4E2M1FN, "0.25000000000000000001", 0x1},
		{F4E2M1FN, "0.25", 0x0},
		{BF16, "0.1", 0x3DCD},
		{F32, "0.1", 0x3DCCCCCD},
		{F32, "1.00000005960464477539062500001", 0x3F800001},
		{F64, "0.1", 0x3FB999999999999A},
	}
	for _, c := range cases {
		got, ok := decimalToFloatBits(c.d, c.s)
		if !ok || got != c.bits {
			t.Errorf("%s %s → %#x (%v), want %#x", c.d, c.s, got, ok, c.bits)
		}
	}
}

func TestJSONMalformed(t *testing.T) {
	deep := `{"dtype": "int8", "shape": [1], "data": ` + strings.Repeat("[", 50) + "1" + strings.Repeat("]", 50) + "}"
	long := `{"dtype": "float32", "shape": [1], "data": [1.` + strings.Repeat("0", 5000) + `]}`
	cases := []struct {
		name string
		in   string
		lim  DecodeLimits
		rule string
	}{
		{"not utf8", "{\"dtype\": \"float32\xff\", \"shape\": [], \"data\": 1}", DecodeLimits{}, "input.json.utf8"},
		{"not an object", `[1, 2, 3]`, DecodeLimits{}, "input.json.syntax"},
		{"empty", ``, DecodeLimits{}, "input.json.syntax"},
		{"truncated", `{"dtype": "float32", "shape": [2], "data": [1,`, DecodeLimits{}, "input.json.syntax"},
		{"bad syntax", `{"dtype" "float32"}`, DecodeLimits{}, "input.json.syntax"},
		{"trailing garbage", `{"dtype": "int8", "shape": [], "data": 1} x`, DecodeLimits{}, "input.json.syntax"},
		{"second object", `{"dtype": "int8", "shape": [], "data": 1} {}`, DecodeLimits{}, "input.json.syntax"},
		{"unknown key", `{"dtype": "int8", "shape": [], "data": 1, "extra": 2}`, DecodeLimits{}, "input.json.key"},
		{"duplicate key", `{"dtype": "int8", "dtype": "int8", "shape": [], "data": 1}`, DecodeLimits{}, "input.json.key"},
		{"missing data", `{"dtype": "int8", "shape": []}`, DecodeLimits{}, "input.json.key"},
		{"missing dtype", `{"data": [1], "shape": [1]}`, DecodeLimits{}, "input.json.key"},
		{"unknown dtype", `{"dtype": "float128", "shape": [], "data": 1}`, DecodeLimits{}, "input.json.dtype"},
		{"dtype not string", `{"dtype": 4, "shape": [], "data": 1}`, DecodeLimits{}, "input.json.dtype"},
		{"shape not list", `{"dtype": "int8", "shape": 3, "data": [1, 2, 3]}`, DecodeLimits{}, "input.json.shape"},
		{"negative dim", `{"dtype": "int8", "shape": [2, -1], "data": []}`, DecodeLimits{}, "input.json.shape"},
		{"fractional dim", `{"dtype": "int8", "shape": [2.5], "data": []}`, DecodeLimits{}, "input.json.shape"},
		{"dim as string", `{"dtype": "int8", "shape": ["2"], "data": [1, 2]}`, DecodeLimits{}, "input.json.shape"},
		{"shape product overflow", `{"dtype": "int8", "shape": [1099511627776, 1099511627776], "data": []}`, DecodeLimits{}, "input.size"},
		{"dim too large", `{"dtype": "int8", "shape": [99999999999999999999], "data": []}`, DecodeLimits{}, "input.size"},
		{"over byte limit", `{"dtype": "float64", "shape": [100000], "data": []}`, DecodeLimits{MaxBytes: 4096}, "input.size"},
		{"over element limit", `{"dtype": "int8", "shape": [1000], "data": []}`, DecodeLimits{MaxElements: 10}, "input.size"},
		{"text over limit", `{"dtype": "int8", "shape": [1], "data": [1]}` + strings.Repeat(" ", 100), DecodeLimits{MaxBytes: 60}, "input.size"},
		{"rank limit", `{"dtype": "int8", "shape": [1, 1, 1], "data": [1]}`, DecodeLimits{MaxRank: 2}, "input.rank"},
		{"too many elements", `{"dtype": "int8", "shape": [2], "data": [1, 2, 3]}`, DecodeLimits{}, "input.json.data"},
		{"too few elements", `{"dtype": "int8", "shape": [2, 2], "data": [1, 2, 3]}`, DecodeLimits{}, "input.json.data"},
		{"nested too short", `{"dtype": "int8", "shape": [2, 2], "data": [[1, 2], [3]]}`, DecodeLimits{}, "input.json.data"},
		{"nested too long", `{"dtype": "int8", "shape": [2, 2], "data": [[1, 2], [3, 4], [5, 6]]}`, DecodeLimits{}, "input.json.data"},
		{"nested ragged", `{"dtype": "int8", "shape": [2, 2], "data": [[1, 2], 3]}`, DecodeLimits{}, "input.json.data"},
		{"too deep", deep, DecodeLimits{}, "input.json.depth"},
		{"too deep, data first", `{"data": ` + strings.Repeat("[", 30) + strings.Repeat("]", 30) + `, "dtype": "int8", "shape": [1]}`, DecodeLimits{}, "input.json.depth"},
		{"bad data, data first", `{"data": [1, 2, 3], "dtype": "int8", "shape": [2]}`, DecodeLimits{}, "input.json.data"},
		{"nested deeper", `{"dtype": "int8", "shape": [2, 1], "data": [[[1]], [[2]]]}`, DecodeLimits{}, "input.json.depth"},
		{"int8 out of range", `{"dtype": "int8", "shape": [2], "data": [1, 300]}`, DecodeLimits{}, "input.json.data"},
		{"uint8 negative", `{"dtype": "uint8", "shape": [1], "data": [-1]}`, DecodeLimits{}, "input.json.data"},
		{"int4 out of range", `{"dtype": "int4", "shape": [1], "data": [8]}`, DecodeLimits{}, "input.json.data"},
		{"uint64 overflow", `{"dtype": "uint64", "shape": [1], "data": [18446744073709551616]}`, DecodeLimits{}, "input.json.data"},
		{"int64 underflow", `{"dtype": "int64", "shape": [1], "data": [-9223372036854775809]}`, DecodeLimits{}, "input.json.data"},
		{"int fraction", `{"dtype": "int32", "shape": [1], "data": [1.5]}`, DecodeLimits{}, "input.json.data"},
		{"int exponent", `{"dtype": "int32", "shape": [1], "data": [1e3]}`, DecodeLimits{}, "input.json.data"},
		{"int as string", `{"dtype": "int32", "shape": [1], "data": ["1"]}`, DecodeLimits{}, "input.json.data"},
		{"bool 2", `{"dtype": "bool", "shape": [1], "data": [2]}`, DecodeLimits{}, "input.json.data"},
		{"float from string", `{"dtype": "float32", "shape": [1], "data": ["1.5"]}`, DecodeLimits{}, "input.json.data"},
		{"float from bool", `{"dtype": "float32", "shape": [1], "data": [true]}`, DecodeLimits{}, "input.json.data"},
		{"float null", `{"dtype": "float32", "shape": [1], "data": [null]}`, DecodeLimits{}, "input.json.data"},
		{"number too long", long, DecodeLimits{}, "input.json.data"},
		{"complex not pair", `{"dtype": "complex64", "shape": [1], "data": [1]}`, DecodeLimits{}, "input.json.data"},
		{"complex triple", `{"dtype": "complex64", "shape": [1], "data": [[1, 2, 3]]}`, DecodeLimits{}, "input.json.data"},
		{"data object", `{"dtype": "int8", "shape": [1], "data": {"a": 1}}`, DecodeLimits{}, "input.json.data"},
	}
	for _, c := range cases {
		_, err := DecodeJSON([]byte(c.in), c.lim)
		wantRule(t, c.name, err, c.rule)
		_, err = ReadJSON(strings.NewReader(c.in), c.lim)
		wantRule(t, "ReadJSON "+c.name, err, c.rule)
	}
	_, err := DecodeJSON([]byte(`{"dtype": "int8", "shape": [2, 2], "data": [[1, 2], [3, 300]]}`), DecodeLimits{})
	contains(t, "out of range message", err.Error(), "element 3 (index [1, 1])")
}

func TestJSONRoundTripAll(t *testing.T) {
	for _, d := range AllDTypes() {
		for _, shape := range [][]int64{{2, 5}, {}, {0}, {3, 1, 2}} {
			x := sampleTensor(t, d, shape, true)
			enc, err := EncodeJSON(x)
			if err != nil {
				t.Fatal(err)
			}
			y, err := DecodeJSON(enc, DecodeLimits{})
			if err != nil {
				t.Fatalf("%s %v: %v\n%s", d, shape, err, enc)
			}
			if !Equal(x, y) {
				t.Errorf("%s %v: round trip changed the tensor\n%s", d, shape, enc)
			}
		}
	}
}

// TestJSONShortestNarrow checks that every value of every narrow format is
// written in a form that reads back exactly, and that the form is short.
func TestJSONShortestNarrow(t *testing.T) {
	for _, d := range narrowDTypes {
		n := uint64(1) << uint(d.Bits())
		for b := uint64(0); b < n; b++ {
			s := string(appendJSONFloat(nil, d, b))
			f := BitsFloat(d, b)
			if math.IsNaN(f) {
				continue
			}
			got, ok := decimalToFloatBits(d, s)
			if strings.HasPrefix(s, `"`) {
				sf, _ := specialFloat(strings.Trim(s, `"`))
				got, ok = FloatBits(d, sf), true
			}
			if !ok || got != b {
				t.Fatalf("%s %#x: wrote %s, read back %#x", d, b, s, got)
			}
		}
	}
	if s := string(appendJSONFloat(nil, BF16, FloatBits(BF16, 0.1))); s != "0.1" {
		t.Errorf("bf16 0.1 written as %s", s)
	}
	x, _ := New(F32, []int64{2}, 100)
	x.SetFloat64(0, 0.1)
	x.SetFloat64(1, math.Copysign(0, -1))
	enc, _ := EncodeJSON(x)
	if !bytes.Contains(enc, []byte(`[0.1,-0]`)) {
		t.Errorf("f32 written as %s", enc)
	}
}

func TestParseFloatBits(t *testing.T) {
	cases := []struct {
		d    DType
		s    string
		bits uint64
		ok   bool
	}{
		{F16, "1.000488281250000000000001", 0x3C01, true},
		{F16, "inf", 0x7C00, true},
		{F16, "-Infinity", 0xFC00, true},
		{BF16, "0x1p-133", 0x0001, true},
		{F8E4M3FN, "nan", 0x7F, true},
		{F32, "1e-50", 0, true},
		{F16, "1.5x", 0, false},
		{I32, "1", 0, false},
		{F16, strings.Repeat("1", 5000), 0, false},
	}
	for _, c := range cases {
		b, ok := ParseFloatBits(c.d, c.s)
		if ok != c.ok || (ok && b != c.bits) {
			t.Errorf("ParseFloatBits(%s, %q) = %#x, %v; want %#x, %v", c.d, truncStr(c.s), b, ok, c.bits, c.ok)
		}
	}
}
