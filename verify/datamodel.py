"""The typed data that flows segment → attribute → check → report.

Every offset is a character offset into the original article text, end exclusive,
so `text[span.start:span.end]` is the span's text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

SourceKind = Literal["person", "government_body", "media", "organisation", "anonymous", "author", "unknown"]
RelationLabel = Literal["contradiction", "corroboration", "compatible"]
NLILabel = Literal["entailment", "neutral", "contradiction"]
NLI_LABELS: tuple[NLILabel, ...] = ("entailment", "neutral", "contradiction")


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span {self.start}-{self.end}")

    def of(self, text: str) -> str:
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def __len__(self) -> int:
        return self.end - self.start


def spans_text(spans: tuple[Span, ...], text: str, joiner: str = " … ") -> str:
    """Text of a possibly discontinuous span, its pieces joined."""
    return joiner.join(span.of(text) for span in spans)


@dataclass(frozen=True)
class Source:
    """Who a claim is attributed to. Unattributed narration has kind 'author'."""

    mention: str  # as written: "he", "Tokayev", "the deputy mayor"
    name: str  # canonical: "Kassym-Jomart Tokayev"; "the author" for narration
    role: str | None  # president, ministry, deputy mayor, press, watchdog, agency, spokesperson ...
    kind: SourceKind
    spans: tuple[Span, ...] = ()  # where the mention is; empty for the author

    @classmethod
    def author(cls) -> Source:
        return cls(mention="", name="the author", role="reporter", kind="author")


@dataclass(frozen=True)
class Cue:
    """The words that introduce an attribution: "said", "according to", "are said to"."""

    text: str
    spans: tuple[Span, ...]
    hedged: bool  # alleged, claimed, reportedly, are said to ...


@dataclass(frozen=True)
class Claim:
    """One checkable statement with its attribution.

    `text` is the content that gets checked (not "X said that ..."); `spans` are its
    offsets in the article (several when the content is discontinuous).
    """

    id: str
    text: str
    spans: tuple[Span, ...]
    source: Source
    cue: Cue | None = None

    @property
    def start(self) -> int:
        return self.spans[0].start

    @property
    def end(self) -> int:
        return self.spans[-1].end


@dataclass(frozen=True)
class NLIScores:
    entailment: float
    neutral: float
    contradiction: float

    @property
    def label(self) -> NLILabel:
        return max(NLI_LABELS, key=lambda name: getattr(self, name))

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in NLI_LABELS}


@dataclass(frozen=True)
class ClaimRelation:
    """The verdict on a pair of related claims, scored in both directions."""

    first: str  # claim ids
    second: str
    label: RelationLabel
    probability: float  # of `label`, the stronger direction
    forward: NLIScores  # first as premise, second as hypothesis
    backward: NLIScores  # second as premise, first as hypothesis
    similarity: float  # embedding cosine that let the pair through the gate
    same_source: bool
    temporal_update: bool = False  # a change over time, not a contradiction
    note: str = ""


@dataclass(frozen=True)
class Evidence:
    """An evidence claim scored as premise against the checked claim."""

    claim: Claim
    scores: NLIScores
    refutes: bool = False  # a contradiction by the model's threshold or a parse rule
    supports: bool = False  # entailment over the threshold, and no parse rule against it
    note: str = ""  # what a parse rule found, as in `ClaimRelation.note`


@dataclass(frozen=True)
class ClaimVerdict:
    """The verdict for one claim checked against evidence."""

    claim: str
    label: NLILabel  # entailment = supported, contradiction = refuted, neutral = not enough info
    scores: NLIScores
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class ReportStats:
    claims: int
    pairs_total: int
    pairs_scored: int
    seconds: float


@dataclass(frozen=True)
class Report:
    article: str  # path or "-" for stdin
    text: str
    claims: tuple[Claim, ...]
    relations: tuple[ClaimRelation, ...]
    model: str
    stats: ReportStats
    schema_version: int = 1
    extra: dict = field(default_factory=dict)

    def claim(self, claim_id: str) -> Claim:
        return next(claim for claim in self.claims if claim.id == claim_id)

    @property
    def contradictions(self) -> tuple[ClaimRelation, ...]:
        return tuple(r for r in self.relations if r.label == "contradiction")

    @property
    def corroborations(self) -> tuple[ClaimRelation, ...]:
        return tuple(r for r in self.relations if r.label == "corroboration")


def to_jsonable(obj) -> dict:
    """Plain dict of any of the dataclasses above (spans as [start, end] pairs)."""
    return _convert(asdict(obj))


def _convert(value):
    if isinstance(value, dict):
        if set(value) == {"start", "end"}:
            return [value["start"], value["end"]]
        return {key: _convert(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_convert(item) for item in value]
    return value
