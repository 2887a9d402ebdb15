from pathlib import Path

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from pipeline.import_services import UPLOAD_NAME

UPLOAD_EXTENSIONS = (".xlsx", ".zip")


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label="工作簿文件", help_text="Excel 工作簿（.xlsx），或由 .csv 文件组成的压缩包（.zip）")

    @property
    def limit(self) -> int:
        return settings.IMPORT_MAX_UPLOAD_BYTES

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in UPLOAD_EXTENSIONS:
            raise forms.ValidationError(_("只接受 Excel 工作簿（.xlsx）或 CSV 压缩包（.zip）"))
        limit = self.limit
        if upload.size > limit:
            raise forms.ValidationError(_("文件过大（%(size)s），上传上限为 %(limit)s") % {
                "size": filesizeformat(upload.size), "limit": filesizeformat(limit)})
        return upload


class ImportConfirmForm(forms.Form):
    token = forms.RegexField(regex=UPLOAD_NAME, max_length=40)
