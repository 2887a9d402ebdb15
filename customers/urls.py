"""Pages of the customer floor under /r/<region>/ (the import is pipeline's)."""

from django.urls import path

from customers import views

urlpatterns = [
    path("contribution/", views.contribution, name="contribution"),
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/<str:code>/", views.customer_detail, name="customer_detail"),
    path("competitors/", views.competitors, name="competitors"),
    path("competitors/add/", views.competitor_add, name="competitor_add"),
    path("competitors/scores/", views.comparison_scores, name="comparison_scores"),
    path("competitors/<int:pk>/", views.competitor_edit, name="competitor_edit"),
    path("competitors/<int:pk>/intelligence/", views.intelligence_add, name="intelligence_add"),
]
