"""Forms of the plan document page: a section's text (or 资金占用) at its
version, and the director's answer to one item of 问题分析 (one value, no version)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tsm.lib.versions import VersionedForm


class SectionTextForm(VersionedForm, forms.Form):
    """One section's text, posted with the version it was read at and the text it showed."""

    text = forms.CharField(label=_("文字"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["text"].label = label


class CapitalForm(SectionTextForm):
    """资金占用 (元), entered by the director; kept as the CAPITAL text part."""

    text = forms.CharField(label=_("资金占用（元）"), required=False,
                           widget=forms.TextInput(attrs={"inputmode": "decimal"}))


class AnswerForm(forms.Form):
    key = forms.CharField(max_length=120, widget=forms.HiddenInput,
                          error_messages={"required": _("缺少问题分析的条目")})
    text = forms.CharField(label=_("主任的回答"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
