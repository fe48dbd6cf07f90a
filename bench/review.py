"""Benchmark of the review page with many submissions (issue 12 target: page load < 200 ms).

    python bench/review.py [--submissions 1000] [--repeat 30] [--blind]

Builds a synthetic gradebook (``mbrl_course.review.synthetic``: 2 written questions, every kind
of answer, some already graded) in a temporary folder, starts the real review server on
127.0.0.1 (random port, threaded werkzeug as `mbrl-course review` runs it) and times over HTTP:

* the answer page (``/review/A/Q/pos``) at the start, the middle and the end of the list;
* the "next ungraded" redirect, the start page and one score save (``POST /api/score``).

Prints median and 95th percentile per request kind; figures are printed, never asserted. The
browser's own work (KaTeX typesetting one answer) is not included: it is client-side.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from mbrl_course.gradebook.db import GradebookDB
from mbrl_course.review.cli import make_review_server
from mbrl_course.review.synthetic import ASSIGNMENT, populate, synthetic_rubrics


def _time(conn: http.client.HTTPConnection, method: str, path: str, body=None) -> float:
    headers = {"X-Review-Token": "bench", "Content-Type": "application/json"}
    start = time.perf_counter()
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - start
    if response.status >= 400:
        raise RuntimeError(f"{method} {path}: HTTP {response.status}")
    return elapsed


def _summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"median {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   (n={len(ms)})"


def main() -> None:
    """Build the synthetic gradebook, serve it, time the requests, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--blind", action="store_true", help="grade blind (the CLI's default)")
    args = parser.parse_args()
    n = args.submissions
    with tempfile.TemporaryDirectory(prefix="mbrl-bench-review-") as tmp:
        db = GradebookDB.open(Path(tmp) / "gradebook.sqlite")
        start = time.perf_counter()
        ids = populate(db, n)
        for sid in ids[: n // 3]:  # a third already graded
            db.set_manual_score(sid, ASSIGNMENT, "q1_1", items=["1"], points=1.0, comment="",
                                grader="bench", expected_version=0)  # fmt: skip
        print(f"synthetic gradebook: {n} submissions x 2 written questions "
              f"in {time.perf_counter() - start:.1f} s")  # fmt: skip
        server, url = make_review_server(
            db, {ASSIGNMENT: synthetic_rubrics()}, token="bench", grader="bench", blind=args.blind
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        parts = urlsplit(url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        base = f"/review/{ASSIGNMENT}/q1_1"
        _time(conn, "GET", f"{base}/1?token=bench")  # warm-up (templates, Markdown parser)
        kinds = {
            "answer page (first)": lambda k: ("GET", f"{base}/{1 + k % 6}?token=bench", None),
            "answer page (middle)": lambda k: ("GET", f"{base}/{n // 2 + k % 6}?token=bench", None),
            "answer page (last)": lambda k: ("GET", f"{base}/{n - k % 6}?token=bench", None),
            "next ungraded": lambda k: ("GET", f"{base}?after={k}&token=bench", None),
            "start page": lambda k: ("GET", "/?token=bench", None),
            "save a score": lambda k: (
                "POST",
                "/api/score?token=bench",
                json.dumps(
                    {
                        "assignment": ASSIGNMENT,
                        "question": "q2_1",
                        "submission_id": ids[k],
                        "items": ["1", "3"],
                        "comment": "ok",
                        "expected_version": 0,
                    }
                ),  # fmt: skip
            ),
        }
        for name, make in kinds.items():
            times = [_time(conn, *make(k)) for k in range(args.repeat)]
            print(f"{name:<22} {_summary(times)}")
        conn.close()
        server.shutdown()
        server.server_close()
        db.close()
    print("target: answer page < 200 ms with 1000 submissions")


if __name__ == "__main__":
    main()
