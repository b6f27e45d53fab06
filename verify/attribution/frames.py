"""Article text → claims by the dependency-parse rules: each statement unit's frames (`verify.attribution.cues`),
their sources named (`verify.attribution.sources`) and their content and the reporter's narration cut into
character spans (`verify.attribution.spans`). `verify evaluate --attributor rules` scores them alone; the
product's attributor, `verify.attribution.hybrid`, takes their names, roles, hedges and narration.
"""

from __future__ import annotations

from spacy.tokens import Doc

from verify.attribution.cues import Frame, find_frames, narration
from verify.attribution.lexicon import is_hedged
from verify.attribution.segment import quotation_spans, statement_units
from verify.attribution.sources import SourceResolver
from verify.attribution.spans import char_spans, claim_from_content, joined_text
from verify.datamodel import Claim, Cue, Source, Span
from verify.runtime.nlp import expanded_span, parse, text_of


def extract_claims(text: str, doc: Doc | None = None, units: list[Span] | None = None) -> list[Claim]:
    """Claims of `text` ordered by offset, with ids c1, c2, …; one spaCy pass over the article (none when
    its `doc` is given) and one segmentation (none when its statement `units` are given)."""
    doc = parse(text) if doc is None else doc
    resolver = SourceResolver(doc)
    found: list[tuple[list[Span], Source, Cue | None, Span]] = []
    for unit in statement_units(doc) if units is None else units:
        tokens = [token for token in expanded_span(doc, unit.start, unit.end) if not token.is_space]
        quotes = quotation_spans(text, unit)
        frames = find_frames(doc, tokens, quotes)
        for frame in sorted(frames, key=lambda frame: frame.cue[0].i):
            spans = char_spans(doc, frame.content)
            if spans:
                found.append((spans, resolver.of_frame(frame), _cue(doc, frame), unit))
        for piece in narration(tokens, frames, quotes):
            spans = char_spans(doc, piece)
            if spans:
                found.append((spans, Source.author(), None, unit))
    found.sort(key=lambda item: (item[0][0].start, item[0][0].end))
    return [
        claim_from_content(f"c{number}", doc, spans, source, cue, unit)
        for number, (spans, source, cue, unit) in enumerate(found, start=1)
    ]


def _cue(doc: Doc, frame: Frame) -> Cue:
    spans = char_spans(doc, {token.i for token in frame.cue}, trim=False)
    return Cue(text=joined_text(text_of(doc), spans), spans=tuple(spans), hedged=is_hedged(frame.cue))
