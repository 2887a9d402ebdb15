"""Analysis pages of the customers app under /r/<region>/ (the import has customers/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns = []
