"""`mbrl-course grade` and `mbrl-course run`: find submissions, grade them in batch, store the rows.

submissions (reading and naming untrusted notebooks), shards (``--shard i/N``, ``--ids``), batch
(the thread pool that starts one trusted runner per submission), grade (the ``grade`` command)
and run (``make run``: build, samples, grade, compare).
"""
