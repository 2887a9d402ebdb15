"""manage.py load_demo — the DEMO region (演示区域) for a first look.

The data go through the same import path as a user's workbook; re-running
changes nothing that is already there (the import is idempotent).

It never changes an account it did not create in this run: a demo username
that already exists (a previous run, or a real person) keeps its password,
role, name and regions. Only the accounts that were missing get the demo
password."""

import datetime as dt
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from customers.models import ComparisonScore, Competitor, Customer, Dimension
from pipeline.import_services import workbook_import
from pipeline.workbook import write_csv_zip
from planning import demo_plans
from planning.models import CompetitivePosition, CompetitorStance, SpecialAction
from tsm.lib.periods import add_months
from teams.models import Region, Role, User
from tsm import demo
from tsm.lib import dbstats


class Command(BaseCommand):
    help = "Load a complete demo region DEMO (演示区域): data, users, competitors."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=300)
        parser.add_argument("--projects", type=int, default=400)
        parser.add_argument("--no-plans", dest="plans", action="store_false",
                            help="data and users only (tests that build their own plans)")

    def handle(self, *args, customers, projects, plans=True, **options):
        today = timezone.localdate()
        rows = demo.build(today, n_customers=customers, n_projects=projects)
        # Taken before the import, which creates the managers it does not know.
        existing = {u.username: u for u in User.objects.filter(username__in=[p[0] for p in self._people()])
                    .prefetch_related("regions")}
        self._managers_usable(existing)
        # One transaction: an import whose demo accounts were not finished
        # would leave managers that a re-run takes for existing ones.
        with transaction.atomic():
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "demo.zip"
                write_csv_zip(path, rows)
                report = workbook_import(region_code="DEMO", region_name="演示区域", path=path, filename="demo.zip")
            if not report.ok:
                raise CommandError("\n".join(str(e) for e in report.errors[:20]))
            region = Region.objects.get(code="DEMO")
            self._users(region, existing)
            self._competitors(region)
            self._needs(region, rows["customers"])
            self._strategy(region, today)
            approved = None
            if plans:
                # This year's plan, drafted last December and approved; next
                # year's complete draft, ready to be submitted.
                approved = demo_plans.approved_plan(region, str(today.year), dt.date(today.year - 1, 12, 1))
                demo_plans.draft_plan(region, str(today.year + 1), today)
            # Fresh planner statistics once committed: the import does its own tables.
            dbstats.analyze([User, User.regions.through, Competitor, ComparisonScore, CompetitivePosition,
                             CompetitorStance, SpecialAction])
        if approved is not None:  # its PDF, stored once and served unchanged
            size = demo_plans.approved_pdf(approved)
            self.stdout.write(f"{today.year} 年营销计划已批准（第 {approved.number} 版，PDF {size:,} 字节）；"
                              f"{today.year + 1} 年计划草稿已完成，待提交。")
        self.stdout.write(self.style.SUCCESS(
            f"演示区域 DEMO 已就绪：{len(rows['customers'])} 个客户，{len(rows['contributions']):,} 条资费记录，"
            f"{len(rows['projects'])} 个项目，{len(rows['contacts'])} 位联系人。"))
        self.stdout.write("演示账号 / demo logins (密码 password: %s):" % demo.PASSWORD)
        for username, name, role in self._people():
            kept = "  （账号已存在，未改动 / existed, left as it was）" if username in existing else ""
            self.stdout.write(f"  {username:<10} {name}  {role.label} {role.value}{kept}")

    def _people(self):
        yield demo.DIRECTOR[0], demo.DIRECTOR[1], Role.DIRECTOR
        for username, name in demo.MANAGERS:
            yield username, name, Role.MANAGER
        yield demo.EXECUTIVE[0], demo.EXECUTIVE[1], Role.EXECUTIVE

    @staticmethod
    def _is_demo_account(user, role) -> bool:
        in_demo = any(r.code == "DEMO" for r in user.regions.all())
        return user.role == role and (in_demo or role == Role.EXECUTIVE)

    def _managers_usable(self, existing):
        """The workbook names the demo managers as owners: an account of that
        name that is not a manager of DEMO would be refused by the import or
        moved into DEMO by it. Stop before anything is written."""
        taken = [username for username, _, role in self._people()
                 if role == Role.MANAGER and username in existing
                 and not self._is_demo_account(existing[username], role)]
        if taken:
            raise CommandError(
                f"账号 {'、'.join(taken)} 已存在，但不是演示区域 DEMO 的客户经理；load_demo 不改动不是它创建的账号。"
                f"请在管理后台为其改名后重试。")

    def _users(self, region, existing):
        """Creates the missing demo accounts (or finishes the managers the
        import just created); an account that existed before is not touched."""
        for username, name, role in self._people():
            if username in existing:
                if not self._is_demo_account(existing[username], role):
                    self.stderr.write(self.style.WARNING(
                        f"警告：账号 {username} 已存在（角色：{existing[username].get_role_display()}），"
                        f"不是演示区域的{role.label}；load_demo 未改动它，演示中不能用它登录为{role.label}。"))
                continue
            user = User.objects.filter(username=username).first() or User(username=username)
            user.display_name, user.role = name, role
            user.set_password(demo.PASSWORD)
            user.save()
            if role != Role.EXECUTIVE:
                user.regions.add(region)

    def _needs(self, region, customers):
        """The demo customers' needs texts (the workbook does not carry them),
        for the customers whose four texts are all blank: a re-run leaves a
        text someone wrote meanwhile as it is."""
        texts = demo.needs(customers)
        blank = Customer.objects.filter(region=region, **{field: "" for field in demo.NEEDS_FIELDS})
        changed = []
        for customer in blank.only("pk", "code"):
            if any(texts.get(customer.code, {}).values()):
                for field, text in texts[customer.code].items():
                    setattr(customer, field, text)
                changed.append(customer)
        Customer.objects.bulk_update(changed, list(demo.NEEDS_FIELDS), batch_size=500)

    def _competitors(self, region):
        dims = list(Dimension.values)
        for series, rivals in demo.COMPETITORS.items():
            for name, rank, share, scores in rivals:
                competitor, _ = Competitor.objects.update_or_create(
                    region=region, product_series=series, name=name,
                    defaults={"rank": rank, "market_share": share, **demo.COMPETITOR_PROFILES[rank],
                              "goal_note": f"巩固{series}存量客户，争夺重点行业新增需求",
                              "service_features": "7×24 小时客服，行业解决方案团队",
                              "operating_means": "高层公关、捆绑优惠、免费试用",
                              "local_organisation": "本地政企团队约 20 人"},
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

    def _strategy(self, region, today):
        """A stance that names its target customers, and push and pull actions
        aimed at named customers and at a class. The customers named are the
        first with contacts — the region's and the first manager's — whose
        pages a first look opens; a re-run leaves what is there."""
        with_contacts = Customer.objects.filter(region=region, contacts__isnull=False).distinct().order_by("code")
        named = list(with_contacts[:2]) + list(with_contacts.filter(owner__username=demo.MANAGERS[0][0])[:1])
        rival = Competitor.objects.get(region=region, product_series="数据业务", rank=1)
        stance, created = CompetitorStance.objects.get_or_create(competitor=rival, defaults={
            "stance": "focused_attack", "target_note": "金融与政务行业里对手正在接触的重点客户",
            "expected_result": "年内守住这些客户的数据专线份额，并争取对手 2 个行业客户"})
        if created:
            stance.target_customers.set(named)
        month = add_months(today.replace(day=1), 1)
        visit, created = SpecialAction.objects.get_or_create(region=region, title="重点客户高层拜访", defaults={
            "family": "push", "kind": "有效接触", "month": month, "budget": "30000.00",
            "owner": User.objects.filter(username=demo.DIRECTOR[0], role=Role.DIRECTOR, regions=region).first()})
        if created:
            visit.target_customers.set(named)
        SpecialAction.objects.get_or_create(region=region, title="行业解决方案巡展", defaults={
            "family": "pull", "kind": "展览", "month": add_months(month, 1), "budget": "80000.00",
            "target_class": "invest"})
