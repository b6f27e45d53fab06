"""How much FNC-1 stance the shipped checker's own signals carry, on the fit stories only.

`verify check` decides a claim against an article with the report's decision rule over the
evidence claims the gate lets through. On FNC-1 (a headline checked against an article body) that
rule is near chance. This script asks whether a verdict learned over the same signals would do
better, before anyone builds one: for every related pair of the *fit* stories
(`verify.evaluation.claim_check`, never the held ones) it runs the check itself
(`verdict_against`, with a scorer that records every evidence → claim score; at the commit of its results,
the verdict of the evidence claims alone, before evidence windows), then compares by
5-fold cross-validation grouped by story (no story in a training and a test fold at once):

- `rule`: the shipped verdict, as `verify check` gives it;
- `learned`: a class-balanced logistic regression over features of the same check (NLI scores of
  the gated evidence, similarities, who states the evidence and how, the rule's own verdict, and
  refuting and hedging words of the evidence and of the article).

Prints JSON (development numbers: the fit stories chose nothing shipped).

`--write-pairs DIR` instead writes the fit stories as NLI pairs for `verify.training.nli_trainer`
(premise: the article's first three sentences; hypothesis: the headline; agree / discuss / disagree
as entailment / neutral / contradiction, disagree pairs three times over): `DIR/train.jsonl` and
`DIR/mix.json` from three quarters of the fit stories, `DIR/dev/fnc1_fit_validation.jsonl` from the
other quarter, so a fine-tuned checker can be compared with the rows above on stories it did not see.
With `--replay MIX` (a mix from `verify.training.nli_data`, e.g. with `--general-sample`) the training rows
are that mix's pairs and the stance pairs together, shuffled: continued training that keeps seeing NLI.

`--validation-rule` instead runs only the shipped rule (`verify check` with `--model`) on those validation
stories: how a candidate checker compares there with the rule of the shipped one.

A one-off study; its results: docs/results/fnc1-fit-stories-stance-study.json,
docs/results/fnc1-fit-validation-stance-finetune.json and docs/results/fnc1-fit-validation-replay-finetune.json
(docs/results.md, "Is the verdict rule or the checker the limit?").

    .venv/bin/python scripts/studies/fnc1_stance_study.py ../shared/data/news/fnc1_dev_stances.jsonl [--model DIR]
    .venv/bin/python scripts/studies/fnc1_stance_study.py ../shared/data/news/fnc1_dev_stances.jsonl --write-pairs DIR \
        [--replay MIX]
    .venv/bin/python scripts/studies/fnc1_stance_study.py ../shared/data/news/fnc1_dev_stances.jsonl --validation-rule \
        --model DIR
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import StandardScaler

from verify.check.articles import checked_claims
from verify.check.pairs import checked_text
from verify.check.verdict import verdict_against
from verify.datamodel import NLI_LABELS, ClaimVerdict, NLIScores
from verify.evaluation.claim_check import ClaimCheckEvaluator, ClaimCheckExample, load_fnc1
from verify.evaluation.metrics import classification_metrics
from verify.pipeline import Verifier
from verify.training.nli_trainer import find_mix_file, read_jsonl

# Words that call a report untrue, and words that report without asserting (with the hedged cues
# of verify.attribution.lexicon, which mark only a claim's own cue).
REFUTING = re.compile(
    r"\b(hoax\w*|fake|false(ly)?|debunk\w*|den(y|ies|ied|ial)|untrue|fabricat\w*|rumou?r\w*|satir\w*|"
    r"no evidence|not true|misleading|bogus)\b",
    re.IGNORECASE,
)
HEDGING = re.compile(
    r"\b(reportedly|allegedly|alleged|claim(s|ed)?|unconfirmed|purported(ly)?|apparently|may|might|could|"
    r"possibly|suggest\w*|believed|unverified)\b",
    re.IGNORECASE,
)


def rate(pattern: re.Pattern, text: str) -> float:
    """Matches per 100 words."""
    return 100 * len(pattern.findall(text)) / max(1, len(text.split()))


def check_features(verifier: Verifier, examples: list[ClaimCheckExample]) -> tuple[list[str], list[dict]]:
    """`verify check` on each example, its verdict and the features of what it saw."""
    by_body: dict[str, list[ClaimCheckExample]] = defaultdict(list)
    for example in examples:
        by_body[example.body_id].append(example)
    verdicts: dict[str, str] = {}
    features: dict[str, dict] = {}
    scored: list[tuple[str, NLIScores]] = []  # every evidence → claim score of the current check

    def score(pairs: list[tuple[str, str]]) -> list[NLIScores]:
        found = verifier.backend.score(pairs)
        scored.extend((premise, scores) for (premise, _), scores in zip(pairs, found))
        return found

    for body_id in sorted(by_body):
        group = by_body[body_id]
        evidence = group[0].evidence
        claims = checked_claims(verifier.claims(evidence))
        premises = {checked_text(claim): claim for claim in claims}
        embeddings = verifier.embedder.encode([claim.text for claim in claims])
        for example in group:
            claim = example.claim.strip()
            similarities = embeddings @ verifier.embedder.encode([claim])[0]
            scored.clear()
            article = verifier.evidence(evidence)
            verdict = verdict_against(
                claim, article, verifier.embedder.encode, score, verifier.backend.score_whole, verifier.settings
            )
            verdicts[example.id] = verdict.label
            features[example.id] = features_of(claim, verdict, scored, premises, claims, similarities, evidence)
    return [verdicts[e.id] for e in examples], [features[e.id] for e in examples]


def features_of(claim, verdict: ClaimVerdict, scored, premises, claims, similarities, article) -> dict:
    index = {id(c): k for k, c in enumerate(claims)}
    rows = sorted(
        ((float(similarities[index[id(premises[p])]]), p, premises[p], s) for p, s in scored), key=lambda r: -r[0]
    )
    sims = np.array([r[0] for r in rows])
    entail = np.array([r[3].entailment for r in rows])
    contra = np.array([r[3].contradiction for r in rows])
    neutral = np.array([r[3].neutral for r in rows])
    asserted = [r[2].source.kind == "author" for r in rows]
    hedged = [bool(r[2].cue and r[2].cue.hedged) for r in rows]
    strongest_e, strongest_c = int(entail.argmax()), int(contra.argmax())
    top = slice(0, 3)
    return {
        "max_entailment": entail.max(),
        "max_contradiction": contra.max(),
        "top3_entailment": entail[top].mean(),
        "top3_contradiction": contra[top].mean(),
        "top3_neutral": neutral[top].mean(),
        "nearest_entailment": entail[0],
        "nearest_contradiction": contra[0],
        "nearest_similarity": sims[0],
        "top3_similarity": sims[top].mean(),
        "rule_supported": float(verdict.label == "entailment"),
        "rule_refuted": float(verdict.label == "contradiction"),
        "strongest_entailment_by_author": float(asserted[strongest_e]),
        "strongest_entailment_hedged": float(hedged[strongest_e]),
        "strongest_contradiction_by_author": float(asserted[strongest_c]),
        "article_hedged_share": np.mean([bool(c.cue and c.cue.hedged) for c in claims]),
        "article_author_share": np.mean([c.source.kind == "author" for c in claims]),
        "related_hedged_share": np.mean(hedged),
        "related_author_share": np.mean(asserted),
        "related_refuting_share": np.mean([bool(REFUTING.search(r[1])) for r in rows]),
        "related_hedging_share": np.mean([bool(HEDGING.search(r[1])) for r in rows]),
        "claim_hedging": float(bool(HEDGING.search(claim))),
        "claim_refuting": float(bool(REFUTING.search(claim))),
        "claim_question": float("?" in claim),
        "article_claims_log": np.log1p(len(claims)),
        "related_log": np.log1p(len(rows)),
        "strongest_entailment_x_similarity": entail.max() * sims[strongest_e],
        "strongest_contradiction_x_similarity": contra.max() * sims[strongest_c],
        "related_entailing": float((entail > 0.5).sum()),
        "related_contradicting": float((contra > 0.5).sum()),
        "article_refuting_log": np.log1p(len(REFUTING.findall(article))),
        "article_refuting_rate": rate(REFUTING, article),
        "article_hedging_rate": rate(HEDGING, article),
    }


def stories(examples: list[ClaimCheckExample]) -> list[str]:
    """Each example's story: the connected group of headlines and bodies, named by its first body."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for example in examples:
        parent[root("h" + example.claim.strip())] = root("b" + example.body_id)
    members: dict[str, list[str]] = defaultdict(list)
    for example in examples:
        members[root("b" + example.body_id)].append(example.body_id)
    return [min(members[root("b" + e.body_id)], key=int) for e in examples]


def lead(text: str, sentences: int = 3) -> str:
    """The first sentences of an article, whitespace normalised."""
    return " ".join(re.split(r"(?<=[.!?])\s+", " ".join(text.split()))[:sentences])


def validation_stories(groups: list[str], seed: int = 7) -> set[str]:
    """Stories (seeded) holding about a quarter of the examples whose stories are `groups`: the validation
    part of the fit stories."""
    sizes: dict[str, int] = defaultdict(int)
    for group in groups:
        sizes[group] += 1
    order = sorted(sizes, key=int)
    random.Random(seed).shuffle(order)
    chosen: set[str] = set()
    for group in order:
        if sum(sizes[g] for g in chosen) < len(groups) / 4:
            chosen.add(group)
    return chosen


def write_pairs(examples: list[ClaimCheckExample], out: Path, replay: Path | None = None) -> dict:
    """The stance pairs of `examples`, the validation stories apart; with `replay` (a mix directory), that
    mix's pairs and the stance pairs shuffled together as the training rows."""
    groups = stories(examples)
    validation = validation_stories(groups)
    copies = {"contradiction": 3, "entailment": 1, "neutral": 1}
    train, held = [], []
    for example, group in zip(examples, groups):
        row = {
            "premise": lead(example.evidence),
            "hypothesis": example.claim.strip(),
            "label": example.label,
            "dataset": "fnc1_fit",
            "id": example.id,
        }
        if group in validation:
            held.append(row)
        else:
            train += [row] * copies[example.label]
    random.Random(0).shuffle(train)
    written: dict = {
        "about": "FNC-1 dev fit stories as stance pairs (scripts/studies/fnc1_stance_study.py --write-pairs)",
        "stance_rows": len(train),
    }
    if replay:
        train = read_jsonl(find_mix_file(replay)) + train
        random.Random(31).shuffle(train)
        mix = json.loads((replay / "mix.json").read_text(encoding="utf-8"))
        written["replay"] = {"mix": mix["config"], "pairs": mix["pairs"], "counts": mix["counts"]}
    (out / "dev").mkdir(parents=True, exist_ok=True)
    (out / "train.jsonl").write_text("".join(json_line(row) for row in train), encoding="utf-8")
    (out / "dev" / "fnc1_fit_validation.jsonl").write_text("".join(json_line(row) for row in held), encoding="utf-8")
    written.update(train_rows=len(train), validation_rows=len(held), validation_stories=len(validation))
    (out / "mix.json").write_text(json.dumps(written, indent=1) + "\n", encoding="utf-8")
    return written


def json_line(row: dict) -> str:
    """A JSON line with its text as written (not \\u-escaped)."""
    return json.dumps(row, ensure_ascii=False) + "\n"


def validation_rule(verifier: Verifier, examples: list[ClaimCheckExample]) -> dict:
    """The shipped rule with `verifier`'s model on the validation stories of `--write-pairs` (`verify check`
    on each pair, as a user runs it)."""
    groups = stories(examples)
    validation_names = validation_stories(groups)
    validation = [example for example, group in zip(examples, groups) if group in validation_names]
    metrics = ClaimCheckEvaluator(validation)(verifier.check)
    return {"pairs": len(validation), "stories": len(validation_names), **headline(metrics)}


def fit_predict(features: np.ndarray, truth: np.ndarray, train, test, strength: float) -> np.ndarray:
    """A class-balanced logistic regression on standardised features, fitted on `train`, applied to `test`."""
    scale = StandardScaler().fit(features[train])
    fitted = LogisticRegression(C=strength, class_weight="balanced", max_iter=5000)
    fitted.fit(scale.transform(features[train]), truth[train])
    return fitted.predict(scale.transform(features[test]))


def summary(truth: np.ndarray, predicted: np.ndarray) -> dict:
    """`headline` of label indices (NLI_LABELS order), gold against predicted."""
    pairs = [(NLI_LABELS[gold], NLI_LABELS[guess]) for gold, guess in zip(truth, predicted)]
    return headline(classification_metrics(pairs, NLI_LABELS))


def headline(metrics: dict) -> dict:
    """Macro-F1, F1 per class and accuracy of the project's classification metrics, rounded."""
    return {
        "macro_f1": round(metrics["macro_f1"], 3),
        **{f"{label}_f1": round(metrics["per_class"][label]["f1"], 3) for label in NLI_LABELS},
        "accuracy": round(metrics["accuracy"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stances", type=Path)
    parser.add_argument("--model", default=None)
    parser.add_argument("--regularisation", type=float, nargs="+", default=[0.01, 0.1, 1.0])
    parser.add_argument("--write-pairs", type=Path, help="write the fit stories as training pairs here instead")
    parser.add_argument("--replay", type=Path, help="with --write-pairs: an NLI mix to train on beside them")
    parser.add_argument("--validation-rule", action="store_true", help="only the rule, on the validation stories")
    args = parser.parse_args()
    if args.replay and not args.write_pairs:
        parser.error("--replay goes with --write-pairs")
    if args.validation_rule and args.write_pairs:
        parser.error("--validation-rule and --write-pairs are separate runs")
    examples = load_fnc1(args.stances, stories="fit")
    if args.write_pairs:
        print(json.dumps(write_pairs(examples, args.write_pairs, args.replay), indent=1))
        return
    verifier = Verifier(args.model)
    if args.validation_rule:
        result = {"validation stories: rule": validation_rule(verifier, examples)}
        print(json.dumps({"data": str(args.stances), "model": verifier.model_info.name, "results": result}, indent=1))
        return
    rule, rows = check_features(verifier, examples)
    names = list(rows[0])
    features = np.array([[row[name] for name in names] for row in rows])
    truth = np.array([NLI_LABELS.index(e.label) for e in examples])
    groups = stories(examples)
    rule_labels = np.array([NLI_LABELS.index(label) for label in rule])
    results = {"rule": summary(truth, rule_labels)}
    for strength in args.regularisation:
        predicted = np.zeros_like(truth)
        for train, test in GroupKFold(5).split(features, truth, groups):
            predicted[test] = fit_predict(features, truth, train, test, strength)
        results[f"learned (C={strength})"] = summary(truth, predicted)
    # The same two on the validation stories of --write-pairs, learned on the other fit stories:
    # the rows a checker fine-tuned on those pairs compares with.
    held_out = validation_stories(groups)
    validation = np.array([group in held_out for group in groups])
    results["validation stories: rule"] = summary(truth[validation], rule_labels[validation])
    results[f"validation stories: learned (C={args.regularisation[1]})"] = summary(
        truth[validation], fit_predict(features, truth, ~validation, validation, args.regularisation[1])
    )
    print(
        json.dumps(
            {
                "data": f"{args.stances}, fit stories: {len(examples)} related pairs, {len(set(groups))} stories",
                "model": verifier.model_info.name,
                "cross_validation": "5 folds grouped by story",
                "features": names,
                "results": results,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
