"""The plan document's pages, under /r/<region>/plans/<period>/ (planning.urls includes them)."""

from django.urls import path

from planning import document_views

urlpatterns = [
    path("document/", document_views.document, name="plan_document"),
    path("document/sections/<str:key>/", document_views.section_save, name="plan_section_save"),
    path("document/answers/", document_views.answer_save, name="plan_answer_save"),
    path("summary/", document_views.summary, name="plan_summary"),
    path("appendix.xlsx", document_views.appendix, name="plan_appendix"),
]
