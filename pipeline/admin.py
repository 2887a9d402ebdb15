from django.contrib import admin

from pipeline.models import EvidenceCriterion, Project, WeeklySnapshot, WeekSubmission


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
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "customer", "owner", "amount", "expected_close", "status"]
    list_filter = ["region", "status"]
    search_fields = ["code", "name"]
    raw_id_fields = ["customer", "owner", "competitors", "helpers"]
    list_select_related = ["region", "customer", "owner"]


@admin.register(WeeklySnapshot)
class WeeklySnapshotAdmin(admin.ModelAdmin):
    """Append-only history: readable here, never edited."""

    list_display = ["project", "iso_year", "iso_week", "win_rate", "layer", "amount"]
    raw_id_fields = ["project"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WeekSubmission)
class WeekSubmissionAdmin(admin.ModelAdmin):
    list_display = ["region", "manager", "iso_year", "iso_week", "submitted_at"]
