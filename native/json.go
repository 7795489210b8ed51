package main

import "goaccel/python"

// _goaccel.json: filled by its product.
func init() {
	python.Register(python.Module{Name: "json", Doc: "jsonfast: JSON encoder and decoder."})
}
