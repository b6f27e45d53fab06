"""verify: claim verification and source attribution for news.

    from verify import verify_article, check_claim, Verifier
"""

from verify.datamodel import Claim, ClaimRelation, ClaimVerdict, Cue, Evidence, NLIScores, Report, Source, Span
from verify.errors import VerifyError
from verify.pipeline import Verifier, check_claim, verify_article

__all__ = ["Claim", "ClaimRelation", "ClaimVerdict", "Cue", "Evidence", "NLIScores", "Report", "Source", "Span",
           "Verifier", "VerifyError", "check_claim", "verify_article"]
