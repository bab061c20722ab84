"""User-facing errors: the message says what went wrong and what to do.

Messages are Traditional Chinese (the CLI and the UI show the same text); English is kept only for
technical tokens a user may need to type or look up: file names, settings such as
``max_file_mb=20``, options such as ``--corpus``, the command ``sousei build``. A message about one
file starts with the file name and :data:`NAME_SEPARATOR`, then the reason and what to do."""

NAME_SEPARATOR = "："  # between the file name and the reason ("a.txt：看起來是二進位資料…")


class SouseiError(Exception):
    """Base of errors shown to the user as a message (no traceback)."""


class LoadError(SouseiError):
    """A file could not be read as an article; the message names the file."""
