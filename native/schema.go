package main

import "goaccel/python"

// _goaccel.schema: filled by its product.
func init() {
	python.Register(python.Module{Name: "schema", Doc: "schemafast: JSON Schema compiler and validator."})
}
