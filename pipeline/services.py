"""Writes to projects: keyword-only, validated, in a transaction, and each
marks the region's data as changed (cached analyses are keyed on it)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pipeline.models import Project, Status
from pipeline.rules import EVIDENCE


def project_evidence_toggle(*, project: Project, code: str, ticked: bool, user) -> Project:
    """Tick or untick one win-rate criterion; the win rate follows from them.

    An atomic change of that one value, never refused for a version: someone
    ticking another box of the same project meanwhile keeps their tick."""
    _check_codes({code})
    return _evidence_change(project, add={code} if ticked else set(), remove=set() if ticked else {code})


def project_evidence_apply(*, project: Project, shown: list[str], chosen: list[str], user) -> Project:
    """The evidence form without JavaScript: it showed `shown` ticked and the
    user left `chosen` ticked. Only the difference is applied, so a box
    ticked or unticked meanwhile by someone else, which this form did not
    show changing, stays as they left it."""
    shown, chosen = set(shown), set(chosen)
    _check_codes(shown | chosen)
    return _evidence_change(project, add=chosen - shown, remove=shown - chosen)


def _check_codes(codes: set[str]) -> None:
    unknown = sorted(codes - EVIDENCE.keys())
    if unknown:
        raise ValidationError(_("未知的证据代码：%(codes)s（应为 E1–E12）") % {"codes": "、".join(unknown)})


def _evidence_change(project: Project, *, add: set[str], remove: set[str]) -> Project:
    with transaction.atomic():
        # Read, change and write under the row lock: a concurrent change waits
        # here and then reads this one's result instead of overwriting it.
        row = Project.objects.select_for_update().only("status", "evidence").get(pk=project.pk)
        if row.status != Status.OPEN:
            raise ValidationError(_("项目已%(status)s，不能再修改证据") % {"status": row.get_status_display()})
        current = row.evidence if isinstance(row.evidence, list) else []
        # The catalogue's order, each code once; a stray code typed into the
        # admin (not E1–E12) goes with the first change.
        evidence = [code for code in EVIDENCE if code in (set(current) | add) - remove]
        if evidence != current:
            # Only the evidence column: a form's version of the project does not move.
            Project.objects.filter(pk=project.pk).update(evidence=evidence)
            project.region.touch()
    project.evidence = evidence
    return project
