"""Run events: one small API that writes the human log and the structured progress stream.

The panel consumes the structured events (JSON objects with `event`, `time` and fields) for progress bars;
people read the human log on the console and in a rotating file.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any, TextIO

Listener = Callable[[dict[str, Any]], None]
LOGGER_NAME = "kometa"


class Events:
    """Emits run, library, file and collection start/end, progress (n of N), warnings and errors."""

    def __init__(self, width: int = 100, divider: str = "=", trace: bool = False) -> None:
        self.width = width
        self.divider = divider[:1] or "="
        self.listeners: list[Listener] = []
        self.log = logging.getLogger(LOGGER_NAME)
        self.trace = trace
        self.warnings = 0
        self.errors = 0

    def subscribe(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def emit(self, event: str, **fields: Any) -> None:
        record = {"event": event, "time": time.time(), **fields}
        for listener in self.listeners:
            listener(record)

    # ---- human-facing helpers
    def separator(self, text: str = "") -> None:
        line = self.divider * self.width
        self.log.info(line)
        if text:
            self.log.info(f"|{text.center(self.width - 2)}|")
            self.log.info(line)

    def info(self, text: str, **fields: Any) -> None:
        self.log.info(text)
        if fields:
            self.emit("info", message=text, **fields)

    def debug(self, text: str) -> None:
        if self.trace:
            self.log.debug(text)

    def warning(self, text: str, **fields: Any) -> None:
        self.warnings += 1
        self.log.warning(f"Warning: {text}")
        self.emit("warning", message=text, **fields)

    def error(self, text: str, **fields: Any) -> None:
        self.errors += 1
        self.log.error(f"Error: {text}")
        self.emit("error", message=text, **fields)


def setup_logging(log_dir: Path | None, trace: bool = False, stream: TextIO | None = None) -> logging.Logger:
    """Console plus a rotating `logs/meta.log` beside the config (as Kometa users expect)."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(logging.DEBUG if trace else logging.INFO)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    console = logging.StreamHandler(stream or sys.stdout)
    console.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(console)
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        rotating = RotatingFileHandler(
            log_dir / "meta.log", maxBytes=10 * 1024 * 1024, backupCount=9, encoding="utf-8"
        )
        rotating.setFormatter(logging.Formatter("[%(asctime)s] %(levelname)-8s %(message)s"))
        logger.addHandler(rotating)
    logger.propagate = False
    return logger


def json_lines(stream: TextIO) -> Listener:
    """A listener writing each event as one JSON line (what a worker forwards to the panel)."""

    def write(record: dict[str, Any]) -> None:
        stream.write(json.dumps(record, default=str) + "\n")
        stream.flush()

    return write
