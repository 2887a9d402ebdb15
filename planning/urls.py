from django.urls import path

from planning import views

api_urlpatterns = [
    path("regions/<str:region>/analysis", views.analysis_api, name="api_analysis"),
]

# Pages under /r/<region>/ (SWOT, value grid, strategy, plan …)
urlpatterns = []
