"""Reading an uploaded Kometa config folder (a .zip, or a list of files) safely into ``path -> bytes``.

A zip is untrusted: every entry is checked before anything of it is used, and the first bad one refuses
the whole upload with a message naming it. Refused: names that are absolute (``/x``, ``C:/x``, ``\\\\x``),
that climb out (``..``) or use backslashes, symbolic links, encrypted entries, the same name twice, more
than ``MAX_FILES`` files, and more than ``MAX_TOTAL_BYTES`` once uncompressed (counted while inflating,
never trusted from the headers, so a zip bomb stops at the limit). Folders, macOS metadata and what Kometa
writes at run time (logs, caches) are skipped and listed; binary files are skipped too, since the config
repository holds text the validator can read.
"""

from __future__ import annotations

import io
import posixpath
import re
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

MAX_FILES = 1000
MAX_TOTAL_BYTES = 20 * 1024 * 1024
MAX_FILE_BYTES = 5 * 1024 * 1024
CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_RUNTIME = re.compile(
    r"(^|/)(logs?/|__MACOSX/)|(^|/)\.DS_Store$|\.(log|cache|cache-journal|db)(\.\d+)?$", re.I
)


class UploadError(Exception):
    """The upload is refused; ``entry`` names the zip entry or file at fault (when there is one)."""

    def __init__(self, message: str, entry: str | None = None) -> None:
        super().__init__(message)
        self.message, self.entry = message, entry


@dataclass
class Upload:
    """The files of an upload (path -> content, as named in it) and what was left out, with why."""

    files: dict[str, bytes] = field(default_factory=dict)
    skipped: list[dict[str, str]] = field(default_factory=list)

    def skip(self, path: str, reason: str) -> None:
        self.skipped.append({"path": path, "reason": reason})


def read_zip(data: bytes) -> Upload:
    """The text files of a zip archive; UploadError naming the first unsafe entry."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UploadError(f"the upload is not a readable .zip archive ({exc})") from None
    upload, total = Upload(), 0
    with archive:
        entries = archive.infolist()
        if sum(1 for e in entries if not e.is_dir()) > MAX_FILES:
            raise UploadError(f"the archive has more than {MAX_FILES} files")
        for entry in entries:
            name = entry.filename
            check_name(name)
            if (entry.external_attr >> 16) and stat.S_ISLNK(entry.external_attr >> 16):
                raise UploadError(f"{name}: symbolic links are not accepted", name)
            if entry.flag_bits & 0x1:
                raise UploadError(f"{name}: encrypted entries are not accepted", name)
            if entry.is_dir():
                continue
            content = _inflate(archive, entry, MAX_TOTAL_BYTES - total)
            total += len(content)
            _add(upload, name, content)
    return upload


def read_listed(files: Iterable[tuple[str, str]]) -> Upload:
    """The files of a JSON upload (path, text); the same name rules and limits as a zip."""
    upload, total = Upload(), 0
    for count, (name, text) in enumerate(files, 1):
        if count > MAX_FILES:
            raise UploadError(f"the upload has more than {MAX_FILES} files")
        check_name(name)
        content = text.encode("utf-8", "surrogatepass")
        total += len(content)
        if len(content) > MAX_FILE_BYTES or total > MAX_TOTAL_BYTES:
            raise UploadError(f"{name}: the upload is larger than {MAX_TOTAL_BYTES} bytes", name)
        _add(upload, name, content)
    return upload


def check_name(name: str) -> None:
    """UploadError unless ``name`` is a relative, forward-slash path that stays inside the folder."""
    if not name or "\x00" in name:
        raise UploadError("an entry has an empty name or a NUL character", name)
    if "\\" in name:
        raise UploadError(f"{name}: backslashes are not accepted in names; use '/'", name)
    if name.startswith("/") or _DRIVE.match(name):
        raise UploadError(f"{name}: absolute names are not accepted", name)
    if ".." in name.split("/"):
        raise UploadError(f"{name}: '..' would leave the config folder", name)


def _inflate(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: int) -> bytes:
    """The entry's bytes, stopping as soon as the file or the whole upload passes its limit."""
    limit = min(MAX_FILE_BYTES, budget)
    parts: list[bytes] = []
    size = 0
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    which = "file" if limit == MAX_FILE_BYTES else "upload"
                    bound = MAX_FILE_BYTES if which == "file" else MAX_TOTAL_BYTES
                    raise UploadError(
                        f"{entry.filename}: the {which} is larger than {bound} bytes once uncompressed",
                        entry.filename,
                    )
                parts.append(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise UploadError(f"{entry.filename}: cannot be read ({exc})", entry.filename) from None
    return b"".join(parts)


def _add(upload: Upload, name: str, content: bytes) -> None:
    path = posixpath.normpath(name)
    if path in upload.files:
        raise UploadError(f"{name}: the same name appears twice", name)
    if _RUNTIME.search(path):
        upload.skip(path, "written by Kometa at run time (logs, caches)")
    elif b"\x00" in content[:8192] or not _is_utf8(content):
        upload.skip(path, "binary file: the config repository holds text files")
    else:
        upload.files[path] = content


def _is_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
