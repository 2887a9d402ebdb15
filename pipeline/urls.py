from django.urls import path

from pipeline import views

urlpatterns = [
    path("funnel/", views.funnel, name="funnel"),
    path("projects/<str:code>/evidence/", views.project_evidence, name="project_evidence"),
]
