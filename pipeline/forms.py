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


# The strategy summary's columns that sort (key, header), in the table's order;
# a click on a header sorts by it, a second click turns the order round.
SUMMARY_COLUMNS = {
    "customer": _("客户"), "manager": _("客户经理"), "publicity": _("宣传接触状态"),
    "value_class": _("客户群价值类别"), "win_rate": _("项目赢率"), "amount": _("项目金额"),
    "layer": _("漏斗位置"), "action": _("动作要领"),
}
# Columns whose first click sorts descending: the highest rate, the largest sum, the deepest layer.
SUMMARY_DESCENDING_FIRST = {"win_rate", "amount", "layer"}
SUMMARY_DEFAULT_SORT = "value_class"


class StrategySummaryForm(forms.Form):
    """GET filters of the strategy summary (客户策略总结): the account manager,
    the sort and the page; unknown values are errors, not ignored."""

    manager = forms.TypedChoiceField(label=_("客户经理"), required=False, coerce=int, empty_value=None,
                                     error_messages={"invalid_choice": _("未知的客户经理“%(value)s”")})
    sort = forms.ChoiceField(label=_("排序"), required=False,
                             choices=[(f"{sign}{key}", f"{label}{'（倒序）' if sign else ''}")
                                      for key, label in SUMMARY_COLUMNS.items() for sign in ("", "-")],
                             error_messages={"invalid_choice": _("未知的排序“%(value)s”")})
    page = forms.IntegerField(label=_("页码"), required=False, min_value=1,
                              error_messages={"invalid": _("页码应为正整数"), "min_value": _("页码应为正整数")})
    per_page = forms.TypedChoiceField(label=_("每页"), required=False, coerce=int, empty_value=50,
                                      choices=[(20, 20), (50, 50), (100, 100), (200, 200)],
                                      error_messages={"invalid_choice": _("每页条数应为 20、50、100 或 200")})

    def __init__(self, *args, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [("", _("全部"))] + [(m.pk, str(m)) for m in managers]

    @property
    def sort_key(self) -> str:
        return self.cleaned_data.get("sort") or SUMMARY_DEFAULT_SORT

    def headers(self) -> list[dict]:
        """Each sortable column: its label, the sort a click asks for, and its aria-sort."""
        current = self.sort_key
        out = []
        for key, label in SUMMARY_COLUMNS.items():
            if current.removeprefix("-") == key:
                descending = current.startswith("-")
                aria, sort = ("descending", key) if descending else ("ascending", f"-{key}")
            else:
                aria, sort = None, f"-{key}" if key in SUMMARY_DESCENDING_FIRST else key
            out.append({"key": key, "label": label, "sort": sort, "aria_sort": aria})
        return out
