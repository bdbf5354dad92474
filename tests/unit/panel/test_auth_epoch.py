"""`panel.auth_cache.AuthCache`'s epoch: a change committed in one process empties every other process's
cache at its next request, and a lookup that raced the change is never trusted."""

from __future__ import annotations

from pathlib import Path

from panel.auth_cache import AuthCache


def test_a_bump_by_one_process_empties_the_others_cache(tmp_path: Path) -> None:
    path = tmp_path / "auth-epoch"
    mine, other = AuthCache(60, epoch_path=path), AuthCache(60, epoch_path=path)
    seen = other.sync()
    other.keep(other.users, "uid", {"id": 1, "disabled": False}, seen)
    assert other.fresh(other.users.get("uid")) is not None

    mine.bump()

    assert other.sync() != seen
    assert other.users == {}


def test_an_entry_looked_up_before_a_change_is_never_fresh(tmp_path: Path) -> None:
    path = tmp_path / "auth-epoch"
    writer, reader = AuthCache(60, epoch_path=path), AuthCache(60, epoch_path=path)
    stale = reader.sync()  # a request starts and reads the user...
    writer.bump()  # ...another process commits a change meanwhile...
    reader.sync()  # ...and a second request of this process sees the new epoch
    reader.keep(reader.users, "uid", {"id": 1, "disabled": False}, stale)  # the first one caches late

    assert reader.fresh(reader.users.get("uid")) is None


def test_every_bump_is_a_new_epoch(tmp_path: Path) -> None:
    cache = AuthCache(60, epoch_path=tmp_path / "auth-epoch")
    epochs = set()
    for _ in range(50):
        cache.bump()
        epochs.add(cache.sync())
    assert len(epochs) == 50
    assert sorted(p.name for p in tmp_path.iterdir()) == ["auth-epoch"], "no temporary file is left"
