"""The plan's PDF (DOMAIN §6.2, issue 10 "The PDF"): real PDFs, read back
with pypdf (text) and pdffonts (an embedded CJK font: text extraction alone
passes even when every glyph is a box)."""

import datetime as dt
import http.server
import io
import logging
import subprocess
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from planning import chart_export, pdf
from planning import pdf_services as services
from planning.document import SECTIONS, plan_content
from planning.models import Plan, PlanDownload, PlanRender, PlanVersion, Target, TargetPart

TODAY = dt.date(2026, 11, 29)
HOSTILE = '<b>粗体</b><img src="http://127.0.0.1:9/x.png"><style>html{background:url(file:///etc/passwd)}</style>'


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def plan(region_a, manager_a1):
    plan = Plan.objects.create(region=region_a, period="2027", as_of=TODAY,
                               sections={"summary": "本期重点：巩固金融行业客户。", "swot": HOSTILE})
    target = Target.objects.create(plan=plan, family="finance", name="区域整体资费贡献", value=Decimal("1000.00"))
    TargetPart.objects.create(target=target, manager=manager_a1, month=dt.date(2027, 1, 1), amount=Decimal("1000.00"))
    return plan


@pytest.fixture
def version(plan):
    return PlanVersion.objects.create(plan=plan, number=1, as_of=plan.as_of, content=plan_content(plan),
                                      status="approved")


@pytest.fixture(scope="module")
def draft_pdf(django_db_setup, django_db_blocker):
    """One rendering of a draft, read by several tests (a PDF takes a second)."""
    with django_db_blocker.unblock():
        from tests.conftest import make_region, make_user
        from django.db import transaction
        with transaction.atomic():
            region = make_region("PDF", "华东一区")
            manager = make_user("pdf_manager", "manager", region)
            p = Plan.objects.create(region=region, period="2027", as_of=TODAY,
                                    sections={"summary": "本期重点：巩固金融行业客户。", "swot": HOSTILE})
            target = Target.objects.create(plan=p, family="finance", name="区域整体资费贡献", value=Decimal("1000.00"))
            TargetPart.objects.create(target=target, manager=manager, month=dt.date(2027, 1, 1),
                                      amount=Decimal("1000.00"))
            content = plan_content(p)
            transaction.set_rollback(True)
    return pdf.render_pdf(content, kind="plan", draft=True)


# --- the document --------------------------------------------------------------------------------


def test_the_pdf_names_region_and_period_and_every_section_with_page_numbers(draft_pdf):
    text = text_of(draft_pdf)
    assert "华东一区 · 2027" in text  # cover and running header
    for _, title in SECTIONS:
        assert str(title) in text, title
    assert "第 1 页 / 共" in text and "第 3 页 / 共" in text
    assert "内部资料 注意保密" in text
    assert "草稿" in text  # the watermark of a preview


def test_the_table_of_contents_gives_each_section_its_page(draft_pdf):
    pages = PdfReader(io.BytesIO(draft_pdf)).pages
    contents = pages[1].extract_text()
    assert "目录" in contents
    for n, (_, title) in enumerate(SECTIONS, start=1):
        line = next(line for line in contents.splitlines() if f"{n}. {title}" in line)
        page = int(line.rstrip().split()[-1].strip("."))
        assert str(title) in pages[page - 1].extract_text(), (title, page)


def test_the_pdf_embeds_a_cjk_font(draft_pdf, tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(draft_pdf)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    embedded = [r.split()[0] for r in rows if "CJK" in r and r.split()[-5] == "yes"]
    assert any("Noto-Sans-CJK-SC" in name for name in embedded), rows


def test_html_and_css_in_a_users_text_show_as_text(draft_pdf):
    text = text_of(draft_pdf).replace("\n", "")
    assert "<b>粗体</b>" in text and 'src="http://127.0.0.1:9/x.png"' in text
    assert "background:url(file:///etc/passwd)" in text


def test_the_documents_charts_are_drawn_as_vector_text_from_the_pages_plotly_figures(draft_pdf):
    text = text_of(draft_pdf)  # a chart's title as text: an SVG, not a picture
    assert "五类客户（客户数）" in text and "区域大漏斗（项目数）" in text


def test_a_versions_pdf_has_no_watermark_and_names_its_version(version):
    text = text_of(pdf.render_pdf(version.content, kind="plan", draft=False, version_number=1))
    assert "第 1 版" in text and "草稿" not in text


def test_the_summary_is_a_short_document_of_its_own(plan):
    data = pdf.render_pdf(plan_content(plan), kind="summary", draft=False)
    text = text_of(data)
    assert "计划摘要" in text and "执行摘要" in text and "第 1 页 / 共 1 页" in text
    assert "五类客户（客户数）" in text and "区域大漏斗（项目数）" in text  # its two charts


def test_a_long_table_repeats_its_header_on_every_page_and_splits_no_row():
    rows = "".join(f"<tr><td>第{n}行</td><td>行内第二行<br>仍是第{n}行</td></tr>" for n in range(1, 151))
    html = ('<html lang="zh-CN"><head><link rel="stylesheet" href="/static/css/print.css"></head><body>'
            f'<table><thead><tr><th>表头甲</th><th>表头乙</th></tr></thead><tbody>{rows}</tbody></table></body></html>')
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf.html_to_pdf(html))).pages]
    assert len(pages) > 2
    assert all("表头甲" in text for text in pages)
    for n in range(1, 151):  # both lines of a row on the same page
        assert [f"第{n}行" in t and f"仍是第{n}行" in t for t in pages].count(True) == 1, n


# --- fetching nothing but our static files ---------------------------------------------------------


class _Counter(http.server.BaseHTTPRequestHandler):
    hits = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_renderer_fetches_no_network_address_and_no_file_but_our_static_files(caplog):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    html = (f'<html><head><link rel="stylesheet" href="/static/css/print.css">'
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/evil.css">'
            f'<style>body {{ background: url(file:///etc/passwd) }} p {{ background: url(http://127.0.0.1:{port}/bg) }}</style>'
            f'</head><body><p>正文</p><img src="http://127.0.0.1:{port}/img.png"><img src="file:///etc/passwd">'
            f'<img src="/static/../../../../etc/passwd"></body></html>')
    try:
        with caplog.at_level(logging.WARNING, logger="planning.pdf"):
            data = pdf.html_to_pdf(html)
    finally:
        server.shutdown()
    assert _Counter.hits == []
    refused = " ".join(r.getMessage() for r in caplog.records)
    assert "refused to fetch file:///etc/passwd" in refused
    assert f"refused to fetch http://127.0.0.1:{port}/img.png" in refused
    assert "refused to fetch https://tsm-static.invalid/etc/passwd" in refused  # ../ does not leave static/
    assert "正文" in text_of(data)


def test_the_fetcher_serves_a_static_file_by_its_static_url():
    response = pdf.StaticOnlyFetcher().fetch(pdf.BASE_URL + "static/css/print.css")
    assert b"@page" in response.read()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/static/css/print.css",
                                 "https://tsm-static.invalid/etc/passwd", "data:text/plain,x",
                                 "https://tsm-static.invalid/static/%2e%2e/%2e%2e/settings.py"])
def test_the_fetcher_refuses_anything_else(url):
    with pytest.raises(ValueError):
        pdf.StaticOnlyFetcher().fetch(url)


# --- charts --------------------------------------------------------------------------------------


def test_a_figure_becomes_svg_markup():
    svg = chart_export.figure_svg(chart_export.charts.document_funnel_figure(
        [{"layer": "surface", "label": "表层", "count": 3, "amount": "100.00"}]))
    assert svg.startswith("<svg") and "区域大漏斗（项目数）" in svg and "表层" in svg


def test_every_chart_slot_of_the_document_is_filled_with_a_labelled_figure(plan):
    charts = chart_export.document_charts(plan_content(plan))
    assert set(charts) == set(chart_export.charts.DOCUMENT_FIGURES)
    assert all(markup.startswith('<figure class="chart" role="img" aria-label=') and "<svg" in markup
               for markup in charts.values())


def test_without_a_browser_the_pdf_goes_without_its_charts(monkeypatch, caplog, plan):
    chart_export.stop_server()
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    try:
        with caplog.at_level(logging.WARNING, logger="planning.chart_export"):
            charts = chart_export.document_charts(plan_content(plan))
    finally:
        chart_export.stop_server()
    assert charts == {}
    assert "No chromium found" in caplog.text


# --- renderings, storage, downloads ------------------------------------------------------------------


def _file_url(render):
    return reverse("plan_pdf_file", args=[render.plan.region.code, render.plan.period, render.token])


def test_a_versions_pdf_is_rendered_once_stored_and_served_unchanged(client, director, executive, version, plan):
    client.force_login(executive)
    url = reverse("version_pdf", args=["A", "2027", 1])
    first = client.get(url)
    render = PlanRender.objects.get(version=version)
    assert first.status_code == 302 and first["Location"] == _file_url(render)
    body = client.get(first["Location"])
    version.refresh_from_db()
    assert body["Content-Type"] == "application/pdf" and body.content == bytes(version.pdf)
    assert "第 1 版" in text_of(body.content)
    # the live plan moves; the approved version's PDF does not
    plan.sections = {"summary": "改过的摘要"}
    plan.save()
    again = client.get(client.get(url)["Location"])
    assert again.content == body.content
    assert PlanRender.objects.filter(version=version).count() == 1
    assert list(PlanDownload.objects.values_list("user__username", "version__number")) == [("executive", 1)] * 2


def test_on_the_database_queue_a_rendering_waits_for_the_worker(settings, plan, director):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    render = services.plan_render_request(plan=plan, user=director, kind="summary")
    assert render.status == "queued" and DBTaskResult.objects.count() == 1
    services.plan_render_task.func(render.pk)  # what db_worker runs
    render.refresh_from_db()
    assert render.status == "done" and bytes(render.pdf).startswith(b"%PDF") and render.finished_at is not None


def test_a_stored_pdf_is_served_as_stored(version, director):
    PlanVersion.objects.filter(pk=version.pk).update(pdf=b"%PDF-1.7 stored")
    render = services.version_pdf_request(version=version, user=director)
    assert render.status == "done" and services.render_file(render) == b"%PDF-1.7 stored"


def test_the_director_previews_the_draft_and_polls_its_progress(client, director, plan):
    client.force_login(director)
    page = client.get(reverse("plan", args=["A", "2027"]))
    assert reverse("plan_pdf_preview", args=["A", "2027"]) in page.content.decode()
    answer = client.post(reverse("plan_pdf_preview", args=["A", "2027"]), {"kind": "plan"}, headers={"HX-Request": "true"})
    render = PlanRender.objects.get(plan=plan, version=None)
    assert answer.status_code == 200 and render.status == "done"
    assert _file_url(render) in answer.content.decode()
    data = client.get(_file_url(render)).content
    assert "草稿" in text_of(data) and "华东一区 · 2027" in text_of(data)
    plain = client.post(reverse("plan_pdf_preview", args=["A", "2027"]), {"kind": "summary"})
    assert plain.status_code == 302 and "/pdf/" in plain["Location"]
    status = client.get(plain["Location"])
    assert "下载 PDF" in status.content.decode()


def test_a_bad_kind_is_refused_naming_it(client, director, plan):
    client.force_login(director)
    answer = client.post(reverse("plan_pdf_preview", args=["A", "2027"]), {"kind": "poster"})
    assert answer.status_code == 400 and "“poster”" in answer.content.decode()
    assert not PlanRender.objects.exists()


def test_a_failed_rendering_says_why_and_is_retried(client, director, plan):
    failed = PlanRender.objects.create(plan=plan, kind="broken", requested_by=director)
    services.plan_render_run(render=failed)
    failed.refresh_from_db()
    assert failed.status == "failed" and "broken" in failed.error
    client.force_login(director)
    status_url = reverse("plan_pdf_status", args=["A", "2027", failed.token])
    page = client.get(status_url).content.decode()
    assert "PDF 生成失败" in page and reverse("plan_pdf_retry", args=["A", "2027", failed.token]) in page
    PlanRender.objects.filter(pk=failed.pk).update(kind="plan")  # whatever broke is mended
    answer = client.post(reverse("plan_pdf_retry", args=["A", "2027", failed.token]))
    fresh = PlanRender.objects.exclude(pk=failed.pk).get()
    assert answer.status_code == 302 and fresh.status == "done" and fresh.token != failed.token


def test_a_rendering_still_running_is_polled_not_served(client, director, plan):
    queued = PlanRender.objects.create(plan=plan, requested_by=director)
    client.force_login(director)
    assert client.get(_file_url(queued))["Location"].endswith(f"/pdf/{queued.token}/")
    fragment = client.get(reverse("plan_pdf_status", args=["A", "2027", queued.token]), headers={"HX-Request": "true"})
    assert 'hx-trigger="load delay:1s"' in fragment.content.decode() and "<html" not in fragment.content.decode()


# --- access ---------------------------------------------------------------------------------------


def test_outsiders_and_executives_on_a_draft_get_404(client, plan, version, director, executive, manager_b,
                                                    director_b, manager_a1):
    draft = services.plan_render_request(plan=plan, user=director)
    stored = services.version_pdf_request(version=version)
    for user in (manager_b, director_b):
        client.force_login(user)
        assert client.get(_file_url(stored)).status_code == 404
        assert client.get(reverse("version_pdf", args=["A", "2027", 1])).status_code == 404
    for user in (executive, manager_a1):  # executives never get drafts; managers read only their targets in one
        client.force_login(user)
        assert client.get(_file_url(draft)).status_code == 404
        assert client.get(reverse("plan_pdf_status", args=["A", "2027", draft.token])).status_code == 404
        assert client.get(_file_url(stored)).status_code == 200
    client.force_login(director)
    assert client.get(reverse("plan_pdf_status", args=["A", "2027", "guessed-token"])).status_code == 404


def test_the_file_address_carries_an_unguessable_token(plan, director):
    a, b = (services.plan_render_request(plan=plan, user=director) for _ in range(2))
    assert a.token != b.token and len(a.token) >= 40


# --- render_plan ---------------------------------------------------------------------------------


def test_render_plan_writes_the_live_draft_else_the_approved_versions_stored_pdf(plan, tmp_path):
    out = tmp_path / "plan.pdf"
    call_command("render_plan", region="A", period="2027", out=str(out))
    assert out.read_bytes().startswith(b"%PDF") and "草稿" in text_of(out.read_bytes())
    version = PlanVersion.objects.create(plan=plan, number=1, as_of=plan.as_of, content=plan_content(plan),
                                         status="approved")
    call_command("render_plan", region="A", period="2027", out=str(out))
    version.refresh_from_db()
    assert out.read_bytes() == bytes(version.pdf) and "第 1 版" in text_of(out.read_bytes())
    call_command("render_plan", region="A", period="2027", version=1, out=str(out))
    assert out.read_bytes() == bytes(version.pdf)


@pytest.mark.parametrize("kwargs, message", [({"region": "Z", "period": "2027"}, "没有 2027 的营销计划"),
                                             ({"region": "A", "period": "2027", "version": 9}, "没有第 9 版")])
def test_render_plan_names_what_is_missing(plan, kwargs, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("render_plan", **kwargs)


def test_the_progress_page_costs_a_fixed_number_of_queries(client, director, plan, django_assert_num_queries):
    done = PlanRender.objects.create(plan=plan, status="done", pdf=b"%PDF-1.7")
    client.force_login(director)
    url = reverse("plan_pdf_status", args=["A", "2027", done.token])
    client.get(url)  # warm the session and the menu's caches
    # session, user, the region in scope, the plan, the render (its version joined), the menu's regions
    with django_assert_num_queries(6) as captured:
        client.get(url)
    assert len(captured) == 6
