package tensor

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/base64"
	"hash/crc32"
	"testing"
)

// numpy 1.24: np.savez(b, a=np.arange(3, dtype='<i2'), b=np.array([[1.5, -2]], dtype='<f4'))
const numpySavez = "UEsDBBQAAAAAAAAAIQBqz/JRhgAAAIYAAAAFABQAYS5ucHkBABAAhgAAAAAAAACGAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxpMicsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAAABAAIAUEsDBBQAAAAAAAAAIQD9z6UIiAAAAIgAAAAFABQAYi5ucHkBABAAiAAAAAAAAACIAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgxLCAyKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAKAADAPwAAAMBQSwECFAMUAAAAAAAAACEAas/yUYYAAACGAAAABQAAAAAAAAAAAAAAgAEAAAAAYS5ucHlQSwECFAMUAAAAAAAAACEA/c+lCIgAAACIAAAABQAAAAAAAAAAAAAAgAG9AAAAYi5ucHlQSwUGAAAAAAIAAgBmAAAAfAEAAAAA"

// numpy 1.24: np.savez_compressed(b, x=np.zeros((4, 4), dtype='<f8'))
const numpySavezCompressed = "UEsDBBQAAAAIAAAAIQDIktCBSQAAAAABAAAFABQAeC5ucHkBABAAAAEAAAAAAABJAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GiY6CiaaOgq1CmQDLoYBBgBQSwECFAMUAAAACAAAACEAyJLQgUkAAAAAAQAABQAAAAAAAAAAAAAAgAEAAAAAeC5ucHlQSwUGAAAAAAEAAQAzAAAAgAAAAAAA"

func b64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func TestNPZNumpyCompat(t *testing.T) {
	ts, err := DecodeNPZ(b64(numpySavez), DecodeLimits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2 || ts[0].Name != "a" || ts[1].Name != "b" {
		t.Fatalf("%+v", ts)
	}
	if ts[0].Tensor.DType != I16 || ts[0].Tensor.Int64(2) != 2 {
		t.Errorf("a: %+v", ts[0].Tensor)
	}
	if ts[1].Tensor.DType != F32 || fmtShape(ts[1].Tensor.Shape) != "[1, 2]" || ts[1].Tensor.Float64(1) != -2 {
		t.Errorf("b: %+v", ts[1].Tensor)
	}
	ts, err = DecodeNPZ(b64(numpySavezCompressed), DecodeLimits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].Name != "x" || ts[0].Tensor.DType != F64 || ts[0].Tensor.NumElements() != 16 {
		t.Fatalf("%+v", ts)
	}
}

type zentry struct {
	name string
	data []byte
	// raw, when set, is written with CreateRaw using hdr (sizes, CRC and
	// flags as given: they may lie).
	raw []byte
	hdr *zip.FileHeader
}

func makeZip(t *testing.T, es ...zentry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range es {
		if e.hdr != nil {
			h := *e.hdr
			h.Name = e.name
			w, err := zw.CreateRaw(&h)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(e.raw)
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func deflate(t *testing.T, chunks ...[]byte) []byte {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestSpeed)
	for _, c := range chunks {
		fw.Write(c)
	}
	fw.Close()
	return buf.Bytes()
}

func TestNPZMalformed(t *testing.T) {
	small := npyFile(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (4,), }", 64, []byte{1, 2, 3, 4})
	big := make([]byte, 16<<20) // 16 MiB of zeros, deflates to ~16 KiB
	bombHdr := npyFile(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (16777216,), }", 64, nil)
	smallHdr := npyFile(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (10,), }", 64, nil)
	midHdr := npyFile(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1000,), }", 64, nil)
	bomb := deflate(t, bombHdr, big)
	trailingBomb := deflate(t, smallHdr, big)
	lyingBomb := deflate(t, midHdr, big)
	crcOf := func(bs ...[]byte) uint32 {
		h := crc32.NewIEEE()
		for _, b := range bs {
			h.Write(b)
		}
		return h.Sum32()
	}
	okRaw := deflate(t, small)
	cases := []struct {
		name string
		in   []byte
		lim  DecodeLimits
		rule string
	}{
		{"not a zip", []byte("definitely not a zip archive"), DecodeLimits{}, "input.npz.zip"},
		{"empty", nil, DecodeLimits{}, "input.npz.zip"},
		{"truncated", makeZip(t, zentry{name: "a.npy", data: small})[:50], DecodeLimits{}, "input.npz.zip"},
		{"too many entries", makeZip(t, zentry{name: "a.npy", data: small}, zentry{name: "b.npy", data: small}, zentry{name: "c.npy", data: small}), DecodeLimits{MaxTensors: 2}, "input.npz.entries"},
		{"duplicate names", makeZip(t, zentry{name: "a.npy", data: small}, zentry{name: "a.npy", data: small}), DecodeLimits{}, "input.npz.name"},
		{"dotdot", makeZip(t, zentry{name: "../a.npy", data: small}), DecodeLimits{}, "input.npz.name"},
		{"subdir", makeZip(t, zentry{name: "d/a.npy", data: small}), DecodeLimits{}, "input.npz.name"},
		{"absolute", makeZip(t, zentry{name: "/a.npy", data: small}), DecodeLimits{}, "input.npz.name"},
		{"backslash", makeZip(t, zentry{name: "a\\b.npy", data: small}), DecodeLimits{}, "input.npz.name"},
		{"control char", makeZip(t, zentry{name: "a\x01.npy", data: small}), DecodeLimits{}, "input.npz.name"},
		{"not utf8", makeZip(t, zentry{name: "\xff.npy", data: small}), DecodeLimits{}, "input.npz.name"},
		{"empty stem", makeZip(t, zentry{name: ".npy", data: small}), DecodeLimits{}, "input.npz.name"},
		{"not .npy", makeZip(t, zentry{name: "a.txt", data: small}), DecodeLimits{}, "input.npz.name"},
		{"directory", makeZip(t, zentry{name: "a/", data: nil}), DecodeLimits{}, "input.npz.name"},
		{"bad npy inside", makeZip(t, zentry{name: "a.npy", data: []byte("garbage")}), DecodeLimits{}, "input.npy.magic"},
		{"zip bomb: header over limit", makeZip(t, zentry{name: "a.npy", raw: bomb, hdr: &zip.FileHeader{Method: zip.Deflate, CRC32: crcOf(bombHdr, big), CompressedSize64: uint64(len(bomb)), UncompressedSize64: uint64(len(bombHdr) + len(big))}}), DecodeLimits{MaxBytes: 1 << 16}, "input.npz.size"},
		{"zip bomb: declared small, header over limit", makeZip(t, zentry{name: "a.npy", raw: bomb, hdr: &zip.FileHeader{Method: zip.Deflate, CRC32: 1, CompressedSize64: uint64(len(bomb)), UncompressedSize64: 200}}), DecodeLimits{MaxBytes: 1 << 16}, "input.size"},
		{"zip bomb: trailing data", makeZip(t, zentry{name: "a.npy", raw: trailingBomb, hdr: &zip.FileHeader{Method: zip.Deflate, CRC32: crcOf(smallHdr, big), CompressedSize64: uint64(len(trailingBomb)), UncompressedSize64: uint64(len(smallHdr) + len(big))}}), DecodeLimits{}, "input.npy.data"},
		{"zip bomb: lying size", makeZip(t, zentry{name: "a.npy", raw: lyingBomb, hdr: &zip.FileHeader{Method: zip.Deflate, CRC32: 1, CompressedSize64: uint64(len(lyingBomb)), UncompressedSize64: 100}}), DecodeLimits{}, "input.npz.zip"},
		{"zip bomb: declared huge", makeZip(t, zentry{name: "a.npy", raw: okRaw, hdr: &zip.FileHeader{Method: zip.Deflate, CRC32: crcOf(small), CompressedSize64: uint64(len(okRaw)), UncompressedSize64: 1 << 40}}), DecodeLimits{}, "input.npz.size"},
		{"bad crc", makeZip(t, zentry{name: "a.npy", raw: okRaw, hdr: &zip.FileHeader{Method: zip.Deflate, CRC32: crcOf(small) ^ 1, CompressedSize64: uint64(len(okRaw)), UncompressedSize64: uint64(len(small))}}), DecodeLimits{}, "input.npz.zip"},
		{"declared too long", makeZip(t, zentry{name: "a.npy", raw: okRaw, hdr: &zip.FileHeader{Method: zip.Deflate, CRC32: crcOf(small), CompressedSize64: uint64(len(okRaw)), UncompressedSize64: uint64(len(small) + 5)}}), DecodeLimits{}, "input.npz.zip"},
		{"encrypted", makeZip(t, zentry{name: "a.npy", raw: okRaw, hdr: &zip.FileHeader{Method: zip.Deflate, Flags: 1, CRC32: crcOf(small), CompressedSize64: uint64(len(okRaw)), UncompressedSize64: uint64(len(small))}}), DecodeLimits{}, "input.npz.zip"},
		{"bzip2", makeZip(t, zentry{name: "a.npy", raw: okRaw, hdr: &zip.FileHeader{Method: 12, CRC32: crcOf(small), CompressedSize64: uint64(len(okRaw)), UncompressedSize64: uint64(len(small))}}), DecodeLimits{}, "input.npz.zip"},
		{"total over limit", makeZip(t, zentry{name: "a.npy", data: small}, zentry{name: "b.npy", data: small}), DecodeLimits{MaxBytes: 6}, "input.size"},
	}
	for _, c := range cases {
		_, err := DecodeNPZ(c.in, c.lim)
		wantRule(t, c.name, err, c.rule)
	}
	// An error inside an entry names the entry.
	_, err := DecodeNPZ(makeZip(t, zentry{name: "a.npy", data: []byte("garbage")}), DecodeLimits{})
	if de := mustDiag(t, err); de.File != "a.npy" {
		t.Errorf("File = %q", de.File)
	}
}

func TestNPZRoundTripAll(t *testing.T) {
	var ts []Named
	for _, d := range AllDTypes() {
		ts = append(ts, Named{Name: "t_" + d.String(), Tensor: sampleTensor(t, d, []int64{3, 2}, false)})
	}
	ts = append(ts, Named{Name: "scalar", Tensor: sampleTensor(t, F32, nil, false)})
	ts = append(ts, Named{Name: "empty", Tensor: sampleTensor(t, I8, []int64{0}, false)})
	for _, compress := range []bool{false, true} {
		enc, err := EncodeNPZ(ts, compress)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeNPZ(enc, DecodeLimits{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(ts) {
			t.Fatalf("%d tensors, want %d", len(got), len(ts))
		}
		for i := range ts {
			want := ts[i].Tensor
			if want.DType == Index {
				want = &Tensor{DType: I64, Shape: want.Shape, Data: want.Data}
			}
			if got[i].Name != ts[i].Name || !Equal(got[i].Tensor, want) {
				t.Errorf("compress=%v: %s differs", compress, ts[i].Name)
			}
		}
	}
}

func TestNPZWriterChecks(t *testing.T) {
	x := sampleTensor(t, F32, []int64{1}, false)
	_, err := EncodeNPZ([]Named{{"a", x}, {"a", x}}, false)
	wantRule(t, "duplicate", err, "output.npz.name")
	_, err = EncodeNPZ([]Named{{"a/b", x}}, false)
	wantRule(t, "path", err, "output.npz.name")
	_, err = EncodeNPZ([]Named{{"", x}}, false)
	wantRule(t, "empty", err, "output.npz.name")
}
