"""Errors a user can cause: the CLI prints them as one line and exits non-zero."""

from __future__ import annotations

from importlib import metadata

DISTRIBUTION = "verify-news"


class VerifyError(Exception):
    """A problem with the user's input or options, stated in one line."""


def install_extra(extra: str) -> str:
    """The pip command that installs an extra's packages, named one by one from the installed package's metadata:
    `pip install 'verify-news[extra]'` would look for verify itself on PyPI, where it is not published."""
    try:
        requirements = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return f"pip install '.[{extra}]' in the checkout"
    marker = f'extra == "{extra}"'
    packages = [requirement.split(";")[0].strip() for requirement in requirements if marker in requirement]
    return "pip install " + " ".join(f"'{package}'" for package in packages)
