"""argparse value types shared by every group of appserver's options: a
number parsed, bounded, and refused with a message naming the option."""
from __future__ import annotations

import argparse
from typing import Callable, TypeVar

N = TypeVar("N", int, float)


def _number(name: str, parse: Callable[[str], N], kind: str, ok: Callable[[N], bool],
            why: Callable[[N], str]) -> Callable[[str], N]:
    def conv(v: str) -> N:
        try:
            n = parse(v)
        except ValueError:
            raise argparse.ArgumentTypeError("%s must be %s, not %r" % (name, kind, v))
        if not ok(n):
            raise argparse.ArgumentTypeError(why(n))
        return n
    return conv


def positive(name: str) -> Callable[[str], int]:
    return _number(name, int, "an integer", lambda n: n >= 1,
                   lambda n: "%s must be at least 1, not %d" % (name, n))


def non_negative(name: str) -> Callable[[str], int]:
    return _number(name, int, "an integer", lambda n: n >= 0, lambda n: "%s must not be negative" % name)


def seconds(name: str) -> Callable[[str], float]:
    return _number(name, float, "a number of seconds", lambda n: n > 0, lambda n: "%s must be positive" % name)


def mebibytes(name: str) -> Callable[[str], float]:
    return _number(name, float, "a number of MiB", lambda n: n > 0, lambda n: "%s must be positive" % name)
