"""Paths every test module shares, and the session-wide objects that are costly to build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from verify.runtime.allocator import SHAPE_CACHES
from verify.runtime.precision import inference_precision

REPO = Path(__file__).resolve().parents[1]
DEV_FIXTURES = REPO / "fixtures" / "dev"  # tuned on freely
TEST_FIXTURES = REPO / "fixtures" / "test"  # frozen held-out set: never tuned on
# The bundled copy of ../shared/data/news/kazakhstan_unrest.txt (byte-identical, checked in test_fixture_evaluation).
BUNDLED_ARTICLE = DEV_FIXTURES / "kazakhstan_unrest.txt"
SHARED_DATA = REPO.parent / "shared" / "data"
POLNEAR = SHARED_DATA / "attribution" / "polnear"
NLI_DEV = SHARED_DATA / "nli" / "dev"
SMALL_MODEL = REPO / "models" / "verify-nli-minilm-l6"  # the cheap model, where the model itself is not tested
# What the shipped models (both with an int8 calibration) run in on this machine, as VERIFY_NLI_PRECISION asks.
SHIPPED_PRECISION = inference_precision(os.environ.get("VERIFY_NLI_PRECISION") or "auto", "cpu", int8_calibrated=True)

# A saved news page: the article among navigation, scripts, styles and a footer.
NEWS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Port fire kills two | Example News</title>
<style>.ad { color: red }</style><script>window.track("page");</script></head>
<body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article>
<h1>Port fire kills two, officials say</h1>
<p>A fire at the container terminal killed two workers on Tuesday, the city council said.</p>
<p>&ldquo;Nobody was hurt,&rdquo; a spokesman for the operator told reporters, contradicting the council.</p>
<p>The harbour master said the blaze was under control by noon &amp; ships could dock again.</p>
</article>
<footer>Copyright 2026 Example News. All rights reserved.</footer>
</body></html>
"""

needs_polnear = pytest.mark.skipif(not POLNEAR.is_dir(), reason=f"PolNeAR data not found at {POLNEAR}")
needs_nli_dev = pytest.mark.skipif(not NLI_DEV.is_dir(), reason=f"shared NLI dev data not found at {NLI_DEV}")


@pytest.fixture(scope="session")
def bundled_article() -> str:
    return BUNDLED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def bundled_report():
    """The bundled article's report with the small model, computed once for every test that reads one."""
    from verify.runtime.models import has_weights

    if not has_weights(SMALL_MODEL):
        pytest.skip(f"no NLI model weights in {SMALL_MODEL}")
    from verify.pipeline import get_verifier

    return get_verifier(str(SMALL_MODEL)).report(BUNDLED_ARTICLE.read_text(encoding="utf-8"), BUNDLED_ARTICLE.name)


def invoke_in_a_fresh_process(args: list[str], cwd: Path) -> tuple[str, str]:
    """Run `verify ARGS` in a new Python process: "EXIT_CODE TORCH_IMPORTED SPACY_IMPORTED" and its stderr,
    to show that an error was found before the models' libraries were imported."""
    code = (
        "import sys; from typer.testing import CliRunner; from verify.cli import app; "
        f"result = CliRunner().invoke(app, {args!r}); "
        "print(result.exit_code, 'torch' in sys.modules, 'spacy' in sys.modules); print(result.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd)
    status, _, stderr = done.stdout.partition("\n")
    return status, stderr or done.stderr


def environment_without_shape_caches() -> dict[str, str]:
    """This process's environment less any capacity of verify.runtime.allocator's shape caches, for a child process in
    which verify's own setting, or the default, is what counts."""
    unset = {variable for cache in SHAPE_CACHES for variable in cache.variables}
    return {key: value for key, value in os.environ.items() if key not in unset}
