from tsm.lib.jsonlists import parse_list


def test_a_stored_list_is_read_as_a_shared_tuple():
    first = parse_list('["E1", "E2"]')
    assert first == ("E1", "E2") and parse_list('["E1", "E2"]') is first


def test_empty_or_missing_lists_are_empty():
    assert parse_list(None) == () and parse_list("") == () and parse_list("[]") == () and parse_list("{}") == ()
