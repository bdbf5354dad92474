"""`panel.repo_cache`: the byte-bounded LRU and reading a ref from loose and packed ref files."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel.repo_cache import ENTRY_OVERHEAD, MISSING, ByteLRU, cache_bytes_from_env, read_ref

A, B, C = "a" * 40, "b" * 40, "c" * 40


def test_the_least_recently_used_entries_go_first_to_stay_within_the_bound() -> None:
    cache = ByteLRU(3 * (100 + ENTRY_OVERHEAD))
    for key in ("one", "two", "three"):
        cache.put(key, key.upper(), 100)
    assert cache.get("one") == "ONE"  # now the most recently used
    cache.put("four", "FOUR", 100)
    assert cache.get("two") is MISSING
    assert [cache.get(k) for k in ("one", "three", "four")] == ["ONE", "THREE", "FOUR"]
    assert cache.size == 3 * (100 + ENTRY_OVERHEAD) and len(cache) == 3


def test_a_value_larger_than_the_bound_is_not_kept_and_zero_keeps_nothing() -> None:
    cache = ByteLRU(1000)
    cache.put("small", b"x", 1)
    cache.put("huge", b"y" * 5000, 5000)
    assert cache.get("huge") is MISSING and cache.get("small") == b"x"
    off = ByteLRU(0)
    off.put("small", b"x", 1)
    assert off.get("small") is MISSING and off.size == 0


def test_replacing_a_key_counts_its_size_once() -> None:
    cache = ByteLRU(10_000)
    cache.put("k", "old", 500)
    cache.put("k", "new", 200)
    assert cache.get("k") == "new" and cache.size == 200 + ENTRY_OVERHEAD
    cache.clear()
    assert cache.size == 0 and len(cache) == 0


def test_refs_are_read_loose_first_then_packed_and_symbolic_refs_are_followed(tmp_path: Path) -> None:
    (tmp_path / "refs/heads").mkdir(parents=True)
    (tmp_path / "packed-refs").write_text(
        f"# pack-refs with: peeled\n{A} refs/heads/main\n{B} refs/tags/v1\n"
    )
    (tmp_path / "HEAD").write_text("ref: refs/heads/main\n")
    assert read_ref(tmp_path, "refs/heads/main") == A
    assert read_ref(tmp_path, "refs/tags/v1") == B
    (tmp_path / "refs/heads/main").write_text(C + "\n")
    assert read_ref(tmp_path, "refs/heads/main") == C
    assert read_ref(tmp_path, "HEAD") == C
    assert read_ref(tmp_path, "refs/heads/other") is None


def test_the_cache_size_comes_from_the_environment() -> None:
    assert cache_bytes_from_env({}) == 64 * 1024 * 1024
    assert cache_bytes_from_env({"KOMETA_PANEL_READ_CACHE_MB": "0.5"}) == 512 * 1024
    for bad in ("lots", "-1"):
        with pytest.raises(ValueError, match="KOMETA_PANEL_READ_CACHE_MB"):
            cache_bytes_from_env({"KOMETA_PANEL_READ_CACHE_MB": bad})
