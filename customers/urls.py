"""Analysis pages of the customers app under /r/<region>/ (the import has customers/urls.py)."""

from django.urls import path

from customers import views

urlpatterns = [
    path("contribution/", views.contribution, name="contribution"),
    path("customers/<str:code>/", views.customer_detail, name="customer_detail"),
    path("decision/", views.decision, name="decision"),
    path("decision/<str:code>/", views.decision_customer, name="decision_customer"),
    path("decision/<str:code>/needs/", views.customer_needs, name="customer_needs"),
    path("decision/<str:code>/contacts/", views.contact_add, name="contact_add"),
    path("decision/<str:code>/contacts/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("competitors/", views.competitors, name="competitors"),
    path("competitors/add/", views.competitor_add, name="competitor_add"),
    path("competitors/scores/", views.comparison_scores, name="comparison_scores"),
    path("competitors/<int:pk>/", views.competitor_edit, name="competitor_edit"),
    path("competitors/<int:pk>/intelligence/", views.intelligence_add, name="intelligence_add"),
]
