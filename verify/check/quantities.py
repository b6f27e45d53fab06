"""Numbers compared as numbers: two claims giving incompatible values for the same measured thing.

Small NLI models read figures as words: "attendance reached 70 percent" → "the real attendance
was around 45 percent" scores as entailment, "three of our crew died" against "nobody was
killed" as unrelated. This module reads each claim's quantities off the dependency parse:

- the value as an interval: exact figures ("312", "four", "1.2 million"), approximations ("about
  40" ±15%, "nearly 50"), bounds ("more than 300", "at least", "fewer than", "up to"), vague
  amounts ("dozens", "hundreds", "several"), proportions ("half", "a third", "three in four",
  "a majority", "fewer than half") and zero ("no one", "nobody", "none", "no deaths");
- the unit: a count, a percentage, or an amount of money;
- what is measured: the counted noun's class (people, or the noun itself), the event it is
  counted for (deaths, injuries, arrests, or the governing verb: a count of people with no event,
  "there were 56 passengers", is a description, not a figure to oppose), the subject a
  percentage or an amount belongs to ("turnout was 62 percent", "70 percent of members"; not a
  pronoun, whose referent is unknown here), and its qualifiers: where ("in the north wing"), for
  or of whom ("votes for Trump"), the verb's object ("favoured Cruz") and what the counted things
  are rated or found to be ("rated as mostly true"); and who does the counted event, where that is not the
  counted thing and not a death, an injury or the like, or whose an amount is ("Trump has won 100 delegates" /
  "Clinton has won 334", "the Grand Hotel was paid $29,715" / "the Plaza Hotel … $35,845": no conflict);
- the estimate it is read from, if any: a poll, survey or average ("the Real Clear Politics
  average shows ..."), whose figures differ from another's without either being wrong.

Numbers that are not figures are left out: "one" as a pronoun ("the only one", "this one"),
numbers inside a modifier ("a two-man race", "a 10-year sentence"), numbers that name ("House Bill 1523",
"Flight 804"), years.

Two quantities conflict when unit, measured thing, event, place, doer and estimate agree and the intervals
do not overlap. Approximations that overlap ("about 40" / "42", "more than 300" / "312"), different
events ("800 joined" / "250 were arrested"), places or objects ("in the north wing" / "in the south
wing", "23 percent favoured Cruz" / "42 percent favoured Sanders"),
a part against a whole ("12 of the dead were children" / "30 died": different events) and
negated or hypothetical counts do not. Different periods are the time notes' business.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from verify.check.lexicon import (
    APPROXIMATORS,
    BELOW_APPROXIMATORS,
    CURRENCY_WORDS,
    ESTIMATES,
    EVENT_CLASSES,
    FRACTIONS,
    HYPOTHETICAL,
    LOWER_BOUNDS,
    MAJORITY_WORDS,
    MULTIPLIERS,
    NO_EVENT,
    OPINION_VERBS,
    PERCENT_WORDS,
    PERSON_NOUNS,
    PROSPECT_WORDS,
    QUALIFYING_PREPOSITIONS,
    SMALL_NUMBERS,
    TARGET_NOUNS,
    UPPER_BOUNDS,
    VAGUE_AMOUNTS,
    VALUE_VERBS,
    ZERO_WORDS,
)
from verify.check.negation import is_negated
from verify.runtime.nlp import phrase_text

APPROXIMATE = 0.15  # relative half-width of "about N"
# Figures are read in single statements; a long quotation holds too many numbers about too many things.
MAX_CLAIM_TOKENS = 60
MODIFIER_DEPENDENCIES = frozenset("compound amod nmod npadvmod".split())
PREDICATIVE = frozenset({"acomp", "attr", "oprd"})  # "were dead", "were missing"


@dataclass(frozen=True)
class Doer:
    """Who does a counted event or holds an amount ("Donald Trump has won 100 delegates"): the head words of the
    subject and its conjuncts ("trump"; "trump", "cruz") and the words that narrow them ("donald"; "syrian" of "the
    Syrian army")."""

    heads: frozenset[str]
    modifiers: frozenset[str]

    def agrees(self, other: Doer) -> bool:
        """The same doer, as far as the words tell: the same heads, one's modifiers among the other's ("Trump" and
        "Donald Trump", "the army" and "the Syrian army"; not "the Syrian army" and "the Turkish army")."""
        return self.heads == other.heads and (self.modifiers <= other.modifiers or other.modifiers <= self.modifiers)


@dataclass(frozen=True)
class Quantity:
    low: float
    high: float
    unit: str  # "count", "percent" or "money"
    measure: str  # "person", a noun lemma, or the subject a percentage belongs to; "" when unknown
    event: str  # "death", "injury", ..., a verb lemma, or "" for a stated value
    qualifiers: frozenset[str]  # places, "for/of/among X", the verb's object and its complement ("rated false")
    estimate: str  # the poll, survey or average whose figure it is ("real clear politics average"), or ""
    doer: Doer | None  # who does the counted event, or pays, earns, is paid …, where that is not what is counted
    text: str

    def key(self) -> tuple[str, str, str]:
        return self.unit, self.measure, self.event

    def overlaps(self, other: Quantity) -> bool:
        return self.low <= other.high and other.low <= self.high


def _number(text: str) -> float | None:
    """The value a number token writes, its sign kept ("-5", "−12.5")."""
    cleaned = text.lower().replace(",", "").replace("\u2212", "-")
    if re.fullmatch(r"[-+]?\d+(\.\d+)?", cleaned):
        return float(cleaned)
    if cleaned in SMALL_NUMBERS:
        return float(SMALL_NUMBERS[cleaned])
    return None


def _value(token: Token) -> tuple[float, float] | None:
    """The number a token states, with a multiplier after it ("1.2 million", "5 million", "two dozen")."""
    value = _number(token.text)
    if value is None:
        return None
    doc = token.doc
    if _signed_negative(token):
        value = -value
    if token.i + 2 < len(doc) and doc[token.i + 1].text == "-" and (units := _number(doc[token.i + 2].text)):
        value += units  # "forty-three"
    for following in token.doc[token.i + 1 : token.i + 3]:
        multiplier = MULTIPLIERS.get(following.lower_)
        if multiplier is None:
            break
        value *= multiplier
    return value, value


def _signed_negative(token: Token) -> bool:
    """A minus written before the figure: "-5" or "−5" (a sign the tokenizer splits off, `verify.runtime.nlp`), or
    "minus 5"; not the dash of a range ("3-5") or of a compound."""
    if token.i == 0:
        return False
    before = token.doc[token.i - 1]
    if before.lower_ == "minus":
        return True
    attached = before.text in {"-", "\u2212"} and not before.whitespace_
    if not attached or before.i == 0:
        return attached
    earlier = before.doc[before.i - 1]
    return not (earlier.like_num and not earlier.whitespace_)  # "3-5" is a range; "(-2", "to -5" are signs


def _words_before(token: Token, count: int) -> tuple[str, ...]:
    start = max(token.i - count, token.sent.start)
    return tuple(word.lower_ for word in token.doc[start : token.i])


def _bounded(token: Token, low: float, high: float) -> tuple[float, float]:
    """Apply "more than", "up to", "about", "nearly" … written before the number."""
    for phrases, is_lower in ((LOWER_BOUNDS, True), (UPPER_BOUNDS, False)):
        for phrase in phrases:
            if _words_before(token, len(phrase)) == phrase or _words_before(token, len(phrase) + 1)[:-1] == phrase:
                # "more than 90 percent" and "90 percent" are said of the same figure: bounds are inclusive.
                return (low, math.inf) if is_lower else (0.0, high)
    previous = _words_before(token, 2)
    if any(word in APPROXIMATORS for word in previous):
        if any(word in BELOW_APPROXIMATORS for word in previous):
            return low * (1 - APPROXIMATE), high
        return low * (1 - APPROXIMATE), high * (1 + APPROXIMATE)
    return low, high


def _anchor(token: Token) -> Token:
    """The noun a number belongs to: its head for "800 drivers", itself for "Three of our crew"."""
    while token.dep_ in {"compound", "quantmod", "amod", "advmod"} and token.head.i != token.i:
        token = token.head
    return token.head if token.dep_ == "nummod" else token


def _partitive_noun(anchor: Token) -> Token | None:
    """X in "three of X", "half of X", "70 percent of X", "dozens of X"."""
    for prep in anchor.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            return next((child for child in prep.children if child.dep_ == "pobj"), None)
    return None


def _noun_class(noun: Token | None) -> str:
    if noun is None or noun.pos_ == "PRON" and noun.lower_ not in {"nobody", "one"}:
        return ""
    lemma = noun.lemma_.lower()
    if lemma in PERSON_NOUNS or noun.lower_ in PERSON_NOUNS or noun.lower_ in {"nobody", "one", "anyone"}:
        return "person"
    return lemma


def _event_class(word: str) -> str:
    for name, words in EVENT_CLASSES.items():
        if word in words:
            return name
    return word


def _governing_verb(anchor: Token) -> Token | None:
    """The verb (or predicative adjective) the quantity's phrase is an argument of."""
    token = anchor
    while token.dep_ in {"pobj", "prep", "appos", "conj"} and token.head.i != token.i:
        token = token.head
    head = token.head
    return head if head.pos_ in {"VERB", "AUX", "ADJ"} else None


def _qualifiers(verb: Token | None, anchor: Token, partitive: Token | None) -> frozenset[str]:
    """What narrows the measured thing: objects of "in / at / for / among …" on the verb or the
    counted noun (dates and times left out), the verb's object when it is not the counted noun, and what the
    verb rates or finds the counted things to be ("rated as false", "found guilty")."""
    qualifiers: set[str] = set()
    if partitive is not None:  # "of Republican claims" / "of Democratic claims"
        qualifiers.update(child.lower_ for child in partitive.children if child.dep_ in {"amod", "compound", "poss"})
    for owner in (verb, anchor):
        if owner is None:
            continue
        for child in owner.children:
            if child.dep_ == "prep" and child.lower_ in QUALIFYING_PREPOSITIONS:
                qualifiers.update(
                    _phrase(target)
                    for target in child.children
                    if target.dep_ == "pobj"
                    and (partitive is None or target.i != partitive.i)
                    and target.ent_type_ not in {"DATE", "TIME"}
                )
            elif owner is verb and (
                child.dep_ == "dobj"
                and child.i != anchor.i
                or child.dep_ in {"advcl", "xcomp"}
                # what the counted things are rated or found to be ("rated as mostly true" / "... false")
                or (child.dep_ == "oprd" or child.dep_ == "prep" and child.lower_ == "as")
                and anchor not in child.subtree
                and _event_class(child.lemma_.lower()) not in EVENT_CLASSES
            ):
                qualifiers.add(_phrase(child))
    return frozenset(qualifiers)


def _estimate(verb: Token | None) -> str:
    """The poll, survey or average a figure is read from: the subject of its clause's verb or of the verb that
    clause completes ("the average of polls shows Clinton leading 47.3 percent to 44.4"), or "according to"
    one; "" for a figure stated as fact."""
    while verb is not None:
        sources = [child for child in verb.children if child.dep_ in {"nsubj", "nsubjpass"}]
        sources += [
            target
            for child in verb.children
            if child.dep_ == "prep" and child.lower_ == "according"
            for to in child.children
            for target in to.children
            if target.dep_ == "pobj"
        ]
        for source in sources:
            if source.lemma_.lower() in ESTIMATES:
                return _phrase(source)
        verb = verb.head if verb.dep_ in {"ccomp", "xcomp", "conj"} else None
    return ""


def _phrase(token: Token) -> str:
    return " ".join(word.lower_ for word in token.subtree if word.dep_ != "det" and not word.like_num)


def _subject(verb: Token) -> Token | None:
    return next((child for child in verb.children if child.dep_ in {"nsubj", "nsubjpass"}), None)


def _is_hypothetical(verb: Token | None) -> bool:
    """Negated, modal, an aim or a prospect ("likely to win 155 delegates"), a reported opinion, or under a goal: no
    figure to oppose."""
    if verb is None:
        return False
    under_target = verb.dep_ in {"pcomp", "acl", "xcomp"} and any(
        ancestor.lemma_.lower() in TARGET_NOUNS for ancestor in verb.ancestors
    )
    return (
        under_target
        or verb.lemma_.lower() in OPINION_VERBS
        or is_negated(verb)
        or any(child.dep_ == "aux" and child.lower_ in HYPOTHETICAL for child in verb.children)
        or _is_prospect(verb)
    )


def _is_prospect(verb: Token) -> bool:
    """An infinitive or gerund completing a word of aim or prospect (`PROSPECT_WORDS`): "likely to win 155
    delegates", "hopes to hire 500", "is assured of winning 334"; not "managed to win", "went on to win". A bare
    infinitive, whose governing word is the cue outside the claim ("[is pledging] to win hundreds of delegates"), is
    the aim of a pledge, a plan or a hope."""
    infinitive = any(child.dep_ == "aux" and child.lower_ == "to" for child in verb.children)
    if infinitive and verb.dep_ == "ROOT":
        return True
    if infinitive and verb.dep_ == "xcomp":
        word = verb.head
    elif verb.dep_ == "pcomp" and verb.head.lower_ == "of":
        word = verb.head.head
    else:
        return False
    return word.lemma_.lower() in PROSPECT_WORDS or word.lower_ in PROSPECT_WORDS


def _measured(anchor: Token, unit: str) -> tuple[str, str, Token | None]:
    """(measure, event, governing verb) of a quantity whose phrase is headed by `anchor`."""
    verb = _governing_verb(anchor)
    partitive = _partitive_noun(anchor)
    if unit == "count":
        noun = partitive if partitive is not None else anchor
        measure = _noun_class(noun)
        if noun.lemma_.lower() in {"number", "total", "toll", "count"}:
            measure = _noun_class(_partitive_noun(noun))
        event = _event_class(verb.lemma_.lower()) if verb is not None else ""
        counted_event = _event_class(noun.lemma_.lower())
        # "three deaths" are three people dead, whatever verb reports them; "12 of the dead" is a part of them
        if counted_event in EVENT_CLASSES and partitive is None:
            return "person", counted_event, verb
        if event in NO_EVENT and verb is not None:  # "three protesters were dead": the predicate says the event
            predicates = (_event_class(child.lemma_.lower()) for child in verb.children if child.dep_ in PREDICATIVE)
            event = next((predicate for predicate in predicates if predicate in EVENT_CLASSES), "")
        return measure, event, verb
    # A percentage or an amount: whose it is ("three in four residents": the residents).
    if (
        partitive is None
        and unit == "percent"
        and anchor.pos_ == "NOUN"
        and anchor.lower_ not in PERCENT_WORDS
        and anchor.lemma_.lower() not in FRACTIONS
    ):
        partitive = anchor
    if partitive is not None:
        return _noun_class(partitive), _event_class(verb.lemma_.lower()) if verb is not None else "", verb
    if verb is None:
        return "", "", None
    subject = _subject(verb)
    if verb.lemma_.lower() in VALUE_VERBS:
        return (_noun_class(subject) if subject is not None else ""), "", verb
    # An amount or share something does: "the company lost $5 million", "prices rose 4 percent";
    # without a subject ("spending $6 million attacking Clinton") whose it is stays unknown.
    return (_noun_class(subject) if subject is not None else ""), _event_class(verb.lemma_.lower()), verb


def _quantity(token: Token) -> Quantity | None:
    lower = token.lower_
    unit = "count"
    interval: tuple[float, float] | None = None
    if lower in ZERO_WORDS or (lower == "one" and token.i > 0 and token.doc[token.i - 1].lower_ == "no"):
        interval = (0.0, 0.0)
    elif lower == "one" and token.dep_ != "nummod" and _partitive_noun(token) is None:
        return None  # "the only one", "this one": a pronoun, not a figure
    elif lower == "no" and token.dep_ == "det":
        anchor = token.head
        if anchor.pos_ != "NOUN":
            return None
        interval, token = (0.0, 0.0), anchor
    elif lower in VAGUE_AMOUNTS:
        if any(
            word.lower_ in VAGUE_AMOUNTS or word.lower_ in MULTIPLIERS for word in token.doc[token.i + 1 : token.i + 3]
        ):
            return None  # "hundreds of thousands": a range the words do not pin down
        interval = (float(VAGUE_AMOUNTS[lower]), math.inf)
    elif token.lemma_.lower() in FRACTIONS and token.pos_ == "NOUN":
        value = FRACTIONS[token.lemma_.lower()]
        interval, unit = (value, value), "percent"
    elif lower in MAJORITY_WORDS and token.pos_ in {"NOUN", "ADJ"} and _partitive_noun(token) is not None:
        interval, unit = MAJORITY_WORDS[lower], "percent"
    else:
        interval = _value(token)
        if interval is None or _is_year(token):
            return None
        following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
        if following is not None and following.lower_ in PERCENT_WORDS:
            unit = "percent"
        elif following is not None and following.lower_ == "in" and token.i + 2 < len(token.doc):
            of = _number(token.doc[token.i + 2].text)  # "three in four"
            if of:
                interval, unit = (100 * interval[0] / of,) * 2, "percent"
        if any(word.lower_ in CURRENCY_WORDS for word in token.doc[max(token.i - 1, 0) : token.i + 4]):
            unit = "money"
        if token.ent_type_ in {"DATE", "TIME", "ORDINAL"} and unit == "count":
            return None
    if interval is None:
        return None
    if lower not in ZERO_WORDS and lower != "no":
        interval = _bounded(token, *interval)
    anchor = _anchor(token)
    if (
        unit == "money"
        and anchor.i != token.i
        and anchor.lower_ not in CURRENCY_WORDS
        and anchor.lower_ not in MULTIPLIERS
    ):
        return None  # "the $15 minimum wage": the amount names the thing, it does not measure it
    if anchor.i != token.i and anchor.dep_ in MODIFIER_DEPENDENCIES and anchor.head.pos_ in {"NOUN", "PROPN"}:
        return None  # "a two-man race", "a 10-year sentence": the number describes, it does not count
    if token.dep_ == "nummod" and token.head.i < token.i:
        return None  # "House Bill 1523", "Flight 804": a number after its noun names it, it does not count
    measure, event, verb = _measured(anchor, unit)
    if _is_hypothetical(verb) or not measure or (unit == "count" and not event):
        return None
    partitive = _partitive_noun(anchor)
    qualifiers = _qualifiers(verb, anchor, partitive)
    doer = _doer(verb, anchor, partitive, event)
    written = phrase_text((token.doc[token.i - 1], token)) if _signed_negative(token) else token.text
    return Quantity(interval[0], interval[1], unit, measure, event, qualifiers, _estimate(verb), doer, written)


def _doer(verb: Token | None, anchor: Token, partitive: Token | None, event: str) -> Doer | None:
    """Who does the counted event, or whose the amount or share is, where that is not the counted thing ("the Grand
    Hotel was paid $29,715" / "the Plaza Hotel was paid $35,845"): the subject of the verb (the object of "by" in a
    passive), of the verb a non-finite or coordinated one shares it with ("went on to win", "swept the South and
    won"), or the noun a relative clause describes ("Trump, who has won 100 delegates"). None where it is unknown: a
    count of the doers themselves ("300 strikers joined"), a pronoun, whose referent is not read here, or a death,
    injury, arrest ... (`EVENT_CLASSES`), whose counted people are the same whatever cause or force a claim names
    ("the earthquake killed 300" / "the quake killed more than 1,000")."""
    if event in EVENT_CLASSES:
        return None
    counted = {anchor.i} | ({partitive.i} if partitive is not None else set())
    host = verb
    while host is not None:
        subject = next((child for child in host.children if child.dep_ in {"nsubj", "nsubjpass", "expl"}), None)
        if subject is not None and subject.dep_ == "nsubjpass":
            by = [
                target
                for child in host.children
                if child.dep_ == "agent"
                for target in child.children
                if target.dep_ == "pobj"
            ]
            subject = by[0] if by else subject
        if subject is not None and subject.tag_ in {"WP", "WDT"} and host.dep_ == "relcl":
            subject = host.head  # "Trump, who has won …": the noun the clause describes
        if subject is not None:
            if subject.dep_ == "expl" or subject.pos_ == "PRON" or any(t.i in counted for t in subject.subtree):
                return None
            members = [subject, *subject.conjuncts]
            return Doer(
                frozenset(member.lower_ for member in members),
                frozenset(
                    child.lower_
                    for member in members
                    for child in member.children
                    if child.dep_ in {"compound", "amod", "poss", "nmod"}
                ),
            )
        if host.dep_ not in {"xcomp", "pcomp", "advcl", "prep", "acomp", "conj"}:
            return None
        host = host.head
    return None


def _is_year(token: Token) -> bool:
    return bool(re.fullmatch(r"(1[89]|20)\d\d", token.text))


QUANTITY_HINT = re.compile(
    r"\d|\b(?:"
    + "|".join(
        sorted(
            {
                *SMALL_NUMBERS,
                *VAGUE_AMOUNTS,
                *FRACTIONS,
                *MAJORITY_WORDS,
                *ZERO_WORDS,
                "no",
                "hundred",
                "thousand",
                "million",
                "billion",
                "percent",
            },
            key=len,
            reverse=True,
        )
    )
    + r")\b",
    re.IGNORECASE,
)


def may_state_quantities(text: str) -> bool:
    """A cheap test before parsing: does the text hold a digit or a number word at all?"""
    return bool(QUANTITY_HINT.search(text))


def quantities(doc: Doc) -> tuple[Quantity, ...]:
    """Every quantity a claim states, with what it measures; read once per parse (a claim is compared
    with each of its related claims)."""
    if "quantities" not in doc.user_data:
        doc.user_data["quantities"] = tuple(_read_quantities(doc))
    return doc.user_data["quantities"]


def _read_quantities(doc: Doc) -> list[Quantity]:
    found: list[Quantity] = []
    if len(doc) > MAX_CLAIM_TOKENS:
        return found
    for token in doc:
        if token.i >= 2 and doc[token.i - 1].lower_ in {"in", "-"} and _number(doc[token.i - 2].text):
            continue  # the "four" of "three in four", the "three" of "forty-three"
        if token.lower_ == "no" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "one":
            continue  # "no one" is read once, at its "one"
        if (
            token.like_num
            or token.lower_ in ZERO_WORDS
            or token.lower_ in VAGUE_AMOUNTS
            or token.lower_ == "no"
            or token.lemma_.lower() in FRACTIONS
            or token.lower_ in MAJORITY_WORDS
        ):
            quantity = _quantity(token)
            if quantity is not None:
                found.append(quantity)
    return found


def conflicting_quantity(
    first: Doc, second: Doc, estimates: tuple[str, str] = ("", "")
) -> tuple[Quantity, Quantity] | None:
    """A pair of quantities, one from each claim, for the same measured thing at the same place and from the same
    estimate, whose values cannot both hold; None when there is none. `estimates`: each claim's source where it
    is a poll, survey or average (`source_estimate`): the estimate of its figures that do not name their own."""
    for one in quantities(first):
        for other in quantities(second):
            same_thing = one.key() == other.key() and bool(one.measure)
            same_scope = one.qualifiers == other.qualifiers or not (one.qualifiers and other.qualifiers)
            same_scope = same_scope and (one.doer is None or other.doer is None or one.doer.agrees(other.doer))
            same_estimate = (one.estimate or estimates[0]) == (other.estimate or estimates[1])
            if same_thing and same_scope and same_estimate and not one.overlaps(other):
                return one, other
    return None


def source_estimate(source: str) -> str:
    """`source` (a claim's source, as named) case-folded where it is a poll, survey or average, judged by its head
    word, the last before any "of" ("the latest Reuters/Ipsos opinion poll", "an average of polls"; not "poll
    workers"); else ""."""
    words = source.casefold().split()
    head = words[: words.index("of")] if "of" in words else words
    return source.casefold() if head and head[-1] in ESTIMATES else ""


def describe(pair: tuple[Quantity, Quantity]) -> str:
    one, other = pair
    thing = "people" if one.measure == "person" else one.measure
    what = f"{thing} ({one.event})" if one.event else thing
    return f"{what}: {one.text} against {other.text}"
