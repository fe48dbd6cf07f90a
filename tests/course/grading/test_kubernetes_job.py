"""The README's Kubernetes indexed Job (deploy/kubernetes/grade-job.yaml): the fields an indexed
Job needs and the command each pod runs. No cluster runs it (the README says so)."""

from __future__ import annotations

import subprocess
from pathlib import PurePosixPath

import yaml
from test_slurm import REPO, readme_block  # the README block reader of the Slurm tests

from mbrl_course.cli import parse_args
from mbrl_course.grading.shards import Shard

JOB = REPO / "deploy" / "kubernetes" / "grade-job.yaml"


def _job() -> dict:
    """The Job manifest, parsed."""
    return yaml.safe_load(JOB.read_text(encoding="utf-8"))


def test_readme_shows_the_job_byte_for_byte():
    """The manifest the README shows is the file in deploy/kubernetes/, unchanged."""
    assert readme_block(str(JOB.relative_to(REPO))) == JOB.read_text(encoding="utf-8")


def test_job_has_the_fields_an_indexed_job_needs():
    """batch/v1 Indexed Job, one pod per shard, no restarts in place, bounded retries."""
    job = _job()
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "Job")
    assert job["metadata"]["name"]
    spec = job["spec"]
    assert spec["completionMode"] == "Indexed"
    assert isinstance(spec["completions"], int) and spec["completions"] >= 1
    assert 1 <= spec["parallelism"] <= spec["completions"]
    assert isinstance(spec["backoffLimit"], int) and spec["backoffLimit"] >= 0
    pod = spec["template"]["spec"]
    # podFailurePolicy is only allowed with Never; either way a failed shard is a new pod
    assert pod["restartPolicy"] == "Never"
    [rule] = spec["podFailurePolicy"]["rules"]
    assert rule["action"] == "FailJob"
    assert rule["onExitCodes"] == {"containerName": "grade", "operator": "In", "values": [2]}
    [container] = pod["containers"]
    assert container["name"] == "grade" and container["image"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert int(env["SHARDS"]) == spec["completions"]


def test_each_pod_grades_its_shard_into_the_shared_volume(tmp_path):
    """Pod i runs `mbrl-course grade ... --shard i/N --out <on the volume>/i`, as the CLI parses it."""
    job = _job()
    n = job["spec"]["completions"]
    pod = job["spec"]["template"]["spec"]
    [container] = pod["containers"]
    stub = tmp_path / "mbrl-course"  # prints its arguments, one per line
    stub.write_text('#!/bin/sh\nprintf "%s\\n" "$@"\n')
    stub.chmod(0o755)
    env = {e["name"]: e["value"] for e in container["env"]}
    mounts = {m["name"]: PurePosixPath(m["mountPath"]) for m in container["volumeMounts"]}
    claims = {v["name"] for v in pod["volumes"] if "persistentVolumeClaim" in v}
    assert set(mounts) <= claims  # the course folder is a persistent volume, not the pod's disk
    for index in (0, n - 1):
        r = subprocess.run(
            container["command"], capture_output=True, text=True, timeout=10, check=True,
            env={"PATH": f"{tmp_path}:/usr/bin:/bin", "JOB_COMPLETION_INDEX": str(index), **env},
        )  # fmt: skip
        argv = r.stdout.splitlines()
        assert argv[0] == "grade"
        args = parse_args(argv)
        assert args.shard == Shard(index, n)
        assert args.assignment == env["ASSIGNMENT"] and args.resume is False
        out = PurePosixPath(container["workingDir"]) / args.out
        assert out.name == str(index)
        assert any(out.is_relative_to(m) for m in mounts.values()), f"{out} is not on a volume"
