"""Output folders that always hold one whole run: written aside, swapped in whole, one writer at a time."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fnmatch
import hashlib
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from quanze.errors import OutputError
from quanze.report.outputs import output_names

LOCK_WAIT_SECONDS = 600.0
# What quanze writes into an output folder (the registry of report/outputs.py), and what desktops and
# office suites drop there; anything else is a user's file, which a swap would delete, so the folder is
# refused instead.
KNOWN_OUTPUTS = output_names()
DISPOSABLE = ("~$*", ".~lock.*#", ".DS_Store", "Thumbs.db", "desktop.ini")
_STAGE = "quanze-new"
_OLD = "quanze-old"

Notice = Callable[[str], None]


def lock_path(target: Path) -> Path:
    """The lock file of an output folder, in the user's temporary folder so no file is left in the project.

    It is kept after the run: deleting a lock file that another process waits on would break the lock.
    """
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folder = Path(tempfile.gettempdir()) / f"quanze-locks-{uid}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{folder}: cannot create the folder for lock files ({exc.strerror or exc})",
            hint="set TMPDIR to a writable folder",
        ) from exc
    digest = hashlib.sha256(str(target.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return folder / f"{digest}.lock"


@contextlib.contextmanager
def waiting_lock(path: Path, *, what: str, on_wait: Notice | None) -> Iterator[bool]:
    """Hold the file lock `path`; a writer that has to wait says so, and gives up after LOCK_WAIT_SECONDS.

    Yields whether it had to wait (another run held the lock meanwhile)."""
    lock = FileLock(str(path))
    waited = False
    try:
        lock.acquire(timeout=0)
    except Timeout:
        waited = True
        if on_wait is not None:
            on_wait(f"another quanze run is writing {what}; waiting for it to finish (lock {path})")
        try:
            lock.acquire(timeout=LOCK_WAIT_SECONDS)
        except Timeout:
            raise OutputError(
                f"{what} is still locked by another quanze run after {LOCK_WAIT_SECONDS:.0f} s ({path})",
                hint="wait for the other run to finish; if none is running, delete the lock file",
            ) from None
    except OSError as exc:
        raise OutputError(
            f"{path}: cannot create the lock file ({exc.strerror or exc})",
            hint="the folder must be writable; check its permissions",
        ) from exc
    try:
        yield waited
    finally:
        lock.release()


def _ours(name: str, *, written: frozenset[str] = frozenset()) -> bool:
    return name in written or any(fnmatch.fnmatchcase(name, p) for p in (*KNOWN_OUTPUTS, *DISPOSABLE))


def _recover(target: Path) -> None:
    """Tidy what a run killed outright (SIGKILL, power cut) left beside the folder: the lock is ours now."""
    prefix = f".{target.name}."
    for entry in target.parent.iterdir():
        if not entry.name.startswith(prefix) or not entry.is_dir():
            continue
        rest = entry.name[len(prefix) :]
        if rest.startswith(_OLD) and not target.exists():
            entry.rename(target)  # killed between the two renames of a swap: the previous run comes back
        elif rest.startswith((_OLD, _STAGE)):
            shutil.rmtree(entry, ignore_errors=True)


def _check_target(target: Path, *, force: bool, written: frozenset[str]) -> None:
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target} exists and is not a folder", hint="choose another --out")
    if not target.exists():
        return
    try:
        names = sorted(p.name for p in target.iterdir())
    except OSError as exc:
        raise OutputError(
            f"{target}: cannot read the folder ({exc.strerror or exc})", hint="check its permissions"
        ) from exc
    if names and not force:
        raise OutputError(
            f"{target} already holds files; quanze does not overwrite reports unless asked",
            hint="pass --force to replace them, or choose another --out",
        )
    foreign = [n for n in names if not _ours(n, written=written)]
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise OutputError(
            f"{target} holds files quanze did not write ({shown}); --force replaces the whole folder "
            "and would delete them",
            hint="move those files elsewhere, or choose another --out for the reports",
        )
    if not os.access(target, os.W_OK | os.X_OK):
        raise OutputError(
            f"{target}: the folder is not writable", hint="check its permissions, or choose another --out"
        )


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    if not hasattr(os, "pidfd_open"):  # a cheap test for Linux
        return False
    try:
        # The process's own symbols, libc's among them: ctypes.util.find_library("c") would run
        # `ldconfig -p` in a child process to find the file (10-90 ms, on every run into an existing folder).
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(a))


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the swap is done, so it is never half made."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _swap_in(stage: Path, target: Path) -> None:
    with _signals_held():
        if not target.exists():
            stage.rename(target)
            return
        if _exchange(stage, target):
            shutil.rmtree(stage, ignore_errors=True)  # now holds the previous run
            return
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.{_OLD}-", dir=target.parent))
        old.rmdir()
        target.rename(old)
        try:
            stage.rename(target)
        except OSError:
            old.rename(target)  # the previous run goes back where it was
            raise
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staged_out_dir(
    target: Path, *, force: bool, on_wait: Notice | None = None, written: frozenset[str] = frozenset()
) -> Iterator[Path]:
    """A fresh folder beside `target` to write a run into; swapped in whole when the block ends normally.

    Refused (OutputError) when `target` holds files and `force` is not given, or holds files quanze did
    not write (`written` names more files a run writes there). One run at a time per folder (a lock beside it); an interrupted or failed run leaves the
    previous run in place and no temporary folder behind.
    """
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{parent}: cannot create the folder ({exc.strerror or exc})") from exc
    before = _folder_stamp(target)
    with waiting_lock(lock_path(target), what=f"{target}/", on_wait=on_wait) as waited:
        if waited and _folder_stamp(target) not in (before, None):
            # The run this one waited for has just written the folder and told its analyst to open its
            # review.xlsx: --force was given to replace an earlier run's reports, not that one's.
            raise OutputError(
                f"{target}: another quanze run wrote its reports there while this one waited; "
                "they are left in place (its review.xlsx may be in use)",
                hint="run again to replace them (with --force), or write this run into another --out",
            )
        try:
            _recover(target)
            _check_target(target, force=force, written=written)
            stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.{_STAGE}-", dir=parent))
            os.chmod(stage, 0o777 & ~_umask())
        except OSError as exc:
            raise OutputError(
                f"{target}: cannot prepare the output folder ({exc.strerror or exc})",
                hint="check that its parent folder is writable",
            ) from exc
        try:
            yield stage
            try:
                _swap_in(stage, target)
            except OSError as exc:
                raise OutputError(
                    f"{target}: cannot put the new reports in place ({exc.strerror or exc})",
                    hint="check space and permissions; the previous reports are unchanged",
                ) from exc
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)


def _folder_stamp(target: Path) -> tuple[int, int] | None:
    """The folder as it stands (inode, modification time), None when there is none: a swapped-in run changes it."""
    try:
        st = target.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
