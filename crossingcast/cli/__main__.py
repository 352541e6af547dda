"""``python -m crossingcast.cli``: the same as the ``crossingcast`` command."""

from crossingcast.cli import app

app(prog_name="crossingcast")
