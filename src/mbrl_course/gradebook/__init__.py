"""The gradebook and what is made from it: `merge`, `export`, `backup`, grades.csv and feedback.

db and schema (the SQLite file, all SQL), rows (a gradebook row, the terminal table, CSV/JSON),
outputs (``--out`` safety, scrubbing, the export of a grading run), feedback (one file per
submission), assignment_info (what feedback reads from an autograder), export (Canvas/CSV),
merge (sharded gradebooks) and backup (a consistent copy).
"""
