"""Hand-labeled articles (fixtures/*.json) and the evaluator that scores reports against them.

The format is documented in docs/fixtures.md.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from verify.datamodel import Claim, Cue, RelationLabel, Report, Source, SourceKind, Span, shared_characters
from verify.errors import VerifyError
from verify.evaluation.metrics import greedy_one_to_one, precision_recall_f1

GOLD_SOURCE_KINDS = tuple(kind for kind in get_args(SourceKind) if kind != "unknown")
RELATION_LABELS: tuple[RelationLabel, ...] = get_args(RelationLabel)
SCORED_RELATION_LABELS: tuple[RelationLabel, ...] = ("contradiction", "corroboration")
COUNTS = (
    "gold_claims",
    "predicted_claims",
    "matched_claims",
    "source_correct",
    "role_correct",
    *(f"{kind}_{label}s" for label in SCORED_RELATION_LABELS for kind in ("gold", "predicted", "matched")),
    "compatible_reported_as_contradiction",
    "gated_contradictions",
    "compatible_pairs",
)


@dataclass(frozen=True)
class GoldRelation:
    """A labeled pair of claims; `compatible` marks a pair that must not be reported as a contradiction."""

    first: str
    second: str
    label: RelationLabel
    note: str

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.first, self.second))


@dataclass(frozen=True)
class LabeledArticle:
    name: str  # the fixture file's stem
    text: str
    claims: tuple[Claim, ...]
    relations: tuple[GoldRelation, ...]

    def pairs(self, label: RelationLabel) -> set[frozenset[str]]:
        return {relation.pair for relation in self.relations if relation.label == label}


def load_labeled_articles(path: Path) -> list[LabeledArticle]:
    """All fixtures in a directory (sorted by name), or the one fixture a .json path names."""
    path = Path(path)
    if not path.exists():
        raise VerifyError(f"no labeled articles at {path}")
    if path.is_file():
        return [_load_fixture(path)]
    fixture_paths = sorted(path.glob("*.json"))
    if not fixture_paths:
        raise VerifyError(f"no *.json fixtures in {path}")
    return [_load_fixture(fixture_path) for fixture_path in fixture_paths]


def _load_fixture(path: Path) -> LabeledArticle:
    name = path.stem
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise VerifyError(f"fixture {name}: not valid JSON: {error}") from error
    if not isinstance(document, dict):
        raise VerifyError(f"fixture {name}: expected a JSON object")
    article_path = path.parent / _field(document, "article", str, f"fixture {name}")
    if not article_path.is_file():
        raise VerifyError(f"fixture {name}: article text {article_path} not found")
    text = article_path.read_text(encoding="utf-8")
    claims = tuple(
        _parse_claim(raw, text, f"fixture {name}") for raw in _field(document, "claims", list, f"fixture {name}")
    )
    claim_ids = [claim.id for claim in claims]
    duplicated = sorted({claim_id for claim_id in claim_ids if claim_ids.count(claim_id) > 1})
    if duplicated:
        raise VerifyError(f"fixture {name}: duplicate claim ids {', '.join(duplicated)}")
    relations = tuple(
        _parse_relation(raw, set(claim_ids), f"fixture {name}")
        for raw in _field(document, "relations", list, f"fixture {name}")
    )
    pairs = [relation.pair for relation in relations]
    if len(set(pairs)) != len(pairs):
        raise VerifyError(f"fixture {name}: a pair of claims is labeled more than once")
    return LabeledArticle(name=name, text=text, claims=claims, relations=relations)


def _parse_claim(raw: object, text: str, where: str) -> Claim:
    if not isinstance(raw, dict):
        raise VerifyError(f"{where}: every claim must be a JSON object")
    claim_id = _field(raw, "id", str, where)
    where = f"{where}, claim {claim_id}"
    span = _field(raw, "span", list, where)
    if len(span) != 2 or not all(isinstance(offset, int) for offset in span):
        raise VerifyError(f"{where}: span must be [start, end] character offsets")
    start, end = span
    if not 0 <= start < end <= len(text):
        raise VerifyError(f"{where}: span [{start}, {end}] is outside the article ({len(text)} characters)")
    claim_text = _field(raw, "text", str, where)
    if text[start:end] != claim_text:
        raise VerifyError(f"{where}: span [{start}, {end}] reads {text[start:end]!r}, not {claim_text!r}")
    cue_text = _field(raw, "cue", (str, type(None)), where)
    hedged = _field(raw, "hedged", bool, where)
    if cue_text is None and hedged:
        raise VerifyError(f"{where}: hedged is true but there is no cue")
    cue = None if cue_text is None else Cue(text=cue_text, spans=(), hedged=hedged)
    return Claim(
        id=claim_id,
        text=claim_text,
        spans=(Span(start, end),),
        source=_parse_source(_field(raw, "source", dict, where), where),
        cue=cue,
    )


def _parse_source(raw: dict, where: str) -> Source:
    kind = _field(raw, "kind", str, f"{where}, source")
    if kind not in GOLD_SOURCE_KINDS:
        raise VerifyError(f"{where}: source kind {kind!r} is not one of {', '.join(GOLD_SOURCE_KINDS)}")
    return Source(
        mention=raw.get("mention") or "",
        name=_field(raw, "name", str, f"{where}, source"),
        role=_field(raw, "role", (str, type(None)), f"{where}, source"),
        kind=kind,
    )


def _parse_relation(raw: object, claim_ids: set[str], where: str) -> GoldRelation:
    if not isinstance(raw, dict):
        raise VerifyError(f"{where}: every relation must be a JSON object")
    first = _field(raw, "first", str, f"{where}, relation")
    second = _field(raw, "second", str, f"{where}, relation")
    where = f"{where}, relation {first}-{second}"
    unknown = sorted({first, second} - claim_ids)
    if unknown:
        raise VerifyError(f"{where}: unknown claim id {', '.join(unknown)}")
    if first == second:
        raise VerifyError(f"{where}: a claim cannot be related to itself")
    label = _field(raw, "label", str, where)
    if label not in RELATION_LABELS:
        raise VerifyError(f"{where}: label {label!r} is not one of {', '.join(RELATION_LABELS)}")
    return GoldRelation(first=first, second=second, label=label, note=_field(raw, "note", str, where))


def _field(raw: dict, key: str, expected: type | tuple[type, ...], where: str):
    if key not in raw:
        raise VerifyError(f"{where}: missing field {key!r}")
    value = raw[key]
    if not isinstance(value, expected):
        raise VerifyError(f"{where}: field {key!r} has the wrong type ({type(value).__name__})")
    return value


class ArticleEvaluator:
    """Scores predicted reports against labeled articles; micro-averaged over all articles.

    A predicted claim matches a gold claim when their characters overlap by at least
    `min_overlap` of the shorter one; matching is one-to-one, greedy by largest overlap.
    Relations match when both their claims match the gold pair's claims, in either order.
    """

    def __init__(self, articles: Sequence[LabeledArticle], min_overlap: float = 0.5):
        self.articles = tuple(articles)
        self.min_overlap = min_overlap

    def __call__(self, reports: Sequence[Report]) -> dict[str, float]:
        return _metrics(sum(self._counts_per_article(reports).values(), Counter()))

    def per_article(self, reports: Sequence[Report]) -> dict[str, dict[str, float]]:
        return {name: _metrics(counts) for name, counts in self._counts_per_article(reports).items()}

    def _counts_per_article(self, reports: Sequence[Report]) -> dict[str, Counter]:
        if len(reports) != len(self.articles):
            raise VerifyError(f"{len(reports)} reports for {len(self.articles)} labeled articles")
        counts = {}
        for article, report in zip(self.articles, reports):
            if report.text != article.text:
                raise VerifyError(f"the report for {report.article} is not over the text of fixture {article.name}")
            counts[article.name] = self._count(article, report)
        return counts

    def _count(self, article: LabeledArticle, report: Report) -> Counter:
        gold_by_predicted = match_claims(article.claims, report.claims, self.min_overlap)
        gold_claims = {claim.id: claim for claim in article.claims}
        counts = Counter(
            gold_claims=len(article.claims),
            predicted_claims=len(report.claims),
            matched_claims=len(gold_by_predicted),
        )
        for predicted in report.claims:
            gold_id = gold_by_predicted.get(predicted.id)
            gold = gold_claims.get(gold_id) if gold_id is not None else None
            if gold is not None:
                counts["source_correct"] += _same_name(gold.source.name, predicted.source.name)
                counts["role_correct"] += _same_name(gold.source.role, predicted.source.role)
        predicted_pairs = {
            label: _predicted_pairs(report, label, gold_by_predicted) for label in SCORED_RELATION_LABELS
        }
        for label in SCORED_RELATION_LABELS:
            gold_pairs = {_gold_pair(pair) for pair in article.pairs(label)}
            counts[f"gold_{label}s"] = len(gold_pairs)
            counts[f"predicted_{label}s"] = len(predicted_pairs[label])
            counts[f"matched_{label}s"] = len(gold_pairs & predicted_pairs[label])
        compatible_pairs = {_gold_pair(pair) for pair in article.pairs("compatible")}
        counts["compatible_reported_as_contradiction"] = len(compatible_pairs & predicted_pairs["contradiction"])
        counts["compatible_pairs"] = len(compatible_pairs)
        # The gate lets a pair through when the report has any relation for it (only gated pairs are scored).
        scored = set().union(*(_predicted_pairs(report, label, gold_by_predicted) for label in RELATION_LABELS))
        counts["gated_contradictions"] = len({_gold_pair(pair) for pair in article.pairs("contradiction")} & scored)
        return counts


def match_claims(gold: Sequence[Claim], predicted: Sequence[Claim], min_overlap: float = 0.5) -> dict[str, str]:
    """Predicted claim id → gold claim id, one-to-one, greedy by largest character overlap."""
    candidates = []
    for gold_index, gold_claim in enumerate(gold):
        for predicted_index, predicted_claim in enumerate(predicted):
            overlap = shared_characters(gold_claim.spans, predicted_claim.spans)
            shorter = min(_length(gold_claim.spans), _length(predicted_claim.spans))
            if overlap > 0 and overlap >= min_overlap * shorter:
                candidates.append((overlap, gold_index, predicted_index))
    return {predicted[p].id: gold[g].id for g, p in greedy_one_to_one(candidates)}


def _length(spans: tuple[Span, ...]) -> int:
    return sum(len(span) for span in spans)


def _gold_pair(pair: frozenset[str]) -> frozenset[tuple[str, str]]:
    return frozenset(("gold", claim_id) for claim_id in pair)


def _predicted_pairs(report: Report, label: RelationLabel, gold_by_predicted: dict[str, str]) -> set[frozenset]:
    """Predicted pairs in gold ids; an unmatched claim keeps its own id so it can never hit a gold pair."""

    def end(claim_id: str) -> tuple[str, str]:
        gold_id = gold_by_predicted.get(claim_id)
        return ("gold", gold_id) if gold_id is not None else ("predicted", claim_id)

    return {frozenset((end(r.first), end(r.second))) for r in report.relations if r.label == label}


def normalise_name(name: str | None) -> str:
    """Case-insensitive, whitespace-normalised, without a leading "the".

    "Tokayev" stays unlike "Kassym-Jomart Tokayev".
    """
    words = (name or "").casefold().split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def _same_name(gold: str | None, predicted: str | None) -> bool:
    return normalise_name(gold) == normalise_name(predicted)


def _metrics(counts: Counter) -> dict[str, float]:
    metrics: dict[str, float] = {}
    metrics.update(
        _precision_recall_f1("claim", counts["matched_claims"], counts["predicted_claims"], counts["gold_claims"])
    )
    metrics["source_accuracy"] = _ratio(counts["source_correct"], counts["matched_claims"])
    # Share of labeled contradictions whose claims the gate sends to NLI (recall has the same empty case).
    metrics["gate_recall"] = precision_recall_f1(
        counts["gated_contradictions"], 0, counts["gold_contradictions"]
    ).recall
    metrics["compatible_reported_as_contradiction_rate"] = _ratio(
        counts["compatible_reported_as_contradiction"], counts["compatible_pairs"]
    )
    metrics["role_accuracy"] = _ratio(counts["role_correct"], counts["matched_claims"])
    for label in SCORED_RELATION_LABELS:
        metrics.update(
            _precision_recall_f1(
                label, counts[f"matched_{label}s"], counts[f"predicted_{label}s"], counts[f"gold_{label}s"]
            )
        )
    metrics.update((key, float(counts[key])) for key in COUNTS)
    return metrics


def _precision_recall_f1(prefix: str, matched: int, predicted: int, gold: int) -> dict[str, float]:
    scores = precision_recall_f1(matched, predicted, gold)
    return {f"{prefix}_{name}": value for name, value in scores._asdict().items()}


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
