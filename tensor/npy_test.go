package tensor

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
)

// npyFile builds a .npy file the way numpy lays it out: magic, version,
// header length, the header dict padded with spaces so that the whole
// preamble is a multiple of align bytes, '\n', then data.
func npyFile(major byte, dict string, align int, data []byte) []byte {
	pre := 10
	if major > 1 {
		pre = 12
	}
	hlen := len(dict) + 1
	pad := align - (pre+hlen)%align
	if pad == align {
		pad = 0
	}
	var b []byte
	b = append(b, "\x93NUMPY"...)
	b = append(b, major, 0)
	if major == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(hlen+pad))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(hlen+pad))
	}
	b = append(b, dict...)
	b = append(b, strings.Repeat(" ", pad)...)
	b = append(b, '\n')
	return append(b, data...)
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// numpy 1.24's np.save output for a few arrays: the 128-byte preamble (the
// dict followed by the growth padding numpy adds, then alignment spaces and
// '\n') and the data.
var numpyFiles = []struct {
	name  string
	dict  string
	data  string
	dtype DType
	shape []int64
	want  []float64 // row-major values
}{
	{"f4 2x3", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", "000000000000803f0000004000004040000080400000a040", F32, []int64{2, 3}, []float64{0, 1, 2, 3, 4, 5}},
	{"f8 scalar", "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", "0000000000000c40", F64, []int64{}, []float64{3.5}},
	{"i2 big-endian", "{'descr': '>i2', 'fortran_order': False, 'shape': (3,), }", "000000010002", I16, []int64{3}, []float64{0, 1, 2}},
	{"i4 fortran", "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", "000000000300000001000000040000000200000005000000", I32, []int64{2, 3}, []float64{0, 1, 2, 3, 4, 5}},
	{"bool", "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", "0100", Bool, []int64{2}, []float64{1, 0}},
	{"c8", "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "0000803f00000040", C64, []int64{1}, []float64{1}},
}

func TestNPYNumpyCompat(t *testing.T) {
	for _, c := range numpyFiles {
		file := npyFile(1, c.dict, 128, unhex(c.data))
		if len(file) != 128+len(c.data)/2 {
			t.Fatalf("%s: fixture is %d bytes", c.name, len(file))
		}
		x, err := DecodeNPY(file, DecodeLimits{})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if x.DType != c.dtype || fmtShape(x.Shape) != fmtShape(c.shape) {
			t.Errorf("%s: got %s %v", c.name, x.DType, x.Shape)
		}
		for i, w := range c.want {
			if got := x.Float64(int64(i)); got != w {
				t.Errorf("%s: element %d = %v, want %v", c.name, i, got, w)
			}
		}
		if c.dtype == C64 && x.Complex128(0) != complex(1, 2) {
			t.Errorf("%s: %v", c.name, x.Complex128(0))
		}
		// Our writer produces numpy's bytes exactly for C-order
		// little-endian arrays.
		if !strings.Contains(c.dict, "True") && !strings.Contains(c.dict, ">") {
			enc, err := EncodeNPY(x)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(enc, file) {
				t.Errorf("%s: writer output differs from numpy's:\n%q\n%q", c.name, enc, file)
			}
		}
	}
}

func TestNPYOlderHeaders(t *testing.T) {
	cases := []struct {
		name string
		file []byte
	}{
		// numpy 1.x before the growth padding: 64-byte alignment.
		{"numpy 1.x", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 64, make([]byte, 24))},
		// Python 2 numpy: long suffix, 16-byte alignment.
		{"python 2", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }", 16, make([]byte, 24))},
		{"version 2.0", npyFile(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 64, make([]byte, 24))},
		{"version 3.0", npyFile(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 64, make([]byte, 24))},
		{"key order, double quotes", npyFile(1, `{"shape": (2, 3), "fortran_order": False, "descr": "<f4"}`, 64, make([]byte, 24))},
		{"trailing comma in tuple", npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3,), }", 64, make([]byte, 24))},
	}
	for _, c := range cases {
		x, err := DecodeNPY(c.file, DecodeLimits{})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if x.DType != F32 || fmtShape(x.Shape) != "[2, 3]" {
			t.Errorf("%s: %s %v", c.name, x.DType, x.Shape)
		}
	}
	bf := npyFile(1, "{'descr': 'bfloat16', 'fortran_order': False, 'shape': (2,), }", 64, []byte{0x80, 0x3F, 0x00, 0xC0})
	x, err := DecodeNPY(bf, DecodeLimits{})
	if err != nil || x.DType != BF16 || x.Float64(0) != 1 || x.Float64(1) != -2 {
		t.Errorf("bfloat16 descr: %v %v", x, err)
	}
	// ml_dtypes leaves the high bits of int4 unspecified.
	i4 := npyFile(1, "{'descr': 'int4', 'fortran_order': False, 'shape': (3,), }", 64, []byte{0x0F, 0xF7, 0x08})
	x, err = DecodeNPY(i4, DecodeLimits{})
	if err != nil || x.Int64(0) != -1 || x.Int64(1) != 7 || x.Int64(2) != -8 || x.Validate() != nil {
		t.Errorf("int4 descr: %v %v", x, err)
	}
}

func TestNPYFortran3D(t *testing.T) {
	// A 2x3x4 array in column-major order: element (i, j, k) = 100i+10j+k.
	shape := []int64{2, 3, 4}
	var data []byte
	for k := 0; k < 4; k++ {
		for j := 0; j < 3; j++ {
			for i := 0; i < 2; i++ {
				data = binary.LittleEndian.AppendUint16(data, uint16(100*i+10*j+k))
			}
		}
	}
	x, err := DecodeNPY(npyFile(1, "{'descr': '<u2', 'fortran_order': True, 'shape': (2, 3, 4), }", 64, data), DecodeLimits{})
	if err != nil {
		t.Fatal(err)
	}
	n := int64(0)
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 4; k++ {
				if got := x.Int64(n); got != int64(100*i+10*j+k) {
					t.Fatalf("(%d,%d,%d) = %d", i, j, k, got)
				}
				n++
			}
		}
	}
	_ = shape
}

func TestNPYBigEndian(t *testing.T) {
	f := npyFile(1, "{'descr': '>c16', 'fortran_order': False, 'shape': (1,), }", 64,
		unhex("3ff8000000000000c000000000000000"))
	x, err := DecodeNPY(f, DecodeLimits{})
	if err != nil || x.Complex128(0) != complex(1.5, -2) {
		t.Fatalf("%v %v", x, err)
	}
	f = npyFile(1, "{'descr': '>f2', 'fortran_order': False, 'shape': (2,), }", 64, []byte{0x3C, 0x00, 0xC0, 0x00})
	x, err = DecodeNPY(f, DecodeLimits{})
	if err != nil || x.Float64(0) != 1 || x.Float64(1) != -2 {
		t.Fatalf("%v %v", x, err)
	}
}

func TestNPYMalformed(t *testing.T) {
	good := "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
	hdr := func(dict string, data []byte) []byte { return npyFile(1, dict, 64, data) }
	withDescr := func(d string) []byte {
		return hdr("{'descr': "+d+", 'fortran_order': False, 'shape': (1,), }", make([]byte, 4))
	}
	withShape := func(s string) []byte {
		return hdr("{'descr': '|u1', 'fortran_order': False, 'shape': "+s+", }", nil)
	}
	v2huge := []byte("\x93NUMPY\x02\x00\xff\xff\xff\xff{")
	v3bad := npyFile(3, "{'descr': '<f4\xff', 'fortran_order': False, 'shape': (2, 3), }", 64, make([]byte, 24))
	cases := []struct {
		name string
		in   []byte
		lim  DecodeLimits
		rule string
	}{
		{"empty", nil, DecodeLimits{}, "input.npy.magic"},
		{"truncated magic", []byte("\x93NUM"), DecodeLimits{}, "input.npy.magic"},
		{"wrong magic", []byte("hello world, not numpy"), DecodeLimits{}, "input.npy.magic"},
		{"pickle", []byte("\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00"), DecodeLimits{}, "input.npy.magic"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), DecodeLimits{}, "input.npy.magic"},
		{"version 4", []byte("\x93NUMPY\x04\x00\x10\x00{}"), DecodeLimits{}, "input.npy.version"},
		{"version 1.1", []byte("\x93NUMPY\x01\x01\x10\x00{}"), DecodeLimits{}, "input.npy.version"},
		{"no version", []byte("\x93NUMPY\x01"), DecodeLimits{}, "input.npy.header"},
		{"truncated length", []byte("\x93NUMPY\x01\x00v"), DecodeLimits{}, "input.npy.header"},
		{"truncated header", hdr(good, nil)[:40], DecodeLimits{}, "input.npy.header"},
		{"huge header length", v2huge, DecodeLimits{}, "input.npy.header"},
		{"v3 not utf8", v3bad, DecodeLimits{}, "input.npy.header"},
		{"object dtype", withDescr("'|O'"), DecodeLimits{}, "input.npy.dtype"},
		{"structured", hdr("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", make([]byte, 4)), DecodeLimits{}, "input.npy.dtype"},
		{"void", withDescr("'<V2'"), DecodeLimits{}, "input.npy.dtype"},
		{"unicode", withDescr("'<U1'"), DecodeLimits{}, "input.npy.dtype"},
		{"datetime", withDescr("'<M8[s]'"), DecodeLimits{}, "input.npy.dtype"},
		{"long double", withDescr("'<f16'"), DecodeLimits{}, "input.npy.dtype"},
		{"no byte order for f4", withDescr("'|f4'"), DecodeLimits{}, "input.npy.dtype"},
		{"native byte order", withDescr("'=f4'"), DecodeLimits{}, "input.npy.dtype"},
		{"descr not a string", withDescr("4"), DecodeLimits{}, "input.npy.header"},
		{"backslash in string", withDescr("'<f\\x34'"), DecodeLimits{}, "input.npy.header"},
		{"unterminated string", hdr("{'descr': '<f4", nil), DecodeLimits{}, "input.npy.header"},
		{"unknown key", hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1, }", nil), DecodeLimits{}, "input.npy.header"},
		{"missing shape", hdr("{'descr': '<f4', 'fortran_order': False, }", nil), DecodeLimits{}, "input.npy.header"},
		{"duplicate key", hdr("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", nil), DecodeLimits{}, "input.npy.header"},
		{"fortran not bool", hdr("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", nil), DecodeLimits{}, "input.npy.header"},
		{"not a dict", hdr("['descr', '<f4']", nil), DecodeLimits{}, "input.npy.header"},
		{"text after dict", hdr(good+" x", make([]byte, 24)), DecodeLimits{}, "input.npy.header"},
		{"missing colon", hdr("{'descr' '<f4', 'fortran_order': False, 'shape': (1,), }", nil), DecodeLimits{}, "input.npy.header"},
		{"negative dim", withShape("(-1, 3)"), DecodeLimits{}, "input.npy.shape"},
		{"shape not a tuple", withShape("(3)"), DecodeLimits{}, "input.npy.shape"},
		{"shape list", withShape("[3]"), DecodeLimits{}, "input.npy.shape"},
		{"shape float", withShape("(2.5,)"), DecodeLimits{}, "input.npy.shape"},
		{"shape leading zero", withShape("(03,)"), DecodeLimits{}, "input.npy.shape"},
		{"shape product overflow", withShape("(1099511627776, 1099511627776)"), DecodeLimits{}, "input.size"},
		{"dim too large", withShape("(99999999999999999999,)"), DecodeLimits{}, "input.size"},
		{"over byte limit", withShape("(1000000,)"), DecodeLimits{MaxBytes: 1000}, "input.size"},
		{"over element limit", withShape("(1000,)"), DecodeLimits{MaxElements: 999}, "input.size"},
		{"rank limit", withShape("(1, 1, 1, 1, 1)"), DecodeLimits{MaxRank: 4}, "input.rank"},
		{"truncated data", hdr(good, make([]byte, 23)), DecodeLimits{}, "input.npy.data"},
		{"trailing garbage", hdr(good, make([]byte, 25)), DecodeLimits{}, "input.npy.data"},
		{"lying shape", hdr("{'descr': '<f4', 'fortran_order': False, 'shape': (1000,), }", make([]byte, 24)), DecodeLimits{}, "input.npy.data"},
		{"bool byte 2", hdr("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", []byte{1, 2}), DecodeLimits{}, "input.npy.data"},
		{"fortran over limit", hdr("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", make([]byte, 6)), DecodeLimits{MaxBytes: 8}, "input.size"},
	}
	for _, c := range cases {
		_, err := DecodeNPY(c.in, c.lim)
		wantRule(t, "DecodeNPY "+c.name, err, c.rule)
		_, err = ReadNPY(bytes.NewReader(c.in), c.lim)
		wantRule(t, "ReadNPY "+c.name, err, c.rule)
		_, err = ReadNPY(io.MultiReader(oneByteReader(c.in)), c.lim)
		wantRule(t, "ReadNPY bytewise "+c.name, err, c.rule)
	}
}

// oneByteReader returns the bytes one Read at a time.
func oneByteReader(b []byte) io.Reader { return &obr{b} }

type obr struct{ b []byte }

func (r *obr) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.b[0]
	r.b = r.b[1:]
	return 1, nil
}

type failReader struct{ after int }

func (f *failReader) Read(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk on fire")
	}
	n := min(len(p), f.after)
	for i := range n {
		p[i] = "\x93NUMPY\x01\x00"[i%8]
	}
	f.after -= n
	return n, nil
}

func TestNPYReaderErrors(t *testing.T) {
	_, err := ReadNPY(&failReader{after: 3}, DecodeLimits{})
	wantRule(t, "io failure", err, "io.read")
	if mustDiag(t, err).Kind.String() != "usage" {
		t.Error("io failure should be a usage error")
	}
	// A header claiming a gigabyte costs nothing if the data is not there.
	f := npyFile(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1000000000,), }", 64, []byte{1, 2, 3})
	_, err = ReadNPY(bytes.NewReader(f), DecodeLimits{})
	wantRule(t, "claims 1 GB", err, "input.npy.data")
}

func TestNPYRoundTripAll(t *testing.T) {
	for _, d := range AllDTypes() {
		for _, shape := range [][]int64{{2, 3}, {}, {0, 4}, {5}} {
			x := sampleTensor(t, d, shape, false)
			enc, err := EncodeNPY(x)
			if err != nil {
				t.Fatalf("%s: %v", d, err)
			}
			if (len(enc)-len(x.Data))%64 != 0 || enc[len(enc)-len(x.Data)-1] != '\n' {
				t.Errorf("%s: header not 64-byte aligned", d)
			}
			y, err := DecodeNPY(enc, DecodeLimits{})
			if err != nil {
				t.Fatalf("%s %v: %v", d, shape, err)
			}
			want := x
			if d == Index {
				want = &Tensor{DType: I64, Shape: x.Shape, Data: x.Data}
			}
			if !Equal(want, y) {
				t.Errorf("%s %v: round trip changed the tensor", d, shape)
			}
			z, err := ReadNPY(bytes.NewReader(enc), DecodeLimits{})
			if err != nil || !Equal(y, z) {
				t.Errorf("%s: ReadNPY differs: %v", d, err)
			}
		}
	}
}

func TestNPYWriterLargeHeader(t *testing.T) {
	shape := make([]int64, 25000)
	for i := range shape {
		shape[i] = 1
	}
	x, _ := New(U8, shape, 10)
	enc, err := EncodeNPY(x)
	if err != nil {
		t.Fatal(err)
	}
	if enc[6] != 2 {
		t.Errorf("version %d, want 2 for a %d-byte header", enc[6], len(enc))
	}
	// Reading it back needs the rank limit raised, and our header cap.
	_, err = DecodeNPY(enc, DecodeLimits{MaxRank: 10000})
	wantRule(t, "large header", err, "input.npy.header")
}

func TestNPYWriterRejectsInvalid(t *testing.T) {
	_, err := EncodeNPY(&Tensor{DType: Bool, Shape: []int64{1}, Data: []byte{7}})
	wantRule(t, "invalid tensor", err, "input.data")
}
