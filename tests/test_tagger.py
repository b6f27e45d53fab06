import json

import pytest
import torch
from transformers import AutoTokenizer

from conftest import POLNEAR
from verify.attribution.settings import GroupingSettings
from verify.attribution.tagger import (
    LABELS,
    Anchor,
    AttributionTagger,
    TaggedSpan,
    best_bio_labels,
    decode_labels,
    group_attributions,
    hint_labels,
    snap_to_words,
    tokenize_article,
    window_starts,
)
from verify.datamodel import Span
from verify.evaluation.polnear import read_brat
from verify.training.attribution_tagger import default_base, selection_score, token_labels

TEXT = (
    "\u201cThe airport is operating smoothly,\u201d the deputy mayor said on Friday. "
    "According to the ministry, five planes were seized."
)


def _span(piece: str) -> Span:
    return Span(TEXT.index(piece), TEXT.index(piece) + len(piece))


ANN = "\n".join(
    [
        "T1\tContent {0.start} {0.end}\t\u201cThe airport is operating smoothly,\u201d".format(
            _span("\u201cThe airport is operating smoothly,\u201d")
        ),
        "T2\tSource {0.start} {0.end}\tthe deputy mayor".format(_span("the deputy mayor")),
        "T3\tCue {0.start} {0.end}\tsaid".format(_span("said")),
        "E1\tAttribution:T3 Content:T1 Cue:T3 Source:T2",
        "T4\tCue {0.start} {0.end}\tAccording to".format(_span("According to")),
        "T5\tSource {0.start} {0.end}\tthe ministry".format(_span("the ministry")),
        "T6\tContent {0.start} {0.end}\tfive planes were seized".format(_span("five planes were seized")),
        "E2\tAttribution:T4 Cue:T4 Source:T5 Content:T6",
    ]
)


@pytest.fixture(scope="module")
def tokenizer():
    return AutoTokenizer.from_pretrained(default_base())


@pytest.mark.parametrize(
    "n_tokens, size, stride, starts",
    [
        (5, 254, 128, [0]),
        (254, 254, 128, [0]),
        (300, 254, 128, [0, 46]),
        (600, 254, 128, [0, 128, 256, 346]),
        (709, 254, 254, [0, 254, 455]),
    ],  # end to end, as the hybrid reads: the last window reaches the end
)
def test_windows_cover_every_token(n_tokens, size, stride, starts):
    assert window_starts(n_tokens, size, stride) == starts
    assert starts[-1] + size >= n_tokens


@pytest.mark.parametrize(
    "labels, expected",
    [
        (["B-SOURCE", "I-SOURCE", "B-CUE", "O"], [("source", 0, 2), ("cue", 2, 3)]),
        (["I-CONTENT", "I-CONTENT", "I-CUE", "I-CONTENT"], [("content", 0, 2), ("cue", 2, 3), ("content", 3, 4)]),
        (["B-CONTENT", "B-CONTENT", "O", "O"], [("content", 0, 1), ("content", 1, 2)]),
    ],
)
def test_decode_labels(labels, expected):
    offsets = [(i, i + 1) for i in range(len(labels))]
    spans = decode_labels([LABELS.index(label) for label in labels], offsets)
    assert spans == [TaggedSpan(role, Span(start, end)) for role, start, end in expected]


def _log_probs(rows):
    """Per-token log-probabilities from {label: probability} rows (the rest spread evenly)."""
    table = []
    for row in rows:
        rest = (1 - sum(row.values())) / (len(LABELS) - len(row))
        table.append([row.get(label, rest) for label in LABELS])
    return torch.tensor(table).log()


@pytest.mark.parametrize(
    "rows, expected",
    [
        # "Tokayev said": argmax gives B-SOURCE I-CUE, which is not BIO; the best valid sequence starts a cue.
        ([{"B-SOURCE": 0.9}, {"I-CUE": 0.5, "B-CUE": 0.4}], ["B-SOURCE", "B-CUE"]),
        # a content span is not broken by one token that leans to I-SOURCE
        (
            [{"B-CONTENT": 0.9}, {"I-SOURCE": 0.45, "I-CONTENT": 0.4}, {"I-CONTENT": 0.9}],
            ["B-CONTENT", "I-CONTENT", "I-CONTENT"],
        ),
        # confident, valid argmax labels stay as they are
        (
            [{"O": 0.9}, {"B-CUE": 0.8}, {"B-CONTENT": 0.7}, {"I-CONTENT": 0.9}],
            ["O", "B-CUE", "B-CONTENT", "I-CONTENT"],
        ),
        ([{"I-CONTENT": 0.6, "O": 0.3}], ["O"]),  # no span starts with I-
    ],
)
def test_best_bio_labels_are_valid_bio(rows, expected):
    assert [LABELS[i] for i in best_bio_labels(_log_probs(rows))] == expected


def _valid(labels: list[str]) -> bool:
    return all(
        not label.startswith("I-") or (previous != "O" and previous[2:] == label[2:])
        for previous, label in zip(["O", *labels], labels)
    )


@pytest.mark.parametrize("seed", range(5))
def test_best_bio_labels_is_the_best_valid_sequence(seed):
    """Against brute force over every label sequence of five tokens."""
    import itertools

    log_probs = torch.randn(5, len(LABELS), generator=torch.Generator().manual_seed(seed)).log_softmax(-1)
    best = max(
        (
            sequence
            for sequence in itertools.product(range(len(LABELS)), repeat=5)
            if _valid([LABELS[i] for i in sequence])
        ),
        key=lambda sequence: sum(float(log_probs[t, i]) for t, i in enumerate(sequence)),
    )
    assert best_bio_labels(log_probs) == list(best)
    assert best_bio_labels(log_probs.numpy()) == list(best)


def test_hints_label_their_tokens_and_a_bonus_decides_unsure_tokens():
    offsets = [(0, 7), (8, 12), (13, 16), (17, 21), (22, 26)]  # "Tokayev said the port fell"
    hints = [
        TaggedSpan("source", Span(0, 7)),
        TaggedSpan("cue", Span(8, 12)),
        TaggedSpan("content", Span(13, 26)),
        TaggedSpan("cue", Span(17, 21)),
    ]  # a cue inside content: cue wins, as in training
    assert [LABELS[i] if i >= 0 else None for i in hint_labels(hints, offsets)] == [
        "B-SOURCE",
        "B-CUE",
        "B-CONTENT",
        "B-CUE",
        "I-CONTENT",
    ]
    # the model is unsure whether "said" is a cue, sure that "Tokayev" is no source
    rows = [{"O": 0.9}, {"O": 0.45, "B-CUE": 0.4}, {"O": 0.9}, {"O": 0.9}, {"O": 0.9}]
    log_probs = _log_probs(rows).numpy()
    labels = hint_labels(hints[:2], offsets)
    hinted = labels >= 0
    log_probs[hinted.nonzero()[0], labels[hinted]] += 0.5
    assert [LABELS[i] for i in best_bio_labels(log_probs)] == ["O", "B-CUE", "O", "O", "O"]


def test_anchors_send_content_to_the_cue_the_rules_gave_it():
    text = "\u201cThe port is open,\u201d he said. \u201cThe cranes are idle,\u201d he added."
    tagged = [
        TaggedSpan(role, _find(text, piece))
        for role, piece in [
            ("content", "The port is open"),
            ("cue", "said"),
            ("content", "The cranes are idle"),
            ("cue", "added"),
        ]
    ]
    nearest = {claim.cue.text: claim.text for claim in group_attributions(tagged, text)}
    assert nearest == {"said": "The port is open … The cranes are idle"}  # "added" is further away
    anchors = [Anchor(content=(_find(text, "The cranes are idle"),), cue=(_find(text, "added"),))]
    anchored = {claim.cue.text: claim.text for claim in group_attributions(tagged, text, anchors=anchors)}
    assert anchored == {"said": "The port is open", "added": "The cranes are idle"}


@pytest.mark.parametrize("gap, source", [(100, "The minister"), (20, "")])
def test_a_shared_source_is_within_the_settings_gap(gap, source):
    text = "The minister said the port would reopen on Monday and added that the cranes would be repaired."
    tagged = [
        TaggedSpan(role, _find(text, piece))
        for role, piece in [
            ("source", "The minister"),
            ("cue", "said"),
            ("content", "the port would reopen on Monday"),
            ("cue", "added"),
            ("content", "that the cranes would be repaired"),
        ]
    ]
    claims = group_attributions(tagged, text, GroupingSettings(max_source_gap=gap))
    assert claims[1].cue.text == "added" and claims[1].source.mention == source


@pytest.mark.parametrize(
    "piece, snapped",
    [("kayev", "Tokayev"), ("Tokay", "Tokayev"), ("Tokayev said", "Tokayev said"), ("’s President", "’s President")],
)
def test_spans_are_widened_to_whole_words(piece, snapped):
    text = "Kazakhstan’s President Tokayev said the airport was seized."
    start = text.index(piece)
    assert snap_to_words(Span(start, start + len(piece)), text).of(text) == snapped


def test_gold_labels_round_trip_to_the_gold_attributions(tokenizer):
    article = read_brat(TEXT, ANN, "doc")
    tokens = tokenize_article(tokenizer, TEXT)
    claims = group_attributions(decode_labels(token_labels(article.claims, tokens.offsets), tokens.offsets), TEXT)
    assert [(c.source.mention, c.cue.text, c.text) for c in claims] == [
        ("the deputy mayor", "said", "\u201cThe airport is operating smoothly,\u201d"),
        ("the ministry", "According to", "five planes were seized"),
    ]


def test_grouping_takes_nearest_content_and_drops_distant_sources():
    text = "Officials " + "x" * 120 + " said the bridge will reopen, and critics warned of delays."
    tagged = [
        TaggedSpan("source", Span(0, 9)),
        TaggedSpan("cue", _find(text, "said")),
        TaggedSpan("content", _find(text, "the bridge will reopen")),
        TaggedSpan("source", _find(text, "critics")),
        TaggedSpan("cue", _find(text, "warned of")),
        TaggedSpan("content", _find(text, "delays")),
    ]
    claims = group_attributions(tagged, text)
    assert [(c.source.mention, c.cue.text, c.text) for c in claims] == [
        ("", "said", "the bridge will reopen"),
        ("critics", "warned of", "delays"),
    ]


@pytest.mark.parametrize(
    "text, said_content",
    [
        # the complement belongs to "said" although "now says" is closer to it
        (
            "Trump said in a campaign ad aired on Monday that Clinton once praised the trade deal, "
            "but Clinton now says she opposes the deal.",
            "that Clinton once praised the trade deal",
        ),
        (
            "Johnson told reporters on a conference call late on Friday whether the hackers were foreign "
            "remained unclear, the FBI warned officials.",
            "whether the hackers were foreign remained unclear",
        ),
        # no complementizer: the nearest cue still wins
        (
            "Trump said in a campaign ad aired on Monday: Clinton once praised the trade deal, "
            "but Clinton now says she opposes the deal.",
            None,
        ),
    ],
)
def test_a_complement_goes_to_the_cue_before_it(text, said_content):
    first = said_content or "Clinton once praised the trade deal"
    later_cue = "now says" if "now says" in text else "warned"
    tagged = sorted(
        [
            TaggedSpan("source", _find(text, text.split()[0])),
            TaggedSpan("cue", _find(text, text.split()[1])),
            TaggedSpan("content", _find(text, first)),
            TaggedSpan("cue", _find(text, later_cue)),
            TaggedSpan("content", _find(text, "she opposes the deal" if later_cue == "now says" else "officials")),
        ],
        key=lambda tagged: tagged.span.start,
    )
    claims = {claim.cue.text: claim.text for claim in group_attributions(tagged, text)}
    if said_content:
        assert claims[text.split()[1]] == said_content
    else:
        assert text.split()[1] not in claims and first in claims[later_cue]


def _find(text: str, piece: str) -> Span:
    return Span(text.index(piece), text.index(piece) + len(piece))


@pytest.mark.parametrize(
    "source, cue, content, attribution, select, score",
    [
        (0.86, 0.84, 0.90, 0.80, "targets", -0.01),  # cue is the component furthest below its target
        (0.83, 0.84, 0.81, 0.75, "targets", -0.02),
        (0.90, 0.90, 0.85, 0.72, "targets", 0.02),  # every target met: the smallest margin
        (0.83, 0.84, 0.81, 0.75, "attribution", 0.75),
    ],
)
def test_tagger_checkpoints_are_chosen_by_overlap_f1(source, cue, content, attribution, select, score):
    dev = {
        "overlap/source/f1": source,
        "overlap/cue/f1": cue,
        "overlap/content/f1": content,
        "overlap/attribution/f1": attribution,
    }
    assert selection_score(dev, select) == pytest.approx(score)


@pytest.mark.slow
@pytest.mark.skipif(not POLNEAR.is_dir(), reason="PolNeAR data not found at ../shared/data/attribution/polnear")
def test_a_tiny_training_run_saves_a_loadable_tagger(tmp_path):
    from verify.training.attribution_tagger import main

    main(
        [
            "--data",
            str(POLNEAR),
            "--out",
            str(tmp_path),
            "--epochs",
            "2",
            "--limit",
            "2",
            "--all-annotations",
            "--average-from",
            "0",
            "--select",
            "targets",
            "--max-length",
            "64",
            "--stride",
            "32",
            "--device",
            "cpu",
        ]
    )
    log = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [record["epoch"] for record in log] == [0, 1, "average of 0..1"]
    kept = json.loads((tmp_path / "training.json").read_text())
    assert kept["config"]["all_annotations"] and kept["result"] in log
    assert selection_score(kept["result"]["dev"], "targets") == max(selection_score(r["dev"], "targets") for r in log)
    settings = json.loads((tmp_path / "settings.json").read_text())
    assert settings["tagger"] == {"max_length": 64, "stride": 32, "labels": list(LABELS)}
    assert json.loads((tmp_path / "config.json").read_text())["dtype"] == "float16"
    tagger = AttributionTagger.load(tmp_path)
    spans = tagger.tag(TEXT)
    assert spans == tagger.tag(TEXT)  # deterministic
    assert all(0 <= tagged.span.start < tagged.span.end <= len(TEXT) for tagged in spans)
