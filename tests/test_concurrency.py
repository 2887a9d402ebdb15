"""Two people saving at the same moment (STYLE.md: edits carry their version,
toggles and one-value saves are atomic).

Each person is a thread with its own database connection; a barrier releases
them into the service together, after each has read what it needs. A form
saved by both, read at the same version: exactly one lands, the other is
refused naming what the first changed. One-value saves of different values:
both land.

PostgreSQL only: SQLite takes one lock for the whole database, so there are
no row locks to race on and the threads would only take turns.
"""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from customers import services as customer_services
from customers.forms import CompetitorForm
from customers.models import ComparisonScore, Competitor, Customer, FACTORS, Product
from pipeline import services as pipeline_services
from pipeline.models import Project
from planning import services as planning_services
from planning.forms import ScoresForm
from planning.models import SwotAction, SwotItem, ValueFitAcceptance
from teams import services as team_services
from teams.forms import RegionSettingsForm
from teams.models import Region, RegionSettings, Role, User
from tsm.lib.versions import StaleEdit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                       reason="SQLite locks the whole database: no row locks to race on, the threads only take turns"),
]


def at_once(*people):
    """Run each person (a function of `ready`, which it calls once it has read
    what it needs) in its own thread and connection, released together into
    the service; returns what each returned or raised."""
    barrier = threading.Barrier(len(people), timeout=30)
    outcomes = [None] * len(people)

    def run(i, person):
        try:
            outcomes[i] = person(barrier.wait)
        except Exception as error:  # the outcome under test, a refusal or a failure
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, person)) for i, person in enumerate(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return outcomes


def _data_version(region) -> int:
    return Region.objects.get(pk=region.pk).data_version


def _one_landed(outcomes):
    """(the save that landed, the refusal) of two outcomes, in either order."""
    refused = [o for o in outcomes if isinstance(o, StaleEdit)]
    landed = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(refused) == 1 and len(landed) == 1, outcomes
    return outcomes.index(landed[0]), refused[0]


# --- (a) one-value saves: two factors of one customer ------------------------------------------------


def test_two_people_scoring_different_factors_of_one_customer_at_once_both_land(region_a, manager_a1):
    shown = {f: Decimal(3) for f, _ in FACTORS}
    customer = Customer.objects.create(region=region_a, code="C1", name="客户一", owner=manager_a1, **shown)
    # both panels were read at the same time: every factor at 3, each person changes one
    panel = {f: "3.0" for f, _ in FACTORS} | {f"initial-{f}": "3.0" for f, _ in FACTORS}

    def scorer(factor, score):
        def person(ready):
            form = ScoresForm(panel | {factor: score})
            assert form.is_valid(), form.errors
            mine = Customer.objects.select_related("region").get(pk=customer.pk)
            ready()
            return planning_services.customer_scores_save(customer=mine, scores=form.changed())
        return person

    outcomes = at_once(scorer("high_ground", "5"), scorer("attention", "1"))
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    stored = Customer.objects.get(pk=customer.pk)
    assert {f: getattr(stored, f) for f, _ in FACTORS} == shown | {"high_ground": Decimal(5), "attention": Decimal(1)}
    assert stored.needs_version == 0  # a score moves no form's version
    assert _data_version(region_a) == 2


def test_two_directors_scoring_the_same_empty_comparison_cell_at_once_get_no_error(region_a):
    Product.objects.create(code="P1", name="专线", series="数据")
    rival = Competitor.objects.create(region=region_a, name="对手甲", product_series="数据", rank=1)

    def scorer(cells):
        def person(ready):
            ready()
            return customer_services.scores_save(region=region_a, product_series="数据", scores=cells)
        return person

    outcomes = at_once(scorer({(None, "pricing"): 4, (rival, "pricing"): 2}),
                       scorer({(None, "pricing"): 5, (rival, "core_metrics"): 3}))
    assert outcomes == [None, None]
    scores = {(s.competitor_id, s.dimension): s.score for s in ComparisonScore.objects.all()}
    # the cell both scored holds one of the two scores; the cells each scored alone hold theirs
    assert scores in ({(None, "pricing"): 4, (rival.pk, "pricing"): 2, (rival.pk, "core_metrics"): 3},
                      {(None, "pricing"): 5, (rival.pk, "pricing"): 2, (rival.pk, "core_metrics"): 3})


# --- (b) a versioned form: the region settings ------------------------------------------------------------


def test_two_directors_saving_settings_read_at_one_version_at_once_one_lands(region_a):
    read = RegionSettingsForm(instance=RegionSettings.objects.get(region=region_a))
    shown = {name: str(read[name].value()) for name in read.fields}
    page = shown | {f"initial-{name}": value for name, value in shown.items() if name != "version"}
    assert page["version"] == "0"

    def director(field, value):
        def person(ready):
            form = RegionSettingsForm(page | {field: value}, instance=RegionSettings.objects.get(region=region_a))
            assert form.is_valid(), form.errors
            ready()
            return team_services.region_settings_save(region=Region.objects.get(pk=region_a.pk), version=0,
                                                      values=form.values(), seen=form.seen())
        return person

    outcomes = at_once(director("layer_bottom_days", "21"), director("stagnant_weeks", "6"))
    landed, refused = _one_landed(outcomes)
    stored = RegionSettings.objects.get(region=region_a)
    assert stored.version == 1 and _data_version(region_a) == 1
    if landed == 0:
        assert (stored.layer_bottom_days, stored.stagnant_weeks) == (21, 4)
        assert refused.message == "此记录已被他人修改：底层：距预计签约 ≤ 此天数 现为 21。请核对后再保存。"
    else:
        assert (stored.layer_bottom_days, stored.stagnant_weeks) == (14, 6)
        assert refused.message == "此记录已被他人修改：停滞：最近此周数内没有进展 现为 6。请核对后再保存。"


# --- (c) a versioned form: a competitor -------------------------------------------------------------------


def test_two_directors_saving_one_competitor_read_at_one_version_at_once_one_lands(region_a):
    competitor = Competitor.objects.create(region=region_a, name="对手甲", product_series="数据", rank=1,
                                           goal_note="抢占金融行业")
    read = CompetitorForm.for_competitor(competitor)
    shown = {name: "" if read[name].value() is None else str(read[name].value()) for name in read.fields}
    page = shown | {f"initial-{name}": value for name, value in shown.items() if name not in ("version", "product_series")}

    def director(**changes):
        def person(ready):
            mine = Competitor.objects.get(pk=competitor.pk)
            form = CompetitorForm.for_competitor(mine, page | changes)
            assert form.is_valid(), form.errors
            ready()
            return customer_services.competitor_save(region=Region.objects.get(pk=region_a.pk), competitor=mine,
                                                     **form.service_kwargs())
        return person

    outcomes = at_once(director(name="对手乙", rank="2"), director(goal_note="守住政企"))
    landed, refused = _one_landed(outcomes)
    stored = Competitor.objects.get(pk=competitor.pk)
    assert stored.version == 1 and _data_version(region_a) == 1
    if landed == 0:
        assert (stored.name, stored.rank, stored.goal_note) == ("对手乙", 2, "抢占金融行业")
        assert refused.message == "此记录已被他人修改：名称 现为“对手乙”，排名 现为 2。请核对后再保存。"
    else:
        assert (stored.name, stored.rank, stored.goal_note) == ("对手甲", 1, "守住政企")
        assert refused.message == "此记录已被他人修改：目标说明 现为“守住政企”。请核对后再保存。"


# --- a record created by the first save: a pairing's combined action --------------------------------------


def test_two_directors_writing_a_pairings_first_action_at_once_one_lands(region_a):
    for kind in "SWOT":
        for n in (1, 2):
            SwotItem.objects.create(region=region_a, kind=kind, text=f"{kind}{n}", advanced=True,
                                    source="industry" if kind in "OT" else "")

    def director(action):
        def person(ready):
            region = Region.objects.get(pk=region_a.pk)
            ready()
            return planning_services.swot_action_save(region=region, pairing="SO", action=action, version=0,
                                                      seen={"action": ""})
        return person

    outcomes = at_once(director("扩大专线份额"), director("抢占园区市场"))
    landed, refused = _one_landed(outcomes)
    winner = ("扩大专线份额", "抢占园区市场")[landed]
    assert list(SwotAction.objects.values_list("action", "version")) == [(winner, 1)]
    assert refused.message == f"此记录已被他人修改：组合行动 现为“{winner}”。请核对后再保存。"
    assert _data_version(region_a) == 1


# --- (d) a project: its versioned form, an evidence tick, a handover ------------------------------------------


def _open_project(region, owner):
    product = Product.objects.create(code="P1", name="专线", series="数据")
    customer = Customer.objects.create(region=region, code="C1", name="客户一", owner=owner)
    return Project.objects.create(region=region, code="X1", name="专线扩容", customer=customer, product=product,
                                  owner=owner, amount=Decimal("100000"), expected_close=dt.date(2027, 1, 1),
                                  evidence=["E1"])


def _project_values(project, **changes):
    values = {"code": project.code, "name": project.name, "customer": project.customer, "product": project.product,
              "owner": project.owner, "amount": project.amount, "expected_close": project.expected_close,
              "tariff_effect": project.tariff_effect, "kill_degree": project.kill_degree, "competitors": [],
              "contacts": []}
    return values | changes


def test_a_project_edit_and_an_evidence_tick_at_once_both_land(region_a, manager_a1):
    project = _open_project(region_a, manager_a1)

    def editor(ready):
        mine = Project.objects.select_related("region", "customer", "product", "owner").get(pk=project.pk)
        values = _project_values(mine, amount=Decimal("300000"), name="专线扩容二期")
        ready()
        return pipeline_services.project_save(project=mine, version=0, seen=_project_values(mine), by=manager_a1,
                                              **values)

    def ticker(ready):
        mine = Project.objects.select_related("region").get(pk=project.pk)
        ready()
        return pipeline_services.project_evidence_toggle(project=mine, code="E2", ticked=True, user=manager_a1)

    outcomes = at_once(editor, ticker)
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    stored = Project.objects.get(pk=project.pk)
    assert (stored.name, stored.amount, stored.evidence) == ("专线扩容二期", Decimal("300000.00"), ["E1", "E2"])
    assert stored.version == 1  # the tick moved no version
    assert _data_version(region_a) == 2


def test_two_edits_of_one_project_read_at_one_version_at_once_one_lands(region_a, director, manager_a1):
    project = _open_project(region_a, manager_a1)

    def person(by, **changes):
        def run(ready):
            mine = Project.objects.select_related("region", "customer", "product", "owner").get(pk=project.pk)
            seen = _project_values(mine)
            ready()
            return pipeline_services.project_save(project=mine, version=0, seen=seen, by=by,
                                                  **_project_values(mine, **changes))
        return run

    outcomes = at_once(person(director, amount=Decimal("300000")), person(manager_a1, name="专线扩容二期"))
    landed, refused = _one_landed(outcomes)
    stored = Project.objects.get(pk=project.pk)
    assert stored.version == 1
    if landed == 0:
        assert (stored.name, stored.amount) == ("专线扩容", Decimal("300000.00"))
        assert refused.message == "此记录已被他人修改：项目金额 现为 300,000.00。请核对后再保存。"
    else:
        assert (stored.name, stored.amount) == ("专线扩容二期", Decimal("100000.00"))
        assert refused.message == "此记录已被他人修改：项目名称 现为“专线扩容二期”。请核对后再保存。"


def test_a_handover_and_an_edit_of_one_customer_at_once_one_lands(region_a, manager_a1, manager_a2):
    project = _open_project(region_a, manager_a1)
    customer = project.customer

    def handover(ready):
        region = Region.objects.get(pk=region_a.pk)
        ready()
        return pipeline_services.customers_hand_over(region=region, departing=manager_a1,
                                                     targets={customer.pk: manager_a2})

    def editor(ready):
        mine = Customer.objects.select_related("region", "owner").get(pk=customer.pk)
        seen = {"code": mine.code, "name": mine.name, "industry": mine.industry, "owner": mine.owner}
        ready()
        return pipeline_services.customer_edit(customer=mine, version=0, seen=seen, code="C1", name="客户一（改）",
                                               industry="", owner=mine.owner)

    handed, edited = at_once(handover, editor)
    assert not isinstance(handed, Exception), handed  # the departing manager's list still holds either way
    stored = Customer.objects.get(pk=customer.pk)
    assert stored.owner == manager_a2 and Project.objects.get(pk=project.pk).owner == manager_a2
    if isinstance(edited, StaleEdit):  # the handover first: the edit read the old manager and is refused
        assert (stored.name, stored.version) == ("客户一", 1)
        assert edited.message == "此记录已被他人修改：客户经理 现为 manager_a2。请核对后再保存。"
    else:  # the edit first: its name stays and the handover moves the version on again
        assert (stored.name, stored.version) == ("客户一（改）", 2)


# --- (c) a toggle: accepting a misfit of value class and contribution class ------------------------------------


def test_two_directors_accepting_one_misfit_at_once_both_land_as_one_acceptance(region_a):
    customer = Customer.objects.create(region=region_a, code="C1", name="客户一")
    directors = [User.objects.create_user(f"d{i}", role=Role.DIRECTOR) for i in range(2)]

    def accepter(user, value_class):
        def person(ready):
            mine = Customer.objects.get(pk=customer.pk)
            ready()
            return planning_services.value_fit_accept(customer=mine, value_class=value_class,
                                                      contribution_class="fat_sheep", user=user)
        return person

    # neither has an acceptance to read: the first insert of each races, never refused
    outcomes = at_once(accepter(directors[0], "maintain"), accepter(directors[1], "invest"))
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    (stored,) = ValueFitAcceptance.objects.all()
    assert (stored.value_class, stored.accepted_by_id) in (("maintain", directors[0].pk), ("invest", directors[1].pk))


def test_accepting_and_undoing_one_misfit_at_once_get_no_error(region_a):
    customer = Customer.objects.create(region=region_a, code="C1", name="客户一")
    director = User.objects.create_user("d0", role=Role.DIRECTOR)

    def accept(ready):
        ready()
        return planning_services.value_fit_accept(customer=customer, value_class="maintain",
                                                  contribution_class="fat_sheep", user=director)

    def undo(ready):
        ready()
        return planning_services.value_fit_undo(customer=customer)

    outcomes = at_once(accept, undo)
    assert not any(isinstance(o, Exception) for o in outcomes), outcomes
    assert ValueFitAcceptance.objects.count() in (0, 1)
