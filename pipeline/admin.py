from django.contrib import admin

from pipeline.models import EvidenceCriterion, Project, RevenueTarget, WeeklySnapshot, WeekSubmission
from teams.admin import RegionDataAdmin


@admin.register(EvidenceCriterion)
class EvidenceCriterionAdmin(admin.ModelAdmin):
    """The wording is the administrator's; codes and levels are the method's."""

    list_display = ["code", "level", "text"]
    list_editable = ["text"]
    readonly_fields = ["code", "level"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(RegionDataAdmin):
    list_display = ["code", "name", "region", "customer", "owner", "amount", "expected_close", "status"]
    list_filter = ["region", "status"]
    search_fields = ["code", "name"]
    raw_id_fields = ["customer", "owner", "competitors", "helpers", "contacts"]
    list_select_related = ["region", "customer", "owner"]


@admin.register(WeeklySnapshot)
class WeeklySnapshotAdmin(RegionDataAdmin):
    """Append-only history: readable here, never edited."""

    list_display = ["project", "iso_year", "iso_week", "win_rate", "layer", "amount"]
    raw_id_fields = ["project"]


@admin.register(WeekSubmission)
class WeekSubmissionAdmin(RegionDataAdmin):
    list_display = ["region", "manager", "iso_year", "iso_week", "submitted_at"]


@admin.register(RevenueTarget)
class RevenueTargetAdmin(RegionDataAdmin):
    """Written by planning from the plan's decomposition."""

    list_display = ["region", "manager", "period", "amount", "draft"]
    list_filter = ["region", "period"]
