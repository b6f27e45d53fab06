"""News-domain NLI pairs made from real news sentences.

General NLI data has few news sentences and teaches small models a shortcut: a negated
hypothesis looks like a contradiction of anything. These rules rewrite real news
sentences into pairs whose label follows from the rewrite:

- number swap ("eight killed" → "twelve killed"), negation of the main verb, antonym swap
  → contradiction;
- dropping a modifier or a conjunct, a synonym, or a rounded figure ("about 40") → entailment;
- the same pair reversed (the hypothesis adds a detail) → neutral;
- an unrelated, negated sentence of the same article as hypothesis → neutral, so that
  negation alone never reads as contradiction;
- another sentence about the same person or body, on another event → neutral (news is
  not a photo caption: a different event is not a contradiction).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from verify.negation import NEGATIONS, negate_sentence

NUMBER_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                "fifteen", "twenty", "thirty", "forty", "fifty"]
ANTONYMS = {
    "increased": "decreased", "rose": "fell", "raised": "lowered", "won": "lost", "approved": "rejected",
    "accepted": "rejected", "supports": "opposes", "supported": "opposed", "support": "oppose",
    "opened": "closed", "higher": "lower", "more": "fewer", "before": "after", "gained": "lost",
    "allowed": "banned", "agreed": "refused", "confirmed": "denied", "expanded": "cut", "ended": "began",
    "passed": "failed", "strong": "weak", "larger": "smaller", "increase": "decrease", "likely": "unlikely",
    "legal": "illegal", "always": "never", "first": "last", "leading": "trailing", "ahead": "behind",
}
ANTONYMS.update({value: key for key, value in list(ANTONYMS.items())})
# Same-meaning substitutions for paraphrase (entailment) pairs; news wording, both directions.
SYNONYMS = {
    "said": "stated", "killed": "left dead", "died": "were killed", "began": "started", "start": "begin",
    "ended": "finished", "bought": "purchased", "help": "assist", "helped": "assisted", "rose": "increased",
    "fell": "declined", "big": "large", "large": "big", "quickly": "rapidly", "almost": "nearly",
    "nearly": "almost", "showed": "indicated", "shows": "indicates", "tried": "attempted",
    "try": "attempt", "told": "informed", "asked": "requested", "ask": "request", "needs": "requires",
    "wanted": "wished", "got": "received", "received": "got", "earlier": "previously", "answer": "response",
    "vehicles": "cars", "officials": "authorities", "authorities": "officials", "ships": "vessels",
    "vessels": "ships", "town": "city", "enormous": "huge", "huge": "enormous", "chose": "picked",
}


@dataclass(frozen=True)
class SyntheticPair:
    premise: str
    hypothesis: str
    label: str
    rule: str


def _replace(sentence, token, replacement: str) -> str:
    if token.text[:1].isupper():
        replacement = replacement[:1].upper() + replacement[1:]
    return "".join(replacement + t.whitespace_ if t.i == token.i else t.text_with_ws for t in sentence).strip()


def _detokenize(tokens: Iterable) -> str:
    """Join spaCy tokens keeping their original spacing."""
    text = "".join(token.text_with_ws for token in tokens).strip()
    return re.sub(r"\s+([,.;:])", r"\1", text)


def _is_usable(sentence) -> bool:
    words = [token for token in sentence if token.is_alpha]
    text = sentence.text
    return 8 <= len(words) <= 40 and '"' not in text and "“" not in text and text.strip()[-1:] in ".!"


def swap_number(sentence, rng: random.Random) -> SyntheticPair | None:
    for token in sentence:
        if token.like_num and token.ent_type_ in {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}:
            if token.text.isdigit():
                value = int(token.text)
                replacement = str(value + rng.choice([2, 3, 5, 10]) if value < 1000 else value * 2)
            elif token.lower_ in NUMBER_WORDS:
                replacement = rng.choice([word for word in NUMBER_WORDS if word != token.lower_])
            else:
                continue
            return SyntheticPair(sentence.text.strip(), _replace(sentence, token, replacement), "contradiction",
                                 "number_swap")
    return None


def round_number(sentence) -> SyntheticPair | None:
    """"42 ships" entails "about 40 ships": an approximate figure is not a contradiction."""
    for token in sentence:
        if token.text.isdigit() and token.ent_type_ in {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}:
            value = int(token.text)
            rounded = int(round(value, -1)) if value < 100 else int(round(value, -2))
            if value >= 12 and rounded != value and token.i > 0 and token.nbor(-1).lower_ not in {"$", "about", "nearly"}:
                return SyntheticPair(sentence.text.strip(), _replace(sentence, token, f"about {rounded}"),
                                     "entailment", "number_rounded")
    return None


def substitute_synonym(sentence) -> SyntheticPair | None:
    if any(t.lower_ in NEGATIONS for t in sentence):
        return None
    for token in sentence:
        replacement = SYNONYMS.get(token.lower_)
        if replacement:
            return SyntheticPair(sentence.text.strip(), _replace(sentence, token, replacement), "entailment",
                                 "synonym")
    return None


def negate_main_verb(sentence) -> SyntheticPair | None:
    negated = negate_sentence(sentence)
    return SyntheticPair(sentence.text.strip(), negated, "contradiction", "negation") if negated else None


def swap_antonym(sentence) -> SyntheticPair | None:
    for token in sentence:
        replacement = ANTONYMS.get(token.lower_)
        if replacement and not any(t.lower_ in NEGATIONS for t in sentence):
            return SyntheticPair(sentence.text.strip(), _replace(sentence, token, replacement), "contradiction",
                                 "antonym")
    return None


def drop_modifier(sentence, rng: random.Random) -> tuple[SyntheticPair, SyntheticPair] | None:
    """A sentence without one optional modifier is entailed; the reverse direction is neutral."""
    if any(t.lower_ in NEGATIONS | {"if", "whether", "unless", "only", "no", "any"} for t in sentence):
        return None
    root = sentence.root
    if root.lemma_ == "be":  # the modifier is often the predicate itself ("that was on purpose")
        return None
    candidates = [child for child in root.children
                  if child.dep_ in {"prep", "advcl", "npadvmod", "advmod"} and len(list(child.subtree)) >= 2]
    candidates += [token for token in sentence if token.dep_ in {"relcl", "appos", "amod"} and token.head.dep_ != "ROOT"
                   and len(list(token.subtree)) >= 2]
    if not candidates:
        return None
    dropped = rng.choice(candidates)
    removed = {t.i for t in dropped.subtree}
    kept = [t for t in sentence if t.i not in removed]
    short = _detokenize(kept)
    short = re.sub(r",\s*,", ",", short).replace(" ,", ",").strip(" ,")
    short = re.sub(r"[,:;—-]\s*([.!?])$", r"\1", short)
    if len(short.split()) < 5 or short == sentence.text.strip():
        return None
    full = sentence.text.strip()
    return (SyntheticPair(full, short, "entailment", "modifier_drop"),
            SyntheticPair(short, full, "neutral", "modifier_add"))


def unrelated_negated(sentence, other, rng: random.Random) -> SyntheticPair | None:
    negated = negate_main_verb(other)
    if negated is None:
        return None
    hypothesis = negated.hypothesis if rng.random() < 0.7 else other.text.strip()
    return SyntheticPair(sentence.text.strip(), hypothesis, "neutral", "unrelated_negated")


def _subject_entity(sentence) -> str | None:
    for token in sentence:
        if token.dep_ in {"nsubj", "nsubjpass"} and token.head == sentence.root and token.ent_type_ in {"PERSON", "ORG"}:
            return token.text.lower()
    return None


def same_subject_other_event(sentence, others: list) -> SyntheticPair | None:
    """Another sentence about the same person or body, a different event: neutral, not a contradiction."""
    subject = _subject_entity(sentence)
    if subject is None:
        return None
    for other in others:
        if _subject_entity(other) == subject and other.root.lemma_ != sentence.root.lemma_:
            return SyntheticPair(sentence.text.strip(), other.text.strip(), "neutral", "same_subject")
    return None


def synthesize(docs: Iterable, seed: int) -> Iterator[SyntheticPair]:
    """Every pair the rules can make from parsed articles (spaCy Docs); `balance` evens them out."""
    rng = random.Random(seed)
    for doc in docs:
        sentences = [s for s in doc.sents if _is_usable(s)]
        for index, sentence in enumerate(sentences):
            far = [s for j, s in enumerate(sentences) if abs(j - index) > 2]
            candidates = [swap_number(sentence, rng), negate_main_verb(sentence), swap_antonym(sentence),
                          round_number(sentence), substitute_synonym(sentence),
                          *(drop_modifier(sentence, rng) or ()),
                          unrelated_negated(sentence, rng.choice(far), rng) if far else None,
                          same_subject_other_event(sentence, far)]
            yield from (pair for pair in candidates if pair is not None)


def balance(pairs: Iterable[SyntheticPair], per_rule: int, seed: int) -> list[SyntheticPair]:
    """At most `per_rule` pairs of each rule, sampled reproducibly."""
    by_rule: dict[str, list[SyntheticPair]] = {}
    for pair in pairs:
        by_rule.setdefault(pair.rule, []).append(pair)
    rng = random.Random(seed)
    chosen = []
    for rule in sorted(by_rule):
        group = by_rule[rule]
        chosen.extend(rng.sample(group, min(per_rule, len(group))))
    return chosen
