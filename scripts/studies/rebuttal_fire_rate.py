"""How often the rebuttal rule (`verify.check.rebuttal`) fires on real news, through the product's own segmentation
(`Verifier.segmented`, which finds each article's rebuttals and their targets): the claims it reads as calling a
statement untrue, how many of those it pairs with a target, and every pair it makes, for a reader.

    .venv/bin/python scripts/studies/rebuttal_fire_rate.py DIR [DIR ...] [--every N] [--out FILE]

Each DIR holds articles as .txt files; `--every N` takes every Nth file by name (PolNeAR train's judged articles
are every fourth). Written to docs/results/rebuttal-fire-rate.json.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from verify.check.rebuttal import may_rebut, rebuttal
from verify.datamodel import ArticleRecord
from verify.pipeline import SegmentedArticle, get_verifier
from verify.runtime.nlp import pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--every", type=int, default=1)
    parser.add_argument("--out", type=Path)
    arguments = parser.parse_args()
    verifier = get_verifier()
    results = {}
    for folder in arguments.folders:
        paths = sorted(folder.glob("*.txt"))[:: arguments.every]
        counts = {"articles": len(paths), "checked_claims": 0, "parsed": 0, "rebuttals": 0, "paired": 0}
        pairs = []
        for path in paths:
            (article,) = verifier.segmented([ArticleRecord(path.stem, path.read_text(encoding="utf-8"))])
            if not isinstance(article, SegmentedArticle):
                continue
            claims = article.to_check.claims
            hinted = [claim for claim in claims if may_rebut(claim.text)]
            counts["checked_claims"] += len(claims)
            counts["parsed"] += len(hinted)
            counts["rebuttals"] += sum(rebuttal(doc) is not None for doc in pipeline().pipe(c.text for c in hinted))
            counts["paired"] += len(article.to_check.rebuttals)
            pairs += [
                {
                    "article": path.stem,
                    "rebuttal": vars(found.rebuttal),
                    "rebutting": _claim(claims[found.rebutting]),
                    "target": _claim(claims[found.target]),
                }
                for found in article.to_check.rebuttals
            ]
        counts["paired_per_article"] = round(counts["paired"] / max(1, counts["articles"]), 3)
        results[str(folder)] = {**counts, "every": arguments.every, "pairs": pairs}
    text = json.dumps(results, indent=1, ensure_ascii=False)
    print(text)
    if arguments.out:
        arguments.out.write_text(text + "\n", encoding="utf-8")


def _claim(claim) -> dict:
    return {"start": claim.start, "end": claim.end, "text": claim.text, "source": claim.source.name}


if __name__ == "__main__":
    main()
