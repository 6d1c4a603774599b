"""Writing a report file: atomically, only as a regular file, and without leaving temporary files behind.

Reports are often written by unattended jobs into shared folders, so ``-o PATH`` must never write through a
symbolic link, into a device or a FIFO (which could block the run forever), or over a folder; nor leave a
half-written report or a stray temporary file when the run is interrupted or killed.
"""

from __future__ import annotations

import io
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from comet_cn.errors import InputError

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: temporaries are then never taken for stale
    fcntl = None  # type: ignore[assignment]

__all__ = ["TEMPORARY_MARK", "atomic_output"]

#: Between the target's name and the random part in a temporary file's name: ``.<name>.cn-tmp-<random>``.
TEMPORARY_MARK = ".cn-tmp-"
# tempfile's random part: eight of these characters.
_RANDOM = "[a-z0-9_]{8}"


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check_target(path: Path, shown: str) -> int | None:
    """Refuse a target that is not a regular file or whose folder cannot take the report; the existing file's
    permission bits, or None when there is no file yet."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise InputError(shown, f"cannot write the report ({error.strerror})") from None
    else:
        kind = _kind(status.st_mode)
        if kind is not None:
            raise InputError(shown, f"is {kind}; reports are written only to regular files")
        mode = stat.S_IMODE(status.st_mode) & 0o777  # the permission bits only: never setuid on a report
    folder = path.parent
    if not folder.is_dir():
        raise InputError(shown, "cannot write the report: its folder does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(shown, "cannot write the report: its folder is not writable")
    return mode


def _lock(descriptor: int, *, wait: bool) -> bool:
    """An exclusive lock, held while the temporary file is being written; the kernel drops it when the writer dies,
    even by SIGKILL, which is how a stale temporary is told from one being written right now."""
    if fcntl is None:  # pragma: no cover - Windows
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def _remove_stale(path: Path) -> None:
    """Remove temporaries of earlier writes to ``path`` whose writer is gone: only names of the exact pattern, only
    regular files owned by this user, only when nobody holds their lock."""
    pattern = re.compile(re.escape(f".{path.name}{TEMPORARY_MARK}") + _RANDOM)
    getuid = getattr(os, "getuid", None)
    try:
        entries = [entry.name for entry in os.scandir(path.parent) if pattern.fullmatch(entry.name)]
    except OSError:
        return
    for name in entries:
        candidate = path.parent / name
        try:
            descriptor = os.open(candidate, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            continue  # gone already, a symbolic link, or not ours to read
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode) or (getuid is not None and status.st_uid != getuid()):
                continue
            if not _lock(descriptor, wait=False):
                continue  # another run is writing it right now
            if os.lstat(candidate).st_ino == status.st_ino:  # still the file we checked
                os.unlink(candidate)
        except OSError:
            continue
        finally:
            os.close(descriptor)


def _temporary(path: Path) -> tuple[int, str]:
    """A new temporary file next to ``path``, locked; never one a concurrent cleaner has just removed."""
    while True:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}{TEMPORARY_MARK}")
        _lock(descriptor, wait=True)
        # A cleaner may have taken the lock between mkstemp and flock and removed the name: then start again.
        with suppress(OSError):
            if os.lstat(temporary).st_ino == os.fstat(descriptor).st_ino:
                return descriptor, temporary
        os.close(descriptor)


def _cannot_write(shown: str, error: OSError) -> InputError:
    return InputError(shown, f"cannot write the report ({error.strerror or type(error).__name__})")


class _ReportFile(io.FileIO):
    """The temporary file, whose failed writes (a full disk, a quota) are the report's :class:`InputError`: they
    happen wherever the report's text is written or flushed, and must read as one line, not as a bug."""

    def __init__(self, descriptor: int, shown: str) -> None:
        super().__init__(descriptor, "w", closefd=True)
        self.shown = shown

    def write(self, data: ReadableBuffer, /) -> int:
        try:
            return super().write(data)
        except OSError as error:
            raise _cannot_write(self.shown, error) from None


@contextmanager
def atomic_output(path: Path | None) -> Iterator[TextIO]:
    """Standard output, or a temporary file renamed onto ``path`` only once the report is complete.

    Readers of ``path`` see the old file or the whole new report, never a part. An existing file keeps its
    permission bits (a new one is readable by its owner only). The temporary file, ``.<name>.cn-tmp-<random>`` in the
    same folder, is removed on any exception, KeyboardInterrupt or SystemExit; one left by a killed run is removed
    the next time a report is written to the same path.

    :raises InputError: ``path`` is a symbolic link, folder, FIFO, device or socket, or its folder does not exist or
        is not writable, or the report cannot be written (a full disk, say).
    """
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    shown = str(path)
    path = Path(os.path.abspath(path))
    mode = _check_target(path, shown)
    _remove_stale(path)
    try:
        descriptor, temporary = _temporary(path)
    except OSError as error:
        raise _cannot_write(shown, error) from None
    replaced = False
    try:
        try:
            raw = _ReportFile(descriptor, shown)
        except BaseException:
            os.close(descriptor)
            raise
        with io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8") as handle:
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            yield handle
            try:
                handle.flush()
                os.fsync(handle.fileno())
                # Renamed while still open and locked, so a cleaner never sees it unlocked under its temporary name.
                os.replace(temporary, path)
            except OSError as error:
                raise _cannot_write(shown, error) from None
            replaced = True
    finally:
        if not replaced:
            with suppress(OSError):
                os.unlink(temporary)
