"""The check stage: relatedness gate, time and rule notes, the decision rule, pairs of an article."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from verify.check.articles import ArticleToCheck, check_articles
from verify.check.decision import decide, worth_scoring
from verify.check.gate import content_words, related_pairs
from verify.check.notes import (
    RuleNotes,
    is_temporal_update,
    knowledge_note,
    parse_notes,
    place_note,
    places_note,
    referents_note,
    repeated_note,
    time_note,
)
from verify.check.pairs import PairToCheck, checked_text, same_speaker, screened_pairs
from verify.check.settings import CheckSettings
from verify.datamodel import Claim, Cue, NLIScores, Note, NoteKind, Source, Span
from verify.runtime.nlp import parse

SETTINGS = CheckSettings()
TEMPORAL, PERIOD = Note(NoteKind.change_over_time), Note(NoteKind.different_periods)
NOT_INFORMED, AIRPORT = Note(NoteKind.not_informed), Note(NoteKind.place_conflict, "airport")
ELSEWHERE = Note(NoteKind.different_places, "Almaty / Astana")
HE, REPEATED = Note(NoteKind.unresolved_reference, "'he' / 'he'"), Note(NoteKind.repeated_statement)
TEMPORAL_NOTE, PERIOD_NOTE, NO_KNOWLEDGE_NOTE, AIRPORT_NOTE = map(str, (TEMPORAL, PERIOD, NOT_INFORMED, AIRPORT))


def text_of(note: Note | None) -> str:
    return "" if note is None else str(note)


def claim(text: str, source: str = "the author", claim_id: str = "c1") -> Claim:
    return Claim(
        id=claim_id,
        text=text,
        spans=(Span(0, len(text)),),
        source=Source(mention=source, name=source, role=None, kind="person"),
    )


def unit(angle: float) -> np.ndarray:
    return np.array([np.cos(angle), np.sin(angle)], dtype=np.float32)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Eight people were killed in the blast.", {"eight", "people", "killed", "blast"}),
        ("The airports were cleared by Thursday.", {"airport", "cleared", "thursday"}),
        ("Turnout reached 41% on Sunday", {"turnout", "reached", "41", "sunday"}),
    ],
)
def test_content_words_drop_stopwords_and_fold_plurals(text, expected):
    assert content_words(text) == expected


@pytest.mark.parametrize(
    "first, second, cosine, related",
    [
        # shared content word ("airport") and moderate similarity: scored
        (
            "they had also taken five planes at Almaty's airport",
            "The airport had been cleared of demonstrators and was operating smoothly",
            0.40,
            True,
        ),
        # no shared content word, moderate similarity: not scored (the negated-sentence trap)
        (
            "The airport had been cleared of demonstrators and was operating smoothly",
            "There were no civilian casualty statistics provided",
            0.40,
            False,
        ),
        # very similar paraphrases need no shared word
        ("Eight people died in the blast", "The explosion killed eight", 0.80, True),
        # shared word but unrelated topics: below the lower threshold
        ("The minister visited the port on Monday", "Port workers ended their strike", 0.10, False),
    ],
)
def test_related_pairs_gate(first, second, cosine, related):
    embeddings = np.stack([unit(0.0), unit(float(np.arccos(cosine)))])
    pairs = related_pairs([claim(first), claim(second, claim_id="c2")], embeddings, replace(SETTINGS, neighbours=0))
    assert bool(pairs) is related
    if related:
        assert pairs[0][2] == pytest.approx(cosine, abs=1e-5)


@pytest.mark.parametrize(
    "neighbours, expected",
    [
        (0, set()),  # all four are far apart: the cosine gate alone scores nothing
        (1, {(0, 1), (1, 2), (2, 3)}),  # each claim with its nearest: a chain along the angles
        (2, {(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)}),
    ],
)
def test_every_claim_is_checked_against_its_nearest(neighbours, expected):
    claims = [claim(f"Claim number {k} about the harbour", claim_id=f"c{k}") for k in range(4)]
    embeddings = np.stack([unit(0.0), unit(1.2), unit(2.3), unit(3.1)])  # cosines below the gate
    settings = replace(SETTINGS, neighbours=neighbours, min_similarity=0.99, min_similarity_alone=0.99)
    assert {(i, j) for i, j, _ in related_pairs(claims, embeddings, settings)} == expected


@pytest.mark.parametrize("count", [30, 700])  # one block of similarities, and several
def test_related_partners_are_capped_so_work_grows_linearly(count):
    """One story told many times over: every claim is related to every other, yet each claim gets
    at most max_related partners from its side, the most similar first."""
    rng = np.random.default_rng(7)
    story = rng.normal(size=32)
    embeddings = story + 0.3 * rng.normal(size=(count, 32))
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    claims = [claim(f"The fire at the port destroyed warehouse {k}", claim_id=f"c{k}") for k in range(count)]
    settings = replace(SETTINGS, neighbours=3, max_related=10, min_similarity=0.0, min_similarity_alone=0.0)
    pairs = related_pairs(claims, embeddings, settings)
    assert len(pairs) <= count * settings.max_related
    similarities = embeddings @ embeddings.T
    np.fill_diagonal(similarities, -np.inf)
    for i in (0, count // 2, count - 1):  # each claim keeps at least its own ten most similar
        top = set(np.argsort(-similarities[i])[: settings.max_related].tolist())
        assert top <= {j for a, b, _ in pairs if i in (a, b) for j in (a, b) if j != i}


@pytest.mark.parametrize(
    "first, second, first_context, second_context, update",
    [
        (
            "the nation was undergoing a widespread internet blackout",
            "internet connectivity was restored in Almaty by early Thursday",
            "Late Wednesday, news sites became inaccessible, and Netblocks claimed that the nation was undergoing a "
            "widespread internet blackout",
            "internet connectivity was restored in Almaty by early Thursday",
            True,
        ),
        (
            "Power was out across the district on Monday",
            "Power was restored to most homes by Tuesday evening",
            "Power was out across the district on Monday",
            "Power was restored to most homes by Tuesday evening",
            True,
        ),
        # a plain disagreement about the same moment is no update
        (
            "Eight people were killed in the blast",
            "Twelve people died in the explosion",
            "Police said eight people were killed in the blast on Monday",
            "Hospital officials said twelve people died in the explosion on Monday",
            False,
        ),
    ],
)
def test_temporal_update(first, second, first_context, second_context, update):
    assert is_temporal_update(claim(first), claim(second), first_context, second_context) is update


@pytest.mark.parametrize(
    "first, second, note",
    [
        ("turnout was 41 percent", "Turnout in the last general election in the district was 48 percent", PERIOD_NOTE),
        ("Exports fell 3 percent", "Exports had risen 5 percent a year earlier", PERIOD_NOTE),
        ("The deficit was 2.1 percent of output", "The deficit was 3.4 percent of output in 2019", PERIOD_NOTE),
        # the same period on both sides: a real disagreement
        ("Turnout in the last election was 41 percent", "Turnout in the last election was 48 percent", ""),
        ("Eight people were killed in the blast", "Twelve people died in the explosion", ""),
        (
            "Power was out across the district on Monday",
            "Power was restored to most homes by Tuesday evening",
            TEMPORAL_NOTE,
        ),
    ],
)
def test_time_note(first, second, note):
    assert text_of(time_note(claim(first), claim(second, claim_id="c2"), first, second)) == note


@pytest.mark.parametrize(
    "first, second, different_dates, note",
    [
        # claims of articles of different dates are about different moments: a change or a moved figure
        ("The terminal is closed after the fire", "The terminal has reopened after the fire", True, TEMPORAL_NOTE),
        ("The terminal is closed after the fire", "The terminal has reopened after the fire", False, ""),
        ("Two workers died in the fire", "Five workers died in the fire", True, TEMPORAL_NOTE),
        ("Two workers died in the fire", "Five workers died in the fire", False, ""),
        # no change and no figures: a denial stays a denial whatever the day
        ("The minister resigned over the fire", "The minister did not resign over the fire", True, ""),
    ],
)
def test_time_note_between_dated_articles(first, second, different_dates, note):
    assert text_of(time_note(claim(first), claim(second, claim_id="c2"), first, second, different_dates)) == note


CONTRADICTING = NLIScores(entailment=0.02, neutral=0.08, contradiction=0.90)
ENTAILING = NLIScores(entailment=0.85, neutral=0.10, contradiction=0.05)
NEUTRAL = NLIScores(entailment=0.05, neutral=0.90, contradiction=0.05)
LEANING = NLIScores(entailment=0.01, neutral=0.68, contradiction=0.31)  # the airport pair's scores


@pytest.mark.parametrize(
    "sources, forward, backward, notes, label, note",
    [
        (("police", "hospital officials"), CONTRADICTING, NEUTRAL, RuleNotes(), "contradiction", ""),
        (
            ("the finance minister", "the finance minister"),
            NEUTRAL,
            CONTRADICTING,
            RuleNotes(),
            "contradiction",
            "same source contradicts itself",
        ),
        (("Netblocks", "Tass"), CONTRADICTING, NEUTRAL, RuleNotes(TEMPORAL), "compatible", TEMPORAL_NOTE),
        (("the election board", "the author"), CONTRADICTING, NEUTRAL, RuleNotes(PERIOD), "compatible", PERIOD_NOTE),
        (
            ("witnesses", "the interior ministry"),
            CONTRADICTING,
            NEUTRAL,
            RuleNotes(elsewhere=ELSEWHERE),
            "compatible",
            str(ELSEWHERE),
        ),
        (("the union", "the port authority"), ENTAILING, NEUTRAL, RuleNotes(), "corroboration", ""),
        # entailment within one source repeats, it does not corroborate
        (("the union", "the union"), ENTAILING, ENTAILING, RuleNotes(), "compatible", ""),
        # a change over time vetoes a contradiction only
        (("the union", "the port authority"), ENTAILING, NEUTRAL, RuleNotes(TEMPORAL), "corroboration", ""),
        (("police", "hospital officials"), NEUTRAL, NEUTRAL, RuleNotes(), "compatible", ""),
        # not being informed neither contradicts nor corroborates
        (
            ("a source", "the ministry"),
            CONTRADICTING,
            NEUTRAL,
            RuleNotes(not_knowing=NOT_INFORMED),
            "compatible",
            NO_KNOWLEDGE_NOTE,
        ),
        (
            ("the spokeswoman", "the ministry"),
            ENTAILING,
            NEUTRAL,
            RuleNotes(not_knowing=NOT_INFORMED),
            "compatible",
            NO_KNOWLEDGE_NOTE,
        ),
        # across articles: a claim that refers into its own article neither contradicts nor corroborates ...
        (("Heidi Cruz", "Bernie Sanders"), CONTRADICTING, NEUTRAL, RuleNotes(referents=HE), "compatible", str(HE)),
        (("Heidi Cruz", "Bernie Sanders"), ENTAILING, NEUTRAL, RuleNotes(referents=HE), "compatible", str(HE)),
        # ... and one statement in both does not contradict itself, while it still corroborates
        (
            ("Donald Trump", "Donald Trump"),
            CONTRADICTING,
            NEUTRAL,
            RuleNotes(repeated=REPEATED),
            "compatible",
            str(REPEATED),
        ),
        # a statement twice (one quotation carried twice) is not a second source backing it either
        (
            ("AP", "Reuters"),
            ENTAILING,
            ENTAILING,
            RuleNotes(repeated=REPEATED),
            "compatible",
            "the same statement twice: neither a contradiction nor a corroboration",
        ),
        # a conflict the parse found makes a contradiction of a pair the model only leans to ...
        (
            ("the president", "the deputy mayor"),
            LEANING,
            NEUTRAL,
            RuleNotes(conflict=AIRPORT),
            "contradiction",
            AIRPORT_NOTE,
        ),
        (
            ("the president", "the president"),
            LEANING,
            NEUTRAL,
            RuleNotes(conflict=AIRPORT),
            "contradiction",
            AIRPORT_NOTE + "; same source contradicts itself",
        ),
        # ... but not of one it reads as neutral or entailed, nor of one about different times
        (("the president", "the deputy mayor"), NEUTRAL, NEUTRAL, RuleNotes(conflict=AIRPORT), "compatible", ""),
        (("the president", "the deputy mayor"), ENTAILING, LEANING, RuleNotes(conflict=AIRPORT), "corroboration", ""),
        (
            ("the president", "the deputy mayor"),
            LEANING,
            NEUTRAL,
            RuleNotes(TEMPORAL, conflict=AIRPORT),
            "compatible",
            TEMPORAL_NOTE,
        ),
    ],
)
def test_decide_a_pair(sources, forward, backward, notes, label, note):
    decision = decide((forward, backward), notes, sources[0] == sources[1], SETTINGS)
    assert decision.label == label
    assert "; ".join(map(str, decision.notes)) == note


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        (("Michael Flynn", "person"), ("Flynn", "person"), True),  # a full name and its surname
        (("Donald Trump's", "person"), ("Donald Trump", "person"), True),  # a possessive the tagger kept
        (("the White House", "government_body"), ("White House", "government_body"), True),
        (("Bill Clinton", "person"), ("Hillary Clinton", "person"), False),  # a shared surname only
        (("Bill", "person"), ("Bill Clinton", "person"), False),  # a given name is not the surname
        (("the House", "government_body"), ("the White House", "government_body"), False),  # not people
        (("Flynn", "person"), ("the author", "author"), False),
        (("Clinton campaign", "organisation"), ("Clinton", "person"), False),
    ],
)
def test_one_speaker_under_two_names(first, second, same):
    sources = [Source(mention=name, name=name, role=None, kind=kind) for name, kind in (first, second)]
    assert same_speaker(*sources) is same


def checked_alone(claims, embeddings, score, settings):
    """The relations of one article's claims (each claim its own statement), as the pipeline checks them."""
    (checked,) = check_articles([ArticleToCheck(claims, [c.text for c in claims], embeddings)], score, settings)
    return checked.relations


def test_check_claims_scores_both_directions_and_names_pairs():
    claims = [
        claim("Eight people were killed in the blast", "police"),
        claim("Twelve people were killed in the blast", "hospital officials", "c2"),
        claim("The weather was mild for the season", "the author", "c3"),
    ]
    embeddings = np.stack([unit(0.0), unit(0.1), unit(1.5)])
    seen = []

    def score(pairs):
        seen.extend(pairs)
        return [CONTRADICTING if "Twelve" in premise else NEUTRAL for premise, _ in pairs]

    relations = checked_alone(claims, embeddings, score, replace(SETTINGS, neighbours=0))
    assert [(r.first, r.second, r.label) for r in relations] == [("c1", "c2", "contradiction")]
    assert seen == [(claims[0].text, claims[1].text), (claims[1].text, claims[0].text)]
    assert relations[0].backward == CONTRADICTING and relations[0].forward == NEUTRAL


FAINT = NLIScores(entailment=0.12, neutral=0.60, contradiction=0.28)  # under the screen's 0.30 both ways


@pytest.mark.parametrize(
    "forward, backward, worth",
    [
        (NEUTRAL, NEUTRAL, False),
        (FAINT, NEUTRAL, False),
        (NEUTRAL, LEANING, True),  # one direction is enough: NLI is not symmetric
        (ENTAILING, NEUTRAL, True),
        (NLIScores(entailment=0.30, neutral=0.70, contradiction=0.0), NEUTRAL, True),  # the threshold itself
    ],
)
def test_worth_scoring_needs_a_sign_of_contradiction_or_entailment_either_way(forward, backward, worth):
    assert worth_scoring((forward, backward), replace(SETTINGS, screen_threshold=0.30)) is worth


SCREENED = [
    # the screen sees the conflict: scored
    ("they had also taken five planes at Almaty's airport", "The airport was operating smoothly on Friday", True),
    # the screen sees nothing, but the figures conflict and the number rule needs no model: scored
    ("Eight people were killed in the blast", "Twelve people were killed in the blast", True),
    # the screen sees nothing and the figures measure different things: left unscored
    ("Eight people were killed in the blast", "Police arrested 3 suspects on Monday", False),
    # the screen sees nothing and there are no figures: left unscored
    ("The weather was mild for the season", "The minister will visit the region next week", False),
]


def test_screened_pairs_keep_what_the_screen_or_the_number_rule_could_find():
    claims = [claim(text, f"source {k}", f"c{k}") for k, pair in enumerate(SCREENED) for text in pair[:2]]
    pairs = [PairToCheck(2 * k, 2 * k + 1, 0.5, False) for k in range(len(SCREENED))]
    seen = []

    def screen(texts):
        seen.extend(texts)
        return [LEANING if "airport" in premise else FAINT for premise, _ in texts]

    kept = screened_pairs(pairs, claims, screen, replace(SETTINGS, screen_threshold=0.30))
    assert kept == [pair for pair, (_, _, scored) in zip(pairs, SCREENED) if scored]
    assert seen[: len(pairs)] == [(first, second) for first, second, _ in SCREENED]  # both ways, in one call
    assert seen[len(pairs) :] == [(second, first) for first, second, _ in SCREENED]


def test_without_the_parse_rules_the_screen_keeps_no_pair_for_its_figures():
    claims = [claim(SCREENED[1][0], "police"), claim(SCREENED[1][1], "hospital officials", "c2")]
    pair = PairToCheck(0, 1, 0.5, False)
    settings = replace(SETTINGS, screen_threshold=0.30)
    faint = lambda texts: [FAINT for _ in texts]  # noqa: E731
    assert screened_pairs([pair], claims, faint, settings) == [pair]
    assert screened_pairs([pair], claims, faint, replace(settings, parse_rules=False)) == []


def test_no_pairs_to_screen():
    assert screened_pairs([], [claim("Eight people were killed in the blast")], lambda texts: [], SETTINGS) == []


def test_check_claims_applies_the_parse_rules():
    claims = [
        claim("they had also taken five planes at Almaty’s airport", "Kassym-Jomart Tokayev"),
        claim("The airport had been cleared of demonstrators and was operating smoothly", "deputy mayor", "c2"),
        claim("The company will shut the plant by the end of March", "a source", "c3"),
        claim("they had not been informed of any plan to close the plant", "the ministry", "c4"),
    ]
    embeddings = np.stack([unit(0.0), unit(0.1), unit(1.5), unit(1.6)])

    def score(pairs):
        return [LEANING if "airport" in premise else CONTRADICTING for premise, _ in pairs]

    relations = checked_alone(claims, embeddings, score, replace(SETTINGS, neighbours=0))
    assert [(r.first, r.second, r.label, r.note) for r in relations] == [
        ("c1", "c2", "contradiction", AIRPORT_NOTE),
        ("c3", "c4", "compatible", NO_KNOWLEDGE_NOTE),
    ]


@pytest.mark.parametrize(
    "first, second, note",
    [
        (
            "they had not been informed of any plan to close the plant",
            "The company will shut the Ravenscar plant by the end of March",
            NO_KNOWLEDGE_NOTE,
        ),
        ("The mine will close next year", "the union had been told nothing about the mine's future", NO_KNOWLEDGE_NOTE),
        # both about what the ministry knew: they can contradict
        (
            "they had not been informed of any plan to close the plant",
            "the ministry was informed of the plan in March",
            "",
        ),
        # a denial is not a lack of knowledge
        ("We have no plans to close Ravenscar", "The company will shut the Ravenscar plant", ""),
    ],
)
def test_knowledge_note(first, second, note):
    assert text_of(knowledge_note(parse(first), parse(second))) == note


@pytest.mark.parametrize(
    "first, second, note",
    [
        (
            "they had also taken five planes at Almaty’s airport",
            "The airport had been cleared of demonstrators and was operating smoothly",
            AIRPORT_NOTE,
        ),
        # different days named: a change over time
        ("Protesters stormed the airport on Wednesday", "The airport was operating normally on Friday", ""),
        ("Protesters stormed the airport on Wednesday", "The port was operating normally", ""),
    ],
)
def test_place_note(first, second, note):
    assert text_of(place_note(parse(first), parse(second))) == note


@pytest.mark.parametrize(
    "first, second, note",
    [
        (
            "Police fired tear gas at protesters in Almaty",
            "Police did not fire tear gas at protesters in Astana",
            "about different places or groups (Almaty / Astana), not a contradiction",
        ),
        (
            "Kurdish fighters took control of the border town",
            "Syrian troops did not take control of the border town",
            "about different places or groups (Kurdish / Syrian), not a contradiction",
        ),
        ("Rebels seized the main port in Hodeidah overnight", "The port in Hodeidah was operating normally", ""),
        # one claim names no place: it may be about the same one
        ("they had also taken five planes at Almaty’s airport", "The airport was operating smoothly", ""),
        # names the tagger calls places but that locate nothing (an aircraft type, an airline)
        (
            "the authority would ground the airline's seven other Corvan 220 jets for inspection",
            "it had no plans to ground any Aeralis aircraft",
            "",
        ),
        # times after in/on/at are not places: the other claim names none
        ("Police fired tear gas at protesters in Almaty", "Police did not fire tear gas at protesters on Tuesday", ""),
        ("Rebels shelled the airport in Donetsk", "Rebels did not shell the airport in the morning", ""),
        # a time beside a place: the places still differ
        (
            "Rebels shelled the airport in Donetsk on Monday",
            "Rebels did not shell the airport in Luhansk at night",
            "about different places or groups (Donetsk / Luhansk), not a contradiction",
        ),
        # one group in common, whatever else differs
        (
            "Kurdish fighters captured the town in northern Syria",
            "Kurdish fighters did not capture any town in Iraq",
            "",
        ),
        # a place after "to" locates nothing: the first claim names none
        ("The minister flew to Brussels for the summit", "The minister did not attend the summit in Brussels", ""),
        # the same place, whatever figures and times are beside it
        ("At least 12 people died in the blast in Kabul", "Nobody died in the blast in Kabul at dawn", ""),
    ],
)
def test_places_note(first, second, note):
    assert text_of(places_note(parse(first), parse(second))) == note


# Gaps the PolNeAR run showed (docs/results/rule-fire-rates-polnear.json): one group in two forms, and a place
# against a group of the same event.
@pytest.mark.parametrize(
    "first, second",
    [
        ("Republican senators blocked the bill", "Republicans did not block the bill"),
        ("Democratic lawmakers backed the plan", "The Democrats never backed the plan"),
        ("Kurdish fighters took the town", "The Kurds did not take the town"),
        ("European leaders agreed on the sanctions", "Leaders in Europe failed to agree on the sanctions"),
        ("Militants attacked the compound in Benghazi", "Four Americans were killed when the compound was attacked"),
        ("The talks in Geneva collapsed on Friday", "The talks in the Swiss city of Geneva did not collapse"),
    ],
)
def test_places_note_same_group_in_another_form(first, second):
    assert places_note(parse(first), parse(second)) is None


@pytest.mark.parametrize(
    "first, second, same_source, note",
    [
        # A third person's antecedent is in the claim's own article, and so is the question an answer replies to.
        (
            "he will vote for Clinton in November",
            "he would never vote for Clinton",
            False,
            "refers into its own article ('he' / 'he'): not compared across articles",
        ),
        (
            "She won the Democratic primary in Ohio",
            "Clinton lost the Democratic primary in Ohio",
            False,
            "refers into its own article ('she' / '-'): not compared across articles",
        ),
        (
            "They were arrested outside the parliament",
            "The protesters were not arrested",
            True,
            "refers into its own article ('they' / '-'): not compared across articles",
        ),
        (
            "It worked",
            "It didn't work",
            False,
            "refers into its own article ('it' / 'it'): not compared across articles",
        ),
        ("Yes", "No", False, "refers into its own article ('Yes' / 'No'): not compared across articles"),
        (
            "Absolutely not",
            "The senator will back the bill",
            False,
            "refers into its own article ('Absolutely not' / '-'): not compared across articles",
        ),
        # "I" / "we" is the speaker: two sources' are two people (or groups).
        (
            "I will win the nomination",
            "I am not going to win the nomination",
            False,
            "the subject is each speaker ('I' / 'I'): about different people",
        ),
        (
            "We rejected the offer",
            "I accepted the offer on behalf of the union",
            False,
            "the subject is each speaker ('we' / 'I'): about different people",
        ),
        # Negative cases: one source's "I"; named subjects; a pronoun only as an object or inside a clause;
        # the "it" of "it is clear that ..."; one "we" against a name; a short claim with content.
        ("I will win the nomination", "I am not going to win the nomination", True, ""),
        ("Senator Sanders will vote for Clinton", "Sanders would never vote for Clinton", False, ""),
        ("Police arrested him outside the parliament", "Police did not arrest anyone", False, ""),
        ("The mayor confirmed that he would resign", "The mayor will not resign", False, ""),
        ("It is clear that the plant will close", "The plant will stay open", False, ""),
        ("It was reported that the plant will close", "The plant will stay open", False, ""),
        ("We won the vote at the plant", "The union lost the vote at the plant", False, ""),
        ("Turnout was 41 percent", "Turnout fell below 30 percent", False, ""),
    ],
)
def test_referents_note(first, second, same_source, note):
    assert text_of(referents_note(parse(first), parse(second), same_source)) == note


@pytest.mark.parametrize(
    "first, second, repeated",
    [
        # A quotation two outlets carry, punctuated or cut into sentences differently.
        (
            "I like Paul, but these are horrible times for our country We need very strong leadership.",
            "I like Paul, but these are horrible times for our country. We need very strong leadership!",
            True,
        ),
        ("The plant will close in June.", "the plant will close in June", True),
        # Negative cases: one word more or less, or another word, is another statement.
        ("The plant will close in June.", "The plant will not close in June.", False),
        ("The plant will close in June.", "The plant will close in July.", False),
        ("Yes", "Yes, it will", False),
    ],
)
def test_repeated_note(first, second, repeated):
    assert (repeated_note(parse(first), parse(second)) is not None) is repeated


def test_referents_are_compared_across_articles_only_and_repetition_across_articles_one_source_or_narration():
    he, him = parse("he will vote for Clinton"), parse("he would never vote for Clinton")
    assert parse_notes(he, him).referents is None
    assert parse_notes(he, him, across_articles=True).referents is not None
    quoted = parse("The plant will close.")
    assert parse_notes(quoted, quoted, across_articles=True).repeated is not None
    assert parse_notes(quoted, quoted, same_source=True).repeated is not None  # one source quoted twice
    assert parse_notes(quoted, quoted).repeated is None  # "police said X", "the ministry said X": two sources
    # the reporter's narration carrying a source's words is that source's quotation set apart (a pull quote)
    assert parse_notes(quoted, quoted, narrated=True).repeated is not None
    assert parse_notes(quoted, parse("The plant will not close."), same_source=True).repeated is None


@pytest.mark.parametrize(
    "text, cue, asserted",
    [
        (
            "it would close its blast furnace plant in Ravenscar",
            "denied",
            "it would not close its blast furnace plant in Ravenscar",
        ),
        ("the minister had met the lobbyist", "denies", "the minister had not met the lobbyist"),
        ("troops crossed the border", "rejected reports", "troops did not cross the border"),
        ("troops crossed the border", "said", "troops crossed the border"),
        ("the plant will close", None, "the plant will close"),
    ],
)
def test_denied_content_is_checked_negated(text, cue, asserted):
    denied = Claim(
        id="c1",
        text=text,
        spans=(Span(0, len(text)),),
        source=Source.author(),
        cue=Cue(text=cue, spans=(), hedged=False) if cue else None,
    )
    assert checked_text(denied) == asserted


@pytest.mark.parametrize(
    ("file_text", "overrides", "expected"),
    [
        (None, {}, CheckSettings()),
        ('{"about": "chosen on dev", "check": {"contradiction": 0.95}}', {}, CheckSettings(contradiction=0.95)),
        (
            '{"check": {"contradiction": 0.95}}',
            {"parse_rules": False},
            CheckSettings(contradiction=0.95, parse_rules=False),
        ),
    ],
)
def test_a_model_carries_its_own_thresholds(tmp_path, file_text, overrides, expected):
    from verify.check.settings import MODEL_SETTINGS_FILE, for_model

    if file_text is not None:
        (tmp_path / MODEL_SETTINGS_FILE).write_text(file_text)
    assert for_model(tmp_path, **overrides) == expected


def test_unknown_model_settings_are_a_one_line_error(tmp_path):
    from verify.check.settings import MODEL_SETTINGS_FILE, for_model
    from verify.errors import VerifyError

    (tmp_path / MODEL_SETTINGS_FILE).write_text('{"check": {"contradiction_threshold": 0.9}}')
    with pytest.raises(VerifyError, match="unknown check settings contradiction_threshold"):
        for_model(tmp_path)
    (tmp_path / MODEL_SETTINGS_FILE).write_text('{"contradiction": 0.9}')  # a setting outside its section
    with pytest.raises(VerifyError, match="unknown section 'contradiction'"):
        for_model(tmp_path)


def test_every_shipped_model_settings_file_is_valid():
    from verify.check.settings import for_model
    from verify.runtime.models import NLI_MODEL, NLI_SMALL_MODEL, shipped_model

    for name in (NLI_MODEL, NLI_SMALL_MODEL):  # the tagger's settings.json is the attribution's (its own test)
        assert isinstance(for_model(shipped_model(name)), CheckSettings)


@pytest.mark.parametrize(
    ("scores", "thresholds", "verdict"),
    [
        (NLIScores(0.05, 0.15, 0.80), {}, "neutral"),  # below the report's 0.95
        (NLIScores(0.05, 0.15, 0.80), {"claim_contradiction": 0.70}, "contradiction"),
        (NLIScores(0.05, 0.25, 0.70), {"claim_contradiction": 0.75}, "neutral"),
        (NLIScores(0.60, 0.35, 0.05), {}, "entailment"),
        (NLIScores(0.60, 0.35, 0.05), {"claim_corroboration": 0.70}, "neutral"),
    ],
)
def test_a_single_claims_evidence_is_decided_with_the_claim_check_thresholds(scores, thresholds, verdict):
    """`verify check` scores evidence → claim only: its own thresholds replace the report's where set."""
    from verify.check.verdict import claim_evidence

    evidence = [claim("The deputy mayor said the airport was operating smoothly on Friday.", "deputy mayor")]
    settings = CheckSettings(contradiction=0.95, corroboration=0.5, parse_rules=False, **thresholds)
    (result,) = claim_evidence(
        parse("The airport was closed on Friday."),
        evidence,
        np.array([0.8]),
        lambda pairs: [scores] * len(pairs),
        settings.for_claim_checks(),
    )
    assert (result.refutes, result.supports) == (verdict == "contradiction", verdict == "entailment")


# `probability` is that of the label, whatever made it: a finding's own, and for a compatible pair one minus the
# larger finding, where a note vetoed one too (it used to be the vetoed finding's, 0.93 for "compatible").
@pytest.mark.parametrize(
    ("directions", "notes", "label", "probability"),
    [
        ((NLIScores(0.02, 0.05, 0.93), NLIScores(0.03, 0.10, 0.87)), RuleNotes(), "contradiction", 0.93),
        ((NLIScores(0.91, 0.07, 0.02), NLIScores(0.88, 0.10, 0.02)), RuleNotes(), "corroboration", 0.91),
        (
            (NLIScores(0.02, 0.05, 0.93), NLIScores(0.03, 0.10, 0.87)),
            RuleNotes(elsewhere=ELSEWHERE),
            "compatible",
            0.07,
        ),
        (
            (NLIScores(0.91, 0.07, 0.02), NLIScores(0.88, 0.10, 0.02)),
            RuleNotes(repeated=Note(NoteKind.repeated_statement)),
            "compatible",
            0.09,
        ),
        ((NLIScores(0.10, 0.80, 0.10), NLIScores(0.20, 0.75, 0.05)), RuleNotes(), "compatible", 0.80),
    ],
    ids=["contradiction", "corroboration", "vetoed-contradiction", "vetoed-corroboration", "neutral"],
)
def test_a_relations_probability_is_that_of_its_label(directions, notes, label, probability):
    decision = decide(directions, notes, False, SETTINGS)
    assert (decision.label, decision.probability) == (label, pytest.approx(probability))


def test_articles_checked_together_are_scored_in_one_call_and_never_paired_across():
    first = [
        claim("Eight people were killed in the blast", "police"),
        claim("Twelve people were killed in the blast", "hospital officials", "c2"),
    ]
    second = [
        claim("The port reopened on Monday morning", "the harbour master"),
        claim("The port stayed closed on Monday morning", "the union", "c2"),
    ]
    embeddings = np.stack([unit(0.0), unit(0.1)])
    calls = []

    def score(pairs):
        calls.append(list(pairs))
        return [CONTRADICTING for _ in pairs]

    articles = [ArticleToCheck(claims, [c.text for c in claims], embeddings) for claims in (first, second)]
    checked = check_articles(articles, score, replace(SETTINGS, neighbours=0))
    assert len(calls) == 1 and len(calls[0]) == 4  # two pairs, both ways, in one call
    assert [[(r.first, r.second) for r in article.relations] for article in checked] == [[("c1", "c2")]] * 2
    alone = [checked_alone(claims, embeddings, score, replace(SETTINGS, neighbours=0)) for claims in (first, second)]
    assert [article.relations for article in checked] == alone  # together as each alone
    texts = {text for pair in calls[0] for text in pair}
    assert all((first[0].text in pair) != (second[0].text in pair) for pair in calls[0]) and len(texts) == 4


def test_a_screened_out_pair_is_counted_against_its_own_article():
    related = [
        claim("The port reopened on Monday", "the harbour master"),
        claim("The port reopened on Monday morning", "the port authority", "c2"),
    ]
    embeddings = np.stack([unit(0.0), unit(0.05)])
    articles = [ArticleToCheck(related, [c.text for c in related], embeddings)] * 2  # two outlets, same wording
    faint = NLIScores(entailment=0.05, neutral=0.90, contradiction=0.05)
    settings = replace(SETTINGS, neighbours=0, screen_model="verify-nli-minilm-l6", screen_threshold=0.30)
    screened = []

    def screen(pairs):
        screened.append(list(pairs))
        return [faint] * len(pairs)

    checked = check_articles(articles, lambda pairs: [NEUTRAL] * len(pairs), settings, screen)
    assert [(len(article.relations), article.screened_out) for article in checked] == [(0, 1), (0, 1)]
    assert [len(call) for call in screened] == [2]  # one call; the same two texts both ways, each scored once


@pytest.mark.parametrize(
    ("forward", "backward", "possible"),
    [
        (NLIScores(0.10, 0.55, 0.35), NEUTRAL, True),  # compatible, contradiction 0.35 one way: worth a look
        (NLIScores(0.10, 0.65, 0.25), NEUTRAL, False),  # below the setting's 0.30
        (CONTRADICTING, CONTRADICTING, False),  # a contradiction is a finding, not a possible one
    ],
)
def test_the_possible_conflict_is_decided_with_the_settings(forward, backward, possible):
    decision = decide((forward, backward), RuleNotes(), False, SETTINGS)
    assert decision.possible_conflict is possible
    stricter = decide((forward, backward), RuleNotes(), False, replace(SETTINGS, possible_conflict=0.40))
    assert stricter.possible_conflict is False


def test_a_change_over_time_is_no_possible_conflict():
    changed = RuleNotes(different_times=Note(NoteKind.change_over_time, "Wednesday, Thursday"))
    decision = decide((NLIScores(0.10, 0.50, 0.40), NEUTRAL), changed, False, SETTINGS)
    assert decision.label == "compatible" and decision.notes and not decision.possible_conflict
