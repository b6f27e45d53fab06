"""Explicit rebuttals: a claim that calls another statement untrue, and the statement of the article it targets.

"The campaign called the charges fabricated", "the president's claims about retaliation are unfounded", "That
comment is a lie", "Clinton is lying about her support for the deal", "The ministry rejected the report". Such a
claim shares few words with the statement it rebuts, so the embedding gate rarely pairs them and NLI cannot see
the conflict in the words: the conflict is in what the rebuttal refers to. `rebuttal` reads the parse for the
construction (general English, `lexicon`); `rebuttal_targets` finds the statement it points at among the
article's claims: the one whose source the rebuttal names ("the president's claims"), the one nearest in meaning
to what it describes ("claims about potential retaliation"), or, for a bare "the charges" / "that", the nearest
statement before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc, Span, Token

from verify.check.lexicon import (
    ASSERTING_VERBS,
    CALLING_VERBS,
    CONDUCT_OR_QUALITY,
    DENYING_VERBS,
    HYPOTHETICAL,
    REBUTTING_VERBS,
    REPORT_NOUNS,
    RULING_BODIES,
    SPECIFIC_DETERMINERS,
    STATEMENT_NOUNS,
    TRUE_WORDS,
    UNTRUE_PREDICATES,
)
from verify.check.negation import is_negated
from verify.check.notes import POSSESSIVE
from verify.check.pairs import same_speaker
from verify.datamodel import Claim, Source, shared_characters
from verify.runtime.nlp import pipeline

Embed = Callable[[list[str]], np.ndarray]
QUOTES = " “”\"'‘’"
# The dependents of a statement noun that describe it ("claims about …", "tweets accusing …").
DESCRIBING = frozenset({"prep", "acl", "relcl"})
CLAUSES = frozenset({"relcl", "acl", "ccomp"})
MODALS = HYPOTHETICAL | {"will"}
# What an untrue adjective makes untrue when it describes it ("fake news", "a false claim").
REPORTED_THINGS = STATEMENT_NOUNS | {"news", "information"}
# The words without which a claim holds no rebuttal: the predicates, and the verbs' stems ("denied", "lying").
REBUTTAL_HINT = re.compile(
    r"\b(?:(?:"
    + "|".join(sorted(UNTRUE_PREDICATES | TRUE_WORDS))
    + r")(?:s|es)?|l(?:ie|ying)\w*|(?:"
    + "|".join(sorted(verb.rstrip("ey") for verb in CALLING_VERBS | REBUTTING_VERBS))
    + r")\w*)\b",
    re.IGNORECASE,
)
# A rebuttal that describes the statement it targets ("claims about potential retaliation") points at the claim
# nearest to that description, if it is at least this near (embedding cosine): below it, the statement it rebuts
# is not among the article's claims. Chosen on the described rebuttals of judged PolNeAR train and dev (10; grid
# 0.40-0.80 by 0.05: the most judged real less judged wrong, the lowest on a tie; docs/results.md).
MIN_TOPIC_SIMILARITY = 0.55
# A bare "the charges" / "that" points back at the statement just before it: the nearest claim of another source
# starting at most this many characters before the rebuttal (about two sentences).
MAX_BACK_REFERENCE = 400


@dataclass(frozen=True)
class Rebuttal:
    """A statement a claim calls untrue: the statement as written (`statement`, "the president's claims about
    potential retaliation"; for a person said to lie, the person), what the claim says of it (`words`: "are
    unfounded", "rejected", "lying about her support for the deal"), whose it is where the claim says (`owner`,
    "the president"; "" when unnamed), and what it is about (`topic`, "claims about potential retaliation from
    other foreign governments"; "" for a bare "the charges" or "that")."""

    statement: str
    owner: str
    topic: str
    words: str

    @property
    def detail(self) -> str:
        """What the rebuttal says, for its note: "‘the president’s claims about …’ are unfounded"."""
        return f"‘{self.statement}’ {self.words}"


def rebuttal(doc: Doc | Span) -> Rebuttal | None:
    """The first rebuttal the parse holds, or None: a specific statement ("the", "this", a possessor) said to be
    untrue ("X is false / a lie / not true", "called X fabricated"), rejected ("denied the allegations"), or a
    named person said to lie about something ("X is lying about Y"). A negated rebuttal ("is not false") is none."""
    for token in doc:
        found = _rebuttal_at(token)
        if found is not None:
            return found
    return None


def _rebuttal_at(token: Token) -> Rebuttal | None:
    """The rebuttal `token` makes as the main verb of the claim's statement, asserted: the root, or the clause a
    root verb of saying asserts ("He said the report was false", not "He denied that the report was false",
    "Nobody believes …", "asked whether …"); not "would be false", not "did not deny"."""
    if token.dep_ == "ccomp":
        root = token.head
        says = root.dep_ == "ROOT" and root.lemma_.lower() in ASSERTING_VERBS and _asserted(root)
        if not says or any(child.dep_ == "mark" and child.lower_ in {"whether", "if"} for child in token.children):
            return None
    elif token.dep_ != "ROOT":
        return None
    # A negated copula is read with its predicate ("is not true"); any other negated verb rebuts nothing.
    if _hypothetical(token) or (is_negated(token) and token.lemma_ != "be"):
        return None
    children = list(token.children)
    return _said_untrue(token, children) or _rejected(token, children) or _lying(token, children)


def _hypothetical(token: Token) -> bool:
    return any(child.dep_ == "aux" and child.lemma_.lower() in MODALS for child in token.children)


def _asserted(token: Token) -> bool:
    """Neither negated nor hypothetical ("did not deny", "would be false")."""
    return not is_negated(token) and not _hypothetical(token)


def _said_untrue(token: Token, children: list[Token]) -> Rebuttal | None:
    """ "The charges are fabricated", "That comment is a lie", "The account is not true"."""
    passive_subjects = [child for child in children if child.dep_ == "nsubjpass"]
    if passive_subjects and _untrue(token, negated=False):
        auxiliaries = [child.text for child in children if child.dep_ == "auxpass"]
        return _about_statement(passive_subjects[0], " ".join([*auxiliaries, token.text]))
    if token.lemma_ != "be":
        return None
    subjects = [child for child in children if child.dep_ == "nsubj"]
    predicates = [child for child in children if child.dep_ in {"attr", "acomp"}]
    negated = is_negated(token)
    if not (subjects and predicates and _untrue(predicates[0], negated)):
        return None
    return _about_statement(subjects[0], f"{token.text} {'not ' if negated else ''}{_phrase(predicates[0])}")


def _rejected(token: Token, children: list[Token]) -> Rebuttal | None:
    """ "called the charges fabricated", "denied the allegations", "the allegations were denied by the board".
    What is rejected is a report of fact ("the allegations"), not an opinion ("rejected that argument" disagrees
    with it); it is not called something else instead ("dismissed the reports as partisan" says what they are, not
    that they are untrue); and the rejection is not a court's or an insurer's ruling ("a judge dismissed the
    charges", "the insurer denied the claim", "the charges were dismissed")."""
    # The object, or the subject of a passive; a noun the parser took for a clause is an object too ("denied the
    # fraud claims", "claims" read as a clausal complement).
    objects = [
        child
        for child in children
        if child.dep_ in {"dobj", "nsubjpass"} or (child.dep_ == "ccomp" and child.pos_ in {"NOUN", "PROPN"})
    ]
    if not objects or token.lemma_ not in CALLING_VERBS | REBUTTING_VERBS:
        return None
    statement = objects[0]
    said = _called(token, statement)
    if said is not None:
        if not _untrue(said, negated=False):
            return None
        called = _phrase(said.head if said.head.lower_ == "as" else said)
        return _about_statement(statement, f"{token.text} {called}", leave_out=said.head)
    if token.lemma_ not in REBUTTING_VERBS or _ruling(token, statement):
        return None
    # "He denied that" denies a statement; "He rejected that" may refuse anything.
    pronoun = token.lemma_ in DENYING_VERBS
    return _about_statement(statement, token.text, REPORT_NOUNS, pronoun=pronoun)


def _ruling(token: Token, statement: Token) -> bool:
    """Whether a rejection is a ruling: by a court, a judge or an insurer, or passive with no one named."""
    subjects = [child for child in token.children if child.dep_ == "nsubj"]
    if statement.dep_ == "nsubjpass":
        subjects = [t for child in token.children if child.dep_ == "agent" for t in child.children]
        if not subjects:
            return True
    return any(t.lemma_.lower() in RULING_BODIES for subject in subjects for t in subject.subtree)


def _lying(token: Token, children: list[Token]) -> Rebuttal | None:
    """A named person said to lie about something: "Governor Reyes is lying about the shortfall" (not "lying low
    about his plans")."""
    if token.lemma_ != "lie" or token.pos_ != "VERB" or any(child.lower_ == "low" for child in children):
        return None
    subjects = [child for child in children if child.dep_ == "nsubj" and child.pos_ == "PROPN"]
    about = [child for child in children if child.dep_ == "prep" and child.lower_ == "about"]
    if not (subjects and about):
        return None
    owner, topic = _phrase(subjects[0]), _phrase(about[0])
    return Rebuttal(statement=owner, owner=owner, topic=topic, words=f"{token.text} {topic}")


def _called(token: Token, statement: Token) -> Token | None:
    """What a verb calls its object ("called the charges fabricated", "dismissed the reports as partisan", the
    "as" read by the parse on the verb or on the noun)."""
    said = [child for child in token.children if child.dep_ in {"oprd", "xcomp", "ccomp"} and child != statement]
    as_phrases = [child for head in (token, statement) for child in head.children if child.lower_ == "as"]
    said += [grandchild for child in as_phrases for grandchild in child.children]
    return said[0] if said else None


def _untrue(predicate: Token, negated: bool) -> bool:
    """Whether a predicate calls its subject untrue: "false", "a lie", "lies and conspiracy theories", "fake
    news", "unsubstantiated and fabricated", or negated "true" / "accurate"."""
    if negated:
        return predicate.lemma_.lower() in TRUE_WORDS or predicate.lower_ in TRUE_WORDS
    # "fake news", "a false claim", but not "a false equivalency" or "false hope", which say nothing of a statement.
    modifiers = (
        c
        for c in predicate.children
        if c.dep_ in {"nmod", "compound"} or (c.dep_ == "amod" and predicate.lemma_.lower() in REPORTED_THINGS)
    )
    words = [predicate, *predicate.conjuncts, *modifiers]
    return any(word.lower_ in UNTRUE_PREDICATES or word.lemma_.lower() in UNTRUE_PREDICATES for word in words)


def _about_statement(
    head: Token,
    words: str,
    nouns: frozenset[str] = STATEMENT_NOUNS,
    pronoun: bool = True,
    leave_out: Token | None = None,
) -> Rebuttal | None:
    """The rebuttal of the noun phrase `head` if it names a specific statement (one of `nouns`: "the charges",
    "Trump's tweets", "that comment") or is a demonstrative ("this", "that", where `pronoun`); else None
    ("Republican claims" in general). `leave_out`: a dependent of the noun that is not part of the statement
    (the "as …" of "dismissed the reports as false")."""
    if head.pos_ == "PRON":
        # "That is false", but not "This is the lie that …", which says itself what it calls a lie, nor "That is
        # wrong" of a deed.
        demonstrative = head.lower_ in {"this", "that"} and not any(
            t.dep_ in CLAUSES for t in head.head.subtree if t.i > head.head.i
        )
        of_truth = not set(words.lower().split()) & CONDUCT_OR_QUALITY
        found = pronoun and demonstrative and of_truth
        return Rebuttal(statement=head.text, owner="", topic="", words=words) if found else None
    if head.lemma_.lower() not in nouns:
        return None
    # Its determiners and possessor, the parser attaching some to a modifier ("the" of "the fraud claims").
    before = [t for t in head.subtree if t.i < head.i and t.dep_ in {"det", "poss"} and t.head.i <= head.i]
    possessors = [t for t in before if t.dep_ == "poss" and t.pos_ != "PRON"]
    specific = possessors or any(t.lower_ in SPECIFIC_DETERMINERS for t in before)
    if not specific:
        return None
    owner = _phrase(possessors[0]) if possessors else ""
    left_out = set() if leave_out is None or leave_out.head != head else {t.i for t in leave_out.subtree}
    return Rebuttal(statement=_phrase(head, left_out), owner=owner, topic=_described(head, left_out), words=words)


def _phrase(token: Token, left_out: set[int] | frozenset[int] = frozenset()) -> str:
    """A token's subtree as written, but for the tokens `left_out` (its possessive ending left off), without
    quotation marks around it."""
    kept = [t for t in token.subtree if t.i not in left_out]
    text = "".join(t.text_with_ws for t in kept).strip()
    return POSSESSIVE.sub("", text).strip(QUOTES)


def _described(head: Token, left_out: set[int] | frozenset[int] = frozenset()) -> str:
    """The words of a statement noun's phrase that say what the statement is, its determiners and possessor left
    out ("tweets accusing Alicia Machado of …" of "Trump's early-morning tweets accusing …"); "" where nothing
    but a modifier describes it ("the charges", "the latest reports", "the AP report"): such a phrase refers back
    to a statement rather than describing it."""
    if not any(child.dep_ in DESCRIBING and child.i not in left_out for child in head.children):
        return ""
    determiners = {t.i for child in head.children if child.dep_ in {"det", "poss"} for t in child.subtree}
    return _phrase(head, determiners | left_out)


@dataclass(frozen=True)
class RebuttalPair:
    """A claim (`rebutting`, an index into the claims checked) that calls the claim `target` untrue."""

    rebutting: int
    target: int
    rebuttal: Rebuttal


def may_rebut(text: str) -> bool:
    """Whether a claim has a word a rebuttal needs (only those claims are parsed)."""
    return REBUTTAL_HINT.search(text) is not None


def rebuttal_targets(claims: Sequence[Claim], embeddings: np.ndarray, embed: Embed) -> list[RebuttalPair]:
    """Each rebutting claim paired with the claim it targets, where one is found; `embeddings` are the claims'
    unit vectors, in order, and `embed` embeds what a rebuttal describes alike.

    The target is never a piece of the rebuttal, nor another rebuttal, nor a claim of the rebuttal's own source
    (the reporter's narration may rebut anyone's). Where the rebuttal names whose statement it is, only that
    source's claims can be targets. Of those, a rebuttal that describes the statement targets the claim nearest
    in meaning to the description (at `MIN_TOPIC_SIMILARITY` or more); a bare one targets the nearest claim
    starting before it, within `MAX_BACK_REFERENCE` characters."""
    hinted = [index for index, claim in enumerate(claims) if may_rebut(claim.text)]
    found = zip(hinted, map(rebuttal, pipeline().pipe(claims[index].text for index in hinted)))
    rebuttals = [(index, found_here) for index, found_here in found if found_here is not None]
    rebutting = {index for index, _ in rebuttals}
    topics = [found_here.topic for _, found_here in rebuttals if found_here.topic]
    topic_vectors = iter(embed(topics)) if topics else iter(())
    pairs = []
    for index, found_here in rebuttals:
        claim = claims[index]
        candidates = [
            other
            for other in range(len(claims))
            if other not in rebutting  # a rebuttal targets a statement, not another rebuttal of it
            and not shared_characters(claim.spans, claims[other].spans)
            and (claim.source.kind == "author" or not same_speaker(claim.source, claims[other].source))
        ]
        owner = found_here.owner
        owned = {other for other, each in enumerate(claims) if owner and _is_owner(owner, each.source)}
        # An owner that no source of the article is named after ("the president's claims" where the source is
        # "the White House") leaves the choice to meaning.
        if owned:
            candidates = [other for other in candidates if other in owned]
        if found_here.topic:
            vector = next(topic_vectors)
            if candidates:
                similarities = embeddings[candidates] @ vector
                best = int(np.argmax(similarities))
                if similarities[best] >= MIN_TOPIC_SIMILARITY:
                    pairs.append(RebuttalPair(index, candidates[best], found_here))
            continue
        before = [other for other in candidates if 0 < claim.start - claims[other].start <= MAX_BACK_REFERENCE]
        if before:
            pairs.append(RebuttalPair(index, max(before, key=lambda other: claims[other].start), found_here))
    return pairs


def _is_owner(owner: str, source: Source) -> bool:
    """Whether `source` is the one a rebuttal names as its statement's owner: the same speaker by name
    ("Trump" / "Donald Trump"), or a role the owner names ("the president" / role "president")."""
    # The owner as a source of the candidate's kind, so that a person's surname matches their full name.
    named = Source(mention=owner, name=owner, role=None, kind=source.kind)
    words = owner.casefold().removeprefix("the ").strip()
    return same_speaker(named, source) or bool(source.role and source.role.casefold() == words)
