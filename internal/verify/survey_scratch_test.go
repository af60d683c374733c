package verify

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/testutil"
)

func TestSurveyScratch(t *testing.T) {
	files := testutil.CorpusFiles(t, "")
	ops := map[string]int{}
	targets := map[string]int{}
	props := map[string]map[string]int{}
	mods, fails := 0, 0
	for _, f := range files {
		src, _ := os.ReadFile(f)
		ms, err := mlir.ParseFile(string(src), mlir.Limits{})
		if err != nil {
			fails++
			fmt.Println("PARSEFAIL", f, err)
			continue
		}
		for _, m := range ms {
			mods++
			m.Walk(func(fn *ir.Func, o *ir.Op) bool {
				ops[o.Name]++
				if props[o.Name] == nil {
					props[o.Name] = map[string]int{}
				}
				for _, a := range o.Props {
					props[o.Name][fmt.Sprintf("%s:%T", a.Name, a.Value)]++
				}
				if o.Name == "stablehlo.custom_call" {
					if s, ok := o.Props.Get("call_target_name").(ir.StringAttr); ok {
						targets[string(s)]++
					}
				}
				return true
			})
		}
	}
	fmt.Println("files", len(files), "modules", mods, "fails", fails)
	var names []string
	for k := range ops {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		var ps []string
		for p, c := range props[n] {
			ps = append(ps, fmt.Sprintf("%s=%d", p, c))
		}
		sort.Strings(ps)
		fmt.Printf("%-40s %6d  %s\n", n, ops[n], strings.Join(ps, " "))
	}
	fmt.Println(targets)
}
