import pytest

from conftest import POLNEAR
from verify.datamodel import Span
from verify.errors import VerifyError
from verify.evaluation.polnear import load_polnear, read_brat

TEXT = (
    "The New York Post reported that the senator resigned. "
    "\u201cWe will not back down,\u201d said Governor Lee, \u201cnot now, not ever.\u201d "
    "Critics have faced ridicule online over the plan."
)


def _offsets(piece: str, occurrence: int = 0) -> str:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(piece, start + 1)
    return f"{start} {start + len(piece)}"


QUOTE_1 = "\u201cWe will not back down,\u201d"
QUOTE_2 = "\u201cnot now, not ever.\u201d"
ANN = "\n".join(
    [
        f"T1\tSource {_offsets('The New York Post')}\tThe New York Post",
        f"T2\tCue {_offsets('reported')}\treported",
        f"T3\tContent {_offsets('the senator resigned')}\tthe senator resigned",
        f"T4\tAttribution {_offsets('reported')}\treported",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        f"T5\tContent {_offsets(QUOTE_1)};{_offsets(QUOTE_2)}\t{QUOTE_1} {QUOTE_2}",
        f"T6\tCue {_offsets('said')}\tsaid",
        f"T7\tSource {_offsets('Governor Lee')}\tGovernor Lee",
        f"T8\tAttribution {_offsets('said')}\tsaid",
        "E2\tAttribution:T8 Source:T7 Cue:T6 Content:T5",
        f"T9\tContent {_offsets('Critics')}\tCritics",
        f"T10\tCue {_offsets('have faced ridicule online')}\thave faced ridicule online",
        f"T11\tAttribution-no-source {_offsets('have faced ridicule online')}\thave faced ridicule online",
        "E3\tAttribution-no-source:T11 Content:T9 Cue:T10",
        "#1\tAnnotatorNotes T9\tnot sure about this one",
        f"T12\tDiscuss {_offsets('the plan')}\tthe plan",
        "E4\tAttribution:T8 ",  # an unfinished event: no cue, no content
    ]
)


@pytest.fixture(scope="module")
def article():
    return read_brat(TEXT, ANN, "post_2016-01-01_senator_ab12")


@pytest.mark.parametrize(
    "claim_id, source, cue, content, content_pieces",
    [
        ("E1", "The New York Post", "reported", "the senator resigned", 1),
        ("E2", "Governor Lee", "said", f"{QUOTE_1} … {QUOTE_2}", 2),
        ("E3", "", "have faced ridicule online", "Critics", 1),
    ],
)
def test_events_become_claims(article, claim_id, source, cue, content, content_pieces):
    claim = next(claim for claim in article.claims if claim.id == claim_id)
    assert claim.source.mention == source
    assert [span.of(TEXT) for span in claim.source.spans] == ([source] if source else [])
    assert claim.cue.text == cue and claim.cue.hedged is False
    assert claim.text == content
    assert len(claim.spans) == content_pieces
    assert claim.source.kind == "unknown"


def test_unfinished_events_and_non_attribution_labels_are_skipped(article):
    assert [claim.id for claim in article.claims] == ["E1", "E2", "E3"]
    assert article.doc_id == "post_2016-01-01_senator_ab12"


def test_second_content_role_is_merged():
    ann = ANN.replace("Content:T5", "Content:T5 Content2:T13") + f"\nT13\tContent {_offsets('Critics')}\tCritics"
    claim = read_brat(TEXT, ann, "doc").claims[1]
    assert [span.of(TEXT) for span in claim.spans] == [QUOTE_1, QUOTE_2, "Critics"]


def test_span_text_with_a_newline_continues_on_the_next_line():
    text = "Officials said the bridge\nwill reopen in May."
    ann = (
        "T1\tSource 0 9\tOfficials\nT2\tCue 10 14\tsaid\n"
        "T3\tContent 15 45\tthe bridge\nwill reopen in May.\n"
        "T4\tAttribution 10 14\tsaid\nE1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n"
    )
    (claim,) = read_brat(text, ann, "doc").claims
    assert claim.spans == (Span(15, 45),)


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ("T1\tSource 0 9\tThe Times", "does not match"),
        ("T1\tSource 0 900\tOfficials", "past the text"),
        ("T1\tSource zero nine\tOfficials", "malformed"),
        ("E1\tAttribution:T4 Cue:T2 Content:T99", "missing entity"),
        ("E1\tAttribution:T4 Cue:T2 Content", "missing entity"),
    ],
)
def test_inconsistent_annotations_raise(bad_line, message):
    text = "Officials said the bridge will reopen in May."
    ann = "T1\tSource 0 9\tOfficials\nT2\tCue 10 14\tsaid\nT4\tAttribution 10 14\tsaid\n" + bad_line
    with pytest.raises(VerifyError, match=message):
        read_brat(text, ann, "doc")


def test_load_polnear_matches_annotation_files_to_texts(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "post_senator.txt").write_text(TEXT, encoding="utf-8")
    for annotator in ("ab12", "cd34"):
        (tmp_path / "attributions" / f"post_senator_{annotator}.ann").write_text(ANN, encoding="utf-8")
    articles = load_polnear(tmp_path)
    assert [article.doc_id for article in articles] == ["post_senator_ab12", "post_senator_cd34"]
    assert all(article.text == TEXT and len(article.claims) == 3 for article in articles)


def test_load_polnear_rejects_a_directory_that_is_not_a_split(tmp_path):
    with pytest.raises(VerifyError, match="not a PolNeAR split"):
        load_polnear(tmp_path)


@pytest.mark.skipif(not POLNEAR.is_dir(), reason="PolNeAR data not found at ../shared/data/attribution/polnear")
def test_dev_split_loads_every_annotation_file():
    articles = load_polnear(POLNEAR / "dev")
    assert len(articles) == 94
    assert len({article.text for article in articles}) == 84
    assert sum(len(article.claims) for article in articles) > 2000
