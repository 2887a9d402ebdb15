from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from teams.models import Region, RegionSettings, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "is_active"]
    list_filter = ["role", "regions", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (("TSM", {"fields": ["display_name", "role", "regions"]}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (("TSM", {"fields": ["display_name", "role", "regions"]}),)
    filter_horizontal = ["regions", "groups", "user_permissions"]


class RegionSettingsInline(admin.StackedInline):
    model = RegionSettings
    can_delete = False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    inlines = [RegionSettingsInline]
