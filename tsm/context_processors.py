import functools

from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from teams.models import Region

# The A-S-P cycle as the navigation (DOMAIN §1); each entry: label and the
# pages under it (url name, label). Pages not built yet show as disabled.
NAVIGATION = [
    (_("职责确认"), [("responsibilities", _("职责与指标"))]),
    (_("做分析"), [("contribution", _("客户贡献")), ("decision", _("决策与需求")),
               ("competitors", _("竞争对手")), ("swot", "SWOT")]),
    (_("定策略"), [("value_grid", _("客户价值评估")), ("funnel", _("区域大漏斗")),
               ("strategy_summary", _("客户策略总结")), ("weekly", _("每周更新")), ("strategy", _("竞争策略与推拉"))]),
    (_("写计划"), [("plans", _("营销计划"))]),
    (_("团队"), [("team", _("客户经理队伍"))]),
]


@functools.lru_cache(maxsize=256)
def _nav(script_prefix, region_code):
    """The menu of a region (its URLs depend only on the code and the prefix)."""
    out = []
    for label, pages in NAVIGATION:
        items = []
        for name, page_label in pages:
            try:
                url = reverse(name, kwargs={"region": region_code})
            except NoReverseMatch:
                url = None
            items.append({"name": name, "label": page_label, "url": url})
        out.append({"label": label, "items": items})
    return out


def navigation(request):
    """Regions the user may switch between, the A-S-P menu and the money unit (元 / 万元).

    Read only when a template shows them (the page's frame): an htmx
    fragment — a funnel row, an evidence form — renders without the query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    region_code = match.kwargs.get("region") if match else None

    @functools.cache
    def regions():
        return list(Region.objects.visible_to(user).only("code", "name"))

    @functools.cache
    def current():
        return next((r for r in regions() if r.code == region_code), None)

    def menu():
        return _nav(get_script_prefix(), current().code) if current() else []

    return {
        "nav_regions": regions,  # a template calls them when it reads them
        "nav_region": current,
        "nav_menu": menu,
        "money_unit": request.session.get("money_unit", "yuan"),
    }
