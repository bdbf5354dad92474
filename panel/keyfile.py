"""Key files in the data directory (``secret_key``, ``secrets_key``): generated once, mode 0600, and never
seen half-written, however many threads and processes ask for them first at the same moment."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def key_file(path: Path, generate: Callable[[], str]) -> str:
    """The key kept in ``path``; when missing, ``generate()``'s key is written to a temporary file (0600)
    and hard-linked into place, so the first link wins and every caller reads that complete key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(generate())
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()
