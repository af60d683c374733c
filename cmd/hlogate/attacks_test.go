package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// The adversarial suite: every file in testdata/attacks states what it
// attacks and the exit code and rule hlogate must answer with:
//
//	// attack: <what it tries>
//	// expect: exit=N rule=RULE
//	// flags: <extra flags for hlogate run>   (optional)
//
// Each case runs the real binary in a child process, so the test also
// checks what only a process can show: no crash, wall time within twice
// the deadline, and peak RSS within the memory limit plus a fixed overhead.
// Inputs named GEN:NAME are generated here (binary or large files).

// rssOverhead is the resident memory hlogate needs beyond the tensor budget:
// the Go runtime, the parsed program and the IR. Measured for this suite at
// 10–250 MiB (the largest for the 1.5-million-op program, whose IR alone is
// over 200 MiB before the op cap stops it); see docs/LIMITS.md.
const rssOverhead = 320 << 20

type attack struct {
	name, desc, rule string
	exit             int
	flags            []string
	source           string
}

func loadAttacks(t *testing.T) []attack {
	dir := filepath.Join("..", "..", "testdata", "attacks")
	files, err := filepath.Glob(filepath.Join(dir, "*.mlir"))
	if err != nil {
		t.Fatal(err)
	}
	var out []attack
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a := attack{name: strings.TrimSuffix(filepath.Base(f), ".mlir"), source: f, exit: -1}
		for _, line := range strings.Split(string(src), "\n") {
			switch {
			case strings.HasPrefix(line, "// attack: "):
				a.desc = strings.TrimPrefix(line, "// attack: ")
			case strings.HasPrefix(line, "// expect: "):
				for _, kv := range strings.Fields(strings.TrimPrefix(line, "// expect: ")) {
					k, v, _ := strings.Cut(kv, "=")
					switch k {
					case "exit":
						fmt.Sscan(v, &a.exit)
					case "rule":
						a.rule = v
					}
				}
			case strings.HasPrefix(line, "// flags: "):
				a.flags = strings.Fields(strings.TrimPrefix(line, "// flags: "))
			}
		}
		if a.exit < 0 || a.desc == "" {
			t.Fatalf("%s: missing '// attack:' or '// expect: exit=N' header", f)
		}
		if strings.Contains(string(src), "\nGEN:") || strings.HasSuffix(strings.TrimSpace(string(src)), "GEN:million_ops") || strings.HasSuffix(strings.TrimSpace(string(src)), "GEN:big_source") {
			a.source = "GEN:" + a.name
		}
		out = append(out, a)
	}
	return out
}

func buildBinary(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "hlogate")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	// As deploy/Dockerfile builds it: without cgo, so the sandboxed
	// workers also apply Landlock (syscall.AllThreadsSyscall).
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func TestAttacks(t *testing.T) { runAttacks(t, "none") }

// TestAttacksIsolated runs the same suite with every execution in a
// sandboxed worker process: the answers must not change. (--stats then
// reports the parent's RSS; the worker is held by its cgroup memory limit.)
func TestAttacksIsolated(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the sandbox needs root for namespaces and cgroups here; skipped")
	}
	runAttacks(t, "process")
}

// TestAttacksReferenceEngine runs the suite on the reference executor
// (TestAttacks runs it on the default, the fast engine): same answers.
func TestAttacksReferenceEngine(t *testing.T) {
	runAttacks(t, "none", "--engine", "reference")
}

func runAttacks(t *testing.T, isolation string, extra ...string) {
	if testing.Short() {
		t.Skip("adversarial suite runs the binary; skipped with -short")
	}
	attacks := loadAttacks(t)
	if len(attacks) < 60 {
		t.Fatalf("only %d attacks", len(attacks))
	}
	bin := buildBinary(t)
	gen := t.TempDir()
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			args := append([]string{"run", resolve(t, gen, a.source), "--json", "--stats", "--isolation", isolation}, extra...)
			memLimit := int64(1 << 30)
			timeout := 30 * time.Second
			for i := 0; i < len(a.flags); i++ {
				f := a.flags[i]
				if f == "--input" {
					i++
					args = append(args, "--input", resolve(t, gen, inputPath(a.flags[i])))
					continue
				}
				args = append(args, f)
				if i+1 < len(a.flags) && !strings.HasPrefix(a.flags[i+1], "--") {
					v := a.flags[i+1]
					args = append(args, v)
					i++
					switch f {
					case "--max-memory":
						n, err := parseByteSize(v)
						if err != nil {
							t.Fatal(err)
						}
						memLimit = n
					case "--timeout":
						d, err := time.ParseDuration(v)
						if err != nil {
							t.Fatal(err)
						}
						timeout = d
					}
				}
			}
			cmd := exec.Command(bin, args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			wall := time.Since(start)
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			// The child reports its own VmHWM: getrusage's maxrss would include
			// this test process's memory, which the child starts from.
			rss := statRSS(t, stderr.String())
			var res struct {
				Error *jsonError `json:"error"`
			}
			_ = json.Unmarshal(stdout.Bytes(), &res)
			if strings.Contains(stderr.String(), "panic") || strings.Contains(stderr.String(), "goroutine ") {
				t.Fatalf("crashed:\n%s", stderr.String())
			}
			if code != a.exit {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, a.exit, stdout.String(), stderr.String())
			}
			if a.rule != "" && (res.Error == nil || res.Error.Rule != a.rule) {
				t.Errorf("rule %v, want %s\nstdout: %s", res.Error, a.rule, stdout.String())
			}
			if a.rule == "" && code != 0 && (res.Error == nil || res.Error.Rule == "") {
				t.Errorf("no structured error: %s", stdout.String())
			}
			if wall > 2*timeout+2*time.Second {
				t.Errorf("took %v, more than twice the %v deadline", wall, timeout)
			}
			if rss > memLimit+rssOverhead {
				t.Errorf("peak RSS %d MiB over the %d MiB limit plus %d MiB overhead", rss>>20, memLimit>>20, rssOverhead>>20)
			}
			rule := ""
			if res.Error != nil {
				rule = res.Error.Rule
			}
			t.Logf("exit %d rule %s wall %v rss %d MiB", code, rule, wall.Round(time.Millisecond), rss>>20)
		})
	}
}

func inputPath(p string) string {
	if strings.HasPrefix(p, "GEN:") {
		return p
	}
	return filepath.Join("..", "..", "testdata", "attacks", p)
}

// resolve returns a path for a case's source or input, generating GEN:
// files into dir on first use.
func resolve(t *testing.T, dir, p string) string {
	if !strings.HasPrefix(p, "GEN:") {
		return p
	}
	name := strings.TrimPrefix(p, "GEN:")
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err == nil {
		return path
	}
	var data []byte
	switch name {
	case "source_million_ops":
		path += ".mlir"
		var b strings.Builder
		b.WriteString("func.func @main(%a: tensor<f32>) -> tensor<f32> {\n")
		for i := 0; i < 1_500_000; i++ {
			fmt.Fprintf(&b, "  %%v%d = stablehlo.add %%a, %%a : tensor<f32>\n", i)
		}
		b.WriteString("  func.return %a : tensor<f32>\n}\n")
		data = []byte(b.String())
	case "source_too_big":
		path += ".mlir"
		data = bytes.Repeat([]byte("// padding padding padding padding padding padding padding padding\n"), 40000)
	case "deep.json":
		data = []byte(`{"dtype": "float32", "shape": [5], "data": ` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}")
	case "pickle.npy":
		data = npyFile("{'descr': '|O', 'fortran_order': False, 'shape': (5,), }", []byte("\x80\x04\x95cos\nsystem\n"))
	case "lying.npy":
		data = npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (1000,), }", make([]byte, 20))
	case "huge_header.npy":
		data = []byte("\x93NUMPY\x02\x00")
		data = binary.LittleEndian.AppendUint32(data, 0xFFFFFFF0)
		data = append(data, "{'descr': '<f4'"...)
	case "bomb.npz":
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.Create("x.npy")
		if err != nil {
			t.Fatal(err)
		}
		hdr := npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (268435456,), }", nil)
		w.Write(hdr)
		zeros := make([]byte, 1<<20)
		for i := 0; i < 1024; i++ {
			w.Write(zeros)
		}
		zw.Close()
		data = buf.Bytes()
	case "overlap.safetensors":
		hdr := []byte(`{"a":{"dtype":"F32","shape":[5],"data_offsets":[0,20]},"b":{"dtype":"F32","shape":[5],"data_offsets":[4,24]}}`)
		data = binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
		data = append(data, hdr...)
		data = append(data, make([]byte, 24)...)
	case "big.json":
		data = []byte(`{"dtype": "float32", "shape": [5], "data": [1, 2, 3, 4, 5]}` + strings.Repeat(" ", 2<<20))
	default:
		t.Fatalf("unknown generated file %s", name)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	// Give the generated bytes back: the child starts as a copy of this
	// process's address space, and its peak RSS would count them.
	data = nil
	debug.FreeOSMemory()
	return path
}

// npyFile builds a v1.0 .npy file with the given header dict.
func npyFile(dict string, payload []byte) []byte {
	h := dict
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	out := []byte("\x93NUMPY\x01\x00")
	out = binary.LittleEndian.AppendUint16(out, uint16(len(h)))
	out = append(out, h...)
	return append(out, payload...)
}

// statRSS reads "peak RSS N" from the --stats line.
func statRSS(t *testing.T, stderr string) int64 {
	i := strings.LastIndex(stderr, "peak RSS ")
	if i < 0 {
		t.Fatalf("no --stats line in stderr: %s", stderr)
	}
	v := strings.TrimSpace(stderr[i+len("peak RSS "):])
	if j := strings.IndexByte(v, '\n'); j >= 0 {
		v = v[:j]
	}
	n, err := parseByteSize(v)
	if err != nil {
		t.Fatalf("bad RSS %q: %v", v, err)
	}
	return n
}
