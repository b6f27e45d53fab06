"""Writing the user's --out file: checked before any work, never clobbering, never half-written.

The content goes to a temporary file that `tempfile.mkstemp` creates in the target folder (O_EXCL,
a random name, so a planted file or symlink is never followed), is flushed to disk, and only then
takes the target's name:
- without --force by `os.link`, which fails if the name exists at that moment, so a file created
  while verify was working is never replaced (no window between a check and a rename);
- with --force by `os.replace`, which replaces a symlink itself, never the file it points to.
On any failure the temporary file is removed and the user gets one line.

An --out of JSON lines, one per article (`verify report --format jsonl`), is appended to instead, a line at
a time, so that a rerun of the same command resumes where a crash or `kill -9` stopped it (`AppendedLines`):
- each line is written whole in one append and flushed to disk (fsync) before the next article;
- a rerun reads the ids of the lines already there and skips those articles, so no id is written twice;
- a last line without its newline (a write cut short by a kill) is cut off before appending, and the cut
  is logged; a line that is not a result line of verify (another file given as --out) is refused;
- the file is locked while a run appends to it, never followed if it is a symlink, and a failed write
  (a full disk) is truncated back to the last whole line.

Standard output is checked before any work too (`require_stdout`: closed), and a write to it that fails (a
full disk, a reader that stopped reading) is one line (`write_stdout`), as for --out.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from verify.errors import VerifyError

logger = logging.getLogger("verify")


def check_destination(path: Path, force: bool) -> None:
    """Everything that can be known before the work: the folder, and whether the name is free."""
    check_folder(path)
    if os.path.lexists(path) and not force:
        raise VerifyError(f"{path}: already exists (use --force to replace it)")


def check_folder(path: Path) -> None:
    """`path` names a file (not a folder) in a folder that exists and takes new files."""
    folder = path.parent
    if not folder.is_dir():
        raise VerifyError(f"{folder}: no such directory")
    if path.is_dir():
        raise VerifyError(f"{path}: is a directory")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise VerifyError(f"{folder}: not writable")


def check_folder_for_files(folder: Path, force: bool) -> None:
    """`folder` can take a command's files (before any work): it is a new folder in a writable one, an empty
    folder, or, with `force`, a folder whose files of the same names may be replaced."""
    if os.path.lexists(folder) and not folder.is_dir():
        raise VerifyError(f"{folder}: exists and is not a directory")
    if folder.is_dir():
        if any(folder.iterdir()) and not force:
            raise VerifyError(f"{folder}: is not empty (use --force to replace its files)")
        check_folder(folder / "corpus.json")
        return
    check_folder(folder)


def write_file(path: Path, content: str | Iterable[str], force: bool) -> None:
    """Write `content` (UTF-8; a text, or its pieces one after another) to `path` as described in the module
    docstring."""
    check_destination(path, force)
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise VerifyError(f"{path.parent}: cannot write ({error.strerror})") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for piece in [content] if isinstance(content, str) else content:
                handle.write(piece.encode("utf-8"))
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


def require_stdout() -> None:
    """Standard output is open: a report written to a closed one would be lost without a word. (Python starts
    with sys.stdout None when its descriptor is closed.)"""
    if sys.stdout is None:
        raise VerifyError("standard output is closed: nothing would be written (use --out FILE)")


def write_stdout(text: str) -> None:
    """Write `text` to standard output and flush it, so that a failure is known here, as one line."""
    require_stdout()
    assert sys.stdout is not None  # for mypy: require_stdout raised otherwise
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as error:
        # What is still buffered could not be written either: drop it, or Python's exit would flush it again
        # and print a traceback ("Exception ignored ... BrokenPipeError").
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        reason = "the reader closed the pipe" if isinstance(error, BrokenPipeError) else error.strerror or error
        raise VerifyError(f"standard output: cannot write ({reason})") from None


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
            shutil.copyfileobj(source, target)
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


class AppendedLines:
    """An --out file of JSON lines, one per article, appended to a line at a time and resumed by a rerun (the
    module docstring says how). `finished`: the ids of the lines already there, `failed` those of them that
    are error lines; `cut`: the bytes of an unfinished last line cut off on opening. Use it as a context
    manager: leaving it releases the file."""

    def __init__(self, path: Path, force: bool) -> None:
        check_folder(path)
        self.path = path
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            self.descriptor = os.open(path, flags, 0o666)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise VerifyError(f"{path}: is a symbolic link; not appending through it") from None
            raise VerifyError(f"{path}: cannot open ({error.strerror})") from None
        try:
            if not stat.S_ISREG(os.fstat(self.descriptor).st_mode):
                raise VerifyError(f"{path}: not a regular file: lines are appended to a file")
            self._lock()
            if force:
                os.ftruncate(self.descriptor, 0)
            self.finished, self.failed, self.cut = self._resume()
            _sync_folder(path.parent)  # the name of a file just created, durable too
        except BaseException:
            os.close(self.descriptor)
            raise

    def _lock(self) -> None:
        try:
            fcntl.flock(self.descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise VerifyError(f"{self.path}: another verify run is appending to it") from None

    def _resume(self) -> tuple[set[str], set[str], int]:
        """The ids of the whole lines already written, and of the error lines among them; an unfinished last
        line cut off."""
        finished: set[str] = set()
        failed: set[str] = set()
        whole = 0  # bytes of the whole lines
        with os.fdopen(os.dup(self.descriptor), "rb") as lines:
            for number, line in enumerate(lines, 1):
                if not line.endswith(b"\n"):
                    break
                result = _result(line, f"{self.path}:{number}")
                finished.add(result["id"])
                if "error" in result:
                    failed.add(result["id"])
                whole += len(line)
        cut = os.fstat(self.descriptor).st_size - whole
        if cut:
            os.ftruncate(self.descriptor, whole)
            os.fsync(self.descriptor)
            logger.warning("%s: cut an unfinished last line (%d bytes) left by an interrupted run", self.path, cut)
        return finished, failed, cut

    def append(self, line: str) -> None:
        """Write `line` and its newline at the end of the file, and flush it to disk."""
        data = (line + "\n").encode("utf-8")
        size = os.fstat(self.descriptor).st_size
        try:
            written = 0
            while written < len(data):
                written += os.write(self.descriptor, data[written:])
            os.fsync(self.descriptor)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.ftruncate(self.descriptor, size)  # never half a line
            raise VerifyError(f"{self.path}: cannot write ({error.strerror or error})") from None

    def __enter__(self) -> AppendedLines:
        return self

    def __exit__(self, *exception: object) -> None:
        os.close(self.descriptor)


def _result(line: bytes, where: str) -> dict:
    """A result line, a JSON object with a string "id"; anything else means --out names some other file."""
    try:
        result = json.loads(line)
    except ValueError:
        result = None
    if not (isinstance(result, dict) and isinstance(result.get("id"), str)):
        raise VerifyError(f"{where}: not a result line of verify: not appending (use --force to start afresh)")
    return result
