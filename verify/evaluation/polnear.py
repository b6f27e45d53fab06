"""Read PolNeAR's brat standoff attribution annotations into the project's data model.

Each brat event `E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1` becomes one `Claim`:
its Content spans are the claim's spans, its Cue a `Cue`, its Source a `Source` of kind
"unknown" (PolNeAR does not type sources). Roles brat numbers when an event has several
arguments of one role (`Content2`) are merged into that role. Events without a Cue or
without a Content (a handful in the corpus, half-finished annotations) are skipped.
Attributions without a source (`Attribution-no-source`) get a Source with no spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from verify.datamodel import Claim, Cue, Source, Span, spans_text
from verify.errors import VerifyError

BRAT_LABELS = ("Source", "Cue", "Content")  # the annotation labels of the span roles
_ID_LINE = re.compile(r"^[TERAMN#]\d+\t")
_ENTITY = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$", re.DOTALL)
_ANNOTATOR_SUFFIX = re.compile(r"^(?P<article>.+)_(?P<annotator>[0-9a-f]{4})$")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class AnnotatedArticle:
    """One annotation file: the article text and its gold attributions."""

    doc_id: str  # the annotation file's stem, annotator suffix included
    text: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class _Entity:
    label: str
    spans: tuple[Span, ...]


def read_brat(text: str, ann: str, doc_id: str) -> AnnotatedArticle:
    """Parse one brat annotation of `text`; span texts are checked against the article."""
    entities: dict[str, _Entity] = {}
    events: list[tuple[str, list[str]]] = []
    for line in _records(ann):
        if line.startswith("T"):
            entity_id, entity = _parse_entity(line, text, doc_id)
            entities[entity_id] = entity
        elif line.startswith("E"):
            event_id, _, arguments = line.partition("\t")
            events.append((event_id, arguments.split()[1:]))  # the first argument is the trigger
    claims = []
    for event_id, roles in events:
        spans_by_role = _spans_by_role(roles, entities, doc_id, event_id)
        if spans_by_role["Cue"] and spans_by_role["Content"]:
            claims.append(_claim(event_id, spans_by_role, text))
    return AnnotatedArticle(doc_id=doc_id, text=text, claims=tuple(claims))


def load_polnear(path: Path) -> list[AnnotatedArticle]:
    """Every annotation file of a PolNeAR split (a directory with text/ and attributions/).

    An article annotated twice appears twice, once per annotation file, in file-name order.
    """
    text_dir, ann_dir = Path(path) / "text", Path(path) / "attributions"
    if not text_dir.is_dir() or not ann_dir.is_dir():
        raise VerifyError(f"{path} is not a PolNeAR split: it needs text/ and attributions/ directories")
    articles = []
    for ann_path in sorted(ann_dir.glob("*.ann")):
        match = _ANNOTATOR_SUFFIX.match(ann_path.stem)
        text_path = text_dir / f"{match['article'] if match else ann_path.stem}.txt"
        if not text_path.is_file():
            raise VerifyError(f"no article text {text_path.name} for annotation {ann_path.name}")
        articles.append(read_brat(_read(text_path), _read(ann_path), ann_path.stem))
    if not articles:
        raise VerifyError(f"no .ann files in {ann_dir}")
    return articles


def _read(path: Path) -> str:
    # newline="" keeps the characters brat's offsets count
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _records(ann: str) -> list[str]:
    """Annotation records; a span text containing a newline continues on the next lines."""
    records: list[str] = []
    for line in ann.split("\n"):
        if _ID_LINE.match(line) or not records:
            records.append(line)
        else:
            records[-1] += "\n" + line
    return [record.rstrip("\n") for record in records if record.strip()]


def _parse_entity(line: str, text: str, doc_id: str) -> tuple[str, _Entity]:
    match = _ENTITY.match(line)
    if not match:
        raise VerifyError(f"{doc_id}: malformed brat entity line {line[:60]!r}")
    entity_id, label, ranges, stored = match.groups()
    spans = tuple(Span(int(start), int(end)) for start, end in (r.split() for r in ranges.split(";")))
    if spans[-1].end > len(text):
        raise VerifyError(f"{doc_id}: {entity_id} ends at {spans[-1].end}, past the text's {len(text)} characters")
    # brat stores a discontinuous span's pieces joined with a space
    if _WHITESPACE.sub(" ", spans_text(spans, text, " ")).strip() != _WHITESPACE.sub(" ", stored).strip():
        raise VerifyError(f"{doc_id}: {entity_id}'s stored text {stored[:40]!r} does not match the article")
    return entity_id, _Entity(label, spans)


def _spans_by_role(
    arguments: list[str], entities: dict[str, _Entity], doc_id: str, event_id: str
) -> dict[str, tuple[Span, ...]]:
    spans: dict[str, list[Span]] = {role: [] for role in BRAT_LABELS}
    for argument in arguments:
        role, _, entity_id = argument.partition(":")
        base_role = role.rstrip("0123456789")  # Content2 is a second Content
        if base_role not in spans:
            continue
        if entity_id not in entities:
            raise VerifyError(f"{doc_id}: {event_id} refers to missing entity {entity_id}")
        spans[base_role].extend(entities[entity_id].spans)
    return {role: tuple(sorted(set(role_spans))) for role, role_spans in spans.items()}


def _claim(event_id: str, spans_by_role: dict[str, tuple[Span, ...]], text: str) -> Claim:
    source_spans, cue_spans, content_spans = (spans_by_role[role] for role in BRAT_LABELS)
    mention = spans_text(source_spans, text, " ")
    return Claim(
        id=event_id,
        text=spans_text(content_spans, text),
        spans=content_spans,
        source=Source(mention=mention, name=mention, role=None, kind="unknown", spans=source_spans),
        cue=Cue(text=spans_text(cue_spans, text, " "), spans=cue_spans, hedged=False),
    )
