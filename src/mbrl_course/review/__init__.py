"""`mbrl-course review`: a local web page for rubric grading of written answers (issue 12).

:mod:`.app` is the Flask app, :mod:`.render` turns untrusted Markdown into safe HTML, :mod:`.cli`
starts the server on 127.0.0.1 with a random token. Assets (KaTeX, CSS, JS) are vendored under
``static/``: the page loads nothing from the internet.
"""
