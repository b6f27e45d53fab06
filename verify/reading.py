"""Read an article the user names, turning every way it can go wrong into one clear line."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

from verify.attribution.invisible import INVISIBLE
from verify.errors import VerifyError

# Above this an article is refused in one line, before any work: with the default model on a
# 2-core CPU a text this long (some 15,000 claims) would take hours.
MAX_ARTICLE_BYTES = 2_000_000


# Unicode text that says its encoding with a byte-order mark (UTF-32 first: its little-endian
# mark begins with UTF-16's).
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_article(data: bytes, name: str) -> str:
    """UTF-8 (with or without a byte-order mark), or UTF-16/32 with one; NUL bytes early on mean a
    binary file. Control characters later in a text are left to the analysis, which ignores them
    (verify/attribution/invisible.py)."""
    encoding = next((encoding for mark, encoding in BYTE_ORDER_MARKS if data.startswith(mark)), "utf-8-sig")
    if encoding == "utf-8-sig" and b"\x00" in data[:8192]:
        raise VerifyError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        what = "UTF-8" if encoding == "utf-8-sig" else encoding.upper()
        raise VerifyError(f"{name}: not {what} text (invalid byte at offset {error.start})") from None
    if not INVISIBLE.sub("", text).strip():
        raise VerifyError(f"{name}: the article is empty")
    return text


def _too_long(what: str) -> str:
    return f"{what} is over the limit of {MAX_ARTICLE_BYTES:,} bytes: split it into articles"


def require_article(text: str) -> str:
    """An article the library can take: text, within MAX_ARTICLE_BYTES."""
    if not isinstance(text, str):
        raise VerifyError(f"the article must be text (str), not {type(text).__name__}")
    if len(text) > MAX_ARTICLE_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_ARTICLE_BYTES:
        raise VerifyError(_too_long("the article"))
    return text


def require_claim(claim: str) -> str:
    """The claim to check, refused when it is empty (the CLI asks before any model loads)."""
    if not isinstance(claim, str):
        raise VerifyError(f"the claim to check must be text, not {type(claim).__name__}")
    if not claim.strip():
        raise VerifyError("the claim to check is empty")
    return claim


def read_article(path: str) -> str:
    """The text of the article at `path`, or of standard input for '-'."""
    if path == "-":
        if sys.stdin is None or sys.stdin.closed:
            raise VerifyError("standard input is closed: give an article file, or pipe the article in")
        data = sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1)
        if len(data) > MAX_ARTICLE_BYTES:
            raise VerifyError(_too_long("standard input"))
        return decode_article(data, "standard input")
    file = Path(path)
    if not file.exists():
        raise VerifyError(f"{path}: no such file")
    if file.is_dir():
        raise VerifyError(f"{path}: is a directory, not an article file")
    try:
        if file.stat().st_size > MAX_ARTICLE_BYTES:
            raise VerifyError(_too_long(path))
        data = file.read_bytes()
    except OSError as error:
        raise VerifyError(f"{path}: cannot read ({error.strerror})") from None
    return decode_article(data, path)
