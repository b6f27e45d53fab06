"""How often the check stage's parse rules fire on real news: PolNeAR's gold attribution contents.

Each rule is general linguistics, so on news without such claims it should stay quiet. For every
article (one annotation file per article, train and dev) the gold contents are parsed once; the
script counts contents each rule reads something in, and same-article pairs of contents it finds
in conflict. Prints JSON; the README quotes it.

    .venv/bin/python scripts/rule_fire_rates.py ../shared/data/attribution/polnear [--examples 20]
"""

from __future__ import annotations

import argparse
import json
import time
from itertools import combinations
from pathlib import Path

from verify.check.knowledge import reports_no_knowledge
from verify.check.place_state import conflicting_place, place_states
from verify.check.quantities import conflicting_quantity, describe, quantities
from verify.evaluation.polnear import load_polnear
from verify.nlp import pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("polnear", type=Path, help="PolNeAR directory with train/ and dev/")
    parser.add_argument("--examples", type=int, default=20, help="number conflicts printed as examples")
    args = parser.parse_args()
    started = time.perf_counter()
    seen, articles = set(), []
    for split in ("train", "dev"):
        for article in load_polnear(args.polnear / split):
            if article.text not in seen:  # one annotation file per article
                seen.add(article.text)
                articles.append(article)
    counts = {
        "articles": len(articles),
        "contents": 0,
        "pairs": 0,
        "knowledge_contents": 0,
        "place_contents": 0,
        "quantity_contents": 0,
        "place_conflict_pairs": 0,
        "number_conflict_pairs": 0,
    }
    examples = []
    nlp = pipeline()
    for article in articles:
        contents = [claim.text for claim in article.claims]
        docs = list(nlp.pipe(contents, batch_size=64))
        counts["contents"] += len(docs)
        counts["pairs"] += len(docs) * (len(docs) - 1) // 2
        counts["knowledge_contents"] += sum(reports_no_knowledge(doc) for doc in docs)
        with_places = [doc for doc in docs if place_states(doc)]
        counts["place_contents"] += len(with_places)
        counts["place_conflict_pairs"] += sum(bool(conflicting_place(a, b)) for a, b in combinations(with_places, 2))
        with_figures = [doc for doc in docs if quantities(doc)]
        counts["quantity_contents"] += len(with_figures)
        for first, second in combinations(with_figures, 2):
            pair = conflicting_quantity(first, second)
            if pair:
                counts["number_conflict_pairs"] += 1
                if len(examples) < args.examples:
                    examples.append(
                        {
                            "article": article.doc_id,
                            "first": first.text,
                            "second": second.text,
                            "figures": describe(pair),
                        }
                    )
    counts["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps({**counts, "number_conflict_examples": examples}, indent=2))


if __name__ == "__main__":
    main()
