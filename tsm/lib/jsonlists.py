"""Short JSON lists stored as text (evidence codes, buying roles).

A region's 20,000 projects and 20,000 contacts hold a few hundred distinct
lists, so each distinct text is decoded once; the tuples are shared."""

import functools
import json


@functools.lru_cache(maxsize=4096)
def parse_list(text: str | None) -> tuple:
    if not text:
        return ()
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else ()
