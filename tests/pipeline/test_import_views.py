"""The import in the browser: upload -> preview -> confirm, for directors only."""

import copy
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from openpyxl import load_workbook

from customers.models import Contribution, Customer
from pipeline.import_services import workbook_import
from pipeline.import_views import PENDING
from pipeline.models import Project
from teams.models import Role, User
from tests.conftest import make_region, make_user
from tests.pipeline.test_import import BASE, book


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def team(region_a, manager_a1, manager_a2):
    return region_a


def upload(client, path, region="A", name=None):
    data = SimpleUploadedFile(name or path.name, path.read_bytes())
    return client.post(reverse("import_upload", kwargs={"region": region}), {"file": data})


def stored_files(media):
    folder = media / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_the_upload_page_offers_the_form_and_the_template(client_for, director, team):
    response = client_for(director).get("/r/A/import/")
    assert response.status_code == 200
    assert b'type="file"' in response.content and b"/r/A/import/template.xlsx" in response.content


@pytest.mark.parametrize("persona", ["manager_a1", "director_b", "executive"])
def test_everybody_but_the_regions_director_gets_404(client_for, personas, tmp_path, persona):
    client = client_for(personas[persona])
    assert client.get("/r/A/import/").status_code == 404
    assert client.get("/r/A/import/template.xlsx").status_code == 404
    assert upload(client, book(tmp_path)).status_code == 404
    assert client.post("/r/A/import/confirm/", {"token": "x" * 32 + ".xlsx"}).status_code == 404
    assert Customer.objects.count() == 0


def test_the_template_downloads_as_an_xlsx_with_chinese_sheets(client_for, director, team):
    response = client_for(director).get("/r/A/import/template.xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["说明", "产品", "客户", "资费", "项目", "联系人"]


def test_an_upload_is_previewed_then_applied_on_confirm(client_for, director, team, tmp_path, media):
    client = client_for(director)
    response = upload(client, book(tmp_path), name="一月数据.xlsx")
    assert response.status_code == 200
    assert response.context["report"].counts["contributions"] == {"add": 3, "update": 0, "unchanged": 0}
    token = response.context["token"]
    # the file, and what the preview read of the region (for the confirmation to compare with)
    assert stored_files(media) == [token, token + ".preview.json.gz"] and token.endswith(".xlsx")
    assert client.session[PENDING] == {"A": {"token": token, "name": "一月数据.xlsx"}}
    assert b"import-counts" in response.content and b"import-errors" not in response.content
    assert Customer.objects.count() == 0  # a preview writes nothing

    response = client.post("/r/A/import/confirm/", {"token": token})
    assert response.status_code == 302 and response["Location"] == "/r/A/"
    assert Contribution.objects.filter(region=team).count() == 3
    assert stored_files(media) == [] and client.session[PENDING] == {}
    message = [str(m) for m in response.wsgi_request._messages]
    assert message == ["已导入 一月数据.xlsx：新增 11 行，更新 0 行"]


def test_new_users_are_highlighted_in_the_preview(client_for, director, team, tmp_path):
    data = copy.deepcopy(BASE)
    data["customers"][1]["manager"] = "wang_wu"
    response = upload(client_for(director), book(tmp_path, data))
    assert response.context["report"].new_users == ["wang_wu"]
    assert 'id="import-new-users"' in response.content.decode()
    assert "<strong>wang_wu</strong>" in response.content.decode()
    assert not User.objects.filter(username="wang_wu").exists()


def test_errors_are_listed_in_a_table_and_cannot_be_confirmed(client_for, director, team, tmp_path, media):
    data = copy.deepcopy(BASE)
    data["contributions"][0]["revenue"] = "-5"
    data["projects"][0]["evidence"] = "E13"
    client = client_for(director)
    response = upload(client, book(tmp_path, data, fmt="zip"))
    html = response.content.decode()
    assert "<th>工作表</th><th class=\"num\">行</th><th>列</th><th>值</th><th>原因</th>" in html
    assert "<td>资费</td><td class=\"num\">2</td><td>收入</td><td>-5</td><td>不能为负数</td>" in html
    assert "<td>项目</td><td class=\"num\">2</td><td>证据</td><td>E13</td>" in html
    assert "确认导入" not in html and response.context["token"] is None
    assert stored_files(media) == [] and client.session[PENDING] == {}
    assert Customer.objects.count() == 0


def test_a_file_over_the_upload_limit_is_refused_naming_the_limit(client_for, director, team, tmp_path, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    response = upload(client_for(director), book(tmp_path))
    assert response.status_code == 200
    assert f"上传上限为 {filesizeformat(1000)}" in response.content.decode()
    assert "report" not in response.context


def test_a_file_with_another_extension_is_refused_by_the_form(client_for, director, team, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("客户编码\nC1\n")
    response = upload(client_for(director), path)
    assert "只接受 Excel 工作簿（.xlsx）或 CSV 压缩包（.zip）" in response.content.decode()


def test_a_renamed_non_workbook_shows_one_clear_error(client_for, director, team, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.7 not a workbook")
    response = upload(client_for(director), path)
    assert "不是 Excel 工作簿或 CSV 压缩包" in response.content.decode()


@pytest.mark.parametrize("token", ["../../../etc/passwd", "x" * 32 + ".xlsx", ""])
def test_confirm_refuses_a_token_that_is_not_the_pending_upload(client_for, director, team, tmp_path, token):
    client = client_for(director)
    upload(client, book(tmp_path))
    response = client.post("/r/A/import/confirm/", {"token": token})
    assert response.status_code == 302 and response["Location"] == "/r/A/import/"
    assert Customer.objects.count() == 0


def test_a_token_of_one_region_cannot_be_confirmed_into_another(client, tmp_path, team):
    region_c = make_region("C", "华南三区")
    boss = make_user("boss", Role.DIRECTOR, team, region_c)
    client.force_login(boss)
    token = upload(client, book(tmp_path), region="A").context["token"]
    response = client.post("/r/C/import/confirm/", {"token": token})
    assert response["Location"] == "/r/C/import/"
    assert Customer.objects.count() == 0
    assert client.post("/r/A/import/confirm/", {"token": token})["Location"] == "/r/A/"
    assert set(Customer.objects.values_list("region__code", flat=True)) == {"A"}


def test_a_second_upload_replaces_the_pending_one(client_for, director, team, tmp_path, media):
    client = client_for(director)
    first = upload(client, book(tmp_path, name="a")).context["token"]
    second = upload(client, book(tmp_path, name="b")).context["token"]
    assert stored_files(media) == [second, second + ".preview.json.gz"]
    assert client.post("/r/A/import/confirm/", {"token": first})["Location"] == "/r/A/import/"


def test_a_row_changed_after_the_preview_is_listed_and_the_same_file_can_be_previewed_again(
        client_for, director, team, tmp_path, media):
    assert workbook_import(region_code="A", path=book(tmp_path)).applied
    data = copy.deepcopy(BASE)
    data["projects"][0]["amount"] = Decimal("300000")
    client = client_for(director)
    token = upload(client, book(tmp_path, data, name="next")).context["token"]
    j1 = Project.objects.get(code="J1")
    Project.objects.filter(pk=j1.pk).update(evidence=["E1", "E2", "E3", "E10"])  # ticked meanwhile

    response = client.post("/r/A/import/confirm/", {"token": token})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="import-changed"' in html
    assert "<li>项目 J1：证据 已被修改（预览时 E1,E2,E10，现在 E1,E2,E3,E10）</li>" in html
    assert "未写入任何数据" in html and 'id="import-counts"' not in html
    assert Project.objects.get(code="J1").amount == Decimal("250000")
    # the file stays pending; the button previews it again, against the data as they are now
    assert client.session[PENDING]["A"]["token"] == token
    assert f'<input type="hidden" name="token" value="{token}">' in html and 'action="/r/A/import/"' in html

    response = client.post("/r/A/import/", {"token": token})
    assert response.status_code == 200 and response.context["report"].counts["projects"]["update"] == 1
    assert client.post("/r/A/import/confirm/", {"token": token})["Location"] == "/r/A/"
    j1 = Project.objects.get(code="J1")
    # the file's evidence column, which the new preview compared with E1,E2,E3,E10 and counted as a change
    assert (j1.amount, j1.evidence) == (Decimal("300000"), ["E1", "E2", "E10"])
    assert stored_files(media) == []


def test_a_pending_upload_without_its_preview_cannot_be_confirmed(client_for, director, team, tmp_path, media):
    client = client_for(director)
    token = upload(client, book(tmp_path)).context["token"]
    (media / "imports" / f"{token}.preview.json.gz").unlink()
    response = client.post("/r/A/import/confirm/", {"token": token})
    assert response["Location"] == "/r/A/import/"
    assert Customer.objects.count() == 0


def test_previewing_again_needs_the_pending_token(client_for, director, team, tmp_path):
    client = client_for(director)
    upload(client, book(tmp_path))
    response = client.post("/r/A/import/", {"token": "x" * 32 + ".xlsx"})
    assert response["Location"] == "/r/A/import/"
