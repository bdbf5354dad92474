"""The shapes of what the preview and import routes answer (the envelope's ``data``), for the OpenAPI
document the frontend's client is generated from; the route tests validate real answers against them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Answer(BaseModel):
    """An answer shape: a field the server sends that is not declared fails the route tests."""

    model_config = ConfigDict(extra="forbid")


class Problem(Answer):
    """A validation problem: ``file`` null for the request's own ``yaml``; line and column 1-based."""

    file: str | None
    line: int | None
    column: int | None
    pointer: str = Field(description="JSON pointer of the key at fault ('' when unknown)")
    severity: Literal["error", "warning"]
    code: str
    message: str
    hint: str | None = None


class PreviewItem(Answer):
    """One item the collection would hold; ``poster`` is a panel URL (null when Plex has no poster)."""

    rating_key: int
    title: str
    year: int | None
    poster: str | None


class PreviewSection(Answer):
    id: int
    title: str
    type: str


class PreviewAnswer(Answer):
    """One page of the items, in collection order, with what the whole preview found."""

    commit: str
    library: str = Field(description="The config.yml library previewed")
    section: PreviewSection
    name: str
    smart: bool = Field(description="The collection would be a smart collection")
    smart_query: str | None = Field(description="The filter a smart collection would store")
    total: int = Field(description="How many items the collection would hold")
    filtered_out: int = Field(description="Items the builders found that filters removed")
    problems: list[Problem]
    listed_at: str = Field(description="When the library listing behind the preview was read from Plex")
    items: list[PreviewItem]
    next_cursor: str | None


class Place(Answer):
    file: str
    line: int
    column: int
    pointer: str


class ProposedSecret(Answer):
    """A secret found in the upload: its placeholder now stands where it was; its value is never shown."""

    name: str
    placeholder: str
    kind: str
    already_stored: bool = Field(description="The secret store already holds this value under 'name'")
    where: list[Place]


class StagedFile(Answer):
    path: str
    content: str = Field(description="The text as it would be committed (paths mapped, placeholders in)")
    problems: list[Problem]


class Rewrite(Answer):
    file: str
    line: int
    old: str
    new: str


class Note(Answer):
    file: str
    line: int
    message: str


class Skipped(Answer):
    path: str
    reason: str


class StagedImport(Answer):
    """A staged import: nothing is committed until ``POST /api/import/commit``."""

    base: str = Field(description="The commit the problems were computed on; send it back as 'base'")
    files: list[StagedFile]
    secrets: list[ProposedSecret]
    rewrites: list[Rewrite]
    notes: list[Note]
    skipped: list[Skipped]
    replaced: list[str] = Field(description="Repository files the import overwrites")
    untouched: list[str] = Field(description="Repository files the import leaves as they are")
    stage: str = Field(description="Opaque, good for an hour: send it back with the commit")


class Author(Answer):
    name: str
    email: str


class ImportedCommit(Answer):
    """The commit the import made, and the secrets it stored."""

    sha: str
    author: Author
    message: str
    time: str
    parents: list[str]
    files: list[str]
    unchanged: bool
    secrets_stored: list[str]
