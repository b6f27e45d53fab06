"""The library calls: one per article, one per claim; models load once; same input, same output."""

import re
from dataclasses import replace
from functools import partial

import pytest

from conftest import BUNDLED_ARTICLE, SMALL_MODEL
from verify import VerifyError, check_claim, verify_article
from verify.attribution.chunks import chunks
from verify.check.articles import checked_claims
from verify.check.settings import for_model
from verify.datamodel import Note, NoteKind, to_jsonable
from verify.pipeline import get_verifier
from verify.runtime.models import DEFAULT_NLI_MODEL_DIR, has_weights

ARTICLE = BUNDLED_ARTICLE.read_text(encoding="utf-8")
NO_KNOWLEDGE_NOTE = str(Note(NoteKind.not_informed))
pytestmark = pytest.mark.skipif(not has_weights(DEFAULT_NLI_MODEL_DIR), reason="the shipped NLI model is absent")


@pytest.mark.parametrize(
    "claim, label, source",
    [
        ("Twelve police officers died in the unrest.", "contradiction", "Kazakh Ministry of Internal Affairs"),
        ("The government resigned on Wednesday.", "entailment", "the author"),
        pytest.param(
            "Protesters set the presidential palace on fire.",
            "entailment",
            "press sources",
            marks=pytest.mark.xfail(
                strict=True,
                reason="a known regression of the fitted claim-check head: window entailment 0.74 and the press "
                "sources' claim supporting it, but P(supported) 0.30 under its 0.35 threshold (issue 30)",
            ),
        ),
        ("Kazakhstan has no oil reserves.", "contradiction", "the author"),
        ("The weather in Almaty was sunny.", "neutral", None),
    ],
)
def test_check_claim_against_the_bundled_article(claim, label, source):
    verdict = check_claim(claim, ARTICLE)
    assert verdict.label == label, verdict.scores
    assert 1 <= len(verdict.evidence) <= 3
    if source:
        assert verdict.evidence[0].claim.source.name == source


@pytest.mark.parametrize(
    "claim, evidence, label, refutes, supports, note",
    [
        # a place disrupted in the evidence and working normally in the claim: refuted below the threshold
        (
            "The port in Hodeidah was operating normally.",
            "Rebels said they had seized the main port in Hodeidah overnight.",
            "contradiction",
            True,
            False,
            "the port disrupted in one claim, working normally in the other",
        ),
        # not being informed of a plan neither denies nor confirms it, whatever the model's scores
        (
            "The company will close the plant.",
            "Officials at the ministry said they had not been informed of any plan to close the plant.",
            "neutral",
            False,
            False,
            NO_KNOWLEDGE_NOTE,
        ),
        (
            "Northbrook has no plans to close the plant.",
            "Officials at the ministry said they had not been informed of any plan to close the plant.",
            "neutral",
            False,
            False,
            NO_KNOWLEDGE_NOTE,
        ),
        (
            "The palace was set on fire.",
            "Demonstrators set the presidential palace on fire on Wednesday, press sources said.",
            "entailment",
            False,
            True,
            "",
        ),
    ],
)
def test_check_claim_applies_the_parse_rules(claim, evidence, label, refutes, supports, note):
    verdict = check_claim(claim, evidence)
    assert verdict.label == label, verdict.scores
    top = verdict.evidence[0]
    assert (top.refutes, top.supports, top.note) == (refutes, supports, note)


@pytest.mark.parametrize(
    "seized, normal",
    [
        # the model alone leans to contradiction below the threshold; the place rule decides both ways alike
        (
            "Rebels said they had seized the main port in Hodeidah overnight.",
            "The port in Hodeidah was operating normally.",
        ),
        (
            "They had also taken five planes at Almaty's airport, the president said.",
            "The airport had been cleared of demonstrators and was operating smoothly.",
        ),
    ],
)
def test_report_and_check_judge_a_rule_decided_pair_alike(seized, normal):
    report = verify_article(f"{seized} {normal}")
    relation = next(r for r in report.relations if {r.first, r.second} == {c.id for c in report.claims[:2]})
    verdict = check_claim(normal, seized)
    assert (relation.label, verdict.label) == ("contradiction", "contradiction")
    assert NoteKind.place_conflict in {note.kind for note in relation.notes}
    assert NoteKind.place_conflict in {note.kind for note in verdict.evidence[0].notes}


@pytest.mark.parametrize(
    "text, figures_conflict",
    [
        (
            "According to a CNN poll, the senator leads her rival 45 percent to 40 percent. "
            "According to a Fox News poll, the senator leads her rival 52 percent to 41 percent.",
            False,  # two polls' estimates
        ),
        (
            "The senator leads her rival 45 percent to 40 percent, a CNN poll found. "
            "The senator leads her rival 52 percent to 41 percent, the campaign said.",
            False,  # a poll's estimate against a figure the campaign states
        ),
        (
            "The senator leads her rival 45 percent to 40 percent, the governor said. "
            "The senator leads her rival 52 percent to 41 percent, the campaign said.",
            True,
        ),
    ],
)
def test_figures_from_polls_are_compared_only_with_the_same_polls(text, figures_conflict):
    (relation,) = verify_article(text).relations
    assert (NoteKind.number_conflict in {note.kind for note in relation.notes}) is figures_conflict


def test_report_is_deterministic_and_models_load_once():
    first, second = verify_article(ARTICLE), verify_article(ARTICLE)
    assert get_verifier() is get_verifier()
    strip = lambda report: {**to_jsonable(report), "stats": None}  # noqa: E731 - timing differs
    assert strip(first) == strip(second)


def test_report_groups_tokayevs_statements():
    report = verify_article(ARTICLE)
    tokayev = [claim for claim in report.claims if claim.source.name == "Kassym-Jomart Tokayev"]
    assert {claim.cue.text for claim in tokayev} >= {"went on to say", "added", "alleged"}
    assert all(claim.source.role == "president" for claim in tokayev)
    assert report.stats.pairs_scored < report.stats.pairs_total / 4  # the gate: each claim with its nearest few


@pytest.mark.parametrize("text", ["", "Leave a Reply\n\nRequired fields are marked *", "!!! ---"])
def test_library_user_errors(text):
    with pytest.raises(VerifyError):
        verify_article(text)


def test_the_default_model_is_screened_and_says_so():
    report = verify_article(ARTICLE)
    assert report.model.screen is not None and report.model.screen.name == "verify-nli-minilm-l6"
    assert report.stats.pairs_screened_out > 0


def test_a_screen_leaves_out_only_pairs_in_which_it_finds_nothing(bundled_report):
    """A screen that is the main model itself can change no finding: what it leaves out, the model would have
    called compatible."""
    small = str(SMALL_MODEL)
    settings = replace(for_model(small), screen_model="verify-nli-minilm-l6", screen_threshold=0.25)
    screened = get_verifier(small, settings).report(ARTICLE, BUNDLED_ARTICLE.name)
    assert screened.stats.pairs_scored + screened.stats.pairs_screened_out == bundled_report.stats.pairs_scored
    assert 0 < screened.stats.pairs_screened_out < bundled_report.stats.pairs_scored
    kept = {(relation.first, relation.second) for relation in screened.relations}
    left_out = [relation for relation in bundled_report.relations if (relation.first, relation.second) not in kept]
    assert len(left_out) == screened.stats.pairs_screened_out
    for relation in left_out:
        assert relation.label == "compatible"
        # under the threshold both ways, give or take bf16's rounding between batches
        assert max(relation.forward.contradiction, relation.forward.entailment) < 0.27
        assert max(relation.backward.contradiction, relation.backward.entailment) < 0.27
    found = lambda report: {(r.first, r.second, r.label) for r in report.relations if r.label != "compatible"}  # noqa: E731
    assert found(screened) == found(bundled_report)


LONG_STORY = (
    "Fire crews fought a blaze at the port of Hodeidah on Tuesday.\n\n"
    "The harbour master said two warehouses had burned down. He said nobody was hurt.\n\n"
    "According to the coast guard, three ships left the harbour before the fire spread.\n"
    "The governor said the port would reopen on Friday.\n\n"
)


@pytest.mark.slow
@pytest.mark.skipif(not has_weights(SMALL_MODEL), reason=f"no NLI model weights in {SMALL_MODEL}")
def test_a_long_article_tells_every_stage_with_its_progress_and_the_time_left(monkeypatch):
    import verify.pipeline
    from verify.attribution.chunks import extract_in_chunks

    # Chunks of 800 characters, so that a short text is attributed in chunks as a long one is (50,000).
    monkeypatch.setattr(verify.pipeline, "extract_in_chunks", partial(extract_in_chunks, max_characters=800))
    monkeypatch.setattr(verify.pipeline, "SCORING_CHUNK", 4)
    text = LONG_STORY * 6
    messages: list[str] = []
    report = get_verifier(str(SMALL_MODEL)).report(text, progress=messages.append)

    # Each stage's messages: "<stage>: <done>/<total>[ characters], about <seconds> s left".
    stages: dict[str, list[tuple[int, int]]] = {}
    for message in messages:
        if counted := re.fullmatch(r"(.+): ([\d,]+)/([\d,]+)(?: characters)?, about \d+ s left", message):
            done, total = (int(number.replace(",", "")) for number in counted.groups()[1:])
            stages.setdefault(counted[1], []).append((done, total))
    assert list(stages)[:2] == ["segmenting and attributing claims", "embedding claims"]
    assert any(stage.startswith("scoring claim pairs with NLI") for stage in stages)
    assert list(stages)[-1] == "deciding scored pairs"
    for done_of_total in stages.values():
        done = [done for done, _ in done_of_total]
        assert done == sorted(done) and done[-1] == done_of_total[-1][1]  # counts up to the total
    assert len(stages["segmenting and attributing claims"]) == len(chunks(text, 800)) > 1
    assert stages["embedding claims"][-1][1] == len(checked_claims(list(report.claims)))
