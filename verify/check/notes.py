"""What the rules beside the NLI model say of a pair of claims, as typed notes.

Time and period notes read the claims' words and their statement units; the knowledge and
place notes read the claims' dependency parses (`knowledge`, `place_state`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from verify.check.gate import content_words
from verify.check.knowledge import is_about_knowledge, reports_no_knowledge
from verify.check.place_state import conflicting_place
from verify.check.quantities import conflicting_quantity, describe
from verify.datamodel import Claim, Note, NoteKind

# Words that report a change of state: a later claim with one of these updates an earlier one.
CHANGE_WORDS = frozenset(
    """
restored resumed reopened recovered returned lifted ended eased reversed back again later since subsequently
""".split()
)
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


@dataclass(frozen=True)
class RuleNotes:
    """What the rules say of one pair; None where a rule does not apply."""

    different_times: Note | None = None  # `time_note`: the pair cannot contradict
    not_knowing: Note | None = None  # `knowledge_note`: the pair neither contradicts nor corroborates
    conflict: Note | None = None  # `place_note`: a contradiction where the model leans to one
    numbers: Note | None = None  # `number_note`: a contradiction whatever the model says


def times_mentioned(text: str) -> set[str]:
    return {" ".join(match.lower().split()) for match in TIME_PATTERN.findall(text)}


def periods_named(text: str) -> set[str]:
    return {" ".join(match.lower().split()) for match in PERIOD_PATTERN.findall(text)}


def is_temporal_update(first: Claim, second: Claim, first_context: str, second_context: str) -> bool:
    """Two claims about different moments where one reports a change ("restored by early Thursday").

    A change word is required; the moments differ when a claim names its own time or the
    sentences around the two claims name different times.
    """
    changes = (content_words(first.text) | content_words(second.text)) & CHANGE_WORDS
    own_time = times_mentioned(first.text) or times_mentioned(second.text)
    return bool(changes) and bool(own_time or times_mentioned(first_context) != times_mentioned(second_context))


def time_note(first: Claim, second: Claim, first_context: str, second_context: str) -> Note | None:
    """Why the two claims are about different times (None when nothing says so): a change over
    time, or different reference periods named ("turnout was 41 percent" / "turnout in the last
    general election was 48 percent"). The contexts are the claims' statement units."""
    if is_temporal_update(first, second, first_context, second_context):
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


def number_note(first: Doc, second: Doc) -> Note | None:
    """Incompatible figures for the same measured thing ("three of our crew died" / "nobody was killed")."""
    pair = conflicting_quantity(first, second)
    return Note(NoteKind.number_conflict, describe(pair)) if pair else None


def parse_notes(first: Doc, second: Doc, different_times: Note | None = None) -> RuleNotes:
    """The rule notes of a pair from its claims' parses (and `time_note`'s verdict)."""
    return RuleNotes(
        different_times, knowledge_note(first, second), place_note(first, second), number_note(first, second)
    )
