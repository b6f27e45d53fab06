"""Many articles at once: inputs checked before any model loads, reports batched across articles equal to one
report at a time, JSON lines streamed and appended to --out so that a rerun resumes after a kill -9."""

from __future__ import annotations

import errno
import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import DEV_FIXTURES, NEWS_PAGE, POLNEAR, SMALL_MODEL, invoke_in_a_fresh_process
from verify.cli import app
from verify.datamodel import NLI_LABELS, ArticleFailure, ArticleRecord, Report, to_jsonable
from verify.errors import VerifyError
from verify.io.inputs import article_inputs
from verify.io.output import AppendedLines
from verify.report.jsonl import json_line, result_line
from verify.runtime.models import has_weights

needs_small_model = pytest.mark.skipif(not has_weights(SMALL_MODEL), reason=f"no NLI model weights in {SMALL_MODEL}")
runner = CliRunner()

# Short wire stories, each with sources that agree or disagree.
NEWS = {
    "port-fire": "A fire at the container terminal killed two workers on Tuesday, the city council said. "
    '"Nobody was hurt," a spokesman for the operator told reporters. '
    "The harbour master said the blaze was under control by noon.",
    "rail-strike": "Train drivers will strike on Friday, the union said in a statement. "
    "The rail operator said all trains would run as normal on Friday.",
    "rates": "The central bank raised interest rates by half a percentage point on Thursday. "
    "Inflation reached 9 percent in May, the statistics office said. "
    "The finance minister said inflation was falling.",
    "floods": "Floods cut power to 40,000 homes overnight, the utility said. "
    "By Sunday evening electricity had been restored to all homes, a company spokeswoman said.",
    "budget": "The city council approved the budget on Monday, the mayor said. "
    "The new library will open in March, according to the council's spokeswoman.",
    "ceasefire": "Both sides agreed to a ceasefire on Saturday, the foreign ministry said. "
    "Shelling continued through the night, residents told reporters.",
}
OUTLETS = {"port-fire": "Harbour Times", "rail-strike": "Wire", "floods": "Wire"}


def write_records(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def news_records() -> list[dict]:
    return [
        {"id": key, "text": text, **({"outlet": OUTLETS[key]} if key in OUTLETS else {})} for key, text in NEWS.items()
    ]


# ---------------------------------------------------------------- inputs, checked before any model loads


@pytest.mark.parametrize(
    ("lines", "fragment"),
    [
        (['{"id": "a", "text": "x"}', "{not json"], "records.jsonl:2: not JSON"),
        # the column of the error, in characters as an editor counts them (a byte-order mark, accents, a tab)
        (
            ['{"id": "a", "text": "x"}', '{"id": "b", "text": "x",, }'],
            "records.jsonl:2: not JSON (Expecting property name enclosed in double quotes, column 25)",
        ),
        (
            ['\ufeff{"id": "é", "text": "Le maire a déclaré",}'],
            ", column 42)",  # the closing brace (json's message differs between Python versions)
        ),
        (['{"id": "a", "text": "The mayor said\tit was shut."}'], "not JSON (Invalid control character, column 36)"),
        (['["a", "x"]'], "records.jsonl:1: not a JSON object"),
        (['{"text": "The mayor resigned."}'], 'records.jsonl:1: "id" must be a non-empty string'),
        (['{"id": "  ", "text": "The mayor resigned."}'], '"id" must be a non-empty string'),
        (['{"id": 7, "text": "The mayor resigned."}'], '"id" must be a non-empty string'),
        (['{"id": "a"}'], '"text" must be a string, not missing'),
        (['{"id": "a", "text": ["The mayor resigned."]}'], '"text" must be a string, not list'),
        (['{"id": "a", "text": "x", "report": "mine"}'], 'the field "report" is a key of verify'),
        (
            ['{"id": "a", "text": "x"}', "", '{"id": "a", "text": "y"}'],
            "duplicate id 'a' (records.jsonl:1 and records.jsonl:3)",
        ),
        (['{"id": "a", "text": "The mayor \\udc00 resigned."}'], "records.jsonl:1: holds an unpaired surrogate"),
        ([], "holds no records"),
    ],
)
def test_a_bad_jsonl_record_is_one_line_naming_its_line(tmp_path, monkeypatch, lines, fragment):
    monkeypatch.chdir(tmp_path)
    Path("records.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    with pytest.raises(VerifyError) as raised:
        article_inputs(jsonl=Path("records.jsonl"))
    assert fragment in str(raised.value) and "\n" not in str(raised.value)


def test_a_jsonl_line_that_is_not_utf8_is_named(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_bytes(b'{"id": "a", "text": "ok"}\n' + '{"id": "b", "text": "Le café a brûlé."}\n'.encode("latin-1"))
    with pytest.raises(VerifyError, match=r"records.jsonl:2: not UTF-8 text \(invalid byte at offset 27\)"):
        article_inputs(jsonl=records)


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda tmp: [str(tmp / "missing.txt")], "missing.txt: no such file"),
        (lambda tmp: [str(tmp / "empty-folder")], "empty-folder: no articles in the folder"),
        (lambda tmp: [str(tmp / "a.txt"), str(tmp / "a.txt")], "duplicate id"),
        (lambda tmp: ["-", "-"], "duplicate id '-'"),
    ],
)
def test_bad_paths_are_one_line(tmp_path, make, fragment):
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "empty-folder" / "notes.md").write_text("not an article")
    (tmp_path / "a.txt").write_text(NEWS["budget"])
    with pytest.raises(VerifyError, match=fragment):
        article_inputs(make(tmp_path))


def test_a_folder_gives_its_articles_by_name_with_their_paths_as_ids(tmp_path):
    folder = tmp_path / "desk"
    folder.mkdir()
    for name in ("b.txt", "a.html", "c.HTM", ".draft.txt", "notes.md"):
        (folder / name).write_text(NEWS_PAGE if "htm" in name.lower() else NEWS["budget"], encoding="utf-8")
    (folder / "sub.txt").mkdir()  # a folder, whatever its name
    inputs = article_inputs([str(folder)])
    assert inputs.ids == tuple(os.path.join(str(folder), name) for name in ("a.html", "b.txt", "c.HTM"))
    read = list(inputs.read())
    assert [r.from_html for r in read] == [True, False, True]
    assert "Nobody was hurt" in read[0].article.text and "<p>" not in read[0].article.text


def test_records_carry_their_fields_and_an_unreadable_file_fails_alone(tmp_path):
    records = write_records(tmp_path / "records.jsonl", news_records()[:2])
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    inputs = article_inputs([str(binary)], jsonl=records)
    assert inputs.ids == (str(binary), "port-fire", "rail-strike")
    failure, fire, strike = inputs.records()
    assert isinstance(failure, ArticleFailure) and "binary file" in str(failure.error)
    assert fire == ArticleRecord("port-fire", NEWS["port-fire"], {"outlet": "Harbour Times"})
    assert strike.fields == {"outlet": "Wire"}
    assert [read.article.id for read in inputs.read(skip={"port-fire"})] == [str(binary), "rail-strike"]


def test_a_saved_dataset_gives_its_rows_as_records(tmp_path):
    datasets = pytest.importorskip("datasets", reason="datasets comes with the train extra")
    rows = news_records()[:3]
    datasets.Dataset.from_list([{**row, "outlet": row.get("outlet", "")} for row in rows]).save_to_disk(tmp_path / "ds")
    inputs = article_inputs(dataset=tmp_path / "ds")
    assert inputs.ids == ("port-fire", "rail-strike", "rates")
    assert [read.article.fields for read in inputs.read()] == [
        {"outlet": "Harbour Times"},
        {"outlet": "Wire"},
        {"outlet": ""},
    ]
    datasets.DatasetDict({"train": datasets.Dataset.from_list(rows[:1])}).save_to_disk(tmp_path / "splits")
    with pytest.raises(VerifyError, match="holds several splits"):
        article_inputs(dataset=tmp_path / "splits")
    with pytest.raises(VerifyError, match="cannot read saved dataset"):
        article_inputs(dataset=tmp_path)


@pytest.mark.skipif(not (POLNEAR / "dev" / "text").is_dir(), reason=f"PolNeAR data not found at {POLNEAR}")
def test_the_polnear_dev_texts_read_as_one_folder():
    folder = POLNEAR / "dev" / "text"
    inputs = article_inputs([str(folder)])
    assert len(inputs.ids) == len(list(folder.glob("*.txt"))) and list(inputs.ids) == sorted(inputs.ids)
    assert all(isinstance(read.article, ArticleRecord) and read.article.text.strip() for read in inputs.read())


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["report", "--input", "bad.jsonl", "--format", "jsonl"], "bad.jsonl:2: not JSON"),
        (["report", "--input", "missing.jsonl", "--format", "jsonl"], "missing.jsonl: no such file"),
        (["report", "a.txt", "a.txt", "--format", "jsonl"], "duplicate id 'a.txt'"),
        (["report", "a.txt", "b.txt"], "several articles are reported with --format jsonl"),
        (["report", "desk"], "desk: is a directory: its articles are reported with --format jsonl"),
        (["report", "a.txt", "--format", "jsonl", "--table", "claims"], "--table is for --format csv"),
        (["report", "a.txt", "--format", "jsonl", "--out", "foreign.jsonl"], "foreign.jsonl:1: not a result line"),
        (["report", "a.txt", "--format", "jsonl", "--model", "./no-such-model"], "no such directory"),
        (["report", "--format", "jsonl"], "no articles given"),
    ],
)
def test_batch_user_errors_are_found_before_torch_is_imported(tmp_path, args, fragment):
    write_records(tmp_path / "bad.jsonl", news_records()[:1])
    with (tmp_path / "bad.jsonl").open("a") as bad:
        bad.write('{"id": "b", "text": \n')
    (tmp_path / "a.txt").write_text(NEWS["budget"])
    (tmp_path / "b.txt").write_text(NEWS["floods"])
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk" / "c.txt").write_text(NEWS["rates"])
    (tmp_path / "foreign.jsonl").write_text('{"premise": "p", "hypothesis": "h"}\n')
    status, stderr = invoke_in_a_fresh_process(args, tmp_path)
    assert status == "2 False False", stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], stderr


# ---------------------------------------------------------------- appending and resuming --out


def result(identifier: str, **fields) -> str:
    return json_line({"id": identifier, **fields, "report": {"claims": []}})


def test_lines_are_appended_and_a_rerun_knows_what_is_finished(tmp_path):
    out = tmp_path / "out.jsonl"
    with AppendedLines(out, force=False) as lines:
        assert lines.finished == set() and lines.cut == 0
        lines.append(result("port-fire", outlet="Harbour Times"))
        lines.append(json_line({"id": "empty", "error": "the article is empty"}))
    with AppendedLines(out, force=False) as lines:
        assert (lines.finished, lines.failed) == ({"port-fire", "empty"}, {"empty"})
        lines.append(result("rates"))
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["port-fire", "empty", "rates"]
    with AppendedLines(out, force=True) as lines:  # --force: afresh
        assert lines.finished == set()
    assert out.read_bytes() == b""


@pytest.mark.parametrize("partial", [b'{"id": "rates", "report": {"cla', b"{", b'{"id": "rates"}'])
def test_an_unfinished_last_line_is_cut_off_and_logged(tmp_path, caplog, partial):
    out = tmp_path / "out.jsonl"
    whole = (result("port-fire") + "\n").encode()
    out.write_bytes(whole + partial)
    with caplog.at_level(logging.WARNING, logger="verify"), AppendedLines(out, force=False) as lines:
        assert lines.finished == {"port-fire"} and lines.cut == len(partial)
        lines.append(result("rates"))
    assert out.read_bytes() == whole + (result("rates") + "\n").encode()
    assert f"cut an unfinished last line ({len(partial)} bytes)" in caplog.text


def test_appending_is_refused_through_a_symlink_and_beside_another_run(tmp_path):
    victim = tmp_path / "victim.jsonl"
    victim.write_text(result("keep") + "\n")
    (tmp_path / "link.jsonl").symlink_to(victim)
    with pytest.raises(VerifyError, match="is a symbolic link"):
        AppendedLines(tmp_path / "link.jsonl", force=True)
    assert victim.read_text() == result("keep") + "\n"
    with AppendedLines(tmp_path / "out.jsonl", force=False), pytest.raises(VerifyError, match="another verify run"):
        AppendedLines(tmp_path / "out.jsonl", force=False)


def test_a_full_disk_leaves_no_half_line(tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    with AppendedLines(out, force=False) as lines:
        lines.append(result("port-fire"))
        real_write = os.write

        def half_then_full(descriptor, data):
            real_write(descriptor, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(os, "write", half_then_full)
        with pytest.raises(VerifyError, match="out.jsonl: cannot write"):
            lines.append(result("rates"))
    assert out.read_text() == result("port-fire") + "\n"


# ---------------------------------------------------------------- batched analysis equals one article at a time


def comparable(report: Report) -> dict:
    return to_jsonable(replace(report, stats=replace(report.stats, seconds=0.0)))


def scores(report: Report) -> list[float]:
    return [getattr(way, label) for r in report.relations for way in (r.forward, r.backward) for label in NLI_LABELS]


def real_news() -> list[tuple[str, str]]:
    """Fixture articles, and the three shortest PolNeAR dev articles where the data is present."""
    articles = [(path.name, path.read_text(encoding="utf-8")) for path in sorted(DEV_FIXTURES.glob("*.txt"))[:3]]
    polnear = sorted((POLNEAR / "dev" / "text").glob("*.txt"), key=lambda path: path.stat().st_size)[:3]
    return articles + [(path.name, path.read_text(encoding="utf-8")) for path in polnear]


@pytest.fixture(scope="module")
def verifier():
    if not has_weights(SMALL_MODEL):
        pytest.skip(f"no NLI model weights in {SMALL_MODEL}")
    from verify.pipeline import get_verifier

    return get_verifier(str(SMALL_MODEL))


@needs_small_model
def test_report_many_equals_report_article_by_article(verifier):
    articles = real_news()
    alone = [verifier.report(text, name) for name, text in articles]
    records = [ArticleRecord(name, text) for name, text in articles]
    one_by_one = list(verifier.report_many(records))  # the default: one article a batch
    assert [comparable(report) for report in one_by_one] == [comparable(report) for report in alone]
    # Several articles a batch: the same claims and pairs; the NLI scores move within bf16 rounding, as the model
    # pads a batch to its longest input (at most 0.009 on these articles on a CPU with bf16 autocast).
    batched = list(verifier.report_many(records, batch_size=4))
    for report, expected in zip(batched, alone):
        assert (report.article, report.claims) == (expected.article, expected.claims)
        assert [(r.first, r.second, r.similarity) for r in report.relations] == [
            (r.first, r.second, r.similarity) for r in expected.relations
        ]
        assert scores(report) == pytest.approx(scores(expected), abs=0.05)


@needs_small_model
def test_a_screened_batch_counts_each_articles_pairs(verifier):
    from verify.pipeline import get_verifier

    articles = real_news()
    records = [ArticleRecord(name, text) for name, text in articles]
    unscreened = [verifier.report(text, name) for name, text in articles]
    settings = replace(verifier.settings, screen_model="verify-nli-minilm-l6", screen_threshold=0.25)
    screened = get_verifier(str(SMALL_MODEL), settings)
    alone = [screened.report(text, name) for name, text in articles]
    assert [comparable(report) for report in screened.report_many(records)] == [comparable(r) for r in alone]
    for report, expected in zip(screened.report_many(records, batch_size=4), unscreened):
        assert report.model.screen is not None and report.model.screen.name == "verify-nli-minilm-l6"
        assert report.stats.pairs_scored + report.stats.pairs_screened_out == expected.stats.pairs_scored
        kept = {(relation.first, relation.second) for relation in report.relations}
        assert kept <= {(relation.first, relation.second) for relation in expected.relations}
    assert sum(report.stats.pairs_screened_out for report in alone) > 0


@needs_small_model
def test_a_failing_article_does_not_stop_the_others(verifier):
    texts = [NEWS["port-fire"], "", NEWS["rail-strike"], "!!! ---", None]
    outcomes = list(verifier.report_many(texts, batch_size=2))
    assert [type(outcome).__name__ for outcome in outcomes] == [
        "Report",
        "ArticleFailure",
        "Report",
        "ArticleFailure",
        "ArticleFailure",
    ]
    assert [outcome.id for outcome in outcomes if isinstance(outcome, ArticleFailure)] == ["1", "3", "4"]
    assert str(outcomes[1].error) == "the article is empty"
    assert comparable(outcomes[2]) == comparable(verifier.report(NEWS["rail-strike"], "2"))
    with pytest.raises(VerifyError, match="the article is empty"):
        verifier.report("   ")


@needs_small_model
def test_an_analysis_holds_the_unit_embeddings_of_its_checked_claims(verifier):
    records = [ArticleRecord(key, text, {"outlet": "Wire"}) for key, text in list(NEWS.items())[:3]]
    for analysis, record in zip(verifier.analyse_many(records, batch_size=3), records):
        assert analysis.record == record
        assert analysis.embeddings.shape == (len(analysis.checked), verifier.embedder.dimension)
        assert set(analysis.checked) <= {claim.id for claim in analysis.report.claims}
        assert all(abs(float(row @ row) - 1) < 1e-4 for row in analysis.embeddings)
        line = json.loads(result_line(analysis).line)
        assert (line["id"], line["outlet"], line["report"]["article"]) == (record.id, "Wire", record.id)


# ---------------------------------------------------------------- verify report --format jsonl


def invoke(*args: str, stdin: bytes | None = None):
    return runner.invoke(app, [*args, "--model", str(SMALL_MODEL)], input=stdin)


def by_id(text: str) -> dict[str, dict]:
    """The output lines by id, every line parsed, the seconds left out (they differ from run to run)."""
    lines = [json.loads(line) for line in text.splitlines()]
    for line in lines:
        if "report" in line:
            line["report"]["stats"]["seconds"] = None
    found = {line["id"]: line for line in lines}
    assert len(found) == len(lines), "an id written twice"
    return found


@needs_small_model
def test_files_folders_and_stdin_stream_a_line_each(tmp_path):
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "floods.txt").write_text(NEWS["floods"])
    (desk / "page.html").write_text(NEWS_PAGE)
    (desk / "blank.txt").write_text("  \n")
    result = invoke("report", str(desk), "-", "--format", "jsonl", stdin=NEWS["rates"].encode())
    assert result.exit_code == 1, result.output  # blank.txt failed
    lines = by_id(result.stdout)
    assert list(lines) == [str(desk / name) for name in ("blank.txt", "floods.txt", "page.html")] + ["-"]
    assert lines[str(desk / "blank.txt")] == {
        "id": str(desk / "blank.txt"),
        "error": f"{desk / 'blank.txt'}: the article is empty",
    }
    page = lines[str(desk / "page.html")]["report"]
    assert "Nobody was hurt" in page["text"] and "text" not in lines["-"]["report"]  # offsets into extracted text
    assert lines["-"]["report"]["claims"] and lines["-"]["report"]["article"] == "-"
    assert "1 of 4 articles failed" in result.stderr


def run_command(args: list[str], cwd: Path) -> subprocess.Popen:
    command = [sys.executable, "-c", "from verify.cli import app; app()", *args]
    return subprocess.Popen(command, cwd=cwd, env={**os.environ, "HF_HUB_OFFLINE": "1"}, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory, verifier) -> tuple[Path, dict[str, dict]]:
    """The records of NEWS with an empty one among them, and the lines of a run that nothing interrupted."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    records = news_records()
    write_records(folder / "records.jsonl", records[:3] + [{"id": "empty", "text": ""}] + records[3:])
    result = invoke("report", "--input", str(folder / "records.jsonl"), "--format", "jsonl", "--batch-size", "1")
    assert result.exit_code == 1, result.output
    return folder / "records.jsonl", by_id(result.stdout)


@needs_small_model
def test_a_run_killed_mid_way_resumes_without_losing_or_repeating_a_line(tmp_path, uninterrupted):
    records, expected = uninterrupted
    out = tmp_path / "out.jsonl"
    args = ["report", "--input", str(records), "--format", "jsonl", "--out", str(out), "--batch-size", "1"]
    args += ["--model", str(SMALL_MODEL)]
    first = run_command(args, tmp_path)
    deadline = time.monotonic() + 300
    while not (out.exists() and out.read_bytes().count(b"\n") >= 1) and first.poll() is None:
        assert time.monotonic() < deadline, "no line written in 5 minutes"
        time.sleep(0.02)
    first.kill()
    first.wait()
    written = out.read_bytes().count(b"\n")
    assert 1 <= written < len(expected), f"the run was not killed mid-way ({written} lines written)"

    second = run_command(args, tmp_path)
    _, stderr = second.communicate(timeout=600)
    assert second.returncode == 1, stderr  # the empty record failed
    assert f"({written} already there, skipped)" in stderr.decode()
    assert out.read_bytes().endswith(b"\n")
    assert by_id(out.read_text(encoding="utf-8")) == expected


@needs_small_model
def test_a_truncated_last_line_is_repaired_on_resume(tmp_path, uninterrupted):
    records, expected = uninterrupted
    lines = [json_line(line) for line in expected.values()]
    out = tmp_path / "out.jsonl"
    out.write_text(lines[0] + "\n" + lines[1] + "\n" + lines[2][:40], encoding="utf-8")
    result = invoke("report", "--input", str(records), "--format", "jsonl", "--out", str(out), "--batch-size", "1")
    assert result.exit_code == 1, result.output
    assert "cut an unfinished last line (40 bytes)" in result.stderr
    assert by_id(out.read_text(encoding="utf-8")) == expected
    rerun = invoke("report", "--input", str(records), "--format", "jsonl", "--out", str(out))
    assert rerun.exit_code == 1 and f"wrote 0 lines to {out} ({len(expected)} already there, skipped)" in rerun.stderr
