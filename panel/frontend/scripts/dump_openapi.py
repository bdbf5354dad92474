"""Print the panel's OpenAPI document (``GET /api/openapi.json`` of ``create_app``) as stable JSON.

Run from the repository root's virtualenv; the app gets a throw-away data directory, so nothing of the
user's ``data/`` is read or written. Used by ``npm run gen:api`` and ``npm run check:api``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from panel import create_app  # noqa: E402
from panel.settings import Settings  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(data_dir=Path(tmp) / "data", secret_key="x" * 32, secrets_key="spec-dump"))
        answer = app.test_client().get("/api/openapi.json")
        if answer.status_code != 200:
            raise SystemExit(f"GET /api/openapi.json answered {answer.status_code}")
        sys.stdout.write(json.dumps(answer.get_json(), indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
