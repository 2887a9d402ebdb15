"""Writes of the plan document (§6.2): a section's text (and 资金占用) at its
version, and the director's answer to a flagged item of 问题分析.

A section's text is versioned on its own (Plan.section_versions): two
directors editing different sections both land; a save of a section read at
an older version is refused, naming what the section holds now. An answer is
one value: saving replaces it, never refused."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planning.document import CAPITAL, SECTION_TITLES, TEXT_KEYS
from planning.models import Plan, PlanAnswer, PlanStatus
from planning.revenue import parse_money
from tsm.lib.versions import StaleEdit, what_changed

TEXT_MAX = 20000
ANSWER_MAX = 4000
KEY_MAX = 120


def _draft(plan: Plan) -> None:
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise ValidationError(_("计划已提交或已批准，不能再修改文字"))


def section_label(key: str) -> str:
    return str(SECTION_TITLES[key]) if key in SECTION_TITLES else _("资金占用")


def section_text_save(*, plan: Plan, key: str, text: str, version: int, seen: str | None = None) -> int:
    """Write one section's text (or, for CAPITAL, 资金占用 as a money string)
    if the section is still at `version`; returns its new version. Refused
    (StaleEdit, nothing written) when someone saved that section since."""
    if key not in TEXT_KEYS:
        raise ValidationError(_("没有这一节：%(key)s") % {"key": key})
    text = (text or "").replace("\r\n", "\n").strip()
    if key == CAPITAL:
        amount = parse_money(text, _("资金占用"), required=False)
        text = f"{amount:.2f}" if amount is not None else ""
    elif len(text) > TEXT_MAX:
        raise ValidationError(_("“%(section)s”的文字过长：%(n)s 字，最多 %(max)s 字")
                              % {"section": section_label(key), "n": len(text), "max": TEXT_MAX})
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        _draft(locked)
        now = (locked.section_versions or {}).get(key, 0)
        if now != version:
            current = (locked.sections or {}).get(key, "")
            raise StaleEdit(what_changed([("text", section_label(key))],
                                         {"text": seen if seen is not None else text}, {"text": current})
                            or [(section_label(key), _("已被他人修改"))])
        sections = {**(locked.sections or {}), key: text}
        versions = {**(locked.section_versions or {}), key: now + 1}
        Plan.objects.filter(pk=plan.pk).update(sections=sections, section_versions=versions,
                                               updated_at=timezone.now())
    plan.sections, plan.section_versions = sections, versions
    return now + 1


def answer_save(*, plan: Plan, key: str, text: str, user) -> PlanAnswer:
    """The director's answer to the flagged item `key` (one value, replaces any before)."""
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise ValidationError(_("问题分析的条目无效"))
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > ANSWER_MAX:
        raise ValidationError(_("回答过长：%(n)s 字，最多 %(max)s 字") % {"n": len(text), "max": ANSWER_MAX})
    _draft(plan)
    now = timezone.now()
    PlanAnswer.objects.bulk_create(
        [PlanAnswer(plan=plan, key=key, text=text, answered_by=user, answered_at=now)],
        update_conflicts=True, unique_fields=["plan", "key"], update_fields=["text", "answered_by", "answered_at"])
    return PlanAnswer.objects.get(plan=plan, key=key)
