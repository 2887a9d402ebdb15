"""A mapping of results built from judged rows when first read.

A region's analysis judges every customer and project column-wise into rows
of plain values; the result objects (Decimal yuan, lazy reasons) cost more
than the judging and most readers need none of them (the export reads the
rows). `ResultsOnRead` holds the rows and builds every result the first time
one is read; pickled (cached), it is the plain dict of the results."""

from collections.abc import Callable, Mapping


class ResultsOnRead(Mapping):
    """key -> build(key, row), every result built at the first read."""

    __slots__ = ("_rows", "_build", "_results")

    def __init__(self, rows: dict, build: Callable):
        self._rows, self._build, self._results = rows, build, None

    def _built(self) -> dict:
        if self._results is None:
            build = self._build
            self._results = {key: build(key, row) for key, row in self._rows.items()}
        return self._results

    def __getitem__(self, key):
        return self._built()[key]

    def __iter__(self):
        return iter(self._rows)

    def __len__(self):
        return len(self._rows)

    def __contains__(self, key):
        return key in self._rows

    def __reduce__(self):
        return dict, (self._built(),)

    def rows(self):
        """The judged rows, in their order."""
        return self._rows.values()
