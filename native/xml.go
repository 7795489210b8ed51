package main

import "goaccel/python"

// _goaccel.xml: filled by its product.
func init() {
	python.Register(python.Module{Name: "xml", Doc: "xmlfast: XML writer and parser."})
}
