"""Can the NLI model learn what real news looks like from the judged pairs? (issue 29, item 3)

The shipped model reads related but compatible real-news sentences as contradictions (a PolitiFact rating against
another, one speaker on two topics). The readers' judgements of PolNeAR train (`fixtures/judged/`) are the
real-news pairs to teach it with, as NLI rows, both ways round:

- judged real contradiction: `contradiction` (repeated --contradiction-copies times: they are 32 of 2,087);
- judged real corroboration: `entailment`;
- judged neither: `not_contradiction` (the trainer's merged class: entailment or neutral), because "neither
  contradicts nor corroborates between sources" still allows one claim to restate a piece of the other;
- unclear: left out.

`--write-pairs DIR` writes them (with `--replay MIX`, a mix from `verify.training.nli_data`, shuffled in, so the
model keeps seeing general NLI) as `DIR/train.jsonl` and `DIR/mix.json` for `verify.training.nli_trainer`, and
--dev-sample pairs of three NLI dev sets as `DIR/dev/` (to see what the model forgets).

`--rank MODEL ...` measures each model on the judged PolNeAR dev pairs (never trained on): each pair scored both
ways, its contradiction the larger of the two, ranked; the ranking's AUC for the judged real contradictions, how
many of the top 10 / 20 / 50 are real, and the most real ones any threshold finds at precision 0.8. The negatives
are the old report's near-findings (hard cases, not all the pairs of an article), and the 27 conflicts the
readers found by reading are among the positives: development numbers, on the data that chooses.

`--sweep MODEL` reports the judged PolNeAR dev articles through the product's own check
(`verify.evaluation.sweep.SettingsSweep`, with the shipped model's check settings: gate, screen, rules) and scores
them with the judged-news evaluator, under NLI thresholds from --thresholds (no fitted decision: the shipped one
was fitted on the shipped model's scores) and, for comparison, under the shipped fitted decision. The findings
no reader has judged yet are listed, to be read.

Results: docs/results/real-news-nli-study.json (docs/results.md, "Teaching the NLI model real news").

    .venv/bin/python scripts/studies/real_news_nli.py --write-pairs DIR [--replay MIX]
    cp models/verify-nli-mpnet/config.json RUN/epoch-0/  # the trainer keeps the adapter and head only
    .venv/bin/python scripts/studies/real_news_nli.py --rank models/verify-nli-mpnet RUN/epoch-0
    .venv/bin/python scripts/studies/real_news_nli.py --sweep RUN/epoch-0 [--thresholds 0.9 0.95 0.98]
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from verify.check.settings import for_model
from verify.datamodel import ArticleRecord
from verify.evaluation.judged import JudgedNewsEvaluator, JudgedPair, load_judged_pairs
from verify.evaluation.sweep import SettingsSweep
from verify.pipeline import Verifier
from verify.runtime.models import resolve_nli_model
from verify.runtime.nli import load_backend
from verify.training.nli_trainer import find_mix_file, read_jsonl

JUDGED = Path(__file__).resolve().parents[2] / "fixtures" / "judged"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
NLI_DEV = SHARED / "nli" / "dev"
POLNEAR_DEV_TEXTS = SHARED / "attribution" / "polnear" / "dev" / "text"
DEV_SETS = ("snli", "vitaminc", "lingnli")
LABEL_OF_TRUTH = {"contradiction": "contradiction", "corroboration": "entailment", "neither": "not_contradiction"}


def training_rows(pairs: list[JudgedPair], contradiction_copies: int) -> list[dict]:
    """Each judged pair as NLI rows, both ways round."""
    rows = []
    for pair in pairs:
        label = LABEL_OF_TRUTH.get(pair.truth)
        if label is None:
            continue
        copies = contradiction_copies if label == "contradiction" else 1
        for premise, hypothesis in ((pair.first.text, pair.second.text), (pair.second.text, pair.first.text)):
            row = {"premise": premise, "hypothesis": hypothesis, "label": label, "dataset": "polnear_judged"}
            rows += [row] * copies
    return rows


def write_pairs(out: Path, replay: Path | None, contradiction_copies: int, dev_sample: int) -> dict:
    judged = load_judged_pairs(JUDGED / "polnear_train_judged.jsonl")
    train = training_rows(judged, contradiction_copies)
    written: dict = {"judged_rows": len(train), "contradiction_copies": contradiction_copies}
    if replay:
        train += read_jsonl(find_mix_file(replay))
        mix = json.loads((replay / "mix.json").read_text(encoding="utf-8"))
        written["replay"] = {"mix": mix["config"], "pairs": mix["pairs"]}
    random.Random(41).shuffle(train)
    (out / "dev").mkdir(parents=True, exist_ok=True)
    (out / "train.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in train), encoding="utf-8"
    )
    for name in DEV_SETS:
        lines = (NLI_DEV / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        random.Random(5).shuffle(lines)
        (out / "dev" / f"{name}.jsonl").write_text("\n".join(lines[:dev_sample]) + "\n", encoding="utf-8")
    written.update(train_rows=len(train), dev=f"{dev_sample} pairs each of {', '.join(DEV_SETS)} (Random(5))")
    (out / "mix.json").write_text(json.dumps(written, indent=1) + "\n", encoding="utf-8")
    return written


def ranking(model: str, pairs: list[JudgedPair]) -> dict:
    """The contradiction ranking of `model` over the judged pairs (the larger of the two directions)."""
    backend = load_backend(model)
    inputs = [(p.first.text, p.second.text) for p in pairs] + [(p.second.text, p.first.text) for p in pairs]
    scores = backend.score(inputs)
    contradiction = np.maximum(
        [s.contradiction for s in scores[: len(pairs)]], [s.contradiction for s in scores[len(pairs) :]]
    )
    real = np.array([p.truth == "contradiction" for p in pairs])
    order = np.argsort(-contradiction, kind="stable")
    hits = np.cumsum(real[order])
    precision = hits / np.arange(1, len(pairs) + 1)
    at_precision = int(max((hits[k] for k in range(len(pairs)) if precision[k] >= 0.8), default=0))
    return {
        "model": backend.model_info.name,
        "auc": round(float(roc_auc_score(real, contradiction)), 3),
        **{f"real_in_top_{k}": int(hits[k - 1]) for k in (10, 20, 50)},
        "most_real_at_precision_0.8": at_precision,
        "above_0.95": int((contradiction >= 0.95).sum()),
        "real_above_0.95": int(real[contradiction >= 0.95].sum()),
    }


def product_sweep(model: str, thresholds: list[float]) -> dict:
    """Judged PolNeAR dev reported by `model` with the shipped check settings, under each NLI threshold (for
    contradictions and corroborations alike) and under the shipped fitted decision."""
    judged = load_judged_pairs(JUDGED / "polnear_dev_judged.jsonl")
    shipped = for_model(resolve_nli_model(None))
    verifier = Verifier(model, settings=replace(shipped, fitted=None))
    names = sorted({pair.article for pair in judged})
    articles = [ArticleRecord(name, (POLNEAR_DEV_TEXTS / f"{name}.txt").read_text(encoding="utf-8")) for name in names]
    sweep = SettingsSweep(verifier, articles)
    evaluate = JudgedNewsEvaluator(judged)
    candidates = {f"nli {t}": replace(shipped, fitted=None, contradiction=t, corroboration=t) for t in thresholds}
    candidates["shipped fitted decision"] = shipped
    rows = {}
    for name, settings in candidates.items():
        metrics = evaluate(sweep.reports(settings))
        rows[name] = {
            **{label: metrics[label] for label in ("contradiction", "corroboration")},
            "unjudged_findings": metrics["unjudged_findings"],
        }
    return {"model": verifier.model_info.name, "articles": len(articles), "settings": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write-pairs", type=Path, help="write the training pairs here")
    parser.add_argument("--replay", type=Path, help="with --write-pairs: an NLI mix to train on beside them")
    parser.add_argument("--contradiction-copies", type=int, default=4)
    parser.add_argument("--dev-sample", type=int, default=800)
    parser.add_argument("--rank", nargs="+", metavar="MODEL", help="rank judged PolNeAR dev with each model")
    parser.add_argument("--sweep", metavar="MODEL", help="report judged PolNeAR dev with MODEL under thresholds")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.8, 0.9, 0.95, 0.98, 0.99])
    args = parser.parse_args()
    if sum(map(bool, (args.write_pairs, args.rank, args.sweep))) != 1:
        parser.error("give one of --write-pairs DIR, --rank MODEL ..., --sweep MODEL")
    if args.sweep:
        result = product_sweep(args.sweep, args.thresholds)
    elif args.write_pairs:
        result = write_pairs(args.write_pairs, args.replay, args.contradiction_copies, args.dev_sample)
    else:
        pairs = [p for p in load_judged_pairs(JUDGED / "polnear_dev_judged.jsonl") if p.truth != "unclear"]
        result = {
            "data": f"fixtures/judged/polnear_dev_judged.jsonl: {len(pairs)} pairs, "
            f"{sum(p.truth == 'contradiction' for p in pairs)} real contradictions",
            "rankings": [ranking(model, pairs) for model in args.rank],
        }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
