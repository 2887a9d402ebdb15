from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from planning import views as planning_views
from planning.urls import api_urlpatterns, site_urlpatterns
from teams import views as team_views

urlpatterns = [
    path("", team_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # own template names: Django's admin keeps its own password pages
    path("password/", auth_views.PasswordChangeView.as_view(template_name="registration/change_password.html"),
         name="password_change"),
    path("password/done/",
         auth_views.PasswordChangeDoneView.as_view(template_name="registration/change_password_done.html"),
         name="password_change_done"),
    path("tokens/", team_views.api_tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", team_views.api_token_revoke, name="api_token_revoke"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("unit/", team_views.set_money_unit, name="set_money_unit"),
    path("admin/", admin.site.urls),
    path("api/", include(api_urlpatterns)),
    path("", include(site_urlpatterns)),
    path("r/<str:region>/", planning_views.region_home, name="region_home"),
    path("r/<str:region>/settings/", team_views.region_settings, name="region_settings"),
    path("r/<str:region>/import/", include("pipeline.import_urls")),
    path("r/<str:region>/", include("pipeline.urls")),
    path("r/<str:region>/", include("customers.urls")),
    path("r/<str:region>/", include("planning.urls")),
]
