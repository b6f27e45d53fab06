"""Checking one claim against an article: evidence windows, atomic sub-claims and the verdict they make."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from verify.check.fitted import ClaimCheckHead, LogisticModel
from verify.check.gate import content_words
from verify.check.settings import CheckSettings
from verify.check.subclaims import sub_claims
from verify.check.verdict import ArticleEvidence, claim_signals, is_disputed, verdict_against
from verify.check.windows import article_windows, evidence_windows, sentence_spans
from verify.datamodel import (
    Claim,
    ClaimCheckSignals,
    Cue,
    NLIScores,
    Source,
    Span,
    SubClaimCheck,
    WindowEvidence,
)
from verify.runtime.nlp import parse

ARTICLE = (
    "The city council approved the new budget on Monday. "
    "Spending on schools will rise by 4 percent next year. "
    "The mayor, who proposed the plan, said it protects libraries. "
    "Opposition members walked out before the vote. "
    "The port authority said cargo traffic fell in March. "
    "Fuel prices stayed high through the spring."
)


@pytest.mark.parametrize(
    ("max_tokens", "windows"),
    [
        # Sentences of 9, 10, 10, 7, 9 and 6 words: whole sentences within the budget, the next window
        # starting halfway into the one before.
        (20, [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5)]),
        (30, [(0, 2), (1, 3), (2, 4), (3, 5)]),
        (200, [(0, 5)]),  # a short article is one window
        (5, [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]),  # a sentence longer than the budget is alone
    ],
)
def test_windows_are_runs_of_whole_sentences_that_overlap(max_tokens, windows):
    sentences = sentence_spans(ARTICLE)
    assert len(sentences) == 6
    counts = [len(ARTICLE[start:end].split()) for start, end in sentences]
    found = evidence_windows(ARTICLE, sentences, counts, max_tokens)
    starts, ends = [start for start, _ in sentences], [end for _, end in sentences]
    assert [(starts.index(w.start), ends.index(w.end)) for w in found] == windows
    for window in found:
        assert ARTICLE[window.start : window.end] == window.text
        assert window.text[-1] == "."  # cut at a sentence's end, never inside one


def test_every_pair_of_neighbouring_sentences_shares_a_window():
    sentences = sentence_spans(ARTICLE)
    found = evidence_windows(ARTICLE, sentences, [9] * len(sentences), 20)
    for (start, _), (_, end) in zip(sentences, sentences[1:]):
        assert any(w.start <= start and end <= w.end for w in found)


def test_a_window_inside_the_one_before_is_not_made_again():
    # Sentences of 10, 50, 50 and 10 tokens in windows of 64: the second sentence alone would lie inside the
    # first window, so the windows are 0-1, 2-3.
    text = "Rain fell. The river rose. Roads closed. Schools shut."
    sentences = sentence_spans(text)
    found = evidence_windows(text, sentences, [10, 50, 50, 10], 64)
    assert [window.text for window in found] == ["Rain fell. The river rose.", "Roads closed. Schools shut."]


def test_an_article_without_windows_is_a_user_error():
    from verify.errors import VerifyError

    article = ArticleEvidence("  ", (), np.zeros((0, 512)), (), np.zeros((0, 512)))
    with pytest.raises(VerifyError, match="no sentences to check"):
        verdict_against("The port reopened.", article, hashed_words_embed, lexical_scorer, lexical_scorer)


def test_line_breaks_end_sentences_in_windows():
    text = "Markets closed early\nThe minister resigned on Friday."
    assert [text[s:e] for s, e in sentence_spans(text)] == ["Markets closed early", "The minister resigned on Friday."]
    assert article_windows("   \n ", lambda texts: [1] * len(texts), 50) == []


@pytest.mark.parametrize(
    ("claim", "facts"),
    [
        (
            "The company cut its full-year forecast, but its shares rose 5 percent.",
            ["The company cut its full-year forecast", "its shares rose 5 percent"],
        ),
        (
            "The minister resigned on Tuesday and left the country a day later.",
            ["The minister resigned on Tuesday", "The minister left the country a day later"],
        ),
        (
            "Rescuers found two survivors. The search will resume at dawn.",
            ["Rescuers found two survivors", "The search will resume at dawn"],
        ),
        # A short conjunct stays with the clause it joins; a line break inside a claim is not part of a fact.
        (
            "The minister cut taxes on fuel, raised the pension age and resigned.",
            ["The minister cut taxes on fuel", "The minister raised the pension age and resigned"],
        ),
        (
            "The bank raised rates by half a point\nand the pound rose against the dollar.",
            ["The bank raised rates by half a point", "the pound rose against the dollar"],
        ),
        # One fact: a list of nouns, a reported statement, a short conjunct that is part of its clause.
        ("Apples and pears were sold at the market.", ["Apples and pears were sold at the market."]),
        ("The spokesman said the plant was safe.", ["The spokesman said the plant was safe."]),
        ("Prices rose and fell.", ["Prices rose and fell."]),
        # Coordination inside what a source said, what a court ruled, or a relative clause keeps its frame whole.
        (
            "The minister said the economy grew last year and unemployment fell to four percent.",
            ["The minister said the economy grew last year and unemployment fell to four percent."],
        ),
        (
            "The court ruled that the law was unconstitutional and ordered the state to pay damages.",
            ["The court ruled that the law was unconstitutional and ordered the state to pay damages."],
        ),
        (
            "The man who arrived on Monday and left on Friday was arrested by police on Sunday.",
            ["The man who arrived on Monday and left on Friday was arrested by police on Sunday."],
        ),
    ],
)
def test_a_claim_is_split_into_the_facts_it_states(claim, facts):
    found = sub_claims(parse(claim))
    assert [fact.text for fact in found] == facts
    for fact in found:  # the offsets point at the claim's own words (a shared subject is added in front)
        assert claim[fact.start : fact.end] in fact.text


def lexical_scorer(pairs: list[tuple[str, str]]) -> list[NLIScores]:
    """A stand-in NLI model: the premise entails a hypothesis whose content words it all has, contradicts one
    that says "rose" where it says "fell" (or the reverse), and is neutral otherwise."""
    scores = []
    for premise, hypothesis in pairs:
        have, need = content_words(premise), content_words(hypothesis)
        opposed = any({a, b} == {"rose", "fell"} for a in need for b in have)
        if opposed and len(need - have) <= 1:
            scores.append(NLIScores(0.02, 0.08, 0.90))
        elif need <= have:
            scores.append(NLIScores(0.92, 0.06, 0.02))
        else:
            scores.append(NLIScores(0.05, 0.90, 0.05))
    return scores


def hashed_words_embed(texts: list[str]) -> np.ndarray:
    """A stand-in embedder: each content word in one of 512 dimensions (by a checksum), unit length."""
    rows = np.zeros((len(texts), 512), dtype=np.float32)
    for row, text in zip(rows, texts):
        for word in content_words(text):
            row[zlib.crc32(word.encode()) % 512] = 1.0
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-9)


def check(claim: str, head: ClaimCheckHead | None = None):
    windows = article_windows(ARTICLE, lambda texts: [len(t.split()) for t in texts], 22)
    article = ArticleEvidence(
        ARTICLE, (), np.zeros((0, 512)), tuple(windows), hashed_words_embed([w.text for w in windows])
    )
    settings = CheckSettings(parse_rules=False, claim_head=head)
    return verdict_against(claim, article, hashed_words_embed, lexical_scorer, lexical_scorer, settings)


def test_a_claim_joining_facts_from_two_sentences_is_supported_by_a_window():
    # No sentence of the article has both facts; the window holding both sentences entails the claim.
    verdict = check("The council approved the budget and spending on schools will rise by 4 percent.")
    assert verdict.label == "entailment"
    assert verdict.failed is None
    (support,) = verdict.windows[:1]
    assert "approved" in support.text and "4 percent" in support.text
    assert ARTICLE[support.start : support.end] == support.text


@pytest.mark.parametrize(
    ("claim", "label", "failed"),
    [
        # One fact edited: an opposite verb is refuted, an added fact is not enough information; each names it.
        (
            "The council approved the budget, and cargo traffic rose in March.",
            "contradiction",
            "cargo traffic rose in March",
        ),
        (
            "The council approved the budget and the mayor resigned on Friday.",
            "neutral",
            "the mayor resigned on Friday",
        ),
    ],
)
def test_a_claim_with_one_fact_edited_names_that_fact(claim, label, failed):
    verdict = check(claim)
    assert verdict.label == label
    assert verdict.failed is not None and verdict.failed.text == failed
    assert claim[verdict.failed.start : verdict.failed.end] == failed
    assert [fact.text for fact in verdict.sub_claims][0] == "The council approved the budget"


def constant_model(name: str, intercept: float) -> LogisticModel:
    """A logistic model reading one signal with weight 1 (standardised as is)."""
    return LogisticModel((name,), (0.0,), (1.0,), (1.0,), intercept)


def test_the_fitted_head_decides_with_calibrated_probabilities():
    head = ClaimCheckHead(
        constant_model("weakest_fact_entailment", 0.0),
        constant_model("strongest_fact_contradiction", 0.0),
        supported_threshold=0.7,
        refuted_threshold=0.6,
    )
    supported = check("The council approved the budget and spending on schools will rise by 4 percent.", head)
    assert supported.label == "entailment" and supported.supported == pytest.approx(0.92, abs=0.01)
    refuted = check("The council approved the budget, and cargo traffic rose in March.", head)
    assert refuted.label == "contradiction" and refuted.refuted == pytest.approx(0.90, abs=0.01)
    assert check("The council approved the budget.").supported is None  # no head: the thresholds decide


def test_claim_check_signals_are_named_for_the_head():
    head = {"features": ["window_entailment", "not_a_signal"], "mean": [0, 0], "scale": [1, 1]}
    with pytest.raises(ValueError, match="not_a_signal"):
        LogisticModel.from_jsonable({**head, "coefficients": [1, 1], "intercept": 0}, ClaimCheckSignals.names())


# The shipped model and its fitted head, on an article of our own: one fact from each of two sentences, then the
# same claim with one of the facts edited (a changed figure, an added event).
HARBOUR = (
    "Dockworkers at the port of Santos began a strike on Monday over unpaid wages. "
    "The union said about 2,000 members had joined the walkout. "
    "Exporters warned that soybean shipments could be delayed for weeks. "
    "The port authority said ships were being diverted to Paranagua."
)


@pytest.mark.parametrize(
    ("claim", "supported", "failed"),
    [
        ("Dockworkers at Santos went on strike and exporters warned soybean shipments could be delayed.", True, None),
        (
            "Dockworkers at Santos went on strike and the port authority closed the port for a month.",
            False,
            "the port authority closed the port for a month",
        ),
        (
            "Dockworkers at Santos began a strike on Monday, and about 9,000 union members joined the walkout.",
            False,
            "about 9,000 union members joined the walkout",
        ),
    ],
)
def test_the_shipped_checker_supports_joined_facts_and_names_an_edited_one(claim, supported, failed):
    from verify.pipeline import get_verifier

    verdict = get_verifier().check(claim, HARBOUR)
    assert (verdict.label == "entailment") == supported
    assert (verdict.failed.text if verdict.failed else None) == failed


def reported(text: str, source: str, kind: str, cue: str | None = None, hedged: bool = False) -> Claim:
    cue_of = Cue(cue, (Span(0, len(cue)),), hedged) if cue else None
    return Claim(
        id="c1",
        text=text,
        spans=(Span(0, len(text)),),
        source=Source(mention=source, name=source, role=None, kind=kind),
        cue=cue_of,
    )


@pytest.mark.parametrize(
    ("claim", "disputed"),
    [
        (reported("the photo of the shark on the highway was a hoax", "the author", "author"), True),
        (reported("the video is fake", "Snopes", "organization", "said"), True),
        (reported("it had paid a fee for the striker", "the club", "organization", "denied"), True),
        # A report said plainly, hedged, or with "false" only inside another word is not disputed.
        (reported("the club paid a fee for the striker", "the club", "organization", "said"), False),
        (reported("the singer was spotted in Paris", "fans", "group", "reportedly", hedged=True), False),
        (reported("the falsehood spread quickly online", "the author", "author"), False),
    ],
)
def test_an_article_claim_is_disputed_when_denied_or_called_untrue(claim, disputed):
    assert is_disputed(claim) is disputed


def test_how_the_article_reports_is_read_over_its_claims():
    article_claims = [
        reported("the singer was spotted in Paris", "fans", "group", "reportedly", hedged=True),
        reported("the video is fake", "Snopes", "organization", "said"),
        reported("the singer performed in Berlin on Friday", "the author", "author"),
        reported("tickets sold out in an hour", "the author", "author"),
    ]
    window = WindowEvidence(0, 10, "…", NLIScores(0.5, 0.4, 0.1))
    fact = SubClaimCheck(0, 10, "…", window, window)
    signals = claim_signals("The singer was in Paris.", window, window, [fact], [], article_claims)
    assert (signals.attributed_claims, signals.hedged_claims, signals.disputed_claims) == (0.5, 0.25, 0.25)


def test_news_claim_edits_join_two_sentences_and_flip_or_keep_the_second(tmp_path):
    from verify.training.claim_edits import news_claim_edits

    first = tmp_path / "port.txt"
    first.write_text(
        "Dockworkers at the port of Santos began a strike on Monday over unpaid wages. "
        "The union said that 2000 members had joined the walkout by the evening.\n",
        encoding="utf-8",
    )
    second = tmp_path / "budget.txt"
    second.write_text(
        "The city council approved the new budget for schools and libraries on Monday. "
        "Opposition members walked out of the chamber before the final vote was taken.\n",
        encoding="utf-8",
    )
    made = {e.id: e for e in news_claim_edits([first, second], 2)}
    joined = made["port-joined"]
    assert joined.label == "entailment" and joined.evidence == first.read_text(encoding="utf-8")
    assert joined.claim == first.read_text(encoding="utf-8").strip()
    flipped = made["port-number_swap"]  # the figure changes, nothing else
    assert flipped.label == "contradiction" and "2000" not in flipped.claim
    assert flipped.claim.startswith("Dockworkers at the port of Santos began a strike")
    added = made["port-added"]  # the second sentence comes from the other article
    other_sentences = [sentence.strip(". \n") for sentence in second.read_text(encoding="utf-8").split(". ")]
    assert added.label == "neutral" and any(added.claim.rstrip(".").endswith(s) for s in other_sentences)
