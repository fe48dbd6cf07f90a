"""Written (manual) questions: rubrics in the masters, answers in submissions, `written-pdf`.

rubrics (the rubric syntax and rubrics.json), answers (finding a student's answers in any
notebook) and pdf (one PDF of written answers per submission). The review page is `review/`.
"""
