import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.choices import ContributionClass, ValueClass
from customers.models import FACTORS
from planning import selectors
from planning.models import ActionFamily, OpportunitySource, Pairing, Position, Stance, SwotKind, TargetClass
from planning.services import POSITIONING_FIELDS, SPECIAL_ACTION_KINDS, SUGGESTED_FACTORS, parse_score
from tsm.lib.periods import parse_month
from tsm.lib.versions import VersionedForm


AS_OF_EARLIEST = dt.date(2000, 1, 1)
# Exactly YYYY-MM-DD in ASCII digits: strptime would also take 2026-1-5 and
# date.fromisoformat 20261127, which the OpenAPI `format: date` refuses.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def a_year_after(day: dt.date) -> dt.date:
    """The same calendar day next year; 29 February gives 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def as_of_latest() -> dt.date:
    return a_year_after(timezone.localdate())


class AsOfForm(forms.Form):
    """?as_of=YYYY-MM-DD (INTERFACES §3): absent means today; otherwise one real
    date from 2000-01-01 to a year after today. An empty or repeated value is
    refused rather than guessed at."""

    # A bare Field: no stripping, no validators of its own, so every refusal
    # comes from clean_as_of and names as_of and the allowed range.
    as_of = forms.Field(required=False)

    def clean_as_of(self):
        if "as_of" not in self.data:
            return timezone.localdate()
        latest = as_of_latest()
        bounds = {"earliest": AS_OF_EARLIEST.isoformat(), "latest": latest.isoformat()}
        if len(self.data.getlist("as_of")) > 1:
            raise ValidationError(_("as_of 只能给一个值（YYYY-MM-DD，%(earliest)s 至 %(latest)s）"), params=bounds)
        raw = self.cleaned_data["as_of"]
        try:
            if not _ISO_DATE.fullmatch(raw):
                raise ValueError(raw)
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(
                _("as_of 应为 YYYY-MM-DD 格式的日期，在 %(earliest)s 至 %(latest)s 之间"), params=bounds) from None
        if day < AS_OF_EARLIEST:
            raise ValidationError(_("as_of 不能早于 %(earliest)s（允许 %(earliest)s 至 %(latest)s）"), params=bounds)
        if day > latest:
            raise ValidationError(
                _("as_of 不能晚于今天起一年，即 %(latest)s（允许 %(earliest)s 至 %(latest)s）"), params=bounds)
        return day


class ExportForm(forms.Form):
    """?format=xlsx&table=<name>: which of the page's tables goes to Excel."""

    format = forms.ChoiceField(required=False, choices=[("", "网页"), ("xlsx", "Excel")],
                               error_messages={"invalid_choice": "未知的导出格式“%(value)s”（应为 xlsx）"})
    table = forms.ChoiceField(required=False, error_messages={"invalid_choice": "没有名为“%(value)s”的表格"})

    def __init__(self, *args, tables: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].choices = [("", "")] + list(tables.items())
        self.default_table = next(iter(tables))

    @property
    def wants_xlsx(self) -> bool:
        return self.cleaned_data["format"] == "xlsx"

    @property
    def table_name(self) -> str:
        return self.cleaned_data["table"] or self.default_table


def _messages(what: str) -> dict:
    return {"required": f"请选择{what}", "invalid_choice": f"未知的{what}“%(value)s”"}


# --- SWOT ---------------------------------------------------------------------------------------


class SwotItemForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=SwotKind.choices, error_messages=_messages("类型"))
    text = forms.CharField(label="内容", required=False, strip=True)
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "—")] + OpportunitySource.choices,
                               error_messages=_messages("来源"))


class SwotAdvancedForm(forms.Form):
    items = forms.TypedMultipleChoiceField(
        label="入选高阶 SWOT", required=False, coerce=int,
        error_messages={"invalid_choice": "条目 %(value)s 不存在或已被删除，请刷新页面"})

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(i.pk, i.text) for i in items]


class SwotActionForm(VersionedForm, forms.Form):
    """One pairing's combined action, at the version it was read at (0: none yet)."""

    pairing = forms.ChoiceField(choices=Pairing.choices, error_messages=_messages("组合"))
    action = forms.CharField(label="组合行动", required=False, widget=forms.Textarea(attrs={"rows": 3}))


# --- value grid -------------------------------------------------------------------------------------


class ScoreField(forms.Field):
    """A 0–5 factor score with at most one decimal; the message names the factor and the value."""

    widget = forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "5", "inputmode": "decimal"})

    def to_python(self, value):
        return parse_score(str(self.label), value)


class ScoresForm(forms.Form):
    """The 13 factors of §4.1; an empty field means "not scored yet".

    Each factor also posts the score it showed (`initial-<factor>`), and only
    the factors changed from it are saved (`changed`): a factor someone else
    scored meanwhile, or one left out of the post, keeps its score."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, label in FACTORS:
            self.fields[field] = ScoreField(label=label, required=False, show_hidden_initial=True)

    def changed(self) -> dict:
        """{factor: score or None} of the factors this post changes."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


class SuggestionAcceptForm(forms.Form):
    factor = forms.ChoiceField(choices=[(f, f) for f in SUGGESTED_FACTORS],
                               error_messages={"invalid_choice": "“%(value)s”没有数据建议", "required": "缺少评分因素"})
    score = forms.CharField(error_messages={"required": "缺少建议分数"})


class FitPagesForm(forms.Form):
    """Which page of the two misfit lists the accept / undo buttons were on
    (to show the same pages again); absent is the first."""

    fit_page = forms.IntegerField(required=False, min_value=1, error_messages={
        "invalid": _("不符客户的页码应为正整数"), "min_value": _("不符客户的页码应为正整数")})
    accepted_page = forms.IntegerField(required=False, min_value=1, error_messages={
        "invalid": _("已接受客户的页码应为正整数"), "min_value": _("已接受客户的页码应为正整数")})

    def pages(self) -> dict[str, int]:
        return {k: self.cleaned_data.get(k) or 1 for k in ("fit_page", "accepted_page")}


class ValueFitAcceptForm(FitPagesForm):
    """接受: the value class and contribution class the page showed for the customer."""

    value_class = forms.ChoiceField(choices=ValueClass.choices, error_messages={
        "required": _("缺少价值类别"), "invalid_choice": _("未知的价值类别“%(value)s”")})
    contribution_class = forms.ChoiceField(choices=ContributionClass.choices, error_messages={
        "required": _("缺少贡献类别"), "invalid_choice": _("未知的贡献类别“%(value)s”")})


# --- competition strategy and push/pull ------------------------------------------------------------------


class PositioningForm(VersionedForm, forms.Form):
    """A series' 4P1S, at its positioning_version."""

    product_series = forms.CharField(error_messages={"required": "缺少产品系列"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in POSITIONING_FIELDS:
            self.fields[key] = forms.CharField(label=label, required=False,
                                               widget=forms.Textarea(attrs={"rows": 2}))

    def positioning(self) -> dict:
        return {key: self.cleaned_data[key] for key, _ in POSITIONING_FIELDS}

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"product_series": d["product_series"], "positioning": self.positioning(), "version": d["version"],
                "seen": {key: value for key, value in self.seen().items() if key != "product_series"}}


class PercentField(forms.Field):
    """A share typed as a percentage (35.5) and kept as a fraction (0.355)."""

    widget = forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = Decimal(str(value).strip().rstrip("%").strip())
        except InvalidOperation:
            raise ValidationError(_("%(label)s“%(value)s”不是数字") % {"label": self.label, "value": value}) from None
        if not number.is_finite():
            raise ValidationError(_("%(label)s“%(value)s”不是数字") % {"label": self.label, "value": value})
        return number / 100


class PositionForm(VersionedForm, forms.Form):
    """A series' share, position, strategies and focus, at its position_version.

    A nicher's way of specialising (客户, 渠道 or 新品) is one choice of its
    own (radio buttons: exactly one, or none yet) with the segment it names;
    it is saved as one of the series' strategies."""

    product_series = forms.CharField(error_messages={"required": "缺少产品系列"})
    our_share = PercentField(label="我方份额 %", required=False)
    position = forms.ChoiceField(label="竞争地位", required=False, choices=[("", "采用建议")] + Position.choices,
                                 error_messages=_messages("竞争地位"))
    strategies = forms.TypedMultipleChoiceField(
        label="策略", required=False, coerce=int,
        error_messages={"invalid_choice": "策略 %(value)s 不在策略目录中"})
    niche = forms.TypedChoiceField(label="专攻方向", required=False, coerce=int, empty_value=None,
                                   error_messages={"invalid_choice": "专攻方向 %(value)s 不在策略目录中"})
    niche_segment = forms.CharField(label="专攻的细分市场", required=False)
    focus = forms.CharField(label="重点", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategies"].choices = [(o.pk, o.name) for o in options]
        self.fields["niche"].choices = [("", "暂不选择")] + [
            (o.pk, o.name) for o in options if o.position == Position.NICHER]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        # `initial-strategies` says every strategy the form showed chosen, the nicher's way included
        seen = {key: value for key, value in self.seen().items() if key not in ("product_series", "niche")}
        return {"product_series": d["product_series"], "our_share": d["our_share"], "position": d["position"],
                "strategy_ids": list(dict.fromkeys([*d["strategies"], *([d["niche"]] if d["niche"] else [])])),
                "focus": d["focus"],
                "niche_segment": d["niche_segment"], "version": d["version"], "seen": seen}


class CustomerIdsField(forms.Field):
    """The ids of the customers a form shows as chosen (checkboxes); the
    service checks that each is the region's."""

    widget = forms.CheckboxSelectMultiple
    hidden_widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return sorted({int(v) for v in value or ()})
        except (TypeError, ValueError):
            raise ValidationError(_("目标客户的编号无效，请刷新页面后重新选择")) from None


class CustomerNamesMixin:
    """A text field (`names_field`) where customers of the region are named by
    code or name, several separated by commas (the page offers the region's
    customers as a list to pick from); `named` holds them once the form is valid."""

    names_field = ""

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.named = []

    def clean(self):
        cleaned = super().clean()
        refs = selectors.customer_references(cleaned.get(self.names_field, ""))
        self.named, errors = selectors.customers_named(self.region, refs) if refs else ([], [])
        for message in errors:
            self.add_error(self.names_field, message)
        return cleaned


class StanceForm(CustomerNamesMixin, VersionedForm, forms.Form):
    """Our stance toward a competitor, at its version (0: none yet): the
    customers named stay ticked (untick to remove), `add_customers` names more."""

    names_field = "add_customers"

    stance = forms.ChoiceField(label="策略", choices=Stance.choices, error_messages=_messages("竞争策略"))
    target_customers = CustomerIdsField(label="目标客户", required=False)
    add_customers = forms.CharField(label="添加目标客户", required=False)
    target_note = forms.CharField(label="攻击或防守谁（说明）", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    expected_result = forms.CharField(label="期望结果", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        seen = {key: value for key, value in self.seen().items() if key != "add_customers"}
        return {"stance": d["stance"], "target_customer_ids": [*d["target_customers"], *(c.pk for c in self.named)],
                "target_note": d["target_note"], "expected_result": d["expected_result"], "version": d["version"],
                "seen": seen}


class SpecialActionForm(CustomerNamesMixin, forms.Form):
    """A push or pull action, aimed at a class, at customers named, or both."""

    names_field = "target_customers"

    family = forms.ChoiceField(label="类型", choices=ActionFamily.choices, error_messages=_messages("推或拉"))
    kind = forms.ChoiceField(
        label="动作", error_messages=_messages("动作"),
        choices=[(ActionFamily(f).label, [(k, k) for k in kinds]) for f, kinds in SPECIAL_ACTION_KINDS.items()])
    title = forms.CharField(label="内容", required=False)
    month = forms.CharField(label="月份", widget=forms.DateInput(attrs={"type": "month"}),
                            error_messages={"required": "请填写月份（YYYY-MM）"})
    week = forms.IntegerField(label="周", required=False,
                              error_messages={"invalid": "周应为 1–53 的整数"})
    owner = forms.TypedChoiceField(label="负责人", required=False, coerce=int, empty_value=None,
                                   error_messages={"invalid_choice": "负责人 %(value)s 不是本区域的人员"})
    budget = forms.DecimalField(label="预算（元）", required=False, max_digits=16, decimal_places=2,
                                error_messages={"invalid": "预算应为金额（元），例如 20000.00",
                                                "max_decimal_places": "预算最多两位小数",
                                                "max_digits": "预算金额过大",
                                                "max_whole_digits": "预算金额过大"})
    target_class = forms.ChoiceField(
        label="目标客户类", required=False, error_messages=_messages("目标客户类"),
        choices=[("", "不限"),
                 ("价值类别", [(c.value, c.label) for c in TargetClass if c.value in ValueClass.values]),
                 ("贡献类别", [(c.value, c.label) for c in TargetClass if c.value not in ValueClass.values])])
    target_customers = forms.CharField(
        label="目标客户", required=False,
        widget=forms.TextInput(attrs={"list": "region-customers", "placeholder": "客户编码或名称，多位用逗号分隔"}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        self.fields["owner"].choices = [("", "—")] + [(p.pk, str(p)) for p in people]

    def clean_month(self):
        try:
            return parse_month(self.cleaned_data["month"])
        except ValueError:
            raise ValidationError(_("月份“%(month)s”应为 YYYY-MM，例如 2027-03") % {
                "month": self.cleaned_data["month"]}) from None

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "family": d["family"], "kind": d["kind"], "title": d["title"], "month": d["month"], "week": d["week"],
            "owner": self.people.get(d["owner"]), "budget": d["budget"] if d["budget"] is not None else Decimal("0"),
            "target_class": d["target_class"], "target_customer_ids": [c.pk for c in self.named],
        }
