"""A token-classification tagger for attribution spans (Source, Cue, Content), and the
grouping of its spans into attributed claims.

The tagger reads a whole article in windows of at most `max_length` tokens that overlap
(a new window every `stride` tokens); each token's log-probabilities are averaged over the
windows that contain it, and the labels are the best sequence in which every I- label
continues a span of its role (Viterbi). Spans known from elsewhere (the rules' cues, sources
and contents, see `verify.attribution.hybrid`) may be passed as hints: their labels get a bonus
before decoding, so they decide where the model is unsure. Labels are BIO over the three roles; a
checkpoint is written by `verify.training.attribution_tagger`, the windowing it was trained with in
the "tagger" section of its `settings.json` (`verify.attribution.settings`). Imports only torch,
numpy and transformers (no spaCy), so the training script can share the windowing on a bare GPU
machine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer

from verify.attribution.lexicon import COMPLEMENTIZERS
from verify.attribution.settings import GroupingSettings, read_tagger_settings
from verify.datamodel import Claim, Cue, Source, Span, shared_characters, spans_text
from verify.errors import VerifyError
from verify.runtime.models import TAGGER_MODEL, quiet_loading, shipped_model

SpanRole = Literal["source", "cue", "content"]
SPAN_ROLES: tuple[SpanRole, ...] = ("content", "source", "cue")  # later roles win where spans nest
LABELS = ("O", *(f"{prefix}-{role.upper()}" for role in SPAN_ROLES for prefix in ("B", "I")))
ROLE_OF_LABEL: dict[str, SpanRole] = {role.upper(): role for role in SPAN_ROLES}
# A content opening with a complementizer is the complement of the reporting verb before it.
COMPLEMENT_START = re.compile(rf"(?:{'|'.join(COMPLEMENTIZERS)})\b", re.IGNORECASE)

# The shipped tagger, trained on PolNeAR train (see its model card).
DEFAULT_TAGGER_DIR = shipped_model(TAGGER_MODEL)


@dataclass(frozen=True)
class TaggedSpan:
    role: SpanRole
    span: Span


@dataclass(frozen=True)
class Anchor:
    """An attribution known from elsewhere (the rules): a content span that overlaps its content goes
    to the tagged cue that overlaps its cue, whichever cue is nearer."""

    content: tuple[Span, ...]
    cue: tuple[Span, ...]


@dataclass(frozen=True)
class ArticleTokens:
    """An article's tokens without special tokens: ids and character offsets."""

    ids: list[int]
    offsets: list[tuple[int, int]]


def tokenize_article(tokenizer, text: str) -> ArticleTokens:
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
    return ArticleTokens(ids=encoded["input_ids"], offsets=[tuple(pair) for pair in encoded["offset_mapping"]])


def window_starts(n_tokens: int, size: int, stride: int) -> list[int]:
    """First token of each window; windows of `size` tokens every `stride` tokens, the last reaching the end."""
    starts = list(range(0, max(n_tokens - size, 0) + 1, stride))
    if starts[-1] + size < n_tokens:
        starts.append(n_tokens - size)
    return starts


def with_special_tokens(tokenizer, ids: list[int]) -> list[int]:
    return [tokenizer.cls_token_id, *ids, tokenizer.sep_token_id]


def _bio_transitions() -> tuple[np.ndarray, np.ndarray]:
    """Scores (0 allowed, -inf not) of label pairs and of first labels: I-X only after B-X or I-X."""
    inside = [name[2:] if name.startswith("I-") else None for name in LABELS]
    allowed = np.array(
        [[role is None or (previous != "O" and previous[2:] == role) for role in inside] for previous in LABELS]
    )
    first = np.array([role is None for role in inside])
    return np.where(allowed, 0.0, -np.inf), np.where(first, 0.0, -np.inf)


_TRANSITIONS, _FIRST = _bio_transitions()


def best_bio_labels(log_probs: np.ndarray | torch.Tensor) -> list[int]:
    """The highest-scoring label sequence (summed log-probabilities) that is valid BIO.

    In numpy: a loop of small torch operations took over a second per article on a busy CPU."""
    emissions = np.asarray(log_probs, dtype=np.float64)
    score = emissions[0] + _FIRST
    backpointers = np.empty((max(len(emissions) - 1, 0), len(LABELS)), dtype=np.int64)
    for position in range(1, len(emissions)):
        candidates = score[:, None] + _TRANSITIONS
        backpointers[position - 1] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + emissions[position]
    labels = [int(score.argmax())]
    for previous in backpointers[::-1]:
        labels.append(int(previous[labels[-1]]))
    return labels[::-1]


def hint_labels(hints: Sequence[TaggedSpan], offsets: list[tuple[int, int]]) -> np.ndarray:
    """Per token, the label id the hints give it (B- on a hint's first token, I- after), -1 where none;
    where hints nest, the later role of `SPAN_ROLES` wins, as in training."""
    starts = np.array([start for start, _ in offsets])
    ends = np.array([end for _, end in offsets])
    labels = np.full(len(offsets), -1)
    for role in SPAN_ROLES:
        for hint in hints:
            if hint.role != role:
                continue
            inside = np.nonzero((starts >= hint.span.start) & (ends <= hint.span.end) & (ends > starts))[0]
            if len(inside):
                labels[inside] = LABELS.index(f"I-{role.upper()}")
                labels[inside[0]] = LABELS.index(f"B-{role.upper()}")
    return labels


def decode_labels(labels: list[int], offsets: list[tuple[int, int]]) -> list[TaggedSpan]:
    """Spans from BIO label ids; an I- label that follows another role starts a span too."""
    spans: list[TaggedSpan] = []
    current: tuple[SpanRole, int, int] | None = None
    for label_id, (start, end) in zip(labels, offsets):
        name = LABELS[label_id]
        role: SpanRole | None = ROLE_OF_LABEL[name[2:]] if name != "O" else None
        if current and role == current[0] and name.startswith("I-"):
            current = (current[0], current[1], end)
            continue
        if current:
            spans.append(TaggedSpan(current[0], Span(current[1], current[2])))
        current = (role, start, end) if role else None
    if current:
        spans.append(TaggedSpan(current[0], Span(current[1], current[2])))
    return spans


def snap_to_words(span: Span, text: str) -> Span:
    """Widen a span that starts or ends inside a word (a word piece labelled alone) to whole words."""
    start, end = span.start, span.end
    while 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    return Span(start, end)


def _gap(first: Span, second: Span) -> int:
    return max(first.start - second.end, second.start - first.end, 0)


def _nearest(span: Span, candidates: list[Span]) -> int:
    return min(range(len(candidates)), key=lambda index: (_gap(candidates[index], span), index))


def _anchored_cue(content: Span, cues: list[Span], anchors: Sequence[Anchor], settings: GroupingSettings) -> int | None:
    """The tagged cue of the first anchor whose content the span overlaps enough, if that cue was tagged."""
    for anchor in anchors:
        shared = shared_characters((content,), anchor.content)
        shorter = min(len(content), sum(len(piece) for piece in anchor.content))
        if shared and shared >= settings.anchor_overlap * shorter:
            tagged = [i for i, cue in enumerate(cues) if any(cue.overlaps(piece) for piece in anchor.cue)]
            if tagged:
                return tagged[0]
    return None


def _content_cue(content: Span, cues: list[Span], text: str, settings: GroupingSettings) -> int:
    """The cue a content span belongs to: the last cue before a complement ("that ...", "whether
    ...", "to ...") within reach, else the nearest cue."""
    if COMPLEMENT_START.match(content.of(text)):
        before = [
            i
            for i, cue in enumerate(cues)
            if cue.end <= content.start and content.start - cue.end <= settings.max_complement_gap
        ]
        if before:
            return max(before, key=lambda i: cues[i].end)
    return _nearest(content, cues)


def group_attributions(
    spans: list[TaggedSpan], text: str, settings: GroupingSettings = GroupingSettings(), anchors: Sequence[Anchor] = ()
) -> list[Claim]:
    """One claim per cue that has content: source spans go to their nearest cue, content spans
    too unless an anchor places them (the rules read "“…,” he said. “…,” he added" right) or they
    open a complement ("said on Monday that ..."), which goes to the cue before it; a cue left
    without a source shares the nearest one before it within reach ("X said … and added …")."""
    cues = [tagged.span for tagged in spans if tagged.role == "cue"]
    if not cues:
        return []
    assigned: dict[str, list[list[Span]]] = {role: [[] for _ in cues] for role in ("source", "content")}
    for tagged in spans:
        if tagged.role == "content":
            anchored = _anchored_cue(tagged.span, cues, anchors, settings)
            index = anchored if anchored is not None else _content_cue(tagged.span, cues, text, settings)
            assigned["content"][index].append(tagged.span)
        elif tagged.role == "source":
            assigned["source"][_nearest(tagged.span, cues)].append(tagged.span)
    sources = [tagged.span for tagged in spans if tagged.role == "source"]
    reach = settings.max_source_gap
    claims: list[Claim] = []
    for index, cue in enumerate(cues):
        if not assigned["content"][index]:
            continue
        own = [source for source in assigned["source"][index] if _gap(source, cue) <= reach]
        shared = [source for source in sources if source.end <= cue.start and _gap(source, cue) <= reach]
        candidates = own or shared
        source_spans = (candidates[_nearest(cue, candidates)],) if candidates else ()
        mention = spans_text(source_spans, text)
        content_spans = tuple(sorted(assigned["content"][index]))
        claims.append(
            Claim(
                id=f"a{len(claims) + 1}",
                text=spans_text(content_spans, text),
                spans=content_spans,
                source=Source(mention=mention, name=mention, role=None, kind="unknown", spans=source_spans),
                cue=Cue(text=cue.of(text), spans=(cue,), hedged=False),
            )
        )
    return claims


class AttributionTagger:
    """Tags articles with a model from `verify.training.attribution_tagger` (see `load`)."""

    def __init__(
        self,
        model,
        tokenizer,
        max_length: int,
        stride: int,
        device: str = "cpu",
        batch_size: int = 16,
    ):
        self.model, self.tokenizer = model, tokenizer
        self.max_length, self.stride = max_length, stride
        self.device, self.batch_size = device, batch_size

    @classmethod
    def load(cls, path: Path, device: str = "cpu") -> AttributionTagger:
        settings = read_tagger_settings(path)
        if settings.labels != LABELS:
            raise VerifyError(f"{path}: the tagger's labels are {', '.join(settings.labels)}, not {', '.join(LABELS)}")
        with quiet_loading():
            model = AutoModelForTokenClassification.from_pretrained(path, dtype=torch.float32).to(device).eval()
            tokenizer = AutoTokenizer.from_pretrained(path)
        return cls(model, tokenizer, settings.max_length, settings.stride, device)

    def tag(
        self, text: str, hints: Sequence[TaggedSpan] = (), hint_bonus: float = 0.0, stride: int | None = None
    ) -> list[TaggedSpan]:
        """Source, cue and content spans in `text`, as character offsets; `hint_bonus` is added to the
        log-probability of the label each hint gives its tokens; `stride` (tokens from one window to the
        next) defaults to the training stride."""
        tokens = tokenize_article(self.tokenizer, text)
        if not tokens.ids:
            return []
        log_probs = self.log_probs(tokens, stride)
        if hints and hint_bonus:
            labels = hint_labels(hints, tokens.offsets)
            hinted = np.nonzero(labels >= 0)[0]
            log_probs[hinted, labels[hinted]] += hint_bonus
        # Argmax per token breaks spans (an I-CUE inside a source); the best valid sequence
        # scored 0.7-1.6 points higher overlap F1 on PolNeAR dev.
        spans = decode_labels(best_bio_labels(log_probs), tokens.offsets)
        return [TaggedSpan(tagged.role, snap_to_words(tagged.span, text)) for tagged in spans]

    @property
    def window_size(self) -> int:
        return self.max_length - 2  # tokens of the article in one window, [CLS] and [SEP] aside

    @torch.inference_mode()
    def log_probs(self, tokens: ArticleTokens, stride: int | None = None) -> np.ndarray:
        """Each token's label log-probabilities, averaged over the windows that contain it; all of an
        article's windows go through the model in one batch (of at most `batch_size`)."""
        size = self.window_size
        starts = window_starts(len(tokens.ids), size, min(stride or self.stride, size))
        summed = np.zeros((len(tokens.ids), len(LABELS)))
        counts = np.zeros((len(tokens.ids), 1))
        for batch_start in range(0, len(starts), self.batch_size):
            batch = starts[batch_start : batch_start + self.batch_size]
            rows = [with_special_tokens(self.tokenizer, tokens.ids[start : start + size]) for start in batch]
            width = max(map(len, rows))
            ids = torch.tensor([row + [self.tokenizer.pad_token_id] * (width - len(row)) for row in rows])
            mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in rows])
            logits = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).logits
            log_probs = torch.log_softmax(logits.float(), dim=-1).cpu().numpy()
            for row, (start, window) in enumerate(zip(batch, rows)):
                n = len(window) - 2
                summed[start : start + n] += log_probs[row, 1 : 1 + n]
                counts[start : start + n] += 1
        return summed / counts

    def token_labels(self, tokens: ArticleTokens) -> list[int]:
        """The best valid BIO label sequence of the article's tokens."""
        return best_bio_labels(self.log_probs(tokens))

    def extract_claims(self, text: str) -> list[Claim]:
        """The article's attributions as claims (cue, source, content), in cue order, grouped with the default
        `GroupingSettings`: the tagger alone (`verify evaluate --attributor tagger`, the training's dev scores).
        The product groups with the settings file's (`verify.attribution.hybrid`)."""
        return group_attributions(self.tag(text), text)
