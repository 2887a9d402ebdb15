"""manage.py export_analysis --region CODE [--as-of YYYY-MM-DD] [--out FILE] — INTERFACES.md §3."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from planning.analysis import compute, to_json
from teams.models import Region


class Command(BaseCommand):
    help = "Print the analysis JSON of a region (INTERFACES.md §3)."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True)
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--out")

    def handle(self, *args, region, as_of, out, **options):
        try:
            region_obj = Region.objects.select_related("settings").get(code=region)
        except Region.DoesNotExist:
            raise CommandError(f"区域 {region} 不存在 / region {region} does not exist") from None
        try:
            day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of 应为 YYYY-MM-DD，收到 {as_of!r}") from None
        text = json.dumps(to_json(compute(region_obj, day)), ensure_ascii=False, indent=2)
        if out:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            self.stdout.write(text)
