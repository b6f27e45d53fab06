"""Article text → statement units: sentences, with boilerplate dropped and multi-sentence quotes kept whole.

A unit is what the attribution stage reads at once: usually one sentence, but a quotation that runs over
several sentences stays together with its "X said", because splitting it would orphan the quote's source.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.tokens import Doc
from spacy.tokens import Span as TokenSpan

from verify.attribution.lexicon import is_speech_verb
from verify.datamodel import Span
from verify.runtime.nlp import parse, text_of

# Web-page furniture that scrapers leave in article text; matched against whole lines and single sentences.
BOILERPLATE = re.compile(
    r"""^\W*(?:
        leave\ a\ (?:reply|comment)
      | (?:your\ )?email\ address\ will\ not\ be\ published
      | required\ fields\ are\ marked
      | save\ my\ name,\ email
      | (?:share|tweet|pin|email|print|follow\ us)
        (?:\ (?:this|on|the|article|story|post|via|[a-z]+book|twitter|x|whatsapp|linkedin|reddit|email))*\W*$
      | (?:subscribe|sign\ up)\b.*\b(?:newsletter|channel|updates|inbox)
      | .*\b(?:uses?|accept(?:\ all)?)\ cookies
      | .*\bcookie\ (?:policy|settings|preferences)
      | .*\ball\ rights\ reserved
      | (?:©|copyright\ (?:©\ )?\d{4})
      | (?:click\ here|read\ more|related\ (?:articles?|stories|posts)|advertisement|post\ navigation|
         previous\ (?:article|post)|next\ (?:article|post)|\d+\ comments?)\W*$
    )""",
    re.IGNORECASE | re.VERBOSE,
)
OPENING_QUOTES = "“‘«"
CLOSING_QUOTES = "”’»"
STRAIGHT_QUOTE = '"'
UNAMBIGUOUS_CLOSING_QUOTES = "”»"  # "’" is mostly an apostrophe
OPENING_WORDS = 4  # where an attribution tag after a quote ending in "." or "!" has its verb: "the minister said"


def split_sentences(text: str) -> list[Span]:
    """Character spans of the statement units of `text` (see the module docstring)."""
    return statement_units(parse(text))


def statement_units(doc: Doc) -> list[Span]:
    """Statement units of an already parsed article, so the attribution stage parses only once."""
    text = text_of(doc)
    units: list[Span] = []
    sentences = _sentence_spans(doc)
    for line in _lines(text):
        if BOILERPLATE.match(line.of(text)):
            continue
        line_units: list[Span] = []
        for sentence in _sentences_within(text, sentences, line):
            sentence_text = sentence.of(text)
            if BOILERPLATE.match(sentence_text):
                continue
            if line_units and _continues(doc, line_units[-1], sentence):
                line_units[-1] = Span(line_units[-1].start, sentence.end)
            else:
                line_units.append(sentence)
        units.extend(line_units)
    return units


def quotation_spans(text: str, within: Span) -> list[Span]:
    """Spans of the quotations inside `within`, quote marks included; an unclosed quote runs to the end."""
    quotes: list[Span] = []
    start: int | None = None
    for offset in range(within.start, within.end):
        char = text[offset]
        opens = char in OPENING_QUOTES or (char == STRAIGHT_QUOTE and start is None)
        closes = char in CLOSING_QUOTES or (char == STRAIGHT_QUOTE and start is not None)
        if char == "’" and start is None:
            continue  # an apostrophe, not a closing single quote
        if start is None and opens:
            start = offset
        elif start is not None and closes:
            if char == "’" and text[start] != "‘":
                continue  # "state’s" inside a double-quoted passage
            quotes.append(Span(start, offset + 1))
            start = None
    if start is not None:
        quotes.append(Span(start, within.end))
    return quotes


def opens_quote(char: str) -> bool:
    return char in OPENING_QUOTES or char == STRAIGHT_QUOTE


def closes_quote(char: str) -> bool:
    return char in UNAMBIGUOUS_CLOSING_QUOTES or char == STRAIGHT_QUOTE


def _lines(text: str) -> list[Span]:
    """Non-blank lines, trimmed: a paragraph or headline never shares a unit with the next line."""
    lines = []
    for match in re.finditer(r"[^\n]+", text):
        stripped = match.group().strip()
        if stripped:
            start = match.start() + match.group().index(stripped)
            lines.append(Span(start, start + len(stripped)))
    return lines


def _sentence_spans(doc: Doc) -> list[Span]:
    """spaCy's sentences as character spans, read in one pass (`doc.sents` is slow on long articles)."""
    starts = [token.idx for token in doc if token.is_sent_start] or [0]
    return [Span(start, end) for start, end in zip(starts, starts[1:] + [len(text_of(doc))])]


def _sentences_within(text: str, sentences: list[Span], line: Span) -> list[Span]:
    """The sentences cut to the line (a sentence never runs over a line break)."""
    pieces = []
    first = max(bisect_right([sentence.start for sentence in sentences], line.start) - 1, 0)
    for sentence in sentences[first:]:
        if sentence.start >= line.end:
            break
        start, end = max(sentence.start, line.start), min(sentence.end, line.end)
        piece = text[start:end]
        if piece.strip():
            offset = start + len(piece) - len(piece.lstrip())
            pieces.append(Span(offset, offset + len(piece.strip())))
    return pieces


def _continues(doc: Doc, previous: Span, sentence: Span) -> bool:
    """Whether `sentence` belongs to the unit before it: the rest of an open quote, what a colon introduces,
    a further quoted sentence of the same speaker, a lowercase continuation, or an "X said" tag after a quote."""
    text = text_of(doc)
    previous_text, sentence_text = previous.of(text), sentence.of(text)
    if _ends_inside_quote(text, previous) or previous_text.endswith(":"):
        return True
    first_letter = next((char for char in sentence_text if char.isalnum()), "")
    if first_letter.islower():
        return True
    previous_quotes = quotation_spans(text, previous)
    if previous_quotes and _is_whole_quotation(text, sentence):
        return True
    if previous_text.rstrip()[-1:] in CLOSING_QUOTES + STRAIGHT_QUOTE:
        return _is_short_attribution(doc.char_span(sentence.start, sentence.end, alignment_mode="expand"))
    return False


def _ends_inside_quote(text: str, unit: Span) -> bool:
    quotes = quotation_spans(text, unit)
    return bool(quotes) and quotes[-1].end == unit.end and text[unit.end - 1] not in CLOSING_QUOTES + STRAIGHT_QUOTE


def _is_whole_quotation(text: str, sentence: Span) -> bool:
    quotes = quotation_spans(text, sentence)
    return len(quotes) == 1 and quotes[0] == sentence


def _is_short_attribution(sentence: TokenSpan | None) -> bool:
    """ "Tokayev said." or "Trump said, looking out on the crowd.": a sentence that opens with a speech verb
    reporting nothing of its own."""
    if sentence is None:
        return False
    words = [token for token in sentence if not token.is_punct and not token.is_space]
    return any(
        is_speech_verb(token) and not any(child.dep_ == "ccomp" for child in token.children)
        for token in words[:OPENING_WORDS]
    )
