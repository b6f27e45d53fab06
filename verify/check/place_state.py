"""Opposite states of one place: "rebels seized the port" against "the port is operating normally".

Competing claims of control are the typical contradiction of conflict reporting, and they hold
no word in common that a small NLI model could oppose: it scores "they had also taken five planes
at Almaty's airport" against "the airport was operating smoothly" as 0.3 contradiction. A
dependency parse finds the place each claim is about and whether the claim disrupts it (seized,
stormed, occupied, closed ...) or says it works normally (operating smoothly, open, running as
usual); a place disrupted in one claim and working normally in the other is a conflict.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from verify.check.lexicon import (
    DISRUPTING_VERBS,
    LIGHT_OBJECTS_OF_TAKE,
    NORMALLY,
    PLACE_PREPOSITIONS,
    WORKING_ADJECTIVES,
    WORKING_VERBS,
)
from verify.check.negation import is_negated

DISRUPTED, WORKING = "disrupted", "working normally"


def _not_actual(verb: Token) -> bool:
    """Negated, modal or an infinitive ("did not seize", "will close", "plans to shut"): not a state now."""
    return is_negated(verb) or any(
        child.dep_ in {"aux", "auxpass"} and child.tag_ in {"MD", "TO"} for child in verb.children
    )


def _nouns(tokens: list[Token]) -> set[str]:
    """The nouns among `tokens` (common nouns as lower-case lemmas, names as written), leaving out
    times ("on Wednesday") and people."""
    return {
        token.lemma_.lower() if token.pos_ == "NOUN" else token.text
        for token in tokens
        if token.pos_ in {"NOUN", "PROPN"} and token.ent_type_ not in {"DATE", "TIME", "PERSON"}
    }


def _located(token: Token) -> list[Token]:
    """What a word is located at: the objects of its "at / in / on" phrases."""
    return [
        place
        for prep in token.children
        if prep.dep_ == "prep" and prep.lower_ in PLACE_PREPOSITIONS
        for place in prep.children
        if place.dep_ == "pobj"
    ]


def _subjects(verb: Token) -> list[Token]:
    """The verb's subjects; a conjoined verb without its own ("was cleared and was operating")
    shares its head's."""
    own = [child for child in verb.children if child.dep_ in {"nsubj", "nsubjpass"}]
    if own or verb.dep_ != "conj":
        return own
    return _subjects(verb.head)


def _disrupted_places(verb: Token) -> set[str]:
    objects = [child for child in verb.children if child.dep_ in {"dobj", "nsubjpass"}]
    objects += [conjoined for obj in objects for conjoined in obj.conjuncts]
    if verb.lemma_ == "take" and (
        any(obj.lemma_ in LIGHT_OBJECTS_OF_TAKE for obj in objects)
        or any(child.dep_ == "prt" and child.lower_ != "over" for child in verb.children)
    ):
        return set()
    return _nouns(objects + _located(verb) + [place for obj in objects for place in _located(obj)])


def _works_normally(word: Token) -> bool:
    if word.lemma_ in WORKING_VERBS:
        manner = [child for child in word.children if child.dep_ == "advmod"]
        as_usual = [
            grandchild
            for child in word.children
            if child.dep_ == "prep" and child.lower_ == "as"
            for grandchild in child.children
        ]
        return any(token.lemma_.lower() in NORMALLY for token in manner + as_usual)
    # "open to more debates" is willingness, not a working place
    return word.lemma_ == "be" and any(
        child.dep_ == "acomp"
        and child.lemma_ in WORKING_ADJECTIVES
        and not any(prep.lower_ == "to" for prep in child.children)
        for child in word.children
    )


def _working_places(word: Token) -> set[str]:
    subjects = _subjects(word)
    return _nouns(subjects + [place for subject in subjects for place in _located(subject)])


def place_states(doc: Doc) -> dict[str, set[str]]:
    """Each place noun the text disrupts or says works normally, with those states."""
    states: dict[str, set[str]] = {}
    for word in doc:
        if word.pos_ not in {"VERB", "AUX"} or _not_actual(word):
            continue
        if word.lemma_ in DISRUPTING_VERBS:
            places = _disrupted_places(word)
            state = DISRUPTED
        elif _works_normally(word):
            places = _working_places(word)
            state = WORKING
        else:
            continue
        for place in places:
            states.setdefault(place, set()).add(state)
    return states


def conflicting_place(first: Doc, second: Doc) -> str | None:
    """A place one text disrupts and the other says works normally, or None; a common noun ("port")
    before a name ("Hodeidah"), then alphabetically."""
    first_states, second_states = place_states(first), place_states(second)
    for place in sorted(first_states.keys() & second_states.keys(), key=lambda name: (name[:1].isupper(), name)):
        ours, theirs = first_states[place], second_states[place]
        if (DISRUPTED in ours and WORKING in theirs) or (WORKING in ours and DISRUPTED in theirs):
            return place
    return None
