"""`mbrl-course report`: one assignment's class at a glance, from its gradebook (issue 20).

:mod:`.collect` reads the gradebook into a :class:`~.collect.ClassReport` (score distributions,
failed tests with their most frequent messages, rubric item frequencies, timeouts and errors,
submissions worth a look); :mod:`.figures` draws the histograms with matplotlib; :mod:`.html`
writes a self-contained page (figures as base64 PNG, no scripts, every student text escaped);
:mod:`.terminal` prints the summary; :mod:`.cli` is the command; :mod:`.synthetic` builds a
class of any size from the sample corpus for the tests and ``bench/report.py``.
"""
