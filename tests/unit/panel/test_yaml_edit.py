"""`panel.yaml_edit` on any top-level section: entries of `overlays:`, `templates:` and `queues:` are
listed, replaced, added and deleted by splicing their own lines, so every other byte of the file stays.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from modules.validate import validate_text
from panel.yaml_edit import delete_entry, dump_rt, list_entries, load_rt, set_entry

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
