"""Writes of the workbook import (INTERFACES.md §1).

`workbook_import` reads the file, compares it with what the region holds
(a handful of queries, whatever the size) and, when there is no error and
this is not a dry run, writes the difference in one transaction: a bad file
never leaves a half-written region, and re-importing the same file writes
nothing at all.

An import writes exactly what its preview showed. The file is parsed without
any lock; then, inside the writing transaction, the rows it updates are
locked and read again, and if any of them no longer holds what the parse read
(someone ticked evidence, edited a contact, another import ran) nothing is
written and those rows are listed. A preview in the browser keeps what it read
next to the pending upload, so that the confirmation compares with the
preview, not with a second reading. An update writes only the fields the file
changes for that row.
"""

import gzip
import json
import logging
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from pipeline.standings import results_ensure
from pipeline.importing import (
    EVIDENCE_CODES, MAX_ERRORS, Changed, Existing, ImportError, Plan, Preview, UserInfo, as_previewed, build_plan,
    row_changes,
)
from customers.models import FACTORS, BuyingRole, Contact, Contribution, Customer, Product
from pipeline.workbook import SHEETS, WorkbookError, open_workbook
from pipeline.models import Project
from teams import permissions
from teams.models import Region, RegionSettings, Role, User
from tsm.lib import dbstats

log = logging.getLogger(__name__)

FACTOR_FIELDS = [f for f, _label in FACTORS]
BATCH = 2000
ID_CHUNK = 900  # ids per IN (…): well under every backend's parameter limit


@dataclass
class ImportReport:
    region: str
    filename: str = ""
    errors: list[ImportError] = field(default_factory=list)
    error_count: int = 0  # errors beyond the listed ones are counted, not listed
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    new_users: list[str] = field(default_factory=list)
    joining_users: list[str] = field(default_factory=list)
    # Rows changed in the application since the preview read them: nothing was written.
    changed: list[Changed] = field(default_factory=list)
    changed_count: int = 0
    preview: Preview | None = None  # what a dry run read, for its confirmation to compare with
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and self.changed_count == 0

    @property
    def has_changes(self) -> bool:
        return bool(self.new_users or self.joining_users
                    or any(c["add"] or c["update"] for c in self.counts.values()))

    @property
    def sheet_counts(self) -> list[dict]:
        """[{sheet: '资费', add, update, unchanged}] in the template's order."""
        return [{"sheet": SHEETS[key].zh, **self.counts[key]} for key in SHEETS if key in self.counts]

    @property
    def more_errors(self) -> int:
        return self.error_count - len(self.errors)

    @property
    def more_changed(self) -> int:
        return self.changed_count - len(self.changed)


class _ChangedSinceRead(Exception):
    def __init__(self, changed: list[Changed]):
        self.changed = changed


def workbook_import(*, region_code: str, path, filename: str | None = None, dry_run: bool = False,
                    user=None, region_name: str | None = None, preview: Preview | None = None) -> ImportReport:
    """Preview (dry_run) or apply the workbook at `path` to the region.

    A dry run's report carries what it read (`report.preview`); handing that
    back as `preview` applies exactly what the preview showed, or nothing
    when a row it would write was changed since (`report.changed`).
    Creates the region (with default settings) when it does not exist yet.
    """
    path = Path(path)
    report = ImportReport(region=region_code, filename=filename or path.name)
    try:
        book = open_workbook(path)
        sheets = {s.key for s in book if s.key}
        region = Region.objects.filter(code=region_code).first()
        existing = load_existing(region, region_code, sheets)
        plan = build_plan(book, existing)
        _products_stay_the_administrators(plan, user)
    except WorkbookError as exc:
        report.errors, report.error_count = [ImportError("", None, "", report.filename, str(exc))], 1
        return report
    report.errors, report.error_count = plan.errors, plan.error_count
    report.warnings = plan.warnings
    report.new_users, report.joining_users = plan.new_users, plan.joining_users
    if report.error_count == 0 and preview is not None:
        _set_changed(report, as_previewed(plan, preview, existing))
    report.counts = plan.counts
    if not report.ok:
        return report
    if dry_run:
        report.preview = Preview.of(plan)
        return report
    if region is not None and not plan.has_changes:
        return report
    try:
        with transaction.atomic():
            region = _region_ensure(region_code, region_name)
            changed = _changed_under_lock(plan)
            if changed:
                raise _ChangedSinceRead(changed)
            _apply(plan, region)
            dbstats.analyze(_written_models(plan))
    except _ChangedSinceRead as exc:
        return _set_changed(report, exc.changed)
    except IntegrityError as exc:
        # A row to add was created, or one the import refers to deleted, after
        # the rows were read: say which when a fresh reading shows it.
        log.warning("import into %s failed: %s", region_code, exc)
        now = load_existing(Region.objects.filter(code=region_code).first(), region_code, sheets)
        if _set_changed(report, as_previewed(plan, Preview.of(plan), now)).changed:
            return report
        report.errors = [ImportError("", None, "", report.filename,
                                     _("导入期间数据被他人修改，已全部撤销，请重新导入"))]
        report.error_count = 1
        return report
    report.applied = True
    results_ensure(region)  # judged at once for a small region, in the background for a large one
    log.info("import into %s by %s: %s", region_code, getattr(user, "username", "-"), report.counts)
    return report


def _set_changed(report: ImportReport, changed: list[Changed]) -> ImportReport:
    report.changed, report.changed_count = changed[:MAX_ERRORS], len(changed)
    return report


def _products_stay_the_administrators(plan, user) -> None:
    """The product catalogue is shared by every region and kept by the
    administrator (DOMAIN §0): a director's import may add products, not
    rename or move existing ones. The command line is the operator's."""
    if user is None or permissions.is_administrator(user):
        return
    products = plan.sheets.get("products")
    for _pk, code, _changes, _read in (products.update if products else []):
        plan.error("产品", None, "产品编码", code, "已有产品的名称和系列由系统管理员维护，导入只能新增产品")


def _region_ensure(code: str, name: str | None) -> Region:
    region, _created = Region.objects.get_or_create(code=code, defaults={"name": name or code})
    RegionSettings.objects.get_or_create(region=region)
    return region


# --- reading what is stored ---------------------------------------------------------
# The same readers serve the parse (a whole region, no lock) and the check
# before writing (the rows to update, locked), so both see values alike.

PRODUCT_VALUES = ("id", "code", "name", "series")
CUSTOMER_VALUES = ("id", "code", "name", "industry", "owner__username", *FACTOR_FIELDS)
PROJECT_VALUES = ("id", "code", "name", "customer__code", "product__code", "owner__username", "amount",
                  "expected_close", "status", "tariff_effect", "kill_degree", "evidence")
CONTACT_VALUES = ("id", "customer__code", "name", "title", "roles", "attitude", "last_met")
# money as integer fen, computed by the database (see _stored_contributions)
FEN = ("CAST(ROUND(revenue * 100) AS BIGINT), CAST(ROUND(cost * 100) AS BIGINT), "
       "CAST(ROUND(arrears * 100) AS BIGINT)")


def load_existing(region: Region | None, region_code: str, sheets: set[str]) -> Existing:
    """What the region holds, keyed by code, in a few queries (only the sheets' needs)."""
    existing = Existing(region=region_code, users=users_named)
    existing.products = {p["code"]: p for p in Product.objects.values(*PRODUCT_VALUES)}
    if region is None:
        return existing
    if sheets - {"products"}:
        existing.customers = {c["code"]: c for c in _renamed(Customer.objects.filter(region=region)
                                                             .values(*CUSTOMER_VALUES))}
    if sheets & {"projects", "contacts"}:
        existing.projects = {p["code"]: p for p in _projects(Project.objects.filter(region=region)
                                                             .values(*PROJECT_VALUES))}
    if "contacts" in sheets:
        contacts = _contacts(
            Contact.objects.filter(customer__region=region).values(*CONTACT_VALUES),
            Project.contacts.through.objects.filter(contact__customer__region=region)
            .values_list("contact_id", "project__code"))
        existing.contacts = {(c["customer"], c["name"]): c for c in contacts.values()}
    if "contributions" in sheets:
        existing.contributions = _stored_contributions(region)
    return existing


def _renamed(rows: Iterable[dict]) -> Iterator[dict]:
    """customer__code -> customer, owner__username -> owner (as the plan names them)."""
    for row in rows:
        for key in [k for k in row if "__" in k]:
            row[key.split("__")[0]] = row.pop(key)
        yield row


def _projects(rows: Iterable[dict]) -> Iterator[dict]:
    """Project rows with their evidence in reading order (as the file's are)."""
    for p in _renamed(rows):
        p["evidence"] = [c for c in EVIDENCE_CODES if c in set(p["evidence"] or ())]
        yield p


def _contacts(rows: Iterable[dict], links: Iterable[tuple[int, str]]) -> dict[int, dict]:
    """Contact rows by id, roles in the course's order, projects as a frozenset of codes."""
    by_id = {}
    for c in _renamed(rows):
        c["roles"] = [r for r in BuyingRole.values if r in set(c["roles"] or ())]
        c["projects"] = set()
        by_id[c["id"]] = c
    for contact_id, code in links:
        if contact_id in by_id:  # (a contact added between the two queries has no row here)
            by_id[contact_id]["projects"].add(code)
    for c in by_id.values():
        c["projects"] = frozenset(c["projects"])
    return by_id


def _stored_contributions(region: Region) -> dict:
    """(customer id, product id, month) -> (pk, fen, fen, fen); one raw query,
    because the ORM's per-value converters cost seconds at 720,000 rows."""
    table = connection.ops.quote_name(Contribution._meta.db_table)
    sql = f"SELECT id, customer_id, product_id, month, {FEN} FROM {table} WHERE region_id = %s"
    out = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [region.pk])
        while rows := cursor.fetchmany(10_000):
            for pk, c, p, m, r, k, a in rows:
                out[(c, p, m)] = (pk, r, k, a)
    return out


def users_named(names: set[str]) -> dict[str, UserInfo]:
    regions: dict[str, set[str]] = {n: set() for n in names}
    members = User.regions.through.objects.filter(user__username__in=names)
    for username, code in members.values_list("user__username", "region__code"):
        regions[username].add(code)
    return {
        username: UserInfo(role=role, regions=frozenset(regions[username]))
        for username, role in User.objects.filter(username__in=names).values_list("username", "role")
    }


# --- the rows to update, locked and read again ---------------------------------------


def _locked(queryset, ids: Iterable[int]) -> Iterator:
    """The rows of `ids`, locked until the transaction ends, taken in id order
    so that two imports lock alike. Only the table's own rows are locked, not
    the customers or users a row refers to. SQLite has no row locks and
    needs none: its write transaction (BEGIN IMMEDIATE) keeps every other
    writer out until it commits."""
    for chunk in _chunks(sorted(ids), ID_CHUNK):
        yield from queryset.filter(pk__in=chunk).select_for_update(of=("self",)).order_by("pk")


def _locked_contacts(ids: list[int]) -> dict[int, dict]:
    Link = Project.contacts.through
    rows = list(_locked(Contact.objects.values(*CONTACT_VALUES), ids))
    links = [link for chunk in _chunks(sorted(ids), ID_CHUNK)
             for link in Link.objects.filter(contact_id__in=chunk).select_for_update(of=("self",))
             .order_by("pk").values_list("contact_id", "project__code")]
    return _contacts(rows, links)


def _locked_contributions(ids: list[int]) -> dict[int, tuple]:
    """pk -> (revenue, cost, arrears) in fen, locked (see _locked)."""
    table = connection.ops.quote_name(Contribution._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    out = {}
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(ids), ID_CHUNK):
            cursor.execute(f"SELECT id, {FEN} FROM {table} WHERE id IN ({', '.join(['%s'] * len(chunk))}) "
                           f"ORDER BY id{lock}", chunk)
            for pk, r, k, a in cursor.fetchall():
                out[pk] = (r, k, a)
    return out


LOCKED = {
    "products": lambda ids: {p["id"]: p for p in _locked(Product.objects.values(*PRODUCT_VALUES), ids)},
    "customers": lambda ids: {c["id"]: c for c in _renamed(_locked(Customer.objects.values(*CUSTOMER_VALUES), ids))},
    "projects": lambda ids: {p["id"]: p for p in _projects(_locked(Project.objects.values(*PROJECT_VALUES), ids))},
    "contacts": _locked_contacts,
}


def _changed_under_lock(plan: Plan) -> list[Changed]:
    """Lock every row the plan updates and compare it with what the plan
    read: the rows someone changed in between (none, usually)."""
    changed = []
    for sheet, sheet_plan in plan.sheets.items():
        if not sheet_plan.update:
            continue
        if sheet == "contributions":
            now = _locked_contributions([row[0][0] for row in sheet_plan.update])
            changed += [row_changes(sheet, row[1:4], row[0][1:], now.get(row[0][0]))
                        for row in sheet_plan.update if now.get(row[0][0]) != row[0][1:]]
            continue
        now = LOCKED[sheet]([row[0] for row in sheet_plan.update])
        for pk, key, _changes, read in sheet_plan.update:
            if (row := row_changes(sheet, key, read, now.get(pk))) is not None:
                changed.append(row)
    return changed


# --- writing the plan --------------------------------------------------------------


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _written_models(plan: Plan) -> list:
    """The models whose tables the plan writes (to refresh their statistics)."""
    models = {"products": [Product], "customers": [Customer], "projects": [Project],
              "contributions": [Contribution], "contacts": [Contact, Project.contacts.through]}
    written = [m for key, p in plan.sheets.items() if p.add or p.update for m in models[key]]
    if plan.new_users or plan.joining_users:
        written += [User, User.regions.through]
    return written


def _apply(plan: Plan, region: Region) -> None:
    sheets = plan.sheets
    _users_create(plan, region)
    owners = dict(User.objects.filter(regions=region).values_list("username", "id"))
    if "products" in sheets:
        _save(Product, sheets["products"], lambda code, v: Product(code=code, **v), {})
    products = dict(Product.objects.values_list("code", "id"))
    if "customers" in sheets:
        _save(Customer, sheets["customers"], lambda code, v: _customer(region, owners, code, v), {"owner": owners})
    customers = dict(Customer.objects.filter(region=region).values_list("code", "id"))
    if "projects" in sheets:
        now = timezone.now()
        _save(Project, sheets["projects"],
              lambda code, v: _project(region, customers, products, owners, code, v, now),
              {"customer": customers, "product": products, "owner": owners}, also={"updated_at": now})
    if "contributions" in sheets:
        _contributions_save(plan, region, customers, products)
    if "contacts" in sheets:
        _contacts_save(plan, region, customers)
    # Cached analyses are keyed on the data version. Products are shared by
    # every region, so renaming one (or moving it to another series) is
    # everybody's change.
    if sheets.get("products") and sheets["products"].update:
        Region.objects.exclude(pk=region.pk).update(data_version=F("data_version") + 1)
    region.touch()
    region.results_stale()  # every customer's and project's figures may have moved


def _users_create(plan: Plan, region: Region) -> None:
    """Unknown managers: new accounts of the region with no usable password."""
    users = []
    for username in plan.new_users:
        user = User(username=username, role=Role.MANAGER, display_name=username)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    names = plan.new_users + plan.joining_users
    if names:
        Member = User.regions.through
        ids = User.objects.filter(username__in=names).values_list("id", flat=True)
        Member.objects.bulk_create([Member(user_id=i, region_id=region.pk) for i in ids])


def _save(model, sheet_plan, build, references: dict[str, dict], also: dict | None = None) -> None:
    """Insert the rows to add; in each row to update, write only the fields
    the file changes (a field someone else changed since stays theirs).
    Rows that change the same fields share one bulk update. `references`:
    field -> {code or username: id} for the foreign keys."""
    model.objects.bulk_create([build(key, values) for key, values in sheet_plan.add], batch_size=BATCH)
    groups = defaultdict(list)
    # A form read before the import must be refused, not save over it: a row
    # whose changes touch what the model's form shows moves its version in
    # the same update (every changed row of a model without FORM_FIELDS; not
    # a project whose only change is its evidence, nor a customer whose only
    # change is a score: those are one-value saves that move no version).
    covered = getattr(model, "FORM_FIELDS", None)
    versioned = any(f.name == "version" for f in model._meta.fields)
    for pk, _key, changes, _read in sheet_plan.update:
        values = {}
        for name, value in changes.items():
            if name == "projects":
                continue  # a contact's projects are links (_contacts_save)
            if name in references:
                values[f"{name}_id"] = references[name][value]
            else:
                values[name] = value
        if values:
            values.update(also or {})
            if versioned and (covered is None or not changes.keys().isdisjoint(covered)):
                values["version"] = F("version") + 1
            groups[tuple(sorted(values))].append(model(pk=pk, **values))
    for fields, rows in groups.items():
        model.objects.bulk_update(rows, list(fields), batch_size=500)


def _bump_versions(model, ids: Iterable[int]) -> None:
    for chunk in _chunks(sorted(set(ids)), ID_CHUNK):
        model.objects.filter(pk__in=chunk).update(version=F("version") + 1)


def _customer(region, owners, code, v) -> Customer:
    return Customer(region=region, code=code, name=v["name"], industry=v.get("industry") or "",
                    owner_id=owners[v["owner"]], **{f: v.get(f) for f in FACTOR_FIELDS})


def _project(region, customers, products, owners, code, v, now) -> Project:
    return Project(region=region, code=code, name=v["name"], customer_id=customers[v["customer"]],
                   product_id=products[v["product"]], owner_id=owners[v["owner"]], amount=v["amount"],
                   expected_close=v["expected_close"], status=v["status"], tariff_effect=v["tariff_effect"],
                   kill_degree=v["kill_degree"], evidence=v.get("evidence") or [], updated_at=now)


def _contributions_save(plan: Plan, region: Region, customers: dict, products: dict) -> None:
    """Changed rows are deleted and inserted again with the new amounts (nothing
    refers to a contribution's id, only imports write them, and the rows were
    locked and found as read, so the amounts the file keeps are rewritten
    unchanged); a 720,000-row insert goes straight to the driver (COPY on
    PostgreSQL, executemany on SQLite)."""
    sheet_plan = plan.sheets["contributions"]
    for chunk in _chunks((u[0][0] for u in sheet_plan.update), ID_CHUNK):
        Contribution.objects.filter(pk__in=chunk).delete()
    rid = region.pk
    # SQLite keeps a decimal as the nearest double whatever text it is given,
    # and fen / 100 is that double; PostgreSQL gets the exact text.
    yuan = _yuan if connection.vendor == "postgresql" else _yuan_float

    def rows():
        for c, p, m, r, k, a in sheet_plan.add:
            yield rid, customers[c], products[p], m, yuan(r), yuan(k), yuan(a)
        for _stored, c, p, m, r, k, a in sheet_plan.update:
            yield rid, customers[c], products[p], m, yuan(r), yuan(k), yuan(a)

    contributions_insert(rows())


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _yuan_float(fen: int) -> float:
    return fen / 100


CONTRIBUTION_COLUMNS = ("region_id", "customer_id", "product_id", "month", "revenue", "cost", "arrears")


def contributions_insert(rows: Iterable[tuple]) -> None:
    """Insert (region_id, customer_id, product_id, month, revenue, cost, arrears) rows."""
    qn = connection.ops.quote_name
    table = qn(Contribution._meta.db_table)
    columns = ", ".join(qn(c) for c in CONTRIBUTION_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(CONTRIBUTION_COLUMNS))})"
        if connection.vendor != "sqlite":
            for chunk in _chunks(rows, 10_000):
                cursor.executemany(sql, chunk)
            return
        # Every index of the table grows with each row; SQLite's default 2 MB
        # page cache thrashes on them (measured: 2 s of 16). Widen it for
        # this insert only.
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB at most, used only as filled
        try:
            for chunk in _chunks(rows, 50_000):
                cursor.executemany(sql, chunk)
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _contacts_save(plan: Plan, region: Region, customers: dict) -> None:
    sheet_plan = plan.sheets["contacts"]

    def build(key, v):
        return Contact(customer_id=customers[key[0]], name=key[1], title=v.get("title") or "",
                       roles=v["roles"], attitude=v["attitude"], last_met=v.get("last_met"))

    _save(Contact, sheet_plan, build, {})
    # Links: a new contact's projects; of a contact to update, only the links
    # the file adds or removes (a link made meanwhile to another project stays).
    link = [(key, code) for key, v in sheet_plan.add for code in v.get("projects") or ()]
    unlink = set()
    for pk, key, changes, read in sheet_plan.update:
        if "projects" in changes:
            before, after = frozenset(read.get("projects") or ()), frozenset(changes["projects"] or ())
            link += [(key, code) for code in after - before]
            unlink |= {(pk, code) for code in before - after}
    if not (link or unlink):
        return
    Link = Project.contacts.through
    projects = dict(Project.objects.filter(region=region).values_list("code", "id"))
    # A project's linked contacts are a field of its form: its version moves
    # (not a project this import adds: no form was read before it).
    added = {code for code, _v in plan.sheets["projects"].add} if "projects" in plan.sheets else set()
    _bump_versions(Project, [projects[code] for _key, code in link if code not in added] + [
        projects[code] for _pk, code in unlink if code in projects])
    if unlink:
        doomed = [link_id for chunk in _chunks(sorted({pk for pk, _code in unlink}), ID_CHUNK)
                  for link_id, contact_id, code in Link.objects.filter(contact_id__in=chunk)
                  .values_list("id", "contact_id", "project__code") if (contact_id, code) in unlink]
        for chunk in _chunks(doomed, ID_CHUNK):
            Link.objects.filter(pk__in=chunk).delete()
    contacts = {(code, name): pk for code, name, pk in
                Contact.objects.filter(customer__region=region).values_list("customer__code", "name", "id")}
    Link.objects.bulk_create([Link(contact_id=contacts[key], project_id=projects[code]) for key, code in link],
                             batch_size=BATCH)


# --- uploads kept between preview and confirm ----------------------------------------

UPLOAD_NAME = re.compile(r"^[A-Za-z0-9_-]{32}\.(xlsx|zip)$")
UPLOAD_MAX_AGE = 24 * 3600


def _upload_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def upload_store(*, upload) -> str:
    """Keep an uploaded workbook under MEDIA_ROOT/imports/ as <random token><ext>;
    return that name (the token the confirm form posts back)."""
    folder = _upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - UPLOAD_MAX_AGE
    for old in folder.iterdir():  # previews nobody confirmed
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except FileNotFoundError:
            pass  # another worker cleaned it first
    name = secrets.token_urlsafe(24) + Path(upload.name).suffix.lower()
    with open(folder / name, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return name


def upload_path(name: str) -> Path:
    """The stored file for a token; ValueError for anything that is not one of ours."""
    if not isinstance(name, str) or not UPLOAD_NAME.match(name):
        raise ValueError("not an upload token")
    return _upload_dir() / name


def upload_discard(name: str) -> None:
    try:
        upload_path(name).unlink(missing_ok=True)
        _preview_path(name).unlink(missing_ok=True)
    except ValueError:
        pass


def _preview_path(name: str) -> Path:
    path = upload_path(name)
    return path.with_name(path.name + ".preview.json.gz")


def preview_keep(*, name: str, preview: Preview) -> None:
    """Keep what the preview of upload `name` read, next to it, for the
    confirmation to compare with (JSON, gzipped: a large re-import's rows to
    update are hundreds of thousands)."""
    data = json.dumps(preview.to_data(), ensure_ascii=False, separators=(",", ":")).encode()
    with gzip.open(_preview_path(name), "wb", compresslevel=1) as fh:
        fh.write(data)


def preview_load(name: str) -> Preview | None:
    """What the preview of upload `name` read; None when it is not kept (any more)."""
    try:
        with gzip.open(_preview_path(name), "rb") as fh:
            return Preview.from_data(json.loads(fh.read()))
    except (OSError, ValueError, KeyError, TypeError):
        return None
