"""Whole-region work in one process.

Judging a large region builds a few hundred thousand small objects (rows,
verdicts, results) and frees none of them before it ends; Python's cyclic
garbage collector, triggered every 2,000 allocations, walks them again and
again meanwhile — a third of a 5,000-customer analysis's Python time. None of
them forms a cycle (they are freed by reference counting), so the collector
is paused while a region is judged and resumes after: whatever cycles other
code made meanwhile are collected then."""

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
