"""Atomic sub-claims: a claim that states several facts, split into the facts, each checked on its own.

A summary sentence such as "The company cut its forecast and its chief executive resigned" is supported only if
both facts are; checked as a whole, one unsupported fact hides among supported ones, and the verdict cannot say
which failed. The split is syntactic and general: sentences, then coordinated clauses ("X happened and Y did Z",
"X happened, but Y ..."), at the sentence's own level: what a source said ("The minister said A and B") and what a
relative clause tells of someone stay whole, since splitting them would lose who said it or of whom. A coordinated
predicate that shares its subject ("The minister resigned and left the country") gets the subject back ("The
minister left the country"), so each sub-claim is a statement by itself. Noun-phrase lists ("Apples and pears")
are one fact and are not split.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

PREDICATES = frozenset({"VERB", "AUX"})
SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj"})
EDGE_WORDS = frozenset({"cc", "punct", "mark"})  # "and", ",", "while" at a clause's edges are not its words
MIN_CLAUSE_TOKENS = 3  # a shorter conjunct ("and left") is part of its clause's statement, not a fact alone
MAX_FACTS = 8  # facts checked one by one: bounds the cost of a check on a run-on claim


@dataclass(frozen=True)
class SubClaim:
    """One fact of a claim: `text` is what is checked; start..end the claim's characters it comes from (a
    subject-sharing predicate's text starts with the subject it shares, which lies outside start..end)."""

    start: int
    end: int
    text: str


def sub_claims(doc: Doc) -> list[SubClaim]:
    """The claim's facts in order (at most MAX_FACTS: a longer claim's later facts are checked only within the
    whole claim); the whole claim alone when it states one."""
    facts = [fact for sentence in doc.sents for fact in _clauses(sentence)]
    if len(facts) > 1:
        return facts[:MAX_FACTS]
    text = doc.text.strip()
    start = doc.text.index(text) if text else 0
    return [SubClaim(start, start + len(text), text)]


def _clause_heads(sentence: Span) -> list[Token]:
    """The sentence's root and the predicates coordinated with it at its level ("X happened and Y did Z"), not
    those inside an embedded clause: "ruled that the law was void and ordered ..." coordinates inside what was
    ruled, and "the man who arrived and left" inside a relative clause, and splitting there loses the frame."""
    heads = [sentence.root]
    for head in heads:  # grows as conjuncts of conjuncts are found
        heads += [
            child
            for child in head.children
            if child.dep_ == "conj" and child.pos_ in PREDICATES and head.pos_ in PREDICATES and child in sentence
        ]
    return heads


def _clauses(sentence: Span) -> list[SubClaim]:
    heads = _clause_heads(sentence)
    owned = _owned_tokens(sentence, heads)
    # A short conjunct ("... and resigned") is too little to check alone: it goes back to the clause it joins.
    for head in heads[1:]:
        if len(_trimmed(owned[head.i])) < MIN_CLAUSE_TOKENS:
            heads.remove(head)
    owned = _owned_tokens(sentence, heads)
    tokens_of = {head.i: _trimmed(_run_of(head, owned[head.i])) for head in heads}
    if len(heads) < 2 or any(not tokens_of[head.i] for head in heads):
        return [_span_claim(sentence, list(sentence))] if _trimmed(list(sentence)) else []
    facts = []
    for head in heads:
        fact = _span_claim(sentence, tokens_of[head.i])
        subject = _shared_subject(head)
        if subject is not None and not any(child.dep_ in SUBJECTS for child in head.children):
            fact = SubClaim(fact.start, fact.end, f"{subject} {fact.text}")
        facts.append(fact)
    return facts


def _owned_tokens(sentence: Span, heads: list[Token]) -> dict[int, list[Token]]:
    """Each clause head's tokens: a token belongs to the nearest clause head above it (the root's by default)."""
    owned: dict[int, list[Token]] = {head.i: [] for head in heads}
    for token in sentence:
        owner = token
        while owner.i not in owned and owner.head.i != owner.i:
            owner = owner.head
        owned.get(owner.i, owned[sentence.root.i]).append(token)
    return owned


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
    while first < last and (tokens[first].dep_ in EDGE_WORDS or tokens[first].is_space):
        first += 1
    while last > first and (tokens[last - 1].dep_ in EDGE_WORDS or tokens[last - 1].is_space):
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
