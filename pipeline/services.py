"""Writes to projects: keyword-only, validated, in a transaction, and each
marks the region's data as changed (cached analyses are keyed on it)."""

from django.core.exceptions import ValidationError
from django.db import transaction

from pipeline.models import Project, Status
from pipeline.rules import EVIDENCE


def project_set_evidence(*, project: Project, codes: list[str], user) -> Project:
    """Replace the ticked win-rate criteria; the win rate follows from them."""
    unknown = sorted(set(codes) - EVIDENCE.keys())
    if unknown:
        raise ValidationError(f"未知的证据代码：{', '.join(unknown)}（应为 E1–E12）")
    if project.status != Status.OPEN:
        raise ValidationError("项目已结束，不能再修改证据")
    ordered = [code for code in EVIDENCE if code in set(codes)]
    with transaction.atomic():
        Project.objects.filter(pk=project.pk).update(evidence=ordered)
        project.evidence = ordered
        project.region.touch()
    return project
