"""Where the shipped models are: one resolver for every stage.

The repository keeps them in `models/`; the built package maps that folder to the package
`verify.shipped_models` (setuptools `package-dir`), so a wheel installed anywhere carries them
and an editable install finds them in the checkout. `$VERIFY_MODELS` points elsewhere (a
folder with the same layout), e.g. for models kept outside the package.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

MODELS_ENV_VAR = "VERIFY_MODELS"
NLI_MODEL = "verify-nli-minilm-l6"
TAGGER_MODEL = "verify-attribution-tagger"
SHIPPED = (NLI_MODEL, TAGGER_MODEL)


def shipped_models_dir() -> Path:
    """$VERIFY_MODELS, else the `verify.shipped_models` package folder."""
    if os.environ.get(MODELS_ENV_VAR):
        return Path(os.environ[MODELS_ENV_VAR]).expanduser()
    return Path(str(resources.files("verify.shipped_models")))


def shipped_model(name: str) -> Path:
    """The folder of one shipped model (it may be absent in a checkout without the weights)."""
    return shipped_models_dir() / name


def shipped_name(reference: str) -> str | None:
    """The shipped model a reference names ("verify-nli-minilm-l6", "models/verify-nli-minilm-l6"), if any."""
    name = Path(reference).name
    return name if name in SHIPPED and Path(reference).parent.name in ("", "models") else None
