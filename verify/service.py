"""The HTTP service behind `verify serve`, for tools that call verify over the network.

    POST /report   an article (text/plain, or JSON {"text", "format"}) → its report
    POST /check    JSON {"claim", "evidence"} → the verdict
    GET  /health   status, model (name and sha256), verify's version
    GET  /         a page to paste an article into and see its HTML report; /docs: the OpenAPI pages

The models load once, when the service starts, and every model call runs on one thread
(MODEL_THREAD). Requests are bounded in size (reading.MAX_ARTICLE_BYTES: 413) and in time (504).
Every error is answered as JSON {"error": "one line"}."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal, TypeVar

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from verify import __version__, render
from verify.datamodel import Report, to_jsonable
from verify.errors import VerifyError
from verify.pipeline import Progress, get_verifier
from verify.reading import MAX_ARTICLE_BYTES, decode_article, require_article, require_claim

# Seconds a request may take, waiting for the model thread included. The default model reports on a
# 6,000-character article in about 15 s on a 2-core CPU; the longest articles it accepts take hours.
REQUEST_TIME_LIMIT = 120.0

# Every model call runs on this one thread. The Verifier (torch models, spaCy) is not documented as
# thread-safe, and get_verifier shares one per model across the process, so calls are serialized per
# process, not per app. A queue in front of one thread (rather than a lock taken in a thread pool) also
# drops the call of a request that ran out of time before the call starts.
MODEL_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify-models")

TOO_LARGE = f"the request body is over the limit of {MAX_ARTICLE_BYTES:,} bytes: split the article"

T = TypeVar("T")
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
        (504, "No answer within the time limit."),
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
    """Raised inside a model call whose request has already been answered 504, to stop it early."""


async def on_model_thread(work: Callable[[Progress], T], time_limit: float) -> T:
    """`work(progress)` on MODEL_THREAD; 504 when it has not finished `time_limit` seconds after it was asked
    for (waiting in the queue included).

    A thread cannot be killed: a call still queued at the limit never starts, but one already running
    goes on until its next progress report (between stages, and every 256 NLI pairs), where it stops."""
    abandoned = threading.Event()

    def progress(_stage: str) -> None:
        if abandoned.is_set():
            raise _Abandoned

    call = asyncio.get_running_loop().run_in_executor(MODEL_THREAD, work, progress)
    try:
        return await asyncio.wait_for(call, time_limit)
    except asyncio.TimeoutError:
        abandoned.set()
        raise HTTPException(504, f"no answer within the time limit of {time_limit:g} s") from None


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
    return Response(render.rendered_report(report, format), media_type=MEDIA_TYPES[format])


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


def create_app(model: str | Path | None = None, time_limit: float | None = None) -> FastAPI:
    """The service for the NLI `model` (as `verify report --model`); `time_limit`: seconds per request
    (None: REQUEST_TIME_LIMIT)."""
    limit = REQUEST_TIME_LIMIT if time_limit is None else time_limit

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.verifier = await asyncio.get_running_loop().run_in_executor(MODEL_THREAD, get_verifier, model)
        yield

    app = FastAPI(
        title="verify",
        summary="Who claims what in a news article, and where the sources disagree.",
        version=__version__,
        lifespan=lifespan,
    )
    app.add_middleware(BodyLimit, limit=MAX_ARTICLE_BYTES)

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
        asked = await _report_request(request)
        verifier = request.app.state.verifier
        return await on_model_thread(
            lambda progress: _rendered(verifier.report(asked.text, progress=progress), asked.format), limit
        )

    @app.post(
        "/check",
        summary="The verdict for one claim against an evidence text, with the evidence and its sources.",
        response_description="JSON as `verify check --format json`.",
        responses=ERROR_RESPONSES,
        openapi_extra={"requestBody": CHECK_BODY},
    )
    async def check(request: Request) -> JSONResponse:
        asked = await _check_request(request)
        verifier = request.app.state.verifier
        verdict = await on_model_thread(lambda progress: verifier.check(asked.claim, asked.evidence, progress), limit)
        return JSONResponse(render.verdict_json(verdict))

    @app.get("/health", summary="Whether the service is up, with its NLI model and verify's version.")
    async def health(request: Request) -> dict[str, Any]:
        model = to_jsonable(request.app.state.verifier.model_info)
        return {"status": "ok", "model": model, "verify_version": __version__}

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        return HTMLResponse(PAGE)

    return app


def serve(host: str, port: int, model: str | Path | None = None, time_limit: float | None = None) -> None:
    """Answer on host:port until interrupted; the models load as the server starts (`verify serve` has
    loaded them before, to report a model that cannot load in one line)."""
    uvicorn.run(create_app(model, time_limit), host=host, port=port)


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
