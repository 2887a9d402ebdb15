from django import forms

from planning.choices import TargetFamily
from tsm.lib.versions import VersionedForm


class PlanCreateForm(forms.Form):
    """A new plan: its period, and optionally another plan of the region to start from."""

    period = forms.CharField(label="计划期", max_length=20, error_messages={"required": "请填写计划期（如 2027 或 2027H1）"},
                             widget=forms.TextInput(attrs={"placeholder": "2027 或 2027H1"}))
    copy_from = forms.TypedChoiceField(label="起点", required=False, coerce=str, empty_value="",
                                       error_messages={"invalid_choice": "要复制的计划 %(value)s 不存在"})

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = {p.period: p for p in plans}
        self.fields["copy_from"].choices = [("", "空白计划")] + [
            (p.period, f"复制 {p.period} 的计划（指标、目标和文字）") for p in plans]

    def service_kwargs(self) -> dict:
        return {"period": self.cleaned_data["period"],
                "copy_from": self.plans.get(self.cleaned_data["copy_from"])}


class IndicatorConfirmForm(forms.Form):
    confirmed = forms.TypedChoiceField(choices=[("1", "确认"), ("0", "取消确认")], coerce=lambda v: v == "1",
                                       error_messages={"required": "请说明确认还是取消确认",
                                                       "invalid_choice": "确认的取值应为 1 或 0"})


class ResponsibleForm(forms.Form):
    responsible = forms.TypedChoiceField(label="负责人", required=False, coerce=int, empty_value=None,
                                         error_messages={"invalid_choice": "负责人 %(value)s 不是本区域的人员"})

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        self.fields["responsible"].choices = [("", "—")] + [(p.pk, str(p)) for p in people]

    def service_kwargs(self) -> dict:
        return {"responsible": self.people.get(self.cleaned_data["responsible"])}


class TargetForm(forms.Form):
    """A target: name, value and unit, optionally the catalogue indicator it measures."""

    name = forms.CharField(label="目标", required=False, max_length=200,
                           error_messages={"max_length": "目标最多 %(limit_value)d 字"})
    value = forms.CharField(label="目标值", required=False)
    unit = forms.CharField(label="单位", required=False, initial="元")
    indicator = forms.TypedChoiceField(label="指标", required=False, coerce=int, empty_value=None,
                                       error_messages={"invalid_choice": "指标 %(value)s 不在指标目录中"})

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = {i.pk: i for i in indicators}
        self.fields["indicator"].choices = [("", "—")] + [(i.pk, f"{i.get_family_display()}·{i.name}")
                                                          for i in indicators]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"], "value": d["value"], "unit": d["unit"],
                "indicator": self.indicators.get(d["indicator"])}


class TargetAddForm(TargetForm):
    family = forms.ChoiceField(label="类别", choices=TargetFamily.choices,
                               error_messages={"required": "请选择目标类别", "invalid_choice": "未知的目标类别 %(value)s"})

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "family": self.cleaned_data["family"]}


class TargetEditForm(VersionedForm, TargetForm):
    def service_kwargs(self) -> dict:
        seen = self.seen()
        if "indicator" in seen:
            seen["indicator"] = self.indicators.get(seen["indicator"])
        return {**super().service_kwargs(), "version": self.cleaned_data["version"], "seen": seen}


class DecisionForm(forms.Form):
    """An executive's decision on a submitted plan: an overall comment
    (required to return it) and a comment per section of the document."""

    comment = forms.CharField(label="总体批示", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.section_keys = [key for key, _ in sections]
        for key, title in sections:
            self.fields[f"section_{key}"] = forms.CharField(label=f"{title}", required=False,
                                                            widget=forms.Textarea(attrs={"rows": 2}))

    def section_fields(self):
        return [self[f"section_{key}"] for key in self.section_keys]

    def service_kwargs(self) -> dict:
        return {"comment": self.cleaned_data["comment"],
                "section_comments": {key: self.cleaned_data[f"section_{key}"] for key in self.section_keys}}
