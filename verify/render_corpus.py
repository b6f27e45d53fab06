"""What `verify corpus` writes: its JSON-lines files (docs/schema.md) and a summary, text or Markdown, that
lists the contradictions between outlets first. Nothing here computes."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from verify import __version__
from verify.batch import json_line
from verify.check.across import ClaimInArticle, CrossRelation
from verify.corpus import Corpus
from verify.datamodel import notes_text, to_jsonable
from verify.errors import VerifyError
from verify.output import write_file
from verify.render import model_label, to_json, wrap

CORPUS_FILES = ("corpus.json", "articles.jsonl", "claims.jsonl", "relations.jsonl", "stories.jsonl")
STORIES_SHOWN = 10
OTHER_CONTRADICTIONS_SHOWN = 10


def write_corpus_files(corpus: Corpus, folder: Path, force: bool) -> None:
    """The files of `corpus_files` and the Markdown summary (summary.md) in `folder`, created if need be;
    `force`: files of the same names there are replaced."""
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise VerifyError(f"{folder}: cannot create the folder ({error.strerror})") from None
    for name, content in {**corpus_files(corpus), "summary.md": corpus_summary(corpus, markdown=True)}.items():
        write_file(folder / name, content, force)


def corpus_files(corpus: Corpus) -> dict[str, str]:
    """Each output file's name and content."""
    about = {
        "model": to_jsonable(corpus.model),
        "engine": corpus.engine,
        "stats": to_jsonable(corpus.stats),
        "verify_version": __version__,
    }
    return {
        "corpus.json": to_json(about),
        "articles.jsonl": _lines(_article_lines(corpus)),
        "claims.jsonl": _lines(_claim_lines(corpus)),
        "relations.jsonl": _lines(_relation_lines(corpus)),
        "stories.jsonl": _lines(to_jsonable(story) for story in corpus.findings.stories),
    }


def _lines(rows: Iterable[dict]) -> str:
    return "".join(json_line(row) + "\n" for row in rows)


def _article_lines(corpus: Corpus) -> Iterable[dict]:
    for analysis in corpus.analyses:
        report = analysis.report
        yield {
            "id": analysis.record.id,
            **analysis.record.fields,
            "claims": len(report.claims),
            "pairs_scored": report.stats.pairs_scored,
            "contradictions": len(report.contradictions),
        }
    for failure in corpus.failures:
        yield {"id": failure.id, **failure.fields, "error": str(failure.error)}


def _claim_lines(corpus: Corpus) -> Iterable[dict]:
    story_of = {member: story.id for story in corpus.findings.stories for member in story.claim_ids}
    for analysis in corpus.analyses:
        for claim in analysis.report.claims:
            yield {
                "article": analysis.record.id,
                "story": story_of.get((analysis.record.id, claim.id)),
                **to_jsonable(claim),
            }


def _relation_lines(corpus: Corpus) -> Iterable[dict]:
    """The relations between articles, then each article's own (`scope` says which)."""
    for relation in corpus.findings.relations:
        details = to_jsonable(relation.relation)
        del details["first"], details["second"]  # the claims' ids, which the two sides name
        yield {
            "scope": "across",
            "first": to_jsonable(relation.first),
            "second": to_jsonable(relation.second),
            **details,
        }
    for analysis in corpus.analyses:
        for inside in analysis.report.relations:
            yield {"scope": "article", "article": analysis.record.id, **to_jsonable(inside)}


def _side(side: ClaimInArticle, markdown: bool) -> str:
    outlet = side.outlet or "unnamed outlet"
    source = side.source if not side.role or side.role == side.source else f"{side.source} ({side.role})"
    where = f"{outlet}, {side.date}" if side.date else outlet
    if markdown:
        return f"**{where}** — {source} [`{side.article}` {side.claim}]: {side.text}"
    return f"{where} — {source} [{side.article} {side.claim}]: {side.text}"


def _relation(number: int, relation: CrossRelation, markdown: bool) -> list[str]:
    note = f" — {notes_text(relation.notes)}" if relation.notes else ""
    headline = f"{number}. contradiction {relation.probability:.2f}{note}"
    if markdown:
        return [headline, f"   - {_side(relation.first, True)}", f"   - {_side(relation.second, True)}"]
    return [headline, wrap(_side(relation.first, False), "    "), wrap(_side(relation.second, False), "    ")]


def corpus_summary(corpus: Corpus, markdown: bool = False) -> str:
    """The corpus in a page: counts, contradictions across outlets first, then between other articles, the
    largest stories, the articles that failed."""
    stats = corpus.stats
    findings = corpus.findings
    across = [relation for relation in findings.contradictions if relation.across_outlets]
    others = [relation for relation in findings.contradictions if not relation.across_outlets]
    heading = "## " if markdown else ""
    lines = [
        f"{'# ' if markdown else ''}verify corpus: {stats.articles} articles, {stats.claims} claims",
        "",
        f"model: {model_label(corpus.model)}; engine: {corpus.engine}",
        f"in-article pairs scored: {stats.in_article_pairs_scored}; cross-article pairs considered "
        f"(index): {stats.pairs_considered}, scored: {stats.pairs_scored}; {stats.seconds.get('total', 0):.1f} s",
        f"stories: {len(findings.stories)}; failed articles: {stats.failed}",
        "",
        f"{heading}Contradictions across outlets ({len(across)})",
    ]
    for number, relation in enumerate(across, 1):
        lines += _relation(number, relation, markdown)
    if not across:
        lines.append("none found")
    lines += ["", f"{heading}Other contradictions between articles ({len(others)})"]
    for number, relation in enumerate(others[:OTHER_CONTRADICTIONS_SHOWN], 1):
        lines += _relation(number, relation, markdown)
    if len(others) > OTHER_CONTRADICTIONS_SHOWN:
        lines.append(f"... and {len(others) - OTHER_CONTRADICTIONS_SHOWN} more in relations.jsonl")
    if not others:
        lines.append("none found")
    lines += ["", f"{heading}Largest stories"]
    for story in findings.stories[:STORIES_SHOWN]:
        terms = ", ".join(story.terms)
        lines.append(f"- {story.id}: {len(story.article_ids)} articles, {len(story.claim_ids)} claims ({terms})")
        lines.append(wrap(story.title, "    "))
    if corpus.failures:
        lines += ["", f"{heading}Articles that failed ({len(corpus.failures)})"]
        lines += [f"- {failure.id}: {failure.error}" for failure in corpus.failures]
    return "\n".join(lines) + "\n"
