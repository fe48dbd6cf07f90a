"""Instructor tooling behind the `mbrl-course` command: build, validate, grade, samples, run."""
