"""manage.py export_plan --region CODE --period P [--version N] [--out FILE] — INTERFACES.md §2, §4."""

import json

from django.core.management.base import BaseCommand, CommandError

from planning.models import Plan, PlanVersion
from planning.plan_data import plan_json, plan_version_chosen


class Command(BaseCommand):
    help = ("Print the plan JSON of a region's period (INTERFACES.md §4): the given version, else the latest "
            "approved, else the latest submitted, else the live draft (version null).")

    def create_parser(self, prog_name, subcommand, **kwargs):
        # INTERFACES §2 names the plan's version --version: it replaces the
        # option Django adds to every command to print its own version.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--period", required=True)
        parser.add_argument("--version", type=int, help="版本号（缺省：最新已批准，否则最新已提交，否则草稿）")
        parser.add_argument("--out")

    def handle(self, *args, region, period, version, out, **options):
        plan = Plan.objects.select_related("region").filter(region__code=region, period=period).first()
        if plan is None:
            raise CommandError(f"区域 {region} 没有 {period} 的计划 / region {region} has no plan for {period}")
        if version is not None and version < 1:
            raise CommandError(f"--version 应为正整数，收到 {version}")
        try:
            chosen = plan_version_chosen(plan, version)
        except PlanVersion.DoesNotExist:
            raise CommandError(f"{region} {period} 的计划没有第 {version} 版 / no version {version}") from None
        # The same document the API gives its director: the same serialisation too.
        text = json.dumps(plan_json(plan, chosen), ensure_ascii=False, indent=2)
        if out:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            self.stdout.write(text)
