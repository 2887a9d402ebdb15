"""Tables derived from an analysis, computed once per analysis and scope."""


class Memo:
    """An analysis never changes once computed, so what a page derives from
    it (class summaries, the funnel's figures …) is kept on it; it is cheap to
    rebuild and costly to pickle, so it never goes into the cache."""

    _unpickled = ("_memo",)  # what __getstate__ leaves out

    def memo(self, key, compute_fn):
        store = self.__dict__.setdefault("_memo", {})
        if key not in store:
            store[key] = compute_fn()
        return store[key]

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in self._unpickled}
