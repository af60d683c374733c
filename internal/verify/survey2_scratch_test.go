package verify

import (
	"fmt"
	"os"
	"testing"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/testutil"
)

func TestSurvey2Scratch(t *testing.T) {
	files := testutil.CorpusFiles(t, "")
	dts := map[string]int{}
	for _, f := range files {
		src, _ := os.ReadFile(f)
		ms, err := mlir.ParseFile(string(src), mlir.Limits{})
		if err != nil {
			continue
		}
		for i, m := range ms {
			if m.Entry("") == nil {
				var names []string
				for _, fn := range m.Funcs {
					names = append(names, fn.Visibility+":"+fn.Name)
				}
				fmt.Println("NOENTRY", f, i, names)
			}
			for _, fn := range m.Funcs {
				if fn.Body == nil {
					fmt.Println("DECL", f, fn.Name)
				}
			}
			for _, a := range m.Attrs {
				dts["modattr "+a.Name+fmt.Sprintf(" %T %v", a.Value, a.Value)]++
			}
			m.Walk(func(fn *ir.Func, o *ir.Op) bool {
				for _, r := range o.Results {
					if tt, ok := r.Type.(*ir.TensorType); ok {
						dts[tt.Elem.DType.String()]++
						if tt.Bounds != nil {
							dts["bounds"]++
						}
					} else {
						dts[fmt.Sprintf("%T", r.Type)]++
					}
				}
				return true
			})
		}
	}
	fmt.Println(dts)
}
