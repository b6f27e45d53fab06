"""A token-classification tagger for attribution spans (Source, Cue, Content), and the
grouping of its spans into attributed claims.

The tagger reads a whole article in windows of at most `max_length` tokens that overlap
(a new window every `stride` tokens); each token's log-probabilities are averaged over the
windows that contain it, and the labels are the best sequence in which every I- label
continues a span of its role (Viterbi). Labels are BIO over the three roles; a
checkpoint is written by `verify.training.attribution_tagger`, whose `tagger.json` records
the windowing it was trained with. Imports only torch and transformers (no spaCy), so the
training script can share the windowing on a bare GPU machine.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer

import verify
from verify.datamodel import Claim, Cue, Source, Span, spans_text
from verify.errors import VerifyError

Role = Literal["source", "cue", "content"]
ROLES: tuple[Role, ...] = ("content", "source", "cue")  # later roles win where spans nest
LABELS = ("O", *(f"{prefix}-{role.upper()}" for role in ROLES for prefix in ("B", "I")))
MAX_SOURCE_GAP = 100  # characters between a cue and a source it shares with an earlier cue
# A content opening with a complementizer is the complement of the reporting verb before it,
# however close the next cue: "Trump said in a debate on Monday that ..., Clinton now says ...".
COMPLEMENT_START = re.compile(r"(?:that|whether|if|how|why|what|to)\b", re.IGNORECASE)
MAX_COMPLEMENT_GAP = 150  # characters between that cue and its complement

# The shipped tagger, trained on PolNeAR train (see its model card).
DEFAULT_TAGGER_DIR = Path(verify.__file__).resolve().parents[1] / "models" / "verify-attribution-tagger"


@dataclass(frozen=True)
class TaggedSpan:
    role: Role
    span: Span


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


def _bio_transitions() -> tuple[torch.Tensor, torch.Tensor]:
    """Scores (0 allowed, -inf not) of label pairs and of first labels: I-X only after B-X or I-X."""
    inside = [name[2:] if name.startswith("I-") else None for name in LABELS]
    allowed = torch.tensor([[role is None or (previous != "O" and previous[2:] == role) for role in inside]
                            for previous in LABELS])
    first = torch.tensor([role is None for role in inside])
    return (torch.where(allowed, 0.0, -torch.inf), torch.where(first, 0.0, -torch.inf))


def best_bio_labels(log_probs: torch.Tensor) -> list[int]:
    """The highest-scoring label sequence (summed log-probabilities) that is valid BIO."""
    transitions, first = _bio_transitions()
    score = log_probs[0] + first
    backpointers = []
    for emission in log_probs[1:]:
        best, previous = (score[:, None] + transitions).max(dim=0)
        backpointers.append(previous)
        score = best + emission
    labels = [int(score.argmax())]
    for previous in reversed(backpointers):
        labels.append(int(previous[labels[-1]]))
    return labels[::-1]


def decode_labels(labels: list[int], offsets: list[tuple[int, int]]) -> list[TaggedSpan]:
    """Spans from BIO label ids; an I- label that follows another role starts a span too."""
    spans: list[TaggedSpan] = []
    current: tuple[Role, int, int] | None = None
    for label_id, (start, end) in zip(labels, offsets):
        name = LABELS[label_id]
        role = name[2:].lower() if name != "O" else None
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


def _content_cue(content: Span, cues: list[Span], text: str) -> int:
    """The cue a content span belongs to: the last cue before a complement ("that ...", "whether
    ...", "to ...") within reach, else the nearest cue."""
    if COMPLEMENT_START.match(content.of(text)):
        before = [i for i, cue in enumerate(cues)
                  if cue.end <= content.start and content.start - cue.end <= MAX_COMPLEMENT_GAP]
        if before:
            return max(before, key=lambda i: cues[i].end)
    return _nearest(content, cues)


def group_attributions(spans: list[TaggedSpan], text: str) -> list[Claim]:
    """One claim per cue that has content: source spans go to their nearest cue, content spans
    too unless they open a complement ("said on Monday that ..."), which goes to the cue before
    it; a cue left without a source shares the nearest one before it within reach ("X said … and
    added …")."""
    cues = [tagged.span for tagged in spans if tagged.role == "cue"]
    if not cues:
        return []
    assigned: dict[str, list[list[Span]]] = {role: [[] for _ in cues] for role in ("source", "content")}
    for tagged in spans:
        if tagged.role == "content":
            assigned["content"][_content_cue(tagged.span, cues, text)].append(tagged.span)
        elif tagged.role == "source":
            assigned["source"][_nearest(tagged.span, cues)].append(tagged.span)
    sources = [tagged.span for tagged in spans if tagged.role == "source"]
    claims = []
    for index, cue in enumerate(cues):
        if not assigned["content"][index]:
            continue
        own = [source for source in assigned["source"][index] if _gap(source, cue) <= MAX_SOURCE_GAP]
        shared = [source for source in sources if source.end <= cue.start and _gap(source, cue) <= MAX_SOURCE_GAP]
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

    def __init__(self, model, tokenizer, max_length: int, stride: int, device: str = "cpu", batch_size: int = 16):
        self.model, self.tokenizer = model, tokenizer
        self.max_length, self.stride = max_length, stride
        self.device, self.batch_size = device, batch_size

    @classmethod
    def load(cls, path: Path, device: str = "cpu") -> AttributionTagger:
        path = Path(path)
        if not (path / "tagger.json").is_file():
            raise VerifyError(f"{path} is not an attribution tagger checkpoint (no tagger.json)")
        settings = json.loads((path / "tagger.json").read_text(encoding="utf-8"))
        model = AutoModelForTokenClassification.from_pretrained(path, dtype=torch.float32).to(device).eval()
        return cls(model, AutoTokenizer.from_pretrained(path), settings["max_length"], settings["stride"], device)

    @torch.inference_mode()
    def tag(self, text: str) -> list[TaggedSpan]:
        """Source, cue and content spans in `text`, as character offsets."""
        tokens = tokenize_article(self.tokenizer, text)
        if not tokens.ids:
            return []
        spans = decode_labels(self.token_labels(tokens), tokens.offsets)
        return [TaggedSpan(tagged.role, snap_to_words(tagged.span, text)) for tagged in spans]

    def token_labels(self, tokens: ArticleTokens) -> list[int]:
        size = self.max_length - 2
        starts = window_starts(len(tokens.ids), size, self.stride)
        summed = torch.zeros(len(tokens.ids), len(LABELS))
        counts = torch.zeros(len(tokens.ids), 1)
        for batch_start in range(0, len(starts), self.batch_size):
            batch = starts[batch_start : batch_start + self.batch_size]
            rows = [with_special_tokens(self.tokenizer, tokens.ids[start : start + size]) for start in batch]
            width = max(map(len, rows))
            ids = torch.tensor([row + [self.tokenizer.pad_token_id] * (width - len(row)) for row in rows])
            mask = torch.tensor([[1] * len(row) + [0] * (width - len(row)) for row in rows])
            logits = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).logits
            log_probs = torch.log_softmax(logits.float(), dim=-1).cpu()
            for row, (start, window) in enumerate(zip(batch, rows)):
                n = len(window) - 2
                summed[start : start + n] += log_probs[row, 1 : 1 + n]
                counts[start : start + n] += 1
        # Argmax per token breaks spans (an I-CUE inside a source); the best valid sequence
        # scored 0.7-1.6 points higher overlap F1 on PolNeAR dev.
        return best_bio_labels(summed / counts)

    def extract_claims(self, text: str) -> list[Claim]:
        """The article's attributions as claims (cue, source, content), in cue order."""
        return group_attributions(self.tag(text), text)
