"""Labelled cross-article pairs: how often `verify corpus` is right when it says two outlets contradict each other.

A one-off study; its labels: benchmarks/data/polnear-cross-pairs-200.jsonl, its results in docs/results.md
("Corpus mode on real news").

    sample   a `verify corpus --out DIR` folder and the records it ran on -> pairs to label, blind (each side's
             outlet, date, source, claim and sentence; not verify's label or probability), and their key
    decide   a corpus folder's cross-article pairs checked again by another model, or by the rules as they are
             now, through the corpus stage's own `check_pairs` (the pairs the index and gate chose do not depend
             on the NLI model): a folder with the relations.jsonl that run would have written, and its claims
    score    labels of such pairs -> the precision of the contradictions verify reported among them, with the
             labels joined to a corpus folder's relations by the claims' ids (any run: another model, other rules)

    python scripts/studies/cross_article_pairs.py sample CORPUS_DIR --records RECORDS.jsonl --out WORK_DIR \
        [--negatives 70]
        [--labelled LABELS.jsonl]
    python scripts/studies/cross_article_pairs.py decide CORPUS_DIR --records RECORDS.jsonl --out DIR [--model M]
    python scripts/studies/cross_article_pairs.py score LABELS.jsonl CORPUS_DIR

The sample holds every cross-article contradiction of the run and `--negatives` other cross-article pairs it
scored (seed 0), shuffled. A label line is {"first": [article, claim], "second": [article, claim], "label":
"contradiction" | "not", "reason": "..."}; the labels file keeps ids only, never the texts (they stay in
../shared/data), so it can live in the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

from verify.check.across import pair_across_articles
from verify.check.pairs import check_pairs
from verify.check.settings import for_model
from verify.datamodel import Claim
from verify.evaluation.metrics import precision_recall_f1
from verify.report.corpus import across_line
from verify.report.jsonl import json_line
from verify.runtime.models import resolve_nli_model
from verify.runtime.nli import load_backend

Side = tuple[str, str]  # (article id, claim id)


def across_relations(corpus: Path) -> Iterator[dict]:
    with (corpus / "relations.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith('{"scope":"across"'):
                yield json.loads(line)


def pair_key(relation: dict) -> tuple[Side, Side]:
    return (relation["first"]["article"], relation["first"]["claim"]), (
        relation["second"]["article"],
        relation["second"]["claim"],
    )


def read_records(records: Path) -> dict[str, dict]:
    with records.open(encoding="utf-8") as lines:
        return {record["id"]: record for record in map(json.loads, lines)}


def read_claims(corpus: Path) -> dict[Side, dict]:
    with (corpus / "claims.jsonl").open(encoding="utf-8") as lines:
        return {(claim["article"], claim["id"]): claim for claim in map(json.loads, lines)}


def unit_text(claim: dict, text: str) -> str:
    start, end = claim["unit"] or claim["spans"][0]
    return text[start:end]


def decide(corpus: Path, records: Path, out: Path, model: str | None) -> None:
    """As the corpus stage checks its admitted pairs (`check.across.pair_across_articles`, `check_pairs`)."""
    texts = read_records(records)
    claims = read_claims(corpus)
    relations = list(across_relations(corpus))
    sides = sorted({side for relation in relations for side in pair_key(relation)})
    row = {side: number for number, side in enumerate(sides)}
    table = [Claim.from_jsonable(claims[side]) for side in sides]
    contexts = [unit_text(claims[side], texts[side[0]]["text"]) for side in sides]
    pairs = []
    for relation in relations:
        first, second = pair_key(relation)
        pairs.append(
            pair_across_articles(
                (row[first], row[second]),
                relation["similarity"],
                (table[row[first]].source, table[row[second]].source),
                (texts[first[0]], texts[second[0]]),
            )
        )
    resolved = resolve_nli_model(model)
    decided = check_pairs(pairs, table, contexts, load_backend(resolved).score, for_model(resolved))
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(corpus / "claims.jsonl", out / "claims.jsonl")  # the claims stay those of the run
    with (out / "relations.jsonl").open("w", encoding="utf-8") as lines:
        for relation, checked in zip(relations, decided):
            lines.write(json_line(across_line(relation["first"], relation["second"], checked)) + "\n")
    print(f"{len(decided)} pairs, {sum(r.label == 'contradiction' for r in decided)} contradictions, in {out}")


def read_labels(path: Path) -> dict[tuple[Side, Side], str]:
    with path.open(encoding="utf-8") as lines:
        return {(tuple(row["first"]), tuple(row["second"])): row["label"] for row in map(json.loads, lines)}


def sample(corpus: Path, records: Path, out: Path, negatives: int, seed: int, labelled: Path | None) -> None:
    texts = read_records(records)
    units = {side: unit_text(claim, texts[side[0]]["text"]) for side, claim in read_claims(corpus).items()}
    done = read_labels(labelled) if labelled else {}
    relations = [relation for relation in across_relations(corpus) if pair_key(relation) not in done]
    contradictions = [relation for relation in relations if relation["label"] == "contradiction"]
    others = [relation for relation in relations if relation["label"] != "contradiction"]
    chosen = contradictions + random.Random(seed).sample(others, min(negatives, len(others)))
    random.Random(seed + 1).shuffle(chosen)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "to_label.jsonl").open("w", encoding="utf-8") as blind, (out / "key.jsonl").open("w") as key:
        for number, relation in enumerate(chosen, 1):
            pair_id = f"p{number:03}"
            sides = {}
            for name, side in zip(("A", "B"), pair_key(relation)):
                about = relation["first" if name == "A" else "second"]
                sides[name] = {
                    "outlet": about["outlet"],
                    "date": about["date"],
                    "source": about["source"] if not about["role"] else f"{about['source']} ({about['role']})",
                    "claim": about["text"],
                    "sentence": units[side],
                }
            blind.write(json.dumps({"pair": pair_id, **sides}, ensure_ascii=False) + "\n")
            first, second = pair_key(relation)
            key.write(
                json.dumps({"pair": pair_id, "first": first, "second": second, "label": relation["label"]}) + "\n"
            )
    print(f"{len(chosen)} pairs ({len(contradictions)} contradictions) in {out}")


def score(labels_path: Path, corpus: Path) -> dict:
    labels = read_labels(labels_path)
    found = {pair_key(relation): relation for relation in across_relations(corpus)}
    joined = [(labels[key], found[key]) for key in labels if key in found]
    reported = [(gold, relation) for gold, relation in joined if relation["label"] == "contradiction"]
    missed = sum(gold == "contradiction" for gold, relation in joined if relation["label"] != "contradiction")
    across_outlets = sorted(
        ((gold, relation) for gold, relation in reported if _across_outlets(relation)),
        key=lambda item: -item[1]["probability"],
    )
    right = sum(gold == "contradiction" for gold, _ in reported)
    gold_total = sum(gold == "contradiction" for gold, _ in joined)
    return {
        "labelled": len(labels),
        "labelled_pairs_in_this_run": len(joined),
        "reported_contradictions": {
            "labelled": len(reported),
            "right": right,
            "unclear": sum(gold == "unclear" for gold, _ in reported),
            "precision": round(precision_recall_f1(right, len(reported), gold_total).precision, 3),
        },
        "across_outlets": {
            "reported": len(across_outlets),
            "right": sum(gold == "contradiction" for gold, _ in across_outlets),
            "right_of_top_20": sum(gold == "contradiction" for gold, _ in across_outlets[:20]),
        },
        # Only a sample of the pairs not reported is labelled: misses among them, not a recall.
        "not_reported": {"labelled": len(joined) - len(reported), "contradictions": missed},
    }


def _across_outlets(relation: dict) -> bool:
    outlets = relation["first"]["outlet"], relation["second"]["outlet"]
    return None not in outlets and outlets[0] != outlets[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    to_sample = commands.add_parser("sample")
    to_sample.add_argument("corpus", type=Path)
    to_sample.add_argument("--records", type=Path, required=True)
    to_sample.add_argument("--out", type=Path, required=True)
    to_sample.add_argument("--negatives", type=int, default=70)
    to_sample.add_argument("--seed", type=int, default=0)
    to_sample.add_argument("--labelled", type=Path, help="labels of pairs already labelled: left out of the sample")
    to_decide = commands.add_parser("decide")
    to_decide.add_argument("corpus", type=Path)
    to_decide.add_argument("--records", type=Path, required=True)
    to_decide.add_argument("--out", type=Path, required=True)
    to_decide.add_argument("--model")
    to_score = commands.add_parser("score")
    to_score.add_argument("labels", type=Path)
    to_score.add_argument("corpus", type=Path)
    args = parser.parse_args()
    if args.command == "sample":
        sample(args.corpus, args.records, args.out, args.negatives, args.seed, args.labelled)
    elif args.command == "decide":
        decide(args.corpus, args.records, args.out, args.model)
    else:
        print(json.dumps(score(args.labels, args.corpus), indent=2))


if __name__ == "__main__":
    main()
