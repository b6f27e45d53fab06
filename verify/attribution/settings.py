"""The attribution settings, which ship with the tagger model in its folder's one `settings.json`:

- "tagger": the windowing the tagger was trained with and its labels (`TaggerSettings`), written by
  `verify.training.attribution_tagger`, read by `AttributionTagger.load`;
- "attribution": how the product's attributor combines the tagger and the rules and groups the tagged spans
  into attributions (`HybridSettings` with its `GroupingSettings`), read by `HybridAttributor.load`;
- "about": how they were chosen, for whoever reads the file.

The defaults below are the shipped values, which a new checkpoint gets. No spaCy and no torch here: the
training script writes the file on a bare GPU machine.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from verify.errors import VerifyError
from verify.runtime.models import MODEL_SETTINGS_FILE, settings_sections

ABOUT = (
    "tagger: the windowing the tagger was trained with (windows of at most max_length tokens, a new one every "
    "stride tokens) and its labels, written by verify.training.attribution_tagger. attribution: how the product's "
    "attributor (verify.attribution.hybrid) combines the tagger with the dependency-parse rules, chosen on PolNeAR "
    "dev and the dev fixtures (docs/attribution.md). hint_bonus: on PolNeAR dev 0 to 1.0 are within 0.001 overlap "
    "F1 once anchors group the content; exact attribution F1 0.520 at 0, 0.524 at 0.5. window_overlap: windows end "
    "to end (every token seen once) scored as well on PolNeAR dev as the training's half-window overlap, at 60% of "
    "the time. narration_covered: dev fixture source and role accuracy were highest from 0.8 up (0.5: half a point "
    "lower). other_line_narration: on PolNeAR dev exact attribution F1 +0.024, overlap content F1 -0.002. "
    "grouping: how tagged spans are grouped into attributions (the gaps in characters, anchor_overlap a share of "
    "characters), chosen on PolNeAR dev."
)


@dataclass(frozen=True)
class TaggerSettings:
    """The windowing a tagger was trained with: windows of at most `max_length` tokens ([CLS] and [SEP] included),
    a new one every `stride` tokens; `labels`, its output labels in order."""

    max_length: int
    stride: int
    labels: tuple[str, ...]


@dataclass(frozen=True)
class GroupingSettings:
    """How tagged spans are grouped into attributions; character distances chosen on PolNeAR dev."""

    max_source_gap: int = 100  # between a cue and a source it shares with an earlier cue ("X said … and added …")
    max_complement_gap: int = 150  # between a cue and a complement ("that …") that goes to it, not the nearest cue
    anchor_overlap: float = 0.5  # share of the shorter of a content span and an anchor's content that must overlap


@dataclass(frozen=True)
class HybridSettings:
    """How the tagger and the rules are combined; chosen on PolNeAR dev and the dev fixtures."""

    # Added to the log-probability of the label the rules give a token (their cue, source, content)
    # before the tagger decodes. On PolNeAR dev 0 to 1.0 are within 0.001 overlap F1 once anchors group
    # the content; exact attribution F1 0.520 at 0, 0.524 at 0.5 (docs/attribution.md).
    hint_bonus: float = 0.5
    # Share of a tagger window that the next one overlaps. The tagger was trained with windows every
    # half window; windows end to end (every token seen once) scored as well on PolNeAR dev, at 60% of the time.
    window_overlap: float = 0.0
    # The rules' narration piece is dropped when attributed content covers this share of its characters; below
    # it the reporter's statement ("Tokayev has promised to take tough steps …") stays beside the attribution
    # inside it. Dev fixture source and role accuracy were highest from 0.8 up (0.5: half a point lower).
    narration_covered: float = 0.8
    # A piece of tagged content on another line than its cue is dropped when the rules' narration covers this
    # share of it: on PolNeAR dev exact attribution F1 +0.024, overlap content F1 -0.002.
    other_line_narration: float = 0.5
    grouping: GroupingSettings = field(default_factory=GroupingSettings)


def read_tagger_settings(folder: Path) -> TaggerSettings:
    """The "tagger" section of the folder's settings file."""
    path = Path(folder) / MODEL_SETTINGS_FILE
    return _settings(TaggerSettings, _section(path, "tagger"), "tagger", path)


def read_attribution_settings(folder: Path) -> HybridSettings:
    """The "attribution" section of the folder's settings file."""
    path = Path(folder) / MODEL_SETTINGS_FILE
    return _settings(HybridSettings, _section(path, "attribution"), "attribution", path)


def write_settings(folder: Path, tagger: TaggerSettings) -> None:
    """Write the folder's settings file with `tagger`, keeping the "attribution" section of the one there (a
    retrained tagger keeps the product's settings until they are chosen again), else with the defaults."""
    path = Path(folder) / MODEL_SETTINGS_FILE
    earlier = _sections(path) if path.is_file() else {}
    attribution = HybridSettings()
    if "attribution" in earlier:
        attribution = _settings(HybridSettings, earlier["attribution"], "attribution", path)
    sections = {"about": earlier.get("about", ABOUT), "tagger": asdict(tagger), "attribution": asdict(attribution)}
    path.write_text(json.dumps(sections, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _sections(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise VerifyError(f"{path.parent} is not an attribution tagger checkpoint (no {MODEL_SETTINGS_FILE})")
    return settings_sections(path, ("about", "tagger", "attribution"))


def _section(path: Path, name: str) -> Any:
    sections = _sections(path)
    if name not in sections:
        raise VerifyError(f"{path}: no '{name}' section")
    return sections[name]


Settings = TypeVar("Settings", TaggerSettings, GroupingSettings, HybridSettings)
_TYPE_NAMES = {float: "a number", int: "a whole number", tuple[str, ...]: "a list of strings"}


def _settings(kind: type[Settings], values: Any, name: str, path: Path) -> Settings:
    """The settings of `kind` from the JSON object `values` (`name` in the file): every key known, none missing,
    each of its type."""
    if not isinstance(values, dict):
        raise VerifyError(f"{path}: '{name}' is not a JSON object")
    types = get_type_hints(kind)
    unknown = [key for key in values if key not in types]
    missing = [key for key in types if key not in values]
    if unknown or missing:
        problem = f"unknown key '{unknown[0]}'" if unknown else f"no '{missing[0]}'"
        raise VerifyError(f"{path}: {problem} in '{name}' (its keys are {', '.join(types)})")
    return kind(**{key: _value(types[key], values[key], f"{name}.{key}", path) for key in types})


def _value(kind: Any, value: Any, name: str, path: Path) -> Any:
    if kind is GroupingSettings:
        return _settings(GroupingSettings, value, name, path)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is float and number:
        return float(value)
    if kind is int and number and isinstance(value, int):
        return value
    if kind == tuple[str, ...] and isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise VerifyError(f"{path}: '{name}' is {json.dumps(value)}, not {_TYPE_NAMES[kind]}")
