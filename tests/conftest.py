"""Paths every test module shares, and the session-wide objects that are costly to build."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEV_FIXTURES = REPO / "fixtures" / "dev"  # tuned on freely
TEST_FIXTURES = REPO / "fixtures" / "test"  # frozen held-out set: never tuned on
# The bundled copy of ../shared/data/news/kazakhstan_unrest.txt (byte-identical, checked in test_fixture_evaluation).
BUNDLED_ARTICLE = DEV_FIXTURES / "kazakhstan_unrest.txt"
SHARED_DATA = REPO.parent / "shared" / "data"
POLNEAR = SHARED_DATA / "attribution" / "polnear"
NLI_DEV = SHARED_DATA / "nli" / "dev"

needs_polnear = pytest.mark.skipif(not POLNEAR.is_dir(), reason=f"PolNeAR data not found at {POLNEAR}")
needs_nli_dev = pytest.mark.skipif(not NLI_DEV.is_dir(), reason=f"shared NLI dev data not found at {NLI_DEV}")


@pytest.fixture(scope="session")
def bundled_article() -> str:
    return BUNDLED_ARTICLE.read_text(encoding="utf-8")
