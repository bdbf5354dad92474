"""gunicorn settings for the panel: ``gunicorn -c python:panel.gunicorn_conf panel.wsgi:app``.

- ``KOMETA_PANEL_WORKERS``: worker processes (default: one per CPU core, at least 2), each building its
  own app (no preloading, so no git helper process or database connection is shared across a fork);
- ``KOMETA_PANEL_THREADS``: threads per worker (default 4): gthread workers, so a request waiting on git
  or SQLite does not hold up the others, and idle keep-alive connections cost no thread;
- ``KOMETA_PANEL_BIND``: the address (default ``127.0.0.1:5000``; ``make run`` passes ``--bind``).

Request lines may be 8190 bytes and header fields 16380 (gunicorn's defaults, 4094 and 8190, refuse
long query strings and large ``Authorization`` headers). gunicorn answers its own limit errors (414, 431,
400) as plain HTML, before the app sees the request; put a reverse proxy in front for anything beyond.

Keep-alive connections stay open 5 s between requests. On SIGTERM or Ctrl-C, requests in flight get 5 s to
finish. gunicorn's control socket is off, so several panels (tests, benchmarks) can run side by side.

Each worker, once its app is built, moves the app's objects out of the garbage collector's sight
(``gc.freeze``) and collects the youngest generation every 50,000 allocations instead of 700: a write of a
large YAML file composes tens of thousands of nodes that all stay alive until the request ends, and the
default ran hundreds of collections over them that freed nothing (half the CPU time of a 1 MB write).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Mapping
from typing import Any

from panel.env import whole_number

DEFAULT_THREADS = 4
GC_YOUNG_THRESHOLD = 50_000
MAX_COUNT = 256


def worker_counts(env: Mapping[str, str] | None = None, cpus: int | None = None) -> tuple[int, int]:
    """``(workers, threads)`` from ``KOMETA_PANEL_WORKERS`` / ``KOMETA_PANEL_THREADS`` or the defaults."""
    env = os.environ if env is None else env
    cores = cpus or os.cpu_count() or 1
    workers = whole_number(env, "KOMETA_PANEL_WORKERS", max(2, cores), 1, MAX_COUNT)
    return workers, whole_number(env, "KOMETA_PANEL_THREADS", DEFAULT_THREADS, 1, MAX_COUNT)


workers, threads = worker_counts()
worker_class = "gthread"
bind = [os.environ.get("KOMETA_PANEL_BIND") or "127.0.0.1:5000"]
keepalive = 5
limit_request_line = 8190
limit_request_field_size = 16380
graceful_timeout = 5
timeout = 120
preload_app = False
control_socket_disable = True
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
errorlog = "-"
loglevel = "warning"


def post_worker_init(worker: Any) -> None:
    """gunicorn's hook once a worker has built its app: tune the garbage collector (see above)."""
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(max(GC_YOUNG_THRESHOLD, _young), middle, old)
