"""Long loops of loads keep RSS flat: nothing the decoder allocates (Python
objects, Go tapes, cached keys, exceptions) outlives its call."""
import subprocess
import tempfile
import sys

SCRIPT = r"""
import gc, json, sys
import psutil
from jsonfast import decoder as jd

corpus = sys.argv[1]
big = [open(f"{corpus}/json/{n}.json", "rb").read() for n in ("twitter", "citm_catalog", "github")]
small = [b'{"a": 1}', b'{"id": 12345, "name": "Ada", "tags": ["x", "y"], "score": 98.5, "ok": true}',
         '["é", "中", "😀", 1.5e300, -7]', b'[1, 2, 3, null]']
bad = [b'{"a": 1,}', '[1, 2', b'"\xff"', '"\ud800"', b"[" * 5000, b"1" * 5000, b"NaN"]
huge = "[" * 1_000_000

def rounds(n_small, n_big, n_bad):
    for i in range(n_small):
        s = small[i & 3]
        jd.orjson_loads(s)
        jd.loads(s)
        if type(s) is str:  # a fresh non-ASCII str: its UTF-8 copy is made and freed
            jd.loads(s + " ")
    for i in range(n_big):
        b = big[i % 3]
        jd.orjson_loads(b)
        jd.loads(b)
        jd.loads(b.decode())
    for i in range(n_bad):
        s = bad[i % len(bad)]
        for f in (jd.orjson_loads, jd.loads):
            try:
                f(s)
            except (ValueError, RecursionError):
                pass
    for f in (jd.orjson_loads, jd.loads):
        try:
            f(huge)
        except (ValueError, RecursionError):
            pass

proc = psutil.Process()
rounds(20000, 30, 2000)          # warm up: pools, key cache, allocator arenas
gc.collect()
before = proc.memory_info().rss
rounds(500000, 150, 30000)       # 1M small loads, 300 corpus loads, 60k errors
gc.collect()
after = proc.memory_info().rss
print((after - before) / 2**20)
"""


def test_rss_flat_over_a_million_loads(corpus):
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(corpus)], capture_output=True,
                         text=True, timeout=600, cwd=tempfile.gettempdir())  # no source tree on sys.path
    assert out.returncode == 0, out.stderr
    growth_mb = float(out.stdout.strip())
    assert growth_mb < 5.0, f"RSS grew by {growth_mb:.1f} MB"
