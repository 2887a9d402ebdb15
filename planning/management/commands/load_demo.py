"""manage.py load_demo — the DEMO region (演示区域) for a first look.

The data go through the same import path as a user's workbook; re-running
changes nothing that is already there (the import is idempotent)."""

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from customers.models import ComparisonScore, Competitor, Dimension
from pipeline.import_services import workbook_import
from pipeline.workbook import write_csv_zip
from planning.models import CompetitivePosition
from teams.models import Region, Role, User
from tsm import demo


class Command(BaseCommand):
    help = "Load a complete demo region DEMO (演示区域): data, users, competitors."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=300)
        parser.add_argument("--projects", type=int, default=400)

    def handle(self, *args, customers, projects, **options):
        today = timezone.localdate()
        rows = demo.build(today, n_customers=customers, n_projects=projects)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "demo.zip"
            write_csv_zip(path, rows)
            report = workbook_import(region_code="DEMO", region_name="演示区域", path=path, filename="demo.zip")
        if not report.ok:
            raise CommandError("\n".join(str(e) for e in report.errors[:20]))
        region = Region.objects.get(code="DEMO")
        with transaction.atomic():
            self._users(region)
            self._competitors(region)
        self.stdout.write(self.style.SUCCESS(
            f"演示区域 DEMO 已就绪：{len(rows['customers'])} 个客户，{len(rows['contributions']):,} 条资费记录，"
            f"{len(rows['projects'])} 个项目，{len(rows['contacts'])} 位联系人。"))
        self.stdout.write("演示账号 / demo logins (密码 password: %s):" % demo.PASSWORD)
        for username, name, role in self._logins():
            self.stdout.write(f"  {username:<10} {name}  {role}")

    def _logins(self):
        yield demo.DIRECTOR[0], demo.DIRECTOR[1], "大客户部主任 director"
        for username, name in demo.MANAGERS:
            yield username, name, "客户经理 account manager"
        yield demo.EXECUTIVE[0], demo.EXECUTIVE[1], "公司领导 executive"

    def _users(self, region):
        people = [(demo.DIRECTOR, Role.DIRECTOR), (demo.EXECUTIVE, Role.EXECUTIVE)]
        people += [(m, Role.MANAGER) for m in demo.MANAGERS]
        for (username, name), role in people:
            user, _ = User.objects.get_or_create(username=username)
            user.display_name, user.role = name, role
            user.set_password(demo.PASSWORD)
            user.save()
            if role != Role.EXECUTIVE:
                user.regions.add(region)

    def _competitors(self, region):
        dims = list(Dimension.values)
        for series, rivals in demo.COMPETITORS.items():
            for name, rank, share, scores in rivals:
                competitor, _ = Competitor.objects.update_or_create(
                    region=region, product_series=series, name=name,
                    defaults={"rank": rank, "market_share": share,
                              "goals": f"巩固{series}存量客户，争夺重点行业新增需求",
                              "posture": "以价格换份额，重点冲击我方大客户" if rank == 1 else "局部跟进，择机渗透",
                              "service_features": "7×24 小时客服，行业解决方案团队",
                              "operating_means": "高层公关、捆绑优惠、免费试用",
                              "local_organisation": "本地政企团队约 20 人",
                              "trends": "加大云网融合投入，价格可能继续下探"},
                )
                for dim, score in zip(dims, scores):
                    ComparisonScore.objects.update_or_create(
                        region=region, product_series=series, competitor=competitor, dimension=dim,
                        defaults={"score": score})
            for dim, score in zip(dims, demo.OUR_SCORES[series]):
                ComparisonScore.objects.update_or_create(
                    region=region, product_series=series, competitor=None, dimension=dim, defaults={"score": score})
            CompetitivePosition.objects.update_or_create(
                region=region, product_series=series, defaults={"our_share": demo.OUR_SHARE[series]})
