"""Names git refuses in a tree: what NTFS or HFS+ would read as ``.git``, ``.gitmodules`` and the other
files git gives a meaning to.

Pure functions over one path component, following the rules of git's ``verify_path`` (read-cache.c) and
``fsck`` (``hasDotgit``, ``gitmodulesSymlink``...) in path.c, so a tree the panel writes always passes
``git clone`` with ``transfer.fsckObjects`` and checks out on every file system:

- NTFS ignores trailing dots and spaces and reads ``name:stream`` as ``name``, so ``.git.``, ``.git ``
  and ``.git:x`` are ``.git``; it also answers to 8.3 short names: ``GIT~1`` for ``.git``, ``GITMOD~1``
  (``~1`` to ``~4``) for ``.gitmodules``, or a fall-back short name made of a hash prefix (``GI7EBA~1``);
- HFS+ ignores some zero-width and directional code points and compares without case, so
  ``.g<U+200C>it`` and ``.GIT<U+FEFF>`` are ``.git``.

git matches the ASCII letters of these names without case and never folds anything else.
"""

from __future__ import annotations

# Code points HFS+ drops when it compares names (git's next_hfs_char).
HFS_IGNORABLE = frozenset(
    "\u200c\u200d\u200e\u200f"  # zero-width non-joiner and joiner, left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # directional embeddings, pop, overrides
    "\u206a\u206b\u206c\u206d\u206e\u206f"  # deprecated shaping and digit-shape controls
    "\ufeff"  # zero-width no-break space (byte order mark)
)
# The dot files git reads from a tree, each with the prefix of its NTFS fall-back short name.
DOT_FILES = {
    "gitmodules": "gi7eba",
    "gitattributes": "gi7d29",
    "gitignore": "gi250a",
    "mailmap": "maba30",
}
# The ones a regular file may not alias either: they change how every clone checks files out.
CONTROL_FILES = ("gitmodules", "gitattributes")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _lower(name: str) -> str:
    """ASCII letters to lower case, nothing else (``str.lower`` folds the Kelvin sign to ``k``)."""
    return name.translate(_ASCII_LOWER)


def _only_spaces_and_periods(rest: str) -> bool:
    """What NTFS ignores after a name: dots and spaces, up to the end or an alternate stream (``:``)."""
    for char in rest:
        if char == ":":
            return True
        if char not in " .":
            return False
    return True


def is_ntfs_dotgit(name: str) -> bool:
    """Whether NTFS reads the component ``name`` as ``.git`` (``.git``, ``git~1``, plus dots, spaces or
    an alternate stream)."""
    low = _lower(name)
    if low.startswith(".git"):
        rest = name[4:]
    elif low.startswith("git~1"):
        rest = name[5:]
    else:
        return False
    return _only_spaces_and_periods(rest)


def is_ntfs_dot_file(name: str, dot_name: str, short_prefix: str) -> bool:
    """Whether NTFS reads ``name`` as ``.<dot_name>``: the name itself, its 8.3 short name
    (``<first six>~1`` to ``~4``), or a fall-back short name (``short_prefix`` shrunk, ``~``, digits)."""
    low = _lower(name)
    if low.startswith("." + dot_name):
        return _only_spaces_and_periods(name[1 + len(dot_name) :])
    if low[:6] == dot_name[:6] and name[6:7] == "~" and "1" <= name[7:8] <= "4":
        return _only_spaces_and_periods(name[8:])
    if len(name) < 8:
        return False
    saw_tilde = False
    index = 0
    while index < 8:
        char = name[index]
        if saw_tilde:
            if not "0" <= char <= "9":
                return False
        elif char == "~":
            index += 1
            if not "1" <= name[index : index + 1] <= "9":
                return False
            saw_tilde = True
        elif index >= 6 or ord(char) > 127 or low[index] != short_prefix[index]:
            return False
        index += 1
    return _only_spaces_and_periods(name[8:])


def is_hfs_dot_file(name: str, dot_name: str) -> bool:
    """Whether HFS+ reads ``name`` as ``.<dot_name>``: the same letters in any case, once the ignorable
    code points are dropped."""
    kept = [char for char in name if char not in HFS_IGNORABLE]
    if len(kept) != 1 + len(dot_name) or kept[0] != ".":
        return False
    return all(
        ord(char) < 128 and _lower(char) == want for char, want in zip(kept[1:], dot_name, strict=True)
    )


def is_hfs_dotgit(name: str) -> bool:
    """Whether HFS+ reads the component ``name`` as ``.git``."""
    return is_hfs_dot_file(name, "git")


def aliased_dot_file(name: str) -> str | None:
    """The git file (``.git``, ``.gitmodules``...) that the component ``name`` is or stands for on NTFS or
    HFS+, or None."""
    if is_ntfs_dotgit(name) or is_hfs_dotgit(name):
        return ".git"
    for dot_name, short_prefix in DOT_FILES.items():
        if is_ntfs_dot_file(name, dot_name, short_prefix) or is_hfs_dot_file(name, dot_name):
            return "." + dot_name
    return None


def refused_component(name: str, symlink: bool = False) -> str | None:
    """Why git's fsck (or a checkout on NTFS or HFS+) refuses the tree entry ``name``, or None.

    ``.git`` in any disguise is refused always; ``.gitmodules`` and ``.gitattributes`` (the names and their
    aliases) change how clones check files out, so they are refused too; a symbolic link may alias none
    of the dot files. Parts after a backslash count as names of their own, as on NTFS.
    """
    for part in name.split("\\"):
        alias = aliased_dot_file(part)
        if alias is None:
            continue
        if alias == ".git":
            shown = "is" if part == ".git" else "stands for"
            return f"{part!r} {shown} '.git' on Windows or macOS, where git keeps its own data"
        if alias[1:] in CONTROL_FILES or symlink:
            shown = "is" if _lower(part) == alias else "stands for"
            return f"{part!r} {shown} {alias!r} on Windows or macOS, which would change how clones check files out"
    return None


def refused_path(path: str, symlink: bool = False) -> str | None:
    """Why git refuses some component of ``path`` (``/``-separated), or None (see :func:`refused_component`)."""
    for part in path.split("/"):
        reason = refused_component(part, symlink)
        if reason is not None:
            return reason
    return None
