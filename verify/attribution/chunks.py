"""Long articles in pieces: attribution runs on chunks cut at paragraph breaks, offsets kept.

spaCy refuses texts over its `max_length` (a million characters) and needs about 1 GB of
temporary memory per 100,000 characters for the parser, so a long text is cut into chunks of at
most MAX_CHUNK_CHARACTERS, at a blank line where there is one, else at a line break, else after a
sentence's full stop, else anywhere. Each chunk is attributed on its own and its claims are moved
back to the article's offsets and renumbered. What is lost: a pronoun whose antecedent is in the
previous chunk resolves within its own chunk only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from verify.datamodel import Claim, Span

MAX_CHUNK_CHARACTERS = 50_000
# Where a chunk may end, best first: after a blank line, a line break, a full stop and a space.
BREAKS = (re.compile(r"\n[ \t]*\n\s*"), re.compile(r"\n\s*"), re.compile(r"[.!?][\"'”’)]*\s+"))


def chunks(text: str, max_characters: int = MAX_CHUNK_CHARACTERS) -> list[tuple[int, str]]:
    """(offset, piece) pairs that together are `text`, each at most `max_characters` long."""
    pieces = []
    start = 0
    while len(text) - start > max_characters:
        window = text[start : start + max_characters]
        end = max_characters
        for pattern in BREAKS:
            cuts = [match.end() for match in pattern.finditer(window) if match.end() > max_characters // 2]
            if cuts:
                end = cuts[-1]
                break
        pieces.append((start, text[start : start + end]))
        start += end
    pieces.append((start, text[start:]))
    return pieces


def remapped(claim: Claim, span_map: Callable[[Span], Span], claim_id: str | None = None) -> Claim:
    """The claim with every span (text, content, source, cue, unit) passed through `span_map`."""
    return replace(
        claim,
        id=claim_id or claim.id,
        spans=tuple(map(span_map, claim.spans)),
        content_spans=tuple(map(span_map, claim.content_spans)),
        source=replace(claim.source, spans=tuple(map(span_map, claim.source.spans))),
        cue=replace(claim.cue, spans=tuple(map(span_map, claim.cue.spans))) if claim.cue else None,
        unit=span_map(claim.unit) if claim.unit else None,
    )


def extract_in_chunks(
    extract: Callable[[str], list[Claim]],
    text: str,
    max_characters: int = MAX_CHUNK_CHARACTERS,
    on_chunk: Callable[[int, int], None] | None = None,
) -> list[Claim]:
    """`extract(text)`, run chunk by chunk when the text is long; ids c1, c2, … in text order. `on_chunk` is told
    the characters done and the total after each chunk of a long text."""
    if len(text) <= max_characters:
        return extract(text)
    claims: list[Claim] = []
    for offset, piece in chunks(text, max_characters):
        if piece.strip():

            def moved(span: Span, offset: int = offset) -> Span:
                return Span(span.start + offset, span.end + offset)

            claims += [remapped(claim, moved, f"c{len(claims) + 1 + k}") for k, claim in enumerate(extract(piece))]
        if on_chunk is not None:
            on_chunk(offset + len(piece), len(text))
    return claims
