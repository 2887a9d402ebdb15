from django import forms
from django.utils.translation import gettext_lazy as _

from teams.models import RegionSettings
from tsm.lib.versions import VersionedForm

# Grouped as the director reads the method (DOMAIN §3–§8).
GROUPS = [
    ("客户贡献分析", ["scale_share", "growth_factor", "rat_arrears_months", "focus_hare_rat_share",
                  "perf_complete", "perf_exceed"]),
    ("决策与宣传", ["publicity_window_days", "publicity_broad_roles"]),
    ("SWOT 与竞争地位", ["swot_gap", "nicher_share"]),
    ("客户价值评估", ["value_high"]),
    ("项目与漏斗", ["amount_a_share", "amount_b_share", "amount_a_yuan", "amount_b_yuan", "layer_bottom_days",
                 "layer_middle_days", "high_win_rate", "inquire_win_rate", "stagnant_weeks",
                 "funnel_min_projects", "funnel_neutral_share"]),
    ("教练信号", ["intuition_coverage", "herd_share", "waiting_weeks"]),
]


class RegionSettingsForm(VersionedForm, forms.ModelForm):
    """Every threshold of the method; field validators bound each value, and
    clean() refuses combinations that would make a rule meaningless. It
    carries the version it was read at (VersionedForm)."""

    class Meta:
        model = RegionSettings
        exclude = ["region"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault("version", self.instance.version)
        for name, field in self.fields.items():
            if name == "version":
                continue
            field.label = self._meta.model._meta.get_field(name).help_text
            field.help_text = ""
            field.error_messages.update({
                "max_value": f"「{field.label}」不能大于 %(limit_value)s",
                "min_value": f"「{field.label}」不能小于 %(limit_value)s",
                "invalid": f"「{field.label}」应为数字",
                "required": f"请填写「{field.label}」",
            })

    def values(self) -> dict:
        """The thresholds as entered, for teams.services.region_settings_save."""
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in GROUPS]

    def clean(self):
        data = super().clean()
        pairs = [
            ("amount_b_share", "amount_a_share", "B 类项目占比不能高于 A 类"),
            ("amount_b_yuan", "amount_a_yuan", "B 类项目金额下限不能高于 A 类"),
            ("layer_bottom_days", "layer_middle_days", "底层天数不能多于中层天数"),
            ("perf_complete", "perf_exceed", "“完成”线不能高于“超越”线"),
            ("inquire_win_rate", "high_win_rate", None),
        ]
        for low, high, message in pairs:
            if message and low in data and high in data and data[low] > data[high]:
                self.add_error(low, f"{message}（{data[low]} > {data[high]}）")
        if data.get("perf_complete") is not None and data["perf_complete"] <= 0:
            self.add_error("perf_complete", "“完成”线必须大于 0")
        return data


class ApiTokenForm(forms.Form):
    """A new personal API token: what it is for."""

    name = forms.CharField(label=_("用途"), max_length=100,
                           help_text=_("例如“月度报表”：日后据此辨认和吊销"))
