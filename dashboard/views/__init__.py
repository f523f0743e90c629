"""The leaders' blueprints, one module per kind of answer: pages.py (dashboards, the report,
comments, the programme comparison, the instrument's quality), downloads.py (CSV and XLSX,
on the dashboard blueprint) and api.py (the JSON API, its own blueprint).

Importing the modules registers their routes."""

from . import downloads  # noqa: F401 (registers the download routes)
from .api import api
from .pages import bp

__all__ = ["api", "bp"]
