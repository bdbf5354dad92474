"""The panel database is owned by Alembic migrations: a new database gets exactly the models' schema,
older ones are upgraded or adopted when the app starts, and `flask --app panel db ...` drives it by hand."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import insert, inspect, select
from sqlalchemy.engine import Engine

from panel import create_app
from panel.db import Base, User, database_url, get_session, make_engine
from panel.migrations import (
    INITIAL_REVISION,
    MigrationError,
    alembic_config,
    script_directory,
    upgrade_to_head,
)
from panel.settings import Settings
from tests.integration.panel.conftest import make_user

MODEL_TABLES = {"users", "refresh_tokens", "access_tokens", "secrets", "audit_log"}
HEAD = script_directory().get_current_head()


def schema_differences(engine: Engine) -> list[object]:
    """What `alembic revision --autogenerate` would write for this database: nothing when it matches."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def version(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'panel.db'}"


def test_the_migrations_build_exactly_the_models_schema(url: str) -> None:
    assert Base.metadata.tables.keys() == MODEL_TABLES
    command.upgrade(alembic_config(url), "head")

    engine = make_engine(url)
    assert tables(engine) == MODEL_TABLES | {"alembic_version"}
    assert schema_differences(engine) == []


def test_an_app_on_a_new_data_dir_gets_the_migrated_schema(tmp_path: Path) -> None:
    create_app(Settings(data_dir=tmp_path / "data"))

    assert version(tmp_path / "data" / "panel.db") == [HEAD]
    assert schema_differences(make_engine(database_url(Settings(data_dir=tmp_path / "data")))) == []


def test_downgrade_to_base_removes_every_table(url: str) -> None:
    command.upgrade(alembic_config(url), "head")
    command.downgrade(alembic_config(url), "base")

    engine = make_engine(url)
    assert tables(engine) == {"alembic_version"}
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_heads() == ()


def test_the_app_starts_twice_on_the_same_data_dir_and_keeps_its_data(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    make_user(create_app(settings), "alice", "editor")

    again = create_app(settings)

    with again.app_context():
        assert get_session().scalar(select(User.role).where(User.username == "alice")) == "editor"
    assert version(tmp_path / "data" / "panel.db") == [HEAD]


def legacy_database(data_dir: Path, without: str | None = None) -> Engine:
    """A database as the panel made it before migrations: create_all, one user, no alembic_version."""
    data_dir.mkdir(parents=True)
    engine = make_engine(database_url(Settings(data_dir=data_dir)))
    Base.metadata.create_all(engine, tables=[t for t in Base.metadata.sorted_tables if t.name != without])
    with engine.begin() as connection:
        connection.execute(insert(User).values(username="old", password_hash="x", role="admin"))
    return engine


def test_a_database_made_by_create_all_is_stamped_and_keeps_its_rows(tmp_path: Path) -> None:
    engine = legacy_database(tmp_path / "data")

    app = create_app(Settings(data_dir=tmp_path / "data"))

    assert version(tmp_path / "data" / "panel.db") == [HEAD]
    assert schema_differences(engine) == []
    with app.app_context():
        assert get_session().scalar(select(User.username)) == "old"


def test_a_database_from_before_the_secrets_table_gets_it(tmp_path: Path) -> None:
    engine = legacy_database(tmp_path / "data", without="secrets")

    create_app(Settings(data_dir=tmp_path / "data"))

    assert "secrets" in tables(engine)
    assert schema_differences(engine) == []


def test_a_database_from_a_newer_release_is_refused_clearly(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    create_app(settings)
    with sqlite3.connect(tmp_path / "data" / "panel.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_future'")

    with pytest.raises(MigrationError, match=r"0099_future.*does not know.*newer panel"):
        create_app(settings)


def test_without_auto_migrate_the_app_leaves_the_database_alone(tmp_path: Path) -> None:
    create_app(Settings(data_dir=tmp_path / "data", auto_migrate=False))

    engine = make_engine(database_url(Settings(data_dir=tmp_path / "data")))
    assert tables(engine) == set()


def test_workers_starting_together_migrate_one_at_a_time(tmp_path: Path, url: str) -> None:
    Base.metadata.create_all(make_engine(url), tables=[Base.metadata.tables["users"]])
    errors: list[BaseException] = []

    def start() -> None:
        try:
            upgrade_to_head(make_engine(url), url, tmp_path / "migrate.lock")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert version(tmp_path / "panel.db") == [HEAD]
    assert schema_differences(make_engine(url)) == []


# ---------------------------------------------------------------------------- flask --app panel db ...


def test_the_db_commands_show_downgrade_and_upgrade_the_database(tmp_path: Path) -> None:
    runner = create_app(Settings(data_dir=tmp_path / "data", auto_migrate=False)).test_cli_runner()

    assert runner.invoke(args=["db", "current"]).output.strip() == "base (no revision recorded)"
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "current"]).output.strip() == f"{HEAD} (head)"

    down = runner.invoke(args=["db", "downgrade", "base"])
    assert down.exit_code == 0, down.output
    assert tables(make_engine(database_url(Settings(data_dir=tmp_path / "data")))) == {"alembic_version"}
    assert runner.invoke(args=["db", "current"]).output.strip() == "base (no revision recorded)"


def test_db_history_lists_the_revisions(tmp_path: Path) -> None:
    runner = create_app(Settings(data_dir=tmp_path / "data")).test_cli_runner()

    result = runner.invoke(args=["db", "history"])

    assert result.exit_code == 0
    assert f"<base> -> {INITIAL_REVISION}," in result.output
    assert f"{INITIAL_REVISION} -> {HEAD} (head)" in result.output


def test_db_upgrade_with_sql_prints_the_statements_without_running_them(tmp_path: Path) -> None:
    runner = create_app(Settings(data_dir=tmp_path / "data", auto_migrate=False)).test_cli_runner()

    result = runner.invoke(args=["db", "upgrade", "--sql"])

    assert result.exit_code == 0, result.output
    assert "CREATE TABLE users" in result.output
    assert "CREATE TABLE secrets" in result.output
    assert tables(make_engine(database_url(Settings(data_dir=tmp_path / "data")))) == set()


def test_db_downgrade_to_an_unknown_revision_fails_naming_it(tmp_path: Path) -> None:
    runner = create_app(Settings(data_dir=tmp_path / "data")).test_cli_runner()

    result = runner.invoke(args=["db", "downgrade", "nosuchrev"])

    assert result.exit_code == 1
    assert "nosuchrev" in result.output
    assert version(tmp_path / "data" / "panel.db") == [HEAD]


# ---------------------------------------------------------------------------- 0002: users get a uid


def test_a_database_at_the_initial_revision_upgrades_with_a_uid_per_user(url: str, tmp_path: Path) -> None:
    """Users of an older database get distinct random uids and generation 0; their refresh and personal
    access tokens keep working; a downgrade drops the columns again without losing a row."""
    command.upgrade(alembic_config(url), INITIAL_REVISION)
    with sqlite3.connect(tmp_path / "panel.db") as connection:
        for name in ("ann", "bob", "cy"):
            connection.execute(
                "INSERT INTO users (username, password_hash, role, created_at, disabled) "
                "VALUES (?, 'x', 'editor', '2026-01-01 00:00:00', 0)",
                (name,),
            )
        connection.execute(
            "INSERT INTO refresh_tokens (user_id, token_hash, created_at, expires_at) "
            "VALUES (2, 'h', '2026-01-01 00:00:00', '2036-01-01 00:00:00')"
        )

    command.upgrade(alembic_config(url), "head")

    engine = make_engine(url)
    assert schema_differences(engine) == []
    with sqlite3.connect(tmp_path / "panel.db") as connection:
        rows = connection.execute("SELECT username, uid, token_generation FROM users ORDER BY id").fetchall()
        assert [name for name, _, _ in rows] == ["ann", "bob", "cy"]
        uids = [uid for _, uid, _ in rows]
        assert len(set(uids)) == 3 and all(len(uid) == 32 for uid in uids)
        assert {generation for _, _, generation in rows} == {0}
        assert connection.execute("SELECT user_id FROM refresh_tokens").fetchall() == [(2,)]
        with pytest.raises(sqlite3.IntegrityError):  # the uid index is unique
            connection.execute("UPDATE users SET uid = ? WHERE username = 'cy'", (uids[0],))

    command.downgrade(alembic_config(url), INITIAL_REVISION)
    with sqlite3.connect(tmp_path / "panel.db") as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(users)")}
        assert "uid" not in columns and "token_generation" not in columns
        assert connection.execute("SELECT count(*) FROM refresh_tokens").fetchone() == (1,)
