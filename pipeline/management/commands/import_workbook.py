"""manage.py import_workbook FILE --region CODE [--dry-run] (INTERFACES.md §2)."""

from django.core.management.base import BaseCommand, CommandError

from pipeline.import_services import workbook_import

SHEET_LABELS = {"products": "产品", "customers": "客户", "contributions": "资费",
                "projects": "项目", "contacts": "联系人"}


class Command(BaseCommand):
    help = "导入工作簿（.xlsx 或 .csv 压缩包）到区域；有任何错误时不写入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx，或由 .csv 文件组成的 .zip")
        parser.add_argument("--region", required=True, help="区域编码（不存在时创建）")
        parser.add_argument("--dry-run", action="store_true", help="只预览，不写入")

    def handle(self, *args, file, region, dry_run, **options):
        try:
            report = workbook_import(region_code=region, path=file, dry_run=dry_run)
        except FileNotFoundError:
            raise CommandError(f"文件不存在：{file}") from None
        for key, c in report.counts.items():
            self.stdout.write(f"{SHEET_LABELS[key]}\t新增 {c['add']}\t更新 {c['update']}\t不变 {c['unchanged']}")
        for username in report.new_users:
            self.stdout.write(self.style.WARNING(f"新用户（请核对拼写）：{username}"))
        for username in report.joining_users:
            self.stdout.write(self.style.WARNING(f"已有用户加入本区域：{username}"))
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"提示：{warning}"))
        if report.changed:
            # The file was read before the writing transaction; these rows
            # changed in between (the rule of INTERFACES §1, as in the browser).
            self.stderr.write("读取文件之后，以下各行已在系统中被修改，未写入任何数据：")
            for row in report.changed:
                self.stderr.write(str(row))
            if report.more_changed:
                self.stderr.write(f"……另有 {report.more_changed} 行未列出")
            raise CommandError(f"导入未执行：{report.changed_count} 行数据在读取之后已被修改，请重新运行导入")
        if not report.ok:
            self.stderr.write("工作表\t行\t列\t值\t原因")
            for e in report.errors:
                self.stderr.write(f"{e.sheet}\t{e.row or ''}\t{e.column}\t{e.value}\t{e.reason}")
            more = report.error_count - len(report.errors)
            if more:
                self.stderr.write(f"……另有 {more} 个错误未列出")
            raise CommandError(f"导入失败：共 {report.error_count} 个错误，未写入任何数据")
        if report.applied:
            self.stdout.write(self.style.SUCCESS(f"已导入到区域 {region}"))
        elif dry_run:
            self.stdout.write("预览完成（--dry-run），未写入任何数据")
        else:
            self.stdout.write("没有需要写入的变化")
