"""Writing a report file: atomically, only as a regular file, and without leaving temporary files behind.

Reports are often written by unattended jobs into shared folders, so ``-o PATH`` must never write through a
symbolic link, into a device or a FIFO (which could block the run forever), or over a folder; nor leave a
half-written report or a stray temporary file when the run is interrupted or killed.
"""

from __future__ import annotations

import errno
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

__all__ = [
    "TEMPORARY_MARK",
    "OutputClosed",
    "atomic_output",
    "guarded_standard_streams",
    "new_file_mode",
    "same_file",
]

#: Between the target's name and the random part in a temporary file's name: ``.<name>.cn-tmp-<random>``.
TEMPORARY_MARK = ".cn-tmp-"
# tempfile's random part: eight of these characters.
_RANDOM = "[a-z0-9_]{8}"


def same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file: the same inode when both exist (a hard link or a symbolic link too), else
    the same resolved path. An output that is one of the inputs must be refused before anything is written."""
    try:
        if first.exists() and second.exists():
            return os.path.samefile(first, second)
        return first.resolve() == second.resolve()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symbolic link loop (Python 3.11 and older)
        return False


def inside_folder(path: Path, folder: Path) -> bool:
    """Whether ``path`` lies in ``folder`` or below it (symbolic links followed), so that a run reading the folder
    would read it too: a report written there would replace a claim, or be read as one next time."""
    try:
        return folder.is_dir() and folder.resolve() in path.resolve().parents
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symbolic link loop on older Pythons
        return False


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


def new_file_mode() -> int:
    """The permission bits ``open()`` gives a new file: 0o666 less the process's umask. A temporary file is
    created readable by its owner only, and a report renamed from it must not stay so when the user's umask says
    otherwise."""
    try:  # Linux says it without changing it (another thread may be creating a file right now)
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return 0o666 & ~mask


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
    permission bits; a new one gets those of any new file (0o666 less the umask). The temporary file,
    ``.<name>.cn-tmp-<random>`` in the same folder, is removed on any exception, KeyboardInterrupt or SystemExit;
    one left by a killed run is removed the next time a report is written to the same path.

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
            os.fchmod(handle.fileno(), mode if mode is not None else new_file_mode())
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


class OutputClosed(Exception):
    """Standard output's reader went away (``cn-validate ... | head``): the run stops quietly.

    Not an OSError, so that click does not turn it into exit 1 (the code of a claim that does not conform) on its way
    out: the command line exits 141 (128 + SIGPIPE, what a shell shows for a tool stopped by a closed pipe).
    """


STANDARD_OUTPUT = "standard output"


class _StandardOutput(io.RawIOBase):
    """Standard output's file descriptor, whose failed writes are one line each: a closed pipe is
    :class:`OutputClosed`, any other failure (a full disk, a closed descriptor) the report's :class:`InputError`.

    After the first failure it takes and drops everything, so that nothing written later (a buffer flushed when the
    stream is closed or the interpreter exits) fails again, or prints "Exception ignored" on standard error.
    """

    def __init__(self, descriptor: int | None) -> None:
        super().__init__()
        self.descriptor = descriptor
        self.failed = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        if self.descriptor is None:
            raise io.UnsupportedOperation("standard output is closed")
        return self.descriptor

    def isatty(self) -> bool:
        return self.descriptor is not None and os.isatty(self.descriptor)

    def write(self, data: ReadableBuffer, /) -> int:
        size = memoryview(data).nbytes
        if self.failed:
            return size
        try:
            if self.descriptor is None:
                raise OSError(errno.EBADF, "it is closed")
            return os.write(self.descriptor, data)
        except BrokenPipeError:
            self.failed = True
            raise OutputClosed from None
        except OSError as error:
            self.failed = True
            raise InputError(STANDARD_OUTPUT, f"cannot be written ({error.strerror or type(error).__name__})") from None


class _StandardError(_StandardOutput):
    """Standard error's file descriptor: a message that cannot be written (a closed pipe, a full disk) is dropped,
    never a second error; the exit code still says how the run went."""

    def write(self, data: ReadableBuffer, /) -> int:
        try:
            return super().write(data)
        except (OutputClosed, InputError):
            return memoryview(data).nbytes


def _guarded(original: TextIO | None, raw: _StandardOutput, *, output: bool) -> io.TextIOWrapper:
    encoding = getattr(original, "encoding", None) or "utf-8"
    errors = getattr(original, "errors", None) or "strict"
    if not _whole_unicode(encoding):
        # An ASCII or Latin-1 standard output (the C locale with coercion off, PYTHONIOENCODING=ascii) failed at the
        # first "§" of a report: exit 3, and half a report. Reports are written in UTF-8, which JSON, Turtle, SARIF
        # and JUnit require anyway (as Python's UTF-8 mode would); messages on standard error are escaped instead.
        if output:
            encoding = "utf-8"
        else:
            errors = "backslashreplace"
    line_buffering = bool(getattr(original, "line_buffering", False))
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding=encoding, errors=errors, line_buffering=line_buffering)


def _whole_unicode(encoding: str) -> bool:
    """Whether text in ``encoding`` can hold every character (UTF-8, UTF-16, GB 18030 ...)."""
    try:
        "\u00a7\u2264\U0001f600".encode(encoding)
    except (UnicodeError, LookupError):
        return False
    return True


def _descriptor(stream: TextIO | None) -> int | None:
    """The descriptor of a process's own standard stream, or None when it is closed."""
    if stream is None:
        return None
    stream.flush()
    return stream.fileno()


@contextmanager
def guarded_standard_streams() -> Iterator[None]:
    """For one command: writes to standard output that fail become :class:`OutputClosed` (a closed pipe) or a
    one-line :class:`InputError` (a full disk, a closed descriptor), and failed writes to standard error are dropped.

    Only the process's own streams are replaced (``sys.__stdout__``, ``sys.__stderr__``); a program that runs the
    command in-process with streams of its own keeps them. Everything written is flushed before the block ends.
    """
    if sys.stdout is not sys.__stdout__ or sys.stderr is not sys.__stderr__:
        yield
        return
    original_out, original_err = sys.stdout, sys.stderr
    try:
        out_raw = _StandardOutput(_descriptor(original_out))
    except (OSError, ValueError):  # a standard output that is no file (an embedding program's): left as it is
        yield
        return
    err_raw = _StandardError(None)
    with suppress(OSError, ValueError):
        err_raw = _StandardError(_descriptor(original_err))
    out, err = _guarded(original_out, out_raw, output=True), _guarded(original_err, err_raw, output=False)
    err.reconfigure(line_buffering=True, write_through=True)
    sys.stdout, sys.stderr = out, err
    try:
        try:
            yield
        except BaseException:
            with suppress(Exception):  # the error on the way out says more than a failed flush would
                out.flush()
            raise
        out.flush()
    finally:
        sys.stdout, sys.stderr = original_out, original_err
        out_raw.failed = err_raw.failed = True  # nothing is left to write; nothing must fail when they are collected
