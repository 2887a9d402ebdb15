"""绩效 (DOMAIN §3.1) as planning's own panel: the customer contribution page
(a lower floor) loads it with hx-get; without JavaScript it is a page."""

from django.shortcuts import render
from django.utils import timezone

from planning.access import may_open_plan
from planning.performance import current_plan, performance
from teams import permissions
from teams.access import region_for


def performance_panel(request, region):
    """Actual vs target per product and per manager for the plan whose
    targets the amount class reads (the one covering today, else the next);
    a manager sees their own part; a plan the user may not open in its
    state (an executive and a draft) is named, its figures are not."""
    region = region_for(request, region)
    today = timezone.localdate()
    plan = current_plan(region, today)
    readable = plan is not None and may_open_plan(request.user, region, plan)
    data = performance(plan, today, owner=permissions.owner_scope(request.user)) if readable else None
    template = "planning/performance.html" + ("#performance" if request.htmx else "")
    return render(request, template, {"region": region, "plan": plan, "readable": readable, "perf": data,
                                      "as_of": today})
