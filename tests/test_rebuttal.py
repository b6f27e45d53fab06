"""The rebuttal rule: a claim that calls a specific statement untrue, the claim of the article it targets, and the
contradiction the decision makes of the two."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from verify.check.articles import ArticleToCheck, check_articles
from verify.check.decision import REBUTTAL_PRECISION, decide
from verify.check.notes import RuleNotes
from verify.check.rebuttal import rebuttal, rebuttal_targets
from verify.check.settings import CheckSettings
from verify.datamodel import Claim, NLIScores, Note, NoteKind, Source, SourceKind, Span
from verify.runtime.nlp import parse

COMPATIBLE = NLIScores(entailment=0.05, neutral=0.9, contradiction=0.05)


@pytest.mark.parametrize(
    "text, statement, owner, described",
    [
        # untrue, as a predicate of a specific statement
        (
            "The mayor's claim that the bridge was safe is false.",
            "The mayor's claim that the bridge was safe",
            "The mayor",
            True,
        ),
        ("That statement is simply untrue.", "That statement", "", False),
        ("Those statements were wrong.", "Those statements", "", False),
        ("This is a lie.", "This", "", False),
        (
            "The senator's account of the meeting is not accurate.",
            "The senator's account of the meeting",
            "The senator",
            True,
        ),
        # inside what a source says
        ("He said the report about the layoffs was baseless.", "the report about the layoffs", "", True),
        ("Your claims are false, the minister told reporters.", "Your claims", "", False),
        ("The story was fake news.", "The story", "", False),
        # called untrue, rejected, denied
        ("The ministry called the reports of mass arrests baseless.", "the reports of mass arrests", "", True),
        ("Harbor Steel denied the allegations.", "the allegations", "", False),
        ("The agency dismissed the reports.", "the reports", "", False),
        ("The spokesman dismissed the criticism as false.", "the criticism", "", False),
        ("The spokesman dismissed the reports as fabrications.", "the reports", "", False),
        ("The mayor and his lawyers have firmly denied the bribery claims.", "the bribery claims", "", False),
        ("His comments were false.", "His comments", "", False),  # an opinion too can be called false
        ("The allegations were denied by the board.", "The allegations", "", False),
        ("Those charges were fabricated.", "Those charges", "", False),
        (
            "Police rejected the protesters' account of the clash.",
            "the protesters' account of the clash",
            "the protesters",
            True,
        ),
        # a named person said to lie about something
        ("Governor Reyes is lying about the budget shortfall.", "Governor Reyes", "Governor Reyes", True),
    ],
)
def test_rebuttals_name_the_statement_they_call_untrue(text, statement, owner, described):
    found = rebuttal(parse(text))
    assert found is not None
    assert (found.statement, found.owner, bool(found.topic)) == (statement, owner, described)


@pytest.mark.parametrize(
    "text",
    [
        "The judge rejected a request to delay the trial.",  # a request refused, not a statement called untrue
        "The judge rejected that argument.",  # an opinion disagreed with, not a report called untrue
        "The spokesman dismissed the criticism as partisan.",  # says what it is, not that it is untrue
        "The spokesman dismissed the reports as partisan.",
        # rulings, not rebuttals
        "A judge dismissed the charges against the mayor.",
        "The charges were dismissed.",
        "The insurer denied the claim.",
        # the clause is not what the source asserts
        "He did not say the charges were fabricated.",
        "He denied that the report was false.",
        "Reporters asked whether the allegations were false.",
        "Nobody believes the report is false.",
        "He rejected that.",  # may refuse anything
        "The senator is lying low about his plans.",
        "That is a false equivalency.",  # a comparison called misleading, not a statement called untrue
        "Many claims about the vaccine are false.",  # claims in general, not one statement
        "The report is not false.",  # negated
        "That would be false.",  # hypothetical
        "Harbor Steel did not deny the allegations.",
        "The charges were not fabricated.",
        "The documents were fabricated.",  # forged papers, not a statement called untrue
        "She has done nothing wrong.",  # no statement
        "That is wrong, that is unconscionable.",  # a deed judged, not a statement
        "The accusations were true.",
        "This is the lie that the campaign is built on.",  # says itself what it calls a lie
        "Although the ministry disputes this, the border remains closed.",  # "this" is inside the sentence
        "The minister dismissed the envoy as a spy.",  # a person dismissed, not a statement
        "The company denied any wrongdoing.",  # a denied deed, not a statement (the denial cue checks these)
        "The soldiers lay in the field for hours.",
    ],
)
def test_what_is_not_a_rebuttal(text):
    assert rebuttal(parse(text)) is None


def news_claim(index: int, text: str, source: str, start: int, kind: SourceKind = "person", role: str | None = None):
    return Claim(
        id=f"c{index}",
        text=text,
        spans=(Span(start, start + len(text)),),
        source=Source(mention=source, name=source, role=role, kind=kind),
    )


def unit(angle: float) -> np.ndarray:
    return np.array([np.cos(angle), np.sin(angle)], dtype=np.float32)


LOCKOUT = "Workers were locked out of the plant for three weeks"
PENSIONS = "The pension fund was emptied to pay the bonuses"
WEATHER = "Heavy snow closed the road to the plant on Monday"


def targets(claims: list[Claim], angles: dict[str, float]) -> list[tuple[int, int]]:
    """`rebuttal_targets` where each text (a claim or a description) is embedded at the angle given."""
    embeddings = np.stack([unit(angles[claim.text]) for claim in claims])

    def embed(texts: list[str]) -> np.ndarray:
        return np.stack([unit(angles[text]) for text in texts])

    return [(found.rebutting, found.target) for found in rebuttal_targets(claims, embeddings, embed)]


def test_a_described_rebuttal_targets_the_named_sources_claim_nearest_in_meaning():
    rebuttal_text = "the union's claims about the lockout are false"
    claims = [
        news_claim(0, PENSIONS, "Dockworkers Union", 0, "organisation", "union"),
        news_claim(1, LOCKOUT, "Dockworkers Union", 60, "organisation", "union"),
        news_claim(2, "The lockout lasted three weeks", "Rita Alvarez", 120),  # as near in meaning, not the union
        news_claim(3, rebuttal_text, "Harbor Steel", 160, "organisation"),
    ]
    angles = {PENSIONS: 1.2, LOCKOUT: 0.1, claims[2].text: 0.1, rebuttal_text: 0.9, "claims about the lockout": 0.0}
    assert targets(claims, angles) == [(3, 1)]
    angles["claims about the lockout"] = -0.4  # the union's claims are now far from the description
    angles[LOCKOUT] = 1.3
    assert targets(claims, angles) == []


def test_an_owner_no_source_is_named_after_leaves_the_target_to_meaning():
    rebuttal_text = "the governor's claims about the lockout are false"
    claims = [
        news_claim(0, LOCKOUT, "the state labor office", 0, "government_body"),
        news_claim(1, PENSIONS, "Dockworkers Union", 60, "organisation", "union"),
        news_claim(2, rebuttal_text, "Harbor Steel", 120, "organisation"),
    ]
    angles = {LOCKOUT: 0.1, PENSIONS: 1.2, rebuttal_text: 0.9, "claims about the lockout": 0.0}
    assert targets(claims, angles) == [(2, 0)]


def test_a_named_owner_whose_claims_are_all_ruled_out_leaves_no_target():
    # The rebuttal was credited to the very source it names (an attribution error): no claim of that source can be
    # its target, and meaning alone does not choose another source's claim instead.
    rebuttal_text = "the union's claims about the lockout are false"
    claims = [
        news_claim(0, LOCKOUT, "the state labor office", 0, "government_body"),
        news_claim(1, PENSIONS, "Dockworkers Union", 60, "organisation", "union"),
        news_claim(2, rebuttal_text, "Dockworkers Union", 120, "organisation", "union"),
    ]
    angles = {LOCKOUT: 0.1, PENSIONS: 1.2, rebuttal_text: 0.9, "claims about the lockout": 0.0}
    assert targets(claims, angles) == []


@pytest.mark.parametrize(
    "before, gap, source, expected",
    [
        (LOCKOUT, 10, "Dockworkers Union", [(1, 0)]),  # the statement just before, from another source
        (LOCKOUT, 500, "Dockworkers Union", []),  # too far back to be what "the charges" are
        (LOCKOUT, 10, "Harbor Steel", []),  # its own statement: a source does not rebut itself
    ],
)
def test_a_bare_rebuttal_targets_the_statement_just_before_it(before, gap, source, expected):
    rebuttal_text = "The charges are fabricated"
    claims = [
        news_claim(0, before, source, 0, "organisation"),
        news_claim(1, rebuttal_text, "Harbor Steel", len(before) + gap, "organisation"),
    ]
    assert targets(claims, {before: 0.0, rebuttal_text: 1.5}) == expected


def test_a_rebuttal_is_never_the_target_of_another():
    first, second = "The charges are fabricated", "That statement is a lie"
    claims = [
        news_claim(0, LOCKOUT, "Dockworkers Union", 0, "organisation"),
        news_claim(1, first, "Harbor Steel", 60, "organisation"),
        news_claim(2, second, "Rita Alvarez", 100),
    ]
    assert targets(claims, {LOCKOUT: 0.0, first: 1.0, second: 1.0}) == [(1, 0), (2, 0)]


REBUTTAL = Note(NoteKind.rebuttal, "‘The charges’ are fabricated")


def test_a_vetoed_rebuttal_keeps_the_models_probability():
    notes = RuleNotes(fragment=Note(NoteKind.fragment, "the intrusions"), rebuttal=REBUTTAL)
    decision = decide((COMPATIBLE, COMPATIBLE), notes, False, CheckSettings())
    assert (decision.label, decision.probability) == ("compatible", 0.95)


@pytest.mark.parametrize(
    "notes, label",
    [
        (RuleNotes(rebuttal=REBUTTAL), "contradiction"),
        # it names what it rebuts: times or places the two mention do not make it about something else
        (RuleNotes(Note(NoteKind.change_over_time), rebuttal=REBUTTAL), "contradiction"),
        (RuleNotes(elsewhere=Note(NoteKind.different_places, "Almaty / Astana"), rebuttal=REBUTTAL), "contradiction"),
        # but a target that states nothing is no contradiction
        (RuleNotes(fragment=Note(NoteKind.fragment, "the intrusions"), rebuttal=REBUTTAL), "compatible"),
    ],
)
def test_a_rebuttal_is_a_contradiction_at_its_measured_precision(notes, label):
    decision = decide((COMPATIBLE, COMPATIBLE), notes, False, CheckSettings())
    assert decision.label == label
    if label == "contradiction":
        assert decision.probability == REBUTTAL_PRECISION
        assert decision.notes[0] == REBUTTAL


@pytest.mark.parametrize("neighbours", [0, 5])  # the gate leaves the pair out, or pairs it too
@pytest.mark.parametrize("narrated", [False, True])  # the reporter narrates both claims, or two sources speak
def test_an_article_reports_a_rebuttal_once_whether_the_gate_paired_it_or_not(neighbours, narrated):
    rebuttal_text = "The charges are fabricated"
    sources = ("the author", "the author") if narrated else ("Dockworkers Union", "Harbor Steel")
    claims = [
        news_claim(0, LOCKOUT, sources[0], 0, "author" if narrated else "organisation"),
        news_claim(1, rebuttal_text, sources[1], 60, "author" if narrated else "organisation"),
        news_claim(2, WEATHER, "the author", 100, "author"),
    ]
    embeddings = np.stack([unit(0.0), unit(1.5), unit(3.0)])
    found = rebuttal_targets(claims, embeddings, lambda texts: np.stack([unit(0.0) for _ in texts]))
    article = ArticleToCheck(claims, [c.text for c in claims], embeddings, found)
    settings = CheckSettings(neighbours=neighbours)
    (checked,) = check_articles([article], score_compatible, settings)
    assert len(checked.relations) == (3 if neighbours else 1)
    (contradiction,) = [relation for relation in checked.relations if relation.label == "contradiction"]
    assert (contradiction.first, contradiction.second) == ("c0", "c1")
    # The reporter narrating someone's rebuttal does not contradict itself.
    assert contradiction.note == "an explicit rebuttal: ‘The charges’ are fabricated"
    (without_rules,) = check_articles([article], score_compatible, replace(settings, parse_rules=False))
    assert all(relation.label == "compatible" for relation in without_rules.relations)


def score_compatible(pairs: list[tuple[str, str]]) -> list[NLIScores]:
    return [COMPATIBLE for _ in pairs]
