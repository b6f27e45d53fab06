"""How often the number rule (`verify.check.quantities`, `notes.number_note`) fires on real news, through the
product's own segmentation and gate, and every pair it flags, for a reader.

A one-off study; its results: docs/results/number-rule-fire-rate.json, in docs/results.md ("The number rule on
real news"), run at 61fab84 (the rule of eeeeade), when it still made a contradiction of two sources' incompatible
figures and a possible conflict of one source's (since 620e3b5 a report makes both a possible conflict; de899c5
drops numbers that name, one of the four contradictions found here). The pairs were read blind:
docs/results/number-rule-reading/. Each
article is segmented as the report segments it (`Verifier.segmented`), its related pairs are the
gate's (`check_articles`, no screen), and every pair is decided by the product's decision with neutral NLI scores:
the number rule decides whatever the model says, so the pairs it makes a contradiction (two sources) or a possible
conflict (one source's figures) are exactly the report's, while no other pair becomes a finding. The decision's
vetoes (times, places, fragments ...) apply as in the report.

    .venv/bin/python scripts/studies/number_rule_fire_rate.py DIR [DIR ...] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from verify.check.articles import check_articles
from verify.datamodel import ArticleRecord, NLIScores, NoteKind
from verify.pipeline import SegmentedArticle, get_verifier

NEUTRAL = NLIScores(entailment=0.0, neutral=1.0, contradiction=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--out", type=Path)
    arguments = parser.parse_args()
    verifier = get_verifier()
    results = {}
    for folder in arguments.folders:
        paths = sorted(folder.glob("*.txt"))
        counts = {"articles": len(paths), "related_pairs": 0, "contradictions": 0, "one_source_figures": 0}
        pairs = []
        for path in paths:
            (article,) = verifier.segmented([ArticleRecord(path.stem, path.read_text(encoding="utf-8"))])
            if not isinstance(article, SegmentedArticle):
                continue
            claims = {claim.id: claim for claim in article.to_check.claims}
            (checked,) = check_articles([article.to_check], lambda batch: [NEUTRAL] * len(batch), verifier.settings)
            counts["related_pairs"] += len(checked.relations)
            for relation in checked.relations:
                figures = next((n for n in relation.notes if n.kind == NoteKind.number_conflict), None)
                if figures is None:
                    continue
                found = "contradiction" if relation.label == "contradiction" else "one_source_figures"
                counts["contradictions" if found == "contradiction" else "one_source_figures"] += 1
                pairs.append(
                    {
                        "article": path.stem,
                        "found": found,
                        "detail": figures.detail,
                        "first": _claim(claims[relation.first]),
                        "second": _claim(claims[relation.second]),
                    }
                )
        counts["contradictions_per_article"] = round(counts["contradictions"] / max(1, counts["articles"]), 4)
        results[str(folder)] = {**counts, "pairs": pairs}
    text = json.dumps(results, indent=1, ensure_ascii=False)
    print(text)
    if arguments.out:
        arguments.out.write_text(text + "\n", encoding="utf-8")


def _claim(claim) -> dict:
    return {"id": claim.id, "start": claim.start, "end": claim.end, "text": claim.text, "source": claim.source.name}


if __name__ == "__main__":
    main()
