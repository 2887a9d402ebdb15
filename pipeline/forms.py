from django import forms
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from customers.forms import CustomerForm, manager_choices
from customers.models import Competitor, Contact, Customer, Product
from pipeline.choices import Category, KillDegree, Status, TariffEffect
from pipeline.rules import CONCLUSION_LABELS, EVIDENCE, LAYER_LABELS, TACTIC_LABELS, category
from teams import permissions
from teams.models import User
from tsm.lib.thresholds import Verdict
from tsm.lib.versions import VersionedForm

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
    per_page = forms.TypedChoiceField(label="每页", required=False, coerce=int, empty_value=25,
                                      choices=[(10, 10), (25, 25), (50, 50), (100, 100), (200, 200)])

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


# --- a customer's record and handover (its open projects follow its manager) --------------------------


class CustomerEditForm(VersionedForm, CustomerForm):
    """A customer's record at its version, with whether its open projects
    follow a new account manager. The code is read-only once the customer
    has data (`code_rule`, customers.rules.customer_code_editable)."""

    move_projects = forms.BooleanField(
        label=_("同时移交进行中的项目"), required=False, initial=True,
        help_text=_("更换客户经理时，该客户进行中的项目改由新客户经理负责；已关闭的项目保留原负责人。"))

    @classmethod
    def for_customer(cls, customer, data=None, *, code_rule: Verdict):
        form = cls(data, region=customer.region, keep_owner=customer.owner_id, version=customer.version,
                   auto_id="customer_%s", initial={"code": customer.code, "name": customer.name,
                                                   "industry": customer.industry, "owner": customer.owner_id})
        form.code_rule = code_rule
        if not code_rule.value:
            form.fields["code"].disabled = True
            form.fields["code"].help_text = code_rule.reason
        return form

    def _shown_fields(self):
        return [name for name in super()._shown_fields() if name != "move_projects"]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {**super().service_kwargs(), "version": d["version"], "seen": self.seen(),
                "move_projects": d["move_projects"]}


class DepartingForm(forms.Form):
    """移交客户, first step: whose customers (everybody who owns one in the region)."""

    manager = forms.TypedChoiceField(label=_("移交谁的客户"), required=False, coerce=int, empty_value=None,
                                     error_messages={"invalid_choice": _("本区域没有这位客户经理的客户")})

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].choices = [("", "—")] + [
            (u.pk, format_lazy(_("{name}（{n} 个客户）"), name=str(u), n=u.n)) for u in owners]


class HandoverForm(forms.Form):
    """移交客户: one manager for all of the departing manager's customers, or
    one per customer; their open projects follow unless unticked. It posts
    the customers it listed (`listed`), so that a customer moved or added
    meanwhile stops the handover instead of being missed."""

    target = forms.ModelChoiceField(label=_("全部移交给"), required=False, queryset=User.objects.none(),
                                    empty_label=_("（逐个选择）"),
                                    error_messages={"invalid_choice": _("所选客户经理不是本区域的客户经理")})
    move_projects = forms.BooleanField(
        label=_("同时移交进行中的项目"), required=False, initial=True,
        help_text=_("每个客户进行中的项目改由它的新客户经理负责；已关闭的项目保留原负责人。"))
    listed = forms.TypedMultipleChoiceField(coerce=int, widget=forms.MultipleHiddenInput,
                                            error_messages={"required": _("移交名单为空：请刷新页面"),
                                                            "invalid_choice": _("移交名单已变化：请刷新页面")})

    def __init__(self, *args, region, departing, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.departing, self.customers = departing, list(customers)
        managers = manager_choices(region).exclude(pk=departing.pk)
        self.fields["target"].queryset = managers
        self.fields["listed"].choices = [(c.pk, c.pk) for c in self.customers]
        self.initial["listed"] = [c.pk for c in self.customers]
        for c in self.customers:
            self.fields[f"to_{c.pk}"] = forms.ModelChoiceField(
                label=format_lazy(_("{name} 移交给"), name=c.name), required=False, queryset=managers,
                empty_label=_("同上"), error_messages={"invalid_choice": _("所选客户经理不是本区域的客户经理")})

    def rows(self):
        """(customer, its select) per customer listed."""
        return [(c, self[f"to_{c.pk}"]) for c in self.customers]

    def clean(self):
        data = super().clean()
        missing = [c.name for c in self.customers if not data.get(f"to_{c.pk}") and not data.get("target")]
        if missing:
            raise forms.ValidationError(_("请为这些客户选择新的客户经理，或选择“全部移交给”：%(names)s"),
                                        params={"names": "、".join(missing)})
        return data

    def targets(self) -> dict:
        d = self.cleaned_data
        return {c.pk: d.get(f"to_{c.pk}") or d["target"] for c in self.customers if c.pk in set(d["listed"])}


# --- projects -----------------------------------------------------------------------------------------


class _Choices(forms.ModelMultipleChoiceField):
    def __init__(self, *args, label_of=str, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_of = label_of

    def label_from_instance(self, obj):
        return self.label_of(obj)


class ProjectForm(forms.Form):
    """A project's fields (DOMAIN §2, §4.2). The customers offered are those
    the user may add projects to (and its current one); the contacts, the
    chosen customer's; the competitors, the region's."""

    code = forms.CharField(label=_("项目编码"), max_length=32, error_messages={
        "required": _("请填写项目编码"), "max_length": _("项目编码最多 %(limit_value)d 个字符")})
    name = forms.CharField(label=_("项目名称"), max_length=200, error_messages={
        "required": _("请填写项目名称"), "max_length": _("项目名称最多 %(limit_value)d 个字")})
    customer = forms.ModelChoiceField(label=_("客户"), queryset=Customer.objects.none(), empty_label="—",
                                      error_messages={"required": _("请选择客户"),
                                                      "invalid_choice": _("所选客户不在你可以建项目的客户之中")})
    product = forms.ModelChoiceField(label=_("产品"), queryset=Product.objects.order_by("code"), empty_label="—",
                                     error_messages={"required": _("请选择产品"), "invalid_choice": _("未知的产品")})
    owner = forms.ModelChoiceField(label=_("负责的客户经理"), queryset=User.objects.none(), empty_label="—",
                                   error_messages={"required": _("请选择负责的客户经理"),
                                                   "invalid_choice": _("所选客户经理不是本区域的客户经理")})
    amount = forms.DecimalField(label=_("项目金额（元）"), min_value=0, max_digits=16, decimal_places=2,
                                error_messages={"required": _("请填写项目金额"),
                                                "invalid": _("项目金额应为数字，例如 250000"),
                                                "min_value": _("项目金额不能为负数"),
                                                "max_digits": _("项目金额太大"),
                                                "max_decimal_places": _("项目金额最多两位小数（到分）"),
                                                "max_whole_digits": _("项目金额太大")})
    expected_close = forms.DateField(label=_("预计签约日期"), input_formats=["%Y-%m-%d"],
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                     error_messages={"required": _("请填写预计签约日期"),
                                                     "invalid": _("预计签约日期应为 YYYY-MM-DD")})
    tariff_effect = forms.ChoiceField(label=_("资费影响"), choices=TariffEffect.choices, widget=forms.RadioSelect,
                                      initial=TariffEffect.INCREASE,
                                      error_messages={"required": _("请选择资费影响"),
                                                      "invalid_choice": _("未知的资费影响“%(value)s”")})
    kill_degree = forms.ChoiceField(label=_("杀伤度"), choices=KillDegree.choices, widget=forms.RadioSelect,
                                    initial=KillDegree.LOW,
                                    error_messages={"required": _("请选择杀伤度"),
                                                    "invalid_choice": _("未知的杀伤度“%(value)s”")})
    competitors = _Choices(label=_("涉及的竞争对手"), required=False, queryset=Competitor.objects.none(),
                           widget=forms.CheckboxSelectMultiple,
                           label_of=lambda c: f"{c.name}（{c.product_series}）",
                           error_messages={"invalid_choice": _("所选竞争对手不属于本区域")})
    contacts = _Choices(label=_("相关联系人"), required=False, queryset=Contact.objects.none(),
                        widget=forms.CheckboxSelectMultiple,
                        label_of=lambda k: f"{k.name}（{k.title}）" if k.title else k.name,
                        error_messages={"invalid_choice": _("所选联系人不属于所选客户，请重新勾选")})

    def __init__(self, *args, region, user, customer=None, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.region, self.user, self.project = region, user, project
        offered = Customer.objects.visible_to(user).filter(region=region)
        if not permissions.can_edit_region(user, region):
            offered = offered.filter(owner_id=user.pk)  # a manager: their own customers
        keep = Q(pk=project.customer_id) if project is not None else Q(pk__in=[])
        self.fields["customer"].queryset = Customer.objects.filter(Q(pk__in=offered.values("pk")) | keep).order_by(
            "code")
        self.fields["owner"].queryset = manager_choices(region, project.owner_id if project else None)
        self.fields["competitors"].queryset = Competitor.objects.filter(region=region).order_by(
            "product_series", "rank")
        if permissions.is_manager(user):  # a manager's projects are their own (the director hands them over)
            self.fields["owner"].disabled = True
            self.initial.setdefault("owner", project.owner_id if project else user.pk)
        self.chosen_customer = self._chosen(customer)
        self.fields["contacts"].queryset = (Contact.objects.filter(customer=self.chosen_customer).order_by("name")
                                            if self.chosen_customer else Contact.objects.none())

    def _chosen(self, customer):
        """The customer whose contacts are offered: the one posted, else the one given."""
        if self.is_bound:
            try:
                return self.fields["customer"].clean(self.data.get("customer"))
            except forms.ValidationError:
                return None
        return customer

    def service_kwargs(self) -> dict:
        return {k: self.cleaned_data[k] for k in (
            "code", "name", "customer", "product", "owner", "amount", "expected_close", "tariff_effect",
            "kill_degree", "competitors", "contacts")}


class ProjectCreateForm(ProjectForm):
    """A new project; a 自杀类 one (资费减少 + 杀伤度低, DOMAIN §4.2) is saved
    only once the user confirms it after the warning."""

    confirm_category = forms.BooleanField(label=_("仍按自杀类立项"), required=False)

    def clean(self):
        data = super().clean()
        self.category = None
        if data.get("tariff_effect") and data.get("kill_degree"):
            self.category = category(data["tariff_effect"], data["kill_degree"])
            if self.category.value == Category.SUICIDE and not data.get("confirm_category"):
                self.add_error(None, format_lazy(_("{reason}。如确需立项，请勾选“仍按自杀类立项”后再保存。"),
                                                 reason=self.category.reason))
        return data

    @property
    def warns(self) -> bool:
        """The 自杀类 warning is shown (with its checkbox)."""
        return bool(getattr(self, "category", None) and self.category.value == Category.SUICIDE)


class ProjectEditForm(VersionedForm, ProjectForm):
    """An open project's fields at its version. Its code is read-only once
    it has evidence or a weekly update (pipeline.rules.project_code_editable)."""

    @classmethod
    def for_project(cls, project, user, data=None, *, code_rule: Verdict):
        form = cls(data, region=project.region, user=user, customer=project.customer, project=project,
                   version=project.version, initial={
                       "code": project.code, "name": project.name, "customer": project.customer_id,
                       "product": project.product_id, "owner": project.owner_id, "amount": project.amount,
                       "expected_close": project.expected_close, "tariff_effect": project.tariff_effect,
                       "kill_degree": project.kill_degree,
                       "competitors": list(project.competitors.values_list("pk", flat=True)),
                       "contacts": list(project.contacts.values_list("pk", flat=True))})
        form.code_rule = code_rule
        if not code_rule.value:
            form.fields["code"].disabled = True
            form.fields["code"].help_text = code_rule.reason
        return form

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "version": self.cleaned_data["version"], "seen": self.seen()}


class ProjectCloseForm(forms.Form):
    """Close an open project: 赢单, 丢单 or 放弃, why, and for 丢单 to whom."""

    status = forms.ChoiceField(label=_("关闭方式"), widget=forms.RadioSelect,
                               choices=[(s.value, s.label) for s in (Status.WON, Status.LOST, Status.ABANDONED)],
                               error_messages={"required": _("请选择关闭方式：赢单、丢单或放弃"),
                                               "invalid_choice": _("未知的关闭方式“%(value)s”")})
    reason = forms.CharField(label=_("关闭原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("请填写关闭原因"),
                                             "max_length": _("关闭原因最多 %(limit_value)d 个字")})
    lost_to = forms.ModelChoiceField(label=_("输给（仅丢单）"), required=False, queryset=Competitor.objects.none(),
                                     empty_label=_("未知／不填"),
                                     error_messages={"invalid_choice": _("所选竞争对手不属于本区域")})

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lost_to"].queryset = Competitor.objects.filter(region=region).order_by("product_series", "rank")
        self.fields["lost_to"].label_from_instance = lambda c: f"{c.name}（{c.product_series}）"

    def clean(self):
        data = super().clean()
        if data.get("lost_to") and data.get("status") and data["status"] != Status.LOST:
            self.add_error("lost_to", _("只有丢单才填写输给的竞争对手"))
        return data
