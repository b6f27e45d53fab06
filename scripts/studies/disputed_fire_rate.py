"""How often the claim check's `disputed_claims` signal reads a claim as disputed on real news: PolNeAR's gold
attributions (cue and content), train and dev. The signal is the share of an article's claims that their source
denies ("denied", "rejected") or calls untrue ("a hoax", "false"); it is one input of the fitted claim-check head,
never a verdict alone. Prints JSON with a seeded sample of the claims it fires on, for a reader.

    .venv/bin/python scripts/studies/disputed_fire_rate.py ../shared/data/attribution/polnear [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from verify.check.verdict import is_disputed
from verify.evaluation.polnear import load_polnear


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("polnear", type=Path)
    parser.add_argument("--examples", type=int, default=12)
    parser.add_argument("--out", type=Path)
    arguments = parser.parse_args()
    results = {}
    for split in ("dev", "train"):
        articles = load_polnear(arguments.polnear / split)
        claims = [claim for article in articles for claim in article.claims]
        disputed = [claim for claim in claims if is_disputed(claim)]
        sample = random.Random(0).sample(disputed, min(arguments.examples, len(disputed)))
        results[split] = {
            "annotation_files": len(articles),
            "contents": len(claims),
            "disputed": len(disputed),
            "share": round(len(disputed) / len(claims), 4),
            "files_with_one": sum(any(map(is_disputed, article.claims)) for article in articles),
            "examples": [{"cue": claim.cue.text if claim.cue else None, "content": claim.text} for claim in sample],
        }
    text = json.dumps(results, indent=1, ensure_ascii=False)
    print(text)
    if arguments.out:
        arguments.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
