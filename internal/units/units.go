// Package units reads and writes the quantities users type: sizes with
// binary or decimal units (512MiB, 2GB), counts in scientific notation
// (1e8), durations (5s).
package units

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

var sizeUnits = []struct {
	suffix string
	mult   float64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"T", 1 << 40}, {"B", 1},
}

// ParseBytes reads a size such as 512MiB, 2GB, 64K or 1048576.
func ParseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := 1.0
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f < 0 || math.IsNaN(f) || f*mult > math.MaxInt64/2 {
		return 0, fmt.Errorf("bad size %q: use a number with an optional unit, like 512MiB or 2GB", s)
	}
	return int64(f * mult), nil
}

// ParseCount reads a whole number such as 100000000, 1e8 or 1_000_000.
func ParseCount(s string) (int64, error) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), "_", ""), 64)
	if err != nil || f < 0 || f > math.MaxInt64/2 || f != math.Trunc(f) {
		return 0, fmt.Errorf("bad count %q: use a whole number like 100000000 or 1e8", s)
	}
	return int64(f), nil
}

// FormatBytes prints a byte count with a binary unit (512MiB, 1.5GiB).
func FormatBytes(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	f := float64(n)
	u := 0
	for f >= 1024 && u < len(units)-1 {
		f /= 1024
		u++
	}
	if u == 0 {
		return strconv.FormatInt(n, 10) + "B"
	}
	if f == math.Trunc(f) {
		return strconv.FormatInt(int64(f), 10) + units[u]
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + units[u]
}
