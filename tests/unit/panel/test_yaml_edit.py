"""`panel.yaml_edit` on any top-level section: entries of `overlays:`, `templates:` and `queues:` are
listed, replaced, added and deleted by splicing their own lines, so every other byte of the file stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from modules.validate import validate_text
from panel.yaml_edit import check_edit, delete_entry, dump_rt, list_entries, load_rt, set_entry

REPO_ROOT = Path(__file__).resolve().parents[3]
OVERLAYS = """\
# yaml-language-server: $schema=../schemas/overlay.json
#
# Badges for the Movies library.

templates:
  Corner Badge:
    overlay:
      horizontal_align: right     # top right corner
      vertical_align: top
      horizontal_offset: 15
      vertical_offset: 15

queues:
  Left Column:
    - horizontal_align: left
      vertical_align: top
      horizontal_offset: 30
      vertical_offset: 30

overlays:
  # Resolution badges from the built-in images.
  4K:
    overlay:
      name: 4K
      default: resolution/4K    # built in
    plex_search:
      all:
        resolution: 4K

  HDR:
    overlay: {name: HDR, default: "resolution/HDR"}
    plex_search:
      all:
        hdr: true
    suppress_overlays: [4K]   # 4K wins

  # Text: the audience rating in a box.
  Audience Rating:
    overlay:
      name: text(<<audience_rating>>)
      horizontal_align: center
      vertical_align: bottom
      horizontal_offset: 0
      vertical_offset: 30
      font_size: 63
      back_color: '#00000099'
    plex_all: true
    filters:
      audience_rating.gte: 0.1

# End of file: overlays above are applied in weight order.
"""
AUDIENCE_RATING = OVERLAYS[OVERLAYS.index("  # Text:") : OVERLAYS.index("\n# End of file")]
OVERLAY_FILES = sorted(REPO_ROOT.glob("config-repo/overlays/**/*.yml"))


def texts() -> list[str]:
    """The fixture above and every overlay file of the starter config repository."""
    return [OVERLAYS, *(p.read_text(encoding="utf-8") for p in OVERLAY_FILES)]


def is_valid_overlay_file(text: str) -> bool:
    return not [p for p in validate_text(text, "overlays/badges.yml", "overlay") if p.severity == "error"]


@pytest.mark.parametrize("text", texts())
@pytest.mark.parametrize("section", ["overlays", "templates", "queues"])
def test_setting_every_entry_to_itself_changes_no_byte(section: str, text: str) -> None:
    assert dump_rt(load_rt(text)) == text
    for item in list_entries(text, "overlays/badges.yml", section):
        assert set_entry(text, section, item["name"], item["definition"]) == text
        assert set_entry(text, section, item["name"], item["yaml"]) == text


def test_entries_have_file_line_and_source_text() -> None:
    items = list_entries(OVERLAYS, "overlays/badges.yml", "overlays")
    assert [(i["id"], i["line"]) for i in items] == [
        ("overlays/badges.yml::4K", 22),
        ("overlays/badges.yml::HDR", 30),
        ("overlays/badges.yml::Audience Rating", 38),
    ]
    assert items[1]["definition"]["overlay"] == {"name": "HDR", "default": "resolution/HDR"}
    assert items[0]["yaml"].startswith("overlay:\n  name: 4K\n  default: resolution/4K    # built in\n")
    queue = list_entries(OVERLAYS, "overlays/badges.yml", "queues")[0]
    assert queue["yaml"].startswith("- horizontal_align: left\n  vertical_align: top\n")


def test_a_json_edit_rewrites_only_the_changed_line() -> None:
    item = list_entries(OVERLAYS, "f.yml", "overlays")[2]
    item["definition"]["overlay"]["font_size"] = 70
    out = set_entry(OVERLAYS, "overlays", "Audience Rating", item["definition"])
    assert out == OVERLAYS.replace("      font_size: 63\n", "      font_size: 70\n")


def test_a_key_added_after_a_commented_last_key_stays_in_its_entry() -> None:
    hdr = list_entries(OVERLAYS, "f.yml", "overlays")[1]["definition"]
    out = set_entry(OVERLAYS, "overlays", "HDR", {**hdr, "weight": 20})
    last = "    suppress_overlays: [4K]   # 4K wins\n"
    assert out == OVERLAYS.replace(last, last + "    weight: 20\n")


def test_yaml_text_goes_in_verbatim_with_its_comments() -> None:
    source = (
        "overlay:\n  name: HDR10   # the plain one\n  default: resolution/HDR\n"
        "plex_search:\n  all:\n    hdr: true\n"
    )
    out = set_entry(OVERLAYS, "overlays", "HDR", source)
    assert list_entries(out, "f.yml", "overlays")[1]["yaml"] == source
    old_hdr = OVERLAYS[OVERLAYS.index("  HDR:\n") : OVERLAYS.index("\n  # Text:")]
    new_hdr = "  HDR:\n" + "".join("    " + line for line in source.splitlines(keepends=True))
    assert out == OVERLAYS.replace(old_hdr, new_hdr)


def test_a_new_overlay_goes_after_the_last_one_and_before_the_closing_comment() -> None:
    out = set_entry(OVERLAYS, "overlays", "Blur", {"overlay": {"name": "blur(50)"}, "plex_all": True})
    closing = "\n# End of file: overlays above are applied in weight order.\n"
    assert out == OVERLAYS.replace(
        closing, "\n  Blur:\n    overlay:\n      name: blur(50)\n    plex_all: true\n" + closing
    )
    assert is_valid_overlay_file(out)


def test_a_file_without_the_section_gets_it_appended() -> None:
    text = (
        "# Shared positions.\n"
        "queues:\n"
        "  Right:   # one slot\n"
        "    - {horizontal_align: right, vertical_align: top, horizontal_offset: 0, vertical_offset: 0}\n"
        "# the end\n"
    )
    out = set_entry(text, "overlays", "4K", {"overlay": {"name": "4K", "queue": "Right", "weight": 10}})
    added = "overlays:\n  4K:\n    overlay:\n      name: 4K\n      queue: Right\n      weight: 10\n"
    assert out == text + "\n" + added
    assert is_valid_overlay_file(out)
    assert (
        set_entry("", "overlays", "4K", "overlay: 4K  # shown\n")
        == "overlays:\n  4K:\n    overlay: 4K  # shown\n"
    )
    assert set_entry("# nothing yet", "overlays", "A", {"plex_all": True}) == (
        "# nothing yet\n\noverlays:\n  A:\n    plex_all: true\n"
    )


def test_an_empty_section_is_filled_in_place() -> None:
    queues = "queues:\n  Q:\n    - {horizontal_offset: 0, vertical_offset: 0}\n"
    text = "overlays: {}   # filled from the panel\n\n" + queues
    out = set_entry(text, "overlays", "4K", {"plex_all": True})
    assert out == "overlays:   # filled from the panel\n  4K:\n    plex_all: true\n\n" + queues


def test_delete_takes_the_entry_and_its_comment() -> None:
    out = delete_entry(OVERLAYS, "overlays", "Audience Rating")
    assert out == OVERLAYS.replace("\n" + AUDIENCE_RATING, "")
    assert "# End of file" in out and is_valid_overlay_file(out)
    first = delete_entry(OVERLAYS, "overlays", "4K")
    assert "# Resolution badges" not in first
    assert first.startswith(OVERLAYS[: OVERLAYS.index("  # Resolution")] + "  HDR:\n")


def test_deleting_the_last_entry_leaves_an_empty_mapping() -> None:
    out = OVERLAYS
    for name in ("4K", "HDR", "Audience Rating"):
        out = delete_entry(out, "overlays", name)
    head = OVERLAYS[: OVERLAYS.index("overlays:\n")]
    tail = "\n# End of file: overlays above are applied in weight order.\n"
    assert out == head + "overlays: {}\n" + tail
    assert is_valid_overlay_file(out)
    again = set_entry(out, "overlays", "4K", {"overlay": "4K", "plex_all": True})
    assert again == head + "overlays:\n  4K:\n    overlay: 4K\n    plex_all: true\n" + tail
    with pytest.raises(KeyError):
        delete_entry(out, "overlays", "4K")


def test_what_cannot_be_edited_is_refused() -> None:
    with pytest.raises(ValueError, match="not a mapping"):
        set_entry("overlays: [4K]\n", "overlays", "A", {"plex_all": True})
    with pytest.raises(ValueError, match="not a YAML mapping"):
        set_entry("- a\n- b\n", "overlays", "A", {"plex_all": True})
    with pytest.raises(ValueError, match="mapping or list"):
        set_entry(OVERLAYS, "overlays", "4K", "just words")


# ------------------------------------------------------------- real-world files (findings 1, 2, 4-7, 13)

INDENTED = """\
collections:
    Pixar:
        # Pixar feature films
        plex_search:
            all:
                studio:
                - Pixar
                - Pixar Animation Studios
        sort_title: "!Pixar"
        summary: Pixar films
    DreamWorks:
        plex_search:
            all:
                studio: DreamWorks Animation
"""
SHARED = """\
x-shared: &shared_settings             # anchor reused below
  sync_mode: sync
  collection_order: alpha
  minimum_items: 3

collections:
  Trending:                       # inline key comment
    template: {name: Chart}
    trakt_trending: 30            # thirty items
    filters: &no_horror
      genre.not: Horror

  Popular:
    tmdb_popular: 40
    filters: *no_horror
    summary: >
      Popular movies right now,
      according to TMDb.

  Marvel Cinematic Universe:
    <<: *shared_settings
    trakt_list: https://trakt.tv/users/donxy/lists/marvel-cinematic-universe
    collection_order: custom
    summary: 'The MCU, in release order'
# end of collections
"""
NUMBERS = """\
collections:
  1917:
    plex_search:
      all:
        title: '1917'
  2001.5:
    plex_all: true
  ~:
    plex_all: true
  Other:   # a plain name
    plex_all: true
"""


def entry(text: str, name: str) -> dict[str, Any]:
    return next(i for i in list_entries(text, "f.yml", "collections") if i["name"] == name)


def test_a_json_edit_in_a_four_space_file_keeps_its_indentation() -> None:
    pixar = entry(INDENTED, "Pixar")["definition"]
    out = set_entry(INDENTED, "collections", "Pixar", {**pixar, "summary": "Pixar Animation Studios films"})
    assert out == INDENTED.replace("summary: Pixar films", "summary: Pixar Animation Studios films")
    pixar["plex_search"]["all"]["studio"].append("Disney")
    out = set_entry(INDENTED, "collections", "Pixar", {**pixar, "visible_home": True})
    assert out == INDENTED.replace(
        "                - Pixar Animation Studios\n",
        "                - Pixar Animation Studios\n                - Disney\n",
    ).replace("        summary: Pixar films\n", "        summary: Pixar films\n        visible_home: true\n")
    added = set_entry(
        INDENTED, "collections", "Illumination", {"plex_search": {"all": {"studio": ["Illumination"]}}}
    )
    assert added == INDENTED + (
        "    Illumination:\n        plex_search:\n            all:\n                studio:\n"
        "                - Illumination\n"
    )
    source = "plex_search:\n    all:\n        studio: Pixar\n"
    out = set_entry(INDENTED, "collections", "Pixar", source)
    assert (
        out
        == "collections:\n    Pixar:\n"
        + "".join("        " + line for line in source.splitlines(True))
        + (INDENTED[INDENTED.index("    DreamWorks:") :])
    )


def test_the_safety_net_refuses_an_edit_that_swallows_the_next_entry() -> None:
    swallowed = (  # what a 2-space re-dump of Pixar once gave: DreamWorks became a key of Pixar
        "collections:\n  Pixar:\n        # Pixar feature films\n    plex_search:\n      all:\n        studio:\n"
        '          - Pixar\n          - Pixar Animation Studios\n    sort_title: "!Pixar"\n'
        "    summary: Pixar films\n" + INDENTED[INDENTED.index("    DreamWorks:") :]
    )
    definition = entry(INDENTED, "Pixar")["definition"]
    with pytest.raises(
        ValueError, match=r"Indent\.yml: collections entry 'Pixar'.*other entries \('DreamWorks'\)"
    ):
        check_edit(load_rt(INDENTED), swallowed, "collections", "Pixar", definition, "Indent.yml")
    with pytest.raises(ValueError, match="top-level 'x-shared'"):
        check_edit(
            load_rt(SHARED),
            SHARED.replace("minimum_items: 3", "minimum_items: 4"),
            "collections",
            "Popular",
            None,
        )
    with pytest.raises(ValueError, match="would not read back"):
        check_edit(load_rt(NUMBERS), NUMBERS, "collections", "Other", {"plex_all": False})


def test_numbers_and_nulls_are_names_too() -> None:
    items = list_entries(NUMBERS, "n.yml", "collections")
    assert [i["id"] for i in items] == ["n.yml::1917", "n.yml::2001.5", "n.yml::None", "n.yml::Other"]
    assert items[0]["definition"] == {"plex_search": {"all": {"title": "1917"}}}
    out = set_entry(NUMBERS, "collections", "1917", {"plex_search": {"all": {"title": "1917"}}, "limit": 5})
    assert out == NUMBERS.replace("        title: '1917'\n", "        title: '1917'\n    limit: 5\n")
    assert set_entry(NUMBERS, "collections", "2001.5", {"plex_all": False}) == NUMBERS.replace(
        "  2001.5:\n    plex_all: true", "  2001.5:\n    plex_all: false"
    )
    assert delete_entry(NUMBERS, "collections", "None") == NUMBERS.replace("  ~:\n    plex_all: true\n", "")
    first = "  1917:\n    plex_search:\n      all:\n        title: '1917'\n"
    assert delete_entry(NUMBERS, "collections", "1917") == NUMBERS.replace(first, "")


def test_anchors_and_aliases_stay_as_written() -> None:
    trending = entry(SHARED, "Trending")["definition"]
    out = set_entry(SHARED, "collections", "Trending", {**trending, "trakt_trending": 50})
    assert out == SHARED.replace("trakt_trending: 30 ", "trakt_trending: 50 ")
    popular = entry(SHARED, "Popular")["definition"]
    out = set_entry(SHARED, "collections", "Popular", {**popular, "tmdb_popular": 20})
    assert out == SHARED.replace("tmdb_popular: 40", "tmdb_popular: 20")
    source = entry(SHARED, "Popular")["yaml"].replace("40", "20")
    assert source.startswith("tmdb_popular: 20\nfilters: *no_horror\n")
    assert set_entry(SHARED, "collections", "Popular", source) == out
    with pytest.raises(
        ValueError, match=r"m\.yml: collections entry 'Trending'.*undefined alias 'no_horror'"
    ):
        delete_entry(SHARED, "collections", "Trending", "m.yml")
    with pytest.raises(ValueError, match=r"other entries .*'Popular'"):
        set_entry(SHARED, "collections", "Trending", {**trending, "filters": {"genre.not": "Drama"}})


def test_merge_keys_stay_and_only_changed_keys_are_written() -> None:
    mcu = entry(SHARED, "Marvel Cinematic Universe")
    assert mcu["inherited"] == ["sync_mode", "minimum_items"]
    assert mcu["definition"]["sync_mode"] == "sync" and mcu["definition"]["collection_order"] == "custom"
    definition = {**mcu["definition"], "summary": "The MCU, in release order (updated)"}
    out = set_entry(SHARED, "collections", "Marvel Cinematic Universe", definition)
    assert out == SHARED.replace("release order'", "release order (updated)'")
    out = set_entry(SHARED, "collections", "Marvel Cinematic Universe", {**definition, "minimum_items": 1})
    assert out == SHARED.replace("release order'\n", "release order (updated)'\n    minimum_items: 1\n")
    without = {k: v for k, v in definition.items() if k != "minimum_items"}
    with pytest.raises(ValueError, match="'minimum_items' comes from a '<<' merge key"):
        set_entry(SHARED, "collections", "Marvel Cinematic Universe", without, "m.yml")
    source = mcu["yaml"].replace("custom", "release")
    assert source.startswith("<<: *shared_settings\n")
    out = set_entry(SHARED, "collections", "Marvel Cinematic Universe", source)
    assert out == SHARED.replace("collection_order: custom", "collection_order: release")


def test_crlf_files_keep_crlf_on_every_line() -> None:
    text = SHARED.replace("\n", "\r\n")
    popular = entry(text, "Popular")["definition"]
    out = set_entry(text, "collections", "Popular", {**popular, "tmdb_popular": 20, "limit": 5})
    expected = SHARED.replace("tmdb_popular: 40", "tmdb_popular: 20").replace(
        "      according to TMDb.\n", "      according to TMDb.\n    limit: 5\n"
    )
    assert out == expected.replace("\n", "\r\n")
    out = set_entry(text, "collections", "Popular", "tmdb_popular: 20\r\nfilters: *no_horror\n")
    assert out.count("\r\n") == out.count("\n") and "    filters: *no_horror\r\n\r\n  Marvel" in out
    out = set_entry(text, "collections", "New One", {"plex_all": True})
    end = "# end of collections\r\n"
    assert out == text.replace(end, "\r\n  New One:\r\n    plex_all: true\r\n" + end)
    assert delete_entry(out, "collections", "New One") == text


def test_a_section_made_only_of_a_merge_key_is_refused_clearly() -> None:
    text = "x: &base\n  A:\n    plex_all: true\ncollections:\n  <<: *base\n"
    with pytest.raises(ValueError, match=r"f\.yml.*no entries of its own"):
        set_entry(text, "collections", "B", {"plex_all": True}, "f.yml")
