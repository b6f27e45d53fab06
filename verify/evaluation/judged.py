"""Real news judged pair by pair: reports scored against a reader's judgements of their findings.

Real articles have few genuine conflicts among hundreds of related pairs, and no gold labels. A reader
judges every contradiction and corroboration a report shows (and reads each article for the conflicts
between sources it missed); the judgements are kept as data (`docs/fixtures.md`, "Judged real news"), so a
later run scores the pairs already judged and lists only its new findings for reading.

A judged pair is two claims of one article, by their character offsets and text, with what the reader
says holds between them (`truth`): a contradiction, a corroboration (two different sources stating the same
thing), neither, or unclear. A reported pair is that judged pair when each of its claims overlaps one of
the judged claims by at least half of the shorter of the two.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from verify.datamodel import Claim, Report, Span, shared_characters
from verify.errors import VerifyError

Truth = Literal["contradiction", "corroboration", "neither", "unclear"]
TRUTHS: tuple[Truth, ...] = get_args(Truth)
FINDINGS = ("contradiction", "corroboration")
MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class JudgedClaim:
    start: int
    end: int
    text: str
    source: str

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)


@dataclass(frozen=True)
class JudgedPair:
    """One reader's judgement of a pair of claims of one article."""

    article: str  # the article file's stem
    first: JudgedClaim
    second: JudgedClaim
    truth: Truth
    reason: str
    reader: str  # who judged it (never the author of the change being measured)
    found_by: str  # "report" (a finding a report showed) or "reading" (a conflict the reader found)


def load_judged_pairs(path: Path) -> list[JudgedPair]:
    """The judged pairs of a JSON-lines file; a malformed line is a one-line error naming it."""
    pairs = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            pair = JudgedPair(
                article=str(record["article"]),
                first=JudgedClaim(**record["first"]),
                second=JudgedClaim(**record["second"]),
                truth=record["truth"],
                reason=str(record.get("reason", "")),
                reader=str(record["reader"]),
                found_by=str(record["found_by"]),
            )
            pair.first.span, pair.second.span  # noqa: B018 -- offsets are validated by Span
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise VerifyError(f"{path}, line {number}: not a judged pair ({error})") from None
        if pair.truth not in TRUTHS:
            raise VerifyError(f"{path}, line {number}: truth must be one of {', '.join(TRUTHS)}, not {pair.truth!r}")
        pairs.append(pair)
    if not pairs:
        raise VerifyError(f"{path}: no judged pairs")
    return pairs


def report_lines(path: Path) -> list[dict]:
    """The reports of a `verify report --format jsonl` file, in order (its error lines left out): what reading
    packets are made from and what the decision is fitted on (`scripts/judged_pairs.py`, `scripts/fit_decision.py`)."""
    lines = (json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip())
    return [line["report"] for line in lines if "report" in line]


def judged_pair_record(pair: JudgedPair) -> dict:
    """The JSON-lines record of a judged pair (`load_judged_pairs` reads it back)."""
    return {
        "article": pair.article,
        "first": vars(pair.first),
        "second": vars(pair.second),
        "truth": pair.truth,
        "reason": pair.reason,
        "reader": pair.reader,
        "found_by": pair.found_by,
    }


def _overlap(claim: Claim, judged: JudgedClaim) -> float:
    """How closely a claim covers a judged claim: the characters they share as a share of the longer (so a
    claim inside a much longer one covers it less than an equal one does); 0 where they share under MIN_OVERLAP
    of the shorter."""
    shared = shared_characters(claim.spans, (judged.span,))
    lengths = sum(len(span) for span in claim.spans), len(judged.span)
    if not min(lengths) or shared < MIN_OVERLAP * min(lengths):
        return 0.0
    return shared / max(lengths)


def matching_judgement(first: Claim, second: Claim, judged: Iterable[JudgedPair]) -> JudgedPair | None:
    """The judgement of the pair (`first`, `second`), in either order, whose claims it overlaps most; None when it
    was never judged."""
    best, best_overlap = None, 0.0
    for pair in judged:
        for one, other in ((pair.first, pair.second), (pair.second, pair.first)):
            overlaps = _overlap(first, one), _overlap(second, other)
            if min(overlaps) > 0 and sum(overlaps) > best_overlap:
                best, best_overlap = pair, sum(overlaps)
    return best


class JudgedNewsEvaluator:
    """Scores reports of real articles against judged pairs: findings per article, the precision of the judged
    findings, the known real conflicts found, and the findings no reader has judged yet (to be read)."""

    def __init__(self, judged: Sequence[JudgedPair]) -> None:
        self.by_article: dict[str, list[JudgedPair]] = {}
        for pair in judged:
            self.by_article.setdefault(pair.article, []).append(pair)

    def __call__(self, reports: Sequence[Report]) -> dict:
        counts: Counter[str] = Counter()
        unjudged = []
        found: set[int] = set()
        for report in reports:
            article = Path(report.article).stem
            judged = self.by_article.get(article, [])
            for relation in report.relations:
                if relation.label not in FINDINGS:
                    continue
                first, second = report.claim(relation.first), report.claim(relation.second)
                judgement = matching_judgement(first, second, judged)
                counts[f"reported_{relation.label}s"] += 1
                if judgement is None:
                    counts[f"{relation.label}s_unjudged"] += 1
                    unjudged.append(_unjudged(article, relation.label, first, second, relation.probability))
                    continue
                verdict = "unclear" if judgement.truth == "unclear" else "real"
                if judgement.truth not in (relation.label, "unclear"):
                    verdict = "wrong"
                counts[f"{relation.label}s_{verdict}"] += 1
                if verdict == "real":
                    found.add(id(judgement))
        articles = len(reports)
        reported_articles = {Path(report.article).stem for report in reports}
        metrics: dict = {"articles": articles}
        for label in FINDINGS:
            real, wrong = counts[f"{label}s_real"], counts[f"{label}s_wrong"]
            known_here = [
                pair for name in reported_articles for pair in self.by_article.get(name, []) if pair.truth == label
            ]
            metrics[label] = {
                "reported": counts[f"reported_{label}s"],
                "per_article": counts[f"reported_{label}s"] / articles if articles else 0.0,
                "real": real,
                "wrong": wrong,
                "unclear": counts[f"{label}s_unclear"],
                "unjudged": counts[f"{label}s_unjudged"],
                # Of the judged findings, unclear left out; 1.0 with none (metrics module's convention).
                "precision": real / (real + wrong) if real + wrong else 1.0,
                "known_real": len(known_here),
                "known_real_found": sum(id(pair) in found for pair in known_here),
                "known_real_recall": (
                    sum(id(pair) in found for pair in known_here) / len(known_here) if known_here else 1.0
                ),
            }
        metrics["unjudged_findings"] = unjudged
        return metrics


def _unjudged(article: str, label: str, first: Claim, second: Claim, probability: float) -> dict:
    return {
        "article": article,
        "label": label,
        "probability": probability,
        "first": _claim_record(first),
        "second": _claim_record(second),
    }


def _claim_record(claim: Claim) -> dict:
    return {"start": claim.start, "end": claim.end, "text": claim.text, "source": claim.source.name}
