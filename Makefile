# goaccel — `make run` (the demo) and `make test` (everything) on a fresh machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYINC := $(shell python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
PYLIBDIR := $(shell python3 -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')
PYHOME := $(shell python3 -c 'import sys; print(sys.base_prefix)')
PYLDVER := $(shell python3 -c 'import sysconfig; print(sysconfig.get_config_var("LDVERSION"))')

export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export CGO_ENABLED := 1
export CGO_CFLAGS := -I$(PYINC) -O2
# Go tests embed an interpreter, so their binaries link libpython; the
# extension itself never does (setup.py links with unresolved symbols).
GO_TEST_ENV := CGO_LDFLAGS="-L$(PYLIBDIR) -lpython$(PYLDVER) -Wl,-rpath,$(PYLIBDIR)" PYTHONHOME=$(PYHOME)

.PHONY: all bootstrap build wheel install test test-go test-py vet run bench clean test-django42

all: build

bootstrap:
	@scripts/bootstrap

# Build the wheel and install it into .venv (tests run against the installed wheel).
build: bootstrap wheel install

wheel: bootstrap
	@rm -rf dist/raw && mkdir -p dist/raw
	$(PY) -m pip wheel --no-build-isolation --no-deps -q -w dist/raw .
	@rm -f dist/goaccel-*.whl
	$(VENV)/bin/auditwheel repair -w dist dist/raw/goaccel-*.whl
	@ls dist/goaccel-*.whl

install:
	$(PY) -m pip install -q --force-reinstall --no-deps dist/goaccel-*.whl

vet:
	go vet ./...

test-go:
	$(GO_TEST_ENV) go test -count=1 ./...

test-py:
	$(VENV)/bin/pytest tests

test-django42:
	scripts/test-django42

test: build vet test-go test-py test-django42

run: build
	@scripts/run

bench: build
	@scripts/bench $(if $(QUICK),--quick,)

clean:
	rm -rf build dist *.egg-info
