"""panel.secret_scan: literal secrets in YAML are found at their exact place; the right ways are not.

The fake secrets are assembled from pieces so that this file itself holds no secret-shaped literal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from panel.secret_scan import Finding, entropy, scan_files, scan_text, scan_values

ROOT = Path(__file__).resolve().parents[3]

PLEX = "xQ3vZ8kL2mN9" + "pR4sT6wY"  # 20 characters, like a Plex token
TMDB = "3f9a1c7e5b2d4a6c" + "8e0b7d1f2a9c4e6b"  # 32 hex
TRAKT_SECRET = TMDB + "c0ffee1234abcdef" + "9876543210fedcba"  # 64 hex
GITHUB = "ghp_" + "R7kT2mW9xB4nQ6vL1pZ8" + "sD3fH5jK0cY2aE7u"
AWS = "AKIA" + "IOSFODNN7EXAMPLE"
DISCORD = (
    "https://discord.com/api/webhooks/" + "112233445566778899/" + "Zx9_Yw8-Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa"
)
SLACK = "https://hooks.slack.com/services/" + "T0123ABCD/B0456EFGH/" + "aBcDeFgHiJkLmNoPqRsTuVwX"
PRIVATE_KEY = "-----BEGIN " + "OPENSSH PRIVATE KEY-----"
JWT = "eyJ0eXAiOiJKV1Qi" + "LCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiI2MTQ"


def places(text: str, source: str = "config.yml") -> list[tuple[int, int, str, str]]:
    return [(f.line, f.column, f.pointer, f.kind) for f in scan_text(text, source)]


def test_fake_secrets_have_the_real_shapes() -> None:
    assert len(PLEX) == 20
    assert len(TMDB) == 32 and len(TRAKT_SECRET) == 64
    assert len(GITHUB) == 40 and len(AWS) == 20


# --------------------------------------------------------------------------- found, at the exact place


def test_plex_token_in_config() -> None:
    text = f"plex:\n  url: http://192.168.1.12:32400\n  token: {PLEX}\n  timeout: 60\n"
    [finding] = scan_text(text, "config.yml")
    assert (finding.file, finding.line, finding.column) == ("config.yml", 3, 10)
    assert (finding.pointer, finding.key, finding.kind) == ("/plex/token", "token", "plex_token")
    assert finding.message == (
        "plex.token looks like a Plex token; replace it with <<plextoken>> and store it in the panel's "
        "secret store as 'plextoken' (Secrets, or PUT /api/secrets/plextoken), or set KOMETA_PLEXTOKEN "
        "(or pass --kometa-plextoken) where the engine runs"
    )


def test_plex_token_quoted_points_at_the_quote() -> None:
    assert places(f'plex:\n  token: "{PLEX}"\n') == [(2, 10, "/plex/token", "plex_token")]


def test_plex_token_in_library_override_with_slash_in_name() -> None:
    text = f"libraries:\n  Movies/4K:\n    plex:\n      token: '{PLEX}'\n"
    [finding] = scan_text(text, "config.yml")
    assert (finding.line, finding.column, finding.pointer) == (4, 14, "/libraries/Movies~14K/plex/token")
    assert "libraries.Movies/4K.plex.token" in finding.message and "<<plextoken>>" in finding.message


def test_x_plex_token_inside_url_points_at_the_token() -> None:
    text = f"plex:\n  url: http://x:32400/?X-Plex-Token={PLEX}\n  token: <<plextoken>>\n"
    [finding] = scan_text(text, "config.yml")
    assert (finding.line, finding.column, finding.pointer, finding.kind) == (2, 37, "/plex/url", "plex_token")
    assert "X-Plex-Token" in finding.message and "<<plextoken>>" in finding.message


def test_x_plex_token_in_a_collection_url_list() -> None:
    text = (
        "collections:\n  Pinned:\n    url_poster:\n"
        f"      - 'http://plex:32400/library/metadata/1/thumb?width=300&x-plex-token={PLEX}'\n"
    )
    assert places(text, "collections/movies.yml") == [
        (4, 76, "/collections/Pinned/url_poster/0", "plex_token")
    ]


def test_tmdb_apikey_32_hex() -> None:
    text = f"tmdb:\n  apikey: {TMDB}\n  language: en\n  region: US\n"
    [finding] = scan_text(text, "config.yml")
    assert (finding.line, finding.column, finding.pointer, finding.kind) == (2, 11, "/tmdb/apikey", "api_key")
    assert "<<tmdb_apikey>>" in finding.message and "KOMETA_TMDB_APIKEY" in finding.message


def test_trakt_client_secret_client_id_and_authorization() -> None:
    text = (
        "trakt:\n"
        f"  client_id: {TRAKT_SECRET}\n"
        f"  client_secret: {TRAKT_SECRET[::-1]}\n"
        "  pin:\n"
        "  authorization:\n"
        f"    access_token: {TMDB}{TMDB}\n"
        "    token_type: Bearer\n"
        "    expires_in: 7776000\n"
        f"    refresh_token: {TMDB[::-1]}{TMDB}\n"
        "    scope: public\n"
        "    created_at: 1700000000\n"
    )
    assert places(text) == [
        (2, 14, "/trakt/client_id", "api_key"),
        (3, 18, "/trakt/client_secret", "api_key"),
        (6, 19, "/trakt/authorization/access_token", "api_key"),
        (9, 20, "/trakt/authorization/refresh_token", "api_key"),
    ]
    messages = [f.message for f in scan_text(text, "config.yml")]
    assert "<<trakt_client_secret>>" in messages[1]
    assert "<<trakt_access_token>>" in messages[2]


def test_mal_jwt_access_token_is_high_entropy() -> None:
    text = f"mal:\n  authorization:\n    access_token: {JWT}\n"
    assert places(text) == [(3, 19, "/mal/authorization/access_token", "high_entropy")]


def test_radarr_token_and_anidb_password_and_trakt_pin() -> None:
    text = (
        "radarr:\n  url: http://192.168.1.12:7878\n"
        f"  token: {TMDB}\n"
        "anidb:\n  username: alice\n  password: correct-horse-battery\n"
        "trakt:\n  pin: 9F3KX2QW\n"
    )
    assert places(text) == [
        (3, 10, "/radarr/token", "api_key"),
        (6, 13, "/anidb/password", "secret_value"),
        (8, 8, "/trakt/pin", "secret_value"),
    ]


def test_key_inside_a_service_block_is_secret() -> None:
    text = f"omdb:\n  key: {TMDB[:8]}\n  cache_expiration: 60\n"
    assert places(text) == [(2, 8, "/omdb/key", "secret_value")]


def test_github_token_in_a_collection_file_url() -> None:
    text = (
        "libraries:\n  Movies:\n    collection_files:\n"
        f"      - url: https://{GITHUB}@raw.githubusercontent.com/me/private/main/movies.yml\n"
    )
    [finding] = scan_text(text, "config.yml")
    place = (finding.line, finding.column, finding.pointer, finding.kind)
    assert place == (4, 22, "/libraries/Movies/collection_files/0/url", "github_token")
    assert "GitHub token" in finding.message


def test_github_token_under_github_token_key_is_reported_once() -> None:
    assert places(f"github:\n  token: {GITHUB}\n") == [(2, 10, "/github/token", "github_token")]


def test_discord_webhook_url() -> None:
    text = f"webhooks:\n  error: {DISCORD}\n  run_start:\n"
    [finding] = scan_text(text, "config.yml")
    assert (finding.line, finding.column, finding.pointer, finding.kind) == (
        2,
        10,
        "/webhooks/error",
        "webhook_url",
    )
    assert "webhook URL" in finding.message and "<<webhooks_error>>" in finding.message


def test_a_token_reached_through_an_alias_is_found_at_its_anchor() -> None:
    text = f"x-anchors:\n  tok: &tok {PLEX}\nplex:\n  url: http://plex.local:32400\n  token: *tok\n"
    assert places(text) == [(2, 13, "/plex/token", "plex_token")]


def test_documentation_examples_of_webhook_urls_are_not_secrets() -> None:
    text = "examples:\n  - https://discord.com/api/webhooks/123/abc\n"
    assert places(text, "schemas/common.yml") == []
    assert (
        scan_files({"schemas/common.json": '"examples": ["https://discord.com/api/webhooks/123/abc"]'}) == []
    )


def test_a_placeholder_with_a_typo_says_so() -> None:
    [finding] = scan_text("plex:\n  token: <<plex_token>\n", "config.yml")
    assert finding.line == 2 and "placeholder with a typo" in finding.message


def test_notifiarr_passthrough_url() -> None:
    key = "b8a2d1c7-2f7e-4b3a-" + "9d8e-5a1c3e7f9b2d"
    text = f"webhooks:\n  error: https://notifiarr.com/api/v1/notification/passthrough/{key}\n"
    assert places(text) == [(2, 10, "/webhooks/error", "webhook_url")]
    assert places("webhooks:\n  error: https://notifiarr.com/\n") == []


def test_slack_webhook_in_a_list() -> None:
    text = f"webhooks:\n  run_end:\n    - notifiarr\n    - '{SLACK}'\n"
    assert places(text) == [(4, 8, "/webhooks/run_end/1", "webhook_url")]


def test_aws_key_anywhere() -> None:
    text = f"settings:\n  asset_directory:\n    - s3://{AWS}@bucket/assets\n"
    assert places(text) == [(3, 12, "/settings/asset_directory/0", "aws_access_key")]


def test_private_key_block() -> None:
    text = (
        "settings:\n  ssh_identity: |\n"
        f"    {PRIVATE_KEY}\n    b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
        "    -----END OPENSSH PRIVATE KEY-----\n"
    )
    assert places(text) == [(2, 17, "/settings/ssh_identity", "private_key")]


def test_anchor_is_reported_once_at_its_place() -> None:
    text = f"plex: &plex\n  token: &tok {PLEX}\nlibraries:\n  Movies:\n    plex:\n      token: *tok\n"
    assert places(text) == [(2, 15, "/plex/token", "plex_token")]


def test_tagged_value_points_past_the_tag_and_escaped_value_at_its_start() -> None:
    text = f'plex:\n  token: !!str {PLEX}\n  url: "http://x:32400/?\\x58-Plex-Token={PLEX}"\n'
    assert places(text) == [(2, 16, "/plex/token", "plex_token"), (3, 8, "/plex/url", "plex_token")]


def test_several_documents_and_several_findings_sorted() -> None:
    text = f"tmdb:\n  apikey: {TMDB}\n---\nplex:\n  token: {PLEX}\n"
    assert places(text) == [(2, 11, "/tmdb/apikey", "api_key"), (5, 10, "/plex/token", "plex_token")]


def test_scan_files_reads_yaml_by_value_and_other_text_by_line_and_sorts() -> None:
    files = {
        "config.yml": f"plex:\n  token: {PLEX}\n",
        "README.md": "Set the token in the panel: token: <<plextoken>>\n",
        "collections/a.YAML": f"x:\n  y: {DISCORD}\n",
        "notes.txt": f"old config\napikey: {TMDB}\n",
        ".env": f"KOMETA_PLEXTOKEN={PLEX}\nKOMETA_PLEX_URL=http://127.0.0.1:32400\n",
    }
    found = [(f.file, f.line, f.column, f.kind) for f in scan_files(files)]
    assert found == [
        (".env", 1, 18, "plex_token"),
        ("collections/a.YAML", 2, 6, "webhook_url"),
        ("config.yml", 2, 10, "plex_token"),
        ("notes.txt", 2, 9, "api_key"),
    ]
    [env] = scan_files({".env": files[".env"]})
    assert "<<plextoken>>" in env.message and "KOMETA_PLEXTOKEN" in env.message


def test_finding_shapes() -> None:
    [finding] = scan_text(f"plex:\n  token: {PLEX}\n", "config.yml")
    assert isinstance(finding, Finding)
    assert finding.to_dict()["pointer"] == "/plex/token"
    assert str(finding).startswith("config.yml:2:10: secret[plex_token]: plex.token looks like a Plex token")


def test_entropy() -> None:
    assert entropy("") == 0.0
    assert entropy("aaaa") == 0.0
    assert entropy("abcd") == pytest.approx(2.0)


# --------------------------------------------------------------------------- not secrets


@pytest.mark.parametrize(
    "value",
    [
        "<<plextoken>>",
        "'<<plextoken>>'",
        "env",
        "",
        "''",
        "~",
        "true",
        "false",
        "12345678901234",
        "'12345678'",
        "3.14159265",
        "demo",
        "xxxxxxxxxxxxxxxxxxxx",
        "2024-01-01",
        "Bearer <<trakt_token>>",
    ],
)
def test_not_a_secret_under_secret_keys(value: str) -> None:
    text = f"plex:\n  token: {value}\ntmdb:\n  apikey: {value}\ntrakt:\n  client_secret: {value}\n  pin: {value}\n"
    assert places(text) == []


def test_placeholders_in_urls_are_fine() -> None:
    text = (
        "plex:\n  url: http://x:32400/?X-Plex-Token=<<plextoken>>\n"
        "webhooks:\n  error: https://discord.com/api/webhooks/<<discord_id>>/<<discord_token>>\n"
        "  changes: https://discord.com/api/webhooks/112233445566778899/<<discord_token>>\n"
    )
    assert places(text) == []


def test_key_in_dynamic_collections_and_templates_is_not_a_secret() -> None:
    text = (
        "templates:\n  Person:\n    optional: [key]\n    key: <<key>>\n"
        "dynamic_collections:\n  Genres:\n    type: genre\n    key_name_override:\n"
        f"      {TMDB}: Science Fiction\n"
        "collections:\n  Collectionless:\n    template:\n      name: Person\n"
        "      key: collectionlessAbCdEfGh123456\n"
        f"    translation_key: {TMDB}\n"
        f"    tmdb_collection: {TMDB}\n"
    )
    assert places(text, "collections/movies.yml") == []


def test_template_variables_are_never_scanned() -> None:
    text = (
        "libraries:\n  Movies:\n    collection_files:\n      - default: genre\n"
        "        template_variables:\n"
        f"          token: {PLEX}\n          apikey: {TMDB}\n          url: {DISCORD}\n"
    )
    assert places(text) == []


def test_tokens_in_comments_are_found_where_they_are() -> None:
    """A token "commented out" is still in git for good."""
    text = (
        f"# token: {PLEX}\n"
        "plex:\n"
        f"  token: <<plextoken>>  # was {PLEX}\n"
        f"  # apikey: {TMDB}\n"
        f"  url: http://plex.local:32400  # {DISCORD}\n"
    )
    assert places(text) == [
        (1, 10, "", "plex_token"),
        (3, 31, "", "plex_token"),
        (4, 13, "", "api_key"),
        (5, 35, "", "webhook_url"),
    ]


def test_prose_and_hashes_inside_values_are_not_comments() -> None:
    text = (
        "# Set the token in the panel; the token: ask the admin.\n"
        "plex:\n"
        "  token: <<plextoken>>  # from the secret store, see README\n"
        "collections:\n"
        "  Colours:\n"
        "    summary: |\n"
        f"      # token: {PLEX} is only text in a summary here\n"
        f"    sort_title: 'a #{TMDB}'\n"
        "    url_poster: https://example.org/p.png#frag  # poster, api_key: none\n"
    )
    assert places(text, "collections/movies.yml") == []


def test_long_summaries_are_not_secrets() -> None:
    summary = (
        "Every film that won the Academy Award for Best Picture, from Wings in 1929 to the present day, "
        "sorted by release date; the token list of honors includes several secret screenings."
    )
    text = f"collections:\n  Best Picture Winners:\n    summary: {summary}\n    sort_title: '!010_Oscars'\n"
    assert places(text, "collections/movies.yml") == []


def test_prose_under_a_secret_key_is_not_high_entropy() -> None:
    text = "anidb:\n  password: set this in the panel secret store please\n"
    assert [kind for *_, kind in places(text)] == ["secret_value"]


def test_yaml_syntax_error_gives_nothing() -> None:
    assert scan_text(f"plex:\n  token: {PLEX}\n  url: [unclosed\n", "config.yml") == []
    assert scan_text(f"plex: {{token: {PLEX}\n", "config.yml") == []


def test_empty_and_scalar_documents() -> None:
    assert scan_text("", "config.yml") == []
    assert scan_text("# only a comment\n", "config.yml") == []
    assert places(f"{DISCORD}\n") == [(1, 1, "", "webhook_url")]


def test_project_starter_config_and_defaults_have_no_findings() -> None:
    files = {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for folder in ("config-repo", "defaults")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file() and path.suffix in (".yml", ".yaml")
    }
    assert len(files) >= 10
    assert scan_files(files) == []


def test_stored_values_are_found_anywhere_short_ones_are_ignored() -> None:
    text = "a: 1\nb: 'x sEcReT-vAlUe-42 y'\n# sEcReT-vAlUe-42 again\n"
    found = scan_values({"f.yml": text}, {"tmdb_key": "sEcReT-vAlUe-42", "flag": "true"})
    assert [(f.line, f.column, f.kind) for f in found] == [(2, 7, "stored_secret"), (3, 3, "stored_secret")]
    assert all("<<tmdb_key>>" in f.message for f in found)
    assert scan_values({"f.yml": "b: true true\n"}, {"flag": "true"}) == []


# --------------------------------------------------------------------------- stored values, as YAML reads them

STORED = {"pin_code": "Zebra-Hunter-2047", "phrase": "correct horse battery staple"}


@pytest.mark.parametrize(
    ("value", "place"),
    [
        ('"\\x5aebra-Hunter-2047"', (4, 14)),  # one escaped character
        ('"\\u005Aebra-Hunter-\\x32047"', (4, 14)),
        ('"Zebra-Hunter-\\\n      2047"', (4, 14)),  # an escaped line break joins the lines
        ('"correct horse\n      battery staple"', (4, 14)),  # a folded double-quoted scalar
        ("'correct horse\n      battery staple'", (4, 14)),
        ("correct horse\n      battery staple", (4, 14)),  # a plain scalar over two lines
        (">-\n      correct horse\n      battery staple", (4, 14)),
        ("!!str Zebra-Hunter-2047", (4, 20)),  # literal: found in the text itself
    ],
)
def test_a_stored_value_is_found_however_yaml_spells_it(value: str, place: tuple[int, int]) -> None:
    text = f"collections:\n  A:\n    plex_all: true\n    summary: {value}\n"
    [finding] = scan_files({"collections/a.yml": text}, STORED)
    assert (finding.file, finding.line, finding.column, finding.kind) == (
        "collections/a.yml",
        *place,
        "stored_secret",
    )
    name = "pin_code" if "Zebra" in value or "x5a" in value or "u005A" in value else "phrase"
    assert f"<<{name}>>" in finding.message


def test_a_stored_value_in_a_key_or_through_an_alias_is_found_once() -> None:
    text = 'x: &p "\\x5aebra-Hunter-2047"\ny: [*p, *p]\n"\\x5aebra-Hunter-2047": 1\n'
    found = scan_files({"f.yml": text}, STORED)
    assert [(f.line, f.column) for f in found] == [(1, 7), (3, 1)]


def test_a_literal_stored_value_is_reported_once_not_again_as_parsed() -> None:
    text = "a:\n  b: 'Zebra-Hunter-2047'\n"
    assert [(f.line, f.column) for f in scan_files({"f.yml": text}, STORED)] == [(2, 7)]


def test_text_that_does_not_parse_is_still_searched_literally() -> None:
    text = "a: [Zebra-Hunter-2047\n"
    assert [(f.line, f.column) for f in scan_files({"f.yml": text}, STORED)] == [(1, 5)]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (f"plex:\n  token: {TMDB}xyz\n", "config.yml"),  # not shaped like a Plex token: still <<plextoken>>
        (f"libraries:\n  Movies:\n    plex:\n      token: {GITHUB[4:]}\n", "config.yml"),
        (f"# token: {PLEX}\nplex:\n  token: <<plextoken>>\n", "config.yml"),
    ],
)
def test_every_plex_token_hint_names_the_starter_placeholder_and_both_places(text: str, where: str) -> None:
    """The starter config and README use <<plextoken>> / KOMETA_PLEXTOKEN; hints say the same, and name
    both the panel's secret store and the engine's environment."""
    [finding] = scan_text(text, where)
    assert "<<plextoken>>" in finding.message or "comment" in finding.message
    assert "plex_token" not in finding.message and "PLEX_TOKEN" not in finding.message
    assert "secret store" in finding.message and "where the engine runs" in finding.message
