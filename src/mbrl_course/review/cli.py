"""`mbrl-course review [--assignment NN] [--port P] [--db PATH] [--show-names]`: the review page.

Binds 127.0.0.1 only and prints a URL with a fresh random token (like Jupyter); requests without
the token are refused. Rubrics come from ``autograder/NN/rubrics.json`` (written by the build),
answers and scores from the gradebook database that ``mbrl-course grade`` fills. Grading is
blind unless ``--show-names`` is given (the page's toggle un-blinds a running server too).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, make_server

from ..course import default_layout, gradebook_path
from ..errors import CourseConfigError
from ..gradebook.db import GradebookDB
from ..options import add_assignment, add_db, resolve_assignment
from ..written.rubrics import Rubric, load_rubrics
from .app import Reviewer, create_app

HOST = "127.0.0.1"


def rubrics_for(autograder_root: Path, assignments: Sequence[str]) -> dict[str, dict[str, Rubric]]:
    """Load rubrics.json of each assignment from the course's autograder folder."""
    return {name: load_rubrics(autograder_root / name) for name in assignments}


def make_review_server(
    db: GradebookDB,
    rubrics: dict[str, dict[str, Rubric]],
    *,
    port: int = 0,
    token: str | None = None,
    grader: str = "grader",
    assignments: list[str] | None = None,
    blind: bool = False,
    autograder_root: Path | None = None,
) -> tuple[BaseWSGIServer, str]:
    """Return (a threaded server bound to 127.0.0.1:`port`, its start URL with the token).

    Port 0 lets the system choose a free port (tests use it). `blind` hides submission ids
    (the command line's default); `autograder_root` lets the class report name tests by purpose.
    """
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    token = token or secrets.token_urlsafe(24)
    reviewer = Reviewer(
        db,
        rubrics,
        token=token,
        grader=grader,
        assignments=assignments,
        blind=blind,
        autograder_root=autograder_root,
    )
    server = make_server(HOST, port, create_app(reviewer), threaded=True)
    return server, f"http://{HOST}:{server.server_port}/?token={token}"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of `mbrl-course review` (the parser tree is :mod:`mbrl_course.cli`)."""
    p.description = __doc__.split("\n")[0]
    add_assignment(p, default_help="every assignment in the gradebook")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: free)")
    add_db(p)
    p.add_argument("--grader", default=None, help="name stored with each score (default: user)")
    p.add_argument(
        "--show-names",
        action="store_true",
        help="show submission ids (default: blind grading, answers named 'Submission N')",
    )


def run(args: argparse.Namespace) -> int:
    """Run the review server until Ctrl-C."""
    layout = default_layout(args.root)
    try:
        db_path = gradebook_path(args.db, layout.root)
    except CourseConfigError as exc:
        print(f"mbrl-course review: {exc}", file=sys.stderr)
        return 2
    if not db_path.is_file():
        print(f"mbrl-course review: no gradebook at {db_path}; run `mbrl-course grade` first",
              file=sys.stderr)  # fmt: skip
        return 2
    db = GradebookDB.open(db_path)
    known = db.assignments()
    chosen = [resolve_assignment(args.assignment, known)] if args.assignment else None
    rubrics = rubrics_for(layout.autograder, chosen or known)
    server, url = make_review_server(
        db,
        rubrics,
        port=args.port,
        grader=args.grader or getpass.getuser(),
        assignments=chosen,
        blind=not args.show_names,
        autograder_root=layout.autograder,
    )
    print(f"Review page (this machine only): {url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        db.close()
    return 0
