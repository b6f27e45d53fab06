"""Corpus mode as a library: the per-article stage, the cross-article stage, and what `verify corpus` writes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import invoke_in_a_fresh_process
from verify.cli import app
from verify.corpus import Corpus, analyse_corpus, in_process_engine
from verify.datamodel import ArticleFailure, ArticleRecord
from verify.errors import VerifyError
from verify.pipeline import get_verifier
from verify.render_corpus import CORPUS_FILES, corpus_files, corpus_summary

MODEL = "models/verify-nli-minilm-l6"

ARTICLES = (
    ArticleRecord(
        "ledger-fire",
        "Fire crews battled a blaze at the Harbor Point warehouse on Tuesday. "
        "Fire chief Maria Lopez said three workers were killed in the fire. "
        "The warehouse stored paint and solvents, according to city records.",
        {"outlet": "Daily Ledger", "date": "2024-03-05"},
    ),
    ArticleRecord(
        "times-fire",
        "A fire broke out at the Harbor Point warehouse on Tuesday. "
        "The owner, Dalton Freight, said nobody was killed in the fire. "
        "Dalton Freight said the building was insured.",
        {"outlet": "Coastal Times", "date": "2024-03-05"},
    ),
    ArticleRecord(
        "times-council",
        "The city council met on Wednesday to discuss the budget. "
        "Council member Ann Reyes said the library will stay open on weekends.",
        {"outlet": "Coastal Times", "date": "2024-03-06"},
    ),
    ArticleRecord("empty", "   \n", {"outlet": "Daily Ledger"}),
)


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    verifier = get_verifier(MODEL)
    done: list[str] = []
    result = analyse_corpus(
        ARTICLES,
        in_process_engine(verifier, 2, lambda _: None),
        lambda o: done.append(o.id if isinstance(o, ArticleFailure) else o.record.id),
    )
    assert done == [record.id for record in ARTICLES]  # told of each article as it finished, in order
    return result


def test_every_article_is_analysed_and_a_bad_one_is_a_failure_not_a_crash(corpus):
    assert [analysis.record.id for analysis in corpus.analyses] == ["ledger-fire", "times-fire", "times-council"]
    assert [failure.id for failure in corpus.failures] == ["empty"]
    assert isinstance(corpus.failures[0].error, VerifyError)
    assert corpus.stats.articles == 3 and corpus.stats.failed == 1
    assert corpus.stats.claims == sum(len(a.report.claims) for a in corpus.analyses)
    assert 0 < corpus.stats.pairs_scored <= corpus.stats.pairs_considered


def test_the_conflict_between_outlets_names_both_outlets_and_sources(corpus):
    # The first listed: across outlets, the most probable (the small model also calls the two reporters'
    # "a blaze" / "a fire broke out" sentences a contradiction, a known weakness of it).
    found = corpus.findings.contradictions[0]
    assert found.across_outlets and found.probability > 0.99
    sides = {found.first.outlet: found.first, found.second.outlet: found.second}
    assert sides["Daily Ledger"].source == "Maria Lopez" and "three workers" in sides["Daily Ledger"].text
    assert sides["Coastal Times"].source == "Dalton Freight" and "nobody" in sides["Coastal Times"].text
    summary = corpus_summary(corpus)
    across = summary.split("Contradictions across outlets")[1].split("\n2. ")[0]
    assert "Daily Ledger" in across and "Coastal Times" in across and "Maria Lopez" in across
    assert "Dalton Freight" in across
    assert "empty: " in summary  # the failed article is listed with its error


def test_the_files_hold_every_article_claim_and_relation(corpus):
    files = corpus_files(corpus)
    assert tuple(files) == CORPUS_FILES
    rows = {
        name: [json.loads(line) for line in text.splitlines()] for name, text in files.items() if name != "corpus.json"
    }
    assert [row["id"] for row in rows["articles.jsonl"]] == ["ledger-fire", "times-fire", "times-council", "empty"]
    assert rows["articles.jsonl"][0]["outlet"] == "Daily Ledger" and "error" in rows["articles.jsonl"][3]
    assert len(rows["claims.jsonl"]) == corpus.stats.claims
    scopes = [row["scope"] for row in rows["relations.jsonl"]]
    assert scopes.count("across") == corpus.stats.pairs_scored
    assert scopes.count("article") == corpus.stats.in_article_pairs_scored
    across = [row for row in rows["relations.jsonl"] if row["scope"] == "across" and row["label"] == "contradiction"]
    assert {across[0]["first"]["article"], across[0]["second"]["article"]} == {"ledger-fire", "times-fire"}
    about = json.loads(files["corpus.json"])
    assert about["stats"]["articles"] == 3 and about["model"]["name"] == "verify-nli-minilm-l6"
    story_claims = {tuple(member) for row in rows["stories.jsonl"] for member in row["claim_ids"]}
    assert story_claims == {(row["article"], row["id"]) for row in rows["claims.jsonl"] if row["story"]}


def test_the_same_corpus_gives_the_same_files():
    verifier = get_verifier(MODEL)
    runs = [
        corpus_files(analyse_corpus(ARTICLES[:2], in_process_engine(verifier, batch, lambda _: None)))
        for batch in (1, 2)
    ]
    first, second = runs
    assert first["claims.jsonl"] == second["claims.jsonl"]
    assert first["stories.jsonl"] == second["stories.jsonl"]
    labels = [
        [(json.loads(line)["scope"], json.loads(line)["label"]) for line in run["relations.jsonl"].splitlines()]
        for run in runs
    ]
    assert labels[0] == labels[1]


def _jsonl(path, records) -> None:
    path.write_text("".join(json.dumps({"id": r.id, "text": r.text, **r.fields}) + "\n" for r in records))


def test_the_command_writes_the_folder_prints_the_summary_and_keeps_what_is_there(tmp_path):
    source, out = tmp_path / "articles.jsonl", tmp_path / "out"
    _jsonl(source, ARTICLES)
    args = ["corpus", "--input", str(source), "--out", str(out), "--model", MODEL, "--quiet"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output  # one article failed: its error is in the files, the rest ran
    assert sorted(path.name for path in out.iterdir()) == sorted((*CORPUS_FILES, "summary.md"))
    assert result.stdout.startswith("verify corpus: 3 articles")
    assert "Maria Lopez" in (out / "summary.md").read_text()
    kept = {path.name: path.read_bytes() for path in out.iterdir()}
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 2 and "is not empty (use --force" in again.stderr
    assert {path.name: path.read_bytes() for path in out.iterdir()} == kept
    forced = CliRunner().invoke(app, [*args, "--force"])
    assert forced.exit_code == 1 and (out / "corpus.json").read_bytes() != b""


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--input", "missing.jsonl"], "missing.jsonl: no such file"),
        (["--input", "articles.jsonl", "--workers", "3"], "--address and --workers are for --engine ray"),
        (["--input", "articles.jsonl", "--format", "json"], "--format json is not for verify corpus"),
        (["--input", "articles.jsonl", "--out", "taken.txt"], "taken.txt: exists and is not a directory"),
        (["--input", "articles.jsonl", "--out", "no/such/folder"], "no/such: no such directory"),
        (["--input", "duplicated.jsonl"], "duplicate"),
    ],
)
def test_user_errors_come_in_one_line_before_the_models_load(tmp_path, extra, message):
    _jsonl(tmp_path / "articles.jsonl", ARTICLES[:2])
    _jsonl(tmp_path / "duplicated.jsonl", [ARTICLES[0], ARTICLES[0]])
    (tmp_path / "taken.txt").write_text("a report someone keeps")
    out = [] if "--out" in extra else ["--out", "out"]
    status, stderr = invoke_in_a_fresh_process(["corpus", *extra, *out], tmp_path)
    assert status == "2 False False", stderr
    assert message in stderr and len(stderr.strip().splitlines()) == 1
    assert (tmp_path / "taken.txt").read_text() == "a report someone keeps"
