"""`python -m panel.stack` (what `make run` starts: redis-server, plexsim with its demo library and the panel
under gunicorn) as a subprocess on free ports, its output read line by line; shared by the stack tests
and the browser end-to-end tests.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from tests.support.ports import free_port

READY_LINE = "Ctrl-C stops everything."
PID_LINE = re.compile(r"^(redis|plexsim|panel): +(\S+)  \(pid (\d+)")
ADMIN_LINE = re.compile(r"^admin: +created user 'admin' with password (\S+)$", re.M)


class Launcher:
    """The launcher process with its combined output read line by line on a thread."""

    def __init__(self, tmp_path: Path, **extra_env: str) -> None:
        self.panel_port = free_port()
        env = {
            **os.environ,
            "KOMETA_PANEL_DATA_DIR": str(tmp_path / "data"),
            "KOMETA_PANEL_PORT": str(self.panel_port),
            "PLEXSIM_PORT": str(free_port()),
            "KOMETA_PANEL_REDIS_PORT": str(free_port()),
            **extra_env,
        }
        for name in ("KOMETA_PANEL_REDIS_URL", "KOMETA_PANEL_PLEX_URL", "KOMETA_PANEL_PLEX_TOKEN"):
            if name not in extra_env:
                env.pop(name, None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "panel.stack"],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_ready(self, timeout: float = 60.0) -> dict[str, tuple[str, int]]:
        """Read output until the ready line; return {service: (url, pid)} from the printed lines."""
        deadline = time.monotonic() + timeout
        while READY_LINE not in self.seen:
            try:
                self.seen.append(self.lines.get(timeout=0.1))
            except queue.Empty:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("the stack did not get ready:\n" + self.output()) from None
        return {m[1]: (m[2], int(m[3])) for line in self.seen if (m := PID_LINE.match(line))}

    def output(self) -> str:
        """Everything printed so far."""
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "\n".join(self.seen)

    def stop(self) -> None:
        """SIGTERM first, so the launcher stops its children even when a test failed half-way."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def admin_password(self) -> str:
        """The first admin's password, as printed once at start."""
        printed = ADMIN_LINE.search(self.output())
        assert printed, self.output()
        return printed[1]
