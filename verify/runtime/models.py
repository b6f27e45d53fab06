"""Where the shipped models are: one resolver for every stage.

The repository keeps them in `models/`; the built package maps that folder to the package
`verify.shipped_models` (setuptools `package-dir`), so a wheel installed anywhere carries them
and an editable install finds them in the checkout. `$VERIFY_MODELS` points elsewhere (a
folder with the same layout), e.g. for models kept outside the package.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from verify.datamodel import ModelInfo
from verify.errors import VerifyError
from verify.runtime.bases import require_base, sha256_of

MODELS_ENV_VAR = "VERIFY_MODELS"
NLI_MODEL = "verify-nli-mpnet"  # the default: a LoRA adapter on all-mpnet-base-v2 (verify.runtime.bases)
NLI_SMALL_MODEL = "verify-nli-minilm-l6"  # about 5 times faster, less accurate
TAGGER_MODEL = "verify-attribution-tagger"
SHIPPED = (NLI_MODEL, NLI_SMALL_MODEL, TAGGER_MODEL)
NLI_MODEL_ENV_VAR = "VERIFY_NLI_MODEL"
# A LoRA model's files, as peft writes them (verify.training.export ships them, verify.runtime.nli loads them).
ADAPTER_WEIGHTS = "adapter_model.safetensors"
ADAPTER_CONFIG = "adapter_config.json"
# The one file of settings a model folder carries beside its weights, in sections each model kind names (the NLI
# models': `verify.check.settings`; the tagger's: `verify.attribution.settings`).
MODEL_SETTINGS_FILE = "settings.json"
# The files that hold a model's weights: a full checkpoint's, or a LoRA adapter's with its head.
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", ADAPTER_WEIGHTS)


def shipped_models_dir() -> Path:
    """$VERIFY_MODELS, else the `verify.shipped_models` package folder, else the checkout's models/
    (a checkout used through PYTHONPATH without installing it, as on the GPU machine)."""
    if os.environ.get(MODELS_ENV_VAR):
        return Path(os.environ[MODELS_ENV_VAR]).expanduser()
    try:
        return Path(str(resources.files("verify.shipped_models")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "models"


def shipped_model(name: str) -> Path:
    """The folder of one shipped model (it may be absent in a checkout without the weights)."""
    return shipped_models_dir() / name


DEFAULT_NLI_MODEL_DIR = shipped_model(NLI_MODEL)


def resolve_nli_model(model: str | Path | None = None) -> str:
    """Explicit argument, else $VERIFY_NLI_MODEL, else the model shipped with verify.

    An existing folder is used as it is; a shipped model's name ("models/verify-nli-minilm-l6")
    is the shipped folder wherever verify is installed; anything else that reads as a path is
    refused before loading, so a local path is never sent to the hub.
    """
    chosen = str(model or os.environ.get(NLI_MODEL_ENV_VAR) or DEFAULT_NLI_MODEL_DIR)
    local = Path(chosen).expanduser()
    if local.exists():
        return _with_its_base(local.resolve())
    shipped = shipped_name(chosen)
    if shipped:
        return _with_its_base(shipped_model(shipped))
    if looks_like_local_path(chosen):
        raise VerifyError(f"cannot load NLI model '{chosen}': no such directory")
    return chosen


def _with_its_base(directory: Path) -> str:
    """A model folder whose weights can load: a LoRA adapter's base must be there (`verify.runtime.bases`); the small
    model the package ships needs none."""
    config = directory / ADAPTER_CONFIG
    if config.is_file():
        try:
            require_base(json.loads(config.read_text())["base_model_name_or_path"])
        except VerifyError as error:
            raise VerifyError(f"{error}; or use the small model verify ships: --model {NLI_SMALL_MODEL}") from None
    return str(directory)


def looks_like_local_path(name: str) -> bool:
    # Hub ids are "name" or "owner/name"; anything else with a separator is a path, and so is
    # "dir/name" where dir is a folder here ("models/my-run").
    if name.startswith((".", "~", "/")) or name.count("/") > 1 or "\\" in name:
        return True
    return "/" in name and Path(name.split("/")[0]).is_dir()


def weight_files(directory: Path) -> list[Path]:
    """The weight files a model folder holds (WEIGHT_FILES), in name order."""
    return sorted(directory / name for name in WEIGHT_FILES if (directory / name).is_file())


def has_weights(directory: Path) -> bool:
    """Whether a model folder holds weights: a full checkpoint, or a LoRA adapter on a verify.runtime.bases base."""
    return bool(weight_files(directory))


def model_info(resolved: str) -> ModelInfo:
    """The name and content hash of a model `resolve_nli_model` returned: a local folder is named by its
    folder name, a hub model by its name; the sha256 is over its weight files (for a hub model, those of
    the snapshot in the local Hugging Face cache). A LoRA adapter's base is not hashed here: verify.runtime.bases
    checks it against its published sha256."""
    local = Path(resolved)
    if local.is_dir():
        name, directory = local.name, local
    else:
        from huggingface_hub import snapshot_download

        name, directory = resolved, Path(snapshot_download(resolved, local_files_only=True))
    files = weight_files(directory)
    return ModelInfo(name, sha256_of(*files) if files else None)


def shipped_name(reference: str) -> str | None:
    """The shipped model a reference names ("verify-nli-minilm-l6", "models/verify-nli-minilm-l6"), if any."""
    name = Path(reference).name
    return name if name in SHIPPED and Path(reference).parent.name in ("", "models") else None


@contextmanager
def quiet_loading() -> Iterator[None]:
    """Load models without printing: no weight-loading bars, no notices about weights a head
    brings itself, no deprecation warnings. Errors still raise. Every loader in verify uses it, so
    the library prints nothing by default; the previous settings come back afterwards."""
    from transformers.utils import logging as transformers_logging

    verbosity, bars = transformers_logging.get_verbosity(), transformers_logging.is_progress_bar_enabled()
    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            yield
    finally:
        transformers_logging.set_verbosity(verbosity)
        if bars:
            transformers_logging.enable_progress_bar()


def settings_sections(path: Path, known: tuple[str, ...]) -> dict:
    """A model's settings file read as its sections: a file that is not JSON, not an object, or holds a section not
    in `known` is one line naming it."""
    try:
        sections = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise VerifyError(f"{path}: not JSON ({error.msg}, line {error.lineno})") from None
    if not isinstance(sections, dict):
        raise VerifyError(f"{path}: not a JSON object of sections")
    unknown = [name for name in sections if name not in known]
    if unknown:
        names = ", ".join(known[:-1]) + f" and {known[-1]}"
        raise VerifyError(f"{path}: unknown section '{unknown[0]}' (the sections are {names})")
    return sections
