package units

import "testing"

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "2GB": 2e9, "64K": 64 << 10, "100": 100, "1.5GiB": 3 << 29, " 7 B ": 7} {
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("%q: got %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1MiB", "lots", "1e30GiB", "NaN", "Inf"} {
		if _, err := ParseBytes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseCount(t *testing.T) {
	for in, want := range map[string]int64{"1e8": 1e8, "100": 100, "1_000": 1000} {
		got, err := ParseCount(in)
		if err != nil || got != want {
			t.Errorf("%q: got %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "1.5", "1e300", "x"} {
		if _, err := ParseCount(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0B", 1023: "1023B", 1024: "1KiB", 1536: "1.5KiB", 1 << 30: "1GiB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("%d: got %s, want %s", n, got, want)
		}
	}
}
