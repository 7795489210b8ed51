"""Instructions per loads call (cachegrind), for A/B of two builds.

    .venv/bin/python bench/json_loads_cg.py BUILD_DIR [FILE ...] [--faces jsf,js,jo]

Runs this script under `valgrind --tool=cachegrind --cache-sim=no` with
N=2 and N=12 calls and prints (count(12) - count(2)) / 10 per corpus file
and face: `jo` orjson face on bytes, `js` json face on one reused str,
`jsf` json face on a fresh str per call (the copies are made with
b.decode() inside the count, the same for every build). A build directory
holds a _goaccel*.so and, optionally, the jsonfast package to use with it.
Counts repeat to about +-3 %.
"""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]  # bench/json.py

import re  # noqa: E402
import subprocess  # noqa: E402

CORPUS = os.path.join(os.environ.get("GOACCEL_CORPUS", os.path.join(HERE, "..", "..", "shared", "corpus")), "json")


def child(build: str, name: str, n: int, face: str) -> None:
    sys.path.insert(0, build)
    import jsonfast.decoder as jd
    b = open(os.path.join(CORPUS, name + ".json"), "rb").read()
    if face == "jsf":
        for _ in range(n + 1):
            jd.loads(b.decode())
        return
    f, x = (jd.loads, b.decode()) if face == "js" else (jd.orjson_loads, b)
    for _ in range(n + 1):
        f(x)


def count(build: str, name: str, n: int, face: str) -> int:
    out = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
                          sys.executable, os.path.abspath(__file__), "--child", build, name, str(n), face],
                         capture_output=True, text=True, env={**os.environ, "GODEBUG": "asyncpreemptoff=1"})
    m = re.search(r"I\s+refs:\s+([\d,]+)", out.stderr)
    if m is None:
        raise SystemExit(out.stderr[-2000:])
    return int(m.group(1).replace(",", ""))


def main() -> None:
    if sys.argv[1] == "--child":
        return child(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    args = [a for a in sys.argv[1:] if not a.startswith("--faces")]
    faces = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--faces=")), "jsf,js,jo").split(",")
    build, files = args[0], args[1:] or ["twitter", "github", "citm_catalog", "canada"]
    for name in files:
        for face in faces:
            per = (count(build, name, 12, face) - count(build, name, 2, face)) / 10
            print(f"{build} {name} {face} {per / 1e6:.3f} M instructions/call", flush=True)


if __name__ == "__main__":
    main()
