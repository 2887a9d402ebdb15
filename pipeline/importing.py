"""Turn an opened workbook into an import plan: rows to add, update or leave
unchanged, new users, warnings, and every error as sheet, row, column, value,
reason.

No writes and no queries here: `import_services.py` hands in a snapshot of
what the region already holds (`Existing`, keyed by codes and usernames, never
by ids) and applies the plan.  The plan keeps, for every row it would update,
the stored values it compared; `Preview` is that record kept between a
preview and its confirmation, and `as_previewed` / `row_changes` name the rows
that changed since (INTERFACES §1: an import writes exactly what its preview
showed).  Loops are plain Python over plain values, because the
contributions sheet has hundreds of thousands of rows: money is integer fen,
codes are interned so that 720,000 rows share a few thousand strings, and a
month or an amount is parsed once per distinct cell text.
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.utils.translation import gettext as _, gettext_noop

from customers.models import Attitude, BuyingRole
from pipeline.workbook import INSTRUCTIONS_NAMES, SHEETS, Sheet, SheetData, column_for
from pipeline.models import KillDegree, Status, TariffEffect
from tsm.lib.money import parse_money
from tsm.lib.periods import parse_month

MAX_ERRORS = 1000  # listed; the total is always counted
MAX_FEN = 10**16  # DecimalField(max_digits=16, decimal_places=2)
EVIDENCE_CODES = [f"E{i}" for i in range(1, 13)]
USERNAME_RE = re.compile(r"^[\w.@+-]+\Z")  # Django's UnicodeUsernameValidator
LIST_SPLIT = re.compile(r"[,，、;；\s]+")
SHEET_ORDER = ["products", "customers", "projects", "contributions", "contacts"]


@dataclass(frozen=True)
class ImportError:  # noqa: A001 — the interface's name for it; shadows the builtin in this module only
    """One bad cell (or sheet, or file): where it is and why, in Chinese.
    `row` is the row number Excel shows (header = 1); None for a whole sheet or file."""

    sheet: str
    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self):
        where = " ".join(p for p in (self.sheet, f"第 {self.row} 行" if self.row else "", self.column) if p)
        value = f"「{self.value}」" if self.value else ""
        return f"{where}{value}：{self.reason}" if where or value else self.reason


class CellError(ValueError):
    """A cell converter's complaint; the caller adds where it is."""


@dataclass(frozen=True)
class UserInfo:
    role: str
    regions: frozenset[str]  # region codes


@dataclass
class Existing:
    """What the database holds for the region, by code (see services.load_existing).

    customers/projects/contacts values hold the importable fields with
    references as codes and usernames (customer, product, owner) and lists in
    canonical order, so that a row from the file compares with ==.
    """

    region: str
    products: dict[str, dict] = field(default_factory=dict)  # code -> {id, name, series}
    customers: dict[str, dict] = field(default_factory=dict)  # code -> {id, name, industry, owner, factors}
    projects: dict[str, dict] = field(default_factory=dict)  # code -> {id, name, customer, product, owner, …}
    contacts: dict[tuple[str, str], dict] = field(default_factory=dict)  # (customer code, name) -> {…}
    # (customer id, product id, month) -> (pk, revenue fen, cost fen, arrears fen)
    contributions: dict[tuple, tuple] = field(default_factory=dict)
    users: Callable[[set[str]], dict[str, UserInfo]] = lambda names: {}


@dataclass
class SheetPlan:
    """add: [(key, values)]; update: [(id, key, changes, read)] where changes
    are only the fields the file changes (the new values) and read holds the
    stored value of every field the row gives, as it was read (what was
    compared, and what must still be there when the import writes).
    Contributions: add [(customer, product, month, r, c, a)], update
    [(stored, customer, product, month, r, c, a)] where stored is the row as
    read, (pk, r, c, a); money in fen."""

    add: list = field(default_factory=list)
    update: list = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {"add": len(self.add), "update": len(self.update), "unchanged": self.unchanged}


@dataclass
class Plan:
    sheets: dict[str, SheetPlan] = field(default_factory=dict)
    new_users: list[str] = field(default_factory=list)
    joining_users: list[str] = field(default_factory=list)  # existing users of no region yet
    warnings: list[str] = field(default_factory=list)
    errors: list[ImportError] = field(default_factory=list)
    error_count: int = 0

    def error(self, sheet: str, row, column: str, value, reason: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(ImportError(sheet, row, column, plain(value), reason))

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        return {key: plan.counts() for key, plan in self.sheets.items()}

    @property
    def has_changes(self) -> bool:
        return bool(self.new_users or self.joining_users
                    or any(p.add or p.update for p in self.sheets.values()))


# --- cell converters -------------------------------------------------------------
# One argument, the raw cell: str from CSV; str, float, int, bool, date or
# datetime from xlsx.  Return the value or raise CellError with the reason.


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def plain(raw) -> str:
    """A cell as the user would read it (never raises)."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def text(raw, max_length: int | None = None) -> str:
    if isinstance(raw, bool):
        raise CellError("应为文本")
    value = plain(raw)  # a code typed as 1001 comes back from Excel as 1001.0
    if max_length and len(value) > max_length:
        raise CellError(f"超过 {max_length} 个字符")
    return value


def required_text(raw, max_length: int | None = None) -> str:
    value = text(raw, max_length)
    if not value:
        raise CellError("不能为空")
    return value


def money_fen(raw) -> int:
    """A cell of 元 -> integer fen, rounded half-up to the fen; ≥ 0."""
    if raw.__class__ is float and raw.is_integer() and 0 <= raw < 1e15:
        return int(raw) * 100
    if raw.__class__ is float:
        raw = repr(raw)  # Excel's double as its shortest text, as parse_money reads it
    if raw.__class__ is str:
        # Fast path for plain "1234" / "1234.5" / "1234.56": exact, nothing to
        # round; everything else (spaces, commas, ¥, more places) goes to parse_money.
        whole, dot, cents = raw.partition(".")
        if whole.isdigit() and whole.isascii() and (
                not dot or (0 < len(cents) <= 2 and cents.isdigit() and cents.isascii())):
            fen = int(whole) * 100 + (int(cents) * (10 if len(cents) == 1 else 1) if dot else 0)
            if fen >= MAX_FEN:
                raise CellError("金额过大")
            return fen
    if isinstance(raw, (dt.date, dt.timedelta)):
        raise CellError("不是数字")
    try:
        value = parse_money(raw)
    except ValueError as exc:
        raise CellError("不能为空" if str(exc) == "empty" else "不是数字") from None
    if value < 0:
        raise CellError("不能为负数")
    fen = int(value.scaleb(2))
    if fen >= MAX_FEN:
        raise CellError("金额过大")
    return fen


def fen_to_decimal(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def money(raw) -> Decimal:
    return fen_to_decimal(money_fen(raw))


DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]0{1,2}:00(?::00)?)?$")


def date(raw) -> dt.date:
    """'2026-03-31', '2026/3/31' or an Excel date cell."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if not isinstance(raw, str):
        raise CellError("日期格式应为 YYYY-MM-DD")
    m = DATE_RE.match(raw.strip())
    if not m:
        raise CellError("日期格式应为 YYYY-MM-DD")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise CellError("日期不存在") from None


def month(raw) -> dt.date:
    """'2026-03', an Excel date cell, or a full date -> date(2026, 3, 1)."""
    if isinstance(raw, dt.date):
        return date(raw).replace(day=1)
    if is_blank(raw):
        raise CellError("不能为空")
    if not isinstance(raw, str):
        raise CellError("月份格式应为 YYYY-MM")
    value = raw.strip()
    try:
        return parse_month(value.replace("/", "-").replace(".", "-").replace("年", "-").rstrip("月"))
    except ValueError as exc:
        if str(exc) == "range":
            raise CellError("月份不存在（月应为 01–12）") from None
    try:
        return date(value).replace(day=1)
    except CellError as exc:
        raise CellError("日期不存在" if str(exc) == "日期不存在" else "月份格式应为 YYYY-MM") from None


def score(raw) -> Decimal:
    if isinstance(raw, (bool, dt.date, dt.timedelta)):
        raise CellError("评分应为 0–5 的数字")
    try:
        value = Decimal(repr(raw) if isinstance(raw, float) else str(raw).strip())
    except ArithmeticError:
        raise CellError("评分应为 0–5 的数字") from None
    if not value.is_finite() or not 0 <= value <= 5:
        raise CellError("评分应在 0–5 之间")
    if value != value.quantize(Decimal("0.1")):
        raise CellError("评分最多一位小数")
    return value.quantize(Decimal("0.1"))


def _choices(enum, *aliases: tuple[str, str]) -> dict[str, str]:
    out = {}
    for value, label in enum.choices:
        out[value.lower()] = value
        out[str(label).lower()] = value
    out.update((alias.lower(), value) for alias, value in aliases)
    return out


CHOICES = {
    "status": _choices(Status),
    "tariff_effect": _choices(TariffEffect, ("增加", "increase"), ("减少", "decrease")),
    "kill_degree": _choices(KillDegree),
    "attitude": _choices(Attitude),
    "roles": _choices(BuyingRole),
}
CHOICE_HINTS = {
    "status": "进行中/赢单/丢单/放弃 或 open/won/lost/abandoned",
    "tariff_effect": "增加/减少 或 increase/decrease",
    "kill_degree": "高/低 或 high/low",
    "attitude": "支持/中立/反对 或 support/neutral/oppose",
    "roles": "提出需求/寻找/决策/使用/评价 或 initiator/searcher/decider/user/evaluator",
}


def choice(key: str, raw) -> str:
    value = required_text(raw)
    try:
        return CHOICES[key][value.lower()]
    except KeyError:
        raise CellError(f"应为 {CHOICE_HINTS[key]}") from None


def items(raw) -> list[str]:
    return [part for part in LIST_SPLIT.split(text(raw)) if part]


def roles(raw) -> list[str]:
    """Comma-separated roles -> BuyingRole values in the course's order."""
    found = set()
    for part in items(raw):
        if part.lower() not in CHOICES["roles"]:
            raise CellError(f"“{part}”不是角色；应为 {CHOICE_HINTS['roles']}")
        found.add(CHOICES["roles"][part.lower()])
    return [r for r in BuyingRole.values if r in found]


def evidence(raw) -> list[str]:
    """'E2, e1' -> ['E1', 'E2'] (E1–E12, in reading order)."""
    found = set()
    for part in items(raw):
        if part.upper() not in EVIDENCE_CODES:
            raise CellError(f"“{part}”不是证据编码；应为 E1–E12")
        found.add(part.upper())
    return [c for c in EVIDENCE_CODES if c in found]


def project_codes(raw) -> frozenset[str]:
    return frozenset(items(raw))


CODE = partial(required_text, max_length=32)
USERNAME = partial(required_text, max_length=150)


def _text(n):
    return partial(required_text, max_length=n)


def _optional_text(n):
    return partial(text, max_length=n)


# --- headers ---------------------------------------------------------------------


@dataclass
class Header:
    sheet: Sheet
    name: str  # the sheet's name in the file
    index: dict[str, int]  # field key -> position
    labels: dict[str, str]  # field key -> header as written
    complete: bool  # every required column is there

    def has(self, key: str) -> bool:
        return key in self.index


def _rows(sheet: SheetData) -> Iterator[tuple[int, list]]:
    """(Excel row number, cells) of the non-blank rows."""
    for number, cells in enumerate(sheet.rows(), start=1):
        first = cells[0] if cells else None
        if first.__class__ is str and first and not first.isspace():
            yield number, cells  # the usual row: a code in the first column
            continue
        for cell in cells:
            if not is_blank(cell):
                yield number, cells
                break


def read_header(sheet: Sheet, name: str, rows: Iterator[tuple[int, list]], plan: Plan) -> Header | None:
    first = next(rows, None)
    if first is None:
        return None  # an empty sheet: nothing to import
    number, cells = first
    index, labels, complete = {}, {}, True
    for position, raw in enumerate(cells):
        if is_blank(raw):
            continue
        column = column_for(sheet, raw)
        if column is None:
            plan.warnings.append(f"工作表“{name}”的列“{plain(raw)}”不是模板中的列，已忽略")
        elif column.key in index:
            plan.error(name, number, plain(raw), raw, f"列重复（与“{labels[column.key]}”是同一列）")
            complete = False
        else:
            index[column.key], labels[column.key] = position, plain(raw)
    for column in sheet.columns:
        if not column.optional and column.key not in index:
            plan.error(name, number, column.zh, "", f"缺少必需的列“{column.zh}”（{column.key}）")
            complete = False
    return Header(sheet, name, index, labels, complete)


# --- the plan --------------------------------------------------------------------


class _Builder:
    def __init__(self, book: list[SheetData], existing: Existing):
        self.existing = existing
        self.plan = Plan()
        self.sheets: dict[str, SheetData] = {}
        self.codes: dict[str, str] = {}  # intern table
        self.in_file: dict[str, set[str]] = {"products": set(), "customers": set(), "projects": set()}
        self.user_cells: list[tuple[str, int, str, str]] = []  # (sheet, row, column, username)
        for sheet in book:
            if sheet.key is None:
                if sheet.name.strip().lower() not in INSTRUCTIONS_NAMES:
                    self.plan.warnings.append(f"工作表“{sheet.name}”不是模板中的工作表，已忽略")
            elif sheet.key in self.sheets:
                self.plan.error(sheet.name, None, "", sheet.name,
                                f"工作表重复（与“{self.sheets[sheet.key].name}”是同一张表）")
            else:
                self.sheets[sheet.key] = sheet
        if not self.sheets and not self.plan.error_count:
            self.plan.error("", None, "", "", "未找到可识别的工作表（产品、客户、资费、项目、联系人）")

    def build(self) -> Plan:
        headers, streams = {}, {}
        for key in SHEET_ORDER:
            if key in self.sheets:
                self.plan.sheets[key] = SheetPlan()
                rows = _rows(self.sheets[key])
                header = read_header(SHEETS[key], self.sheets[key].name, rows, self.plan)
                if header is not None:
                    headers[key], streams[key] = header, rows
        # Codes defined anywhere in the file are known everywhere in it (sheets
        # come in any order), so parse the three small code sheets first.
        parsed = {}
        for key in ("products", "customers", "projects"):
            if key not in headers:
                continue
            if headers[key].complete:
                parsed[key] = getattr(self, f"_parse_{key}")(headers[key], streams[key])
            elif headers[key].has("code"):
                self._register_codes(key, headers[key], streams[key])
        self._resolve_users()
        for key, rows in parsed.items():
            self._plan_rows(key, headers[key], rows)
        if "contributions" in headers and headers["contributions"].complete:
            self._plan_contributions(headers["contributions"], streams["contributions"])
        if "contacts" in headers and headers["contacts"].complete:
            self._plan_contacts(headers["contacts"], streams["contacts"])
        return self.plan

    # --- helpers -----------------------------------------------------------

    def intern(self, value: str) -> str:
        return self.codes.setdefault(value, value)

    def cell(self, header: Header, number: int, cells: list, key: str, convert):
        """Convert one cell; on failure record the error and return None."""
        position = header.index[key]
        raw = cells[position] if position < len(cells) else None
        try:
            return convert(raw)
        except CellError as exc:
            self.plan.error(header.name, number, header.labels[key], raw, str(exc))
            return None

    def optional(self, header: Header, number: int, cells: list, key: str, convert):
        """An optional column: missing or blank -> None, which keeps what is stored."""
        position = header.index.get(key)
        if position is None or position >= len(cells) or is_blank(cells[position]):
            return None
        return self.cell(header, number, cells, key, convert)

    def known(self, kind: str, code: str) -> bool:
        return code in self.in_file[kind] or code in getattr(self.existing, kind)

    def reference(self, header, number, cells, key, kind: str, what: str):
        code = self.cell(header, number, cells, key, CODE)
        if code is not None and not self.known(kind, code):
            self.plan.error(header.name, number, header.labels[key], code, f"未知的{what}编码（文件和系统中都没有）")
            return None
        return None if code is None else self.intern(code)

    def _register_codes(self, kind, header, rows):
        """A sheet with a bad header still defines its codes (no cascade of
        "unknown code" errors in the sheets that refer to them)."""
        position = header.index["code"]
        for _number, cells in rows:
            if position < len(cells) and not is_blank(cells[position]):
                self.in_file[kind].add(plain(cells[position]))

    def _keyed(self, kind, header, rows, parse_values):
        """Rows with a unique code -> [(code, values)]; rows with any error are dropped."""
        out, seen = [], {}
        for number, cells in rows:
            before = self.plan.error_count
            code = self.cell(header, number, cells, "code", CODE)
            values = parse_values(header, number, cells)
            if code is None:
                continue
            code = self.intern(code)
            self.in_file[kind].add(code)
            if code in seen:
                self.plan.error(header.name, number, header.labels["code"], code,
                                f"编码重复（与第 {seen[code]} 行相同）")
                continue
            seen[code] = number
            if self.plan.error_count == before:
                out.append((code, values))
        return out

    def _plan_rows(self, key: str, header: Header, rows: list[tuple]) -> None:
        plan = self.plan.sheets[key]
        stored = getattr(self.existing, key)
        for code, values in rows:
            self._diff(plan, stored.get(code), code, values)

    @staticmethod
    def _diff(plan: SheetPlan, old: dict | None, key, values: dict) -> None:
        """Add, update (the fields the file changes, nothing else) or count as unchanged."""
        if old is None:
            plan.add.append((key, values))
            return
        given = {k: v for k, v in values.items() if v is not None}
        changes = {k: v for k, v in given.items() if old.get(k) != v}
        if changes:
            plan.update.append((old["id"], key, changes, {k: old.get(k) for k in given}))
        else:
            plan.unchanged += 1

    # --- products, customers, projects ---------------------------------------

    def _parse_products(self, header, rows):
        def values(header, number, cells):
            return {"name": self.cell(header, number, cells, "name", _text(100)),
                    "series": self.cell(header, number, cells, "series", _text(100))}

        return self._keyed("products", header, rows, values)

    def _parse_customers(self, header, rows):
        factors = [c.key for c in header.sheet.columns if c.kind == "score" and header.has(c.key)]

        def values(header, number, cells):
            out = {"name": self.cell(header, number, cells, "name", _text(200)),
                   "industry": self.optional(header, number, cells, "industry", _optional_text(100)),
                   "owner": self._username(header, number, cells)}
            for key in factors:
                out[key] = self.optional(header, number, cells, key, score)
            return out

        return self._keyed("customers", header, rows, values)

    def _parse_projects(self, header, rows):
        def values(header, number, cells):
            out = {
                "name": self.cell(header, number, cells, "name", _text(200)),
                "customer": self.reference(header, number, cells, "customer", "customers", "客户"),
                "product": self.reference(header, number, cells, "product", "products", "产品"),
                "owner": self._username(header, number, cells),
                "amount": self.cell(header, number, cells, "amount", money),
                "expected_close": self.cell(header, number, cells, "expected_close", date),
                "status": self.cell(header, number, cells, "status", partial(choice, "status")),
                "tariff_effect": self.cell(header, number, cells, "tariff_effect", partial(choice, "tariff_effect")),
                "kill_degree": self.cell(header, number, cells, "kill_degree", partial(choice, "kill_degree")),
            }
            if header.has("evidence"):  # present and empty means: no evidence
                out["evidence"] = self.cell(header, number, cells, "evidence", evidence)
            return out

        return self._keyed("projects", header, rows, values)

    def _username(self, header, number, cells):
        username = self.cell(header, number, cells, "manager", USERNAME)
        if username is not None:
            self.user_cells.append((header.name, number, header.labels["manager"], username))
        return username

    def _resolve_users(self):
        """Unknown usernames become new managers; another region's user is an error."""
        names = {cell[3] for cell in self.user_cells}
        found = self.existing.users(names) if names else {}
        region = self.existing.region
        new, joining = set(), set()
        for sheet, number, column, username in self.user_cells:
            user = found.get(username)
            if user is None:
                if USERNAME_RE.match(username):
                    new.add(username)
                else:
                    self.plan.error(sheet, number, column, username, "用户名只能包含字母、数字、汉字和 @ . + - _")
            elif region in user.regions:
                continue
            elif user.regions:
                others = "、".join(sorted(user.regions))
                self.plan.error(sheet, number, column, username,
                                f"该用户属于其他区域（{others}），不能负责本区域的客户或项目")
            elif user.role == "manager":
                # an account manager not yet in any region joins this one (listed in the preview)
                joining.add(username)
            else:
                # a director's or executive's access is the administrator's decision, never an import's
                self.plan.error(sheet, number, column, username, "该用户不是客户经理，不能负责客户或项目")
        self.plan.new_users, self.plan.joining_users = sorted(new), sorted(joining)

    # --- contributions -------------------------------------------------------

    def _plan_contributions(self, header: Header, rows):
        """The big one: a tight loop, ints for money, one dict probe per row.
        (About 5 µs a row; 720,000 rows are most of an import's Python time.)"""
        name, labels = header.name, header.labels
        plan = self.plan.sheets["contributions"]
        customers = {code: c["id"] for code, c in self.existing.customers.items()}
        products = {code: p["id"] for code, p in self.existing.products.items()}
        known_c = self.in_file["customers"] | set(customers)
        known_p = self.in_file["products"] | set(products)
        stored = self.existing.contributions
        index = header.index
        ci, pi, mi = index["customer"], index["product"], index["month"]
        ri, ki, ai = index["revenue"], index["cost"], index["arrears"]
        width = max(index.values()) + 1
        months: dict = {}
        fens: dict = {}  # amount text -> fen: the same amounts recur (0 above all)
        seen: dict = {}
        intern, error = self.codes.setdefault, self.plan.error
        add, update = plan.add, plan.update
        unchanged = 0

        def fen_of(raw, key, number):
            try:
                value = money_fen(0 if is_blank(raw) else raw)  # an empty amount cell is 0
            except CellError as exc:
                error(name, number, labels[key], raw, str(exc))
                return None
            if len(fens) < 100_000 and (raw.__class__ is str or raw.__class__ is float):
                fens[raw] = value
            return value

        for number, cells in rows:
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            c, p, m = cells[ci], cells[pi], cells[mi]
            c = c.strip() if c.__class__ is str else plain(c)
            p = p.strip() if p.__class__ is str else plain(p)
            ok = True
            if c not in known_c:
                ok = False
                error(name, number, labels["customer"], c, "未知的客户编码（文件和系统中都没有）" if c else "不能为空")
            if p not in known_p:
                ok = False
                error(name, number, labels["product"], p, "未知的产品编码（文件和系统中都没有）" if p else "不能为空")
            month_date = months.get(m)
            if month_date is None:
                try:
                    month_date = month(m)
                    if m.__class__ is str or m.__class__ is dt.date:
                        months[m] = month_date
                except CellError as exc:
                    ok = False
                    error(name, number, labels["month"], m, str(exc))
            # (True == 1.0 as a dict key: a bool must not hit a cached 1.0)
            r, k, a = cells[ri], cells[ki], cells[ai]
            r = None if r.__class__ is bool else fens.get(r)
            if r is None:
                r = fen_of(cells[ri], "revenue", number)
            k = None if k.__class__ is bool else fens.get(k)
            if k is None:
                k = fen_of(cells[ki], "cost", number)
            a = None if a.__class__ is bool else fens.get(a)
            if a is None:
                a = fen_of(cells[ai], "arrears", number)
            if not ok or r is None or k is None or a is None:
                continue
            c, p = intern(c, c), intern(p, p)
            key = (c, p, month_date)
            first = seen.setdefault(key, number)
            if first != number:
                error(name, number, labels["month"], f"{c} × {p} × {month_date:%Y-%m}",
                      f"同一客户、产品、月份重复（与第 {first} 行相同）")
                continue
            cid, pid = customers.get(c), products.get(p)
            old = stored.get((cid, pid, month_date)) if cid is not None and pid is not None else None
            if old is None:
                add.append((c, p, month_date, r, k, a))
            elif old[1] == r and old[2] == k and old[3] == a:
                unchanged += 1
            else:
                update.append((old, c, p, month_date, r, k, a))
        plan.unchanged = unchanged

    # --- contacts ----------------------------------------------------------

    def _plan_contacts(self, header: Header, rows):
        plan = self.plan.sheets["contacts"]
        seen = {}
        for number, cells in rows:
            before = self.plan.error_count
            customer = self.reference(header, number, cells, "customer", "customers", "客户")
            person = self.cell(header, number, cells, "name", _text(100))
            values = {
                "title": self.optional(header, number, cells, "title", _optional_text(100)),
                "roles": self.cell(header, number, cells, "roles", roles),
                "attitude": self.cell(header, number, cells, "attitude", partial(choice, "attitude")),
                "last_met": self.optional(header, number, cells, "last_met", date),
                "projects": self.optional(header, number, cells, "projects", project_codes),
            }
            unknown = sorted(p for p in values["projects"] or () if not self.known("projects", p))
            if unknown:
                self.plan.error(header.name, number, header.labels["projects"], "，".join(unknown),
                                "未知的项目编码（文件和系统中都没有）")
            if customer is None or person is None:
                continue
            key = (customer, person)
            if key in seen:
                self.plan.error(header.name, number, header.labels["name"], person,
                                f"同一客户的联系人重复（与第 {seen[key]} 行相同）")
                continue
            seen[key] = number
            if self.plan.error_count == before:
                values["projects"] = values["projects"] and frozenset(self.intern(p) for p in values["projects"])
                self._diff(plan, self.existing.contacts.get(key), key, values)


def build_plan(book: Iterable[SheetData], existing: Existing) -> Plan:
    """Validate every sheet and compare it with what is stored."""
    return _Builder(list(book), existing).build()


# --- what a preview read, and what changed since ------------------------------------
# A preview keeps, for each row it would update, the stored values it compared
# (its fingerprint), and the keys of the rows it would add. The import writes
# only if the rows are still as read: at confirm against the preview's record
# (`as_previewed`), and again under row locks inside the writing transaction
# (`row_changes`, called by import_services).

MONEY_FIELDS = ("revenue", "cost", "arrears")  # a contribution's read values, in fen
CHOICE_ENUMS = {"status": Status, "tariff_effect": TariffEffect, "kill_degree": KillDegree,
                "attitude": Attitude, "roles": BuyingRole}


@dataclass(frozen=True)
class Changed:
    """A row the import would write that was changed in the application after
    the preview read it (the import then writes nothing and lists these)."""

    sheet: str  # 项目
    key: str  # P0001; 王伟（C1）; C1 × P1 × 2026-01
    what: str  # 证据 已被修改（预览时 E1,E2，现在 E1,E2,E3）

    def __str__(self):
        return f"{self.sheet} {self.key}：{self.what}"


def stamp(value):
    """A stored value as plain JSON data that compares equal when the value
    does (the preview keeps these between the upload and the confirmation)."""
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def shown(field_name: str, value) -> str:
    """A stamped value as the user wrote it in the workbook (labels, not codes)."""
    if value is None or value == "" or value == []:
        return _("（空）")
    enum = CHOICE_ENUMS.get(field_name)
    values = value if isinstance(value, list) else [value]
    labels = []
    for v in values:
        try:
            labels.append(str(enum(v).label) if enum else str(v))
        except ValueError:
            labels.append(str(v))
    return ",".join(labels)


def _label(sheet: str, field_name: str) -> str:
    if field_name == "owner":
        field_name = "manager"
    return next((c.zh for c in SHEETS[sheet].columns if c.key == field_name), field_name)


def _shown_key(sheet: str, key) -> str:
    if sheet == "contributions":
        c, p, m = key
        return f"{c} × {p} × {m:%Y-%m}"
    if sheet == "contacts":
        return f"{key[1]}（{key[0]}）"
    return key


def _identity(sheet: str, key):
    """The part of a row's key the application could change: a contact's name."""
    return key[1] if sheet == "contacts" else key


def changed_row(sheet: str, key, what: str) -> Changed:
    return Changed(SHEETS[sheet].zh, _shown_key(sheet, key), what)


CREATED = gettext_noop("已被他人新增（预览时还没有）")
DELETED = gettext_noop("已被删除（预览时还在）")


def row_changes(sheet: str, key, before, now) -> Changed | None:
    """Compare a row as read for the preview (`before`) with the row now.

    before: {field: value} of the fields the row gives (values or stamps), or
    for a contribution (revenue, cost, arrears) in fen; now: the stored row as
    `Existing` holds it (a contribution: (r, c, a)), None when it is gone."""
    if now is None:
        return changed_row(sheet, key, _(DELETED))
    diffs = []
    if sheet == "contributions":
        for name, b, n in zip(MONEY_FIELDS, before, now):
            if b != n:
                diffs.append((_label(sheet, name), str(fen_to_decimal(b)), str(fen_to_decimal(n))))
    else:
        identity = "name" if sheet == "contacts" else "code"
        if identity in now and now[identity] != _identity(sheet, key):
            diffs.append((_label(sheet, identity), _identity(sheet, key), now[identity]))
        for name, value in before.items():
            b, n = stamp(value), stamp(now.get(name))
            if b != n:
                diffs.append((_label(sheet, name), shown(name, b), shown(name, n)))
    if not diffs:
        return None
    return changed_row(sheet, key, "；".join(
        _("%(field)s 已被修改（预览时 %(before)s，现在 %(now)s）") % {"field": f, "before": b, "now": n}
        for f, b, n in diffs))


def _add_key(sheet: str, row):
    return row[:3] if sheet == "contributions" else row[0]


def _update_key(sheet: str, row):
    return row[1:4] if sheet == "contributions" else row[1]


def _update_read(sheet: str, row):
    return row[0][1:] if sheet == "contributions" else {k: stamp(v) for k, v in row[3].items()}


def _current(existing: Existing, sheet: str, key):
    """The row with this key as stored now (a contribution: its (r, c, a)), or None."""
    if sheet != "contributions":
        return getattr(existing, sheet).get(key)
    c, p, m = key
    stored = existing.contributions.get(
        ((existing.customers.get(c) or {}).get("id"), (existing.products.get(p) or {}).get("id"), m))
    return None if stored is None else stored[1:]


@dataclass
class Preview:
    """What a preview read of the rows it would write: for each sheet, the
    stamped stored values of every row to update (contributions: (r, c, a) in
    fen) and the keys of the rows to add; the users it would create or enrol."""

    read: dict[str, dict] = field(default_factory=dict)
    added: dict[str, set] = field(default_factory=dict)
    new_users: list[str] = field(default_factory=list)
    joining_users: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, plan: Plan) -> "Preview":
        return cls(
            read={s: {_update_key(s, row): _update_read(s, row) for row in p.update} for s, p in plan.sheets.items()},
            added={s: {_add_key(s, row) for row in p.add} for s, p in plan.sheets.items()},
            new_users=list(plan.new_users), joining_users=list(plan.joining_users),
        )

    def to_data(self) -> dict:
        """Plain JSON data. Contributions are nested customer -> product ->
        month (a first import's preview adds 720,000 of them)."""
        data = {"sheets": {}, "new_users": self.new_users, "joining_users": self.joining_users}
        for s in self.read.keys() | self.added.keys():
            read, added = self.read.get(s, {}), self.added.get(s, ())
            if s == "contributions":
                data["sheets"][s] = {"read": _nested(read.items()), "added": _nested((k, None) for k in added)}
            else:
                key = list if s == "contacts" else str
                data["sheets"][s] = {"read": [[key(k), v] for k, v in read.items()], "added": [key(k) for k in added]}
        return data

    @classmethod
    def from_data(cls, data: dict) -> "Preview":
        preview = cls(new_users=data["new_users"], joining_users=data["joining_users"])
        for s, d in data["sheets"].items():
            if s == "contributions":
                preview.read[s] = {k: tuple(v) for k, v in _flat(d["read"])}
                preview.added[s] = {k for k, _none in _flat(d["added"])}
            else:
                key = tuple if s == "contacts" else str
                preview.read[s] = {key(k): v for k, v in d["read"]}
                preview.added[s] = {key(k) for k in d["added"]}
        return preview


def _nested(items) -> dict:
    """((customer, product, month), value) -> {customer: {product: {"YYYY-MM-DD": value}}}."""
    out, iso = {}, {}
    for (c, p, m), value in items:
        by_product = out.get(c)
        if by_product is None:
            by_product = out[c] = {}
        by_month = by_product.get(p)
        if by_month is None:
            by_month = by_product[p] = {}
        month = iso.get(m)
        if month is None:
            month = iso[m] = m.isoformat()
        by_month[month] = value
    return out


def _flat(nested: dict) -> Iterator[tuple]:
    months = {}
    for c, by_product in nested.items():
        for p, by_month in by_product.items():
            for month, value in by_month.items():
                m = months.get(month)
                if m is None:
                    m = months[month] = dt.date.fromisoformat(month)
                yield (c, p, m), value


def as_previewed(plan: Plan, preview: Preview, existing: Existing) -> list[Changed]:
    """Make `plan` (built against the data as they are now) the plan its
    preview showed, and list the rows that changed since the preview.

    A row the preview would update must still hold what the preview read; a
    row it would add must still be missing, and a row it would not add must
    still be there. A row the preview showed unchanged that someone has
    changed since is left out of the plan: the import does not write it."""
    changed = []
    for sheet, sheet_plan in plan.sheets.items():
        read, added = preview.read.get(sheet, {}), preview.added.get(sheet, set())
        for key, before in read.items():
            if (row := row_changes(sheet, key, before, _current(existing, sheet, key))) is not None:
                changed.append(row)
        created = [key for key in added if _current(existing, sheet, key) is not None]
        changed += [changed_row(sheet, key, _(CREATED)) for key in sorted(created)]
        gone = [key for key in map(partial(_add_key, sheet), sheet_plan.add) if key not in added and key not in read]
        changed += [changed_row(sheet, key, _(DELETED)) for key in gone]
        kept = [row for row in sheet_plan.update if _update_key(sheet, row) in read]
        sheet_plan.unchanged += len(sheet_plan.update) - len(kept)
        sheet_plan.update = kept
    users = (set(plan.new_users) ^ set(preview.new_users)) | (set(plan.joining_users) ^ set(preview.joining_users))
    users |= set(existing.users(set(preview.new_users)) if preview.new_users else ())  # created since
    changed += [Changed(_("用户"), name, _("预览之后已被他人创建、删除或调整了区域")) for name in sorted(users)]
    return changed
