"""Rendering: every section names both sources; JSON follows docs/schema.md; the model is named by name and
hash; a verdict in NLI's or FEVER's names; the CSV tables and the DataFrames hold one row per claim and relation."""

import csv
import io
import json
import sys
from dataclasses import replace

import pytest

from verify import __version__, report_dataframes
from verify.datamodel import (
    Claim,
    ClaimRelation,
    ClaimVerdict,
    Cue,
    Evidence,
    ModelInfo,
    NLIScores,
    Note,
    NoteKind,
    Report,
    ReportStats,
    Source,
    Span,
)
from verify.errors import VerifyError
from verify.report.html import report_html
from verify.report.jsonl import report_json, to_json, verdict_json
from verify.report.markdown import report_markdown
from verify.report.sections import model_label, relation_sections
from verify.report.tables import CLAIM_COLUMNS, RELATION_COLUMNS, report_csv, table_rows
from verify.report.text import metrics_text, report_text, verdict_text

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
    ClaimRelation("c2", "c3", "compatible", 0.55, N, N, 0.45, False, possible_conflict=True),
)
REPORT = Report(
    article="fire.txt",
    text=TEXT,
    claims=CLAIMS,
    relations=RELATIONS,
    model=ModelInfo("tiny-nli", "9c1185a5c5e9fc54612808977ee8f548b2258d31" + "0" * 24),
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
    text = report_text(REPORT)
    body = text[text.index(section) :].split("\n\n")[0]
    assert all(source in body for source in sources), body


@pytest.mark.parametrize(
    ("relations", "first_line"),
    [
        (RELATIONS, "verify report: fire.txt — 1 contradiction, 0 corroborations"),
        ((), "verify report: fire.txt — 0 contradictions, 0 corroborations"),
        (
            (*RELATIONS, ClaimRelation("c3", "c1", "corroboration", 0.9, N, N, 0.5, False)),
            "verify report: fire.txt — 1 contradiction, 1 corroboration",
        ),
    ],
)
def test_the_text_report_says_what_it_found_in_its_first_line(relations, first_line):
    assert report_text(replace(REPORT, relations=relations)).splitlines()[0] == first_line


def test_markdown_shows_contradiction_probability_for_possible_conflicts():
    markdown = report_markdown(REPORT)
    possible = markdown[markdown.index("## Possible conflicts") :]
    assert "| compatible | 0.40 |" in possible


def test_json_round_trips_with_documented_fields():
    data = json.loads(to_json(report_json(REPORT)))
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
    assert data["model"] == {"name": "tiny-nli", "sha256": REPORT.model.sha256, "precision": None, "screen": None}
    assert (data["schema_version"], data["verify_version"]) == (2, __version__)


@pytest.mark.parametrize(
    "rendered",
    [report_text(REPORT), report_markdown(REPORT), report_html(REPORT)],
    ids=["text", "markdown", "html"],
)
def test_readable_reports_name_the_model_with_the_start_of_its_hash(rendered):
    assert "tiny-nli (sha256 9c1185a5c5e9)" in rendered
    assert REPORT.model.sha256 not in rendered  # 64 hex digits are for machines


@pytest.mark.parametrize(
    ("model", "label"),
    [
        (
            ModelInfo("verify-nli-mpnet", "5ce97771ded4" + "0" * 52, "int8"),
            "verify-nli-mpnet (sha256 5ce97771ded4, int8)",
        ),
        (
            ModelInfo("verify-nli-minilm-l6", "68d2ddad65da" + "0" * 52, "bf16"),
            "verify-nli-minilm-l6 (sha256 68d2ddad65da, bf16)",
        ),
        (ModelInfo("newsroom/nli-sharded", None, "fp32"), "newsroom/nli-sharded (fp32)"),
        (ModelInfo("tiny-nli", None), "tiny-nli"),
    ],
)
def test_model_label_says_the_precision_it_ran_in(model, label):
    assert model_label(model) == label


SCREENED = replace(
    REPORT,
    model=replace(REPORT.model, screen=ModelInfo("verify-nli-minilm-l6", "68d2ddad65da" + "0" * 52, "bf16")),
    stats=replace(REPORT.stats, pairs_screened_out=2),
)


@pytest.mark.parametrize("rendering", [report_text, report_markdown, report_html])
def test_readable_reports_name_the_screen_and_what_it_left_out(rendering):
    rendered = rendering(SCREENED)
    assert "tiny-nli (sha256 9c1185a5c5e9), screened by verify-nli-minilm-l6 (sha256 68d2ddad65da, bf16)" in rendered
    assert "3 of 6" in rendered and "(2 more related, screened out)" in rendered
    assert "screened" not in rendering(REPORT)


VERDICT_EVIDENCE = (Evidence(CLAIMS[0], C, refutes=True), Evidence(CLAIMS[1], N))


@pytest.mark.parametrize(
    ("claim_text", "label", "scores", "fever"),
    [
        ("Eight people died in the fire.", "entailment", NLIScores(0.91, 0.07, 0.02), "SUPPORTS"),
        ("Nobody died in the fire.", "contradiction", NLIScores(0.02, 0.06, 0.92), "REFUTES"),
        ("The fire started in a bakery.", "neutral", NLIScores(0.10, 0.85, 0.05), "NOT ENOUGH INFO"),
    ],
)
def test_a_verdict_is_written_in_nli_or_fever_names(claim_text, label, scores, fever):
    verdict = ClaimVerdict(claim_text, label, scores, VERDICT_EVIDENCE, ModelInfo("tiny-nli", None))
    assert verdict_json(verdict)["label"] == label
    assert verdict_json(verdict, "fever")["label"] == fever
    assert verdict_text(verdict).splitlines()[1].startswith(f"verdict: {label} (E ")
    assert verdict_text(verdict, "fever").splitlines()[1].startswith(f"verdict: {fever} (E ")
    data = verdict_json(verdict, "fever")
    assert data["scores"] == scores.as_dict()  # the scores keep their NLI names
    assert (data["model"], data["verify_version"]) == (
        {"name": "tiny-nli", "sha256": None, "precision": None, "screen": None},
        __version__,
    )


# Text a CSV must quote: commas, quotation marks, a line break inside a quotation.
QUOTED = (
    'The harbour master said: "Two ships, maybe three, sank."\n'
    '"Only one ship sank," the coast guard said, "and its crew is safe."'
)
QUOTED_CLAIMS = (
    Claim(
        "c1",
        "Two ships, maybe three, sank.",
        (Span(QUOTED.index("Two"), QUOTED.index('."') + 1),),
        Source("The harbour master", "The harbour master", "official", "person"),
        Cue("said", (Span(19, 23),), hedged=False),
    ),
    Claim(
        "c2",
        "Only one ship sank and its crew is safe.",
        (Span(QUOTED.index("Only"), QUOTED.index(',"')), Span(QUOTED.index("and its"), len(QUOTED) - 1)),
        Source("the coast guard", "the coast guard", "coast guard", "government_body"),
        Cue("said", (Span(QUOTED.index("said,"), QUOTED.index("said,") + 4),), hedged=False),
    ),
)
QUOTED_REPORT = Report(
    article="ships.txt",
    text=QUOTED,
    claims=QUOTED_CLAIMS,
    relations=(ClaimRelation("c1", "c2", "contradiction", 0.93, C, C, 0.81, False),),
    model=ModelInfo("tiny-nli", None),
    stats=ReportStats(claims=2, pairs_total=1, pairs_scored=1, seconds=0.1),
)
NO_RELATIONS = Report("calm.txt", TEXT, CLAIMS[:2], (), ModelInfo("tiny-nli", None), REPORT.stats)


@pytest.mark.parametrize("report", [REPORT, QUOTED_REPORT, NO_RELATIONS], ids=["fire", "quoted", "no relations"])
def test_csv_tables_have_a_header_and_one_row_per_claim_and_per_relation(report):
    claims = list(csv.DictReader(io.StringIO(report_csv(report, "claims"))))
    relations = list(csv.DictReader(io.StringIO(report_csv(report, "relations"))))
    assert [row["id"] for row in claims] == [claim.id for claim in report.claims]
    assert [row["text"] for row in claims] == [claim.text for claim in report.claims]
    assert [(row["first"], row["second"], row["label"]) for row in relations] == [
        (relation.first, relation.second, relation.label) for relation in report.relations
    ]
    assert report_csv(report, "relations").splitlines()[0].split(",") == list(RELATION_COLUMNS)
    assert report_csv(report, "claims").splitlines()[0].split(",") == list(CLAIM_COLUMNS)


def test_csv_rows_carry_sources_spans_and_both_directions():
    (first, second) = csv.DictReader(io.StringIO(report_csv(QUOTED_REPORT, "claims")))
    spans = QUOTED_CLAIMS[1].spans
    assert second["spans"] == f"{spans[0].start}-{spans[0].end};{spans[1].start}-{spans[1].end}"
    assert (int(second["start"]), int(second["end"])) == (spans[0].start, spans[1].end)
    assert (first["source"], first["role"], first["kind"], first["cue"], first["hedged"]) == (
        "The harbour master",
        "official",
        "person",
        "said",
        "False",
    )
    (relation,) = csv.DictReader(io.StringIO(report_csv(QUOTED_REPORT, "relations")))
    assert (relation["first_source"], relation["second_source"]) == ("The harbour master", "the coast guard")
    assert float(relation["backward_contradiction"]) == C.contradiction


def test_report_dataframes_has_the_csv_columns_and_a_row_per_claim_and_relation():
    pytest.importorskip("pandas")
    frames = report_dataframes(REPORT)
    assert frames["claims"].shape == (len(CLAIMS), len(CLAIM_COLUMNS))
    assert frames["relations"].shape == (len(RELATIONS), len(RELATION_COLUMNS))
    assert list(frames["relations"]["label"]) == ["contradiction", "compatible", "compatible"]
    assert frames["relations"]["forward_contradiction"].tolist() == [0.95, 0.95, 0.40]
    empty = report_dataframes(NO_RELATIONS)["relations"]
    assert empty.shape == (0, len(RELATION_COLUMNS)) and list(empty.columns) == list(RELATION_COLUMNS)


def test_report_dataframes_without_pandas_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # what an environment without pandas imports
    with pytest.raises(VerifyError, match="needs pandas: pip install pandas") as raised:
        report_dataframes(REPORT)
    assert "\n" not in str(raised.value)


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
    text = metrics_text(metrics, "fixtures")
    lines = {line.split()[0]: line.split()[-1] for line in text.splitlines()[2:5]}
    assert lines == {"task": "fixtures", "claim_f1": "0.9000", "gold_claims": "12"}
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines()[-3:]}
    assert rows["per_article"] == ["claim_f1", "contradiction_f1"]
    assert rows["fire"] == ["1.000", "0.500"] and rows["storm"] == ["0.800", "1.000"]


def test_verdict_text_marks_refuting_evidence_and_its_note():
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
    lines = verdict_text(verdict).splitlines()
    assert lines[1].startswith("verdict: contradiction")
    assert "refutes" in lines[3] and note in " ".join(" ".join(lines[3:-1]).split())
    assert "refutes" not in lines[-1] and "—" not in lines[-1]


@pytest.mark.parametrize("mention", ["the harbour\r\nmaster", "the harbour\rmaster", 'the "harbour, master"'])
def test_a_csv_cell_keeps_line_breaks_quotes_and_commas(mention):
    """A hard-wrapped article (CRLF, or a lone CR) can put a line break in a source's mention."""
    source = replace(QUOTED_CLAIMS[0].source, mention=mention)
    report = replace(QUOTED_REPORT, claims=(replace(QUOTED_CLAIMS[0], source=source), QUOTED_CLAIMS[1]))
    rows = list(csv.DictReader(io.StringIO(report_csv(report, "claims"), newline="")))
    assert [row["mention"] for row in rows] == [mention, QUOTED_CLAIMS[1].source.mention]


# A cell a spreadsheet would read as a formula (OWASP, "CSV Injection"): one starting with =, +, -, @, a tab or a
# carriage return.
@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("-5 degrees were recorded in Oymyakon overnight", "'-5 degrees were recorded in Oymyakon overnight"),
        ("+3 points for the Greens in the latest poll", "'+3 points for the Greens in the latest poll"),
        (
            '=HYPERLINK("http://leak.example","full donor list")',
            '\'=HYPERLINK("http://leak.example","full donor list")',
        ),
        ("=SUM(A1:A9) is the council's own budget total", "'=SUM(A1:A9) is the council's own budget total"),
        ("@AlmatyPolice is the force's only account", "'@AlmatyPolice is the force's only account"),
        ("\tthe port reopened at noon", "'\tthe port reopened at noon"),
        ("\rthe port reopened at noon", "'\rthe port reopened at noon"),
        ("5 degrees were recorded in Oymyakon overnight", "5 degrees were recorded in Oymyakon overnight"),
        ("the score was 2 - 1 at half time", "the score was 2 - 1 at half time"),
        ("questions go to press@police.example", "questions go to press@police.example"),
        ("'-5' was the figure the ministry gave", "'-5' was the figure the ministry gave"),
    ],
)
def test_csv_cells_a_spreadsheet_would_evaluate_are_written_as_text(text, cell):
    report = replace(QUOTED_REPORT, claims=(replace(QUOTED_CLAIMS[0], text=text), QUOTED_CLAIMS[1]))
    claims = list(csv.DictReader(io.StringIO(report_csv(report, "claims"), newline="")))
    (relation,) = csv.DictReader(io.StringIO(report_csv(report, "relations"), newline=""))
    assert (claims[0]["text"], relation["first_text"]) == (cell, cell)
    assert float(relation["probability"]) == 0.93 and int(claims[0]["start"]) == QUOTED_CLAIMS[0].start
    # The rows for programs hold the text as it is.
    assert table_rows(report, "claims")[0]["text"] == table_rows(report, "relations")[0]["first_text"] == text


def test_a_source_named_by_its_handle_is_written_as_text():
    handle = Source("@AlmatyPolice", "@AlmatyPolice", "police", "government_body")
    report = replace(QUOTED_REPORT, claims=(replace(QUOTED_CLAIMS[0], source=handle), QUOTED_CLAIMS[1]))
    (first, _) = csv.DictReader(io.StringIO(report_csv(report, "claims")))
    (relation,) = csv.DictReader(io.StringIO(report_csv(report, "relations")))
    assert (first["source"], first["mention"], relation["first_source"]) == ("'@AlmatyPolice",) * 3


def test_csv_relations_carry_both_claims_text_and_source():
    (relation,) = csv.DictReader(io.StringIO(report_csv(QUOTED_REPORT, "relations")))
    assert (relation["first"], relation["first_text"], relation["first_source"]) == (
        "c1",
        "Two ships, maybe three, sank.",
        "The harbour master",
    )
    assert (relation["second"], relation["second_text"], relation["second_source"]) == (
        "c2",
        "Only one ship sank and its crew is safe.",
        "the coast guard",
    )


def test_claims_read_back_from_json_equal_the_report_claims(bundled_report):
    # Every kind the bundled article has: narration, attributed and hedged claims, several spans.
    rows = json.loads(to_json(report_json(bundled_report)))["claims"]
    assert {row["source"]["kind"] for row in rows} >= {"author", "person"}
    assert any(row["cue"] for row in rows) and any(row["cue"] is None for row in rows)
    assert [Claim.from_jsonable(row) for row in rows] == list(bundled_report.claims)


def test_possible_conflicts_with_incompatible_figures_come_first():
    figures = Note(NoteKind.number_conflict, "people (death): eight against twelve")
    model_only = ClaimRelation("c3", "c4", "compatible", 0.10, C, C, 0.6, False, possible_conflict=True)
    with_figures = ClaimRelation(
        "c1", "c2", "compatible", 0.45, N, N, 0.8, False, notes=(figures,), possible_conflict=True
    )
    report = replace(REPORT, relations=(model_only, with_figures))
    (_, possible) = relation_sections(report)[-1]
    assert possible == [with_figures, model_only]
