from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from teams.models import Region, RegionSettings, User


class ReadOnly:
    """A region's data (customers, projects, SWOT, strategy, plans, targets,
    settings) is shown to the administrator for support, never changed here:
    every change goes through the services, which check the version, keep the
    region scope and mark the analyses stale (DOMAIN §0)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RegionDataAdmin(ReadOnly, admin.ModelAdmin):
    pass


class RegionDataInline(ReadOnly, admin.TabularInline):
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "is_active"]
    list_filter = ["role", "regions", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("TSM", {"fields": ["display_name", "role", "regions"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("TSM", {"fields": ["display_name", "role", "regions"]}),)
    filter_horizontal = ["regions", "groups", "user_permissions"]


class RegionSettingsInline(RegionDataInline):
    """The thresholds are the director's (区域参数 page); shown here read-only."""

    model = RegionSettings


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    inlines = [RegionSettingsInline]
