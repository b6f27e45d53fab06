"""Score predicted attributions (source, cue, content spans) against PolNeAR's gold ones.

Match criteria, per component (Source, Cue, Content — each a set of character spans):

- exact: the same spans once each piece is trimmed of non-word characters (whitespace,
  quotes, punctuation) at its edges and pieces separated only by such characters are
  merged; so `“We won,”` and `We won` are the same content, `that we won` is not.
- overlap: at least one shared token.
- half_overlap: the shared tokens are at least half of the gold tokens and at least half
  of the predicted tokens (overlap ≥ 50% of the longer).

Tokens are regex word tokens (`don’t` is one); a span without any word characters (a
colon used as a cue) is tokenised into its punctuation instead. A whole attribution
matches when its cue, content and source all match under the criterion; an attribution
without a gold source matches only a prediction without source spans. Component scores
count only attributions that have that component on both sides: a missing source is not
a source error, it shows in the attribution score.

Matching is one-to-one and greedy (best token Dice first, ties by order), per annotation
file; counts are micro-averaged over all annotation files. Only predicted claims with a
cue and a non-author source are attributions; unattributed narration is ignored.
Categories of gold attributions (pronoun sources, "according to" cues, ...) get recall
per component, for the error analysis.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from verify.datamodel import Claim, Span
from verify.errors import VerifyError
from verify.evaluation.metrics import greedy_one_to_one, precision_recall_f1
from verify.evaluation.polnear import AnnotatedArticle, load_polnear

CRITERIA = ("exact", "overlap", "half_overlap")
COMPONENTS = ("source", "cue", "content")
CATEGORIES = (
    "pronoun_source",
    "anonymous_source",
    "no_source",
    "according_to_cue",
    "source_after_content",
    "direct_quote",
    "content_spans_sentences",
    "discontinuous_content",
)

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
_WORD = re.compile(r"\w")
_PRONOUNS = frozenset(
    "i me we us you he him she her it they them his its their our my your this that these those who which".split()
)
# heads of sources that name no one: "officials", "a person familiar with the talks"
_ANONYMOUS_HEADS = frozenset(
    """source sources official officials aide aides people person someone some many others critics analysts
    experts observers insiders advisers advisors allies supporters opponents members staffers residents
    witnesses voters democrats republicans""".split()
)
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’']?\s+[\"“‘']?[A-Z]")
_OPENING_QUOTES = "\"“‘'"


@dataclass(frozen=True)
class _Component:
    exact: tuple[Span, ...]
    tokens: frozenset[int]


@dataclass(frozen=True)
class _Attribution:
    source: _Component | None  # None: no source spans
    cue: _Component | None
    content: _Component | None


class _Tokens:
    """Token offsets of one article, to turn character spans into token sets."""

    def __init__(self, text: str) -> None:
        self.text = text
        matches = list(_TOKEN.finditer(text))
        self.starts = [match.start() for match in matches]
        self.ends = [match.end() for match in matches]
        self.is_word = [bool(_WORD.match(match.group())) for match in matches]

    def component(self, spans: tuple[Span, ...]) -> _Component | None:
        if not spans:
            return None
        covered: set[int] = set()
        for span in spans:  # tokens overlapping the span, partly covered ones included
            covered.update(range(bisect_right(self.ends, span.start), bisect_left(self.starts, span.end)))
        words = frozenset(index for index in covered if self.is_word[index])
        return _Component(exact=_exact_key(spans, self.text), tokens=words or frozenset(covered))


def _exact_key(spans: tuple[Span, ...], text: str) -> tuple[Span, ...]:
    trimmed = [_trim(span, text, lambda char: not _WORD.match(char)) for span in sorted(spans)]
    pieces = [span for span in trimmed if len(span)]
    if not pieces:  # all punctuation, like a colon cue: compare it whitespace-trimmed
        return tuple(span for span in (_trim(s, text, str.isspace) for s in sorted(spans)) if len(span))
    merged = [pieces[0]]
    for piece in pieces[1:]:
        if _WORD.search(text[merged[-1].end : piece.start]):
            merged.append(piece)
        else:
            merged[-1] = Span(merged[-1].start, max(merged[-1].end, piece.end))
    return tuple(merged)


def _trim(span: Span, text: str, strip: Callable[[str], bool]) -> Span:
    start, end = span.start, span.end
    while start < end and strip(text[start]):
        start += 1
    while end > start and strip(text[end - 1]):
        end -= 1
    return Span(start, end)


def _matches(criterion: str, predicted: _Component | None, gold: _Component | None) -> bool:
    if predicted is None or gold is None:
        return False
    if criterion == "exact":
        return predicted.exact == gold.exact
    shared = len(predicted.tokens & gold.tokens)
    if criterion == "overlap":
        return shared >= 1
    return shared > 0 and 2 * shared >= max(len(predicted.tokens), len(gold.tokens))


def _dice(predicted: _Component | None, gold: _Component | None) -> float:
    if predicted is None or gold is None:
        return 1.0 if predicted is gold else 0.0
    total = len(predicted.tokens) + len(gold.tokens)
    return 2 * len(predicted.tokens & gold.tokens) / total if total else 0.0


def _match_attributions(criterion: str, predicted: _Attribution, gold: _Attribution) -> bool:
    source_ok = (predicted.source is None and gold.source is None) or _matches(criterion, predicted.source, gold.source)
    return source_ok and all(
        _matches(criterion, getattr(predicted, name), getattr(gold, name)) for name in ("cue", "content")
    )


def _matched_pairs(predicted: list, gold: list, is_match: Callable, score: Callable) -> list[tuple[int, int]]:
    """(predicted, gold) index pairs that match, one-to-one, best-scoring first."""
    return greedy_one_to_one(
        (score(p, g), i, j) for i, p in enumerate(predicted) for j, g in enumerate(gold) if is_match(p, g)
    )


def _attribution_score(predicted: _Attribution, gold: _Attribution) -> float:
    return sum(_dice(getattr(predicted, name), getattr(gold, name)) for name in COMPONENTS)


def _to_attribution(claim: Claim, tokens: _Tokens) -> _Attribution:
    return _Attribution(
        source=tokens.component(claim.source.spans),
        cue=tokens.component(claim.cue.spans if claim.cue else ()),
        content=tokens.component(claim.content_spans),
    )


def is_attribution(claim: Claim) -> bool:
    """Whether a predicted claim is an attribution rather than the author's narration."""
    return claim.cue is not None and claim.source.kind != "author"


def gold_categories(claim: Claim, text: str) -> frozenset[str]:
    """The error-analysis categories a gold attribution belongs to."""
    source_words = [word.lower() for word in re.findall(r"\w+", claim.source.mention)]
    content = claim.text.strip()
    categories = {
        "pronoun_source": len(source_words) == 1 and source_words[0] in _PRONOUNS,
        "anonymous_source": bool(source_words)
        and bool(_ANONYMOUS_HEADS & set(source_words))
        and not any(word[:1].isupper() for word in claim.source.mention.split()[1:]),
        "no_source": not claim.source.spans,
        "according_to_cue": claim.cue is not None and "according to" in claim.cue.text.lower(),
        "source_after_content": bool(claim.source.spans) and claim.source.spans[0].start > claim.content_spans[0].start,
        "direct_quote": content[:1] in _OPENING_QUOTES,
        "content_spans_sentences": any(_SENTENCE_BREAK.search(span.of(text).strip()) for span in claim.content_spans),
        "discontinuous_content": len(claim.content_spans) > 1,
    }
    return frozenset(name for name, applies in categories.items() if applies)


@dataclass(frozen=True)
class AttributionErrors:
    """One annotation file's unmatched attributions under a criterion."""

    doc_id: str
    missed: tuple[Claim, ...]  # gold attributions no prediction matched
    spurious: tuple[Claim, ...]  # predicted attributions that matched no gold one


class AttributionEvaluator:
    """Precision, recall and F1 of predicted attributions against gold annotation files.

    Call it with the predicted claims of each article, in the order of `articles`.
    """

    def __init__(self, articles: list[AnnotatedArticle]) -> None:
        self.articles = articles
        self._tokens = [_Tokens(article.text) for article in articles]
        self._gold = [
            [_to_attribution(claim, tokens) for claim in article.claims]
            for article, tokens in zip(articles, self._tokens)
        ]
        self._categories = [[gold_categories(claim, article.text) for claim in article.claims] for article in articles]

    def __call__(self, predictions: list[list[Claim]]) -> dict[str, float]:
        self._check(predictions)
        counts: Counter[str] = Counter()
        for tokens, gold, categories, claims in zip(self._tokens, self._gold, self._categories, predictions):
            predicted = [_to_attribution(claim, tokens) for claim in claims if is_attribution(claim)]
            counts["predicted"] += len(predicted)
            counts["gold"] += len(gold)
            for category_set in categories:
                counts.update(f"category/{name}/count" for name in category_set)
            for criterion in CRITERIA:
                self._count_article(criterion, predicted, gold, categories, counts)
        return self._metrics(counts)

    def errors(self, predictions: list[list[Claim]], criterion: str = "overlap") -> list[AttributionErrors]:
        """Per annotation file, the whole attributions left unmatched: for the error analysis."""
        self._check(predictions)
        if criterion not in CRITERIA:
            raise VerifyError(f"unknown criterion {criterion!r}; choose one of {', '.join(CRITERIA)}")
        found = []
        for article, tokens, gold, claims in zip(self.articles, self._tokens, self._gold, predictions):
            attributed = [claim for claim in claims if is_attribution(claim)]
            predicted = [_to_attribution(claim, tokens) for claim in attributed]
            pairs = _matched_pairs(predicted, gold, partial(_match_attributions, criterion), _attribution_score)
            matched_predicted, matched_gold = {i for i, _ in pairs}, {j for _, j in pairs}
            found.append(
                AttributionErrors(
                    doc_id=article.doc_id,
                    missed=tuple(c for j, c in enumerate(article.claims) if j not in matched_gold),
                    spurious=tuple(c for i, c in enumerate(attributed) if i not in matched_predicted),
                )
            )
        return found

    def _check(self, predictions: list[list[Claim]]) -> None:
        if len(predictions) != len(self.articles):
            raise VerifyError(f"got predictions for {len(predictions)} articles, expected {len(self.articles)}")

    @staticmethod
    def _count_article(
        criterion: str,
        predicted: list[_Attribution],
        gold: list[_Attribution],
        categories: list[frozenset[str]],
        counts: Counter[str],
    ) -> None:
        for component in (*COMPONENTS, "attribution"):
            is_match: Callable[..., bool]
            score: Callable[..., float]
            if component == "attribution":
                predicted_items, gold_positions = predicted, list(range(len(gold)))
                gold_items = gold
                is_match, score = partial(_match_attributions, criterion), _attribution_score
            else:
                predicted_items = [part for attribution in predicted if (part := getattr(attribution, component))]
                gold_positions = [j for j, attribution in enumerate(gold) if getattr(attribution, component)]
                gold_items = [getattr(gold[j], component) for j in gold_positions]
                is_match, score = partial(_matches, criterion), _dice
            matched = {j for _, j in _matched_pairs(predicted_items, gold_items, is_match, score)}
            key = f"{criterion}/{component}"
            counts[f"{key}/predicted"] += len(predicted_items)
            counts[f"{key}/gold"] += len(gold_items)
            counts[f"{key}/matched"] += len(matched)
            for position, gold_position in enumerate(gold_positions):
                for name in categories[gold_position]:
                    counts[f"category/{name}/{key}/gold"] += 1
                    counts[f"category/{name}/{key}/matched"] += position in matched

    @staticmethod
    def _metrics(counts: Counter[str]) -> dict[str, float]:
        metrics: dict[str, float] = {
            "gold_attributions": counts["gold"],
            "predicted_attributions": counts["predicted"],
        }
        for criterion in CRITERIA:
            for component in (*COMPONENTS, "attribution"):
                key = f"{criterion}/{component}"
                scores = precision_recall_f1(
                    counts[f"{key}/matched"], counts[f"{key}/predicted"], counts[f"{key}/gold"]
                )
                metrics.update({f"{key}/{name}": value for name, value in scores._asdict().items()})
        for name in CATEGORIES:
            metrics[f"category/{name}/count"] = counts[f"category/{name}/count"]
            for criterion in CRITERIA:
                for component in (*COMPONENTS, "attribution"):
                    key = f"category/{name}/{criterion}/{component}"
                    if counts[f"{key}/gold"]:  # no_source attributions have no source recall
                        metrics[f"{key}/recall"] = counts[f"{key}/matched"] / counts[f"{key}/gold"]
        return metrics


def evaluate_attribution(
    path: Path,
    extract_claims: Callable[[str], list[Claim]],
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, float]:
    """Load a PolNeAR split, predict each article's claims and score them.

    An article annotated twice is predicted once and scored against both annotations.
    `progress(done, total)` is called after each annotation file.
    """
    articles = load_polnear(path)
    predicted_by_text: dict[str, list[Claim]] = {}
    predictions = []
    for done, article in enumerate(articles, start=1):
        if article.text not in predicted_by_text:
            predicted_by_text[article.text] = list(extract_claims(article.text))
        predictions.append(predicted_by_text[article.text])
        if progress:
            progress(done, len(articles))
    return AttributionEvaluator(articles)(predictions)
