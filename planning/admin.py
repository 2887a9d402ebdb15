from django.contrib import admin

from planning import models as m
from teams.admin import RegionDataAdmin, RegionDataInline


@admin.register(m.MarketAction)
class MarketActionAdmin(admin.ModelAdmin):
    list_display = ["number", "text"]
    list_editable = ["text"]


@admin.register(m.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "order"]
    list_filter = ["family"]


@admin.register(m.StrategyOption)
class StrategyOptionAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "group", "order"]
    list_filter = ["position"]


for model in (m.SwotItem, m.SwotAction, m.CompetitivePosition, m.CompetitorStance, m.SpecialAction,
              m.TargetPart, m.TargetSignoff, m.ValueFitAcceptance):
    admin.site.register(model, RegionDataAdmin)


class TargetInline(RegionDataInline):
    model = m.Target
    extra = 0


@admin.register(m.Plan)
class PlanAdmin(RegionDataAdmin):
    list_display = ["region", "period", "status", "as_of", "revenue_target"]
    list_filter = ["status", "region"]
    inlines = [TargetInline]


@admin.register(m.PlanVersion)
class PlanVersionAdmin(RegionDataAdmin):
    list_display = ["plan", "number", "status", "submitted_at"]
    readonly_fields = ["content"]




@admin.register(m.PlanRender)
class PlanRenderAdmin(RegionDataAdmin):
    list_display = ["plan", "version", "kind", "status", "requested_by", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    exclude = ["pdf", "token"]  # the file and its address are not the back office's to hand out


@admin.register(m.PlanDownload)
class PlanDownloadAdmin(RegionDataAdmin):
    """下载记录: who downloaded which PDF, and when."""

    list_display = ["at", "user", "render", "version"]
    list_filter = ["render__plan__region"]
