package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/exec"
)

// peakRSS returns this process's peak resident set (VmHWM) in bytes, or 0
// where /proc is not available.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, "VmHWM:") {
			fields := strings.Fields(line)
			if len(fields) >= 2 {
				kb, _ := strconv.ParseInt(fields[1], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// printStats writes one line of run statistics (for --stats).
func printStats(w io.Writer, start time.Time, st exec.Stats) {
	fmt.Fprintf(w, "stats: wall %v, flops %s, steps %d, peak tensors %s, peak RSS %s\n",
		time.Since(start).Round(time.Microsecond), cost.FormatCount(st.FLOPs), st.Steps,
		cost.FormatBytes(st.PeakMemory), cost.FormatBytes(peakRSS()))
}
