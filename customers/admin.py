from django.contrib import admin

from teams.admin import RegionDataAdmin, RegionDataInline
from customers.models import (
    ComparisonScore, Competitor, Contact, Contribution, Customer, IntelligenceChannel, IntelligenceEntry, Product,
)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "series"]
    search_fields = ["code", "name", "series"]


@admin.register(Customer)
class CustomerAdmin(RegionDataAdmin):
    list_display = ["code", "name", "region", "industry", "owner"]
    list_filter = ["region"]
    search_fields = ["code", "name"]
    list_select_related = ["region", "owner"]
    raw_id_fields = ["owner"]


@admin.register(Contribution)
class ContributionAdmin(RegionDataAdmin):
    list_display = ["customer", "product", "month", "revenue", "cost", "arrears"]
    list_filter = ["region", "product"]
    list_select_related = ["customer", "product"]
    raw_id_fields = ["customer"]
    date_hierarchy = "month"
    show_full_result_count = False


@admin.register(Contact)
class ContactAdmin(RegionDataAdmin):
    list_display = ["name", "title", "customer", "attitude", "last_met"]
    search_fields = ["name", "customer__name"]
    raw_id_fields = ["customer"]
    list_select_related = ["customer"]


class ScoreInline(RegionDataInline):
    model = ComparisonScore


@admin.register(Competitor)
class CompetitorAdmin(RegionDataAdmin):
    list_display = ["name", "region", "product_series", "rank", "market_share", "goal", "reaction"]
    list_filter = ["region", "product_series", "goal", "reaction"]
    inlines = [ScoreInline]


@admin.register(ComparisonScore)
class ComparisonScoreAdmin(RegionDataAdmin):
    list_display = ["region", "product_series", "competitor", "dimension", "score"]
    list_filter = ["region", "product_series"]


@admin.register(IntelligenceChannel)
class IntelligenceChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "enabled", "order"]
    list_editable = ["enabled", "order"]


@admin.register(IntelligenceEntry)
class IntelligenceEntryAdmin(RegionDataAdmin):
    list_display = ["date", "region", "competitor", "channel"]
    list_filter = ["region", "channel"]
