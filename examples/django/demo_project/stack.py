"""Which renderer, parser, schema validator and log formatter the demo uses.

GOACCEL_DEMO_STACK picks a column: ``stock`` is what a Django team runs today
(DRF's JSON classes, djangorestframework-xml, python-jsonschema,
python-json-logger); ``goaccel`` is the same app on goaccel's drop-ins. Each
entry can also be overridden alone, e.g. GOACCEL_DEMO_JSON_RENDERER=dotted.Path.
"""
from __future__ import annotations

import os

STOCK = {
    "JSON_RENDERER": "rest_framework.renderers.JSONRenderer",
    "JSON_PARSER": "rest_framework.parsers.JSONParser",
    "XML_RENDERER": "rest_framework_xml.renderers.XMLRenderer",
    "XML_PARSER": "rest_framework_xml.parsers.XMLParser",
    "JSONSCHEMA": "jsonschema",  # a module with jsonschema's Draft202012Validator API
    "LOG_FORMATTER": "pythonjsonlogger.json.JsonFormatter",
}

GOACCEL = {
    "JSON_RENDERER": "jsonfast.drf.JSONRenderer",
    "JSON_PARSER": "jsonfast.drf.JSONParser",
    "XML_RENDERER": "xmlfast.drf.XMLRenderer",
    "XML_PARSER": "xmlfast.drf.XMLParser",
    "JSONSCHEMA": "schemafast",
    "LOG_FORMATTER": "jsonfast.logging.JsonFormatter",
}

STACKS = {"stock": STOCK, "goaccel": GOACCEL}


def selected() -> tuple[str, dict[str, str]]:
    """(stack name, {role: dotted path}) from the environment."""
    name = os.environ.get("GOACCEL_DEMO_STACK", "goaccel").strip().lower()
    if name not in STACKS:
        raise RuntimeError(
            "GOACCEL_DEMO_STACK=%r: expected one of %s" % (name, ", ".join(sorted(STACKS))))
    chosen = dict(STACKS[name])
    for role in chosen:
        override = os.environ.get("GOACCEL_DEMO_" + role)
        if override:
            chosen[role] = override
    return name, chosen
