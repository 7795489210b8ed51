package jsonfast

import (
	"fmt"
	"os"
	"path/filepath"

	"goaccel/python"
	"testing"
)

func corpusDir() string {
	if d := os.Getenv("GOACCEL_CORPUS"); d != "" {
		return filepath.Join(d, "json")
	}
	for _, up := range []string{"../../shared/corpus/json", "../../../shared/corpus/json"} {
		if _, err := os.Stat(up); err == nil {
			return up
		}
	}
	return ""
}

func BenchmarkParseCorpus(b *testing.B) {
	dir := corpusDir()
	if dir == "" {
		b.Skip("corpus not found (set GOACCEL_CORPUS)")
	}
	for _, name := range []string{"twitter", "github", "citm_catalog", "canada"} {
		data, err := os.ReadFile(filepath.Join(dir, name+".json"))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			var t Tape
			b.SetBytes(int64(len(data)))
			for i := 0; i < b.N; i++ {
				if err := Parse(data, Options{Dialect: Orjson}, &t); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuildCorpus measures the C pass alone (tape -> Python objects).
func BenchmarkBuildCorpus(b *testing.B) {
	needPython(b)
	dir := corpusDir()
	if dir == "" {
		b.Skip("corpus not found (set GOACCEL_CORPUS)")
	}
	for _, name := range []string{"twitter", "github", "citm_catalog", "canada"} {
		data, err := os.ReadFile(filepath.Join(dir, name+".json"))
		if err != nil {
			b.Fatal(err)
		}
		var t Tape
		if err := Parse(data, Options{Dialect: Orjson}, &t); err != nil {
			b.Fatal(err)
		}
		for _, cache := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/cache=%v", name, cache), func(b *testing.B) {
				python.WithGIL(func() {
					for i := 0; i < b.N; i++ {
						r, err := python.JSONBuildTape(t.Words, data, t.Scratch, cache)
						if err != nil {
							b.Fatal(err)
						}
						r.Release()
					}
				})
			})
		}
	}
}

func BenchmarkLoadsOrjsonSmall(b *testing.B) {
	needPython(b)
	python.WithGIL(func() {
		cls, err := python.Import("json")
		if err != nil {
			b.Fatal(err)
		}
		exc, _ := python.GetAttr(cls.Object, "JSONDecodeError")
		SetOrjsonError(exc.Object)
		in, _ := python.NewBytes([]byte(`{"a":1}`))
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			r, err := LoadsOrjson(in.Object)
			if err != nil {
				b.Fatal(err)
			}
			r.Release()
		}
	})
}
