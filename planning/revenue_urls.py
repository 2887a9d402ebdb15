from django.urls import path

from planning import revenue_views as views

# Under /r/<region>/plans/<period>/revenue/
urlpatterns = [
    path("", views.revenue_split, name="revenue_split"),
    path("total/", views.revenue_total, name="revenue_total"),
    path("propose/", views.revenue_propose, name="revenue_propose"),
    path("adopt/", views.revenue_adopt, name="revenue_adopt"),
    path("row/", views.revenue_row, name="revenue_row"),
    path("sign/<int:manager>/", views.revenue_sign, name="revenue_sign"),
    path("export.xlsx", views.revenue_xlsx, name="revenue_xlsx"),
]
