"""How often the check stage's parse rules fire on real news: PolNeAR's gold attribution contents.

Each rule is general linguistics, so on news without such claims it should stay quiet; the fragment rule
counts the gold contents it would keep from being a finding (PolNeAR marks every attributed content, so a
fragment among them is a content of a few words or without a verb). For every
article (one annotation file per article, train and dev) the gold contents are parsed once; the
script counts contents each rule reads something in, and same-article pairs of contents it finds
in conflict (or, for the places rule, about different places or groups), with a random sample of
such pairs (seed 0, in corpus order) as examples. Prints JSON; docs/results.md quotes it.

    .venv/bin/python scripts/rule_fire_rates.py ../shared/data/attribution/polnear [--examples 20]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from verify.check.knowledge import reports_no_knowledge
from verify.check.notes import fragment_note, places_and_groups, places_note
from verify.check.place_state import conflicting_place, place_states
from verify.check.quantities import conflicting_quantity, describe, quantities, source_estimate
from verify.evaluation.polnear import load_polnear
from verify.runtime.nlp import pipeline


@dataclass(frozen=True)
class PairRule:
    """A rule that reads each content (`reads`) and finds something in a pair of them (`finds`, called
    only on pairs of contents it read something in, with their sources' estimates, `source_estimate`);
    `examples` names the list of example pairs, each with what was found as `describes` writes it under `found`."""

    contents: str
    pairs: str
    reads: Callable[[Doc], Any]
    finds: Callable[[Doc, Doc, tuple[str, str]], Any]
    examples: str | None = None
    found: str = ""
    describes: Callable[[Any], str] = str


class Sample:
    """A uniform random sample of up to `size` of the items offered (reservoir sampling), in the order offered."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.size, self.rng, self.offered, self.kept = size, rng, 0, {}

    def offer(self, item: dict[str, str]) -> None:
        self.offered += 1
        if len(self.kept) < self.size:
            self.kept[self.offered] = item
        elif (slot := self.rng.randrange(self.offered)) < self.size:
            del self.kept[sorted(self.kept)[slot]]
            self.kept[self.offered] = item

    def items(self) -> list[dict[str, str]]:
        return [self.kept[index] for index in sorted(self.kept)]


RULES = (
    PairRule(
        "place_contents",
        "place_conflict_pairs",
        place_states,
        lambda first, second, _: conflicting_place(first, second),
    ),
    PairRule(
        "quantity_contents",
        "number_conflict_pairs",
        quantities,
        conflicting_quantity,
        "number_conflict_examples",
        "figures",
        describe,
    ),
    PairRule(
        "places_groups_contents",
        "place_difference_pairs",
        places_and_groups,
        lambda first, second, _: places_note(first, second),
        "place_difference_examples",
        "places",
        lambda note: note.detail,
    ),
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("polnear", type=Path, help="PolNeAR directory with train/ and dev/")
    parser.add_argument("--examples", type=int, default=20, help="example pairs sampled per rule")
    args = parser.parse_args()
    started = time.perf_counter()
    seen, articles = set(), []
    for split in ("train", "dev"):
        for article in load_polnear(args.polnear / split):
            if article.text not in seen:  # one annotation file per article
                seen.add(article.text)
                articles.append(article)
    counts = {"articles": len(articles), "contents": 0, "pairs": 0, "knowledge_contents": 0, "fragment_contents": 0}
    counts |= {rule.contents: 0 for rule in RULES} | {rule.pairs: 0 for rule in RULES}
    rng = random.Random(0)
    examples = {rule.examples: Sample(args.examples, rng) for rule in RULES if rule.examples}
    examples["fragment_examples"] = Sample(args.examples, rng)
    nlp = pipeline()
    for article in articles:
        contents = [claim.text for claim in article.claims]
        docs = list(nlp.pipe(contents, batch_size=64))
        counts["contents"] += len(docs)
        counts["pairs"] += len(docs) * (len(docs) - 1) // 2
        counts["knowledge_contents"] += sum(reports_no_knowledge(doc) for doc in docs)
        for doc in docs:
            if fragment_note(doc, doc):  # a content that states nothing to check is never a finding
                counts["fragment_contents"] += 1
                examples["fragment_examples"].offer({"article": article.doc_id, "content": doc.text})
        for rule in RULES:
            # each content read with its source's estimate (`source_estimate`)
            read = [
                (doc, source_estimate(claim.source.name)) for doc, claim in zip(docs, article.claims) if rule.reads(doc)
            ]
            counts[rule.contents] += len(read)
            for (first, first_estimate), (second, second_estimate) in combinations(read, 2):
                found = rule.finds(first, second, (first_estimate, second_estimate))
                if not found:
                    continue
                counts[rule.pairs] += 1
                if rule.examples:
                    examples[rule.examples].offer(
                        {
                            "article": article.doc_id,
                            "first": first.text,
                            "second": second.text,
                            rule.found: rule.describes(found),
                        }
                    )
    counts["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(counts | {key: sample.items() for key, sample in examples.items()}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
