"""Evidence windows: an article cut into overlapping runs of whole sentences, each small enough to sit beside a
claim in one NLI input.

A claim (a summary sentence, a headline) often joins facts from several sentences of an article; scored against
one sentence at a time it is "not enough information" however well the article supports it. Scored against a
window of several sentences, it can be entailed as a whole (the SummaC / AlignScore idea: score chunks, keep the
best). Windows are cut at sentence boundaries, never inside a sentence, and each starts halfway into the one
before, so two neighbouring sentences that fit in one window together share one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from verify.runtime.nlp import sentence_splitter


@dataclass(frozen=True)
class EvidenceWindow:
    """Consecutive sentences of the article: characters start..end."""

    start: int
    end: int
    text: str


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the text's sentences, in order, without surrounding whitespace."""
    spans = []
    for sentence in sentence_splitter()(text).sents:
        start = sentence.start_char
        end = sentence.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def evidence_windows(
    text: str, sentences: Sequence[tuple[int, int]], token_counts: Sequence[int], max_tokens: int
) -> list[EvidenceWindow]:
    """Windows of consecutive `sentences` (spans into `text`, `token_counts[k]` tokens each) of at most
    `max_tokens` tokens; a longer sentence is a window alone (the NLI backend scores it in token windows)."""
    if len(sentences) != len(token_counts):
        raise ValueError("one token count a sentence")
    windows: list[EvidenceWindow] = []
    first, reached = 0, -1  # `reached`: the last sentence of the windows so far
    while first < len(sentences):
        last, tokens = first, token_counts[first]
        while last + 1 < len(sentences) and tokens + token_counts[last + 1] <= max_tokens:
            last += 1
            tokens += token_counts[last]
        if last > reached:  # a window inside the one before adds nothing to read
            start, end = sentences[first][0], sentences[last][1]
            windows.append(EvidenceWindow(start, end, text[start:end]))
            reached = last
        if last == len(sentences) - 1:
            break
        first = max(first + 1, (first + last + 1) // 2)  # halfway in: neighbours overlap
    return windows


def article_windows(text: str, count_tokens: Callable[[list[str]], list[int]], max_tokens: int) -> list[EvidenceWindow]:
    """`evidence_windows` of the whole text, its sentences measured by `count_tokens` (the NLI tokenizer's)."""
    sentences = sentence_spans(text)
    if not sentences:
        return []
    return evidence_windows(text, sentences, count_tokens([text[s:e] for s, e in sentences]), max_tokens)
