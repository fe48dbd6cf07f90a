"""Which submissions a `mbrl-course grade` run takes: discovery, then a deterministic shard.

A shard ``i/N`` (0 <= i < N, as Kubernetes' ``JOB_COMPLETION_INDEX`` and a Slurm array
``--array=0-(N-1)`` count) holds the submissions whose id hashes to ``i`` modulo ``N``. The hash
is sha256 of the id's UTF-8 bytes, so the split is the same on every machine, Python version and
``PYTHONHASHSEED``, and it does not depend on the order files are listed in.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

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
