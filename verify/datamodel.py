"""The typed data that flows segment → attribute → check → report.

Every offset is a character offset into the original article text, end exclusive,
so `text[span.start:span.end]` is the span's text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, astuple, dataclass, field, fields
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from verify import __version__
from verify.errors import VerifyError

# Articles analysed together by default (`Verifier.analyse_many`): one, so that each report is exactly the one
# `Verifier.report` gives. More embed their claims and score their related pairs in one call, which fills the
# models' batches across short articles (faster, above all on a GPU), but under bf16 autocast moves a pair's
# probabilities by up to about 0.01: the model pads a batch to its longest input.
BATCH_SIZE = 1

if TYPE_CHECKING:
    import numpy as np

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


def shared_characters(first: tuple[Span, ...], second: tuple[Span, ...]) -> int:
    """How many characters two (possibly discontinuous) spans have in common."""
    return sum(max(0, min(a.end, b.end) - max(a.start, b.start)) for a in first for b in second)


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

    `text` is the content that gets checked (not "X said that ..."); `spans` are where that text
    is in the article: `text` is their pieces joined by a space, whitespace normalised (several
    when the content is discontinuous). `content_spans` are the content as PolNeAR marks it, which
    counts a leading complementizer ("that they had taken five planes"); the same as `spans` when
    there is none (left empty, it is filled with `spans`).
    """

    id: str
    text: str
    spans: tuple[Span, ...]
    source: Source
    cue: Cue | None = None
    unit: Span | None = None  # the statement unit (sentence, or quotation over sentences) it comes from
    content_spans: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        if not self.content_spans:
            object.__setattr__(self, "content_spans", self.spans)

    @classmethod
    def from_jsonable(cls, row: Mapping[str, Any]) -> Claim:
        """A claim back from its `to_jsonable` form (a line of `verify corpus`'s claims.jsonl, a report's JSON)."""
        source, cue = row["source"], row["cue"]
        return cls(
            id=row["id"],
            text=row["text"],
            spans=_spans(row["spans"]),
            source=Source(source["mention"], source["name"], source["role"], source["kind"], _spans(source["spans"])),
            cue=Cue(cue["text"], _spans(cue["spans"]), cue["hedged"]) if cue else None,
            unit=Span(*row["unit"]) if row["unit"] else None,
            content_spans=_spans(row["content_spans"]),
        )

    @property
    def start(self) -> int:
        return self.spans[0].start

    @property
    def end(self) -> int:
        # The furthest end, not the last span's: spans sorted by start may nest (the sweep in
        # verify.pipeline.checked_claims relies on a claim being open up to here).
        return max(span.end for span in self.spans)


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


class NoteKind(str, Enum):
    """What a rule beside the NLI model found about a pair of claims."""

    change_over_time = "change_over_time"  # one claim updates the other ("restored by Thursday")
    different_periods = "different_periods"  # figures for different periods ("in the last election")
    not_informed = "not_informed"  # one source only says it was not informed / could not confirm
    place_conflict = "place_conflict"  # a place disrupted in one claim, working normally in the other
    number_conflict = "number_conflict"  # incompatible figures for the same measured thing
    different_places = "different_places"  # about different places or groups ("in Almaty" / "in Astana")
    same_source = "same_source"  # a source contradicts itself
    unresolved_reference = "unresolved_reference"  # across articles: "he", "it", "Yes", resolved in their articles
    different_speakers = "different_speakers"  # across articles: the "I" / "we" of two different sources
    repeated_statement = "repeated_statement"  # one statement (a quotation) twice: in two articles, or one
    fragment = "fragment"  # a claim with no verb or of a word or two: nothing to check ("her 2016 bid")
    rebuttal = "rebuttal"  # one claim calls the other untrue ("the charges are fabricated", "denied the report")


NOTE_SENTENCES = {
    NoteKind.change_over_time: "change over time, not a contradiction",
    NoteKind.different_periods: "different periods compared, not a contradiction",
    NoteKind.not_informed: "one source only says it was not informed: neither denial nor confirmation",
    NoteKind.place_conflict: "the {detail} disrupted in one claim, working normally in the other",
    NoteKind.number_conflict: "incompatible figures for {detail}",
    NoteKind.different_places: "about different places or groups ({detail}), not a contradiction",
    NoteKind.same_source: "same source contradicts itself",
    NoteKind.unresolved_reference: "refers into its own article ({detail}): not compared across articles",
    NoteKind.different_speakers: "the subject is each speaker ({detail}): about different people",
    NoteKind.repeated_statement: "the same statement twice: neither a contradiction nor a corroboration",
    NoteKind.fragment: "'{detail}' states nothing to check",
    NoteKind.rebuttal: "an explicit rebuttal: {detail}",
}
TIME_NOTES = (NoteKind.change_over_time, NoteKind.different_periods)


@dataclass(frozen=True)
class Note:
    kind: NoteKind
    # The place of a place conflict; the measured thing and the figures of a number conflict; the places or
    # groups of each claim where they differ; the pronoun subjects of claims of different articles.
    detail: str = ""

    def __str__(self) -> str:
        return NOTE_SENTENCES[self.kind].format(detail=self.detail)


def notes_text(notes: tuple[Note, ...]) -> str:
    """The notes as one line for readers ("" when there are none)."""
    return "; ".join(str(note) for note in notes)


@dataclass(frozen=True)
class PairSignals:
    """One scored pair as the fitted decision sees it (`verify.check.signals`). Probabilities enter as log-odds."""

    contradiction_max: float  # the stronger direction's contradiction, log-odds
    contradiction_min: float  # the weaker direction's
    entailment_max: float
    entailment_min: float
    similarity: float  # the gate's embedding cosine
    # Share of the shorter claim's content words the other has too: near 1, one claim restates or holds the
    # other (a headline and the sentence it sums up), which is neither a conflict nor a second source.
    word_overlap: float
    same_source: float  # 1: one source says both
    author_claims: float  # how many of the two are the reporter's own narration (0, 1, 2)
    hedged: float  # 1: either cue hedges ("allegedly", "reportedly")
    shared_names: float  # named entities both claims name
    names_only_one_side: float  # 1: one claim names entities and shares none of them with the other
    same_predicate: float  # 1: the main verbs have one lemma
    negation_differs: float  # 1: one claim has a negation, the other none
    fragment: float  # 1: either claim states nothing to check (`notes.fragment_note`: never a finding)
    shorter_tokens: float  # log of the shorter claim's length in tokens
    figures_conflict: float  # the number rule's note
    place_conflict: float  # the place rule's note
    different_times: float  # a change over time or different periods
    not_informed: float
    different_places: float

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(field.name for field in fields(cls))

    def vector(self) -> tuple[float, ...]:
        return astuple(self)


@dataclass(frozen=True)
class ClaimRelation:
    """The verdict on a pair of related claims, scored in both directions.

    `note` and `temporal_update` are derived from `notes`, for readers and for the JSON schema.
    """

    first: str  # claim ids
    second: str
    label: RelationLabel
    probability: float  # of `label`: of the finding, or for compatible one minus the larger finding (`decide`)
    forward: NLIScores  # first as premise, second as hypothesis
    backward: NLIScores  # second as premise, first as hypothesis
    similarity: float  # embedding cosine that let the pair through the gate
    same_source: bool
    notes: tuple[Note, ...] = ()
    # What the fitted decision read (`verify.check.signals`); None where the scores left nothing to decide.
    signals: PairSignals | None = None
    # Compatible, yet worth a reader's look: the check's possible-conflict decision (`verify.check.decision`).
    possible_conflict: bool = False
    temporal_update: bool = field(init=False)  # a change over time or of period vetoed a contradiction
    note: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "temporal_update", any(note.kind in TIME_NOTES for note in self.notes))
        object.__setattr__(self, "note", notes_text(self.notes))


@dataclass(frozen=True)
class Evidence:
    """An evidence claim scored as premise against the checked claim."""

    claim: Claim
    scores: NLIScores
    refutes: bool = False  # the decision rule calls it a contradiction of the checked claim
    supports: bool = False  # the decision rule calls it a corroboration of the checked claim
    notes: tuple[Note, ...] = ()
    note: str = field(init=False)  # `notes` as one line, as in `ClaimRelation.note`

    def __post_init__(self) -> None:
        object.__setattr__(self, "note", notes_text(self.notes))


@dataclass(frozen=True)
class ModelInfo:
    """The NLI model behind a result, by name and content rather than by where it lies on a machine
    (`verify.runtime.models.model_info`)."""

    name: str  # a local model's folder name ("verify-nli-mpnet"); a hub model's name as given
    # Hex digest of its weight files read in name order (`verify.runtime.models.WEIGHT_FILES`); None when the
    # folder holds none of them (a checkpoint in shards).
    sha256: str | None
    # What inference ran in ("fp32", "bf16" or "int8", verify.runtime.precision): probabilities differ between
    # them by rounding (bf16 about 0.01). None where no model ran in this process (a hand-built result,
    # a Ray run's corpus).
    precision: str | None = None
    # The smaller model that screened the pairs before this one scored them (CheckSettings.screen_model), if any.
    screen: ModelInfo | None = None


@dataclass(frozen=True)
class WindowEvidence:
    """A window of the evidence text (consecutive whole sentences, characters start..end) scored as premise against
    the claim or one of its sub-claims (`verify.check.windows`)."""

    start: int
    end: int
    text: str
    scores: NLIScores


@dataclass(frozen=True)
class SubClaimCheck:
    """One fact of the checked claim (`verify.check.subclaims`): characters start..end of the claim, the text
    checked, and the window that entails it most and the one that contradicts it most (None where the parse rules
    veto every window's: a source only not informed vetoes both, other places the contradiction)."""

    start: int
    end: int
    text: str
    support: WindowEvidence | None
    conflict: WindowEvidence | None


@dataclass(frozen=True)
class ClaimCheckSignals:
    """What the claim check's fitted head reads (`verify.check.verdict`). Probabilities enter as log-odds."""

    window_entailment: float  # the whole claim against its best window
    window_contradiction: float
    weakest_fact_entailment: float  # the least supported sub-claim's best window (the whole claim when it is one)
    mean_fact_entailment: float
    strongest_fact_contradiction: float
    evidence_entailment: float  # the best single evidence claim (one article claim against the claim)
    evidence_contradiction: float
    rules_refute: float  # 1: the decision rule (with the parse rules' notes) calls an evidence claim a contradiction
    rules_support: float
    facts: float  # how many sub-claims
    claim_words: float  # log of the claim's length in words
    # How the article reports, over its claims: shares that a source other than the reporter states, that are
    # hedged ("reportedly", "allegedly"), and that are denied or called untrue ("denied", "a hoax", "false").
    # An article that reports a story without vouching for it, or debunks it, tells it in these words.
    attributed_claims: float
    hedged_claims: float
    disputed_claims: float

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(field.name for field in fields(cls))

    def vector(self) -> tuple[float, ...]:
        return astuple(self)


@dataclass(frozen=True)
class ClaimVerdict:
    """The verdict for one claim checked against evidence.

    `supported` and `refuted` are the fitted head's calibrated probabilities where the model ships one (None
    where the NLI thresholds decide). `windows` are the article windows that decide it: the best supporting and
    the strongest contradicting. `failed` is the sub-claim that the verdict turns on when the claim is not
    supported: the one contradicted (refuted) or the least supported (not enough info)."""

    claim: str
    label: NLILabel  # entailment = supported, contradiction = refuted, neutral = not enough info
    scores: NLIScores
    evidence: tuple[Evidence, ...]
    model: ModelInfo | None = None  # set by the Verifier; the decision rule that builds the verdict has no model
    verify_version: str = __version__
    supported: float | None = None
    refuted: float | None = None
    windows: tuple[WindowEvidence, ...] = ()
    sub_claims: tuple[SubClaimCheck, ...] = ()
    failed: SubClaimCheck | None = None
    signals: ClaimCheckSignals | None = None


@dataclass(frozen=True)
class ReportStats:
    claims: int
    pairs_total: int
    pairs_scored: int
    seconds: float
    # Related pairs the screen model found no sign of contradiction or entailment in, left unscored
    # (CheckSettings.screen_model); pairs_scored + pairs_screened_out passed the gate.
    pairs_screened_out: int = 0


@dataclass(frozen=True)
class Report:
    article: str  # path or "-" for stdin
    text: str
    claims: tuple[Claim, ...]
    relations: tuple[ClaimRelation, ...]
    model: ModelInfo
    stats: ReportStats
    schema_version: int = 2
    verify_version: str = __version__

    def claim(self, claim_id: str) -> Claim:
        return next(claim for claim in self.claims if claim.id == claim_id)

    @property
    def contradictions(self) -> tuple[ClaimRelation, ...]:
        return tuple(r for r in self.relations if r.label == "contradiction")

    @property
    def corroborations(self) -> tuple[ClaimRelation, ...]:
        return tuple(r for r in self.relations if r.label == "corroboration")


@dataclass(frozen=True)
class ArticleRecord:
    """One article of a batch or a corpus: an id unique in the batch, the text, and the caller's own fields
    (outlet, date, url ...), carried through to every output line about it."""

    id: str
    text: str
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ArticleAnalysis:
    """What the per-article stage leaves for the corpus stage: the article's report and the sentence
    embeddings (unit rows) of its checked claims, `checked[k]` being the id of row k's claim."""

    record: ArticleRecord
    report: Report
    checked: tuple[str, ...]
    embeddings: np.ndarray


@dataclass(frozen=True)
class ArticleFailure:
    """An article of a batch that could not be analysed (unreadable, empty, no sentences to check): its
    id and fields, and the one-line error. The other articles of the batch go on."""

    id: str
    error: VerifyError
    fields: Mapping[str, Any] = field(default_factory=dict)


def _spans(pairs: Sequence[Sequence[int]]) -> tuple[Span, ...]:
    return tuple(Span(start, end) for start, end in pairs)


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
