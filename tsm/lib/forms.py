"""The form renderer: Django's templates, except for the <select>.

Django renders a select with two template includes per option; a filter bar
of seven selects (fifty managers among them) cost a sixth of a funnel page.
`FormRenderer` writes a plain select — Django's own widget template, options
from `select_option.html` — in Python, character for character what the
templates give (tests/lib/test_forms.py holds them equal); any other widget,
or a select whose options use another template, goes to the templates."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    return "".join(
        "" if value is False else f" {conditional_escape(name)}" if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
    )


def _select(widget: dict) -> str:
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for o in options:
            out.append(f'\n  <option value="{conditional_escape(str(o["value"]))}"{_attrs(o["attrs"])}>'
                       f'{conditional_escape(o["label"])}</option>\n')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        if widget is not None and all(o["template_name"] == OPTION for _, options, _ in widget["optgroups"]
                                      for o in options):
            return _select(widget)
        return super().render(template_name, context, request)
