"""tsm.lib.forms.FormRenderer writes a select exactly as Django's templates do."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from tsm.lib.forms import FormRenderer

CHOICES = [("", "全部"), (1, "李娜"), (2, '王"强<b>'), ("x&y", "A & B")]
GROUPED = [("", "—"), ("华东", [(1, "上海"), (2, "杭州")]), ("华南 <区>", [("3", "广州")])]


class Filters(forms.Form):
    manager = forms.TypedChoiceField(choices=CHOICES, required=False, coerce=str)
    city = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    flagged = forms.ChoiceField(choices=CHOICES, required=False,
                                widget=forms.Select(attrs={"class": "wide", "data-x": 'a"b', "disabled": True,
                                                           "hidden": False, "aria-label": "经理"}))


@pytest.mark.parametrize("data", [{}, {"manager": "2", "city": "3", "many": ["1", "x&y"], "flagged": "x&y"},
                                  {"manager": "nope", "city": ""}])
def test_selects_are_written_as_djangos_templates_write_them(data):
    for name in Filters.base_fields:
        fast = Filters(data, renderer=FormRenderer())[name].as_widget()
        slow = Filters(data, renderer=DjangoTemplates())[name].as_widget()
        assert fast == slow, name
    assert 'value="x&amp;y" selected' in Filters({"flagged": "x&y"}, renderer=FormRenderer())["flagged"].as_widget()


def test_other_widgets_still_use_the_templates():
    class Other(forms.Form):
        name = forms.CharField()
        radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)

    form = Other({"radio": "1"}, renderer=FormRenderer())
    assert str(form["name"]) == str(Other({"radio": "1"}, renderer=DjangoTemplates())["name"])
    assert str(form["radio"]) == str(Other({"radio": "1"}, renderer=DjangoTemplates())["radio"])


def test_the_settings_use_it():
    from django.conf import settings

    assert settings.FORM_RENDERER == "tsm.lib.forms.FormRenderer"
