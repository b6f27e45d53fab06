"""Read an article the user names, turning every way it can go wrong into one clear line."""

from __future__ import annotations

import sys
from pathlib import Path

from verify.errors import VerifyError


def decode_article(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise VerifyError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise VerifyError(f"{name}: not UTF-8 text (invalid byte at offset {error.start})") from None
    if not text.strip():
        raise VerifyError(f"{name}: the article is empty")
    return text


def read_article(path: str) -> str:
    """The text of the article at `path`, or of standard input for '-'."""
    if path == "-":
        return decode_article(sys.stdin.buffer.read(), "standard input")
    file = Path(path)
    if not file.exists():
        raise VerifyError(f"{path}: no such file")
    if file.is_dir():
        raise VerifyError(f"{path}: is a directory, not an article file")
    try:
        data = file.read_bytes()
    except OSError as error:
        raise VerifyError(f"{path}: cannot read ({error.strerror})") from None
    return decode_article(data, path)
