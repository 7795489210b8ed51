"""Importing the application named on the command line."""
from __future__ import annotations

import importlib
import os
import sys
from typing import Any, Optional


class AppLoadError(Exception):
    """The target cannot be imported or is not a WSGI callable."""


def load_app(target: str, factory: bool = False, working_dir: Optional[str] = None) -> Any:
    if working_dir:
        os.chdir(working_dir)
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    module_name, _, attr = target.partition(":")
    attr = attr or "application"
    module = importlib.import_module(module_name)
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise AppLoadError("module %r has no attribute %r" % (module_name, attr)) from None
    if factory:
        obj = obj()
    if not callable(obj):
        raise AppLoadError("%s is not callable (a WSGI app is a callable taking environ and "
                           "start_response), it is %s" % (target, type(obj).__name__))
    return obj


def read_env_file(path: str) -> dict:
    """KEY=VALUE lines; blank lines and # comments ignored; quotes stripped."""
    env = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("export "):
                line = line[7:].lstrip()
            key, sep, value = line.partition("=")
            key = key.strip()
            if not sep or not key:
                raise AppLoadError("%s:%d: expected KEY=VALUE" % (path, n))
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            env[key] = value
    return env
