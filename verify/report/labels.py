"""The names of a claim's verdict in each vocabulary, for the renderers and the evaluation alike.

A verdict is decided as an NLI label (`ClaimVerdict.label`); it is written in NLI's names or in
FEVER's (Thorne et al. 2018, the names fact-checking datasets use), and read in words.
"""

from __future__ import annotations

from typing import Literal

from verify.datamodel import NLI_LABELS, NLILabel

LabelVocabulary = Literal["nli", "fever"]
FEVER_NAMES: dict[NLILabel, str] = {
    "entailment": "SUPPORTS",
    "contradiction": "REFUTES",
    "neutral": "NOT ENOUGH INFO",
}
VOCABULARIES: dict[LabelVocabulary, dict[NLILabel, str]] = {
    "nli": {label: label for label in NLI_LABELS},
    "fever": FEVER_NAMES,
}
# In words: how `verify evaluate`'s check task names the labels in its metrics.
VERDICT_NAMES: dict[NLILabel, str] = {
    "entailment": "supported",
    "contradiction": "refuted",
    "neutral": "not enough info",
}


def verdict_label(label: NLILabel, vocabulary: LabelVocabulary = "nli") -> str:
    """`label` in `vocabulary`'s names."""
    return VOCABULARIES[vocabulary][label]
