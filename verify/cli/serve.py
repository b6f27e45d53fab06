"""`verify serve`: the service over HTTP."""

from __future__ import annotations

from typing import Annotated

import typer

from verify.cli.options import ModelOption, run
from verify.errors import VerifyError, install_extra

# The packages of the `serve` extra, named in the one-line error when one is missing.
SERVICE_PACKAGES = ("fastapi", "uvicorn", "swagger_ui_bundle")


def serve(
    host: Annotated[
        str, typer.Option("--host", metavar="ADDRESS", help="Address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    model: ModelOption = None,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            min=1,
            metavar="SECONDS",
            help="Seconds a request may take from its arrival before it is answered 504 (default: 120).",
        ),
    ] = None,
    max_batch: Annotated[
        int | None,
        typer.Option(
            "--max-batch",
            min=1,
            metavar="N",
            help="Articles sent together analysed in one model call, at most. Faster under load; a report of a "
            "batch can differ from the one alone by float rounding (about 0.01 in a probability under bf16): "
            "1 gives each report exactly as `verify report` does (default: 8).",
        ),
    ] = None,
) -> None:
    """Answer over HTTP: POST /report, POST /check, GET /health, a page at /, the API at /docs."""

    def load(progress) -> str:
        import importlib.util

        from verify.runtime.models import resolve_nli_model

        missing = [name for name in SERVICE_PACKAGES if importlib.util.find_spec(name) is None]
        if missing:
            raise VerifyError(f"verify serve needs {' and '.join(missing)}: {install_extra('serve')}")
        resolve_nli_model(model)
        from verify.pipeline import get_verifier

        progress("loading models")
        get_verifier(model)  # before the server starts: a model that cannot load is one line, not a traceback
        return ""

    run(load, None, False, verbose=False, quiet=False)
    from verify.service import serve as serve_over_http

    serve_over_http(host, port, model, time_limit, max_batch)
