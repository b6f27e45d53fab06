"""Attribution frames' token sets → the character spans and text of claims.

A content span loses edge punctuation, a leading "and", a dangling preposition and the quotation marks that
enclose it; a claim's text is its spans' text with the leading complementizer dropped. The rules
(`verify.attribution.frames`) and the hybrid (`verify.attribution.hybrid`) cut their spans alike here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Doc, Token

from verify.attribution.segment import closes_quote, opens_quote
from verify.datamodel import Claim, Cue, Source, Span
from verify.runtime.nlp import SIGN_BEFORE_DIGIT, expanded_span, text_of

EDGE_PUNCTUATION = ",;:-–—"


def char_spans(doc: Doc, indices: set[int], trim: bool = True) -> list[Span]:
    """Contiguous character spans of a token set; content spans lose edge punctuation and a leading "and"."""
    spans = []
    for run in _runs(doc, sorted(indices)):
        if trim:
            run = _trim_tokens(run)
        if trim and not any(token.is_alpha or token.is_digit for token in run):
            continue
        start, end = run[0].idx, run[-1].idx + len(run[-1].text)
        span = _trim_chars(text_of(doc), start, end) if trim else Span(start, end)
        if span is not None:
            spans.append(span)
    return spans


def _runs(doc: Doc, indices: list[int]) -> list[list[Token]]:
    """Maximal runs of adjacent tokens; back-to-back quotations (“…” “…”) stay separate pieces."""
    runs: list[list[Token]] = []
    for index in indices:
        adjacent = runs and all(doc[between].is_space for between in range(runs[-1][-1].i + 1, index))
        if adjacent and not (closes_quote(runs[-1][-1].text) and opens_quote(doc[index].text)):
            runs[-1].append(doc[index])
        else:
            runs.append([doc[index]])
    return runs


def _trim_tokens(run: list[Token], keep_stranded: bool = False) -> list[Token]:
    while run and (run[0].dep_ == "cc" and run[0].lower_ in ("and", "but", "or") or run[0].is_space):
        run = run[1:]
    while run and (run[-1].dep_ in ("cc", "mark") or run[-1].is_space or _dangling_preposition(run[-1], keep_stranded)):
        run = run[:-1]
    return run


def _dangling_preposition(token: Token, keep_stranded: bool) -> bool:
    """ "… responded by": a preposition whose object is cut off; with `keep_stranded`, not one that never
    had an object ("clean enough to swim in")."""
    return token.dep_ == "prep" and not (keep_stranded and not any(token.children))


def trim_span(doc: Doc, span: Span) -> Span | None:
    """A content span cut as the rules cut theirs: without a leading "and"/"but", a trailing "by" or "that",
    edge punctuation and enclosing or unmatched quotation marks; None when no word is left."""
    tokens = expanded_span(doc, span.start, span.end)
    run = _trim_tokens(list(tokens) if tokens is not None else [], keep_stranded=True)
    if not any(token.is_alpha or token.is_digit for token in run):
        return None
    return _trim_chars(text_of(doc), run[0].idx, run[-1].idx + len(run[-1].text))


def _trim_chars(text: str, start: int, end: int) -> Span | None:
    """Drop edge punctuation and the quotation marks that enclose the whole piece or are left unmatched; keep
    the sign of a figure the piece starts with, which the parser may hang elsewhere ("said +3 points": "+"
    under "said")."""
    if start and _is_sign(text, start - 1):
        start -= 1
    while start < end:
        piece = text[start:end]
        opening, closing = opens_quote(piece[0]), closes_quote(piece[-1]) and len(piece) > 1
        if piece[0].isspace() or (piece[0] in EDGE_PUNCTUATION and not _is_sign(text, start)):
            start += 1
        elif piece[-1].isspace() or piece[-1] in EDGE_PUNCTUATION:
            end -= 1
        elif opening and closing and not any(opens_quote(char) or closes_quote(char) for char in piece[1:-1]):
            start, end = start + 1, end - 1
        elif opening and not any(closes_quote(char) for char in piece[1:]):
            start += 1
        elif closing and not any(opens_quote(char) for char in piece[:-1]):
            end -= 1
        else:
            return Span(start, end)
    return None


def _is_sign(text: str, index: int) -> bool:
    """The sign of a figure ("-5 degrees", "(+3"), which a claim keeps: a sign at the start, after a space or
    an opening bracket; not the dash of a range ("3-5", "42%-49%")."""
    return re.match(SIGN_BEFORE_DIGIT, text[index:]) is not None and (index == 0 or text[index - 1] in " \t\n([{")


def trim_edges(text: str, span: Span) -> Span | None:
    """A source span without the commas, dashes and spaces at its edges ("Flynn, a Trump surrogate,")."""
    start, end = span.start, span.end
    while start < end and (text[start].isspace() or text[start] in EDGE_PUNCTUATION):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in EDGE_PUNCTUATION):
        end -= 1
    return Span(start, end) if start < end else None


def span_tokens(doc: Doc, spans: tuple[Span, ...]) -> list[Token]:
    """The tokens of `spans`, spaces aside."""
    return [token for span in spans for token in expanded_span(doc, span.start, span.end) if not token.is_space]


def claim_from_content(
    claim_id: str, doc: Doc, content: Sequence[Span], source: Source, cue: Cue | None, unit: Span | None
) -> Claim:
    """The claim whose content (as PolNeAR marks it) is `content`: what it says is the content without
    a leading complementizer ("that they had also taken five planes" is content, "they had also taken
    five planes" is said), and its spans are where that is."""
    spans = tuple(content)
    first = expanded_span(doc, spans[0].start, spans[0].end)[0]
    if first.dep_ == "mark" and first.lower_ == "that":
        # The said text starts after the complementizer's word and the space behind it ("that, despite
        # the protests, the airport ..." says "despite the protests, the airport ..."); a first span that
        # is only the word gives way to the next span.
        gap = re.search(r"\s+", spans[0].of(text_of(doc)))
        if gap and spans[0].start + gap.end() < spans[0].end:
            spans = (Span(spans[0].start + gap.end(), spans[0].end), *spans[1:])
        elif len(spans) > 1:
            spans = spans[1:]
    return Claim(
        id=claim_id,
        text=joined_text(text_of(doc), spans),
        spans=spans,
        source=source,
        cue=cue,
        unit=unit,
        content_spans=tuple(content),
    )


def joined_text(text: str, spans: Sequence[Span]) -> str:
    """A claim's text: its spans' text in order, whitespace normalised, so the text maps back to the spans."""
    return " ".join(" ".join(span.of(text).split()) for span in spans)
