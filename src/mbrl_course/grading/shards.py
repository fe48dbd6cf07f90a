"""Which submissions a `mbrl-course grade` run takes: discovery, a deterministic shard, and an
optional selection of stored rows to regrade (``--only-status``, ``--only-id``).

A shard ``i/N`` (0 <= i < N, as Kubernetes' ``JOB_COMPLETION_INDEX`` and a Slurm array
``--array=0-(N-1)`` count) holds the submissions whose id hashes to ``i`` modulo ``N``. The hash
is sha256 of the id's UTF-8 bytes, so the split is the same on every machine, Python version and
``PYTHONHASHSEED``, and it does not depend on the order files are listed in.

A :class:`Selection` keeps the submissions whose stored status is one of the statuses asked for
or whose id is one of the ids asked for (either matches); ids are the ones discovery gives (path
relative to the folder graded), so a selective regrade must be given the same inputs as the first
run, and an id it cannot find is refused before anything is graded.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .submissions import Submission


@dataclass(frozen=True)
class Shard:
    """Slice `index` of `count` (0-based)."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"i/N"`` -> Shard; ValueError with a clear message otherwise."""
        try:
            i_text, n_text = text.split("/")
            index, count = int(i_text), int(n_text)
        except ValueError:
            raise ValueError(f"--shard {text!r}: expected i/N, e.g. 0/4") from None
        if count < 1 or not 0 <= index < count:
            raise ValueError(f"--shard {text!r}: need N >= 1 and 0 <= i < N (shards count from 0)")
        return cls(index, count)

    def holds(self, submission_id: str) -> bool:
        """Whether `submission_id` belongs to this shard."""
        return shard_of(submission_id, self.count) == self.index


def shard_of(submission_id: str, count: int) -> int:
    """The shard (0-based) of `submission_id` among `count` shards."""
    digest = hashlib.sha256(submission_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def corpus_digest(subs: Sequence[Submission]) -> str:
    """A fingerprint of the whole set of submission ids (shards of one corpus share it)."""
    h = hashlib.sha256()
    for sid in sorted(s.id for s in subs):
        h.update(sid.encode("utf-8") + b"\0")
    return f"{len(subs)}:{h.hexdigest()[:16]}"


def shard_arg(text: str) -> Shard:
    """argparse type for ``--shard i/N``."""
    try:
        return Shard.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class SelectionError(ValueError):
    """A selection that cannot be honoured (an id that no input has); nothing is graded."""


@dataclass(frozen=True)
class Selection:
    """The stored rows to regrade: by status, by id, or both (a submission matching either)."""

    statuses: frozenset[str] = field(default_factory=frozenset)
    ids: frozenset[str] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.statuses or self.ids)

    def describe(self) -> str:
        """What was asked for, as the options read (for messages)."""
        parts = []
        if self.statuses:
            parts.append("--only-status " + ",".join(sorted(self.statuses)))
        if self.ids:
            parts.append(f"--only-id ({len(self.ids)} id(s))")
        return " and ".join(parts)

    def pick(
        self,
        subs: Sequence[Submission],
        stored: Mapping[str, str],
        discovered: Sequence[Submission] | None = None,
    ) -> tuple[list[Submission], list[str]]:
        """The submissions of `subs` to regrade and notes on stored rows that cannot be (file
        gone).

        `stored` maps each stored submission id to its status; `discovered` is every input
        before sharding (default `subs`): an id of another shard is not an error, merely not
        this shard's. Raises SelectionError when an id asked for is not among the inputs.
        """
        found = {s.id for s in subs}
        unknown = sorted(self.ids - {s.id for s in (subs if discovered is None else discovered)})
        if unknown:
            hint = ", ".join(sorted(found)[:3]) or "none"
            raise SelectionError(
                f"--only-id: no submission {', '.join(map(repr, unknown))} among the inputs "
                f"(ids are paths relative to the folder graded, e.g. {hint}); give the same "
                "SUBMISSION_OR_FOLDER as when it was first graded"
            )
        wanted = {sid for sid, status in stored.items() if status in self.statuses}
        wanted |= self.ids & found
        notes = [
            f"{sid}: stored with status {stored[sid]} but not among the inputs; not regraded"
            for sid in sorted(wanted - found)
        ]
        return [s for s in subs if s.id in wanted], notes


def status_list(known: Iterable[str]):
    """argparse type for ``--only-status a,b``: a set of statuses among `known`."""
    allowed = list(known)

    def parse(text: str) -> frozenset[str]:
        chosen = {part.strip() for part in text.split(",") if part.strip()}
        bad = sorted(chosen - set(allowed))
        if not chosen or bad:
            raise argparse.ArgumentTypeError(
                f"{text!r}: expected one or more of {', '.join(allowed)} separated by commas"
            )
        return frozenset(chosen)

    return parse


def read_id_file(path: Path) -> frozenset[str]:
    """Submission ids from a file, one per line (blank lines and ``#`` comments skipped);
    ValueError with the reason when it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"--only-ids-file {path}: {exc}") from None
    ids = {line.strip() for line in text.splitlines()}
    return frozenset(i for i in ids if i and not i.startswith("#"))
