"""Serve plotly.js from the installed plotly package as static/vendor/plotly.min.js,
so charts work offline and the version always matches the Python package."""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

VENDOR = {"vendor/plotly.min.js": Path(plotly.__file__).parent / "package_data" / "plotly.min.js"}


class VendorFinder(BaseFinder):
    def check(self, **kwargs):
        return [] if all(p.exists() for p in VENDOR.values()) else [f"missing: {VENDOR}"]

    def find(self, path, find_all=False, **kwargs):
        found = str(VENDOR[path]) if path in VENDOR else None
        if find_all:
            return [found] if found else []
        return found

    def list(self, ignore_patterns):
        for name, source in VENDOR.items():
            storage = FileSystemStorage(location=str(source.parent))
            storage.prefix = str(Path(name).parent)
            yield source.name, storage
