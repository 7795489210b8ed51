#!/bin/bash
# Regenerates native/default.pgo, the CPU profile that `go build` uses for
# profile-guided optimisation of the extension (Go's -pgo=auto default picks
# up default.pgo in the main package's folder, so setup.py needs no flag).
# The profile comes from jsonfast's Go benchmarks: the encoder on the corpus
# (both faces) and the decoder (parse, build, small loads). Re-run it after
# large changes to the hot code, then rebuild; a stale profile only costs
# the gain, never correctness.
#
#     bench/pgo-profile.sh          (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
PYLIBDIR=$(python3 -c 'import sysconfig; print(sysconfig.get_config_var("LIBDIR"))')
PYLDVER=$(python3 -c 'import sysconfig; print(sysconfig.get_config_var("LDVERSION"))')
export CGO_ENABLED=1
export CGO_CFLAGS="-I$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])') -O2"
export CGO_LDFLAGS="-L$PYLIBDIR -lpython$PYLDVER -Wl,-rpath,$PYLIBDIR"
export PYTHONHOME=$(python3 -c 'import sys; print(sys.base_prefix)')
export GOACCEL_CORPUS=${GOACCEL_CORPUS:-$PWD/../shared/corpus}
# Async preemption samples would otherwise land in runtime.asyncPreempt.
export GODEBUG=asyncpreemptoff=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/jsonfast.test" ./jsonfast
"$tmp/jsonfast.test" -test.run X -test.bench EncodeCorpus -test.benchtime 1s \
    -test.cpuprofile "$tmp/enc.pprof" >/dev/null
"$tmp/jsonfast.test" -test.run X -test.bench 'ParseCorpus|BuildCorpus|LoadsOrjsonSmall' \
    -test.benchtime 500ms -test.cpuprofile "$tmp/dec.pprof" >/dev/null
go tool pprof -proto "$tmp/enc.pprof" "$tmp/dec.pprof" > native/default.pgo
echo "wrote native/default.pgo"
