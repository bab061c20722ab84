"""User-facing errors: the message says what went wrong and what to do."""


class SouseiError(Exception):
    """Base of errors shown to the user as a message (no traceback)."""


class LoadError(SouseiError):
    """A file could not be read as an article; the message names the file."""
