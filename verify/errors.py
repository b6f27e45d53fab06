"""Errors a user can cause: the CLI prints them as one line and exits non-zero."""


class VerifyError(Exception):
    """A problem with the user's input or options, stated in one line."""
