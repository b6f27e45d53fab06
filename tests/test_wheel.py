"""A built wheel, installed in a fresh virtual environment outside the checkout, reports on an article
with the models it carries (no path into the checkout, no hub)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from dataclasses import asdict, replace
from pathlib import Path

import pytest

from conftest import BUNDLED_ARTICLE, REPO, SHIPPED_PRECISION
from verify.runtime.bases import MPNET_INSTALL
from verify.runtime.models import (
    DEFAULT_NLI_MODEL_DIR,
    NLI_SMALL_MODEL,
    SHIPPED,
    has_weights,
    model_info,
    shipped_model,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not all(has_weights(shipped_model(name)) for name in SHIPPED),
        reason="the shipped model weights are absent",
    ),
]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        cwd=wheels,
    )
    (built,) = wheels.glob("verify_news-*.whl")
    return built


def installed(wheel: Path, where: Path, dependencies: Path) -> tuple[Path, Path]:
    """A fresh virtual environment at `where` with the wheel installed and `dependencies` (a folder of installed
    packages) as a plain path entry: its .pth files (the editable install of the checkout among them) are not
    processed there. Returns its bin folder and its site-packages."""
    venv.EnvBuilder(with_pip=False).create(where)
    site_packages = next((where / "lib").glob("python*/site-packages"))
    (site_packages / "dependencies.pth").write_text(f"{dependencies}\n")
    python = where / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)], check=True
    )
    return where / "bin", site_packages


def outside_the_checkout(**variables: str) -> dict[str, str]:
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": "", **variables}
    environment.pop("VERIFY_MODELS", None)
    environment.pop("VERIFY_NLI_MODEL", None)
    return environment


def test_a_wheel_installed_outside_the_checkout_reports(wheel, tmp_path):
    bin, site_packages = installed(wheel, tmp_path / "env", Path(sysconfig.get_paths()["purelib"]))
    article = tmp_path / "article.txt"
    article.write_text(BUNDLED_ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    environment = outside_the_checkout()
    where = subprocess.run(
        [
            str(bin / "python"),
            "-c",
            "import verify; from verify.runtime.models import resolve_nli_model; "
            "print(verify.__file__, resolve_nli_model())",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=environment,
    ).stdout
    package, model = where.split()
    assert str(site_packages) in package and str(site_packages) in model and str(REPO) not in where

    result = subprocess.run(
        [str(bin / "verify"), "report", str(article), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["stats"]["claims"] >= 20
    assert any(relation["label"] == "contradiction" for relation in report["relations"])
    # The wheel's copy of the default model: the same weights as the checkout's, named without a path.
    screen = replace(model_info(str(shipped_model("verify-nli-minilm-l6"))), precision=SHIPPED_PRECISION)
    shipped = replace(model_info(str(DEFAULT_NLI_MODEL_DIR)), precision=SHIPPED_PRECISION, screen=screen)
    assert report["model"] == asdict(shipped)


def test_the_wheel_alone_reports_with_the_small_model_it_ships_and_names_the_defaults_base(wheel, tmp_path):
    # The dependencies without the default model's base: the wheel and what pip installs with it, nothing else.
    dependencies = tmp_path / "dependencies"
    dependencies.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.lower().startswith(("all-mpnet", "all_mpnet", "verify", "__editable__")):
            (dependencies / entry.name).symlink_to(entry)
    bin, _ = installed(wheel, tmp_path / "env", dependencies)
    cache = tmp_path / "cache"  # where the base would be reassembled: it must stay empty
    cache.mkdir()
    environment = outside_the_checkout(VERIFY_CACHE=str(cache))
    article = tmp_path / "article.txt"
    article.write_text(BUNDLED_ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")

    def verify(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(bin / "verify"), *args], capture_output=True, text=True, cwd=tmp_path, env=environment
        )

    small = verify("report", str(article), "--model", NLI_SMALL_MODEL, "--format", "json")
    assert small.returncode == 0, small.stderr[-2000:]
    report = json.loads(small.stdout)
    assert report["stats"]["claims"] >= 20 and report["model"]["name"] == NLI_SMALL_MODEL
    assert not any(cache.iterdir())

    default = verify("report", str(article))
    assert default.returncode == 2 and default.stdout == ""
    (line,) = default.stderr.splitlines()
    assert line.startswith("error: ") and MPNET_INSTALL in line and f"--model {NLI_SMALL_MODEL}" in line
    assert "make" not in line.split()
