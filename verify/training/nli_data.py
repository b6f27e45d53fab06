"""Build the NLI training mix with `datasets`: the shared train sets plus news-domain pairs.

The mix is written as one JSON-lines file with `premise, hypothesis, label, dataset` and a
`mix.json` beside it that records the seed, the options and the counts per set and label,
so a model card can state exactly what the model saw.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import datasets

from verify.errors import VerifyError

NON_COMMERCIAL = ("sick",)  # CC BY-NC-SA: never in the shipped model
COLUMNS = ["premise", "hypothesis", "label", "dataset"]


@dataclass(frozen=True)
class MixConfig:
    nli_dir: str  # ../shared/data/nli/train
    polnear_dir: str | None  # PolNeAR train split, source of news sentences; None = no synthetic pairs
    seed: int = 13
    exclude: tuple[str, ...] = NON_COMMERCIAL
    # CANNOT is 88% "negated sentence = contradiction"; capped so negation stays a weak cue.
    cannot_contradiction_cap: int = 10_000
    synthetic_per_rule: int = 6_000
    synthetic_rule_caps: dict[str, int] = field(default_factory=dict)  # per-rule overrides of synthetic_per_rule
    synthetic_articles: int | None = None  # all
    general_sample: int | None = None  # keep this many pairs of the general sets (a continuation mix); None = all
    notes: list[str] = field(default_factory=list)


def _load_jsonl(path: Path) -> datasets.Dataset:
    dataset = datasets.load_dataset("json", data_files=str(path), split="train")
    return dataset.select_columns(COLUMNS)


def _cap_label(dataset: datasets.Dataset, label: str, cap: int, seed: int) -> datasets.Dataset:
    labelled = [i for i, value in enumerate(dataset["label"]) if value == label]
    if len(labelled) <= cap:
        return dataset
    dropped = set(random.Random(seed).sample(labelled, len(labelled) - cap))
    return dataset.select([i for i in range(len(dataset)) if i not in dropped])


def synthetic_news_pairs(
    polnear_dir: Path, per_rule: int, seed: int, articles: int | None, rule_caps: dict[str, int] | None = None
) -> datasets.Dataset:
    from verify.runtime.nlp import pipeline  # spaCy only where synthetic pairs are made
    from verify.training.synthetic_nli import balance, synthesize

    texts = [path.read_text(encoding="utf-8") for path in sorted((polnear_dir / "text").glob("*.txt"))[:articles]]
    nlp = pipeline()
    pairs = balance(synthesize(nlp.pipe(texts, batch_size=16), seed), per_rule, seed, rule_caps)
    return datasets.Dataset.from_dict(
        {
            "premise": [p.premise for p in pairs],
            "hypothesis": [p.hypothesis for p in pairs],
            "label": [p.label for p in pairs],
            "dataset": [f"news_synthetic/{p.rule}" for p in pairs],
        }
    )


def build_mix(config: MixConfig) -> datasets.Dataset:
    nli_dir = Path(config.nli_dir)
    files = sorted(path for path in nli_dir.glob("*.jsonl") if path.stem not in config.exclude)
    if not files:
        raise VerifyError(f"no NLI training files (*.jsonl) in {nli_dir}")
    parts = []
    for path in files:
        part = _load_jsonl(path)
        if path.stem == "cannot_negation":
            part = _cap_label(part, "contradiction", config.cannot_contradiction_cap, config.seed)
        parts.append(part)
    if config.general_sample:
        parts = [datasets.concatenate_datasets(parts).shuffle(seed=config.seed).select(range(config.general_sample))]
    if config.polnear_dir:
        parts.append(
            synthetic_news_pairs(
                Path(config.polnear_dir),
                config.synthetic_per_rule,
                config.seed,
                config.synthetic_articles,
                config.synthetic_rule_caps,
            )
        )
    return datasets.concatenate_datasets(parts).shuffle(seed=config.seed)


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9']+", text.lower()))


def _jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    return len(first & second) / len(first | second) if first | second else 0.0


def nearest_to_probes(mix: datasets.Dataset) -> list[dict]:
    """For each probe pair, the most similar training pair (word Jaccard of premises and hypotheses,
    the lower of the two): evidence that the probes, or near copies, are not in the training data."""
    from verify.evaluation.probes import PROBE_PAIRS

    rows = [(_words(p), _words(h), p, h) for p, h in zip(mix["premise"], mix["hypothesis"])]
    nearest = []
    for premise, hypothesis, _ in PROBE_PAIRS:
        probe_premise, probe_hypothesis = _words(premise), _words(hypothesis)
        score, row = max(
            ((min(_jaccard(probe_premise, p), _jaccard(probe_hypothesis, h)), (pt, ht)) for p, h, pt, ht in rows),
            key=lambda item: item[0],
        )
        nearest.append({"probe": [premise, hypothesis], "nearest": list(row), "similarity": round(score, 3)})
    return nearest


def write_mix(config: MixConfig, out_dir: Path) -> dict:
    """Write `train.jsonl` and `mix.json` to out_dir; returns the mix summary."""
    mix = build_mix(config)
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "train.jsonl").open("w", encoding="utf-8") as handle:
        for row in mix:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts = Counter(
        f"{row['dataset'].split('/')[0]}:{row['label']}" for row in mix.select_columns(["dataset", "label"])
    )
    summary = {
        "config": asdict(config),
        "pairs": len(mix),
        "counts": dict(sorted(counts.items())),
        "nearest_to_probes": nearest_to_probes(mix),
    }
    (out_dir / "mix.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Build the NLI training mix (train.jsonl + mix.json).")
    parser.add_argument("--nli-dir", required=True, help="e.g. ../shared/data/nli/train")
    parser.add_argument("--polnear-dir", help="PolNeAR train split, for news-domain pairs")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--seed", type=int, default=MixConfig.seed)
    parser.add_argument("--synthetic-per-rule", type=int, default=MixConfig.synthetic_per_rule)
    parser.add_argument("--synthetic-articles", type=int, default=None)
    parser.add_argument(
        "--rule-cap",
        action="append",
        default=[],
        metavar="RULE=N",
        help="cap one synthetic rule at N pairs instead of --synthetic-per-rule (repeatable)",
    )
    parser.add_argument("--general-sample", type=int, default=None)
    parser.add_argument("--exclude", nargs="*", default=list(NON_COMMERCIAL), help="train sets left out")
    args = parser.parse_args(argv)
    if not set(NON_COMMERCIAL) <= set(args.exclude):
        parser.error("non-commercial sets (sick) must stay excluded")
    config = MixConfig(
        nli_dir=args.nli_dir,
        polnear_dir=args.polnear_dir,
        seed=args.seed,
        synthetic_per_rule=args.synthetic_per_rule,
        synthetic_articles=args.synthetic_articles,
        synthetic_rule_caps={rule: int(cap) for rule, cap in (item.split("=") for item in args.rule_cap)},
        general_sample=args.general_sample,
        exclude=tuple(args.exclude),
    )
    print(json.dumps(write_mix(config, args.out), indent=2))


if __name__ == "__main__":
    main()
