"""The demo notebook runs top to bottom, so it cannot rot."""

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import REPO
from verify.runtime.models import DEFAULT_NLI_MODEL_DIR, has_weights

NOTEBOOK = REPO / "notebooks" / "verify_demo.ipynb"


@pytest.mark.skipif(not has_weights(DEFAULT_NLI_MODEL_DIR), reason="the shipped NLI model is absent")
def test_demo_notebook_executes():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    ).execute()
    outputs = "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))
    assert "Kassym-Jomart Tokayev (president)" in outputs
