from axes.helpers import get_client_username, get_cool_off
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from django.contrib import messages

from teams import services
from teams.access import region_for_director
from django.utils.translation import gettext as _

from teams.forms import ApiTokenForm, RegionSettingsForm
from teams.models import ApiToken, Region, RegionSettings
from tsm.lib.versions import StaleEdit


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
    """The method's thresholds for this region; the director changes them here.

    A save read at an older version than the stored one is refused with 409
    (the request conflicts with the settings' current state, not bad input):
    the form again with the current values, naming what changed."""
    region = region_for_director(request, region)
    instance, _ = RegionSettings.objects.get_or_create(region=region)
    form = RegionSettingsForm(request.POST or None, instance=instance)
    if request.method != "POST":
        return render(request, "teams/settings.html", {"region": region, "form": form})
    if not form.is_valid():
        return render(request, "teams/settings.html", {"region": region, "form": form}, status=400)
    try:
        services.region_settings_save(region=region, version=form.cleaned_data["version"], values=form.values(),
                                      seen=form.seen())
    except StaleEdit as stale:
        fresh = RegionSettingsForm(instance=RegionSettings.objects.get(region=region))
        fresh.conflict = stale.message
        return render(request, "teams/settings.html", {"region": region, "form": fresh}, status=409)
    messages.success(request, "参数已保存，所有分析按新参数重新计算。")
    return redirect("region_settings", region=region.code)


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


def api_tokens(request):
    """The user's own personal API tokens: the list, a form for a new one
    (shown once, in the answer to the POST that made it: only its hash is
    stored), and a revoke button per token."""
    form = ApiTokenForm(request.POST or None)
    created = status = None
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
            except ValidationError as error:
                form.add_error("name", error)
        if created is None:
            status = 400
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at", "-pk")
    response = render(request, "teams/api_tokens.html",
                      {"form": form, "tokens": tokens, "created": created}, status=status)
    response["Cache-Control"] = "no-store"  # the new token is in this page, once
    return response


@require_POST
def api_token_revoke(request, pk):
    """Revoke one of one's own tokens (anyone else's: 404)."""
    try:
        token = services.api_token_revoke(user=request.user, token_id=pk)
    except ApiToken.DoesNotExist:
        raise Http404("token") from None
    messages.success(request, _("令牌“%(name)s”已吊销，用它调用接口将被拒绝（401）。") % {"name": token.name})
    return redirect("api_tokens")
