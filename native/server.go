package main

import "goaccel/python"

// _goaccel.server: filled by its product.
func init() {
	python.Register(python.Module{Name: "server", Doc: "appserver: HTTP server and WSGI/ASGI bridges."})
}
