"""What `verify corpus` writes: its JSON-lines files (docs/schema.md) and a summary, text or Markdown, that
lists the contradictions between outlets first. Nothing here computes."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from verify import __version__
from verify.check.across import ClaimInArticle, CrossRelation
from verify.corpus.engine import Corpus
from verify.datamodel import ArticleAnalysis, ArticleFailure, ClaimRelation, notes_text, to_jsonable
from verify.errors import VerifyError
from verify.io.output import write_file
from verify.report.jsonl import json_line, result_line, to_json
from verify.report.sections import model_label, screened_out, wrap

CORPUS_FILES = ("corpus.json", "articles.jsonl", "claims.jsonl", "relations.jsonl", "stories.jsonl")
WORK_FILES = ("articles", "claims", "relations")  # written article by article, copied into the files at the end
STORIES_SHOWN = 10
OTHER_CONTRADICTIONS_SHOWN = 10


class CorpusFolder:
    """`verify corpus`'s files (CORPUS_FILES and summary.md) in `folder`, written as the work goes, so that
    memory does not grow with the corpus: `add` (the `article_done` of `verify.corpus.engine.analyse_corpus`) appends
    each article's line, claims and relations to working files in a private folder inside `folder` as the
    article finishes; `finish` writes the files from them and from what the corpus stage found, each taking
    its name only when whole (`verify.io.output.write_file`; `force`: files of the same names are replaced).
    Use it as a context manager: leaving it removes the working files, and `folder` too if it made it and
    nothing was written there."""

    def __init__(self, folder: Path, force: bool) -> None:
        self.folder, self.force = folder, force
        self.made = not os.path.lexists(folder)
        try:
            folder.mkdir(exist_ok=True)
            self.work = Path(tempfile.mkdtemp(dir=folder, prefix=".verify-corpus-"))
        except OSError as error:
            raise VerifyError(f"{folder}: cannot write there ({error.strerror})") from None
        self.parts = {name: (self.work / name).open("w", encoding="utf-8") for name in WORK_FILES}

    def add(self, outcome: ArticleAnalysis | ArticleFailure) -> None:
        """Write out one article's line, claims and relations."""
        if isinstance(outcome, ArticleFailure):
            self.parts["articles"].write(result_line(outcome).line + "\n")  # as `verify report --format jsonl`
            return
        record, report = outcome.record, outcome.report
        article = {
            "id": record.id,
            **record.fields,
            "claims": len(report.claims),
            "pairs_scored": report.stats.pairs_scored,
            "pairs_screened_out": report.stats.pairs_screened_out,
            "contradictions": len(report.contradictions),
        }
        self.parts["articles"].write(json_line(article) + "\n")
        self.parts["claims"].writelines(
            json_line({"article": record.id, **to_jsonable(claim)}) + "\n" for claim in report.claims
        )
        self.parts["relations"].writelines(
            json_line({"scope": "article", "article": record.id, **to_jsonable(relation)}) + "\n"
            for relation in report.relations
        )

    def finish(self, corpus: Corpus) -> None:
        """Write the files, with what the corpus stage found."""
        for part in self.parts.values():
            part.close()
        about = {
            "model": to_jsonable(corpus.model),
            "engine": corpus.engine,
            "stats": to_jsonable(corpus.stats),
            "verify_version": __version__,
        }
        files: dict[str, str | Iterable[str]] = {
            "corpus.json": to_json(about),
            "articles.jsonl": self._part("articles"),
            "claims.jsonl": self._claims_with_stories(corpus),
            "relations.jsonl": itertools.chain(_lines(_across_lines(corpus)), self._part("relations")),
            "stories.jsonl": _lines(to_jsonable(story) for story in corpus.findings.stories),
            "summary.md": corpus_summary(corpus, markdown=True),
        }
        for name, content in files.items():
            write_file(self.folder / name, content, self.force)

    def _part(self, name: str) -> Iterator[str]:
        with (self.work / name).open(encoding="utf-8") as lines:
            yield from lines

    def _claims_with_stories(self, corpus: Corpus) -> Iterator[str]:
        story_of = {member: story.id for story in corpus.findings.stories for member in story.claim_ids}
        for line in self._part("claims"):
            claim = json.loads(line)
            article = claim.pop("article")
            yield json_line({"article": article, "story": story_of.get((article, claim["id"])), **claim}) + "\n"

    def __enter__(self) -> CorpusFolder:
        return self

    def __exit__(self, *exception: object) -> None:
        for part in self.parts.values():
            part.close()
        shutil.rmtree(self.work, ignore_errors=True)
        if self.made:
            with contextlib.suppress(OSError):  # not empty: something was written, and stays
                self.folder.rmdir()


def _lines(rows: Iterable[dict]) -> Iterator[str]:
    return (json_line(row) + "\n" for row in rows)


def _across_lines(corpus: Corpus) -> Iterator[dict]:
    """The relations between articles (those inside an article follow them in relations.jsonl)."""
    for relation in corpus.findings.relations:
        yield across_line(to_jsonable(relation.first), to_jsonable(relation.second), relation.relation)


def across_line(first: dict, second: dict, relation: ClaimRelation) -> dict:
    """A relations.jsonl line of two claims of different articles, `first` and `second` their sides as JSON
    (`ClaimInArticle`)."""
    details = to_jsonable(relation)
    del details["first"], details["second"]  # the claims' ids, which the two sides name
    return {"scope": "across", "first": first, "second": second, **details}


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
        f"in-article pairs scored: {stats.in_article_pairs_scored}{screened_out(stats.in_article_pairs_screened_out)}; "
        f"cross-article pairs considered (index): {stats.pairs_considered}, scored: {stats.pairs_scored}"
        f"{screened_out(stats.pairs_screened_out)}; {stats.seconds.get('total', 0):.1f} s",
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
