"""Instructor tooling behind the `mbrl-course` command: build, grade, validate."""
