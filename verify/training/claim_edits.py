"""Claims made from real news for fitting the claim check's head (`scripts/fit_claim_check.py`): a claim that
joins two neighbouring sentences of an article is supported by it; the same claim with the second sentence
rewritten by a rule that flips its meaning (a figure swapped, the main verb negated, an antonym) is refuted; with
a synonym or a rounded figure it is still supported; with a sentence of another article in its place it is not
enough information. The rewrites are those of the news NLI pairs (`verify.training.synthetic_nli`).

SummEdits' documents are transcripts and FNC-1's claims are headlines; these are the news claims a reader checks,
against the article they come from (its first ARTICLE_CHARACTERS, cut at a line break, as a user pastes one).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from verify.evaluation.claim_check import ClaimCheckExample, text_id
from verify.runtime.nlp import pipeline
from verify.training.synthetic_nli import (
    is_usable,
    negate_main_verb,
    round_number,
    substitute_synonym,
    swap_antonym,
    swap_number,
)

ARTICLE_CHARACTERS = 3000
DOMAIN = "news_edits"


def _cut(text: str) -> str:
    return text if len(text) <= ARTICLE_CHARACTERS else text[: text.rfind("\n", 0, ARTICLE_CHARACTERS) + 1 or None]


def news_claim_edits(texts: Sequence[Path], articles: int, seed: int = 13) -> list[ClaimCheckExample]:
    """Up to four claims from each of a seeded sample of `articles` article files (see the module docstring)."""
    rng = random.Random(seed)
    chosen = sorted(rng.sample(list(texts), min(articles, len(texts))))
    cut = {path: _cut(path.read_text(encoding="utf-8")) for path in chosen}
    docs = dict(zip(chosen, pipeline().pipe(cut[path] for path in chosen)))
    usable = {path: [s for s in docs[path].sents if is_usable(s)] for path in chosen}
    examples = []
    for path in chosen:
        sentences = usable[path]
        pairs = [(a, b) for a, b in zip(sentences, sentences[1:]) if b.start == a.end]
        others = [s for other in chosen if other != path for s in usable[other]]
        if not pairs or not others:
            continue
        first, second = rng.choice(pairs)
        lead = first.text.strip()
        flipped = swap_number(second, rng) or negate_main_verb(second) or swap_antonym(second)
        kept = substitute_synonym(second) or round_number(second)
        claims = {
            "joined": (f"{lead} {second.text.strip()}", "entailment"),
            "added": (f"{lead} {rng.choice(others).text.strip()}", "neutral"),
        }
        if flipped is not None:
            claims[flipped.rule] = (f"{lead} {flipped.hypothesis}", "contradiction")
        if kept is not None:
            claims[kept.rule] = (f"{lead} {kept.hypothesis}", "entailment")
        body_id = text_id(cut[path])
        examples += [
            ClaimCheckExample(f"{path.stem}-{kind}", claim, cut[path], label, body_id, DOMAIN)
            for kind, (claim, label) in claims.items()
        ]
    return examples
