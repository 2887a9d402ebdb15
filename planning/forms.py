from django import forms
from django.utils import timezone


class AsOfForm(forms.Form):
    """?as_of=YYYY-MM-DD, defaulting to today (INTERFACES §2)."""

    as_of = forms.DateField(required=False, input_formats=["%Y-%m-%d"],
                            error_messages={"invalid": "as_of 日期格式应为 YYYY-MM-DD，例如 2026-11-27"})

    def clean_as_of(self):
        return self.cleaned_data.get("as_of") or timezone.localdate()
