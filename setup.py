"""Builds goaccel's one native library with `go build -buildmode=c-shared`.

The four Python packages (jsonfast, schemafast, xmlfast, appserver) share the
single extension module `_goaccel`: one Go runtime per process (see
docs/architecture.md).
"""
import os
import shutil
import subprocess
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SUPPORTED = [(3, 11)]
ROOT = os.path.dirname(os.path.abspath(__file__))


def fail(msg):
    sys.stderr.write("\ngoaccel build error: " + msg + "\n\n")
    raise SystemExit(1)


class GoExtension(Extension):
    def __init__(self, name, package):
        super().__init__(name, sources=[])
        self.go_package = package


class BuildGo(build_ext):
    """Runs the Go toolchain instead of a C compiler."""

    def build_extension(self, ext):
        if sys.version_info[:2] not in SUPPORTED:
            fail(
                "CPython %d.%d is not supported: goaccel reads CPython object memory "
                "directly and its layout is verified only for %s."
                % (sys.version_info[0], sys.version_info[1],
                   ", ".join("%d.%d" % v for v in SUPPORTED))
            )
        go = shutil.which("go")
        if go is None:
            fail("the Go toolchain (go 1.26 or newer) is not on PATH; install it from your "
                 "distribution or go.dev, then build again.")
        include = sysconfig.get_paths()["include"]
        if not os.path.exists(os.path.join(include, "Python.h")):
            fail("the CPython headers are missing (no Python.h in %s); install the "
                 "python3-dev (Debian/Ubuntu) or python3-devel (Fedora) package." % include)
        if shutil.which(os.environ.get("CC", "gcc")) is None and shutil.which("cc") is None:
            fail("a C compiler (gcc) is needed by cgo; install gcc.")
        out = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        env = dict(os.environ)
        env["CGO_ENABLED"] = "1"
        env["CGO_CFLAGS"] = "-I%s -O2" % include
        # The library does not link libpython: symbols resolve from the
        # interpreter that loads it.
        env["CGO_LDFLAGS"] = "-Wl,--unresolved-symbols=ignore-all"
        cmd = [go, "build", "-buildmode=c-shared", "-trimpath", "-ldflags=-s -w",
               "-o", out, ext.go_package]
        print(" ".join(cmd))
        subprocess.check_call(cmd, cwd=ROOT, env=env)
        header = os.path.splitext(out)[0] + ".h"
        if os.path.exists(header):
            os.remove(header)


setup(
    ext_modules=[GoExtension("_goaccel", "./native")],
    cmdclass={"build_ext": BuildGo},
)
