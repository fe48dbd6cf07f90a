"""The variant corpus: buggy and correct submissions injected into the student notebooks.

inject (put a variant's code into a notebook), expectations (expected.json), samples (writes
samples/, `mbrl-course samples`) and report (`mbrl-course corpus-report`).
"""
