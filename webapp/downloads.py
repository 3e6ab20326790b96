"""Excel downloads: one way to send a workbook, never cached (exports can hold personal data)."""

from __future__ import annotations

import io

from flask import Response, send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> Response:
    """An .xlsx attachment; ``filename`` may be Chinese (sent RFC 6266-encoded by Werkzeug)."""
    resp = send_file(io.BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=filename)
    resp.headers["Cache-Control"] = "no-store"
    return resp
