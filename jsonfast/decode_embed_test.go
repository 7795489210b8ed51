package jsonfast

import (
	"sync"
	"testing"

	"goaccel/python"
)

var embedOnce sync.Once
var embedErr error

// needPython starts the embedded interpreter for the decoder tests that
// build Python objects. (No TestMain here: the encoder's tests own the
// package's TestMain; python.Embed is idempotent.)
func needPython(tb testing.TB) {
	embedOnce.Do(func() { embedErr = python.Embed() })
	if embedErr != nil {
		tb.Fatal("embed:", embedErr)
	}
}
