"""The workbook import in the browser: upload -> preview (a dry run) -> confirm.

The preview keeps the file and what it read of the region (the pending
upload); the confirmation writes exactly what the preview showed, or, when a
row it would write was changed since, nothing: it lists those rows and offers
to preview the same file again."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pipeline.import_forms import ImportConfirmForm, WorkbookUploadForm
from pipeline.import_services import (
    preview_keep, preview_load, upload_discard, upload_path, upload_store, workbook_import,
)
from pipeline.workbook import template_xlsx
from teams.access import region_for_director

PENDING = "pending_imports"  # session: {region code: {"token": stored name, "name": original name}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_upload(request, region):
    region = region_for_director(request, region)
    if request.method == "POST" and "token" in request.POST:  # the pending upload, previewed again
        return _preview_again(request, region)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "customers/import_upload.html", {"region": region, "form": form})
    upload = form.cleaned_data["file"]
    _forget(request, region.code)
    return _preview(request, region, upload_store(upload=upload), upload.name)


@require_POST
def import_confirm(request, region):
    region = region_for_director(request, region)
    pending = _pending(request, region)
    preview = preview_load(pending["token"]) if pending else None
    if preview is None:
        messages.error(request, _("预览已失效，请重新上传文件"))
        return redirect("import_upload", region=region.code)
    report = workbook_import(region_code=region.code, path=upload_path(pending["token"]),
                             filename=pending["name"], user=request.user, preview=preview)
    if report.changed:  # nothing written; the file stays pending for a new preview
        return render(request, "customers/import_preview.html",
                      {"region": region, "report": report, "token": pending["token"]})
    _forget(request, region.code)
    if not report.ok:
        return render(request, "customers/import_preview.html", {"region": region, "report": report})
    added = sum(c["add"] for c in report.counts.values())
    updated = sum(c["update"] for c in report.counts.values())
    messages.success(request, _("已导入 %(name)s：新增 %(added)s 行，更新 %(updated)s 行") % {
        "name": pending["name"], "added": f"{added:,}", "updated": f"{updated:,}"})
    return redirect("region_home", region=region.code)


def _preview_again(request, region):
    pending = _pending(request, region)
    if pending is None:
        messages.error(request, _("预览已失效，请重新上传文件"))
        return redirect("import_upload", region=region.code)
    return _preview(request, region, pending["token"], pending["name"])


def _preview(request, region, token: str, name: str):
    """Dry-run the stored upload; it stays pending, with what the preview read,
    when there is something to confirm."""
    report = workbook_import(region_code=region.code, path=upload_path(token), filename=name,
                             dry_run=True, user=request.user)
    pending = request.session.get(PENDING, {})
    if report.ok and report.has_changes:
        preview_keep(name=token, preview=report.preview)
        pending[region.code] = {"token": token, "name": name}
    else:
        upload_discard(token)
        pending.pop(region.code, None)
        token = None
    request.session[PENDING] = pending
    return render(request, "customers/import_preview.html", {"region": region, "report": report, "token": token})


def _pending(request, region) -> dict | None:
    """The region's pending upload, when the posted token is its token and the file is still there."""
    form = ImportConfirmForm(request.POST)
    pending = request.session.get(PENDING, {}).get(region.code)
    if form.is_valid() and pending and pending["token"] == form.cleaned_data["token"] \
            and upload_path(pending["token"]).exists():
        return pending
    return None


def import_template(request, region):
    region_for_director(request, region)
    response = HttpResponse(template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "导入模板.xlsx")
    return response


def _forget(request, code):
    pending = request.session.get(PENDING, {})
    upload_discard(pending.pop(code, {}).get("token", ""))
    request.session[PENDING] = pending
