"""The binding layer seen from Python: calls, references, errors, the GIL."""
import gc
import sys
import threading
import time

import psutil
import pytest

import _goaccel
from _goaccel import core


def test_one_extension_with_every_submodule():
    for name in ("core", "json", "schema", "xml", "server"):
        assert getattr(_goaccel, name).__name__ == "_goaccel." + name
        assert sys.modules["_goaccel." + name] is getattr(_goaccel, name)


def test_versions():
    assert core.python_version().startswith("%d.%d." % sys.version_info[:2])
    assert core.go_version().startswith("go1.")


def test_refcounts_unchanged_after_many_calls():
    tree = {"a": [1, 2.5, "x", None, True, {"b": "caf\u00e9"}], "big": 2**70}
    leaf = tree["a"]
    before = (sys.getrefcount(tree), sys.getrefcount(leaf))
    for _ in range(20000):
        assert core.echo(tree) is tree
        assert core.to_go(tree) == 10
    assert (sys.getrefcount(tree), sys.getrefcount(leaf)) == before


def test_direct_reads_agree_with_python():
    values = [0.1, -2.5, 1e300, float("inf")]
    assert core.sum_floats(values) == sum(values)
    with pytest.raises(TypeError, match="expects floats, found int"):
        core.sum_floats([1.0, 2])


def test_go_errors_raise_the_declared_type():
    with pytest.raises(ValueError, match="^bad input$"):
        core.raise_error("ValueError", "bad input")
    with pytest.raises(RuntimeError, match="^plain$"):
        core.raise_error("other", "plain")
    with pytest.raises(TypeError, match="takes exactly 1 argument"):
        core.echo()


def test_python_exceptions_pass_through_go():
    def fail():
        raise KeyError("from python")

    with pytest.raises(KeyError, match="from python"):
        core.call(fail)
    assert core.call(lambda a, b: a + b, 2, 3) == 5


@pytest.mark.parametrize("message", ["boom", "nil-map"])
def test_go_panic_becomes_system_error_and_process_survives(message):
    with pytest.raises(SystemError, match="Go panic"):
        core.panic(message)
    assert core.echo(1) == 1  # still alive and usable


def test_keyword_calls_use_fastcall_keywords():
    assert core.keywords(1, 2, alpha=3, beta=4) == ["alpha", "beta"]
    assert core.keywords() == []


def test_non_json_values_are_rejected_clearly():
    with pytest.raises(TypeError, match="not JSON serializable"):
        core.to_go({"a": {1, 2}})
    with pytest.raises(TypeError, match="keys must be str"):
        core.to_go({1: 2})


def test_deep_nesting_is_an_error_not_a_crash():
    deep = []
    for _ in range(20000):
        deep = [deep]
    with pytest.raises(RecursionError):
        core.to_go(deep)


def test_gil_is_released_during_go_work():
    ticks = 0
    stop = False

    def spin():
        nonlocal ticks
        while not stop:
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=spin)
    t.start()
    try:
        time.sleep(0.02)
        start = ticks
        core.sleep_nogil(0.3)
        progressed = ticks - start
    finally:
        stop = True
        t.join()
    # With the GIL held for 0.3 s the other thread could not tick at all.
    assert progressed > 10


def test_long_loop_does_not_grow_memory():
    tree = [{"id": i, "name": "item %d" % i, "tags": ["a", "b"], "score": i / 3} for i in range(200)]
    proc = psutil.Process()
    # Warm up until the Go heap reaches its steady size (GOGC lets it grow to
    # about twice the live heap before collecting), then measure.
    for _ in range(3000):
        core.to_go(tree)
    gc.collect()
    before = proc.memory_info().rss
    for _ in range(6000):
        core.to_go(tree)
        core.echo(tree)
    gc.collect()
    grown = proc.memory_info().rss - before
    assert grown < 5 * 1024 * 1024, f"RSS grew by {grown} bytes"
