"""Pieces both trainers share: length-sorted batches, the optimiser schedule, the epoch loop, checkpoints."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch


def length_sorted_batches(lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Batches of similar length (little padding), in shuffled order."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for start in range(0, len(order), chunk):
        piece = sorted(order[start : start + chunk], key=lengths.__getitem__)
        batches += [piece[i : i + batch_size] for i in range(0, len(piece), batch_size)]
    rng.shuffle(batches)
    return batches


def pad(rows: list[list[int]], value: int) -> torch.Tensor:
    """Rows padded with `value` to the longest: one batch tensor (dynamic padding)."""
    width = max(map(len, rows))
    return torch.tensor([row + [value] * (width - len(row)) for row in rows])


@dataclass
class LinearWarmupDecay:
    """Learning-rate factor: linear warm-up, then linear decay to 0 at total_steps.

    transformers' get_linear_schedule_with_warmup does the same with its totals fixed in a
    closure; here they are fields, so a run with a time budget can refit total_steps once it
    knows its speed (`fit`). A resumed run sets total_steps to its own plan again (nli_trainer).
    """

    warmup_fraction: float
    total_steps: int

    @property
    def warmup_steps(self) -> int:
        return int(self.warmup_fraction * self.total_steps)

    def __call__(self, step: int) -> float:
        if step < self.warmup_steps:
            return step / max(1, self.warmup_steps)
        return max(0.0, (self.total_steps - step) / max(1, self.total_steps - self.warmup_steps))

    def fit(self, steps_done: int, seconds_so_far: float, seconds_left: float) -> int:
        """Shorten total_steps to what fits in seconds_left at the speed seen so far (never lengthen)."""
        fitting = steps_done + int(seconds_left * steps_done / max(seconds_so_far, 1e-9))
        self.total_steps = max(steps_done + 1, min(self.total_steps, fitting))
        return self.total_steps


def optimizer_with_schedule(model, lr: float, weight_decay: float, warmup: float, total_steps: int, device: str):
    """AdamW over the trainable weights (no decay on biases and norms), linear warm-up then decay
    (the schedule's LinearWarmupDecay is scheduler.lr_lambdas[0])."""
    no_decay = ("bias", "LayerNorm.weight")
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    groups = [
        {"params": [p for n, p in trainable if not n.endswith(no_decay)], "weight_decay": weight_decay},
        {"params": [p for n, p in trainable if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=lr, fused=device == "cuda")
    return optimizer, torch.optim.lr_scheduler.LambdaLR(optimizer, LinearWarmupDecay(warmup, total_steps))


@dataclass
class EpochResult:
    loss_sum: float  # summed per-example loss over the steps run
    examples: int
    steps: int  # index of the next batch: len(batches) when the epoch finished
    stopped: bool  # `after_step` asked to stop before the epoch's end

    @property
    def mean_loss(self) -> float:
        return self.loss_sum / max(self.examples, 1)


def train_epoch(
    model,
    optimizer,
    scheduler,
    batches: Sequence[list[int]],
    batch_loss: Callable[[list[int]], torch.Tensor],
    first_step: int = 0,
    after_step: Callable[[int, EpochResult], bool] | None = None,
) -> EpochResult:
    """The one optimisation loop of both trainers: loss, backward, clip to norm 1, step.

    Starts at batch `first_step` (a resumed epoch); `after_step(step, result)` runs after each
    step and returns True to stop early (a time budget), so the caller can checkpoint mid-epoch.
    """
    result = EpochResult(0.0, 0, first_step, False)
    for step in range(first_step, len(batches)):
        loss = batch_loss(batches[step])
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        result.loss_sum += loss.item() * len(batches[step])
        result.examples += len(batches[step])
        result.steps = step + 1
        if after_step is not None and after_step(step, result):
            result.stopped = result.steps < len(batches)
            break
    return result


def trainable_state(model) -> dict[str, torch.Tensor]:
    """The weights the optimiser changes (all but frozen ones): what a resumable state must keep."""
    return {name: tensor.detach().cpu() for name, tensor in model.named_parameters() if tensor.requires_grad}


def save_checkpoint(model, tokenizer, directory: Path, metadata: dict) -> None:
    """HF-format fp16 weights (a LoRA model: its adapter and head, as peft saves them), tokenizer, notes."""
    directory.mkdir(parents=True, exist_ok=True)
    if hasattr(model, "peft_config"):
        model.save_pretrained(directory)
        tokenizer.save_pretrained(directory)
        (directory / "training.json").write_text(json.dumps(metadata, indent=2) + "\n")
        return
    half = {name: tensor.detach().to("cpu", torch.float16) for name, tensor in model.state_dict().items()}
    model.save_pretrained(directory, state_dict=half, safe_serialization=True)
    tokenizer.save_pretrained(directory)
    config_path = directory / "config.json"
    model_config = json.loads(config_path.read_text())
    model_config["dtype"] = "float16"
    config_path.write_text(json.dumps(model_config, indent=2) + "\n")
    (directory / "training.json").write_text(json.dumps(metadata, indent=2) + "\n")


WEIGHTS = "model.safetensors"  # a Hugging Face checkpoint's weights file


def mean_state(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """Tensor-by-tensor mean (float32) of state dicts with the same tensors."""
    if any(set(state) != set(states[0]) for state in states):
        raise ValueError("the checkpoints do not have the same tensors")
    return {name: torch.stack([state[name].float() for state in states]).mean(dim=0) for name in sorted(states[0])}


def copy_model_files(source: Path, out_dir: Path, weights: str) -> None:
    """Copy a checkpoint's files other than its weights file (config, tokenizer, notes) to out_dir."""
    for path in source.iterdir():
        if path.name != weights and path.is_file():
            shutil.copy2(path, out_dir / path.name)
