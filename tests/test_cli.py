"""The command line: user errors are one line and a non-zero exit; outputs follow the documented schema."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from contextlib import ExitStack
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import (
    BUNDLED_ARTICLE,
    DEV_FIXTURES,
    NEWS_PAGE,
    REPO,
    SHIPPED_PRECISION,
    SMALL_MODEL,
    invoke_in_a_fresh_process,
)
from verify.cli import app
from verify.runtime.models import DEFAULT_NLI_MODEL_DIR, has_weights

ARTICLE = BUNDLED_ARTICLE
needs_model = pytest.mark.skipif(
    not has_weights(DEFAULT_NLI_MODEL_DIR),
    reason=f"the shipped NLI model is not in {DEFAULT_NLI_MODEL_DIR}",
)
runner = CliRunner()


def invoke(*args: str, stdin: bytes | None = None):
    return runner.invoke(app, list(args), input=stdin)


def assert_one_line_error(result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], result.stderr
    assert "Traceback" not in result.output


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    contents = {
        "empty.txt": b"",
        "blank.txt": b"  \n\n\t\n",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "latin1.txt": "Le ministre a déclaré que huit personnes sont mortes.".encode("latin-1"),
        "boilerplate.txt": b"Leave a Reply\n\nYour email address will not be published. Required fields are marked *\n",
        "punctuation.txt": b"... --- !!! ***\n",
    }
    for name, data in contents.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in contents} | {"dir": tmp_path}


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("empty.txt", "the article is empty"),
        ("blank.txt", "the article is empty"),
        ("binary.txt", "binary file"),
        ("latin1.txt", "not UTF-8"),
        ("missing.txt", "no such file"),
    ],
)
@pytest.mark.parametrize("command", ["report", "check"])
def test_unreadable_input_is_one_line_error(files, name, fragment, command):
    path = str(files["dir"] / name)
    args = ["report", path] if command == "report" else ["check", "Eight people died.", "--against", path]
    assert_one_line_error(invoke(*args), fragment)


def test_directory_instead_of_file(files):
    assert_one_line_error(invoke("report", str(files["dir"])), "is a directory")


def test_empty_stdin():
    assert_one_line_error(invoke("report", "-", stdin=b""), "standard input: the article is empty")


def test_bad_model_path(files, tmp_path):
    assert_one_line_error(
        invoke("report", str(ARTICLE), "--model", str(tmp_path / "no-model")), "cannot load NLI model"
    )


def test_evaluate_missing_path(tmp_path):
    assert_one_line_error(invoke("evaluate", str(tmp_path / "nothing")), "no such file or directory")


@needs_model
@pytest.mark.parametrize("name", ["boilerplate.txt", "punctuation.txt"])
def test_text_without_sentences(files, name):
    assert_one_line_error(invoke("report", str(files[name])), "no sentences")


@needs_model
def test_out_never_overwrites_without_force(tmp_path):
    out = tmp_path / "report.json"
    out.write_text("keep me")
    assert_one_line_error(invoke("report", str(ARTICLE), "--out", str(out)), "already exists")
    assert out.read_text() == "keep me"


@pytest.fixture(scope="module")
def report_json(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("report") / "report.json"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(REPO)  # the article named as a user in the checkout names it, not by a path of this machine
        result = invoke("report", str(ARTICLE.relative_to(REPO)), "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


@needs_model
def test_report_json_follows_the_schema(report_json):
    text = ARTICLE.read_text(encoding="utf-8")
    assert set(report_json) >= {"article", "claims", "relations", "sources", "model", "stats", "schema_version"}
    claims = {claim["id"]: claim for claim in report_json["claims"]}
    for claim in claims.values():
        assert all(0 <= start < end <= len(text) for start, end in claim["spans"])
        assert set(claim["source"]) == {"mention", "name", "role", "kind", "spans"}
    for relation in report_json["relations"]:
        assert relation["first"] in claims and relation["second"] in claims
        assert relation["label"] in {"contradiction", "corroboration", "compatible"}
        assert sum(relation["forward"].values()) == pytest.approx(1, abs=1e-3)
    assert report_json["stats"]["pairs_scored"] == len(report_json["relations"]) < report_json["stats"]["pairs_total"]
    tokayev = next(source for source in report_json["sources"] if source["name"] == "Kassym-Jomart Tokayev")
    assert tokayev["role"] == "president" and len(tokayev["claims"]) >= 5


def sha256_of_files(*paths: Path) -> str:
    return hashlib.sha256(b"".join(path.read_bytes() for path in paths)).hexdigest()


@needs_model
def test_report_json_names_the_model_by_name_and_hash_and_holds_no_path_of_the_machine(report_json):
    adapter = DEFAULT_NLI_MODEL_DIR / "adapter_model.safetensors"  # the default: a LoRA adapter with its head
    assert report_json["model"] == {
        "name": "verify-nli-mpnet",
        "sha256": sha256_of_files(adapter),
        "precision": SHIPPED_PRECISION,
        "screen": {  # the smaller model that screened its pairs (its settings.json)
            "name": "verify-nli-minilm-l6",
            "sha256": sha256_of_files(SMALL_MODEL / "model.safetensors"),
            "precision": SHIPPED_PRECISION,
            "screen": None,
        },
    }
    assert (report_json["schema_version"], report_json["verify_version"]) == (2, version("verify-news"))
    written = json.dumps(report_json, ensure_ascii=False)
    assert str(Path.home()) not in written and str(REPO) not in written


@needs_model
def test_report_shows_the_blackout_and_its_restoration_as_a_change_over_time(report_json):
    claims = {claim["id"]: claim for claim in report_json["claims"]}
    between = [
        relation
        for relation in report_json["relations"]
        if {claims[relation["first"]]["source"]["name"], claims[relation["second"]]["source"]["name"]}
        == {"Netblocks", "Tass"}
    ]
    assert between and all(relation["label"] != "contradiction" for relation in between)
    assert any(relation["temporal_update"] and "change over time" in relation["note"] for relation in between)


@needs_model
def test_report_names_both_sources_of_the_airport_contradiction(report_json):
    # The model alone scores this pair 0.31 contradiction; the place-state conflict (airport
    # taken / operating smoothly) makes it one, and the relation's note says so.
    claims = {claim["id"]: claim for claim in report_json["claims"]}
    pairs = {
        frozenset((claims[r["first"]]["source"]["name"], claims[r["second"]]["source"]["name"]))
        for r in report_json["relations"]
        if r["label"] == "contradiction"
        and "airport" in claims[r["first"]]["text"]
        and "airport" in claims[r["second"]]["text"]
        and "airport" in r["note"]
    }
    assert frozenset(("Kassym-Jomart Tokayev", "deputy mayor")) in pairs


@needs_model
def test_the_airport_pair_is_the_one_contradiction_with_a_calibrated_probability(report_json):
    """The fitted decision reads the place note with the scores: the pair the model alone scores 0.35 is an
    almost certain contradiction, and the deputy mayor against the internet blackout (0.96 by the model alone)
    is none."""
    claims = {claim["id"]: claim for claim in report_json["claims"]}
    (contradiction,) = [r for r in report_json["relations"] if r["label"] == "contradiction"]
    texts = claims[contradiction["first"]]["text"] + claims[contradiction["second"]]["text"]
    assert "five planes" in texts and "operating smoothly" in texts
    assert contradiction["probability"] >= 0.8 and contradiction["signals"]["place_conflict"] == 1.0


@needs_model
@pytest.mark.parametrize("fmt, marker", [("text", "CONTRADICTIONS"), ("markdown", "## Contradictions")])
def test_report_readable_formats_from_stdin(fmt, marker):
    result = invoke("report", "-", "--format", fmt, stdin=ARTICLE.read_bytes())
    assert result.exit_code == 0, result.output
    assert marker in result.stdout and "Kassym-Jomart Tokayev" in result.stdout


@needs_model
def test_check_json_gives_verdict_with_sourced_evidence():
    result = invoke(
        "check", "Twelve police officers died in the unrest.", "--against", str(ARTICLE), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert verdict["label"] in {"entailment", "neutral", "contradiction"}
    assert verdict["evidence"] and all(e["claim"]["source"]["name"] for e in verdict["evidence"])
    assert any("eight police officers" in e["claim"]["text"] for e in verdict["evidence"])
    assert verdict["model"]["name"] == "verify-nli-mpnet" and verdict["verify_version"] == version("verify-news")


FIRE = (
    "Police said eight people died in the warehouse fire on Tuesday. Hospital officials said twelve people died. "
    "The fire brigade said the blaze was put out by midnight."
)
FEVER = {"entailment": "SUPPORTS", "contradiction": "REFUTES", "neutral": "NOT ENOUGH INFO"}


@needs_model
@pytest.mark.parametrize(
    "claim",
    [
        "Eight people died in the warehouse fire.",
        "Nobody was killed in the warehouse fire.",
        "The warehouse belonged to a furniture company.",
    ],
)
def test_check_labels_fever_names_the_verdict_as_fever_does(claim):
    def check(*options: str):
        result = invoke("check", claim, "--against", "-", *options, stdin=FIRE.encode())
        assert result.exit_code == 0, result.output
        return result.stdout

    nli = json.loads(check("--format", "json"))
    fever = json.loads(check("--format", "json", "--labels", "fever"))
    assert fever == {**nli, "label": FEVER[nli["label"]]}
    assert check("--labels", "fever").splitlines()[1].startswith(f"verdict: {FEVER[nli['label']]} (E ")
    assert check().splitlines()[1].startswith(f"verdict: {nli['label']} (E ")


def test_version_is_printed_without_importing_the_models(tmp_path):
    code = (
        "import sys; from typer.testing import CliRunner; from verify.cli import app; "
        "result = CliRunner().invoke(app, ['--version']); "
        "print(result.exit_code, [name for name in ('torch', 'transformers', 'spacy') if name in sys.modules]); "
        "print(result.stdout, end='')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert done.stdout == f"0 []\nverify {version('verify-news')}\n", done.stdout + done.stderr


@pytest.mark.parametrize("args", [["--version"], ["--version", "report", "missing-article.txt"]])
def test_version_is_the_installed_distributions(args):
    import verify

    result = invoke(*args)
    assert (result.exit_code, result.stdout) == (0, f"verify {version('verify-news')}\n")
    assert verify.__version__ == version("verify-news")


@pytest.mark.parametrize("command", [[], ["report"], ["check"], ["evaluate"], ["train-nli"], ["serve"]])
def test_help_shows_flags_without_a_value_type(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "--help" in result.stdout and "<bool>" not in result.stdout, result.stdout


def test_help_names_what_an_option_takes():
    help = invoke("report", "--help").stdout
    options = {line.split()[1]: line.split()[2] for line in help.splitlines() if line.startswith("│ --")}
    assert (options["--out"], options["--model"]) == ("FILE", "PATH_OR_NAME")
    assert options["--fail-on"] == "<contradiction>" and options["--table"] == "<claims|relations>"


CALM = (
    "The city council approved the budget on Monday, the mayor said. The new library will open in March, "
    "according to the council's spokeswoman. Residents welcomed the plan."
)
needs_small_model = pytest.mark.skipif(not has_weights(SMALL_MODEL), reason=f"no NLI model weights in {SMALL_MODEL}")


@needs_small_model
@pytest.mark.parametrize(
    ("text", "fail_on", "status"),
    [
        (CALM, ["--fail-on", "contradiction"], 0),  # no contradiction
        (FIRE, ["--fail-on", "contradiction"], 1),  # eight people died / twelve people died
        (FIRE, [], 0),
    ],
)
def test_fail_on_contradiction_exits_1_when_the_report_has_one(tmp_path, text, fail_on, status):
    out = tmp_path / "report.json"
    result = invoke(
        "report", "-", "--format", "json", "--model", str(SMALL_MODEL), "--out", str(out), *fail_on, stdin=text.encode()
    )
    assert result.exit_code == status, result.output
    labels = [relation["label"] for relation in json.loads(out.read_text())["relations"]]  # written all the same
    assert ("contradiction" in labels) is (text is FIRE)


@pytest.mark.parametrize("fail_on", [["--fail-on", "contradiction"], []])
def test_fail_on_the_bundled_articles_contradictions(bundled_report, monkeypatch, fail_on):
    import verify.pipeline

    assert bundled_report.contradictions
    # The session's report on the bundled article stands in for a second run of the model.
    monkeypatch.setattr(verify.pipeline.Verifier, "report", lambda self, text, article, progress: bundled_report)
    result = invoke("report", str(ARTICLE), "--model", str(SMALL_MODEL), *fail_on)
    assert result.exit_code == (1 if fail_on else 0), result.output
    assert f"CONTRADICTIONS ({len(bundled_report.contradictions)})" in result.stdout


@needs_small_model
@pytest.mark.parametrize(
    ("table", "options"), [("claims", []), ("claims", ["--table", "claims"]), ("relations", ["--table", "relations"])]
)
def test_report_csv_has_one_row_per_claim_or_relation(table, options):
    def report(*format_options: str) -> str:
        result = invoke("report", "-", "--model", str(SMALL_MODEL), *format_options, stdin=FIRE.encode())
        assert result.exit_code == 0, result.output
        return result.stdout

    expected = json.loads(report("--format", "json"))[table]
    rows = list(csv.DictReader(io.StringIO(report("--format", "csv", *options))))
    key = ("id", "text") if table == "claims" else ("first", "second", "label")
    assert [tuple(row[k] for k in key) for row in rows] == [tuple(item[k] for k in key) for item in expected]
    assert len(rows) >= 3


@needs_small_model
def test_evaluate_json_names_the_model_and_the_version(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        json.dumps(
            {"premise": "Eight people died in the fire.", "hypothesis": "Nobody died.", "label": "contradiction"}
        )
        + "\n",
        encoding="utf-8",
    )
    result = invoke("evaluate", str(pairs), "--task", "nli", "--format", "json", "--model", str(SMALL_MODEL))
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.stdout)
    weights = sha256_of_files(SMALL_MODEL / "model.safetensors")
    assert metrics["model"] == {
        "name": "verify-nli-minilm-l6",
        "sha256": weights,
        "precision": SHIPPED_PRECISION,
        "screen": None,
    }
    assert metrics["verify_version"] == version("verify-news")


@pytest.mark.parametrize(
    ("out", "fragment"),
    [("no-such-folder/report.json", "no such directory"), (".", "is a directory")],
)
def test_a_bad_out_is_refused_before_any_model_loads(tmp_path, monkeypatch, out, fragment):
    import verify.pipeline

    def must_not_load(*args, **kwargs):
        raise AssertionError("models loaded before --out was checked")

    monkeypatch.setattr(verify.pipeline, "get_verifier", must_not_load)
    assert_one_line_error(invoke("report", str(ARTICLE), "--out", str(tmp_path / out), "--force"), fragment)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["report", "missing-article.txt"], "no such file"),
        (["report", str(ARTICLE), "--model", "./no-such-model"], "no such directory"),
        (["check", "   ", "--against", str(ARTICLE)], "the claim to check is empty"),
        (["report", str(ARTICLE), "--out", "no-such-folder/report.json"], "no such directory"),
        (["report", "script-only.html"], "no article text found in the HTML"),
        (["report", "missing-article.txt", "--fail-on", "contradiction"], "no such file"),
        (["report", str(ARTICLE), "--table", "relations"], "--table is for --format csv, not --format text"),
    ],
)
def test_user_errors_are_found_before_torch_is_imported(tmp_path, args, fragment):
    (tmp_path / "script-only.html").write_text("<html><body><script>track()</script></body></html>")
    status, stderr = invoke_in_a_fresh_process(args, tmp_path)
    assert status == "2 False False", stderr
    assert fragment in stderr


@needs_model
@pytest.mark.parametrize(
    ("flags", "expected_stderr"),
    [
        (["-v"], ["verify: segmenting and attributing claims:", "verify: checking related claims with NLI:"]),
        (["-q"], []),
    ],
)
def test_verbose_shows_stage_times_and_quiet_shows_nothing(tmp_path, flags, expected_stderr):
    out = tmp_path / "report.json"
    result = invoke("report", str(ARTICLE), "--format", "json", "--out", str(out), *flags)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert all(any(line.startswith(prefix) for line in lines) for prefix in expected_stderr)
    assert lines if expected_stderr else not lines
    assert json.loads(out.read_text())["claims"]


def test_labeled_data_that_is_not_utf8_is_one_line(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_bytes('{"premise": "Le café a brûlé.", "hypothesis": "x", "label": "neutral"}\n'.encode("latin-1"))
    assert_one_line_error(invoke("evaluate", str(pairs), "--task", "nli"), "not UTF-8 text")


@needs_model
def test_an_html_page_is_reported_on_its_article_text(tmp_path):
    page = tmp_path / "port-fire.html"
    page.write_text(NEWS_PAGE, encoding="utf-8")
    result = invoke("report", str(page), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    text = report["text"]  # the extracted text the offsets point into
    assert "<" not in text and "Copyright" not in text
    by_text = {claim["text"]: claim for claim in report["claims"]}
    denial = next(claim for content, claim in by_text.items() if "Nobody was hurt" in content)
    assert "spokesman" in denial["source"]["name"].lower() or denial["source"]["role"] == "spokesperson"
    for claim in report["claims"]:
        spanned = " ".join(" ".join(text[start:end].split()) for start, end in claim["spans"])
        assert spanned == claim["text"]


def test_a_story_part_outside_the_check_task_is_a_user_error():
    assert_one_line_error(
        invoke("evaluate", str(DEV_FIXTURES), "--stories", "held"), "a story part applies to FNC-1 claim checks"
    )


# Standard output that cannot take the output: closed (known before any work), a full device, a reader that
# stopped reading. Each is the command's file descriptor 1, as a shell's redirection makes it.
def _closed_stdout(stack: ExitStack) -> dict:
    return {"preexec_fn": lambda: os.close(1)}


def _full_stdout(stack: ExitStack) -> dict:
    return {"stdout": stack.enter_context(open("/dev/full", "wb"))}


def _pipe_nobody_reads(stack: ExitStack) -> dict:
    reading, writing = os.pipe()
    os.close(reading)
    stack.callback(os.close, writing)
    return {"stdout": writing}


CLOSED = "standard output is closed: nothing would be written (use --out FILE)"
FULL = "standard output: cannot write (No space left on device)"
BROKEN_PIPE = "standard output: cannot write (the reader closed the pipe)"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(
    ("stdout", "format", "expected"),
    [
        (_closed_stdout, "text", CLOSED),
        (_closed_stdout, "jsonl", CLOSED),
        (_full_stdout, "text", FULL),
        (_full_stdout, "jsonl", FULL),
        (_pipe_nobody_reads, "json", BROKEN_PIPE),
        (_pipe_nobody_reads, "jsonl", BROKEN_PIPE),
    ],
    ids=["closed", "closed-jsonl", "full", "full-jsonl", "broken-pipe", "broken-pipe-jsonl"],
)
def test_a_report_standard_output_cannot_take_is_one_line_and_a_failure(tmp_path, stdout, format, expected):
    article = tmp_path / "article.txt"
    article.write_text("Police said the bridge was closed on Monday. The mayor said it stayed open.\n")
    verify = Path(sys.executable).parent / "verify"
    command = [str(verify), "report", str(article), "--model", str(SMALL_MODEL), "--format", format]
    with ExitStack() as stack:
        done = subprocess.run(
            command, stderr=subprocess.PIPE, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"}, **stdout(stack)
        )
    assert (done.returncode, done.stderr) == (2, f"error: {expected}\n")


# verify is installed from a wheel or a checkout, never from PyPI: a missing extra is named by its packages.
@pytest.mark.parametrize(
    ("extra", "command"),
    [
        ("serve", "pip install 'fastapi>=0.115' 'pydantic>=2' 'uvicorn>=0.30' 'swagger-ui-bundle-v2>=5.31'"),
        ("ray", "pip install 'ray[data]>=2.10'"),
        ("train", "pip install 'datasets>=2.19' 'scikit-learn>=1.3'"),
    ],
)
def test_a_missing_extra_is_named_by_the_packages_to_install(extra, command):
    from verify.errors import install_extra

    assert install_extra(extra) == command
