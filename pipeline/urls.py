from django.urls import path

from pipeline import decision_views, summary_views, views

urlpatterns = [
    path("funnel/", views.funnel, name="funnel"),
    path("strategy-summary/", summary_views.strategy_summary, name="strategy_summary"),
    path("strategy-summary/xlsx/", summary_views.strategy_summary_xlsx, name="strategy_summary_xlsx"),
    path("projects/<str:code>/evidence/", views.project_evidence, name="project_evidence"),
    path("checks/", views.director_checks, name="director_checks"),
    path("customers/<str:code>/projects/", views.customer_projects, name="customer_projects"),
    path("decision/", decision_views.decision, name="decision"),
    path("decision/<str:code>/", decision_views.decision_customer, name="decision_customer"),
    path("decision/<str:code>/needs/", decision_views.customer_needs, name="customer_needs"),
    path("decision/<str:code>/contacts/", decision_views.contact_add, name="contact_add"),
    path("decision/<str:code>/contacts/<int:pk>/", decision_views.contact_edit, name="contact_edit"),
]
