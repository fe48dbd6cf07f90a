"""Blind grading: a stable shuffled order of submissions and opaque keys instead of their ids.

Why: a grader who sees a student's folder name (or meets answers in alphabetical order) grades
the student, not the answer. The order and the keys come from an HMAC of each submission id with
a random secret kept in the gradebook's ``meta`` table, so they are the same for every question,
every page and every restart of the review server, and cannot be turned back into ids without
the database.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

SECRET_KEY = "review_blind_secret"
"""The ``meta`` key of the secret (hex)."""


class _HasSubmission(Protocol):
    submission_id: str


Row = TypeVar("Row", bound=_HasSubmission)


class _Meta(Protocol):
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...


class BlindOrder:
    """Opaque keys and the shuffled order derived from one secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    def for_db(cls, db: _Meta) -> BlindOrder:
        """The order of this gradebook (its secret is created on first use)."""
        stored = db.get_meta(SECRET_KEY)
        if stored is None:
            stored = secrets.token_hex(16)
            db.set_meta(SECRET_KEY, stored)
        return cls(bytes.fromhex(stored))

    def key(self, submission_id: str) -> str:
        """The opaque key the page uses for `submission_id`."""
        digest = hmac.new(self._secret, submission_id.encode(), hashlib.sha256)
        return digest.hexdigest()[:24]

    def shuffled_ids(self, ids: Iterable[str]) -> list[str]:
        """`ids` in blind order."""
        return sorted(ids, key=self.key)

    def shuffled(self, rows: Sequence[Row]) -> list[Row]:
        """`rows` (anything with a ``submission_id``) in blind order."""
        return sorted(rows, key=lambda row: self.key(row.submission_id))

    def find(self, key: str, ids: Iterable[str]) -> str | None:
        """The submission id among `ids` whose key is `key`, or None."""
        for sid in ids:
            if hmac.compare_digest(self.key(sid), key):
                return sid
        return None
