package jsonfast

import (
	"fmt"
	"os"
	"testing"

	"goaccel/python"
)

// The decoder's Go tests build real Python objects: they embed an
// interpreter (the Makefile's test-go links libpython).
func TestMain(m *testing.M) {
	if err := python.Embed(); err != nil {
		fmt.Fprintln(os.Stderr, "embed:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
