"""Set-based reads of a region's projects for the funnel and the analysis."""

import datetime as dt
import functools
from collections import defaultdict

from django.db.models import TextField
from django.db.models.functions import Cast

from pipeline.models import EvidenceCriterion, Project, Status, WeeklySnapshot
from pipeline.rules import EVIDENCE
from tsm.lib.jsonlists import parse_list


def open_project_rows(region, projects=None) -> list[dict]:
    qs = projects if projects is not None else Project.objects.filter(region=region)
    rows = list(
        qs.filter(status=Status.OPEN)
        .order_by()  # callers sort; a text sort of 20,000 codes is not free
        .values("id", "code", "name", "customer_id", "product_id", "owner_id", "amount", "expected_close",
                "status", "tariff_effect", "kill_degree", evidence_text=Cast("evidence", TextField()))
    )
    for row in rows:
        # Only the catalogue's codes count: a code typed into the admin that
        # is not E1–E12 must not stop the region's analysis.
        row["evidence"] = _known(parse_list(row.pop("evidence_text")))
    return rows


@functools.cache
def _known(codes: tuple) -> tuple:
    return tuple(code for code in codes if code in EVIDENCE)


def evidence_wording() -> dict[str, str]:
    """E1–E12 as the EvidenceCriterion table words them (the admin edits it)."""
    wording = dict(EvidenceCriterion.objects.filter(code__in=EVIDENCE).values_list("code", "text"))
    return {code: wording.get(code, code) for code in EVIDENCE}


def project_contact_links(region, project_ids=None) -> list[tuple[int, int]]:
    """(project_id, contact_id) for the region's open projects: one query on the M2M table."""
    qs = Project.contacts.through.objects.filter(project__region=region, project__status=Status.OPEN)
    if project_ids is not None:
        qs = qs.filter(project_id__in=project_ids)
    return list(qs.values_list("project_id", "contact_id").order_by())


def recent_snapshots(region, as_of: dt.date, weeks: int, project_ids=None) -> dict[int, list[tuple[str, int]]]:
    """(layer, win rate) of each open project's snapshots, oldest first, over
    the last `weeks` ISO weeks up to `as_of` (enough for the stagnation rule)."""
    since = as_of - dt.timedelta(weeks=weeks)
    y0, w0, _ = since.isocalendar()
    y1, w1, _ = as_of.isocalendar()
    rows = (
        WeeklySnapshot.objects.filter(project__region=region, project__status=Status.OPEN)
        .filter(iso_year__gte=y0)
        .filter(**({"project_id__in": project_ids} if project_ids is not None else {}))
        .values_list("project_id", "iso_year", "iso_week", "layer", "win_rate")
        .order_by("project_id", "iso_year", "iso_week")
    )
    out: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for project_id, year, week, layer, rate in rows:
        if (y0, w0) <= (year, week) <= (y1, w1):
            out[project_id].append((layer, rate))
    return out
