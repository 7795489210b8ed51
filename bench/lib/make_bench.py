"""`make bench`: runs every benchmark, then writes docs/benchmarks.md, the
plots in docs/img/ and README.md's headline table from the raw numbers.

    .venv/bin/python bench/lib/make_bench.py [--quick] [--only json,seed,...] [--report-only]

Each job is one benchmark script run --repeat times (micro-benchmarks) with
GOACCEL_BENCH_JSON pointing at a results file (bench/lib/benchresults.py);
its stdout (the script's own Markdown) is kept for the report's details.
Jobs run in their own process group: on Ctrl-C, an error or a timeout the
group gets SIGTERM (the server scripts then stop every server they started,
bench/server/common.py) and, 20 s later, SIGKILL. A timing line per job and
the total go to stderr and into the report.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import signal
import subprocess
import sys
import time
from typing import Dict, List

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "bench" / "server"))
from run import server_jobs  # noqa: E402  (bench/server/run.py: the server part of the suite)

RESULTS = ROOT / "build" / "bench-results"
PY = str(ROOT / ".venv" / "bin" / "python")


def product_jobs(quick: bool) -> List[Dict]:
    q = ["--quick"] if quick else []
    reps = 1 if quick else 3
    return [
        # safe_path: run with PYTHONSAFEPATH=1 so that bench/ (json.py, xml.py,
        # logging.py, django.py) never shadows the standard library or Django.
        {"name": "json", "safe_path": True, "product": "jsonfast", "cmd": ["bench/json.py"] + q, "repeat": reps, "timeout": 600},
        # schema.py's full budget (0.4 s of CPU per library and case, best of
        # 5) takes ~4x its quick one; three quick runs give the median and
        # keep the full `make bench` under 20 minutes.
        {"name": "schema", "safe_path": True, "product": "schemafast", "cmd": ["bench/schema.py", "--quick"],
         "repeat": reps, "timeout": 900},
        {"name": "xml", "safe_path": True, "product": "xmlfast", "cmd": ["bench/xml.py"] + q, "repeat": reps, "timeout": 600},
        {"name": "logging", "safe_path": True, "product": "jsonfast.logging", "cmd": ["bench/logging.py"] + q, "repeat": reps,
         "timeout": 600},
        {"name": "django", "safe_path": True, "product": "Django/DRF", "cmd": ["bench/django.py"] + q, "repeat": reps, "timeout": 600},
        {"name": "drf_json", "safe_path": True, "product": "Django/DRF", "cmd": ["bench/drf_json.py"] + q, "repeat": reps,
         "timeout": 600},
    ]


def find_corpus() -> str:
    for parent in ROOT.parents:
        if (parent / "shared" / "corpus").is_dir():
            return str(parent / "shared" / "corpus")
    return str(ROOT.parent / "shared" / "corpus")


def run_job(job: Dict, rep: int) -> Dict:
    """Runs one repetition; returns its timing record."""
    stem = "%s-%d" % (job["name"], rep)
    out_json, out_md = RESULTS / (stem + ".jsonl"), RESULTS / (stem + ".md")
    env = dict(os.environ, GOACCEL_BENCH_JSON=str(out_json), PYTHONUNBUFFERED="1", **job.get("env", {}))
    env.setdefault("GOACCEL_CORPUS", find_corpus())
    if job.get("safe_path"):
        env["PYTHONSAFEPATH"] = "1"
    cmd = [PY] + [str(c) for c in job["cmd"]]
    print("bench: %s (%d/%d): %s" % (job["name"], rep + 1, job["repeat"], " ".join(cmd[1:])),
          file=sys.stderr, flush=True)
    start = time.monotonic()
    with open(out_md, "w") as md:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=md, start_new_session=True)
        try:
            rc = proc.wait(timeout=job["timeout"])
        except BaseException as exc:  # timeout, Ctrl-C, SIGTERM: stop the whole job, servers included
            stop_group(proc)
            if not isinstance(exc, subprocess.TimeoutExpired):
                raise
            rc = "timeout after %ds" % job["timeout"]
    secs = time.monotonic() - start
    print("bench: %s (%d/%d) took %.1f s%s" % (job["name"], rep + 1, job["repeat"], secs,
                                                "" if rc == 0 else ", exit status %s" % rc),
          file=sys.stderr, flush=True)
    return {"job": job["name"], "rep": rep, "seconds": secs, "rc": rc, "cmd": " ".join(cmd[1:])}


def stop_group(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _sigterm(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="short runs: the same tables in under 3 minutes")
    ap.add_argument("--only", default="", help="comma-separated job names (the report keeps the others' old results)")
    ap.add_argument("--report-only", action="store_true", help="rewrite the report from build/bench-results")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, _sigterm)
    signal.signal(signal.SIGHUP, _sigterm)
    jobs = product_jobs(a.quick) + server_jobs(a.quick)
    only = set(filter(None, a.only.split(",")))
    unknown = only - {j["name"] for j in jobs}
    if unknown:
        sys.exit("bench: unknown job(s) %s; jobs: %s" % (", ".join(sorted(unknown)),
                                                         ", ".join(j["name"] for j in jobs)))
    RESULTS.mkdir(parents=True, exist_ok=True)
    timings_path = RESULTS / "timings.json"
    if a.report_only:
        timings = json.loads(timings_path.read_text())
    else:
        old = json.loads(timings_path.read_text()) if (only and timings_path.exists()) else {"runs": []}
        selected = [j for j in jobs if not only or j["name"] in only]
        for j in selected:
            for f in RESULTS.glob(j["name"] + "-*"):
                f.unlink()
        if not only:
            for f in RESULTS.glob("*-*.*"):
                f.unlink()
        start = time.monotonic()
        load_start = os.getloadavg()[0]
        runs = [r for r in old["runs"] if r["job"] not in {j["name"] for j in selected}]
        try:
            for j in selected:
                for rep in range(j["repeat"]):
                    runs.append(run_job(j, rep))
        except KeyboardInterrupt:
            print("bench: interrupted; every started server was stopped. docs/benchmarks.md is unchanged.",
                  file=sys.stderr)
            return 130
        total = time.monotonic() - start
        if only:
            total = sum(r["seconds"] for r in runs)
        rerun = sorted(set(old.get("only", [])) | only) if only else []
        timings = {"quick": a.quick, "total": total, "runs": runs, "only": rerun,
                   "load": [load_start, os.getloadavg()[0]],
                   "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
        timings_path.write_text(json.dumps(timings, indent=1))
        print("bench: total %.1f s (%.1f min)" % (total, total / 60), file=sys.stderr, flush=True)

    import report  # bench/lib/report.py (matplotlib is imported only here)
    report.write_all(jobs, timings, RESULTS)
    failed = [r for r in timings["runs"] if r["rc"] != 0]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
