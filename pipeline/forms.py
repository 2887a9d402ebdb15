from django import forms
from django.utils.translation import gettext_lazy as _

from pipeline.rules import CONCLUSION_LABELS, EVIDENCE, LAYER_LABELS, TACTIC_LABELS

SORTS = {  # label, key of a judged project, descending, and the stored results' SQL order
    "code": ("项目编码", lambda p: p.code, False, ["code"]),
    "-amount": ("金额从大到小", lambda p: p.amount, True, ["-amount", "code"]),
    "-win_rate": ("赢率从高到低", lambda p: p.win_rate.value, True, ["-win_rate", "code"]),
    "expected_close": ("预计签约日期", lambda p: p.expected_close, False, ["expected_close", "code"]),
    "-weighted": ("加权金额从大到小", lambda p: p.weighted, True, ["-weighted", "code"]),
}


def _choices(labels):
    return [("", "全部")] + list(labels.items())


class FunnelFilterForm(forms.Form):
    """GET filters of the funnel list; unknown values are errors, not ignored."""

    manager = forms.TypedChoiceField(label="客户经理", required=False, coerce=int, empty_value=None)
    layer = forms.ChoiceField(label="漏斗位置", required=False, choices=_choices(LAYER_LABELS))
    amount_class = forms.ChoiceField(label="金额分类", required=False,
                                     choices=[("", "全部"), ("A", "A"), ("B", "B"), ("C", "C")])
    tactic = forms.ChoiceField(label="战法", required=False, choices=_choices(TACTIC_LABELS))
    conclusion = forms.ChoiceField(label="结论动作", required=False, choices=_choices(CONCLUSION_LABELS))
    sort = forms.ChoiceField(label="排序", required=False, choices=[(k, v[0]) for k, v in SORTS.items()])
    page = forms.IntegerField(required=False, min_value=1)
    per_page = forms.TypedChoiceField(label="每页", required=False, coerce=int, empty_value=100,
                                      choices=[(10, 10), (50, 50), (100, 100), (200, 200)])

    def __init__(self, *args, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [("", "全部")] + [(m.pk, str(m)) for m in managers]

    def apply(self, projects):
        d = self.cleaned_data
        if d.get("manager"):
            projects = [p for p in projects if p.owner_id == d["manager"]]
        for name, get in (("layer", lambda p: p.layer.value), ("amount_class", lambda p: p.amount_class.value),
                          ("tactic", lambda p: p.tactic.value), ("conclusion", lambda p: p.conclusion.value)):
            if d.get(name):
                projects = [p for p in projects if get(p) == d[name]]
        _, key, reverse, _ = SORTS[d.get("sort") or "code"]
        return sorted(projects, key=key, reverse=reverse)

    def apply_sql(self, standings):
        """The same filters and order on the stored results (a queryset)."""
        d = self.cleaned_data
        if d.get("manager"):
            standings = standings.filter(owner_id=d["manager"])
        for name in ("layer", "amount_class", "tactic", "conclusion"):
            if d.get(name):
                standings = standings.filter(**{name: d[name]})
        return standings.order_by(*SORTS[d.get("sort") or "code"][3])


_EVIDENCE_CHOICES = [(c, c) for c in EVIDENCE]
_UNKNOWN_CODE = {"invalid_choice": _("未知的证据代码 %(value)s（应为 E1–E12）")}


class EvidenceForm(forms.Form):
    """The evidence form posted without JavaScript: the boxes it showed ticked
    (`shown`) and the boxes left ticked (`evidence`); only the difference is saved."""

    shown = forms.MultipleChoiceField(required=False, choices=_EVIDENCE_CHOICES, error_messages=_UNKNOWN_CODE)
    evidence = forms.MultipleChoiceField(required=False, choices=_EVIDENCE_CHOICES, error_messages=_UNKNOWN_CODE)


class EvidenceTickForm(forms.Form):
    """One box ticked or unticked with JavaScript: its code and its new state."""

    code = forms.ChoiceField(choices=_EVIDENCE_CHOICES, error_messages=_UNKNOWN_CODE)
    # Required, not a BooleanField: a request that lost its state must not read as an untick.
    ticked = forms.TypedChoiceField(choices=[("true", "true"), ("false", "false")], coerce=lambda v: v == "true",
                                    error_messages={"required": _("缺少勾选状态"),
                                                    "invalid_choice": _("勾选状态应为 true 或 false")})
