"""The claims of many articles against each other: outlet A's source says X, outlet B's says not-X.

Every claim is looked up in one approximate-nearest-neighbour index (faiss HNSW) of all the corpus's
claims for its nearest claims of other articles, so the work grows about linearly with the claims, not
with their square. The candidates pass the same gate as inside an article (`gate.gated_pairs`) and are
checked by the same code (`pairs.check_pairs`: NLI both ways, notes, `decide`); articles of different
dates make a change or a moved figure an update, not a contradiction (`notes.time_note`). Claims and
articles about the same event are grouped into stories: the connected components of the checked pairs
(similar enough for the gate) whose claims share a name, place or date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import faiss
import numpy as np
from spacy.tokens import Doc

from verify.check.gate import Candidates, content_words, gated_pairs
from verify.check.notes import entity_names
from verify.check.pairs import PairToCheck, Scorer, check_pairs, screened_pairs, statement_context
from verify.check.settings import CheckSettings
from verify.datamodel import ArticleAnalysis, Claim, ClaimRelation, Note, RelationLabel, Source
from verify.runtime.nlp import pipeline

# HNSW graph: links per claim, and the candidate lists kept while building and while searching. Wider
# lists find the true nearest more often; these keep recall near 1 for corpora of tens of thousands of
# claims (a claim's own article, filtered out, can fill part of the search list).
HNSW_LINKS = 32
HNSW_BUILD_BREADTH = 80
HNSW_SEARCH_BREADTH = 96
# Entity labels that name what a story is about: who, where, when.
STORY_ENTITIES = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT", "LAW", "DATE"})
STORY_TERMS = 5  # terms kept per story


@dataclass(frozen=True)
class ClaimInArticle:
    """One side of a cross-article relation: the claim, its source and its article."""

    article: str  # the record's id
    outlet: str | None  # the record's fields["outlet"], as text
    date: str | None  # the record's fields["date"], as text
    claim: str  # the claim's id in its article's report
    text: str
    source: str  # canonical name
    role: str | None


@dataclass(frozen=True)
class CrossRelation:
    """The verdict on two related claims of different articles; `relation` names the claims by their ids in
    their own articles (`first.claim`, `second.claim`)."""

    first: ClaimInArticle
    second: ClaimInArticle
    relation: ClaimRelation

    @property
    def label(self) -> RelationLabel:
        return self.relation.label

    @property
    def probability(self) -> float:
        return self.relation.probability

    @property
    def notes(self) -> tuple[Note, ...]:
        return self.relation.notes

    @property
    def across_outlets(self) -> bool:
        """The articles come from two different, named outlets."""
        return None not in (self.first.outlet, self.second.outlet) and self.first.outlet != self.second.outlet


@dataclass(frozen=True)
class Story:
    """Claims and articles about one event."""

    id: str  # "s1", "s2" ... the story with the most articles first
    article_ids: tuple[str, ...]
    claim_ids: tuple[tuple[str, str], ...]  # (article id, claim id)
    terms: tuple[str, ...]  # the names, places and dates most of its claims mention, the most frequent first
    title: str  # the text of the claim linked to the most others


@dataclass(frozen=True)
class CorpusFindings:
    relations: tuple[CrossRelation, ...]  # in article id order, then claim order
    stories: tuple[Story, ...]
    pairs_considered: int  # distinct cross-article claim pairs the index proposed
    pairs_scored: int  # of those, the pairs the gate admitted and NLI scored
    pairs_screened_out: int = 0  # admitted by the gate, left unscored by the screen model (`pairs.screened_pairs`)

    @property
    def contradictions(self) -> tuple[CrossRelation, ...]:
        """The contradictions, those across outlets first, then the most probable first."""
        found = [relation for relation in self.relations if relation.label == "contradiction"]
        return tuple(sorted(found, key=lambda relation: (not relation.across_outlets, -relation.probability)))


@dataclass(frozen=True)
class ArticleClaims:
    """What the corpus stage keeps of an analysed article: its id and fields, its checked claims with their
    statement units and embeddings; not its text or its report, so that a corpus's memory grows with its
    checked claims only."""

    id: str
    fields: Mapping[str, Any]
    claims: tuple[Claim, ...]  # the checked claims, row k of `embeddings` being claim k's
    contexts: tuple[str, ...]  # the claims' statement units
    embeddings: np.ndarray

    @classmethod
    def of(cls, analysis: ArticleAnalysis) -> ArticleClaims:
        by_id = {claim.id: claim for claim in analysis.report.claims}
        claims = tuple(by_id[claim_id] for claim_id in analysis.checked)
        return cls(
            id=analysis.record.id,
            fields=analysis.record.fields,
            claims=claims,
            contexts=tuple(statement_context(claim, analysis.report.text) for claim in claims),
            embeddings=analysis.embeddings,
        )


@dataclass(frozen=True)
class _CorpusClaims:
    """The checked claims of all articles as one table, article after article (ids in sorted order)."""

    articles: tuple[ArticleClaims, ...]
    claims: tuple[Claim, ...]
    contexts: tuple[str, ...]
    article_of: tuple[int, ...]  # index into `articles` per claim
    bounds: tuple[tuple[int, int], ...]  # rows [start, end) of each article
    embeddings: np.ndarray

    @classmethod
    def of(cls, articles: Sequence[ArticleClaims]) -> _CorpusClaims:
        # Sorted by id, so the index, and with it the output, does not depend on the input order.
        ordered = tuple(sorted(articles, key=lambda article: article.id))
        duplicated = sorted(name for name, count in Counter(article.id for article in ordered).items() if count > 1)
        if duplicated:
            raise ValueError(f"article ids are not unique: {', '.join(duplicated)}")
        bounds: list[tuple[int, int]] = []
        for article in ordered:
            start = bounds[-1][1] if bounds else 0
            bounds.append((start, start + len(article.claims)))
        dimension = max((article.embeddings.shape[1] for article in ordered), default=0)
        rows = [article.embeddings for article in ordered if len(article.embeddings)]
        embeddings = np.vstack(rows) if rows else np.zeros((0, dimension))
        return cls(
            ordered,
            tuple(claim for article in ordered for claim in article.claims),
            tuple(context for article in ordered for context in article.contexts),
            tuple(index for index, article in enumerate(ordered) for _ in article.claims),
            tuple(bounds),
            np.ascontiguousarray(embeddings, dtype=np.float32),
        )

    def side(self, row: int) -> ClaimInArticle:
        article = self.articles[self.article_of[row]]
        claim = self.claims[row]
        outlet, published = (article.fields.get(name) for name in ("outlet", "date"))
        return ClaimInArticle(
            article=article.id,
            outlet=None if outlet is None else str(outlet),
            date=None if published is None else str(published),
            claim=claim.id,
            text=claim.text,
            source=claim.source.name,
            role=claim.source.role,
        )

    def pair(self, first: int, second: int, similarity: float) -> PairToCheck:
        return pair_across_articles(
            (first, second),
            similarity,
            (self.claims[first].source, self.claims[second].source),
            (self.articles[self.article_of[first]].fields, self.articles[self.article_of[second]].fields),
        )


def pair_across_articles(
    rows: tuple[int, int], similarity: float, sources: tuple[Source, Source], fields: tuple[Mapping, Mapping]
) -> PairToCheck:
    """The pair of claims `rows` of two articles (their sources, their articles' fields) as `check_pairs` takes it."""
    one, other = sources
    # "the author" of two articles is two reporters, so narration is never the same source across articles.
    same_source = one.name == other.name and one.kind != "author"
    dates = {_publication_date(article_fields) for article_fields in fields}
    different_dates = None not in dates and len(dates) > 1
    return PairToCheck(*rows, similarity, same_source, different_dates, across_articles=True)


def cross_article_relations(
    articles: Sequence[ArticleClaims],
    score: Scorer,
    settings: CheckSettings = CheckSettings(),
    screen: Scorer | None = None,
) -> CorpusFindings:
    """Relations between related claims of different articles, and the stories they make.

    Each claim is paired with its `settings.cross_candidates` nearest claims of other articles; the gate
    (`settings.across_articles()`) admits the related ones, which link stories and are screened (`screen`,
    the settings' screen model, if any) and checked as pairs inside an article are. Article ids must be
    unique; the output does not depend on the order of `articles`."""
    corpus = _CorpusClaims.of(articles)
    candidates = _nearest_in_other_articles(corpus.embeddings, corpus.bounds, settings.cross_candidates)
    considered = {(min(found.claim, j), max(found.claim, j)) for found in candidates for j in found.nearest}
    words = [content_words(claim.text) for claim in corpus.claims]
    admitted = gated_pairs(candidates, words, settings.across_articles())
    pairs = [corpus.pair(i, j, similarity) for i, j, similarity in admitted]
    if screen is not None:
        pairs = screened_pairs(pairs, corpus.claims, screen, settings)
    relations = check_pairs(pairs, corpus.claims, corpus.contexts, score, settings)
    return CorpusFindings(
        relations=tuple(
            CrossRelation(corpus.side(pair.first), corpus.side(pair.second), relation)
            for pair, relation in zip(pairs, relations)
        ),
        stories=_stories(corpus, [(i, j) for i, j, _ in admitted]),
        pairs_considered=len(considered),
        pairs_scored=len(relations),
        pairs_screened_out=len(admitted) - len(relations),
    )


def _nearest_in_other_articles(
    embeddings: np.ndarray, bounds: Sequence[tuple[int, int]], count: int
) -> list[Candidates]:
    """Each row's `count` most similar rows (inner product) outside its own article's rows, from an HNSW index."""
    if count <= 0 or len(bounds) < 2 or not len(embeddings):
        return []
    index = faiss.IndexHNSWFlat(embeddings.shape[1], HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_BUILD_BREADTH
    # Threads would insert claims in an order that varies from run to run, and so would the graph.
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        index.add(embeddings)
    finally:
        faiss.omp_set_num_threads(threads)
    found = []
    for start, end in bounds:
        if start == end:
            continue
        own_article = faiss.IDSelectorRange(start, end)  # kept referenced: the NOT selector does not own it
        outside = faiss.IDSelectorNot(own_article)
        # faiss-cpu's type stubs lack the HNSW search parameters, which the module has.
        parameters = faiss.SearchParametersHNSW(  # type: ignore[attr-defined]
            sel=outside, efSearch=max(HNSW_SEARCH_BREADTH, count)
        )
        similarities, nearest = index.search(embeddings[start:end], count, params=parameters)
        for row, (row_nearest, row_similarities) in enumerate(zip(nearest, similarities), start):
            kept = row_nearest >= 0  # -1: fewer than `count` claims found
            found.append(Candidates(row, row_nearest[kept].tolist(), row_similarities[kept].astype(float).tolist()))
    return found


def _publication_date(fields: Mapping[str, Any]) -> date | None:
    """The day of an article's fields["date"] (an ISO date or date-time, or a date object); None if unknown."""
    value = fields.get("date")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _stories(corpus: _CorpusClaims, links: Sequence[tuple[int, int]]) -> tuple[Story, ...]:
    """Connected components of the claims `links` join where both claims mention a common name, place or date."""
    linked = sorted({row for link in links for row in link})
    terms = dict(zip(linked, map(_names_places_dates, pipeline().pipe(corpus.contexts[row] for row in linked))))
    parent = {row: row for row in linked}

    def root(row: int) -> int:
        while parent[row] != row:
            parent[row] = parent[parent[row]]
            row = parent[row]
        return row

    degree: Counter[int] = Counter()
    for first, second in links:
        if terms[first].keys() & terms[second].keys():
            degree.update((first, second))
            low, high = sorted((root(first), root(second)))
            parent[high] = low  # the lowest row is every component's root: the same input gives the same roots
    components: dict[int, list[int]] = {}
    for row in sorted(degree):
        components.setdefault(root(row), []).append(row)
    groups = sorted(
        components.values(),
        key=lambda rows: (-len({corpus.article_of[row] for row in rows}), -len(rows), rows[0]),
    )
    return tuple(_story(f"s{number}", rows, corpus, terms, degree) for number, rows in enumerate(groups, 1))


def _story(
    story_id: str, rows: list[int], corpus: _CorpusClaims, terms: Mapping[int, dict[str, str]], degree: Counter[int]
) -> Story:
    mentions: Counter[str] = Counter(key for row in rows for key in terms[row])
    written = {key: text for row in reversed(rows) for key, text in terms[row].items()}  # first as written
    top = sorted(mentions, key=lambda key: (-mentions[key], key))[:STORY_TERMS]
    central = min(rows, key=lambda row: (-degree[row], row))
    article_ids = [corpus.articles[corpus.article_of[row]].id for row in rows]
    return Story(
        id=story_id,
        article_ids=tuple(sorted(set(article_ids))),
        claim_ids=tuple((article_id, corpus.claims[row].id) for article_id, row in zip(article_ids, rows)),
        terms=tuple(written[key] for key in top),
        title=corpus.claims[central].text,
    )


def _names_places_dates(doc: Doc) -> dict[str, str]:
    return entity_names(entity for entity in doc.ents if entity.label_ in STORY_ENTITIES)
