"""Characters that carry no words are taken out before analysis; offsets still point into the original.

Zero-width characters, bidirectional controls, soft hyphens, a byte-order mark inside the text and
control characters other than tab, line feed, carriage return and form feed (NUL among them) come
from copy-paste and scraping ("said\\u200b", "\\ufeffThe union", a NUL in a scraped page). Left in,
they split words for the parser ("said\\u200b" is not a speech verb) and end up in source names.
They are removed from the text the stages analyse, and every claim's spans are mapped back to
the text the user gave, so a span still covers what the user sees (the removed characters
inside it included).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from verify.attribution.chunks import remapped
from verify.datamodel import Claim, Span

INVISIBLE = re.compile(
    "[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]"
)


def without_invisible(text: str) -> tuple[str, Callable[[Span], Span]]:
    """The text without invisible characters, and a map from its spans to the original's."""
    if not INVISIBLE.search(text):
        return text, lambda span: span
    kept = [index for index, character in enumerate(text) if not INVISIBLE.match(character)]
    cleaned = "".join(text[index] for index in kept)

    def original(span: Span) -> Span:
        start = kept[span.start] if span.start < len(kept) else len(text)
        end = kept[span.end - 1] + 1 if span.end > span.start else start
        return Span(start, end)

    return cleaned, original


def extract_visible(extract: Callable[[str], list[Claim]], text: str) -> list[Claim]:
    """`extract` on the text without invisible characters, spans mapped back to `text`."""
    cleaned, original = without_invisible(text)
    claims = extract(cleaned)
    return claims if cleaned is text else [remapped(claim, original) for claim in claims]
