"""verify: claim verification and source attribution for news.

    from verify import verify_article, check_claim, Verifier, report_dataframes

Names are imported on first use, so that `verify.training.*` runs where only torch and
transformers are installed (the GPU machine has neither spaCy nor `datasets`).
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("verify-news")  # the installed distribution's: pyproject.toml is its one source
except PackageNotFoundError:  # a checkout used through PYTHONPATH without installing it (the GPU machine)
    __version__ = "unknown"

_EXPORTS = {
    **dict.fromkeys(
        (
            "ArticleAnalysis",
            "ArticleFailure",
            "ArticleRecord",
            "Claim",
            "ClaimRelation",
            "ClaimVerdict",
            "Cue",
            "Evidence",
            "ModelInfo",
            "NLIScores",
            "Report",
            "Source",
            "Span",
        ),
        "verify.datamodel",
    ),
    "VerifyError": "verify.errors",
    "report_dataframes": "verify.report.tables",
    **dict.fromkeys(("Verifier", "check_claim", "verify_article"), "verify.pipeline"),
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'verify' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
