"""The gradebook database's schema as ordered migrations, and the function that applies them.

Append only: ``MIGRATIONS[k]`` takes a file from version ``k`` to ``k + 1`` and is never edited
once it has shipped; each step runs in its own transaction, so an interrupted upgrade leaves the
file at the previous version. The tables are described in :mod:`.gradebook_db`.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable


class SchemaError(Exception):
    """The file is not a gradebook this code can read (newer schema, not SQLite)."""


def answer_digest(text: str) -> str:
    """sha256 (hex) of a written answer's stored Markdown, as UTF-8: what a manual score records
    of the answer it was given for. Part of the stored format: never change it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _execute_all(con: sqlite3.Connection, script: str) -> None:
    """Run `;`-separated statements inside the caller's transaction (``executescript`` would
    commit first, breaking the all-or-nothing migration step)."""
    for statement in script.split(";"):
        if statement.strip():
            con.execute(statement)


def _migration_1(con: sqlite3.Connection) -> None:
    """The first schema: submissions, their test outcomes, manual scores."""
    _execute_all(
        con,
        """
        CREATE TABLE submissions (
            id TEXT PRIMARY KEY,
            assignment TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            content_sha256 TEXT NOT NULL,
            autograder_digest TEXT NOT NULL,
            status TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            cell_errors TEXT NOT NULL DEFAULT '[]',
            duration_s REAL NOT NULL DEFAULT 0,
            timings TEXT NOT NULL DEFAULT '{}',
            seconds REAL NOT NULL DEFAULT 0,
            graded_at TEXT NOT NULL
        );
        CREATE TABLE outcomes (
            submission_id TEXT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            question TEXT NOT NULL,
            name TEXT NOT NULL,
            test TEXT NOT NULL,
            hidden INTEGER NOT NULL,
            points REAL NOT NULL,
            max_points REAL NOT NULL,
            passed INTEGER NOT NULL,
            message TEXT NOT NULL,
            PRIMARY KEY (submission_id, seq)
        );
        CREATE TABLE manual_scores (
            submission_id TEXT NOT NULL,
            question TEXT NOT NULL,
            assignment TEXT NOT NULL,
            items TEXT NOT NULL,
            points REAL NOT NULL,
            comment TEXT NOT NULL,
            grader TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (submission_id, question)
        );
        """,
    )


def _migration_2(con: sqlite3.Connection) -> None:
    """Written answers, question tables, the sandbox isolation report, and key/value metadata."""
    _execute_all(
        con,
        """
        ALTER TABLE submissions ADD COLUMN isolation TEXT NOT NULL DEFAULT '{}';
        CREATE TABLE written_answers (
            submission_id TEXT NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
            question TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'empty', 'missing', 'malformed')),
            text TEXT NOT NULL,
            PRIMARY KEY (submission_id, question)
        );
        CREATE TABLE questions (
            assignment TEXT NOT NULL,
            question TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('auto', 'manual')),
            points REAL NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (assignment, question)
        );
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE INDEX submissions_by_assignment ON submissions(assignment);
        """,
    )


def _migration_3(con: sqlite3.Connection) -> None:
    """Manual scores record the digest of the answer they were given for (``answer_sha256``);
    existing scores get the digest of the answer stored now (empty text when none is stored)."""
    con.execute("ALTER TABLE manual_scores ADD COLUMN answer_sha256 TEXT NOT NULL DEFAULT ''")
    rows = con.execute(
        "SELECT m.submission_id, m.question, w.text FROM manual_scores m LEFT JOIN "
        "written_answers w ON w.submission_id = m.submission_id AND w.question = m.question"
    ).fetchall()
    con.executemany(
        "UPDATE manual_scores SET answer_sha256 = ? WHERE submission_id = ? AND question = ?",
        [(answer_digest(text or ""), sid, q) for sid, q, text in rows],
    )


def _migration_4(con: sqlite3.Connection) -> None:
    """Test outcomes keep their typed failure (``TestOutcome.failure``: ``timeout``, ``error``,
    ...), so a stored row still says which tests timed out; older rows read back as ``""``."""
    con.execute("ALTER TABLE outcomes ADD COLUMN failure TEXT NOT NULL DEFAULT ''")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
)
"""Ordered: ``MIGRATIONS[k]`` takes a file from version ``k`` to ``k + 1``."""
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(con: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Bring the file to version `target` (each step in its own transaction); return the version."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = con.execute("SELECT version FROM schema_version").fetchone()
    version = 0 if row is None else int(row[0])
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"gradebook schema version {version} is newer than this mbrl-course "
            f"({SCHEMA_VERSION}); upgrade mbrl-course"
        )
    while version < target:
        con.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version](con)
            con.execute("DELETE FROM schema_version")
            con.execute("INSERT INTO schema_version VALUES (?)", (version + 1,))
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        version += 1
    return version
