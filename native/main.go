// Command native is goaccel's one extension module, _goaccel, built with
// -buildmode=c-shared. PyInit__goaccel (in package python's module.c)
// creates the module and its sub-modules: each product registers its own in
// one file here (json.go, schema.go, xml.go, server.go), and core.go holds
// the diagnostics used by the foundation's tests and benchmarks.
package main

func main() {}
