"""The workbook import in the browser: upload -> preview (a dry run) -> confirm."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from pipeline.import_forms import ImportConfirmForm, WorkbookUploadForm
from pipeline.import_services import upload_discard, upload_path, upload_store, workbook_import
from pipeline.workbook import template_xlsx
from teams.access import region_for_director

PENDING = "pending_imports"  # session: {region code: {"token": stored name, "name": original name}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_upload(request, region):
    region = region_for_director(request, region)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "customers/import_upload.html", {"region": region, "form": form})
    upload = form.cleaned_data["file"]
    token = upload_store(upload=upload)
    report = workbook_import(region_code=region.code, path=upload_path(token), filename=upload.name,
                             dry_run=True, user=request.user)
    pending = request.session.get(PENDING, {})
    upload_discard(pending.pop(region.code, {}).get("token", ""))
    if report.ok and report.has_changes:
        pending[region.code] = {"token": token, "name": upload.name}
    else:
        upload_discard(token)
        token = None
    request.session[PENDING] = pending
    return render(request, "customers/import_preview.html", {"region": region, "report": report, "token": token})


@require_POST
def import_confirm(request, region):
    region = region_for_director(request, region)
    form = ImportConfirmForm(request.POST)
    pending = request.session.get(PENDING, {}).get(region.code)
    if not (form.is_valid() and pending and pending["token"] == form.cleaned_data["token"]
            and upload_path(pending["token"]).exists()):
        messages.error(request, "预览已失效，请重新上传文件")
        return redirect("import_upload", region=region.code)
    report = workbook_import(region_code=region.code, path=upload_path(pending["token"]),
                             filename=pending["name"], user=request.user)
    _forget(request, region.code)
    if not report.ok:  # the region changed since the preview
        return render(request, "customers/import_preview.html", {"region": region, "report": report})
    added = sum(c["add"] for c in report.counts.values())
    updated = sum(c["update"] for c in report.counts.values())
    messages.success(request, f"已导入 {pending['name']}：新增 {added:,} 行，更新 {updated:,} 行")
    return redirect("region_home", region=region.code)


def import_template(request, region):
    region_for_director(request, region)
    response = HttpResponse(template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "导入模板.xlsx")
    return response


def _forget(request, code):
    pending = request.session.get(PENDING, {})
    upload_discard(pending.pop(code, {}).get("token", ""))
    request.session[PENDING] = pending
