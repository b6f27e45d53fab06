"""The HTTP service behind `verify serve`, for tools that call verify over the network.

    POST /report   an article (text/plain, or JSON {"text", "format"}) → its report
    POST /check    JSON {"claim", "evidence"} → the verdict
    GET  /health   status, model (name and sha256), verify's version
    GET  /         a page to paste an article into and see its HTML report
    GET  /docs     the OpenAPI pages (/openapi.json), Swagger UI served from the swagger-ui-bundle-v2 package,
                   so that they work offline; no /redoc (that package has Swagger UI only)

The models load once, when the service starts, and every model call runs on one thread (MODEL_THREAD).
Requests wait for it in one queue (ModelQueue): a worker takes the requests waiting and answers them in one
model call, up to `max_batch` (MAX_BATCH) articles of /report analysed together (`Verifier.analyse_many`:
their claims embedded in one call, their pairs scored in one call). A report of a batch can differ from the
one alone by float rounding (about 0.01 in a probability under bf16: the model pads a batch to its longest
input); an article that cannot be analysed fails alone. /check is not batched: the Verifier checks one claim
against its evidence a call.

Requests are bounded in size (reading.MAX_ARTICLE_BYTES: 413), in time from their arrival (504), and in
number waiting (`queue_size`, QUEUE_SIZE: 503 with Retry-After). Every error is answered as JSON
{"error": "one line"}."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from swagger_ui_bundle import swagger_ui_path

from verify import __version__
from verify.datamodel import ArticleFailure, ArticleRecord, ClaimVerdict, Report, to_jsonable
from verify.errors import VerifyError
from verify.io.reading import MAX_ARTICLE_BYTES, decode_article, require_article, require_claim
from verify.pipeline import Progress, Verifier, get_verifier
from verify.report.formats import rendered_report
from verify.report.jsonl import verdict_json

# Seconds a request may take from its arrival, waiting for the model thread included. The default model reports
# on a 6,000-character article in about 15 s on a 2-core CPU; the longest articles it accepts take hours.
REQUEST_TIME_LIMIT = 120.0

# Articles analysed in one model call at most. Batching pays where the models' batches are not full: short
# articles, and above all a GPU; a larger batch makes its first request wait for the longest article in it.
MAX_BATCH = 8

# Requests waiting for the model thread at most (four full batches); one more is refused with 503 at once: on
# the default model and a small CPU, a request behind more would mostly wait past REQUEST_TIME_LIMIT, for a 504.
QUEUE_SIZE = 32

# Seconds a refused client is asked to wait before it tries again (Retry-After): time for a batch or so to end.
RETRY_AFTER = 10

# Every model call runs on this one thread. The Verifier (torch models, spaCy) is not documented as
# thread-safe, and get_verifier shares one per model across the process, so calls are serialized per
# process, not per app.
MODEL_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify-models")

TOO_LARGE = f"the request body is over the limit of {MAX_ARTICLE_BYTES:,} bytes: split the article"
DOCS_ASSETS = "/docs-assets"  # Swagger UI's script, style and icon

Asked = TypeVar("Asked", bound=BaseModel)
ReportFormat = Literal["json", "text", "markdown", "html"]


class ReportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(description="The article, plain text.")
    format: ReportFormat = Field(
        default="json", description="json (as `verify report --format json`), text, markdown, or html (one page)."
    )


class CheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    claim: str = Field(description="The claim to check, one sentence.")
    evidence: str = Field(description="The text to check it against: an article or a few sentences.")


class ErrorMessage(BaseModel):
    error: str


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorMessage, "description": description}
    for status, description in (
        (400, "The body is not valid JSON."),
        (413, f"The body is over {MAX_ARTICLE_BYTES:,} bytes."),
        (415, "Neither of the content types the route takes."),
        (422, "Invalid input: a missing or mistyped field, an empty or undecodable text, an unknown format."),
        (500, "An unexpected error; its traceback is in the server's log."),
        (503, "Too many requests waiting; the Retry-After header says in how many seconds to try again."),
        (504, "No answer within the time limit, counted from the request's arrival."),
    )
}
REPORT_BODY = {
    "required": True,
    "content": {
        "text/plain": {"schema": {"type": "string", "description": "The article, UTF-8; the report as JSON."}},
        "application/json": {"schema": ReportRequest.model_json_schema()},
    },
}
CHECK_BODY = {"required": True, "content": {"application/json": {"schema": CheckRequest.model_json_schema()}}}


class BodyLimit:
    """413 for a request body over `limit` bytes: at once when its Content-Length says so, else as soon as the
    bytes read pass the limit (a chunked body has no length). FastAPI's own max_body_size answers a declared
    length over the limit in plain text, whatever the app answers."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and int(declared) > self.limit:  # the server has checked it is a number
            await _error(413, TOO_LARGE)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise HTTPException(413, TOO_LARGE)
            return message

        await self.app(scope, limited, send)


class _Abandoned(Exception):
    """Raised inside a model call one of whose requests is no longer waited for, to stop it early."""


def _reports(verifier: Verifier, texts: list[str], progress: Progress) -> list[Report | VerifyError]:
    """The articles' reports from one `analyse_many` call, in order; an article that cannot be analysed gets
    its error in its place, and the others their reports."""
    records = [ArticleRecord("-", text) for text in texts]  # "-": the name `verify report -` gives the article
    return [
        outcome.error if isinstance(outcome, ArticleFailure) else outcome.report
        for outcome in verifier.analyse_many(records, len(records), progress)
    ]


def _checks(verifier: Verifier, asked: list[CheckRequest], progress: Progress) -> list[ClaimVerdict]:
    return [verifier.check(check.claim, check.evidence, progress) for check in asked]


@dataclass(frozen=True)
class _Work:
    """A kind of model call: `run(verifier, asked, progress)` answers the requests `asked` of the kind in one
    call, an outcome each in order (the answer, or a VerifyError refusing that request alone); `max_batch`
    of them at most."""

    run: Callable[[Verifier, list[Any], Progress], Sequence[Any]]
    max_batch: int


@dataclass(eq=False)
class _Job:
    """One request in the queue: its kind of work, what it asks, the future its outcome goes to, and the flag
    its request raises when it no longer waits (answered, timed out, cancelled); the model thread reads the
    flag, as it must not touch an asyncio future."""

    work: _Work
    asked: Any
    outcome: asyncio.Future
    abandoned: threading.Event = field(default_factory=threading.Event)


class ModelQueue:
    """The requests waiting for the model thread, in arrival order, and the worker (`serve`) that answers them
    a batch at a time: all the requests of the first one's kind waiting, up to that kind's batch size.

    A thread cannot be killed: a request whose time runs out before its batch starts is dropped from it (the
    others run), and a batch already running stops at its next progress report (between stages, and every
    256 NLI pairs); its other requests then run again, first, without it."""

    def __init__(self, verifier: Verifier, size: int, max_batch: int, time_limit: float) -> None:
        self.verifier = verifier
        self.size = size
        self.time_limit = time_limit
        self.waiting: asyncio.Queue[_Job] = asyncio.Queue(size)
        self.reports = _Work(_reports, max_batch)
        self.checks = _Work(_checks, 1)  # the Verifier checks one claim a call

    async def answer(self, work: _Work, asked: Any, arrived: float) -> Any:
        """The answer to `asked`, of a request that `arrived` at that time of the event loop; 503 at once when
        the queue is full, 504 when there is none `time_limit` seconds after it arrived."""
        loop = asyncio.get_running_loop()
        job = _Job(work, asked, loop.create_future())
        try:
            self.waiting.put_nowait(job)
        except asyncio.QueueFull:
            busy = f"the service is busy: {self.size} requests are waiting; try again in {RETRY_AFTER} s"
            raise HTTPException(503, busy, headers={"Retry-After": str(RETRY_AFTER)}) from None
        try:
            return await asyncio.wait_for(job.outcome, arrived + self.time_limit - loop.time())
        except asyncio.TimeoutError:
            raise HTTPException(504, f"no answer within the time limit of {self.time_limit:g} s") from None
        finally:
            job.abandoned.set()

    async def serve(self) -> None:
        """Answer the requests a batch at a time, until cancelled."""
        carried: list[_Job] = []  # taken from the queue but not answered: of another kind, or to run again
        while True:
            taken = carried or [await self.waiting.get()]
            while len(taken) < self.reports.max_batch and not self.waiting.empty():
                taken.append(self.waiting.get_nowait())
            waited_for = [job for job in taken if not job.abandoned.is_set()]
            if not waited_for:
                carried = []
                continue
            work = waited_for[0].work
            batch = [job for job in waited_for if job.work is work][: work.max_batch]
            carried = await self._run(work, batch) + [job for job in waited_for if job not in batch]

    async def _run(self, work: _Work, batch: list[_Job]) -> list[_Job]:
        """`batch` in one call on the model thread, each request sent its outcome; the requests to run again
        (those still waited for, when the call stopped for another's)."""

        def call() -> list[tuple[_Job, Any]]:
            started = [job for job in batch if not job.abandoned.is_set()]  # those out of time are dropped

            def progress(_stage: str) -> None:
                if any(job.abandoned.is_set() for job in started):
                    raise _Abandoned

            if not started:
                return []
            return list(zip(started, work.run(self.verifier, [job.asked for job in started], progress), strict=True))

        try:
            outcomes = await asyncio.get_running_loop().run_in_executor(MODEL_THREAD, call)
        except _Abandoned:
            return [job for job in batch if not job.abandoned.is_set()]
        except Exception as error:  # the whole call failed (a check's VerifyError, a bug): each request answers it
            outcomes = [(job, error) for job in batch]
        for job, outcome in outcomes:
            if not job.outcome.done():  # else its request no longer waits
                if isinstance(outcome, Exception):
                    job.outcome.set_exception(outcome)
                else:
                    job.outcome.set_result(outcome)
        return []


# The bodies are read and parsed here rather than by FastAPI, so that both routes read JSON alike: pydantic's
# parser refuses what json.loads lets through (lone surrogates, which no UTF-8 answer can quote) and names the
# place of a syntax error.


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _parsed(model: type[Asked], body: bytes) -> Asked:
    try:
        return model.model_validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from None


async def _report_request(request: Request) -> ReportRequest:
    """The article and the format asked for: a text/plain body (or one without a type) is the article."""
    body = await request.body()  # first, so that a body over the limit is a 413 whatever its type
    if _media_type(request) == "application/json":
        asked = _parsed(ReportRequest, body)
        require_article(asked.text)  # here, not on the model thread: a busy service still answers 422 at once
        return asked
    if _media_type(request) not in ("text/plain", ""):
        raise HTTPException(415, 'send the article as text/plain (UTF-8), or as JSON {"text": ..., "format": ...}')
    return ReportRequest(text=decode_article(body, "the request body"))


async def _check_request(request: Request) -> CheckRequest:
    body = await request.body()
    if _media_type(request) not in ("application/json", ""):
        raise HTTPException(415, 'send JSON {"claim": ..., "evidence": ...}')
    asked = _parsed(CheckRequest, body)
    require_claim(asked.claim)  # here, not on the model thread: a busy service still answers 422 at once
    require_article(asked.evidence, "the evidence")
    return asked


MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "text": "text/plain",
    "markdown": "text/markdown",
    "html": "text/html",
}


def _rendered(report: Report, format: ReportFormat) -> Response:
    return Response(rendered_report(report, format), media_type=MEDIA_TYPES[format])


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _invalid_input(errors: Sequence[Any]) -> JSONResponse:
    """Pydantic's errors as one line: 400 for a body that is not JSON, else 422 naming each field."""
    not_json = next((error for error in errors if error["type"] == "json_invalid"), None)
    if not_json:
        return _error(400, f"the body is not valid JSON: {not_json['ctx']['error']}")
    return _error(422, "; ".join(f"{_field(error['loc'])}: {error['msg']}" for error in errors))


def _field(location: Sequence[Any]) -> str:
    return ".".join(str(part) for part in location if part != "body") or "the body"


def create_app(
    model: str | Path | None = None,
    time_limit: float | None = None,
    max_batch: int = MAX_BATCH,
    queue_size: int = QUEUE_SIZE,
) -> FastAPI:
    """The service for the NLI `model` (as `verify report --model`); `time_limit`: seconds per request from its
    arrival (None: REQUEST_TIME_LIMIT); `max_batch`: articles analysed in one model call at most (1: one at a
    time); `queue_size`: requests waiting at most, beyond which 503."""
    limit = REQUEST_TIME_LIMIT if time_limit is None else time_limit

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        verifier = await asyncio.get_running_loop().run_in_executor(MODEL_THREAD, get_verifier, model)
        app.state.verifier = verifier
        app.state.model_queue = ModelQueue(verifier, queue_size, max_batch, limit)
        worker = asyncio.create_task(app.state.model_queue.serve())
        yield
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker

    app = FastAPI(
        title="verify",
        summary="Who claims what in a news article, and where the sources disagree.",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,  # served below from the package's files, not from a CDN
        redoc_url=None,
    )
    app.add_middleware(BodyLimit, limit=MAX_ARTICLE_BYTES)
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        return _error(error.status_code, str(error.detail), error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, error: RequestValidationError) -> JSONResponse:
        return _invalid_input(error.errors())

    @app.exception_handler(VerifyError)
    async def user_error(request: Request, error: VerifyError) -> JSONResponse:
        return _error(422, str(error))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        # No traceback to the client. Starlette raises the error again after this answer is sent, for
        # the server to log it with its traceback (uvicorn does: "Exception in ASGI application").
        return _error(500, "internal error: the server's log has the details")

    @app.post(
        "/report",
        summary="The report on an article: claims by source, contradictions, corroborations.",
        response_description="JSON as `verify report --format json`, or the text, Markdown or HTML report.",
        responses=ERROR_RESPONSES,
        openapi_extra={"requestBody": REPORT_BODY},
    )
    async def report(request: Request) -> Response:
        arrived = asyncio.get_running_loop().time()  # before the body: its time limit counts from here
        asked = await _report_request(request)
        queue: ModelQueue = request.app.state.model_queue
        analysed = await queue.answer(queue.reports, asked.text, arrived)
        return await run_in_threadpool(_rendered, analysed, asked.format)  # off the event loop: a page can be long

    @app.post(
        "/check",
        summary="The verdict for one claim against an evidence text, with the evidence and its sources.",
        response_description="JSON as `verify check --format json`.",
        responses=ERROR_RESPONSES,
        openapi_extra={"requestBody": CHECK_BODY},
    )
    async def check(request: Request) -> JSONResponse:
        arrived = asyncio.get_running_loop().time()
        asked = await _check_request(request)
        queue: ModelQueue = request.app.state.model_queue
        return JSONResponse(verdict_json(await queue.answer(queue.checks, asked, arrived)))

    @app.get("/health", summary="Whether the service is up, with its NLI model and verify's version.")
    async def health(request: Request) -> dict[str, Any]:
        model = to_jsonable(request.app.state.verifier.model_info)
        return {"status": "ok", "model": model, "verify_version": __version__}

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(PAGE)

    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "").rstrip("/")  # behind a proxy that serves the app under a path
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # else Swagger UI shows a badge from swagger.io
        )

    return app


def serve(
    host: str,
    port: int,
    model: str | Path | None = None,
    time_limit: float | None = None,
    max_batch: int | None = None,
) -> None:
    """Answer on host:port until interrupted; the models load as the server starts (`verify serve` has
    loaded them before, to report a model that cannot load in one line)."""
    uvicorn.run(create_app(model, time_limit, MAX_BATCH if max_batch is None else max_batch), host=host, port=port)


# The page at /: self-contained (no external scripts, styles, fonts or icon). The report is shown in a
# sandboxed frame: scripts run (the report's links), but in an origin of their own.
PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>verify</title>
<link rel="icon" href="data:,">
<style>
  body { font: 16px/1.5 system-ui, sans-serif; color: #222; max-width: 60rem; margin: 0 auto; padding: 1rem; }
  textarea { box-sizing: border-box; width: 100%; min-height: 14rem; font: inherit; padding: .5rem; }
  button { font: inherit; padding: .4rem 1.2rem; margin: .5rem 1rem .5rem 0; }
  .error { color: #a00; }
  iframe { box-sizing: border-box; width: 100%; height: 80vh; border: 1px solid #ccc; }
</style>
</head>
<body>
<h1>verify</h1>
<p>Who claims what in a news article, and where the sources disagree. Paste an article as plain text and
press Report. The API: <a href="docs">docs</a>.</p>
<form id="article-form">
  <label for="article">Article</label>
  <textarea id="article" name="text" required></textarea>
  <button type="submit">Report</button><span id="status" role="status"></span>
</form>
<iframe id="report" title="The report" sandbox="allow-scripts" hidden></iframe>
<script>
const form = document.getElementById("article-form");
const statusLine = document.getElementById("status");
const frame = document.getElementById("report");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  statusLine.className = "";
  statusLine.textContent = "Checking the article…";
  try {
    const response = await fetch("report", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({text: form.elements.text.value, format: "html"}),
    });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({error: response.statusText}));
      throw new Error(answer.error);
    }
    frame.srcdoc = await response.text();
    frame.hidden = false;
    statusLine.textContent = "";
  } catch (error) {
    statusLine.className = "error";
    statusLine.textContent = error.message;
  } finally {
    button.disabled = false;
  }
});
</script>
</body>
</html>
"""
