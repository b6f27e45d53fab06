"""verify: claim verification and source attribution for news.

    from verify import verify_article, check_claim, Verifier

Names are imported on first use, so that `verify.training.*` runs where only torch and
transformers are installed (the GPU machine has neither spaCy nor `datasets`).
"""

from importlib import import_module

_EXPORTS = {
    **{name: "verify.datamodel" for name in
       ("Claim", "ClaimRelation", "ClaimVerdict", "Cue", "Evidence", "NLIScores", "Report", "Source", "Span")},
    "VerifyError": "verify.errors",
    **{name: "verify.pipeline" for name in ("Verifier", "check_claim", "verify_article")},
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'verify' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
