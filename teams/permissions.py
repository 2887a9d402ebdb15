"""Who may read or change what (DOMAIN.md §0): the only place that knows.

Views (through the access helpers, which answer 404 outside a user's scope),
services, querysets and templates all ask these functions. They judge by the
object's region, owner and status — plain attributes — so this module
imports no model of a higher floor.

- director (大客户部主任): everything in their own regions;
- account manager (客户经理): their own customers and projects; reads the
  region's submitted and approved plans, and in a draft their own targets;
- executive (公司领导): reads every region (not drafts), sets each region's
  total revenue target, approves or returns a submitted plan;
- administrator (系统管理员): users, regions and catalogues in the admin;
  reads every region for support, edits no region's analysis, strategy or plan.
"""

from collections.abc import Iterable

from teams.choices import Role

# Plan statuses a reader other than the region's director may see.
_PUBLISHED = ("submitted", "approved")


def is_director(user) -> bool:
    return user.is_authenticated and user.role == Role.DIRECTOR and not user.is_superuser


def is_manager(user) -> bool:
    return user.is_authenticated and user.role == Role.MANAGER and not user.is_superuser


def is_executive(user) -> bool:
    return user.is_authenticated and user.role == Role.EXECUTIVE and not user.is_superuser


def is_administrator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN)


# --- regions -------------------------------------------------------------------------------------------


def sees_all_regions(user) -> bool:
    """Executives and administrators read every region; others their own."""
    return is_executive(user) or is_administrator(user)


def is_member(user, region) -> bool:
    """Whether the user belongs to the region. A region fetched through
    Region.objects.visible_to(user) carries the answer (no extra query)."""
    if not user.is_authenticated:
        return False
    known = getattr(region, "user_is_member", None)
    if known is not None and getattr(region, "member_checked_for", None) == user.pk:
        return bool(known)
    return region.members.filter(pk=user.pk).exists()


def can_read_region(user, region) -> bool:
    return sees_all_regions(user) or (user.is_authenticated and is_member(user, region))


def can_edit_region(user, region) -> bool:
    """The region's analysis, strategy, plan, targets, settings and import:
    its own director only (an administrator supports, never edits)."""
    return is_director(user) and is_member(user, region)


# --- what a manager sees: their own part ---------------------------------------------------------------


def owner_scope(user) -> int | None:
    """The owner whose part of a region the user sees: a manager's own id;
    None for everyone who reads the whole region."""
    return user.pk if is_manager(user) else None


def own_part(user, results: Iterable) -> list:
    """The part of an analysis (customers or projects, anything with an
    `owner_id`) that the user may see: the one place the analysis is narrowed."""
    scope = owner_scope(user)
    return [r for r in results if scope is None or r.owner_id == scope]


# --- customers and projects ---------------------------------------------------------------------------


def can_read_customer(user, customer) -> bool:
    if not can_read_region(user, customer.region):
        return False
    return owner_scope(user) in (None, customer.owner_id)


def can_edit_customer(user, customer) -> bool:
    """Its contacts, needs and factor scores: the region's director, or the
    manager who owns the customer."""
    if can_edit_region(user, customer.region):
        return True
    return is_manager(user) and customer.owner_id == user.pk and is_member(user, customer.region)


def can_manage_customer(user, customer) -> bool:
    """A customer's own record (code, name, industry, account manager) and
    handing customers over: the region's director."""
    return can_edit_region(user, customer.region)


def can_add_project(user, customer) -> bool:
    """A new project on a customer: the region's director, or the manager who owns the customer."""
    return can_edit_customer(user, customer)


def can_add_projects_in(user, region) -> bool:
    """Adding projects in a region, and editing every project one sees there:
    its director, or one of its account managers (who adds projects to their
    own customers and sees only their own projects)."""
    return can_edit_region(user, region) or (is_manager(user) and is_member(user, region))


def can_read_project(user, project) -> bool:
    if not can_read_region(user, project.region):
        return False
    return owner_scope(user) in (None, project.owner_id)


def can_edit_project(user, project) -> bool:
    """Evidence, dates, amounts, closing: the region's director or the owner."""
    if can_edit_region(user, project.region):
        return True
    return is_manager(user) and project.owner_id == user.pk and is_member(user, project.region)


# --- plans ------------------------------------------------------------------------------------------------


def can_read_plan(user, region, status: str) -> bool:
    """The director reads every state of their region's plan; managers of the
    region and executives read it once submitted (a manager's own targets in
    a draft are `can_read_own_targets`); administrators read for support."""
    if can_edit_region(user, region) or is_administrator(user):
        return True
    if status not in _PUBLISHED:
        return False
    return is_executive(user) or (is_manager(user) and is_member(user, region))


def can_read_own_targets(user, region) -> bool:
    """A manager reads (and signs) their own targets in a draft."""
    return is_manager(user) and is_member(user, region)


def can_edit_plan(user, region) -> bool:
    return can_edit_region(user, region)


def can_decide_plan(user) -> bool:
    """Approve or return a submitted plan; set a region's total revenue target."""
    return is_executive(user)


def can_read_plan_version(user, region, status: str) -> bool:
    """A frozen submission of the region's plan: its director and
    administrators every one; executives every one (a submission is never a
    draft: the ones they returned too); the region's managers the submitted
    and approved ones."""
    if can_edit_region(user, region) or is_administrator(user) or is_executive(user):
        return True
    return status in _PUBLISHED and is_manager(user) and is_member(user, region)


def can_submit_plan(user, region) -> bool:
    """Submit the region's plan for approval, or start a revision of an approved one: its director."""
    return can_edit_region(user, region)


def sees_all_plans(user) -> bool:
    """The all-regions page of plans: executives (and administrators, for support)."""
    return is_executive(user) or is_administrator(user)
