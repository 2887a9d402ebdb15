"""manage.py render_plan --region CODE --period P [--version N] [--out FILE.pdf] — INTERFACES.md §2.

The given version, else the approved version's stored PDF, else the live
draft (with its 草稿 watermark); synchronous, for scripts."""

import sys

from django.core.management.base import BaseCommand, CommandError

from planning.models import Plan, PlanStatus
from planning.pdf_services import plan_pdf_now


class Command(BaseCommand):
    help = "Render a plan as PDF (INTERFACES.md §2)."

    def add_arguments(self, parser):
        # INTERFACES §2 names the plan's version --version; Django's own
        # --version (its release) gives way here
        parser.conflict_handler = parser._optionals.conflict_handler = "resolve"
        parser.add_argument("--region", required=True)
        parser.add_argument("--period", required=True)
        parser.add_argument("--version", type=int)
        parser.add_argument("--out")

    def handle(self, *args, region, period, version, out, **options):
        plan = Plan.objects.select_related("region").filter(region__code=region, period=period).first()
        if plan is None:
            raise CommandError(f"区域 {region} 没有 {period} 的营销计划 / no plan {period} in region {region}")
        if version is not None:
            chosen = plan.versions.filter(number=version).first()
            if chosen is None:
                raise CommandError(f"计划 {region} {period} 没有第 {version} 版 / no version {version}")
        else:
            chosen = plan.versions.filter(status=PlanStatus.APPROVED).order_by("-number").first()
        try:
            data = plan_pdf_now(plan=plan, version=chosen)
        except RuntimeError as error:
            raise CommandError(f"PDF 生成失败 / rendering failed: {error}") from None
        if out:
            with open(out, "wb") as fh:
                fh.write(data)
            what = f"第 {chosen.number} 版" if chosen else "草稿"
            self.stderr.write(f"{out}: {region} {period} {what}, {len(data)} bytes")
        else:
            sys.stdout.buffer.write(data)
