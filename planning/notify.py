"""Mail of the plan's workflow (DOMAIN §6.1, §6.2): who is told what, on
each event — a submission → every executive; an approval or a return → the
region's directors; a change of targets that voids a signature → that
manager. Sent through Django's mail settings once the transaction commits
(nothing is sent for a move that was refused and rolled back); a mail that
cannot be sent is logged, never undoes the move. The same things wait on
each person's home page (planning.todo)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from planning.choices import SECTION_TITLES
from teams.choices import Role
from teams.models import User

log = logging.getLogger(__name__)


def _send(subject: str, body: str, users) -> None:
    recipients = sorted({u.email for u in users if u.email and u.is_active})
    if not recipients:
        return

    def send():
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # the move stands; the home page still shows it
            log.exception("workflow mail not sent: %s", subject)

    transaction.on_commit(send)


def _link(path: str) -> str:
    """The page's address on SITE_URL (the path alone when it is not set)."""
    return settings.SITE_URL + path


def _plan_path(plan) -> str:
    return _link(reverse("plan", kwargs={"region": plan.region.code, "period": plan.period}))


def _version_path(version) -> str:
    return _link(reverse("plan_version", kwargs={"region": version.plan.region.code, "period": version.plan.period,
                                                 "number": version.number}))


def _directors(region):
    return User.objects.filter(role=Role.DIRECTOR, regions=region)


def plan_submitted(version) -> None:
    plan = version.plan
    names = {"region": plan.region.name, "period": plan.period, "number": version.number}
    _send(_("【待批准】%(region)s %(period)s 营销计划（第 %(number)s 版）") % names,
          _("%(region)s 的 %(period)s 营销计划已提交（第 %(number)s 版），请审阅后批准或退回：") % names
          + "\n" + _version_path(version),
          User.objects.filter(role=Role.EXECUTIVE))


def plan_decided(version) -> None:
    plan = version.plan
    approved = version.status == "approved"
    names = {"region": plan.region.name, "period": plan.period, "number": version.number}
    if approved:
        subject = _("【已批准】%(region)s %(period)s 营销计划（第 %(number)s 版）") % names
        body = _("%(region)s 的 %(period)s 营销计划第 %(number)s 版已批准。") % names
    else:
        subject = _("【被退回】%(region)s %(period)s 营销计划（第 %(number)s 版）") % names
        body = _("%(region)s 的 %(period)s 营销计划第 %(number)s 版被退回。") % names
    if version.comment:
        body += "\n" + _("批示：%(comment)s") % {"comment": version.comment}
    body += "".join(f"\n· {SECTION_TITLES.get(key, key)}：{text}"
                    for key, text in (version.section_comments or {}).items())
    _send(subject, body + "\n" + (_version_path(version) if approved else _plan_path(plan)),
          _directors(plan.region))


def signatures_voided(plan, managers) -> None:
    """A change of the decomposition voided these managers' signatures: each is asked to sign again."""
    names = {"region": plan.region.name, "period": plan.period}
    link = _link(reverse("revenue_split", kwargs={"region": plan.region.code, "period": plan.period}))
    for manager in managers:
        _send(_("【请重新签字】%(region)s %(period)s 营销目标已变更") % names,
              _("您在 %(region)s %(period)s 营销计划中的目标已变更，原签字失效，请核对后重新签字：") % names
              + "\n" + link,
              [manager])
