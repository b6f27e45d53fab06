"""The attribution settings ship with the tagger model in one settings.json: its "tagger" section is read by the
tagger, its "attribution" section by the product's attributor, and anything unknown or missing is one line that
names the file."""

import json
from dataclasses import FrozenInstanceError, asdict

import pytest

from verify.attribution.hybrid import HybridAttributor
from verify.attribution.settings import (
    GroupingSettings,
    HybridSettings,
    TaggerSettings,
    read_attribution_settings,
    read_tagger_settings,
    write_settings,
)
from verify.attribution.tagger import DEFAULT_TAGGER_DIR, LABELS, AttributionTagger
from verify.errors import VerifyError
from verify.runtime.models import MODEL_SETTINGS_FILE


def test_the_shipped_settings_are_the_defaults():
    """A new checkpoint gets the defaults and the tagger alone groups with them: they are the shipped values."""
    assert read_tagger_settings(DEFAULT_TAGGER_DIR) == TaggerSettings(max_length=256, stride=128, labels=LABELS)
    assert read_attribution_settings(DEFAULT_TAGGER_DIR) == HybridSettings()
    assert not (DEFAULT_TAGGER_DIR / "tagger.json").exists()


def test_settings_are_frozen():
    with pytest.raises(FrozenInstanceError):
        HybridSettings().hint_bonus = 1.0  # type: ignore[misc]


def test_a_new_checkpoint_gets_the_defaults_and_a_retrained_one_keeps_its_attribution_settings(tmp_path):
    write_settings(tmp_path, TaggerSettings(64, 32, LABELS))
    written = json.loads((tmp_path / MODEL_SETTINGS_FILE).read_text())
    assert written["tagger"] == {"max_length": 64, "stride": 32, "labels": list(LABELS)}
    assert written["attribution"] == asdict(HybridSettings()) and written["about"]
    written["attribution"]["hint_bonus"] = 1
    written["attribution"]["grouping"]["max_source_gap"] = 80
    (tmp_path / MODEL_SETTINGS_FILE).write_text(json.dumps(written))
    write_settings(tmp_path, TaggerSettings(128, 64, LABELS))
    assert read_tagger_settings(tmp_path) == TaggerSettings(128, 64, LABELS)
    chosen = HybridSettings(hint_bonus=1.0, grouping=GroupingSettings(max_source_gap=80))
    assert read_attribution_settings(tmp_path) == chosen


def test_the_hybrid_reads_the_attribution_settings_beside_its_tagger(tmp_path, monkeypatch):
    write_settings(tmp_path, TaggerSettings(64, 32, LABELS))
    written = json.loads((tmp_path / MODEL_SETTINGS_FILE).read_text())
    written["attribution"]["narration_covered"] = 0.6
    (tmp_path / MODEL_SETTINGS_FILE).write_text(json.dumps(written))
    monkeypatch.setattr(AttributionTagger, "load", classmethod(lambda cls, path, device="cpu": path))
    hybrid = HybridAttributor.load(tmp_path)
    assert hybrid.tagger == tmp_path and hybrid.settings == HybridSettings(narration_covered=0.6)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda sections: sections.update(hybrid={}), "unknown section 'hybrid'"),
        (lambda sections: sections["tagger"].update(window=3), "unknown key 'window' in 'tagger'"),
        (lambda sections: sections["tagger"].pop("labels"), "no 'labels' in 'tagger'"),
        (lambda sections: sections["tagger"].update(stride=1.5), "'tagger.stride' is 1.5, not a whole number"),
        (lambda sections: sections["attribution"].update(bonus=1), "unknown key 'bonus' in 'attribution'"),
        (lambda sections: sections["attribution"].pop("hint_bonus"), "no 'hint_bonus' in 'attribution'"),
        (
            lambda sections: sections["attribution"]["grouping"].update(gap=1),
            "unknown key 'gap' in 'attribution.grouping'",
        ),
        (lambda sections: sections["attribution"].update(hint_bonus="high"), "'attribution.hint_bonus' is \"high\""),
        (lambda sections: sections.pop("attribution"), "no 'attribution' section"),
    ],
)
def test_an_unknown_or_missing_setting_is_one_line_naming_the_file(tmp_path, change, message):
    write_settings(tmp_path, TaggerSettings(64, 32, LABELS))
    sections = json.loads((tmp_path / MODEL_SETTINGS_FILE).read_text())
    change(sections)
    (tmp_path / MODEL_SETTINGS_FILE).write_text(json.dumps(sections))
    with pytest.raises(VerifyError) as raised:
        read_tagger_settings(tmp_path)
        read_attribution_settings(tmp_path)
    error = str(raised.value)
    assert error.startswith(f"{tmp_path / MODEL_SETTINGS_FILE}: ") and message in error and "\n" not in error


def test_a_folder_without_settings_is_no_tagger_checkpoint(tmp_path):
    with pytest.raises(VerifyError, match="no settings.json"):
        AttributionTagger.load(tmp_path)


def test_a_tagger_with_other_labels_is_refused_before_it_loads(tmp_path):
    write_settings(tmp_path, TaggerSettings(64, 32, tuple(reversed(LABELS))))
    with pytest.raises(VerifyError, match="labels"):
        AttributionTagger.load(tmp_path)
