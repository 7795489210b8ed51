package main

import (
	"errors"

	"goaccel/python"
	"goaccel/xmlfast"
)

// _goaccel.xml: the native side of xmlfast (see xmlfast/*.py for the faces).
func init() {
	python.Register(python.Module{
		Name: "xml",
		Doc:  "xmlfast: XML writer and parser.",
		Functions: []python.Function{
			{Name: "render_drf", Doc: "render_drf(data, root_tag, item_tag, force_str, control_error, sanitize) -> str, or None to use the Python fallback.", Fast: renderDRF},
		},
	})
}

func isStr(o python.Object) bool {
	return o.Type() == python.StrType || o.Type().TypeFlags()&python.FlagStrSubclass != 0
}

func renderDRF(args []python.Object) (python.Ref, error) {
	if len(args) != 6 {
		return python.Ref{}, python.Errorf(python.TypeError, "render_drf() takes 6 arguments (%d given)", len(args))
	}
	if !isStr(args[1]) || !isStr(args[2]) {
		return python.Ref{}, python.Errorf(python.TypeError, "root_tag_name and item_tag_name must be str")
	}
	r, err := xmlfast.RenderDRF(args[0], xmlfast.DRFRenderOptions{
		Root: args[1], Item: args[2], ForceStr: args[3], ControlError: args[4],
		Sanitize: args[5] == python.True,
	})
	if errors.Is(err, xmlfast.ErrFallback) {
		return python.NoneRef(), nil
	}
	return r, err
}
