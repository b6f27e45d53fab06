"""Writing the user's --out file: checked before any work, never clobbering, never half-written.

The content goes to a temporary file that `tempfile.mkstemp` creates in the target folder (O_EXCL,
a random name, so a planted file or symlink is never followed), is flushed to disk, and only then
takes the target's name:
- without --force by `os.link`, which fails if the name exists at that moment, so a file created
  while verify was working is never replaced (no window between a check and a rename);
- with --force by `os.replace`, which replaces a symlink itself, never the file it points to.
On any failure the temporary file is removed and the user gets one line.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from verify.errors import VerifyError


def check_destination(path: Path, force: bool) -> None:
    """Everything that can be known before the work: the folder, and whether the name is free."""
    folder = path.parent
    if not folder.is_dir():
        raise VerifyError(f"{folder}: no such directory")
    if os.path.lexists(path):
        if path.is_dir():
            raise VerifyError(f"{path}: is a directory")
        if not force:
            raise VerifyError(f"{path}: already exists (use --force to replace it)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise VerifyError(f"{folder}: not writable")


def write_file(path: Path, content: str, force: bool) -> None:
    """Write `content` (UTF-8) to `path` as described in the module docstring."""
    check_destination(path, force)
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise VerifyError(f"{path.parent}: cannot write ({error.strerror})") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 would surprise whoever reads the report
        if force:
            os.replace(temporary, path)
        else:
            _link_without_replacing(temporary, path)
        _sync_folder(path.parent)
    except FileExistsError:
        raise VerifyError(f"{path}: created by something else while verify was working; not replaced") from None
    except OSError as error:
        raise VerifyError(f"{path}: cannot write ({error.strerror or error})") from None
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _link_without_replacing(temporary: str, path: Path) -> None:
    try:
        os.link(temporary, path, follow_symlinks=False)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # A file system without hard links: create the name exclusively and copy (not atomic,
        # but it still never replaces or follows anything).
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with open(temporary, "rb") as source, os.fdopen(os.open(path, flags, 0o666), "wb") as target:
            target.write(source.read())
            target.flush()
            os.fsync(target.fileno())


def _sync_folder(folder: Path) -> None:
    """Make the new name durable too (best effort: not every platform can open a folder)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
