"""The ``data`` of the preview and import answers, for the OpenAPI document the frontend's client is
generated from; the route tests validate real answers against them. As in :mod:`panel.api.answers`,
extra fields are allowed, so adding one never breaks a client."""

from __future__ import annotations

from pydantic import BaseModel, Field

from panel.api import answers
from panel.api.answers import CommitResult


class Problem(answers.Problem):
    """A validation problem; ``file`` is null for the request's own ``yaml``."""

    file: str | None  # type: ignore[assignment]


class PreviewItem(BaseModel):
    """One item the collection would hold; ``poster`` is a panel URL (null when Plex has no poster)."""

    rating_key: int
    title: str
    year: int | None
    poster: str | None


class PreviewSection(BaseModel):
    id: int
    title: str
    type: str


class PreviewAnswer(BaseModel):
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


class Place(BaseModel):
    file: str
    line: int
    column: int
    pointer: str


class ProposedSecret(BaseModel):
    """A secret found in the upload: its placeholder now stands where it was; its value is never shown."""

    name: str
    placeholder: str
    kind: str
    already_stored: bool = Field(description="The secret store already holds this value under 'name'")
    where: list[Place]


class StagedFile(BaseModel):
    path: str
    content: str = Field(description="The text as it would be committed (paths mapped, placeholders in)")
    problems: list[Problem]


class Rewrite(BaseModel):
    file: str
    line: int
    old: str
    new: str


class Note(BaseModel):
    file: str
    line: int
    message: str


class Skipped(BaseModel):
    path: str
    reason: str


class StagedImport(BaseModel):
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


class ImportedCommit(CommitResult):
    """The commit the import made, and the secrets it stored."""

    secrets_stored: list[str]
