"""Long loops over every entry point must not grow the process's memory."""
import datetime
import decimal
import gc
import io

import psutil

import xmlfast
from xmlfast.drf import XMLParser, XMLRenderer


def rss_growth(fn, rounds=6, per_round=300):
    proc = psutil.Process()
    for _ in range(per_round):  # warm up: pools, caches, interned names
        fn()
    gc.collect()
    start = proc.memory_info().rss
    for _ in range(rounds):
        for _ in range(per_round):
            fn()
        gc.collect()
    return proc.memory_info().rss - start


DATA = [{"id": i, "name": "n%d & é" % i, "when": datetime.datetime(2024, 1, 1, 0, 0, i % 60),
         "price": decimal.Decimal("1.25"), "tags": ["a", "b"], "none": None} for i in range(50)]


def test_render_and_parse_do_not_leak():
    renderer, parser = XMLRenderer(), XMLParser()
    doc = renderer.render(DATA).encode()

    def work():
        renderer.render(DATA)
        parser.parse(io.BytesIO(doc))
        tree = xmlfast.parse(doc)
        xmlfast.parse(doc, process_namespaces=True, force_list=lambda p, k, v: False)
        xmlfast.unparse(tree)
        try:
            xmlfast.parse(doc[:-5])
        except xmlfast.XMLParseError:
            pass

    assert rss_growth(work) < 8 * 1024 * 1024


def test_threads_share_the_parsers_safely():
    import threading

    renderer, parser = XMLRenderer(), XMLParser()
    doc = renderer.render(DATA)
    body = doc.encode()
    expected_tree = xmlfast.parse(body)
    expected_parsed = parser.parse(io.BytesIO(body))
    errors = []

    def work():
        try:
            for _ in range(50):
                assert renderer.render(DATA) == doc
                assert xmlfast.parse(body) == expected_tree
                assert parser.parse(io.BytesIO(body)) == expected_parsed
                assert xmlfast.parse(xmlfast.unparse(expected_tree)) == expected_tree
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []


def test_untracked_result_dicts_are_retracked_when_they_get_containers():
    import weakref

    def make(kind):
        if kind == "xmltodict":
            return xmlfast.parse(b"<a><b>1</b><c>x</c></a>")["a"]
        return XMLParser().parse(io.BytesIO(b"<r><a><b>1</b></a></r>"))["a"]

    for kind in ("xmltodict", "drf"):
        result = make(kind)
        assert not gc.is_tracked(result)  # atomic values only: left out of the GC

        class Box:
            pass

        box = Box()
        result["cycle"] = [result, box]
        assert gc.is_tracked(result)
        ref = weakref.ref(box)
        del box, result
        gc.collect()
        assert ref() is None  # the cycle through the parsed dict was collected
