"""What changed between two frozen versions of a plan (DOMAIN §6.2): pure
functions over two content dicts of planning.document.plan_content, no ORM.

`compare(old, new)` goes section by section, in the newer version's order
(a section only the older one has comes last): the text's changed lines, and
the keys of the section's data whose values differ (a nested key is named by
its path, 'a.b'); then the plan's data (INTERFACES §4 fields) the same way."""

import difflib
from typing import Any

PLAN_DATA = "data"


def changed_keys(old: Any, new: Any, prefix: str = "") -> list[str]:
    """The paths of the keys whose values differ between two JSON values,
    sorted; a list or a scalar that differs is one change at its own path."""
    if isinstance(old, dict) and isinstance(new, dict):
        keys = []
        for key in sorted(set(old) | set(new), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            if key not in old or key not in new:
                keys.append(path)
            else:
                keys.extend(changed_keys(old[key], new[key], path))
        return keys
    return [] if old == new else [prefix or "·"]


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The changed lines of a text: ('-', line) removed, ('+', line) added, in order."""
    lines = difflib.ndiff((old or "").splitlines(), (new or "").splitlines())
    return [(line[0], line[2:]) for line in lines if line[:1] in ("-", "+")]


def _sections(content: dict | None) -> dict[str, dict]:
    return {s["key"]: s for s in (content or {}).get("sections", [])}


def compare(old: dict | None, new: dict) -> list[dict]:
    """Section by section: {key, title, text (changed lines), data (changed
    data keys), changed (bool)}; the plan's data last, keyed 'data'. With no
    older version (the first submission) everything counts as new."""
    before, after = _sections(old), _sections(new)
    keys = [*after, *(k for k in before if k not in after)]
    result = []
    for key in keys:
        a, b = before.get(key, {}), after.get(key, {})
        text = text_diff(a.get("text", ""), b.get("text", ""))
        data = changed_keys(a.get("data", {}), b.get("data", {}))
        result.append({"key": key, "title": b.get("title") or a.get("title") or key, "text": text, "data": data,
                       "changed": bool(text or data)})
    data = changed_keys((old or {}).get(PLAN_DATA, {}), (new or {}).get(PLAN_DATA, {}))
    result.append({"key": PLAN_DATA, "title": "计划数据（指标、目标、分解、签字）", "text": [], "data": data,
                   "changed": bool(data)})
    return result


def headline(content: dict | None) -> dict:
    """What the executives' overview shows of a frozen version: the revenue
    target (plan data), and the growth and funnel health the 计划摘要 section's
    data carries as `growth` and `funnel_health` (None while it has none)."""
    content = content or {}
    summary = _sections(content).get("summary", {}).get("data", {}) or {}
    return {"revenue_target": (content.get(PLAN_DATA) or {}).get("revenue_target"),
            "growth": summary.get("growth"), "funnel_health": summary.get("funnel_health")}
