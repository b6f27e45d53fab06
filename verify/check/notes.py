"""What the rules beside the NLI model say of a pair of claims, as typed notes.

Time and period notes read the claims' words and their statement units; the knowledge and
place notes read the claims' dependency parses (`knowledge`, `place_state`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from verify.check.gate import content_words
from verify.check.knowledge import is_about_knowledge, reports_no_knowledge
from verify.check.lexicon import (
    CHANGE_WORDS,
    FIRST_PERSON_SUBJECTS,
    NAME_ENDINGS,
    PLACE_PREPOSITIONS,
    THIRD_PERSON_SUBJECTS,
)
from verify.check.place_state import conflicting_place
from verify.check.quantities import conflicting_quantity, describe, may_state_quantities
from verify.datamodel import Claim, Note, NoteKind

TIME_PATTERN = re.compile(
    r"\b(?:(?:early|late|by|on|since|until)\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"yesterday|today|tonight|morning|afternoon|evening|overnight|\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.))\b",
    re.IGNORECASE,
)
# A past reference period named in a claim ("in the last general election", "a year earlier",
# "in 2019"): a figure for it does not contradict a figure for another period.
PERIOD_PATTERN = re.compile(
    r"\b(?:last|previous|prior|preceding)\s+(?:(?:general|presidential|parliamentary|local|national)\s+)?"
    r"(?:year|election|month|week|quarter|season|vote|census|decade)s?\b"
    r"|\b(?:a|one|two|three|four|five|\d+)\s+(?:years?|months?|weeks?|decades?)\s+(?:ago|earlier|before)\b"
    r"|\b(?:in|since|of)\s+(?:19|20)\d{2}\b",
    re.IGNORECASE,
)


# Named places and groups ("in Almaty", "Kurdish fighters"): two claims naming only different ones are about
# different things.
PLACES, GROUPS = frozenset({"GPE", "LOC", "FAC"}), frozenset({"NORP"})
POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True)
class RuleNotes:
    """What the rules say of one pair; None where a rule does not apply."""

    different_times: Note | None = None  # `time_note`: the pair cannot contradict
    not_knowing: Note | None = None  # `knowledge_note`: the pair neither contradicts nor corroborates
    conflict: Note | None = None  # `place_note`: a contradiction where the model leans to one
    numbers: Note | None = None  # `number_note`: a contradiction whatever the model says
    elsewhere: Note | None = None  # `places_note`: the pair cannot contradict
    referents: Note | None = None  # `referents_note`, across articles: neither contradiction nor corroboration
    repeated: Note | None = None  # `repeated_note`: the pair neither contradicts nor corroborates
    fragment: Note | None = None  # `fragment_note`: the pair neither contradicts nor corroborates
    rebuttal: Note | None = None  # `rebuttal.rebuttal_targets`: a contradiction whatever the model says


def times_mentioned(text: str) -> set[str]:
    return {" ".join(match.lower().split()) for match in TIME_PATTERN.findall(text)}


def periods_named(text: str) -> set[str]:
    return {" ".join(match.lower().split()) for match in PERIOD_PATTERN.findall(text)}


def is_temporal_update(
    first: Claim, second: Claim, first_context: str, second_context: str, different_dates: bool = False
) -> bool:
    """Two claims about different moments where one reports a change ("restored by early Thursday").

    A change word is required; the moments differ when a claim names its own time, the sentences
    around the two claims name different times, or the claims come from articles of different dates.
    Between such articles, two claims that both state figures are an update too: a count or a poll
    moves from one day to the next ("two dead" on Monday, "five dead" on Tuesday).
    """
    changes = (content_words(first.text) | content_words(second.text)) & CHANGE_WORDS
    if different_dates:
        return bool(changes) or (may_state_quantities(first.text) and may_state_quantities(second.text))
    own_time = times_mentioned(first.text) or times_mentioned(second.text)
    return bool(changes) and bool(own_time or times_mentioned(first_context) != times_mentioned(second_context))


def time_note(
    first: Claim, second: Claim, first_context: str, second_context: str, different_dates: bool = False
) -> Note | None:
    """Why the two claims are about different times (None when nothing says so): a change over
    time, or different reference periods named ("turnout was 41 percent" / "turnout in the last
    general election was 48 percent"). The contexts are the claims' statement units;
    `different_dates`: the claims come from articles published on different dates."""
    if is_temporal_update(first, second, first_context, second_context, different_dates):
        return Note(NoteKind.change_over_time)
    if periods_named(first.text) != periods_named(second.text):
        return Note(NoteKind.different_periods)
    return None


def knowledge_note(first: Doc, second: Doc) -> Note | None:
    """Where one claim only says its subject does not know ("had not been informed of any plan")
    and the other is not about knowing."""
    for one, other in ((first, second), (second, first)):
        if reports_no_knowledge(one) and not is_about_knowledge(other):
            return Note(NoteKind.not_informed)
    return None


def place_note(first: Doc, second: Doc) -> Note | None:
    """A place one claim disrupts and the other says works normally; None where none does, or
    where the claims name different times ("stormed on Wednesday", "open again on Friday")."""
    first_times, second_times = times_mentioned(first.text), times_mentioned(second.text)
    if first_times and second_times and first_times != second_times:
        return None
    place = conflicting_place(first, second)
    return Note(NoteKind.place_conflict, place) if place else None


def number_note(first: Doc, second: Doc, estimates: tuple[str, str] = ("", "")) -> Note | None:
    """Incompatible figures for the same measured thing ("three of our crew died" / "nobody was killed"), from the
    same estimate where the claims' sources are polls (`estimates`, `quantities.source_estimate`)."""
    pair = conflicting_quantity(first, second, estimates)
    return Note(NoteKind.number_conflict, describe(pair)) if pair else None


def entity_names(entities: Iterable[Span]) -> dict[str, str]:
    """Named entities without "the" and a possessive "'s": case-folded, to compare, and as written."""
    found: dict[str, str] = {}
    for entity in entities:
        name = POSSESSIVE.sub("", entity.text.removeprefix("the ").removeprefix("The "))
        found.setdefault(name.casefold(), name)
    return found


SHORTEST_STEM = 4  # "Iran" stays "iran", not "ir"


def folded_name(name: str) -> str:
    """One key for the forms of a place's or group's name."""
    words = []
    for word in name.casefold().split():
        ending = next((e for e in NAME_ENDINGS if word.endswith(e) and len(word) - len(e) >= SHORTEST_STEM), "")
        words.append(word.removesuffix(ending) if ending else word)
    return " ".join(words)


def places_and_groups(doc: Doc) -> dict[tuple[str, str], str]:
    """The groups a claim names ("Kurdish fighters") and the places it locates something in ("in Almaty", "at
    Cedar Flats"), as {(kind, folded name): name}, kind "place" or "group"; other names the small tagger calls
    places ("Corvan 220 jets") are left out."""
    found: dict[tuple[str, str], str] = {}
    for entity in doc.ents:
        if entity.label_ in GROUPS:
            kind = "group"
        elif entity.label_ in PLACES and entity.root.dep_ == "pobj" and entity.root.head.lower_ in PLACE_PREPOSITIONS:
            kind = "place"
        else:
            continue
        for key, name in entity_names([entity]).items():
            found.setdefault((kind, folded_name(key)), name)
    return found


def places_note(first: Doc, second: Doc) -> Note | None:
    """Claims about different places or groups ("police fired on protesters in Almaty" / "police did not
    fire on protesters in Astana"): both name places, or both name groups, and they have none in common (a
    claim naming only a place and one naming only a group get no note: "in Benghazi" / "four Americans")."""
    ones, others = places_and_groups(first), places_and_groups(second)
    compared = {kind for kind, _ in ones} & {kind for kind, _ in others}
    if not compared or ones.keys() & others.keys():
        return None
    names = [sorted(name for (kind, _), name in found.items() if kind in compared) for found in (ones, others)]
    return Note(NoteKind.different_places, " / ".join(", ".join(side) for side in names))


CLAUSAL_COMPLEMENTS = frozenset({"ccomp", "xcomp", "csubj"})  # "it is clear that ...": "it" is the clause's
CONTENT_TAGS = frozenset({"NOUN", "PROPN", "PRON", "VERB", "AUX", "ADJ", "NUM"})


def pronoun_subject(doc: Doc) -> str | None:
    """The subject of the claim's main verb when it is a personal pronoun, lower-cased ("he" of "he would never
    vote for her"); None for any other subject, and for an "it" that stands for a clause ("it is clear that
    the plant will close")."""
    if not len(doc):
        return None
    root = next(iter(doc.sents)).root
    subject = next((child for child in root.children if child.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.pos_ != "PRON":
        return None
    if subject.lower_ == "it" and any(child.dep_ in CLAUSAL_COMPLEMENTS for child in root.children):
        return None
    return subject.lower_


def unresolved_reference(doc: Doc) -> str | None:
    """What of the claim only its own article resolves: a third-person pronoun subject ("they were arrested"),
    or the whole claim when it has no content word (an answer: "Yes", "Absolutely not"). The "it" of the
    weather ("it is raining") counts too, a known miss."""
    subject = pronoun_subject(doc)
    if subject in THIRD_PERSON_SUBJECTS:
        return subject
    if not any(token.pos_ in CONTENT_TAGS for token in doc):
        return doc.text
    return None


def referents_note(first: Doc, second: Doc, same_source: bool) -> Note | None:
    """Claims of two articles that cannot be known to be about the same thing: either refers into its own
    article ("he will vote for Clinton" / "he would never vote for Clinton", from articles about two men;
    "It worked" / "It didn't work"; "Yes" / "No"), or both are said by their speakers of themselves and the
    speakers differ ("I will win" / "I will not win")."""
    unresolved = unresolved_reference(first), unresolved_reference(second)
    if any(unresolved):
        return Note(NoteKind.unresolved_reference, " / ".join(f"'{part or '-'}'" for part in unresolved))
    subjects = pronoun_subject(first), pronoun_subject(second)
    if not same_source and all(subject in FIRST_PERSON_SUBJECTS for subject in subjects):
        return Note(
            NoteKind.different_speakers, " / ".join("'I'" if subject == "i" else "'we'" for subject in subjects)
        )
    return None


def repeated_note(first: Doc, second: Doc) -> Note | None:
    """One statement twice, but for punctuation, case or spacing: a quotation two outlets carry, or one article
    quoting a line again. Whatever the model makes of it, a statement neither contradicts nor backs itself."""
    words = [[token.lower_ for token in doc if not (token.is_punct or token.is_space)] for doc in (first, second)]
    return Note(NoteKind.repeated_statement) if words[0] and words[0] == words[1] else None


PREDICATE_TAGS = frozenset({"VERB", "AUX"})
NAMING_TAGS = frozenset({"NOUN", "PROPN", "NUM"})
MIN_STATEMENT_WORDS = 3


def fragment_note(first: Doc, second: Doc) -> Note | None:
    """Where a claim states nothing to check: it has no verb ("her 2016 presidential bid", "the intrusions",
    a list's lead-in), or is a word or two naming nothing ("It goes", "Shifting"; "Prices rose" names prices).
    Such a claim is shown, never a finding."""
    for doc in (first, second):
        words = [token for token in doc if not (token.is_punct or token.is_space)]
        names_nothing = len(words) < MIN_STATEMENT_WORDS and not any(token.pos_ in NAMING_TAGS for token in words)
        if names_nothing or not any(token.pos_ in PREDICATE_TAGS for token in words):
            return Note(NoteKind.fragment, doc.text.strip())
    return None


def parse_notes(
    first: Doc,
    second: Doc,
    different_times: Note | None = None,
    across_articles: bool = False,
    same_source: bool = False,
    estimates: tuple[str, str] = ("", ""),
    rebuttal: Note | None = None,
    narrated: bool = False,
) -> RuleNotes:
    """The rule notes of a pair from its claims' parses (and `time_note`'s verdict, and the rebuttal rule's, which
    reads the whole article: `verify.check.rebuttal`); `referents_note` only for claims of different articles,
    `repeated_note` for those, for one source's claims (`same_source`) and where one claim is the reporter's
    narration (`narrated`); `estimates`: the claims' sources where they are polls (`number_note`)."""
    return RuleNotes(
        different_times,
        knowledge_note(first, second),
        place_note(first, second),
        number_note(first, second, estimates),
        places_note(first, second),
        referents_note(first, second, same_source) if across_articles else None,
        # In one article the same words from two sources are two sources saying it ("police said X", "the
        # ministry said X"); from one source, across articles, or in the reporter's narration (a quotation set
        # apart from its speaker: a pull quote, a block quote signed on its last line), one statement twice.
        repeated_note(first, second) if across_articles or same_source or narrated else None,
        fragment_note(first, second),
        rebuttal,
    )
