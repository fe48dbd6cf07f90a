"""Audit one assignment: mutants of its graded definitions, then its correct-variant corpus.

Verdicts of a mutant (its *owner* questions are those whose tests exercise the definition):

- ``killed``: a test of an owner question fails;
- ``killed_elsewhere``: only tests of other questions fail (killed, but the owner's tests miss it);
- ``timeout``: it failed only by running out of time (an infinite loop is caught, slowly);
- ``survived``: every test passes; ``equivalent`` when its id is listed, with a reason, in
  ``audit/NN_topic.equivalent.yaml`` (the report counts those apart);
- ``error``: the grader could not grade it (reported, never hidden).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from mbrl_course.corpus.inject import make_submission

from . import behaviours
from .grading import Job, JobResult, Stage, mutant_limits, run_jobs
from .notebook import AssignmentNotebook, Definition


@dataclass
class MutantVerdict:
    """One mutant and what the tests made of it."""

    id: str
    definition: str
    question: str
    operator: str
    line: int
    verdict: str
    failed: list[str] = field(default_factory=list)
    diff: str = ""
    reason: str = ""
    """The equivalence reason (equivalent mutants) or the grader's note (errors)."""
    behaviour: str = ""
    """What the mutant breaks: its definition and the aspect labelled at its line."""
    messages: dict[str, str] = field(default_factory=dict)
    """Failing test key -> its message as a student reads it (scrubbed, truncated)."""
    diagnosed: bool | None = None
    """Killed mutants: whether a failing test declares the mutated behaviour."""
    contradictions: dict[str, str] = field(default_factory=dict)
    """Failing test key -> the phrase of its message that contradicts itself."""
    stray: list[str] = field(default_factory=list)
    """Failing tests that do not declare the mutated behaviour (the mistake charged again)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return dict(self.__dict__)


@dataclass
class VariantVerdict:
    """One correct variant of the corpus: the tests it failed (should be none)."""

    variant: str
    status: str
    failed: list[str]
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return dict(self.__dict__)


@dataclass
class AssignmentAudit:
    """Everything the report shows about one assignment."""

    name: str
    questions: list[str]
    mutants: list[MutantVerdict]
    variants: list[VariantVerdict]
    baseline: dict[str, float]
    notes: list[str] = field(default_factory=list)
    stale_equivalents: list[str] = field(default_factory=list)
    seconds: float = 0.0
    declarations: dict[str, list[str] | None] = field(default_factory=dict)
    """Every test key's declared behaviours (None: undeclared)."""
    hidden: dict[str, bool] = field(default_factory=dict)
    unknown: dict[str, list[str]] = field(default_factory=dict)
    """Test key -> declared behaviours the notebook does not have."""


def _classify(res: JobResult, definition: Definition) -> tuple[str, list[str]]:
    owners = set(definition.owners)
    failed = sorted(res.failed)
    if res.status in ("error", "invalid"):
        return "error", failed
    real = [k for k in failed if k not in res.timed_out]
    if any(k.split(":")[0] in owners for k in real):
        return "killed", failed
    if real:
        return "killed_elsewhere", failed
    if res.timed_out:
        return "timeout", failed
    return "survived", failed


class AssignmentAuditor:
    """Plans and grades the jobs of one assignment's audit."""

    def __init__(
        self,
        name: str,
        solution_nb: Path,
        autograder_dir: Path,
        *,
        student_nb: Path | None = None,
        variants_dir: Path | None = None,
        equivalents: dict[str, str] | None = None,
        hide: tuple[str, ...] = (),
        master: Path | None = None,
    ) -> None:
        self.name = name
        self.nb = AssignmentNotebook(solution_nb, autograder_dir, master)
        self.autograder_dir = Path(autograder_dir).resolve()
        self.student_nb = student_nb
        self.variants_dir = variants_dir
        self.equivalents = equivalents or {}
        self.hide = tuple(str(Path(h).resolve()) for h in hide)
        self.notebook_name = Path(solution_nb).name

    def definitions(self, question: str | None = None) -> list[Definition]:
        """Graded definitions, optionally only those a question owns first."""
        defs = self.nb.definitions
        return [d for d in defs if question is None or d.owners[0] == question]

    def _test_files(self, questions: list[str]) -> list[Path]:
        return [q.test_file for q in self.nb.questions if q.name in questions]

    def run(
        self,
        n_jobs: int,
        question: str | None = None,
        progress: Callable[[str, int], Callable[[JobResult], None]] | None = None,
        corpus: bool = True,
        mutant_ids: set[str] | None = None,
    ) -> AssignmentAudit:
        """Grade the baseline, every mutant and the correct variants; return the verdicts."""
        import time

        t0 = time.monotonic()
        stage = Stage(self.autograder_dir)
        try:
            return self._run(stage, n_jobs, question, progress, corpus, t0, mutant_ids)
        finally:
            stage.cleanup()

    def _run(self, stage, n_jobs, question, progress, corpus, t0, mutant_ids) -> AssignmentAudit:  # noqa: ANN001
        import time

        hide = (*self.hide, str(stage.root))
        all_mutants = [
            (d, m)
            for d in (self.definitions(question) if mutant_ids != set() else [])
            for m in self.nb.mutants(d)
            if mutant_ids is None or m.id in mutant_ids
        ]
        defs = list({d.qualname: d for d, _ in all_mutants}.values())
        # Phase 1 runs the tests of the questions owning the definition; phase 2 (survivors only)
        # the other questions that can reach it, to tell "missed" from "caught elsewhere".
        phase1 = {d.qualname: tuple(d.owners) for d in defs}
        phase2 = {d.qualname: tuple(q for q in d.affected if q not in d.owners) for d in defs}
        groups = sorted(set(phase1.values()))
        notes = [
            f"{name} is not audited: it belongs to {q}, worth 0 points here (a helper of the tests)"
            for name, q in sorted(self.nb.ungraded.items())
            if any(name in qq.arguments for qq in self.nb.questions)
        ]
        trimmed_ok, timing = self._baselines(stage, groups, n_jobs, hide, notes)
        tick = progress(f"{self.name} mutants", len(all_mutants)) if progress else None
        first = self._grade_mutants(
            stage, all_mutants, phase1, trimmed_ok, timing, hide, n_jobs, tick
        )
        verdicts: dict[str, MutantVerdict] = {}
        second_round = []
        for d, m in all_mutants:
            res = first[m.id]
            verdict, failed = _classify(res, d)
            if verdict == "survived" and phase2[d.qualname]:
                second_round.append((d, m))
            verdicts[m.id] = self._verdict(d, m, verdict, failed, res)
        if second_round:
            more = sorted({phase2[d.qualname] for d, _ in second_round} - set(timing))
            ok2, timing2 = self._baselines(stage, more, n_jobs, hide, notes)
            trimmed_ok.update(ok2)
            timing.update(timing2)
            groups += more
            again = self._grade_mutants(
                stage, second_round, phase2, trimmed_ok, timing, hide, n_jobs, None
            )
            for d, m in second_round:
                verdict, failed = _classify(again[m.id], d)
                verdicts[m.id] = self._verdict(d, m, verdict, failed, again[m.id])
        jobs = [m for _, m in all_mutants]
        ordered = [verdicts[m.id] for m in jobs]
        stale = sorted(
            k
            for k in self.equivalents
            if k not in verdicts or verdicts[k].verdict not in ("equivalent",)
        )
        if question is not None or mutant_ids is not None:
            stale = [k for k in stale if k in verdicts]
        # 3. the correct-variant corpus
        variants = self._grade_variants(stage, n_jobs, progress, hide) if corpus else []
        base_times = {",".join(g): round(timing[g].duration_s, 2) for g in groups}
        return AssignmentAudit(
            name=self.name,
            questions=[q.name for q in self.nb.questions],
            mutants=ordered,
            variants=variants,
            baseline=base_times,
            notes=notes,
            stale_equivalents=stale,
            seconds=time.monotonic() - t0,
            **self._declared(),
        )

    def _declared(self) -> dict[str, Any]:
        """The tests' declarations, which of them are hidden and any unknown behaviours."""
        known = self.nb.known_behaviours()
        declarations = self.nb.declarations()
        unknown = {
            k: [b for b in v if behaviours.unknown(b, known)]
            for k, v in declarations.items()
            if v and any(behaviours.unknown(b, known) for b in v)
        }
        hidden = {k: v for q in self.nb.questions for k, v in q.hidden.items()}
        return {
            "declarations": {
                k: list(v) if v is not None else None for k, v in declarations.items()
            },
            "hidden": hidden,
            "unknown": unknown,
        }

    def _baselines(self, stage, groups, n_jobs, hide, notes):  # noqa: ANN001, ANN202
        """Grade the trimmed solution once per question group: it must pass every test."""
        jobs = []
        for group in groups:
            nb = self.nb.trimmed(list(group))
            path = stage.write_notebook(f"baseline:{group}", nb, self.notebook_name)
            ag = stage.autograder_for(self._test_files(list(group)))
            jobs.append(
                Job(f"baseline:{','.join(group)}", str(path), str(ag), hide, _base_limits())
            )
        base = {r.key: r for r in run_jobs(jobs, n_jobs)}
        trimmed_ok: dict[tuple[str, ...], bool] = {}
        timing: dict[tuple[str, ...], JobResult] = {}
        for group in groups:
            res = base[f"baseline:{','.join(group)}"]
            trimmed_ok[group] = res.status == "graded" and not res.failed
            timing[group] = res
            if not trimmed_ok[group]:
                notes.append(
                    f"the trimmed solution fails {res.failed or res.status} for "
                    f"{', '.join(group)} ({res.detail}); those mutants ran in the whole notebook"
                )
        return trimmed_ok, timing

    def _grade_mutants(self, stage, pairs, groups, trimmed_ok, timing, hide, n_jobs, tick):  # noqa: ANN001, ANN202
        """Grade each (definition, mutant) against the tests of ``groups[definition]``."""
        jobs = []
        for d, m in pairs:
            group = groups[d.qualname]
            ag = stage.autograder_for(self._test_files(list(group)))
            limits = mutant_limits(timing[group].duration_s, timing[group].execute_s)
            nb = self.nb.trimmed(
                list(group) if trimmed_ok[group] else None, {d.cell_index: m.source}
            )
            path = stage.write_notebook(f"{m.id}:{group}", nb, self.notebook_name)
            jobs.append(Job(m.id, str(path), str(ag), hide, limits))
        return {r.key: r for r in run_jobs(jobs, n_jobs, tick)}

    def _verdict(self, d, m, verdict, failed, res) -> MutantVerdict:  # noqa: ANN001
        """The verdict record, with the equivalence reason and the diff of a survivor."""
        reason = res.detail if verdict == "error" else ""
        if verdict == "survived" and m.id in self.equivalents:
            verdict, reason = "equivalent", self.equivalents[m.id]
        original = self.nb.nb.cells[d.cell_index].source
        behaviour = self.nb.behaviour_of(d, m.line)
        declarations = self.nb.declarations()
        real = [k for k in failed if k not in res.timed_out]
        killed = verdict in ("killed", "killed_elsewhere")
        return MutantVerdict(
            m.id,
            d.qualname,
            d.owners[0],
            m.operator,
            m.line,
            verdict,
            failed,
            m.diff(original, self.name) if verdict in ("survived", "equivalent") else "",
            reason,
            behaviour,
            {k: behaviours.scrub(res.messages.get(k, "")) for k in failed},
            behaviours.diagnosed((declarations.get(k) for k in real), behaviour)
            if killed
            else None,
            {
                k: c
                for k in failed
                if (c := behaviours.contradiction(res.messages.get(k, ""))) is not None
            },
            [k for k in real if not behaviours.diagnosed([declarations.get(k)], behaviour)],
        )

    def _grade_variants(
        self,
        stage: Stage,
        n_jobs: int,
        progress,
        hide: tuple[str, ...],  # noqa: ANN001
    ) -> list[VariantVerdict]:
        if (
            self.student_nb is None
            or self.variants_dir is None
            or not Path(self.student_nb).is_file()
        ):
            return []
        student = nbformat.read(self.student_nb, as_version=4)
        jobs, broken = [], []
        for path in sorted(Path(self.variants_dir).glob("correct_*.py")):
            try:
                sub = make_submission(student, path.read_text(encoding="utf-8"))
            except ValueError as e:
                broken.append(VariantVerdict(path.stem, "invalid", [], str(e)))
                continue
            nb_path = stage.write_notebook(f"variant:{path.stem}", sub, self.notebook_name)
            jobs.append(
                Job(path.stem, str(nb_path), str(self.autograder_dir), hide, _base_limits())
            )
        tick = progress(f"{self.name} correct variants", len(jobs)) if progress and jobs else None
        results = {r.key: r for r in run_jobs(jobs, n_jobs, tick)}
        graded = [
            VariantVerdict(
                j.key, results[j.key].status, results[j.key].failed, results[j.key].detail
            )
            for j in jobs
        ]
        return broken + graded


def _base_limits() -> dict[str, Any]:
    """Normal grading limits, a little shorter (the solution takes seconds)."""
    return {"timeout_s": 300.0, "cell_timeout_s": 120.0, "max_restarts": 1}
