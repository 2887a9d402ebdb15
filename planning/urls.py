from django.urls import include, path, re_path

from planning import api, pdf_views, performance_views, plan_views, views, workflow_views

# Site-level pages of planning (not under a region): the executives'
# all-regions page of plans, and 待办 loaded into the home pages.
site_urlpatterns = [
    path("plans/overview/", workflow_views.plans_overview, name="plans_overview"),
    path("todo/", workflow_views.todo, name="todo"),
]

api_urlpatterns = [
    path("regions/<str:region>/analysis", api.analysis_api, name="api_analysis"),
    path("regions/<str:region>/plans/<str:period>", api.plan_api, name="api_plan"),
    path("openapi.json", api.openapi_schema, name="api_schema"),
    # Last: every other /api/ path answers JSON, never the HTML 404 page.
    re_path(r"^(?P<rest>.*)$", api.not_found),
]

# Pages under /r/<region>/ (SWOT, value grid, strategy, plan …)
urlpatterns = [
    path("swot/", views.swot, name="swot"),
    path("swot/items/", views.swot_item_add, name="swot_item_add"),
    path("swot/items/<int:pk>/delete/", views.swot_item_delete, name="swot_item_delete"),
    path("swot/advanced/", views.swot_advanced, name="swot_advanced"),
    path("swot/actions/", views.swot_action, name="swot_action"),
    path("value-grid/", views.value_grid, name="value_grid"),
    path("value-grid/<str:code>/", views.value_grid_customer, name="value_grid_customer"),
    path("value-grid/<str:code>/accept/", views.value_grid_accept, name="value_grid_accept"),
    path("value-grid/<str:code>/fit/accept/", views.value_fit_accept, name="value_fit_accept"),
    path("value-grid/<str:code>/fit/undo/", views.value_fit_undo, name="value_fit_undo"),
    path("strategy/", views.strategy, name="strategy"),
    path("strategy/positioning/", views.strategy_positioning, name="strategy_positioning"),
    path("strategy/position/", views.strategy_position, name="strategy_position"),
    path("strategy/competitors/<int:pk>/stance/", views.strategy_stance, name="strategy_stance"),
    path("strategy/actions/", views.special_action_add, name="special_action_add"),
    path("strategy/actions/<int:pk>/delete/", views.special_action_delete, name="special_action_delete"),
    path("plans/", plan_views.plans, name="plans"),
    path("plans/<str:period>/", plan_views.plan, name="plan"),
    path("plans/<str:period>/indicators/<int:pk>/confirm/", plan_views.plan_indicator_confirm,
         name="plan_indicator_confirm"),
    path("plans/<str:period>/indicators/<int:pk>/responsible/", plan_views.plan_indicator_responsible,
         name="plan_indicator_responsible"),
    path("plans/<str:period>/targets/", plan_views.plan_target_add, name="plan_target_add"),
    path("plans/<str:period>/targets/<int:pk>/", plan_views.plan_target_edit, name="plan_target_edit"),
    path("plans/<str:period>/targets/<int:pk>/delete/", plan_views.plan_target_delete, name="plan_target_delete"),
    path("plans/<str:period>/revenue/", include("planning.revenue_urls")),
    # The PDF: the director's preview of the draft, a version's (stored) PDF and summary, and a
    # rendering's progress, retry and file by its random token (no guessable address).
    path("plans/<str:period>/pdf/", pdf_views.plan_pdf_preview, name="plan_pdf_preview"),
    path("plans/<str:period>/pdf/<str:token>/", pdf_views.plan_pdf_status, name="plan_pdf_status"),
    path("plans/<str:period>/pdf/<str:token>/retry/", pdf_views.plan_pdf_retry, name="plan_pdf_retry"),
    path("plans/<str:period>/pdf/<str:token>/file/", pdf_views.plan_pdf_file, name="plan_pdf_file"),
    path("plans/<str:period>/versions/<int:number>/pdf/", pdf_views.version_pdf, name="version_pdf"),
    path("plans/<str:period>/versions/<int:number>/summary/pdf/", pdf_views.version_summary_pdf,
         name="version_summary_pdf"),
    path("plans/<str:period>/", include("planning.document_urls")),
    # the workflow (§6.2): moves of the plan, its frozen versions
    path("plans/<str:period>/submit/", workflow_views.plan_submit, name="plan_submit"),
    path("plans/<str:period>/approve/", workflow_views.plan_approve, name="plan_approve"),
    path("plans/<str:period>/return/", workflow_views.plan_return, name="plan_return"),
    path("plans/<str:period>/revise/", workflow_views.plan_revise, name="plan_revise"),
    path("plans/<str:period>/versions/", workflow_views.plan_versions, name="plan_versions"),
    path("plans/<str:period>/versions/<int:number>/", workflow_views.plan_version, name="plan_version"),
    path("plans/<str:period>/versions/<int:number>/compare/", workflow_views.plan_version_compare,
         name="plan_version_compare"),
    # Panels of planning on a lower floor's page, named planning:<name>.
    path("", include(([
        path("customers/<str:code>/actions/", views.customer_actions, name="customer_actions"),
        path("customers/<str:code>/publicity/", views.customer_publicity, name="customer_publicity"),
        path("performance/", performance_views.performance_panel, name="performance"),
    ], "planning"))),
]
