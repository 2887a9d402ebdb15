"""Forms of the analysis pages (客户贡献, 决策与需求, 竞争对手): every GET filter
and every POST is validated here, with messages that name the field."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy as _

from customers.analysis import CLASS_ORDER
from customers.choices import CompetitorGoal, ReactionProfile
from customers.models import Attitude, Dimension
from customers.rules import CONTRIBUTION_CLASS_LABELS, DIMENSIONS, PUBLICITY_LABELS, ROLES
from teams.models import Role, User
from tsm.lib.versions import VersionedForm


def _messages(what: str) -> dict:
    return {"required": f"请填写{what}", "invalid_choice": f"未知的{what}“%(value)s”"}


class _PageForm(forms.Form):
    """Paging and export: ?page=, ?per_page=, ?format=xlsx&table=<one of TABLES>."""

    TABLES: dict[str, str] = {}
    PER_PAGE = [(20, 20), (50, 50), (100, 100), (200, 200)]
    DEFAULT_PER_PAGE = 50

    page = forms.IntegerField(label="页码", required=False, min_value=1,
                              error_messages={"invalid": "页码应为正整数", "min_value": "页码应为正整数"})
    per_page = forms.TypedChoiceField(label="每页", required=False, coerce=int, error_messages=_messages("每页条数"))
    format = forms.ChoiceField(label="格式", required=False, choices=[("", "网页"), ("xlsx", "Excel")],
                               error_messages={"invalid_choice": "未知的导出格式“%(value)s”（应为 xlsx）"})
    table = forms.ChoiceField(label="表格", required=False, error_messages={"invalid_choice": "没有名为“%(value)s”的表格"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("per_page"):
            # so that the select shows the size in use and a re-submit keeps it
            self.data = self.data.copy()
            self.data["per_page"] = str(self.DEFAULT_PER_PAGE)
        self.fields["per_page"].choices = self.PER_PAGE
        self.fields["table"].choices = [("", "")] + list(self.TABLES.items())

    @property
    def wants_xlsx(self) -> bool:
        return self.cleaned_data["format"] == "xlsx"

    @property
    def table_name(self) -> str:
        return self.cleaned_data["table"] or next(iter(self.TABLES))

    def visible_fields_for_filter(self):
        return [f for f in self if f.name not in ("page", "format", "table")]


class ContributionFilterForm(_PageForm):
    """Filters of the customer × product matrix; the summaries are the whole region's."""

    TABLES = {"matrix": "客户×产品矩阵", "summary": "五类客户汇总", "by_product": "按产品汇总",
              "by_manager": "按客户经理汇总"}
    DEFAULT_PER_PAGE = 20  # the heat-map's and the matrix's rows: the largest customers first, paged

    manager = forms.TypedChoiceField(label="客户经理", required=False, coerce=int, empty_value=None,
                                     error_messages=_messages("客户经理"))
    product = forms.TypedChoiceField(label="产品", required=False, coerce=int, empty_value=None,
                                     error_messages=_messages("产品"))
    contribution_class = forms.ChoiceField(label="贡献类别", required=False, error_messages=_messages("贡献类别"),
                                           choices=[("", "全部")] + [(c, CONTRIBUTION_CLASS_LABELS[c])
                                                                    for c in CLASS_ORDER])
    field_order = ["manager", "product", "contribution_class", "per_page"]

    def __init__(self, *args, managers=(), products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [("", "全部")] + [(m.pk, str(m)) for m in managers]
        self.fields["product"].choices = [("", "全部")] + [(p["id"], p["name"]) for p in products]

    def apply(self, results):
        """The customers that pass the filters, largest base-period revenue first."""
        d = self.cleaned_data
        if d["manager"]:
            results = [r for r in results if r.owner_id == d["manager"]]
        if d["product"]:
            results = [r for r in results if d["product"] in r.cells]
        if d["contribution_class"]:
            results = [r for r in results if r.contribution_class.value == d["contribution_class"]]
        return sorted(results, key=lambda r: (-r.revenue, r.code))

    @property
    def filtered(self) -> bool:
        """Whether any filter narrows the customers (a manager, a product, a class)."""
        return any(self.cleaned_data[f] for f in ("manager", "product", "contribution_class"))

    def apply_sql(self, standings):
        """The same filters and order on the stored results (a queryset)."""
        d = self.cleaned_data
        if d["manager"]:
            standings = standings.filter(owner_id=d["manager"])
        if d["product"]:
            standings = standings.filter(customer__cells__product_id=d["product"])
        if d["contribution_class"]:
            standings = standings.filter(contribution_class=d["contribution_class"])
        return standings.order_by("-revenue", "code")


class DecisionFilterForm(_PageForm):
    TABLES = {"customers": "客户决策角色"}

    manager = forms.TypedChoiceField(label="客户经理", required=False, coerce=int, empty_value=None,
                                     error_messages=_messages("客户经理"))
    publicity = forms.ChoiceField(label="宣传接触状态", required=False, error_messages=_messages("宣传接触状态"),
                                  choices=[("", "全部")] + list(PUBLICITY_LABELS.items()))
    q = forms.CharField(label="客户名称或编码", required=False, max_length=100, strip=True,
                        error_messages={"max_length": "客户名称或编码最多 100 个字"})
    field_order = ["q", "manager", "publicity", "per_page"]

    def __init__(self, *args, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [("", "全部")] + [(m.pk, str(m)) for m in managers]

    def filter_standings(self, standings):
        """The stored customer results filtered and ordered in SQL (largest base-period revenue first)."""
        d = self.cleaned_data
        if d["manager"]:
            standings = standings.filter(owner_id=d["manager"])
        if d["publicity"]:
            standings = standings.filter(publicity=d["publicity"])
        if d["q"]:
            standings = standings.filter(Q(name__icontains=d["q"]) | Q(code__icontains=d["q"]))
        return standings.order_by("-revenue", "code")


class IntelligenceFilterForm(_PageForm):
    TABLES = {"competitors": "竞争对手", "scores": "对比评分", "intelligence": "情报记录"}

    channel = forms.ChoiceField(label="情报渠道", required=False, error_messages=_messages("情报渠道"))
    field_order = ["channel"]

    def __init__(self, *args, channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", "全部")] + [(c.code, c.name) for c in channels]


# --- writes ------------------------------------------------------------------------------------------


def _needs_field(label: str):
    return forms.CharField(label=label, required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"max_length": f"{label}最多 %(limit_value)d 个字"})


class NeedsForm(VersionedForm, forms.Form):
    """需求分析 (§3.2): the three needs and the procurement procedure, at the customer's needs_version."""

    FIELDS = ("decider_needs", "company_needs", "industry_needs", "procurement_procedure")

    decider_needs = _needs_field("决策人的需求")
    company_needs = _needs_field("公司的需求")
    industry_needs = _needs_field("产业的需求")
    procurement_procedure = _needs_field("采购程序")

    @classmethod
    def for_customer(cls, customer, data=None):
        return cls(data, version=customer.needs_version, initial={f: getattr(customer, f) for f in cls.FIELDS})

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"version": d["version"], "seen": self.seen(), **{f: d[f] for f in self.FIELDS}}


class ContactForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=100, error_messages={"required": "请填写姓名",
                                                                         "max_length": "姓名最多 100 个字"})
    title = forms.CharField(label="职务", required=False, max_length=100,
                            error_messages={"max_length": "职务最多 100 个字"})
    roles = forms.MultipleChoiceField(label="角色", required=False, choices=list(ROLES.items()),
                                      widget=forms.CheckboxSelectMultiple,
                                      error_messages={"invalid_choice": "未知的角色“%(value)s”"})
    attitude = forms.ChoiceField(label="态度", choices=Attitude.choices, initial=Attitude.NEUTRAL,
                                 error_messages=_messages("态度"))
    last_met = forms.DateField(label="最近面谈日期", required=False, input_formats=["%Y-%m-%d"],
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"invalid": "最近面谈日期应为 YYYY-MM-DD"})


class ContactEditForm(VersionedForm, ContactForm):
    """A contact's form, at the contact's version."""

    @classmethod
    def for_contact(cls, contact, data=None):
        return cls(data, auto_id=f"contact{contact.pk}_%s", version=contact.version, initial={
            "name": contact.name, "title": contact.title, "roles": contact.roles, "attitude": contact.attitude,
            "last_met": contact.last_met})


def _text(label: str):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))


def _judged(label: str, what: str, choices):
    """One of the course's four, or blank (not yet judged)."""
    return forms.ChoiceField(label=label, required=False, choices=[("", "（尚未判断）"), *choices],
                             error_messages={"invalid_choice": f"未知的{what}“%(value)s”"})


class CompetitorForm(forms.Form):
    # The profile of §3.3: goal and reaction (choices), their notes, the texts and trends.
    PROFILE = ("goal", "goal_note", "reaction", "reaction_note", "service_features", "operating_means",
               "local_organisation", "trend_product", "trend_operation", "trend_organisation")

    product_series = forms.ChoiceField(label="产品系列", error_messages=_messages("产品系列"))
    name = forms.CharField(label="名称", max_length=100, error_messages={"required": "请填写竞争对手名称",
                                                                        "max_length": "名称最多 100 个字"})
    rank = forms.TypedChoiceField(label="排名", coerce=int, choices=[(1, 1), (2, 2), (3, 3)],
                                  error_messages=_messages("排名（1–3）"))
    market_share = forms.DecimalField(label="市场份额 %", required=False, min_value=0, max_value=100,
                                      decimal_places=2, max_digits=5,
                                      error_messages={"invalid": "市场份额应为 0–100 的百分数",
                                                      "min_value": "市场份额应为 0–100 的百分数",
                                                      "max_value": "市场份额应为 0–100 的百分数",
                                                      "max_decimal_places": "市场份额最多两位小数",
                                                      "max_digits": "市场份额应为 0–100 的百分数"})
    goal = _judged("在本区域的主要目标", "主要目标", CompetitorGoal.choices)
    goal_note = _text("目标说明")
    reaction = _judged("对我方的反应模式", "反应模式", ReactionProfile.choices)
    reaction_note = _text("反应说明")
    service_features = _text("服务特点")
    operating_means = _text("运作手段")
    local_organisation = _text("当地组织与人员")
    trend_product = _text("在产品方面可能的发展趋势")
    trend_operation = _text("在运作方面可能的发展趋势")
    trend_organisation = _text("在组织人员方面可能的发展趋势")

    def __init__(self, *args, series=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_series"].choices = [(s, s) for s in series]

    @classmethod
    def for_competitor(cls, competitor, data=None):
        """The edit form of a competitor, at its version: its series is fixed
        (its scores and intelligence are about it)."""
        form = CompetitorEditForm(data, series=[competitor.product_series], version=competitor.version, initial={
            **{f: getattr(competitor, f) for f in ("product_series", "name", "rank", *cls.PROFILE)},
            "market_share": None if competitor.market_share is None
            else (competitor.market_share * 100).quantize(Decimal("0.01"))})
        form.fields["product_series"].disabled = True
        return form

    @classmethod
    def _stored(cls, values: dict) -> dict:
        """Form values as the competitor stores them (the share is a fraction)."""
        if values.get("market_share") is not None:
            values = values | {"market_share": values["market_share"] / 100}
        return values

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return self._stored({**{k: d[k] for k in ("product_series", "name", "rank", *self.PROFILE)},
                             "market_share": d["market_share"]})


class CompetitorEditForm(VersionedForm, CompetitorForm):
    def service_kwargs(self) -> dict:
        return super().service_kwargs() | {"version": self.cleaned_data["version"], "seen": self._stored(self.seen())}


class ScoresForm(forms.Form):
    """The nine 1–5 scores of one product series, for us (`own-<dimension>`)
    and for each competitor (`c<id>-<dimension>`); empty means not scored.

    Each cell also posts the score it showed (`initial-<cell>`), and only the
    cells changed from it are saved: someone else's score set meanwhile in
    another cell survives this save."""

    series = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "缺少产品系列"})

    def __init__(self, *args, competitors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = [(None, "自己平台", "own")] + [(c, c.name, f"c{c.pk}") for c in competitors]
        for _, who, prefix in self.subjects:
            for dim, label in DIMENSIONS.items():
                message = f"{who}「{label}」的评分应为 1–5 的整数"
                # The grid shows only the inputs; their names are the column and row headers.
                name = gettext("%(who)s %(dimension)s 评分") % {"who": who, "dimension": label}
                self.fields[f"{prefix}-{dim}"] = forms.IntegerField(
                    label=f"{who} · {label}", required=False, min_value=1, max_value=5, show_hidden_initial=True,
                    widget=forms.NumberInput(attrs={"min": 1, "max": 5, "step": 1, "inputmode": "numeric",
                                                    "aria-label": name}),
                    error_messages={"invalid": message, "min_value": message, "max_value": message})

    def grid(self):
        """Per dimension (in DIMENSIONS order), its bound fields: ours, then each competitor's."""
        return [[self[f"{prefix}-{dim}"] for _, _, prefix in self.subjects] for dim in DIMENSIONS]

    def scores(self) -> dict:
        """{(competitor or None, dimension): score or None} of the cells changed from what the form showed."""
        changed = set(self.changed_data)
        return {(subject, dim): self.cleaned_data[f"{prefix}-{dim}"]
                for subject, _, prefix in self.subjects for dim in Dimension.values if f"{prefix}-{dim}" in changed}


class IntelligenceForm(forms.Form):
    date = forms.DateField(label="日期", input_formats=["%Y-%m-%d"],
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"required": "请填写日期", "invalid": "日期应为 YYYY-MM-DD"})
    channel = forms.ChoiceField(label="情报渠道", error_messages=_messages("情报渠道"))
    content = forms.CharField(label="内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": "请填写情报内容", "max_length": "内容最多 %(limit_value)d 个字"})

    def __init__(self, *args, channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.channels = {c.code: c for c in channels if c.enabled}
        self.fields["channel"].choices = [("", "—")] + [(code, c.name) for code, c in self.channels.items()]
        self.fields["date"].initial = timezone.localdate

    def clean_channel(self):
        return self.channels[self.cleaned_data["channel"]]


# --- a customer's own record --------------------------------------------------------------------------


def _required(what) -> dict:
    return {"required": format_lazy(_("请填写{}"), what)}


def manager_choices(region, keep=None):
    """The region's account managers (and `keep`, a current owner who is not
    one any more, so that a form can show it), by name."""
    managers = Q(pk__in=User.objects.filter(regions=region, role=Role.MANAGER).values("pk"))
    return User.objects.filter(managers | Q(pk=keep) if keep is not None else managers).order_by("username")


class CustomerForm(forms.Form):
    """A new customer (its code, name, industry and account manager); the
    edit form adds its version (pipeline.forms.CustomerEditForm)."""

    code = forms.CharField(label=_("客户编码"), max_length=32, error_messages={
        **_required(_("客户编码")), "max_length": _("客户编码最多 %(limit_value)d 个字符")})
    name = forms.CharField(label=_("客户名称"), max_length=200, error_messages={
        **_required(_("客户名称")), "max_length": _("客户名称最多 %(limit_value)d 个字")})
    industry = forms.CharField(label=_("行业"), required=False, max_length=100,
                               error_messages={"max_length": _("行业最多 %(limit_value)d 个字")})
    owner = forms.ModelChoiceField(label=_("客户经理"), queryset=User.objects.none(), empty_label="—",
                                   error_messages={"required": _("请选择客户经理"),
                                                   "invalid_choice": _("所选客户经理不是本区域的客户经理")})

    def __init__(self, *args, region, keep_owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = manager_choices(region, keep_owner)

    def service_kwargs(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("code", "name", "industry", "owner") if k in self.cleaned_data}


class CustomerListForm(_PageForm):
    """GET filters of the director's customer list."""

    TABLES = {"customers": _("客户名单")}

    q = forms.CharField(label=_("客户名称或编码"), required=False, max_length=100, strip=True,
                        error_messages={"max_length": _("客户名称或编码最多 100 个字")})
    manager = forms.TypedChoiceField(label=_("客户经理"), required=False, coerce=int, empty_value=None,
                                     error_messages=_messages("客户经理"))
    field_order = ["q", "manager", "per_page"]

    def __init__(self, *args, managers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [("", _("全部")), ("0", _("（未分配）"))] + [(m.pk, str(m)) for m in managers]

    def apply(self, customers):
        d = self.cleaned_data
        if d["manager"] == 0:
            customers = customers.filter(owner__isnull=True)
        elif d["manager"]:
            customers = customers.filter(owner_id=d["manager"])
        if d["q"]:
            customers = customers.filter(Q(code__icontains=d["q"]) | Q(name__icontains=d["q"]))
        return customers.order_by("code")
