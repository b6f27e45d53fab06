"""Corpus mode as a library: the per-article stage, the cross-article stage, and what `verify corpus` writes."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import invoke_in_a_fresh_process
from verify.cli import app
from verify.corpus.engine import Corpus, analyse_corpus, in_process_engine
from verify.datamodel import ArticleAnalysis, ArticleFailure, ArticleRecord
from verify.errors import VerifyError
from verify.pipeline import get_verifier
from verify.report.corpus import CORPUS_FILES, CorpusFolder, corpus_summary

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


@dataclass(frozen=True)
class Written:
    """A corpus run as `verify corpus` makes it: what it found, each article's outcome, the folder it wrote."""

    corpus: Corpus
    outcomes: list[ArticleAnalysis | ArticleFailure]
    folder: Path

    def rows(self, name: str) -> list[dict]:
        return [json.loads(line) for line in (self.folder / name).read_text().splitlines()]


def written(records, batch_size: int, folder: Path) -> Written:
    outcomes: list[ArticleAnalysis | ArticleFailure] = []

    def article_done(outcome: ArticleAnalysis | ArticleFailure) -> None:
        outcomes.append(outcome)
        files.add(outcome)

    with CorpusFolder(folder, force=False) as files:
        corpus = analyse_corpus(
            records, in_process_engine(get_verifier(MODEL), batch_size, lambda _: None), article_done
        )
        files.finish(corpus)
    return Written(corpus, outcomes, folder)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Written:
    return written(ARTICLES, 2, tmp_path_factory.mktemp("corpus") / "out")


def test_every_article_is_analysed_and_a_bad_one_is_a_failure_not_a_crash(run):
    # Told of each article as it finished, in input order.
    done = [o.id if isinstance(o, ArticleFailure) else o.record.id for o in run.outcomes]
    assert done == [record.id for record in ARTICLES]
    analyses = [outcome for outcome in run.outcomes if isinstance(outcome, ArticleAnalysis)]
    corpus = run.corpus
    assert [failure.id for failure in corpus.failures] == ["empty"]
    assert isinstance(corpus.failures[0].error, VerifyError)
    assert corpus.stats.articles == 3 and corpus.stats.failed == 1
    assert corpus.stats.claims == sum(len(a.report.claims) for a in analyses)
    assert corpus.stats.in_article_pairs_scored == sum(a.report.stats.pairs_scored for a in analyses) > 0
    assert 0 < corpus.stats.pairs_scored <= corpus.stats.pairs_considered


def test_a_screened_corpus_scores_a_part_of_the_same_pairs_and_says_so(run):
    # A screen that leaves out all but the strongest signals, so that these few short articles lose pairs to it.
    settings = replace(get_verifier(MODEL).settings, screen_model="verify-nli-minilm-l6", screen_threshold=0.9)
    engine = in_process_engine(get_verifier(MODEL, settings), 2, lambda _: None)
    corpus = analyse_corpus(ARTICLES, engine)
    screened, unscreened = corpus.stats, run.corpus.stats
    in_article = screened.in_article_pairs_scored + screened.in_article_pairs_screened_out
    assert in_article == unscreened.in_article_pairs_scored
    assert screened.pairs_scored + screened.pairs_screened_out == unscreened.pairs_scored
    assert screened.in_article_pairs_screened_out > 0 and unscreened.in_article_pairs_screened_out == 0
    assert f"({screened.in_article_pairs_screened_out} more related, screened out)" in corpus_summary(corpus)


def test_the_conflict_between_outlets_names_both_outlets_and_sources(run):
    # The first listed: across outlets, the most probable (the small model also calls the two reporters'
    # "a blaze" / "a fire broke out" sentences a contradiction, a known weakness of it).
    found = run.corpus.findings.contradictions[0]
    assert found.across_outlets and found.probability > 0.99
    sides = {found.first.outlet: found.first, found.second.outlet: found.second}
    assert sides["Daily Ledger"].source == "Maria Lopez" and "three workers" in sides["Daily Ledger"].text
    assert sides["Coastal Times"].source == "Dalton Freight" and "nobody" in sides["Coastal Times"].text
    summary = corpus_summary(run.corpus)
    across = summary.split("Contradictions across outlets")[1].split("\n2. ")[0]
    assert "Daily Ledger" in across and "Coastal Times" in across and "Maria Lopez" in across
    assert "Dalton Freight" in across
    assert "empty: " in summary  # the failed article is listed with its error
    assert (run.folder / "summary.md").read_text() == corpus_summary(run.corpus, markdown=True)


def test_the_files_hold_every_article_claim_and_relation(run):
    corpus = run.corpus
    # The files, and nothing else: the working files written article by article are gone.
    assert sorted(path.name for path in run.folder.iterdir()) == sorted((*CORPUS_FILES, "summary.md"))
    articles = run.rows("articles.jsonl")
    assert [row["id"] for row in articles] == ["ledger-fire", "times-fire", "times-council", "empty"]
    assert articles[0]["outlet"] == "Daily Ledger" and "error" in articles[3]
    claims = run.rows("claims.jsonl")
    assert len(claims) == corpus.stats.claims
    analyses = [outcome for outcome in run.outcomes if isinstance(outcome, ArticleAnalysis)]
    assert [(row["article"], row["id"], row["text"]) for row in claims] == [
        (a.record.id, claim.id, claim.text) for a in analyses for claim in a.report.claims
    ]
    relations = run.rows("relations.jsonl")
    scopes = [row["scope"] for row in relations]
    # Those between articles first, then each article's own.
    assert scopes == ["across"] * corpus.stats.pairs_scored + ["article"] * corpus.stats.in_article_pairs_scored
    across = [row for row in relations if row["scope"] == "across" and row["label"] == "contradiction"]
    assert {across[0]["first"]["article"], across[0]["second"]["article"]} == {"ledger-fire", "times-fire"}
    about = json.loads((run.folder / "corpus.json").read_text())
    assert about["stats"]["articles"] == 3 and about["model"]["name"] == "verify-nli-minilm-l6"
    story_claims = {tuple(member) for row in run.rows("stories.jsonl") for member in row["claim_ids"]}
    assert story_claims == {(row["article"], row["id"]) for row in claims if row["story"]}
    assert story_claims


def test_the_same_corpus_gives_the_same_files(tmp_path):
    first, second = (written(ARTICLES[:2], batch, tmp_path / f"batch-{batch}") for batch in (1, 2))
    for name in ("articles.jsonl", "claims.jsonl", "stories.jsonl"):
        assert first.rows(name) == second.rows(name)
    labels = [[(row["scope"], row["label"]) for row in run.rows("relations.jsonl")] for run in (first, second)]
    assert labels[0] == labels[1]


def test_a_run_that_fails_leaves_no_files_and_no_folder_it_made(tmp_path):
    def analyse(records):
        yield ArticleFailure("first", VerifyError("unreadable"), {})
        raise RuntimeError("the machine ran out of memory")

    engine = replace(in_process_engine(get_verifier(MODEL), 1, lambda _: None), analyse=analyse)
    made, kept = tmp_path / "new", tmp_path / "kept"
    kept.mkdir()
    for folder in (made, kept):
        with pytest.raises(RuntimeError), CorpusFolder(folder, force=False) as files:
            files.finish(analyse_corpus(ARTICLES, engine, files.add))
    assert not made.exists()
    assert kept.is_dir() and not any(kept.iterdir())


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
        # The default count given explicitly is still misplaced without --engine ray.
        (["--input", "articles.jsonl", "--workers", "2"], "--address and --workers are for --engine ray"),
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
