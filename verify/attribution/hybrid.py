"""The product's attributor: the trained tagger's spans, the rules' sources, hedges and narration.

The tagger (`verify.attribution.tagger`) finds far more attributions on PolNeAR than the dependency-parse
rules (`verify.attribution.frames`), which in turn know who a source is (canonical names, pronouns resolved,
roles, kinds), which cues hedge, and what the reporter says in their own voice. One pass over an article:

1. the article is parsed and segmented once, and the rules read it;
2. the tagger tags Source / Cue / Content spans, the rules' spans given as hints: their labels get
   `hint_bonus` on the log-probability scale before decoding, so the rules decide where the model is unsure;
3. the tagged spans are grouped into attributions, a content span that overlaps a rules attribution's
   content going to the cue the rules gave it ("“…,” he said. “…,” he added" is read right);
4. `verify.attribution.sources` chooses each tagged attribution's source: that of the rules attribution that
   shares its cue, else its tagged source span or the subject of its cue verb, resolved as the rules resolve
   theirs (`TaggedSources`); a cue the rules hedge stays hedged;
5. the rules' attributions that no tagged one overlaps stay, and so does the rules' narration (the author's
   claims) unless attributions cover nearly all of it. A title (a first line without final punctuation) is
   left to the rules: the tagger misreads headlinese ("Kazakhstan appeals Russian-led coalition …").

Every claim's `text` is its spans' text, trimmed as the rules trim theirs (`verify.attribution.spans`: a leading
complementizer dropped), and each carries its statement unit. The settings (`HybridSettings`) ship with the
tagger, in the "attribution" section of its settings.json. Scores on PolNeAR dev and timings are in
docs/attribution.md.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from spacy.tokens import Doc

from verify.attribution import frames
from verify.attribution.lexicon import SENTENCE_END, is_hedged
from verify.attribution.segment import statement_units
from verify.attribution.settings import HybridSettings, read_attribution_settings
from verify.attribution.sources import TaggedSources
from verify.attribution.spans import claim_from_content, joined_text, span_tokens, trim_span
from verify.attribution.tagger import (
    DEFAULT_TAGGER_DIR,
    Anchor,
    AttributionTagger,
    TaggedSpan,
    group_attributions,
)
from verify.datamodel import Claim, Cue, Span, shared_characters
from verify.runtime.nlp import parse, text_of


class HybridAttributor:
    """Loads the tagger once; `extract_claims(text)` is the attribution of `verify report` and `verify check`."""

    def __init__(self, tagger: AttributionTagger, settings: HybridSettings) -> None:
        self.tagger = tagger
        self.settings = settings

    @classmethod
    def load(cls, path: Path = DEFAULT_TAGGER_DIR, device: str = "cpu") -> HybridAttributor:
        """The tagger at `path` with the attribution settings that ship with it (its settings.json)."""
        return cls(AttributionTagger.load(path, device), read_attribution_settings(path))

    def extract_claims(self, text: str) -> list[Claim]:
        """Claims of `text` ordered by offset, ids c1, c2, …: attributions and the author's narration."""
        doc = parse(text)
        units = statement_units(doc)
        rules = frames.extract_claims(text, doc, units)
        attributed = [claim for claim in rules if claim.cue is not None]
        stride = max(1, round(self.tagger.window_size * (1 - self.settings.window_overlap)))
        tagged = self.tagger.tag(text, rule_hints(attributed), self.settings.hint_bonus, stride)
        return combine(doc, units, rules, tagged, self.settings)


def rule_hints(claims: list[Claim]) -> list[TaggedSpan]:
    """The rules' attributions as tagger hints: their content, source and cue spans."""
    hints = []
    for claim in claims:
        hints += [TaggedSpan("content", span) for span in claim.content_spans]
        hints += [TaggedSpan("source", span) for span in claim.source.spans]
        hints += [TaggedSpan("cue", span) for span in claim.cue.spans] if claim.cue else []
    return hints


def combine(
    doc: Doc,
    units: list[Span],
    rules: list[Claim],
    tagged: list[TaggedSpan],
    settings: HybridSettings = HybridSettings(),
) -> list[Claim]:
    """The claims of an article from its rules claims (`frames.extract_claims`) and its tagged spans."""
    text = text_of(doc)
    attributed = [claim for claim in rules if claim.cue is not None]
    anchors = [Anchor(content=claim.content_spans, cue=claim.cue.spans) for claim in attributed if claim.cue]
    title = _title(text)
    narration = [span for claim in rules if claim.cue is None for span in claim.content_spans]
    found = []
    for grouped in group_attributions(tagged, text, settings.grouping, anchors):
        if title and grouped.cue and title.start <= grouped.cue.spans[0].start < title.end:
            continue  # the rules read the title
        rule = _aligned(grouped, attributed)
        pieces = _own_content(text, grouped, rule, attributed, narration, settings)
        spans = tuple(span for span in (trim_span(doc, piece) for piece in pieces) if span)
        unit = _unit(units, spans)
        if not spans or unit is None:  # nothing left, or boilerplate outside every statement unit
            continue
        found.append((grouped, spans, unit, rule))
    sources = TaggedSources(doc, [claim.source for claim in attributed])
    claims = []
    for grouped, spans, unit, rule in sorted(found, key=lambda item: _source_start(item[0])):
        source = sources.of(grouped, rule.source if rule is not None else None)
        cue_spans = grouped.cue.spans if grouped.cue else ()
        hedged = is_hedged(span_tokens(doc, cue_spans)) or bool(rule and rule.cue and rule.cue.hedged)
        if rule is not None and rule.cue and _covered(cue_spans, list(rule.cue.spans)) == 1.0:
            cue_spans = rule.cue.spans  # the rules' wider cue: "are said to", "went on to say"
        cue = Cue(text=joined_text(text, cue_spans), spans=cue_spans, hedged=hedged)
        claims.append(claim_from_content("", doc, spans, source, cue, unit))
    claims += [claim for claim in attributed if not any(_overlaps(claim, other) for other in claims)]
    content = [span for claim in claims for span in claim.content_spans]
    claims += [
        claim
        for claim in rules
        if claim.cue is None and _covered(claim.content_spans, content) < settings.narration_covered
    ]
    claims.sort(key=lambda claim: (claim.start, claim.end))
    return [replace(claim, id=f"c{number}") for number, claim in enumerate(claims, start=1)]


def _own_content(
    text: str,
    grouped: Claim,
    rule: Claim | None,
    attributed: list[Claim],
    narration: list[Span],
    settings: HybridSettings,
) -> list[Span]:
    """The tagged content without what the rules give a statement beside it ("the prefecture reported that
    two people were injured and firefighters said …", "…, but … was restored, according to Tass"), cut at line
    breaks, without the pieces on other lines than the cue's that are mostly the rules' narration (unless
    nothing else is left). A statement the rules see inside the content ("Clinton said she thinks …") stays:
    one whose cue lies in the aligned rules attribution's content, or, without one, in the tagged content."""
    host = rule.content_spans if rule is not None else grouped.spans
    beside = [
        other
        for other in attributed
        if other is not rule and other.cue and not shared_characters(_cue_spans(other), host)
    ]
    foreign = [span for other in beside for span in (*other.content_spans, *_cue_spans(other), *other.source.spans)]
    if rule is not None and rule.cue:
        foreign += rule.cue.spans  # "police are said to have shot": "to" is part of the rules' cue
    pieces = [piece for span in grouped.spans for piece in _minus(span, foreign)]
    pieces = [line for piece in pieces for line in _lines(text, piece)]
    cue_lines = {_line_start(text, span.start) for span in (grouped.cue.spans if grouped.cue else ())}
    kept = [
        piece
        for piece in pieces
        if _line_start(text, piece.start) in cue_lines or _covered((piece,), narration) < settings.other_line_narration
    ]
    return kept or pieces


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _title(text: str) -> Span | None:
    """The article's first line, if it has no final punctuation and the article goes on: its title, in
    headlinese, which the tagger misreads."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    if end == -1 or not text[end:].strip() or text[start:end].rstrip().endswith(SENTENCE_END):
        return None
    return Span(start, end)


def _minus(span: Span, cuts: list[Span]) -> list[Span]:
    """`span` without the characters of `cuts`, in pieces."""
    pieces = [span]
    for cut in cuts:
        pieces = [part for piece in pieces for part in _cut(piece, cut) if len(part)]
    return pieces


def _cut(piece: Span, cut: Span) -> tuple[Span, ...]:
    if not piece.overlaps(cut):
        return (piece,)
    return Span(piece.start, max(piece.start, cut.start)), Span(min(piece.end, cut.end), piece.end)


def _lines(text: str, span: Span) -> list[Span]:
    pieces, start = [], span.start
    while (newline := text.find("\n", start, span.end)) != -1:
        pieces.append(Span(start, newline))
        start = newline + 1
    pieces.append(Span(start, span.end))
    return [piece for piece in pieces if piece.of(text).strip()]


def _cue_spans(claim: Claim) -> tuple[Span, ...]:
    return claim.cue.spans if claim.cue else ()


def _aligned(grouped: Claim, attributed: list[Claim]) -> Claim | None:
    """The rules attribution that shares most of the tagged attribution's cue."""
    cue = grouped.cue.spans if grouped.cue else ()
    shared = [(shared_characters(cue, claim.cue.spans), index) for index, claim in enumerate(attributed) if claim.cue]
    best = max(shared, default=(0, -1))
    return attributed[best[1]] if best[0] > 0 else None


def _unit(units: list[Span], spans: tuple[Span, ...]) -> Span | None:
    """The statement unit a claim comes from (the units it spans, joined); None outside every unit."""
    touched = [unit for unit in units if any(unit.overlaps(span) for span in spans)]
    return Span(touched[0].start, touched[-1].end) if touched else None


def _source_start(claim: Claim) -> int:
    """Resolve in text order, as the rules do: a pronoun's antecedent is resolved before it."""
    return claim.source.spans[0].start if claim.source.spans else claim.start


def _overlaps(claim: Claim, other: Claim) -> bool:
    cue = claim.cue.spans if claim.cue else ()
    other_cue = other.cue.spans if other.cue else ()
    return shared_characters(claim.content_spans, other.content_spans) > 0 or shared_characters(cue, other_cue) > 0


def _covered(spans: tuple[Span, ...], by: list[Span]) -> float:
    """The share of `spans`' characters inside `by` (assumed not to overlap one another much)."""
    total = sum(len(span) for span in spans)
    return min(shared_characters(spans, tuple(by)) / total, 1.0) if total else 0.0
