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

import pytest

from conftest import BUNDLED_ARTICLE, REPO, SHIPPED_PRECISION
from verify.models import DEFAULT_NLI_MODEL_DIR, SHIPPED, has_weights, model_info, shipped_model

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not all(has_weights(shipped_model(name)) for name in SHIPPED),
        reason="the shipped model weights are absent",
    ),
]


def test_a_wheel_installed_outside_the_checkout_reports(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(REPO)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("verify_news-*.whl")

    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    site_packages = next((env_dir / "lib").glob("python*/site-packages"))
    # The dependencies come from the test's own environment as a plain path entry: its .pth files
    # (the editable install of the checkout among them) are not processed there.
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(env_dir / "bin" / "python"),
            "install",
            "-q",
            "--no-deps",
            str(wheel),
        ],
        check=True,
    )

    article = tmp_path / "article.txt"
    article.write_text(BUNDLED_ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    environment = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": ""}
    environment.pop("VERIFY_MODELS", None)
    environment.pop("VERIFY_NLI_MODEL", None)
    where = subprocess.run(
        [
            str(env_dir / "bin" / "python"),
            "-c",
            "import verify; from verify.models import resolve_nli_model; print(verify.__file__, resolve_nli_model())",
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
        [str(env_dir / "bin" / "verify"), "report", str(article), "--format", "json"],
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
