"""The HTTP service (`verify serve`), on a real uvicorn server on a free loopback port: every route, the
limits, bad input answered as one-line JSON errors, concurrent requests batched and each answered as the CLI
answers, the queue's bounds in number and time, and a load of 50 requests from 10 clients."""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version

import pytest
import uvicorn
from typer.testing import CliRunner

from conftest import REPO, SHIPPED_PRECISION
from verify import service
from verify.cli import app as cli
from verify.errors import install_extra
from verify.io.reading import MAX_ARTICLE_BYTES
from verify.pipeline import Verifier, get_verifier
from verify.report import formats
from verify.report.jsonl import verdict_json
from verify.service import MODEL_THREAD, REQUEST_TIME_LIMIT, RETRY_AFTER, create_app

sys.path.append(str(REPO / "benchmarks"))
from service_load import CLIENTS, REQUESTS, homes_lost, is_report_on, news  # the load the benchmark measures

pytestmark = pytest.mark.slow
SMALL_MODEL = "models/verify-nli-minilm-l6"  # the cheap model: the service's behaviour, not the model's, is tested

STRIKE = """Dock workers at the port of Rotterdam walked off the job on Monday, halting most container traffic, \
union officials said.

"All the terminals are shut and nothing is moving," said Jan de Vries, a spokesman for the dockers' union.

A spokeswoman for the port authority said that two of the five container terminals were operating normally.

The strike began after talks over pay broke down late on Sunday, according to the union.

Port authority chief Ellen Bakker said the walkout would cost shippers millions of euros a day.

Police said about 300 workers gathered outside the main gate, while organisers put the crowd at more than 2,000.
"""

FLOOD = """Heavy rain flooded large parts of the coastal city of Valencia overnight, and at least 12 people died, \
regional officials said on Wednesday.

The mayor, Carmen Ortiz, told reporters that no one had been killed in the city itself.

Emergency services said more than 200 people had been rescued from cars and rooftops.

Train services between Valencia and Madrid were suspended, the rail operator said.

Forecasters at the state weather agency warned that more rain was expected on Thursday.
"""
CLAIM = "Nobody died in the Valencia floods."


@dataclass
class Answer:
    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str]

    def json(self):
        assert self.content_type == "application/json", (self.content_type, self.body[:300])
        return json.loads(self.body)


Address = tuple[str, int]


def call(address: Address, method: str, path: str, body=None, content_type: str | None = None) -> Answer:
    """One request on a fresh connection. A bytes body goes with its Content-Length, an iterable one chunked."""
    connection = http.client.HTTPConnection(*address, timeout=600)
    try:
        connection.request(method, path, body=body, headers={"Content-Type": content_type} if content_type else {})
        return read_answer(connection.getresponse())
    finally:
        connection.close()


def read_answer(response: http.client.HTTPResponse) -> Answer:
    return Answer(response.status, response.getheader("Content-Type", ""), response.read(), response.headers)


def post_json(address: Address, path: str, data: dict) -> Answer:
    return call(address, "POST", path, json.dumps(data).encode(), "application/json")


@contextmanager
def running(app) -> Iterator[Address]:
    """`app` served by uvicorn on a free loopback port from a background thread, until the block ends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    # log_config=None: uvicorn's loggers propagate to the root logger, where caplog sees them.
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    while not server.started:  # the lifespan loads the models first
        assert thread.is_alive(), "the server stopped while starting"
        time.sleep(0.05)
    try:
        yield listener.getsockname()
    finally:
        server.should_exit = True
        thread.join()
        listener.close()


@pytest.fixture(scope="module")
def server() -> Iterator[Address]:
    with running(create_app(SMALL_MODEL)) as address:
        yield address


runner = CliRunner()


def cli_output(*args: str, stdin: str | None = None) -> str:
    result = runner.invoke(cli, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.stdout


def without_timing(report: dict) -> dict:
    report["stats"].pop("seconds")
    return report


@pytest.fixture(scope="module")
def cli_reports() -> dict[str, dict]:
    """`verify report - --format json` on each article, as the service must answer it."""
    return {
        text: without_timing(
            json.loads(cli_output("report", "-", "--format", "json", "--model", SMALL_MODEL, stdin=text))
        )
        for text in (STRIKE, FLOOD)
    }


def assert_error(answer: Answer, status: int, fragment: str) -> None:
    """A JSON {"error": one line} with `status`, the line holding `fragment`, no traceback."""
    body = answer.body.decode("utf-8")
    assert answer.status == status, body
    assert "Traceback" not in body and 'File "' not in body
    message = answer.json()["error"]
    assert fragment in message and "\n" not in message, message


def test_report_text_body_equals_the_cli(server, cli_reports):
    answer = call(server, "POST", "/report", STRIKE.encode(), "text/plain; charset=utf-8")
    assert answer.status == 200
    assert without_timing(answer.json()) == cli_reports[STRIKE]


def test_report_body_without_a_content_type_is_the_article(server, cli_reports):
    assert without_timing(call(server, "POST", "/report", FLOOD.encode()).json()) == cli_reports[FLOOD]


def test_report_json_body_equals_the_cli(server, cli_reports):
    report = post_json(server, "/report", {"text": FLOOD, "format": "json"}).json()
    assert without_timing(report) == cli_reports[FLOOD]


@pytest.mark.parametrize(
    "format, content_type",
    [("text", "text/plain; charset=utf-8"), ("markdown", "text/markdown; charset=utf-8")],
)
def test_report_in_other_formats_equals_the_cli(server, format, content_type):
    answer = post_json(server, "/report", {"text": STRIKE, "format": format})
    expected = cli_output("report", "-", "--format", format, "--model", SMALL_MODEL, stdin=STRIKE)
    timing = re.compile(r"; \d+\.\d s$", re.MULTILINE)  # the text report's header says how long it took
    assert (answer.status, answer.content_type) == (200, content_type)
    assert timing.sub("", answer.body.decode("utf-8")) == timing.sub("", expected)


def test_report_as_html(server, cli_reports):
    pytest.importorskip("verify.report.html")
    answer = post_json(server, "/report", {"text": STRIKE, "format": "html"})
    assert (answer.status, answer.content_type) == (200, "text/html; charset=utf-8")
    page = answer.body.decode("utf-8")
    assert "<html" in page.lower()
    assert all(claim["id"] in page for claim in cli_reports[STRIKE]["claims"])


def test_check_equals_the_cli(server):
    answer = post_json(server, "/check", {"claim": CLAIM, "evidence": FLOOD})
    expected = cli_output("check", CLAIM, "--against", "-", "--format", "json", "--model", SMALL_MODEL, stdin=FLOOD)
    assert answer.status == 200
    assert answer.json() == json.loads(expected)
    assert answer.json()["evidence"]


# How far a number of a report analysed in a batch may be from the report alone: float rounding under bf16, as
# the model pads a batch to its longest input (verify.datamodel.BATCH_SIZE).
BATCH_ROUNDING = 0.03


def assert_alike(answer, expected, where: str = "the report") -> None:
    """`answer` is `expected` but for its floats, each within BATCH_ROUNDING."""
    if isinstance(expected, float):
        assert answer == pytest.approx(expected, abs=BATCH_ROUNDING), where
    elif isinstance(expected, dict):
        assert answer.keys() == expected.keys(), where
        for key in expected:
            assert_alike(answer[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(answer) == len(expected), where
        for index, (item, expected_item) in enumerate(zip(answer, expected)):
            assert_alike(item, expected_item, f"{where}[{index}]")
    else:
        assert answer == expected, where


def test_concurrent_requests_get_the_answers_of_one_at_a_time(server, cli_reports):
    """Requests arriving together (two articles, text and JSON bodies, and a claim check) are each answered
    as if alone, but for the float rounding of the articles analysed in one batch."""
    expected_verdict = verdict_json(get_verifier(SMALL_MODEL).check(CLAIM, FLOOD))
    start = threading.Barrier(5)

    def report(text: str, as_json: bool) -> dict:
        start.wait()
        if as_json:
            return post_json(server, "/report", {"text": text}).json()
        return call(server, "POST", "/report", text.encode(), "text/plain").json()

    def check() -> dict:
        start.wait()
        return post_json(server, "/check", {"claim": CLAIM, "evidence": FLOOD}).json()

    with ThreadPoolExecutor(5) as pool:
        texts = [(STRIKE, False), (FLOOD, True), (STRIKE, True), (FLOOD, False)]
        reports = [pool.submit(report, text, as_json) for text, as_json in texts]
        verdict = pool.submit(check)
        for (text, _), answer in zip(texts, reports):
            assert_alike(without_timing(answer.result()), cli_reports[text])
        assert verdict.result() == expected_verdict


def test_health_names_the_model_by_name_and_hash(server):
    answer = call(server, "GET", "/health")
    assert answer.status == 200
    weights = REPO / SMALL_MODEL / "model.safetensors"
    assert answer.json() == {
        "status": "ok",
        "model": {
            "name": "verify-nli-minilm-l6",
            "sha256": hashlib.sha256(weights.read_bytes()).hexdigest(),
            "precision": SHIPPED_PRECISION,
            "screen": None,
        },
        "verify_version": version("verify-news"),
    }


def test_openapi_describes_every_route(server):
    schema = call(server, "GET", "/openapi.json").json()
    assert set(schema["paths"]) == {"/report", "/check", "/health"}
    assert set(schema["paths"]["/report"]["post"]["requestBody"]["content"]) == {"text/plain", "application/json"}
    assert "413" in schema["paths"]["/check"]["post"]["responses"]
    docs = call(server, "GET", "/docs")
    assert (docs.status, docs.content_type) == (200, "text/html; charset=utf-8")
    assert b"swagger" in docs.body.lower() and b"/openapi.json" in docs.body


def test_docs_load_nothing_from_elsewhere(server):
    """/docs works offline: its script, style and icon come from the service itself."""
    page = call(server, "GET", "/docs").body.decode("utf-8")
    assert not re.search(r"https?://", page), "the docs page loads nothing from elsewhere"
    assets = re.findall(r'(?:href|src)="([^"]*)"', page)
    assert {asset.rsplit(".", 1)[-1] for asset in assets} == {"js", "css", "png"}
    for asset in assets:
        fetched = call(server, "GET", asset)
        assert (fetched.status, bool(fetched.body)) == (200, True), asset
    assert_error(call(server, "GET", "/redoc"), 404, "Not Found")  # no package ships ReDoc's page: none


def test_page_is_self_contained_and_posts_the_article_for_an_html_report(server):
    answer = call(server, "GET", "/")
    assert (answer.status, answer.content_type) == (200, "text/html; charset=utf-8")
    page = answer.body.decode("utf-8")
    assert "<textarea" in page and "srcdoc" in page
    assert 'fetch("report"' in page and 'format: "html"' in page
    assert not re.search(r"https?://|@import|url\(", page), "the page loads nothing from elsewhere"
    assert set(re.findall(r'(?:href|src)="([^"]*)"', page)) == {"data:,", "docs"}


NOT_UTF8 = "Le ministre a déclaré que huit personnes sont mortes.".encode("latin-1")
JSON = "application/json"


@pytest.mark.parametrize(
    "method, path, content_type, body, status, fragment",
    [
        ("POST", "/report", "text/plain", b"", 422, "the article is empty"),
        ("POST", "/report", "text/plain", b" \n\t\n", 422, "the article is empty"),
        ("POST", "/report", "text/plain", NOT_UTF8, 422, "not UTF-8 text"),
        ("POST", "/report", "text/plain", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 422, "binary file"),
        ("POST", "/report", "text/html", b"<p>The minister resigned on Friday.</p>", 415, "text/plain"),
        ("POST", "/report", JSON, b'{"text": "The minister resigned.",', 400, "not valid JSON"),
        ("POST", "/report", JSON, b'{"text": "' + NOT_UTF8 + b'"}', 400, "not valid JSON"),
        ("POST", "/report", JSON, b'{"text": "The minister \\ud800 resigned."}', 400, "not valid JSON"),
        ("POST", "/report", JSON, b'["The minister resigned."]', 422, "the body: Input should be an object"),
        ("POST", "/report", JSON, b'{"format": "json"}', 422, "text: Field required"),
        ("POST", "/report", JSON, b'{"text": 42}', 422, "text: Input should be a valid string"),
        ("POST", "/report", JSON, b'{"text": "The minister resigned.", "format": "pdf"}', 422, "format: Input"),
        ("POST", "/report", JSON, b'{"text": "The minister resigned.", "fromat": "html"}', 422, "fromat: Extra"),
        ("POST", "/report", JSON, b'{"text": ""}', 422, "the article is empty"),
        ("POST", "/report", JSON, b'{"text": " \\u200b\\n"}', 422, "the article is empty"),
        ("POST", "/check", JSON, b'{"claim": "The minister resigned."}', 422, "evidence: Field required"),
        ("POST", "/check", JSON, b'{"claim": " ", "evidence": "He left."}', 422, "the claim to check is empty"),
        ("POST", "/check", JSON, b'{"claim": 3, "evidence": "He left."}', 422, "claim: Input should be a valid"),
        ("POST", "/check", JSON, b'{"claim": "He left.", "evidence": ', 400, "not valid JSON"),
        ("POST", "/check", JSON, b'{"claim": "He \\udc00 left.", "evidence": "He left."}', 400, "not valid JSON"),
        ("POST", "/check", JSON, b'{"claim": "He left.", "evidence": "' + NOT_UTF8 + b'"}', 400, "not valid JSON"),
        ("POST", "/check", JSON, b'{"claim": "He left.", "evidence": "  "}', 422, "the evidence is empty"),
        ("POST", "/check", "text/plain", b"The minister resigned.", 415, "send JSON"),
        ("GET", "/report", None, None, 405, "Method Not Allowed"),
        ("POST", "/health", "text/plain", b"The minister resigned.", 405, "Method Not Allowed"),
        ("GET", "/nowhere", None, None, 404, "Not Found"),
    ],
)
def test_bad_requests_are_one_line_json_errors(server, method, path, content_type, body, status, fragment):
    assert_error(call(server, method, path, body, content_type), status, fragment)


def eventually(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def chunks(size: int, chunk: int = 1 << 16) -> Iterator[bytes]:
    """`size` bytes of news text sent chunked: no Content-Length for the server to check first."""
    sentence = b"The minister said the port would reopen on Monday. "
    block = (sentence * (chunk // len(sentence) + 1))[:chunk]
    for start in range(0, size, chunk):
        yield block[: min(chunk, size - start)]


@pytest.mark.parametrize("path", ["/report", "/check"])
def test_a_body_over_the_limit_is_413_as_it_arrives(server, path):
    answer = call(server, "POST", path, chunks(MAX_ARTICLE_BYTES + 1), "text/plain")
    assert_error(answer, 413, f"over the limit of {MAX_ARTICLE_BYTES:,} bytes")


@pytest.mark.parametrize("path", ["/report", "/check"])
def test_a_declared_length_over_the_limit_is_413_before_the_body(server, path):
    connection = http.client.HTTPConnection(*server, timeout=60)  # a server waiting for the body never answers
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(MAX_ARTICLE_BYTES + 1))
        connection.endheaders()  # and not one byte of the body
        refused = read_answer(connection.getresponse())
    finally:
        connection.close()
    assert_error(refused, 413, f"over the limit of {MAX_ARTICLE_BYTES:,} bytes")


def test_a_body_at_the_limit_is_not_refused_for_its_size(server):
    blank = b" " * MAX_ARTICLE_BYTES  # refused as empty, which is found without the models
    assert_error(call(server, "POST", "/report", blank, "text/plain"), 422, "the article is empty")


def test_an_unexpected_error_is_a_json_500_and_is_logged(server, monkeypatch, caplog):
    def broken(report, **options):
        raise RuntimeError("renderer broke at claim c3")

    monkeypatch.setattr(formats, "report_json", broken)
    with caplog.at_level(logging.ERROR):
        answer = post_json(server, "/report", {"text": STRIKE})
    assert_error(answer, 500, "internal error")
    assert b"renderer broke" not in answer.body

    def logged() -> bool:  # by the server, after the answer is sent: waited for
        return any(
            str(record.exc_info[1]) == "renderer broke at claim c3" for record in caplog.records if record.exc_info
        )

    assert eventually(logged)


def report_on(address: Address, article: str) -> Answer:
    return call(address, "POST", "/report", article.encode(), "text/plain")


def assert_report_on(answer: Answer, index: int, tail: str = "") -> None:
    """`answer` is the report on the article `news(index) + tail`, and on no other."""
    assert answer.status == 200, answer.body[:300]
    assert is_report_on(answer.json(), news(index) + tail, homes_lost(index)), answer.json()["claims"]


def test_a_request_over_the_time_limit_is_504_and_its_model_call_never_starts(server, monkeypatch):
    started: list[list] = []
    monkeypatch.setattr(Verifier, "analyse_many", lambda self, records, *args: started.append(records) or [])
    release = threading.Event()
    with running(create_app(SMALL_MODEL, time_limit=0.5)) as address:
        busy = MODEL_THREAD.submit(release.wait)  # the model thread is busy until released
        try:
            answer = report_on(address, STRIKE)
        finally:
            release.set()
        busy.result()
    MODEL_THREAD.submit(lambda: None).result()  # everything queued before has run or been dropped
    assert_error(answer, 504, "no answer within the time limit of 0.5 s")
    assert started == []


HELD = "The harbour master said the locks would stay shut until the inquiry ended."
STALLED = "Inspectors said their report on the collapse would take months."


class AnalysisDouble:
    """Verifier.analyse_many watched and steered: `calls` has the articles of each call, `analysed` those of the
    calls that went on to the real analysis. An article with HELD in it keeps its call waiting, with no progress
    report (a long stage), until `release`: at the latest when the double's block ends. One with STALLED keeps
    its call reporting progress (a long scoring) until the call is abandoned."""

    def __init__(self, real) -> None:
        self.real = real
        self.calls: list[list[str]] = []
        self.analysed: list[list[str]] = []
        self.release = threading.Event()

    def analyse_many(self, verifier, records, batch_size, progress):
        texts = [record.text for record in records]
        self.calls.append(texts)
        if any(HELD in text for text in texts):
            self.release.wait()
        while any(STALLED in text for text in texts):
            progress("scoring claim pairs with NLI")
            time.sleep(0.05)
        progress("segmenting and attributing claims")  # where an abandoned call stops
        self.analysed.append(texts)
        return self.real(verifier, records, batch_size, progress)

    def __enter__(self) -> AnalysisDouble:
        return self

    def __exit__(self, *exception) -> None:
        self.release.set()  # before the server stops: it waits for the requests it is answering


@pytest.fixture
def analyses(monkeypatch) -> AnalysisDouble:
    double = AnalysisDouble(Verifier.analyse_many)
    monkeypatch.setattr(Verifier, "analyse_many", lambda verifier, *args: double.analyse_many(verifier, *args))
    return double


def batch_sizes(analyses: AnalysisDouble) -> list[int]:
    return [len(texts) for texts in analyses.calls]


def test_a_model_call_running_past_the_time_limit_stops_at_its_next_progress_report(analyses):
    with running(create_app(SMALL_MODEL, time_limit=0.5)) as address, analyses:
        answer = report_on(address, news(0) + HELD)  # its call holds the model thread past the limit
    MODEL_THREAD.submit(lambda: None).result()
    assert_error(answer, 504, "no answer within the time limit of 0.5 s")
    assert (batch_sizes(analyses), analyses.analysed) == ([1], [])


def test_requests_waiting_together_are_analysed_in_one_model_call(analyses):
    app = create_app(SMALL_MODEL)
    with running(app) as address, ThreadPoolExecutor(4) as clients, analyses:
        first = clients.submit(report_on, address, news(0) + HELD)
        assert eventually(lambda: len(analyses.calls) == 1)  # on the model thread, held there
        waiting = [clients.submit(report_on, address, news(index)) for index in (1, 2, 3)]
        assert eventually(lambda: app.state.model_queue.waiting.qsize() == 3)
        analyses.release.set()
        assert_report_on(first.result(), 0, HELD)
        for index, answer in zip((1, 2, 3), waiting):
            assert_report_on(answer.result(), index)
    assert batch_sizes(analyses) == [1, 3]


def test_a_request_beyond_a_full_queue_is_503_with_retry_after(analyses):
    app = create_app(SMALL_MODEL, queue_size=1)
    with running(app) as address, ThreadPoolExecutor(2) as clients, analyses:
        held = clients.submit(report_on, address, news(0) + HELD)
        assert eventually(lambda: len(analyses.calls) == 1)
        waiting = clients.submit(report_on, address, news(1))
        assert eventually(lambda: app.state.model_queue.waiting.qsize() == 1)
        refused = report_on(address, news(2))
        analyses.release.set()
        assert_report_on(held.result(), 0, HELD)
        assert_report_on(waiting.result(), 1)
    assert_error(refused, 503, "the service is busy: 1 requests are waiting")
    assert refused.headers["Retry-After"] == str(RETRY_AFTER)


def test_a_request_out_of_time_does_not_take_the_request_behind_it_along(analyses):
    """A stalled request and one that came after it share a batch; the stalled one's time runs out, the batch
    stops at its next progress report, and the other runs again without it, within its own time limit (counted
    from its own arrival)."""
    limit = 6.0
    app = create_app(SMALL_MODEL, time_limit=limit)
    with running(app) as address, ThreadPoolExecutor(3) as clients, analyses:
        held = clients.submit(report_on, address, news(0) + HELD)  # the model thread is busy while two queue
        assert eventually(lambda: len(analyses.calls) == 1)
        stalled = clients.submit(report_on, address, news(1) + STALLED)
        time.sleep(limit / 2)  # the request behind arrives later, so its time runs out later
        behind = clients.submit(report_on, address, news(2))
        assert eventually(lambda: app.state.model_queue.waiting.qsize() == 2)
        analyses.release.set()
        assert_report_on(held.result(), 0, HELD)
        assert_error(stalled.result(), 504, f"no answer within the time limit of {limit:g} s")
        assert_report_on(behind.result(), 2)
    assert batch_sizes(analyses) == [1, 2, 1]


def test_50_requests_from_10_clients_are_each_answered_with_their_own_report(server):
    """The load of benchmarks/service_load.py: an article of its own per request, none lost, none mixed up."""
    with ThreadPoolExecutor(CLIENTS) as clients:
        answers = list(clients.map(lambda index: report_on(server, news(index)), range(REQUESTS)))
    for index, answer in enumerate(answers):
        assert_report_on(answer, index)


def test_serve_command_passes_its_options_to_the_service(monkeypatch):
    calls = []
    monkeypatch.setattr(service, "serve", lambda *args: calls.append(args))
    result = runner.invoke(
        cli,
        [
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            "8123",
            "--model",
            SMALL_MODEL,
            "--time-limit",
            "30",
            "--max-batch",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert calls == [("0.0.0.0", 8123, SMALL_MODEL, 30.0, 1)]


def test_serve_runs_the_app_on_host_and_port(monkeypatch):
    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port: started.append((app.title, host, port)))
    service.serve("127.0.0.1", 8124, SMALL_MODEL)
    assert started == [("verify", "127.0.0.1", 8124)]


def test_serve_help_states_the_default_time_limit():
    assert f"default: {REQUEST_TIME_LIMIT:g}" in cli_output("serve", "--help")


def one_line_error(*args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def test_serve_without_the_serve_extra_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "fastapi", None)  # as if not installed
    line = one_line_error("serve", "--model", SMALL_MODEL)
    assert line == f"error: verify serve needs fastapi: {install_extra('serve')}"
    assert "'fastapi>=0.115'" in line and "verify-news" not in line  # named by its packages: verify is not on PyPI


def test_serve_with_a_model_that_cannot_load_is_one_line(tmp_path):
    assert "cannot load NLI model" in one_line_error("serve", "--model", str(tmp_path / "missing"))
    assert "cannot load NLI model" in one_line_error("serve", "--model", str(tmp_path))  # a folder, but no model


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_serve_refuses_a_bad_port(port):
    result = runner.invoke(cli, ["serve", "--port", port])
    assert result.exit_code == 2 and "--port" in result.output
