"""Read an article the user names, turning every way it can go wrong into one clear line."""

from __future__ import annotations

import codecs
import functools
import re
import sys
from enum import Enum
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


# What makes a file binary rather than text with a stray control character (a NUL in a scraped page):
# control bytes other than tab, line feed, vertical tab, form feed and carriage return make up more than
# BINARY_CONTROL_SHARE of its first BINARY_SAMPLE bytes, or it holds a NUL and is not UTF-8 either.
# (git and grep call a file binary at its first NUL, which would refuse such a page.)
CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
BINARY_SAMPLE = 8192
BINARY_CONTROL_SHARE = 0.1


def looks_binary(data: bytes, is_utf8: bool) -> bool:
    """Whether `data` (without a byte-order mark) is a binary file, as said above."""
    sample = data[:BINARY_SAMPLE]
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return controls > BINARY_CONTROL_SHARE * len(sample) or (not is_utf8 and b"\x00" in sample)


def decode_article(data: bytes, name: str) -> str:
    """UTF-8 (with or without a byte-order mark), or UTF-16/32 with one; a binary file (`looks_binary`) is
    refused. Control characters in a text, NUL included, are left to the analysis, which ignores them
    while its offsets still point into the text as given (verify/attribution/invisible.py)."""
    encoding = next((encoding for mark, encoding in BYTE_ORDER_MARKS if data.startswith(mark)), "utf-8-sig")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        if encoding == "utf-8-sig" and looks_binary(data, is_utf8=False):
            raise VerifyError(f"{name}: looks like a binary file, not text") from None
        what = "UTF-8" if encoding == "utf-8-sig" else encoding.upper()
        raise VerifyError(f"{name}: not {what} text (invalid byte at offset {error.start})") from None
    if encoding == "utf-8-sig" and looks_binary(data, is_utf8=True):
        raise VerifyError(f"{name}: looks like a binary file, not text")
    if not INVISIBLE.sub("", text).strip():
        raise VerifyError(f"{name}: the article is empty")
    return text


def _too_long(what: str) -> str:
    return f"{what} is over the limit of {MAX_ARTICLE_BYTES:,} bytes: split it into articles"


def require_article(text: str, what: str = "the article") -> str:
    """An article the library can take: text, not empty, within MAX_ARTICLE_BYTES (checked before any
    model loads; `what` names it in the message)."""
    if not isinstance(text, str):
        raise VerifyError(f"{what} must be text (str), not {type(text).__name__}")
    if len(text) > MAX_ARTICLE_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_ARTICLE_BYTES:
        raise VerifyError(_too_long(what))
    if not INVISIBLE.sub("", text).strip():
        raise VerifyError(f"{what} is empty")
    return text


def require_claim(claim: str) -> str:
    """The claim to check, refused when it is empty (the CLI asks before any model loads)."""
    if not isinstance(claim, str):
        raise VerifyError(f"the claim to check must be text, not {type(claim).__name__}")
    if not claim.strip():
        raise VerifyError("the claim to check is empty")
    return claim


class InputFormat(str, Enum):
    """How an article file is read: plain text, HTML (its article text extracted), or decided per file."""

    auto = "auto"
    text = "text"
    html = "html"


HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# A document or fragment: it opens with a tag (a doctype, a comment, <html>, <p>, ...) and closes one.
# Plain news text does not open with "<", so this never takes an article for markup.
MARKUP_START = re.compile(r"\s*<(!doctype|!--|[a-z][a-z0-9]*[\s>/])", re.IGNORECASE)


def looks_like_html(text: str, name: str) -> bool:
    """Whether `auto` reads the article as HTML: an .html/.htm file, or text that starts as markup."""
    return name.lower().endswith(HTML_SUFFIXES) or (MARKUP_START.match(text) is not None and "</" in text)


def text_from_html(html: str, name: str) -> str:
    """The article text of an HTML page or fragment: trafilatura's main-content extraction (it drops
    navigation, scripts, footers and comments; one line per paragraph, heading or list item), or, where
    it finds no main content (a short fragment, a page of divs), all the page's visible text.
    A report's character offsets point into this extracted text (docs/schema.md)."""
    import lxml.etree
    import lxml.html
    import trafilatura

    try:
        text = trafilatura.extract(
            html, config=_extraction_config(), favor_recall=True, include_comments=False, include_tables=False
        )
        if not text and html.strip():
            text = trafilatura.html2txt(lxml.html.document_fromstring(html))
    except (lxml.etree.LxmlError, ValueError) as error:
        raise VerifyError(f"{name}: cannot read the HTML ({error})") from None
    if not text or not INVISIBLE.sub("", text).strip():
        raise VerifyError(f"{name}: no article text found in the HTML")
    return text


@functools.lru_cache(maxsize=1)
def _extraction_config():
    """trafilatura's settings, keeping short texts too (its defaults return nothing under 250 characters)."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    return config


def read_article_as(path: str, input_format: InputFormat = InputFormat.auto) -> tuple[str, InputFormat]:
    """The article at `path` ('-': standard input) as text, and whether it was read as text or HTML."""
    text = read_article(path)
    name = "standard input" if path == "-" else path
    if input_format is InputFormat.html or (input_format is InputFormat.auto and looks_like_html(text, path)):
        return text_from_html(text, name), InputFormat.html
    return text, InputFormat.text


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
