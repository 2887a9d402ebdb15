"""tsm.lib.lazy.ResultsOnRead: the results are built once, at the first
read, in the rows' order; the rows stay readable without building anything;
pickled, it is the plain dict of the results."""

import pickle

from tsm.lib.lazy import ResultsOnRead


def test_results_are_built_once_at_the_first_read_and_pickle_as_a_dict():
    built = []

    def build(key, row):
        built.append(key)
        return f"{key}:{row}"

    results = ResultsOnRead({2: "b", 1: "a"}, build)
    assert (len(results), 1 in results, 3 in results, list(results), list(results.rows())) == (
        2, True, False, [2, 1], ["b", "a"])
    assert built == []  # nothing built yet
    assert results[1] == "1:a" and built == [2, 1]
    assert results[2] == "2:b" and built == [2, 1]  # not again
    copy = pickle.loads(pickle.dumps(results))
    assert type(copy) is dict and copy == {2: "2:b", 1: "1:a"}
