from django.http import JsonResponse

from planning.analysis import region_analysis
from planning.forms import AsOfForm
from teams.access import region_for


def analysis_api(request, region):
    """GET /api/regions/<code>/analysis?as_of=YYYY-MM-DD — INTERFACES.md §3.

    Managers get the part of the document about their own customers and projects."""
    region = region_for(request, region)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400,
                            json_dumps_params={"ensure_ascii": False})
    analysis = region_analysis(region, form.cleaned_data["as_of"])
    doc = analysis.to_json()
    if request.user.is_manager:
        own_customers = {c.code for c in analysis.customers.values() if c.owner_id == request.user.pk}
        own_projects = {p.code for p in analysis.projects.values() if p.owner_id == request.user.pk}
        doc["customers"] = [c for c in doc["customers"] if c["code"] in own_customers]
        doc["projects"] = [p for p in doc["projects"] if p["code"] in own_projects]
    return JsonResponse(doc, json_dumps_params={"ensure_ascii": False})
