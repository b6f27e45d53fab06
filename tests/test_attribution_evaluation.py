import pytest

from conftest import POLNEAR, needs_polnear
from verify.datamodel import Claim, Cue, Source, Span
from verify.errors import VerifyError
from verify.evaluation.attribution import AttributionEvaluator, evaluate_attribution, gold_categories
from verify.evaluation.polnear import AnnotatedArticle, load_polnear

TEXT = (
    "Officials said the bridge will reopen in May. "
    "\u201cThe repairs are finished,\u201d Mayor Ann Lopez told reporters. "
    "According to the ministry, traffic rose by 40 percent."
)


def _spans(*pieces: str) -> tuple[Span, ...]:
    return tuple(Span(TEXT.index(piece), TEXT.index(piece) + len(piece)) for piece in pieces)


def _claim(source: str | None, cue: str | None, *content: str, claim_id: str = "c") -> Claim:
    spans = _spans(*content)
    if source is None:
        attributed_to = Source(mention="", name="", role=None, kind="anonymous")
    else:
        attributed_to = Source(mention=source, name=source, role=None, kind="unknown", spans=_spans(source))
    return Claim(
        id=claim_id,
        text=" ".join(content),
        spans=spans,
        source=attributed_to,
        cue=Cue(text=cue, spans=_spans(cue), hedged=False) if cue else None,
    )


GOLD = AnnotatedArticle(
    doc_id="bridge_ab12",
    text=TEXT,
    claims=(
        _claim("Officials", "said", "the bridge will reopen in May"),
        _claim("Mayor Ann Lopez", "told", "\u201cThe repairs are finished,\u201d"),
        _claim("the ministry", "According to", "traffic rose by 40 percent"),
    ),
)

PREDICTED = [
    _claim("Officials", "said", "the bridge will reopen in May."),  # exact once punctuation is trimmed
    _claim("Lopez", "told reporters", "The repairs are finished"),  # 1 of 3 source tokens, 1 of 2 cue tokens
    _claim("traffic", "rose", "by 40 percent"),  # wrong source and cue, 3 of 5 content tokens
    Claim(id="n", text="the bridge", spans=_spans("the bridge"), source=Source.author()),  # narration
]


@pytest.mark.parametrize(
    "key, expected",
    [
        ("exact/source/f1", 1 / 3),
        ("exact/cue/f1", 1 / 3),
        ("exact/content/f1", 2 / 3),
        ("exact/attribution/f1", 1 / 3),
        ("overlap/source/f1", 2 / 3),
        ("overlap/cue/f1", 2 / 3),
        ("overlap/content/f1", 1.0),
        ("overlap/attribution/f1", 2 / 3),
        ("half_overlap/source/f1", 1 / 3),
        ("half_overlap/cue/f1", 2 / 3),
        ("half_overlap/content/f1", 1.0),
        ("half_overlap/attribution/f1", 1 / 3),
        ("predicted_attributions", 3),
        ("gold_attributions", 3),
        ("category/according_to_cue/count", 1),
        ("category/according_to_cue/overlap/content/recall", 1.0),
        ("category/according_to_cue/overlap/attribution/recall", 0.0),
        ("category/source_after_content/overlap/source/recall", 1.0),
        ("category/anonymous_source/exact/attribution/recall", 1.0),
    ],
)
def test_metrics_on_a_hand_made_article(key, expected):
    assert AttributionEvaluator([GOLD])([PREDICTED])[key] == pytest.approx(expected)


@pytest.mark.parametrize(
    "key, expected",
    [
        ("overlap/content/precision", 1.0),
        ("overlap/content/recall", 2 / 3),
        ("overlap/content/f1", 0.8),
        ("exact/attribution/precision", 0.5),
        ("exact/attribution/recall", 1 / 3),
        ("exact/attribution/f1", 0.4),
    ],
)
def test_precision_and_recall_differ_when_counts_differ(key, expected):
    assert AttributionEvaluator([GOLD])([PREDICTED[:2]])[key] == pytest.approx(expected)


def test_each_gold_attribution_is_matched_at_most_once():
    twice = [_claim("Officials", "said", "the bridge will reopen"), _claim("Officials", "said", "reopen in May")]
    metrics = AttributionEvaluator([GOLD])([twice])
    assert metrics["overlap/attribution/precision"] == pytest.approx(0.5)
    assert metrics["overlap/attribution/recall"] == pytest.approx(1 / 3)


@pytest.mark.parametrize(
    "predicted_source, matches",
    [(None, True), ("the ministry", False)],
)
def test_gold_attribution_without_source(predicted_source, matches):
    gold = AnnotatedArticle("d", TEXT, (_claim(None, "According to", "traffic rose by 40 percent"),))
    predicted = _claim(predicted_source, "According to", "traffic rose by 40 percent")
    metrics = AttributionEvaluator([gold])([[predicted]])
    assert metrics["exact/attribution/f1"] == (1.0 if matches else 0.0)
    assert metrics["exact/content/f1"] == 1.0
    assert "category/no_source/exact/source/recall" not in metrics


def test_a_colon_cue_is_scored_by_its_punctuation():
    text = "Pat Caddell: Democrat voters are worried."
    colon = Span(11, 12)
    caddell = Source("Pat Caddell", "Pat Caddell", None, "unknown", (Span(0, 11),))
    gold_claim = Claim("g", "Democrat voters are worried.", (Span(13, 41),), caddell, Cue(":", (colon,), False))
    article = AnnotatedArticle("d", text, (gold_claim,))
    wrong_cue = Claim("p", gold_claim.text, gold_claim.spans, gold_claim.source, Cue("are", (Span(29, 32),), False))
    assert AttributionEvaluator([article])([[gold_claim]])["exact/cue/f1"] == 1.0
    assert AttributionEvaluator([article])([[wrong_cue]])["overlap/cue/f1"] == 0.0


@pytest.mark.parametrize(
    "source, cue, content, categories",
    [
        ("Officials", "said", "the bridge will reopen in May", {"anonymous_source"}),
        ("Mayor Ann Lopez", "told", "\u201cThe repairs are finished,\u201d", {"direct_quote", "source_after_content"}),
        ("the ministry", "According to", "traffic rose by 40 percent", {"according_to_cue"}),
        (None, "According to", "traffic rose by 40 percent", {"according_to_cue", "no_source"}),
    ],
)
def test_gold_categories(source, cue, content, categories):
    assert gold_categories(_claim(source, cue, content), TEXT) == categories


@pytest.mark.parametrize(
    "text, source, content, category",
    [
        ("He said the talks had failed.", "He", "the talks had failed", "pronoun_source"),
        ("She said prices rose. Wages fell, too.", "She", "prices rose. Wages fell, too", "content_spans_sentences"),
    ],
)
def test_pronoun_and_multi_sentence_categories(text, source, content, category):
    def span(piece):
        return (Span(text.index(piece), text.index(piece) + len(piece)),)

    speaker = Source(source, source, None, "unknown", span(source))
    claim = Claim("c", content, span(content), speaker, Cue("said", span("said"), False))
    assert category in gold_categories(claim, text)


@pytest.mark.parametrize(
    "criterion, missed_cues, spurious_cues",
    [
        ("exact", ["told", "According to"], ["told reporters", "rose"]),
        ("overlap", ["According to"], ["rose"]),
    ],
)
def test_errors_list_the_unmatched_attributions(criterion, missed_cues, spurious_cues):
    (errors,) = AttributionEvaluator([GOLD]).errors([PREDICTED], criterion)
    assert errors.doc_id == "bridge_ab12"
    assert [claim.cue.text for claim in errors.missed] == missed_cues
    assert [claim.cue.text for claim in errors.spurious] == spurious_cues


def test_errors_reject_an_unknown_criterion():
    with pytest.raises(VerifyError, match="unknown criterion"):
        AttributionEvaluator([GOLD]).errors([PREDICTED], "partial")


def test_predictions_must_cover_every_article():
    with pytest.raises(VerifyError, match="expected 1"):
        AttributionEvaluator([GOLD])([])


@needs_polnear
def test_gold_copy_scores_one_and_nothing_scores_zero_on_dev():
    articles = load_polnear(POLNEAR / "dev")
    evaluator = AttributionEvaluator(articles)
    perfect = evaluator([list(article.claims) for article in articles])
    empty = evaluator([[] for _ in articles])
    f1_keys = [key for key in perfect if key.endswith("/f1")]
    assert len(f1_keys) == 12
    assert all(perfect[key] == 1.0 for key in f1_keys)
    assert all(empty[key] == 0.0 for key in f1_keys)


@needs_polnear
def test_evaluate_attribution_predicts_each_text_once():
    first_annotation = {}
    for article in load_polnear(POLNEAR / "dev"):
        first_annotation.setdefault(article.text, list(article.claims))
    calls, progress = [], []
    metrics = evaluate_attribution(
        POLNEAR / "dev",
        lambda text: calls.append(text) or first_annotation[text],
        progress=lambda done, total: progress.append((done, total)),
    )
    assert len(calls) == 84 and progress[-1] == (94, 94)
    # the two articles annotated six times disagree between annotators
    assert 0.9 < metrics["overlap/attribution/f1"] < 1.0
