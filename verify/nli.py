"""Natural-language inference: P(entailment, neutral, contradiction) for (premise, hypothesis) pairs.

The model is any 3-way sequence-classification checkpoint whose `config.id2label`
names the NLI labels. Only the premise is ever cut: a premise longer than the window
is split into overlapping token windows, each scored with the whole hypothesis, and
the window with the strongest evidence (highest max(entailment, contradiction)) wins.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from verify.datamodel import NLI_LABELS, NLIScores
from verify.errors import VerifyError
from verify.models import NLI_MODEL, shipped_model, shipped_name
from verify.precision import PRECISIONS, autocast, use_bf16

MODEL_ENV_VAR = "VERIFY_NLI_MODEL"
PRECISION_ENV_VAR = "VERIFY_NLI_PRECISION"
DEFAULT_MODEL_DIR = shipped_model(NLI_MODEL)
# Consecutive premise windows share this many tokens, so a sentence cut at one
# window's edge is whole in the next.
WINDOW_OVERLAP = 32
# A hypothesis must leave at least this much room for the premise; a longer
# hypothesis widens the window (up to the model's limit) rather than being cut.
MIN_PREMISE_TOKENS = 32


@dataclass(frozen=True)
class EncodedWindow:
    """One model input: a piece of a premise followed by the whole hypothesis."""

    pair_index: int
    input_ids: list[int]
    token_type_ids: list[int] | None


def resolve_model(model: str | Path | None = None) -> str:
    """Explicit argument, else $VERIFY_NLI_MODEL, else the model shipped with verify.

    An existing folder is used as it is; a shipped model's name ("models/verify-nli-minilm-l6")
    is the shipped folder wherever verify is installed; anything else that reads as a path is
    refused before loading, so a local path is never sent to the hub.
    """
    chosen = str(model or os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL_DIR)
    local = Path(chosen).expanduser()
    if local.exists():
        return str(local.resolve())
    shipped = shipped_name(chosen)
    if shipped:
        return str(shipped_model(shipped))
    if _looks_like_local_path(chosen):
        raise VerifyError(f"cannot load NLI model '{chosen}': no such directory")
    return chosen


def _hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def _looks_like_local_path(name: str) -> bool:
    # Hub ids are "name" or "owner/name"; anything else with a separator is a path, and so is
    # "dir/name" where dir is a folder here ("models/my-run").
    if name.startswith((".", "~", "/")) or name.count("/") > 1 or "\\" in name:
        return True
    return "/" in name and Path(name.split("/")[0]).is_dir()


def _short_reason(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    reason = lines[0] if lines else type(error).__name__
    return reason if len(reason) <= 200 else reason[:197] + "..."


def _label_order(id2label: dict) -> list[str]:
    """Our label name for each output index of the checkpoint."""
    names = [str(id2label[index]).strip().lower() for index in sorted(id2label, key=int)]
    if sorted(names) != sorted(NLI_LABELS):
        raise VerifyError(f"labels {names} are not the NLI labels {list(NLI_LABELS)}")
    return names


def encode_pairs(
    tokenizer, pairs: Sequence[tuple[str, str]], max_length: int, longest_window: int | None = None
) -> list[EncodedWindow]:
    """Token windows for every pair: the premise truncated (with overflow), never the hypothesis.

    Pairs whose hypothesis leaves less than MIN_PREMISE_TOKENS of room get a wider
    window, up to `longest_window` (the model's limit); beyond it the pair is refused.
    """
    specials = tokenizer.num_special_tokens_to_add(pair=True)
    limit = max(max_length, longest_window or max_length)
    hypothesis_lengths = [len(ids) for ids in tokenizer([h for _, h in pairs], add_special_tokens=False)["input_ids"]]

    # Pairs that share a window size and overlap are tokenized in one batched call.
    groups: dict[tuple[int, int], list[int]] = {}
    for index, hypothesis_length in enumerate(hypothesis_lengths):
        window = max(max_length, hypothesis_length + specials + MIN_PREMISE_TOKENS)
        if window > limit:
            raise VerifyError(
                f"hypothesis of {hypothesis_length} tokens does not fit the model's {limit}-token window: "
                f"{pairs[index][1][:60]!r}..."
            )
        room = window - specials - hypothesis_length
        groups.setdefault((window, min(WINDOW_OVERLAP, room // 2)), []).append(index)

    windows: list[EncodedWindow] = []
    for (window, overlap), indices in groups.items():
        encoded = tokenizer(
            [pairs[i][0] for i in indices],
            [pairs[i][1] for i in indices],
            truncation="only_first",
            max_length=window,
            stride=overlap,
            return_overflowing_tokens=True,
        )
        type_ids = encoded.get("token_type_ids")
        for row, sample in enumerate(encoded["overflow_to_sample_mapping"]):
            windows.append(
                EncodedWindow(
                    pair_index=indices[sample],
                    input_ids=encoded["input_ids"][row],
                    token_type_ids=type_ids[row] if type_ids is not None else None,
                )
            )
    return windows


def _padded_batch(windows: Sequence[EncodedWindow], pad_token_id: int) -> dict[str, torch.Tensor]:
    """Pad to the longest window in this batch only."""
    width = max(len(w.input_ids) for w in windows)
    input_ids = torch.full((len(windows), width), pad_token_id, dtype=torch.long)
    attention_mask = torch.zeros((len(windows), width), dtype=torch.long)
    token_type_ids = torch.zeros((len(windows), width), dtype=torch.long)
    for row, w in enumerate(windows):
        length = len(w.input_ids)
        input_ids[row, :length] = torch.tensor(w.input_ids)
        attention_mask[row, :length] = 1
        if w.token_type_ids is not None:
            token_type_ids[row, :length] = torch.tensor(w.token_type_ids)
    batch = {"input_ids": input_ids, "attention_mask": attention_mask}
    if windows[0].token_type_ids is not None:
        batch["token_type_ids"] = token_type_ids
    return batch


class NLIBackend:
    """A loaded NLI model that scores (premise, hypothesis) pairs."""

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        batch_size: int = 32,
        max_length: int = 256,
        device: str = "cpu",
        precision: str | None = None,
    ) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self._name = resolve_model(model)
        precision = precision or os.environ.get(PRECISION_ENV_VAR) or "auto"
        if precision not in PRECISIONS:
            raise VerifyError(f"unknown NLI precision '{precision}': choose one of {', '.join(PRECISIONS)}")
        self.batch_size = batch_size
        self.max_length = max_length
        self.device = torch.device(device)
        # bf16 where the hardware runs it natively: about twice as fast on such CPUs, with
        # probabilities within about 0.01 of fp32 (benchmarks/nli_speed.py measures both).
        self.bf16 = use_bf16(precision, self.device)
        if not Path(self._name).exists() and _looks_like_local_path(self._name):
            raise VerifyError(f"cannot load NLI model '{self._name}': no such directory")
        options = {"trust_remote_code": False, "local_files_only": _hub_offline()}
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(self._name, **options)
            # float32 weights whatever the checkpoint was stored in; bf16 is an autocast on top.
            self.model = AutoModelForSequenceClassification.from_pretrained(self._name, dtype=torch.float32, **options)
            self.labels = _label_order(self.model.config.id2label)
        except Exception as error:
            raise VerifyError(f"cannot load NLI model '{self._name}': {_short_reason(error)}") from None
        self.model.to(self.device).eval()
        positions = getattr(self.model.config, "max_position_embeddings", self.tokenizer.model_max_length)
        self._longest_window = min(positions, self.tokenizer.model_max_length)

    @property
    def name(self) -> str:
        return self._name

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NLIScores]:
        """Probabilities for each (premise, hypothesis), in input order."""
        if not pairs:
            return []
        windows = encode_pairs(self.tokenizer, pairs, self.max_length, self._longest_window)
        # Length-sorted batches keep padding (and wasted compute) small.
        order = sorted(range(len(windows)), key=lambda i: (len(windows[i].input_ids), i))
        probabilities = torch.empty((len(windows), len(self.labels)))
        with torch.inference_mode(), autocast(self.device, self.bf16):
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                batch = _padded_batch([windows[i] for i in chunk], self.tokenizer.pad_token_id)
                logits = self.model(**{k: v.to(self.device) for k, v in batch.items()}).logits
                probabilities[chunk] = logits.float().softmax(dim=-1).cpu()

        columns = [self.labels.index(name) for name in NLI_LABELS]
        by_label = probabilities[:, columns].tolist()  # entailment, neutral, contradiction
        best: dict[int, list[float]] = {}
        for window, (entailment, neutral, contradiction) in zip(windows, by_label):
            current = best.get(window.pair_index)
            if current is None or max(entailment, contradiction) > max(current[0], current[2]):
                best[window.pair_index] = [entailment, neutral, contradiction]
        return [NLIScores(*best[index]) for index in range(len(pairs))]


@functools.lru_cache(maxsize=4)
def _load_resolved(name: str) -> NLIBackend:
    return NLIBackend(name)


def load_backend(model: str | Path | None = None) -> NLIBackend:
    """The NLI backend for `model`, loaded once per process."""
    return _load_resolved(resolve_model(model))
