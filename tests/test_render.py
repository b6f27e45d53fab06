"""Rendering: every section names both sources; JSON follows docs/schema.md."""

import json

import pytest

from verify import render
from verify.datamodel import Claim, ClaimRelation, Cue, NLIScores, Note, NoteKind, Report, ReportStats, Source, Span

TEXT = (
    "Police said eight people died in the fire. Hospital officials said twelve people died. "
    "Power was cut on Monday, the utility said. Power was restored by Tuesday, the grid operator said."
)


def claim(claim_id, text, name, role, kind="government_body"):
    start = TEXT.index(text)
    return Claim(
        id=claim_id,
        text=text,
        spans=(Span(start, start + len(text)),),
        source=Source(mention=name, name=name, role=role, kind=kind),
        cue=Cue(text="said", spans=(), hedged=False),
    )


CLAIMS = (
    claim("c1", "eight people died in the fire", "police", "police"),
    claim("c2", "twelve people died", "hospital officials", "official", "anonymous"),
    claim("c3", "Power was cut on Monday", "the utility", "company", "organisation"),
    claim("c4", "Power was restored by Tuesday", "the grid operator", "grid operator", "organisation"),
)
C = NLIScores(0.01, 0.04, 0.95)
N = NLIScores(0.05, 0.55, 0.40)
RELATIONS = (
    ClaimRelation("c1", "c2", "contradiction", 0.95, C, C, 0.8, False),
    ClaimRelation("c3", "c4", "compatible", 0.95, C, N, 0.6, False, notes=(Note(NoteKind.change_over_time),)),
    ClaimRelation("c2", "c3", "compatible", 0.55, N, N, 0.45, False),
)
REPORT = Report(
    article="fire.txt",
    text=TEXT,
    claims=CLAIMS,
    relations=RELATIONS,
    model="tiny",
    stats=ReportStats(claims=4, pairs_total=6, pairs_scored=3, seconds=0.1),
)


@pytest.mark.parametrize(
    "section, sources",
    [
        ("CONTRADICTIONS (1)", ("police [c1]", "hospital officials (official) [c2]")),
        (
            "CHANGES OVER TIME (NOT CONTRADICTIONS) (1)",
            ("the utility (company) [c3]", "the grid operator (grid operator) [c4]"),
        ),
        (
            "POSSIBLE CONFLICTS BELOW THE CONTRADICTION THRESHOLD (1)",
            ("hospital officials (official) [c2]", "the utility (company) [c3]"),
        ),
    ],
)
def test_text_sections_name_both_sources(section, sources):
    text = render.report_text(REPORT)
    body = text[text.index(section) :].split("\n\n")[0]
    assert all(source in body for source in sources), body


def test_markdown_shows_contradiction_probability_for_possible_conflicts():
    markdown = render.report_markdown(REPORT)
    possible = markdown[markdown.index("## Possible conflicts") :]
    assert "| compatible | 0.40 |" in possible


def test_json_round_trips_with_documented_fields():
    data = json.loads(render.to_json(render.report_json(REPORT)))
    assert data["claims"][0]["spans"] == [
        [TEXT.index("eight"), TEXT.index("eight") + len("eight people died in the fire")]
    ]
    assert data["relations"][1]["temporal_update"] is True
    assert [source["name"] for source in data["sources"]] == [
        "police",
        "hospital officials",
        "the utility",
        "the grid operator",
    ]
    assert "text" not in data


def test_metrics_table_has_a_row_per_article_and_counts_as_integers():
    metrics = {
        "task": "fixtures",
        "claim_f1": 0.9,
        "gold_claims": 12.0,
        "per_article": {
            "fire": {"claim_f1": 1.0, "contradiction_f1": 0.5, "gold_claims": 5.0},
            "storm": {"claim_f1": 0.8, "contradiction_f1": 1.0, "gold_claims": 7.0},
        },
    }
    text = render.metrics_text(metrics, "fixtures")
    lines = {line.split()[0]: line.split()[-1] for line in text.splitlines()[2:5]}
    assert lines == {"task": "fixtures", "claim_f1": "0.9000", "gold_claims": "12"}
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines()[-3:]}
    assert rows["per_article"] == ["claim_f1", "contradiction_f1"]
    assert rows["fire"] == ["1.000", "0.500"] and rows["storm"] == ["0.800", "1.000"]


def test_verdict_text_marks_refuting_evidence_and_its_note():
    from verify.datamodel import ClaimVerdict, Evidence

    note = "the port disrupted in one claim, working normally in the other"
    verdict = ClaimVerdict(
        claim="The port was operating normally.",
        label="contradiction",
        scores=N,
        evidence=(
            Evidence(CLAIMS[2], N, refutes=True, notes=(Note(NoteKind.place_conflict, "port"),)),
            Evidence(CLAIMS[3], N),
        ),
    )
    lines = render.verdict_text(verdict).splitlines()
    assert lines[1].startswith("verdict: contradiction")
    assert "refutes" in lines[3] and note in " ".join(" ".join(lines[3:-1]).split())
    assert "refutes" not in lines[-1] and "—" not in lines[-1]
