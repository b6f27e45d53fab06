"""Atomic sub-claims: a claim that states several facts, split into the facts, each checked on its own.

A summary sentence such as "The company cut its forecast and its chief executive resigned" is supported only if
both facts are; checked as a whole, one unsupported fact hides among supported ones, and the verdict cannot say
which failed. The split is syntactic and general: sentences, then coordinated clauses ("X happened and Y did Z",
"X happened, but Y ..."). A coordinated predicate that shares its subject ("The minister resigned and left the
country") gets the subject back ("The minister left the country"), so each sub-claim is a statement by itself.
Noun-phrase lists ("Apples and pears") are one fact and are not split.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

PREDICATES = frozenset({"VERB", "AUX"})
SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
EDGE_WORDS = frozenset({"cc", "punct", "mark"})  # "and", ",", "while" at a clause's edges are not its words
MIN_CLAUSE_TOKENS = 3  # a shorter conjunct ("and left") is part of its clause's statement, not a fact alone


@dataclass(frozen=True)
class SubClaim:
    """One fact of a claim: `text` is what is checked; start..end the claim's characters it comes from (a
    subject-sharing predicate's text starts with the subject it shares, which lies outside start..end)."""

    start: int
    end: int
    text: str


def sub_claims(doc: Doc) -> list[SubClaim]:
    """The claim's facts in order; the whole claim alone when it states one."""
    facts = [fact for sentence in doc.sents for fact in _clauses(sentence)]
    if len(facts) > 1:
        return facts
    text = doc.text.strip()
    start = doc.text.index(text) if text else 0
    return [SubClaim(start, start + len(text), text)]


def _is_clause_conjunct(token: Token) -> bool:
    return token.dep_ == "conj" and token.pos_ in PREDICATES and token.head.pos_ in PREDICATES


def _clauses(sentence: Span) -> list[SubClaim]:
    heads = [sentence.root] + [token for token in sentence if _is_clause_conjunct(token) and token != sentence.root]
    owned: dict[int, list[Token]] = {head.i: [] for head in heads}
    for token in sentence:
        owner = token
        while owner.i not in owned and owner.head.i != owner.i:
            owner = owner.head
        owned.get(owner.i, owned[sentence.root.i]).append(token)
    tokens_of = {head.i: _trimmed(_run_of(head, owned[head.i])) for head in heads}
    if sum(len(tokens) >= MIN_CLAUSE_TOKENS for tokens in tokens_of.values()) < 2:
        return [_span_claim(sentence, list(sentence))] if _trimmed(list(sentence)) else []
    facts = []
    for head in heads:
        tokens = tokens_of[head.i]
        if len(tokens) < MIN_CLAUSE_TOKENS:
            continue
        fact = _span_claim(sentence, tokens)
        subject = _shared_subject(head)
        if subject is not None and not any(child.dep_ in SUBJECTS for child in head.children):
            fact = SubClaim(fact.start, fact.end, f"{subject} {fact.text}")
        facts.append(fact)
    return facts


def _run_of(head: Token, tokens: list[Token]) -> list[Token]:
    """The unbroken run of a clause's tokens around its predicate: a clause that a conjunct interrupts (its
    sentence-final stop after the conjunct) is read up to the interruption."""
    positions = {token.i for token in tokens}
    first = last = head.i
    while first - 1 in positions:
        first -= 1
    while last + 1 in positions:
        last += 1
    return [token for token in tokens if first <= token.i <= last]


def _trimmed(tokens: list[Token]) -> list[Token]:
    first, last = 0, len(tokens)
    while first < last and tokens[first].dep_ in EDGE_WORDS:
        first += 1
    while last > first and tokens[last - 1].dep_ in EDGE_WORDS:
        last -= 1
    return tokens[first:last]


def _span_claim(sentence: Span, tokens: list[Token]) -> SubClaim:
    tokens = _trimmed(tokens)
    text = sentence.doc.text
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
    return SubClaim(start, end, text[start:end])


def _shared_subject(conjunct: Token) -> str | None:
    """The subject of the clause a subject-less conjunct predicate is coordinated with, as written."""
    head = conjunct.head
    while head.dep_ == "conj" and head.head != head and not any(child.dep_ in SUBJECTS for child in head.children):
        head = head.head
    for child in head.children:
        if child.dep_ in SUBJECTS:
            tokens = list(child.subtree)
            return child.doc.text[tokens[0].idx : tokens[-1].idx + len(tokens[-1].text)]
    return None
