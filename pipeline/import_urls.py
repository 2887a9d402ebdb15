from django.urls import path

from pipeline import import_views as views

# Included at r/<str:region>/import/.
urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    path("confirm/", views.import_confirm, name="import_confirm"),
    path("template.xlsx", views.import_template, name="import_template"),
]
