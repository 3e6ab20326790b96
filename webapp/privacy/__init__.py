"""Personal data: the audit log pages, erasure and purge requests (pages), and ``liudan privacy ...`` (CLI).

The rules live in ``webapp.services.privacy`` and ``webapp.services.audit_log``.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

from webapp.privacy import views  # noqa: E402,F401
