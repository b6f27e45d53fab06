"""--out: checked before the work, never clobbering, never half-written (verify/io/output.py)."""

from __future__ import annotations

import errno
import os

import pytest

from verify.errors import VerifyError
from verify.io.output import check_destination, write_file

REPORT = "CONTRADICTIONS\n  The president said five planes were seized at Almaty's airport.\n"


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_new_file_is_written_whole_with_ordinary_permissions(tmp_path):
    out = tmp_path / "report.txt"
    write_file(out, REPORT, force=False)
    assert out.read_text(encoding="utf-8") == REPORT
    umask = os.umask(0o022)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("force", [False, True])
def test_an_existing_file_is_replaced_only_with_force(tmp_path, force):
    out = tmp_path / "report.txt"
    out.write_text("the fact-checker's notes")
    if force:
        write_file(out, REPORT, force=True)
        assert out.read_text(encoding="utf-8") == REPORT
    else:
        with pytest.raises(VerifyError, match="already exists"):
            write_file(out, REPORT, force=False)
        assert out.read_text() == "the fact-checker's notes"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("dangling", [False, True])
def test_a_symlink_at_the_target_is_never_followed(tmp_path, dangling):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    victim = elsewhere / "passwords.txt"
    if not dangling:
        victim.write_text("keep me")
    out = tmp_path / "report.txt"
    out.symlink_to(victim)
    with pytest.raises(VerifyError, match="already exists"):
        write_file(out, REPORT, force=False)
    write_file(out, REPORT, force=True)
    assert not out.is_symlink() and out.read_text(encoding="utf-8") == REPORT
    assert (victim.read_text() == "keep me") if not dangling else not victim.exists()


def test_a_file_created_while_verify_works_is_not_replaced(tmp_path, monkeypatch):
    out = tmp_path / "report.txt"
    real_fsync = os.fsync

    def someone_else_writes(descriptor):
        real_fsync(descriptor)
        if not out.exists():
            out.write_text("written by another program meanwhile")

    monkeypatch.setattr(os, "fsync", someone_else_writes)
    with pytest.raises(VerifyError, match="while verify was working; not replaced"):
        write_file(out, REPORT, force=False)
    assert out.read_text() == "written by another program meanwhile"
    assert leftovers(tmp_path) == []


def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path, monkeypatch):
    def disk_full(descriptor):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", disk_full)
    out = tmp_path / "report.txt"
    with pytest.raises(VerifyError, match="No space left on device") as raised:
        write_file(out, REPORT, force=False)
    assert "\n" not in str(raised.value)
    assert not out.exists() and leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("make", "force", "message"),
    [
        (lambda tmp: tmp / "no-such-folder" / "report.json", False, "no such directory"),
        (lambda tmp: tmp, True, "is a directory"),
        (lambda tmp: tmp / "report.json", False, None),
    ],
)
def test_the_destination_is_checked_before_any_work(tmp_path, make, force, message):
    if message is None:
        check_destination(make(tmp_path), force)
        return
    with pytest.raises(VerifyError, match=message):
        check_destination(make(tmp_path), force)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused_before_the_work(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(VerifyError, match="not writable"):
            check_destination(folder / "report.json", False)
    finally:
        folder.chmod(0o755)
