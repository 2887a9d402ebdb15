from axes.helpers import get_client_username, get_cool_off
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from django.contrib import messages
from django.db import transaction

from teams.access import region_for_director
from teams.forms import RegionSettingsForm
from teams.models import RegionSettings
from teams.models import Region


def home(request):
    """Send the user to their first region (executives: the region list)."""
    regions = list(Region.objects.visible_to(request.user)[:2])
    if len(regions) == 1:
        return redirect("region_home", region=regions[0].code)
    return render(request, "teams/home.html", {"regions": Region.objects.visible_to(request.user)})


@require_POST
def set_money_unit(request):
    """元 or 万元, remembered for the session."""
    unit = request.POST.get("unit")
    if unit in ("yuan", "wan"):
        request.session["money_unit"] = unit
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    return redirect(target)


def region_settings(request, region):
    """The method's thresholds for this region; the director changes them here."""
    region = region_for_director(request, region)
    instance, _ = RegionSettings.objects.get_or_create(region=region)
    form = RegionSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                form.save()
                region.touch()
                region.results_stale()  # every label may follow a threshold
            messages.success(request, "参数已保存，所有分析按新参数重新计算。")
            return redirect("region_settings", region=region.code)
        return render(request, "teams/settings.html", {"region": region, "form": form}, status=400)
    return render(request, "teams/settings.html", {"region": region, "form": form})


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): the login page
    again, saying until when this username is locked from this address.
    Every attempt while locked counts and restarts the cool-off, so the time
    is this attempt's plus the cool-off."""
    username = get_client_username(request, credentials) or ""
    form = AuthenticationForm(request, initial={"username": username})
    locked_until = request.axes_attempt_time + get_cool_off(request)
    context = {"form": form, "locked_until": locked_until, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", context, status=429)
