#!/usr/bin/env bash
# Reproduces the gopy evaluation recorded in docs/notes/gopy.md (issue 2, item 8):
# go-python/gopy v0.4.10 (+ pybindgen from PyPI) versus the hand-written binding
# (package python, `_goaccel.core.to_go`) for handing a JSON-shaped dict/list tree to Go.
# Not run by CI; it documents the method. Needs go, python3 (CPython 3.11), network
# access to PyPI and the Go module proxy, and `make build` done in this repo (.venv).
#
#   bash bench/gopy_eval.sh            # everything happens in a fresh temp dir
#   KEEP=1 bash bench/gopy_eval.sh     # keep the temp dir for inspection
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
GOPY_VERSION=${GOPY_VERSION:-v0.4.10}
PYBINDGEN_VERSION=${PYBINDGEN_VERSION:-0.22.1}
WORK=$(mktemp -d /tmp/gopy-eval.XXXXXX)
if [[ -z "${KEEP:-}" ]]; then trap 'rm -rf "$WORK"' EXIT; else echo "work dir: $WORK"; fi
[[ -x "$REPO/.venv/bin/python" ]] || { echo "run 'make build' in $REPO first" >&2; exit 1; }

# 1. pybindgen in a scratch venv (gopy runs `python build.py`, which imports pybindgen).
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q "pybindgen==$PYBINDGEN_VERSION"

# 2. gopy and goimports. `go install github.com/go-python/gopy@v0.4.10` fails here: the
#    proxy answers 403 for .../gopy/@v/list (needed for the deprecation check), and
#    gopy's pinned golang.org/x/tools v0.16.0 does not compile with Go >= 1.23
#    (tokeninternal: "invalid array length -delta * delta"). So: build it from a
#    tool module that requires the exact version and bumps x/tools.
mkdir -p "$WORK/tool" "$WORK/bin"
cat > "$WORK/tool/go.mod" <<MOD
module gopytool

go 1.22

require github.com/go-python/gopy $GOPY_VERSION
MOD
printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/go-python/gopy"\n' > "$WORK/tool/tools.go"
(cd "$WORK/tool" && go get golang.org/x/tools@v0.52.0 >/dev/null 2>&1 && go mod tidy \
  && GOBIN="$WORK/bin" go install github.com/go-python/gopy \
  && GOBIN="$WORK/bin" go install golang.org/x/tools/cmd/goimports@v0.52.0)

# 3. The Go package gopy binds. gopy cannot bind `any`, `map[string]any` or `[]any`
#    (functions using them are dropped without a message), so the three ways a user can
#    hand it a dict/list tree are: JSON text, a typed struct slice built from Python,
#    or a builder driven by a Python walk.
mkdir -p "$WORK/pkg/gtree"
cat > "$WORK/pkg/go.mod" <<MOD
module gtreemod

go 1.22

require github.com/go-python/gopy $GOPY_VERSION
MOD
cat > "$WORK/pkg/gtree/gtree.go" <<'GO'
// Package gtree receives a JSON-shaped tree in the ways gopy can bind.
package gtree

import (
	"encoding/json"
	"runtime"
	"sync/atomic"
	"time"
)

// countNodes is the same count native/core.go's to_go returns.
func countNodes(v any) int {
	switch t := v.(type) {
	case []any:
		n := 1
		for _, x := range t {
			n += countNodes(x)
		}
		return n
	case map[string]any:
		n := 1
		for _, x := range t {
			n += countNodes(x)
		}
		return n
	}
	return 1
}

// CountJSON: the tree arrives as JSON text (json.dumps / orjson.dumps().decode()).
func CountJSON(s string) (int, error) {
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return 0, err
	}
	return countNodes(v), nil
}

// Item is the typed route: the user declares the shape and builds gopy objects.
type Item struct {
	ID     int
	Name   string
	Email  string
	Active bool
	Score  float64
	Tags   []string
}

// CountItems counts nodes the way to_go would for the equivalent dicts.
func CountItems(items []Item) int {
	n := 1
	for _, it := range items {
		n += 1 + 6 + len(it.Tags)
	}
	return n
}

// CountIntMap is the typed route for {"a": 1}.
func CountIntMap(m map[string]int) int { return 1 + len(m) }

// Builder is the generic route: Python walks the tree and calls one method per node.
type Builder struct {
	stack []any
	keys  []string
	key   string
	root  any
}

func NewBuilder() *Builder { return &Builder{} }

func (b *Builder) put(v any) {
	if len(b.stack) == 0 {
		b.root = v
		return
	}
	switch top := b.stack[len(b.stack)-1].(type) {
	case map[string]any:
		top[b.key] = v
	case *[]any:
		*top = append(*top, v)
	}
}
func (b *Builder) Str(s string)      { b.put(s) }
func (b *Builder) Int(v int)         { b.put(int64(v)) }
func (b *Builder) Float(v float64)   { b.put(v) }
func (b *Builder) Bool(v bool)       { b.put(v) }
func (b *Builder) Null()             { b.put(nil) }
func (b *Builder) Key(k string)      { b.key = k }
func (b *Builder) BeginMap() {
	m := map[string]any{}
	b.put(m)
	b.stack = append(b.stack, m)
	b.keys = append(b.keys, b.key)
}
func (b *Builder) BeginList() {
	l := &[]any{}
	b.stack = append(b.stack, l)
	b.keys = append(b.keys, b.key)
}
func (b *Builder) End() {
	top := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	b.key = b.keys[len(b.keys)-1]
	b.keys = b.keys[:len(b.keys)-1]
	if l, ok := top.(*[]any); ok {
		b.put(*l)
	}
}
func (b *Builder) Count() int { return countNodes(b.root) }

// Panic shows what a Go panic does through a gopy binding.
func Panic(msg string) int { panic(msg) }

// PreemptGC measures how long runtime.GC waits for a goroutine spinning in a loop
// without calls: milliseconds with async preemption, the whole spin without it.
func PreemptGC(spinMillis int) float64 {
	var stop int32
	started := make(chan struct{})
	go func() {
		close(started)
		deadline := int64(spinMillis) * 2_000_000 // ~ iterations; bounded either way
		for i := int64(0); i < deadline && atomic.LoadInt32(&stop) == 0; i++ {
		}
	}()
	<-started
	time.Sleep(20 * time.Millisecond)
	t := time.Now()
	runtime.GC()
	d := time.Since(t).Seconds()
	atomic.StoreInt32(&stop, 1)
	return d
}
GO
# go.sum for the generated code's import of gopy/gopyh.
printf 'package gtree\n\nimport _ "github.com/go-python/gopy/gopyh"\n' > "$WORK/pkg/gtree/keep.go"
(cd "$WORK/pkg" && go mod tidy >/dev/null 2>&1 && rm gtree/keep.go)

# 4. gopy build. It compiles inside -output, which must therefore lie inside the Go module.
(cd "$WORK/pkg" && PATH="$WORK/bin:$WORK/venv/bin:$PATH" \
  gopy build -output="$WORK/pkg/py/gtree" -vm="$WORK/venv/bin/python" ./gtree >"$WORK/gopy-build.log" 2>&1) \
  || { cat "$WORK/gopy-build.log"; exit 1; }
echo "gopy $GOPY_VERSION built: $(ls "$WORK"/pkg/py/gtree/*.so | xargs -n1 basename)"
echo "functions gopy exposed: $(grep -o '^def [A-Za-z]*' "$WORK/pkg/py/gtree/gtree.py" | cut -c5- | tr '\n' ' ')"

# 5. Measure in one process (the repo's .venv has _goaccel and orjson installed).
"$REPO/.venv/bin/python" "$REPO/bench/gopy_eval.py" "$WORK/pkg/py" "${GOACCEL_CORPUS:-$REPO/../shared/corpus}"
