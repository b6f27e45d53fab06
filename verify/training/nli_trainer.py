"""Fine-tune a cross-encoder (MiniLM or mpnet) for 3-way NLI on a prepared mix (see nli_data).

Runs on torch + transformers alone (no `datasets`, no spaCy), so it runs unchanged on a
bare GPU machine. Binary sets are trained with a loss over the merged classes:
`not_entailment` is P(neutral) + P(contradiction), `not_contradiction` is
P(entailment) + P(neutral); they are never relabelled as one 3-way class.

    python -m verify.training.nli_trainer --mix MIX_DIR --base BASE_MODEL --out RUN_DIR [--dev DEV_DIR]

Each epoch writes RUN_DIR/epoch-N (HF format, fp16; with --lora-rank R a LoRA adapter and the
head, as peft saves them). RUN_DIR/state.pt (trainable weights, optimiser, schedule, epoch and
step) is written every --checkpoint-every steps and at each epoch's end, so an interrupted run
resumes mid-epoch with --resume; --max-minutes stops a session's share of a long run cleanly,
and with --fit-schedule-after N the schedule is refitted after N steps so that the learning rate
decays to 0 when the minutes are up (a GPU lease of fixed length, at a speed not known before).
RUN_DIR/log.jsonl holds the losses and dev accuracies.
"""

from __future__ import annotations

import argparse
import gzip
import json
import lzma
import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from verify.evaluation.probes import PROBE_PAIRS
from verify.runtime.precision import autocast, native_bf16
from verify.training.common import (
    length_sorted_batches,
    optimizer_with_schedule,
    pad,
    save_checkpoint,
    train_epoch,
    trainable_state,
)

LABELS = ("entailment", "neutral", "contradiction")
# Classes each gold label allows; the loss is -log of their summed probability.
ALLOWED = {
    "entailment": (1, 0, 0),
    "neutral": (0, 1, 0),
    "contradiction": (0, 0, 1),
    "not_entailment": (0, 1, 1),
    "not_contradiction": (1, 1, 0),
}


@dataclass(frozen=True)
class TrainConfig:
    mix: str
    base: str
    out: str
    dev: str | None = None
    epochs: int = 3
    lr: float = 1e-4
    batch_size: int = 64
    max_length: int = 256
    warmup: float = 0.06
    weight_decay: float = 0.01
    seed: int = 13
    max_pairs: int | None = None
    # The base's word embeddings stay as they are: faster, and the shipped weights differ from
    # the base only in the transformer layers and the head.
    freeze_word_embeddings: bool = True
    lora_rank: int = 0  # 0: full fine-tuning; else LoRA of this rank on every linear layer, head trained fully
    lora_alpha: int = 32
    # A trained LoRA adapter and head (a shipped model's folder) to continue from, with this run's
    # own schedule: more epochs for a model whose earlier run's optimiser state is gone.
    init_adapter: str | None = None
    checkpoint_every: int = 500  # steps between resumable states
    max_minutes: float | None = None  # stop (resumable) after this long; None: run every epoch
    # With max_minutes: after this many steps the schedule is refitted so that the learning rate
    # reaches 0 when the time is up (speed differs by machine); 0: the schedule stays as planned.
    fit_schedule_after: int = 0
    device: str = "cuda" if torch.cuda.is_available() else "cpu"


def read_jsonl(path: Path) -> list[dict]:
    openers: dict[str, Callable[..., Any]] = {".xz": lzma.open, ".gz": gzip.open}
    opener = openers.get(path.suffix, open)
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def find_mix_file(mix_dir: Path) -> Path:
    for name in ("train.jsonl", "train.jsonl.xz", "train.jsonl.gz"):
        if (mix_dir / name).exists():
            return mix_dir / name
    raise FileNotFoundError(f"no train.jsonl[.xz|.gz] in {mix_dir}")


def collate(
    encoded: list[list[int]], type_ids: list[list[int]] | None, indices: list[int], pad_id: int, device: str
) -> dict[str, torch.Tensor]:
    """Model inputs of one batch, padded to its longest pair (no token types for models without them, as mpnet)."""
    inputs = {
        "input_ids": pad([encoded[i] for i in indices], pad_id),
        "attention_mask": pad([[1] * len(encoded[i]) for i in indices], 0),
    }
    if type_ids is not None:
        inputs["token_type_ids"] = pad([type_ids[i] for i in indices], 0)
    return {name: tensor.to(device) for name, tensor in inputs.items()}


def merged_class_loss(logits: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    """Mean of -log P(allowed classes); equals cross-entropy for single-class labels."""
    log_probs = torch.log_softmax(logits.float(), dim=-1)
    return -(torch.logsumexp(log_probs.masked_fill(allowed == 0, -1e4), dim=-1)).mean()


def encode_pairs(tokenizer, pairs: list[dict], max_length: int):
    encoded = tokenizer(
        [p["premise"] for p in pairs],
        [p["hypothesis"] for p in pairs],
        truncation="longest_first",
        max_length=max_length,
    )
    return encoded["input_ids"], encoded.get("token_type_ids")


@torch.inference_mode()
def predict(model, tokenizer, pairs: list[tuple[str, str]], config: TrainConfig, batch_size: int = 256):
    rows = [{"premise": p, "hypothesis": h} for p, h in pairs]
    ids, types = encode_pairs(tokenizer, rows, config.max_length)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    probabilities = [None] * len(ids)
    model.eval()
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        with autocast(config.device, native_bf16(config.device)):
            logits = model(**collate(ids, types, batch, tokenizer.pad_token_id, config.device)).logits
        for i, row in zip(batch, torch.softmax(logits.float(), dim=-1).tolist()):
            probabilities[i] = row
    model.train()
    return probabilities


def dev_accuracy(model, tokenizer, dev_dir: Path, config: TrainConfig) -> dict[str, float]:
    """Accuracy per 3-way dev file (binary dev sets are scored by verify evaluate, not here)."""
    scores = {}
    for path in sorted(dev_dir.glob("*.jsonl*")):
        rows = read_jsonl(path)
        if not rows or any(row["label"] not in LABELS for row in rows):
            continue
        probabilities = predict(model, tokenizer, [(r["premise"], r["hypothesis"]) for r in rows], config)
        hits = sum(LABELS[max(range(3), key=p.__getitem__)] == r["label"] for p, r in zip(probabilities, rows))
        scores[path.name.split(".")[0]] = round(hits / len(rows), 4)
    return scores


def probe(model, tokenizer, config: TrainConfig) -> list[dict]:
    probabilities = predict(model, tokenizer, [(p, h) for p, h, _ in PROBE_PAIRS], config)
    return [
        {
            "premise": p,
            "hypothesis": h,
            "expected": gold,
            "probabilities": dict(zip(LABELS, [round(x, 4) for x in probs])),
        }
        for (p, h, gold), probs in zip(PROBE_PAIRS, probabilities)
    ]


def load_model(config: TrainConfig):
    """The base with a fresh 3-way head; with `lora_rank` wrapped as a peft LoRA model (a new one, or
    `init_adapter`'s weights, trainable)."""
    model = AutoModelForSequenceClassification.from_pretrained(
        config.base,
        num_labels=3,
        id2label=dict(enumerate(LABELS)),
        label2id={n: i for i, n in enumerate(LABELS)},
        dtype=torch.float32,
    )
    if config.init_adapter:
        from peft import PeftModel

        return PeftModel.from_pretrained(model, config.init_adapter, is_trainable=True)
    if config.lora_rank:
        from peft import LoraConfig, get_peft_model

        lora = LoraConfig(
            task_type="SEQ_CLS",
            r=config.lora_rank,
            lora_alpha=config.lora_alpha,
            lora_dropout=0.1,
            target_modules="all-linear",
        )
        return get_peft_model(model, lora)
    model.get_input_embeddings().weight.requires_grad_(not config.freeze_word_embeddings)
    return model


def train(config: TrainConfig, resume: bool = False) -> Path:
    random.seed(config.seed)
    torch.manual_seed(config.seed)
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    mix_dir = Path(config.mix)
    pairs = read_jsonl(find_mix_file(mix_dir))[: config.max_pairs]
    pairs = [p for p in pairs if p["label"] in ALLOWED]
    mix_summary = json.loads((mix_dir / "mix.json").read_text()) if (mix_dir / "mix.json").exists() else {}

    tokenizer = AutoTokenizer.from_pretrained(config.base)
    model = load_model(config).to(config.device).train()
    ids, types = encode_pairs(tokenizer, pairs, config.max_length)
    allowed = torch.tensor([ALLOWED[p["label"]] for p in pairs])
    lengths = [len(x) for x in ids]

    steps_per_epoch = math.ceil(len(pairs) / config.batch_size)
    optimizer, scheduler = optimizer_with_schedule(
        model, config.lr, config.weight_decay, config.warmup, steps_per_epoch * config.epochs, config.device
    )
    first_epoch, first_step = 0, 0
    state_path = out / "state.pt"
    if resume and state_path.exists():
        state = torch.load(state_path, map_location=config.device, weights_only=False)
        model.load_state_dict(state["model"], strict=False)
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        # This call's plan (more epochs, or a new time budget to fit), not the one saved.
        scheduler.lr_lambdas[0].total_steps = steps_per_epoch * config.epochs
        first_epoch, first_step = state["epoch"], state["step"]
        if first_step >= steps_per_epoch:
            first_epoch, first_step = first_epoch + 1, 0

    def save_state(epoch: int, step: int) -> None:
        snapshot = {
            "model": trainable_state(model),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "epoch": epoch,
            "step": step,
        }
        torch.save(snapshot, out / "state.tmp")
        (out / "state.tmp").replace(state_path)  # a kill mid-write leaves the last state whole

    def batch_loss(batch: list[int]) -> torch.Tensor:
        with autocast(config.device, native_bf16(config.device)):
            logits = model(**collate(ids, types, batch, tokenizer.pad_token_id, config.device)).logits
        return merged_class_loss(logits, allowed[batch].to(config.device))

    log = (out / "log.jsonl").open("a", encoding="utf-8")

    def write(entry: dict) -> None:
        log.write(json.dumps(entry) + "\n")
        log.flush()
        print(json.dumps(entry), flush=True)

    session_started = started = time.time()
    deadline = session_started + 60 * config.max_minutes if config.max_minutes else math.inf
    schedule = scheduler.lr_lambdas[0]
    session_steps = 0
    for epoch in range(first_epoch, config.epochs):
        if epoch * steps_per_epoch >= schedule.total_steps:
            break
        batches = length_sorted_batches(lengths, config.batch_size, random.Random(config.seed + epoch))

        def after_step(step: int, progress, epoch: int = epoch, started: float = started) -> bool:
            nonlocal session_steps
            session_steps += 1
            steps_done = epoch * steps_per_epoch + step + 1
            if config.max_minutes and session_steps == config.fit_schedule_after:
                now = time.time()
                total = schedule.fit(steps_done, now - session_started, deadline - now)
                write({"schedule_fitted": {"total_steps": total, "epochs": round(total / steps_per_epoch, 2)}})
            if steps_done >= schedule.total_steps:
                return True
            if step % config.checkpoint_every == 0 or time.time() >= deadline:
                write(
                    {
                        "epoch": epoch,
                        "step": step,
                        "of": steps_per_epoch,
                        "loss": round(progress.mean_loss, 4),
                        "seconds": round(time.time() - started, 1),
                    }
                )
                save_state(epoch, step + 1)
            return time.time() >= deadline

        result = train_epoch(model, optimizer, scheduler, batches, batch_loss, first_step, after_step)
        first_step = 0
        # An epoch's end, or the time budget's: either way the weights so far are scored and kept.
        record: dict[str, Any] = {
            "epoch": epoch,
            "step": result.steps,
            "of": steps_per_epoch,
            "train_loss": round(result.mean_loss, 4),
            "seconds": round(time.time() - started, 1),
            "pairs_per_second": round(result.examples / (time.time() - started), 1),
        }
        if result.stopped:
            minutes = round((time.time() - session_started) / 60, 1)
            schedule_ended = epoch * steps_per_epoch + result.steps >= schedule.total_steps
            record["stopped"] = f"{'schedule fitted to ' if schedule_ended else ''}max_minutes ({minutes} minutes)"
        if config.dev:
            record["dev_accuracy"] = dev_accuracy(model, tokenizer, Path(config.dev), config)
        record["probes"] = probe(model, tokenizer, config)
        name = f"epoch-{epoch}" + (f"-step-{result.steps}" if result.stopped else "")
        record["checkpoint"] = name
        write(record)
        save_checkpoint(
            model,
            tokenizer,
            out / name,
            {"config": asdict(config), "mix": mix_summary, "epoch": epoch, "result": record},
        )
        save_state(epoch, result.steps)
        if result.stopped:
            break
        started = time.time()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mix", required=True, help="directory with train.jsonl[.xz] and mix.json (nli_data)")
    parser.add_argument("--base", required=True, help="base model directory (all-MiniLM-L6-v2)")
    parser.add_argument("--out", required=True, help="run directory, outside the repository")
    parser.add_argument("--dev", help="directory of dev *.jsonl[.xz] files scored after each epoch")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/state.pt")
    for field_name in (
        "epochs",
        "batch_size",
        "max_length",
        "seed",
        "max_pairs",
        "lora_rank",
        "lora_alpha",
        "checkpoint_every",
        "fit_schedule_after",
    ):
        parser.add_argument(
            f"--{field_name.replace('_', '-')}", type=int, default=TrainConfig.__dataclass_fields__[field_name].default
        )
    for field_name in ("lr", "warmup", "weight_decay", "max_minutes"):
        parser.add_argument(
            f"--{field_name.replace('_', '-')}",
            type=float,
            default=TrainConfig.__dataclass_fields__[field_name].default,
        )
    parser.add_argument(
        "--train-word-embeddings",
        dest="freeze_word_embeddings",
        action="store_false",
        help="also fine-tune the word embeddings (frozen by default)",
    )
    parser.add_argument("--init-adapter", help="LoRA adapter + head to continue from (e.g. models/verify-nli-mpnet)")
    parser.add_argument("--device", default=TrainConfig.device)
    args = vars(parser.parse_args(argv))
    resume = args.pop("resume")
    train(TrainConfig(**args), resume=resume)


if __name__ == "__main__":
    main()
