import pytest
from django.urls import reverse

from tsm.lib.urls import links, reverser

CODES = ["P0001", "项目-1", "a b", "x&y", "50%", "q?=1", "é~:@!", "C#1"]


@pytest.mark.parametrize("name", ["project_edit", "project_close", "project_evidence"])
def test_a_reverser_gives_what_reverse_gives_for_every_code(name):
    make = reverser(name, each="code", region="华东-1")
    for code in CODES:
        assert make(code) == reverse(name, kwargs={"region": "华东-1", "code": code})


def test_links_per_code_and_name():
    got = links(["project_edit", "project_close"], ["P1", "P 2"], region="A")
    assert got == {"P1": {"project_edit": "/r/A/projects/P1/edit/", "project_close": "/r/A/projects/P1/close/"},
                   "P 2": {"project_edit": "/r/A/projects/P%202/edit/", "project_close": "/r/A/projects/P%202/close/"}}
