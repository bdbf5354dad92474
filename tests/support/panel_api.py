"""Checking the panel's answers: every /api response is the `{success, data, error, timestamp}` envelope."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.test import TestResponse

# Every time in the API: UTC ISO-8601 with milliseconds and Z.
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def envelope(resp: TestResponse, status: int) -> dict[str, Any]:
    """Check the status and the envelope shape; return the parsed body."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == {"success", "data", "error", "timestamp"}
    assert STAMP.match(body["timestamp"])
    assert body["success"] is (status < 400)
    if status >= 400:
        assert body["data"] is None
        assert set(body["error"]) == {"code", "message", "details"}
        assert body["error"]["message"]
    else:
        assert body["error"] is None
    return dict(body)
