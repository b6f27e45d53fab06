"""Fit the claim check's head (`verify.check.fitted.ClaimCheckHead`) on claim-vs-document data, choose its
thresholds on the part split off for fitting, and measure it on the held part.

Two steps, so the slow one runs once and resumes:

- `extract`: a seeded sample of each domain of SummEdits dev (../shared/data/claims/summedits, seven domains, both
  parts of the split by document, `verify.evaluation.claim_check.document_part`) and of FNC-1 dev's related pairs
  (both parts of its story split) checked by the product's own `verdict_against`, writing each claim's
  `ClaimCheckSignals` and label to a JSON-lines file (claims already in it are skipped). Scores are kept across
  the claims of one document: SummEdits' edited summaries share most of their facts with the seed.
- `fit`: on the fit parts only, two logistic regressions (`verify.training.logistic`): supported (SummEdits
  consistent, FNC-1 agree) against not, and refuted (FNC-1 disagree) against not. The supported threshold is the
  one with the best mean balanced accuracy over the fit part's SummEdits domains and FNC-1 (agree against the
  rest), from out-of-fold probabilities (five folds grouped by document); the refuted threshold then the best FNC-1
  macro-F1. The held parts, which chose nothing, are measured: balanced accuracy per SummEdits domain, FNC-1
  macro-F1 and disagree F1, and the supported probability's reliability table. Writes the head into the model's
  settings.json ("claim_check") with `--write`, and a results JSON.

    .venv/bin/python scripts/fit_claim_check.py extract --signals RUN/signals.jsonl
    .venv/bin/python scripts/fit_claim_check.py fit --signals RUN/signals.jsonl \\
        --results docs/results/claim-check-head.json [--write models/verify-nli-mpnet]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from verify.check.fitted import ClaimCheckHead
from verify.check.settings import write_model_settings
from verify.check.verdict import head_label, verdict_against
from verify.datamodel import ClaimCheckSignals, NLIScores
from verify.evaluation.claim_check import (
    binary_metrics,
    document_part,
    held_body_ids,
    load_fnc1,
    load_summedits,
    text_id,
)
from verify.evaluation.metrics import classification_metrics
from verify.training.claim_edits import DOMAIN as NEWS_EDITS
from verify.training.claim_edits import news_claim_edits
from verify.training.logistic import fit_logistic, reliability

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.025), 3)
# A refutation must be the more probable outcome: below 0.5, a claim the article says nothing about is refuted
# ("The weather in Almaty was sunny." against the bundled article at 0.33), and a false refutation is the error a
# reader trusts least. Supported is chosen over the whole grid, for balanced accuracy.
REFUTED_THRESHOLDS = THRESHOLDS[THRESHOLDS >= 0.5]
THREE_WAY = ("fnc1", NEWS_EDITS)  # labelled supported / refuted / not enough information
# Heads over all the signals or some of them, each fitted and its thresholds chosen alike; the one shipped is the
# best on the fit part out of fold (`_choice_score`). They also show what the windows and the facts add to the
# article's claims, which were all `verify check` read before.
SIGNAL_SETS = {
    "all": ClaimCheckSignals.names(),
    "evidence_claims_only": (
        "evidence_entailment",
        "evidence_contradiction",
        "rules_refute",
        "rules_support",
        "claim_words",
        "attributed_claims",
        "hedged_claims",
        "disputed_claims",
    ),
    "without_how_the_article_reports": tuple(
        name
        for name in ClaimCheckSignals.names()
        if name not in ("attributed_claims", "hedged_claims", "disputed_claims")
    ),
    "whole_claim_windows_only": ("window_entailment", "window_contradiction", "claim_words"),
}


def extract(
    signals_path: Path,
    summedits: Path,
    per_domain: int,
    fnc1: Path,
    fnc1_per_class: int,
    fnc1_part_per_class: dict[str, int],
    news_articles: int,
    model: str | None,
) -> None:
    from verify.pipeline import Verifier

    verifier = Verifier(model)
    held = held_body_ids()
    by_domain: dict[str, list] = {}
    for example in load_summedits(summedits):
        by_domain.setdefault(example.domain, []).append(example)
    rng = random.Random(13)
    examples = [
        (e, document_part(e.evidence))
        for domain in sorted(by_domain)
        for e in (
            by_domain[domain] if len(by_domain[domain]) <= per_domain else rng.sample(by_domain[domain], per_domain)
        )
    ]
    examples += [(e, "held" if e.body_id in held else "fit") for e in load_fnc1(fnc1, fnc1_per_class)]
    for part, per_class in fnc1_part_per_class.items():  # more of one part's pairs (those already done are kept)
        examples += [(e, part) for e in load_fnc1(fnc1, per_class, stories=part)]
    if news_articles:
        texts = sorted((DATA / "attribution" / "polnear" / "train" / "text").glob("*.txt"))
        examples += [(e, document_part(e.evidence)) for e in news_claim_edits(texts, news_articles)]
    done = set()
    if signals_path.exists():
        done = {json.loads(line)["id"] for line in signals_path.read_text(encoding="utf-8").splitlines() if line}
    distinct = {pair[0].id: pair for pair in examples if pair[0].id not in done}
    todo = sorted(distinct.values(), key=lambda pair: pair[0].body_id)
    print(f"{len(todo)} claims to check ({len(done)} done)", flush=True)
    cache: dict[str, dict[tuple[str, str], NLIScores]] = {"claims": {}, "windows": {}}

    def cached(name: str, score):
        def scored(pairs: list[tuple[str, str]]) -> list[NLIScores]:
            kept = cache[name]
            missing = list(dict.fromkeys(pair for pair in pairs if pair not in kept))
            kept.update(zip(missing, score(missing)))
            return [kept[pair] for pair in pairs]

        return scored

    score, score_windows = cached("claims", verifier.backend.score), cached("windows", verifier.backend.score_whole)
    started, body = time.perf_counter(), None
    with signals_path.open("a", encoding="utf-8") as out:
        for number, (example, part) in enumerate(todo, 1):
            if example.body_id != body:  # a new document: the last one's scores are not needed again
                body = example.body_id
                cache["claims"].clear()
                cache["windows"].clear()
            article = verifier.evidence(example.evidence)
            verdict = verdict_against(
                example.claim.strip(), article, verifier.embedder.encode, score, score_windows, verifier.settings
            )
            assert verdict.signals is not None
            row = {"id": example.id, "domain": example.domain, "part": part, "label": example.label}
            row |= {"document": example.body_id, "claim_key": text_id(example.claim)}
            signals = dict(zip(ClaimCheckSignals.names(), verdict.signals.vector()))
            out.write(json.dumps({**row, "signals": signals}) + "\n")
            out.flush()
            if number % 50 == 0:
                rate = number / (time.perf_counter() - started)
                print(f"{number}/{len(todo)} claims, {rate:.2f}/s", flush=True)


def _head(
    rows: Sequence[dict], names: Sequence[str], supported_threshold: float = 0.5, refuted_threshold: float = 0.5
) -> ClaimCheckHead:
    """Supported on every row, refuted on the three-way sets' (SummEdits does not tell refuted from not enough
    information), each a logistic regression over the signals `names`."""
    features = np.array([[row["signals"][name] for name in names] for row in rows])
    supported = np.array([row["label"] == "entailment" for row in rows], dtype=int)
    three_way = np.array([row["domain"] in THREE_WAY for row in rows])
    refuted = np.array([row["label"] == "contradiction" for row in rows], dtype=int)
    return ClaimCheckHead(
        fit_logistic(features, supported, names),
        fit_logistic(features[three_way], refuted[three_way], names),
        supported_threshold,
        refuted_threshold,
    )


def story_groups(rows: Sequence[dict]) -> list[str]:
    """A group per row that keeps related rows in one fold: a SummEdits document; an FNC-1 story (headlines and
    bodies joined by pairs: one headline is checked against several bodies of its story)."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for row in rows:
        if row["domain"] == "fnc1":
            parent[root("b" + row["document"])] = root("h" + row["claim_key"])
    return [
        root("b" + row["document"]) if row["domain"] == "fnc1" else f"{row['domain']}:{row['document']}" for row in rows
    ]


def fitted_head(fit_rows: Sequence[dict], names: Sequence[str]) -> tuple[ClaimCheckHead, dict]:
    """The head over the signals `names` fitted on `fit_rows`, with thresholds chosen there on out-of-fold
    probabilities (five folds grouped by document and story, `story_groups`), and what those thresholds give out
    of fold."""
    supported, refuted = np.zeros(len(fit_rows)), np.zeros(len(fit_rows))
    for inside, outside in GroupKFold(n_splits=5).split(fit_rows, groups=story_groups(fit_rows)):
        fold_head = _head([fit_rows[i] for i in inside], names)
        supported[outside], refuted[outside] = _probabilities(fold_head, [fit_rows[i] for i in outside])

    def measured(supported_threshold: float, refuted_threshold: float) -> dict:
        head = replace(fold_head, supported_threshold=supported_threshold, refuted_threshold=refuted_threshold)
        return _measured(fit_rows, _verdicts(supported, refuted, head))

    best_supported = float(max(THRESHOLDS, key=lambda t: _objective_supported(measured(t, 1.01))))
    best_refuted = float(max(REFUTED_THRESHOLDS, key=lambda t: _objective_refuted(measured(best_supported, t))))
    return _head(fit_rows, names, best_supported, best_refuted), measured(best_supported, best_refuted)


def _verdicts(supported: np.ndarray, refuted: np.ndarray, head: ClaimCheckHead) -> list[str]:
    """The labels the product's rule gives with these probabilities."""
    return [head_label(float(s), float(r), head) for s, r in zip(supported, refuted)]


def _measured(rows: Sequence[dict], labels: Sequence[str]) -> dict:
    """SummEdits: balanced accuracy per domain and their mean. The three-way sets (FNC-1, the news edits): macro-F1,
    refuted F1 and supported against the rest."""
    result: dict = {}
    per_domain = {
        domain: binary_metrics([(r["label"], label) for r, label in zip(rows, labels) if r["domain"] == domain])
        for domain in sorted({row["domain"] for row in rows} - set(THREE_WAY))
    }
    if per_domain:
        result["summedits"] = {
            "balanced_accuracy_mean": float(np.mean([m["balanced_accuracy"] for m in per_domain.values()])),
            "per_domain": per_domain,
        }
    for domain in THREE_WAY:
        pairs = [(r["label"], label) for r, label in zip(rows, labels) if r["domain"] == domain]
        if pairs:
            metrics = classification_metrics(pairs, ("entailment", "neutral", "contradiction"))
            result[domain] = {
                "n": metrics["n"],
                "macro_f1": metrics["macro_f1"],
                "refuted_f1": metrics["per_class"].get("contradiction", {}).get("f1", 0.0),
                "supported_vs_rest": binary_metrics(pairs),
                "per_class": metrics["per_class"],
            }
    return result


def _objective_supported(measured: dict) -> float:
    """Supported against not, each SummEdits domain and each three-way set alike."""
    scores = [m["balanced_accuracy"] for m in measured["summedits"]["per_domain"].values()]
    scores += [measured[domain]["supported_vs_rest"]["balanced_accuracy"] for domain in THREE_WAY if domain in measured]
    return float(np.mean(scores))


def _objective_refuted(measured: dict) -> float:
    return float(np.mean([measured[domain]["macro_f1"] for domain in THREE_WAY if domain in measured]))


def _choice_score(measured: dict) -> float:
    """What chooses among signal sets: SummEdits' mean balanced accuracy and the three-way sets' macro-F1, alike."""
    return (measured["summedits"]["balanced_accuracy_mean"] + _objective_refuted(measured)) / 2


def _probabilities(head: ClaimCheckHead, rows: Sequence[dict]) -> tuple[np.ndarray, np.ndarray]:
    signals = [ClaimCheckSignals(**row["signals"]) for row in rows]
    return (
        np.array([head.supported.probability(s) for s in signals]),
        np.array([head.refuted.probability(s) for s in signals]),
    )


def fit(signals_path: Path, results_path: Path, write: Path | None) -> None:
    rows = [json.loads(line) for line in signals_path.read_text(encoding="utf-8").splitlines() if line]
    fit_rows = [row for row in rows if row["part"] == "fit"]
    held_rows = [row for row in rows if row["part"] == "held"]
    candidates = {}
    for name, signals in SIGNAL_SETS.items():
        candidate, out_of_fold = fitted_head(fit_rows, signals)
        candidates[name] = {
            "signals": signals,
            "fit_part_out_of_fold": out_of_fold,
            "choice_score": _choice_score(out_of_fold),
            "held_part": _measured(held_rows, _verdicts(*_probabilities(candidate, held_rows), candidate)),
            "head": candidate,
        }
    chosen = max(candidates, key=lambda name: candidates[name]["choice_score"])
    head, out_of_fold = candidates[chosen]["head"], candidates[chosen]["fit_part_out_of_fold"]
    best_supported, best_refuted = head.supported_threshold, head.refuted_threshold
    held_supported, held_refuted = _probabilities(head, held_rows)
    three_way_held = np.array([row["domain"] in THREE_WAY for row in held_rows])
    results = {
        "data": {
            "signals": signals_path.name,
            "fit_rows": len(fit_rows),
            "held_rows": len(held_rows),
            "by_domain_and_part": {
                f"{domain}/{part}": sum(r["domain"] == domain and r["part"] == part for r in rows)
                for domain in sorted({r["domain"] for r in rows})
                for part in ("fit", "held")
            },
        },
        "chosen_on_fit_part": {
            "signal_set": chosen,
            "supported_threshold": best_supported,
            "refuted_threshold": best_refuted,
        },
        "fit_part_out_of_fold": out_of_fold,
        "held_part": _measured(held_rows, _verdicts(held_supported, held_refuted, head)),
        "calibration_held": {
            "supported": reliability(held_supported, np.array([r["label"] == "entailment" for r in held_rows])),
            "refuted_three_way": reliability(
                held_refuted[three_way_held],
                np.array([r["label"] == "contradiction" for r, inside in zip(held_rows, three_way_held) if inside]),
            ),
        },
        "signal_sets": {name: {k: v for k, v in each.items() if k != "head"} for name, each in candidates.items()},
        "head": head_json(head),
    }
    results_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: results[k] for k in ("chosen_on_fit_part", "held_part")}, indent=1))
    for name, each in candidates.items():
        held = each["held_part"]
        print(
            f"{name}: fit out of fold {each['choice_score']:.3f}; held SummEdits "
            f"{held['summedits']['balanced_accuracy_mean']:.3f}, FNC-1 macro-F1 {held['fnc1']['macro_f1']:.3f}, "
            f"news edits macro-F1 {held.get(NEWS_EDITS, {}).get('macro_f1', float('nan')):.3f}"
        )
    if write is not None:
        about = (
            f"scripts/fit_claim_check.py: logistic regressions over verify.check.verdict's ClaimCheckSignals "
            f"({chosen}: the best of {len(candidates)} signal sets on the fit parts out of fold), fitted "
            f"on the fit parts of SummEdits dev (split by document) and FNC-1 dev (story split); thresholds chosen "
            f"there out of fold (supported {best_supported}, refuted {best_refuted}); the held parts measured in "
            f"{results_path.name}."
        )
        print(write_model_settings(write, "claim_check", head_json(head), about))


def head_json(head: ClaimCheckHead) -> dict:
    return {
        "supported": asdict(head.supported),
        "refuted": asdict(head.refuted),
        "supported_threshold": head.supported_threshold,
        "refuted_threshold": head.refuted_threshold,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True)
    extracting = steps.add_parser("extract")
    extracting.add_argument("--signals", type=Path, required=True)
    extracting.add_argument("--summedits", type=Path, default=DATA / "claims" / "summedits")
    extracting.add_argument("--fnc1", type=Path, default=DATA / "news" / "fnc1_dev_stances.jsonl")
    extracting.add_argument("--per-domain", type=int, default=280, help="a seeded sample of each SummEdits domain")
    extracting.add_argument("--fnc1-per-class", type=int, default=80)
    for part in ("fit", "held"):
        extracting.add_argument(
            f"--fnc1-{part}-per-class", type=int, default=0, help=f"a seeded sample of FNC-1's {part} stories too"
        )
    extracting.add_argument(
        "--news-articles", type=int, default=0, help="claims made from this many PolNeAR train articles' sentences"
    )
    extracting.add_argument("--model")
    fitting = steps.add_parser("fit")
    fitting.add_argument("--signals", type=Path, required=True)
    fitting.add_argument("--results", type=Path, required=True)
    fitting.add_argument("--write", type=Path, help="the model folder whose settings.json gets the head")
    args = parser.parse_args()
    if args.step == "extract":
        more = {part: getattr(args, f"fnc1_{part}_per_class") for part in ("fit", "held")}
        extract(
            args.signals,
            args.summedits,
            args.per_domain,
            args.fnc1,
            args.fnc1_per_class,
            {part: per_class for part, per_class in more.items() if per_class},
            args.news_articles,
            args.model,
        )
    else:
        fit(args.signals, args.results, args.write)


if __name__ == "__main__":
    main()
