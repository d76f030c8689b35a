"""Builds and the processes around them: one build at a time, no build in use deleted,
running servers told of each new build.

- :func:`build_lock`: an exclusive lock on ``<data_dir>/.build.lock`` for the whole of a
  build. A second build refuses at once with one line. The kernel drops the lock when its
  process dies (``kill -9``), so a killed build never blocks the next one, and the next one
  removes what the killed one left (half-built stores, scratch files).
- :func:`hold`: a shared lock on the build directory a process opened, kept for the life of
  the process (and of the children it hands the descriptor to: the query processes).
  :func:`remove_unused` takes an exclusive lock without waiting before it deletes a build,
  and leaves a build it cannot lock: a later build removes it once nobody uses it.
- :func:`register_server` / :func:`notify_servers`: ``kg serve`` records its process (pid
  and start time) under ``<data_dir>/servers/``; once a new build is the current one, the
  build sends each server still running ``SIGHUP``, on which gunicorn starts fresh workers
  (which open the new build) and lets the old ones finish the requests they hold.

Locks are ``flock`` locks: advisory, local, released by the kernel with the last descriptor.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from kg.errors import StoreError

LOCK = ".build.lock"
SERVERS = "servers"
META = "build.json"
#: Names of what an interrupted build leaves behind, removed by the next build.
LEFTOVERS = (".build-*", ".store.*.tmp", "builds/*.partial", "builds/.deleting-*")

_held: dict[str, int] = {}
_held_lock = threading.Lock()


class BuildRunning(StoreError):
    title = "Build running"


def data_dir_problem(data_dir: Path, exc: OSError) -> StoreError:
    """One line saying why the data directory cannot be used."""
    reason = {
        errno.ENOTDIR: "a part of it is a file, not a directory",
        errno.EROFS: "it is on a read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOSPC: "the disk is full",
        errno.ENOENT: "it cannot be created there",
        errno.EEXIST: "it is a file, not a directory",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    return StoreError(f"cannot write the data directory {data_dir} (data_dir, KG_DATA_DIR): "
                      f"{reason}")


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` (an OSError, or the store's own error) says the disk is full."""
    return (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)) \
        or "No space left on device" in str(exc) or "Disk quota exceeded" in str(exc)


def disk_full(data_dir: Path) -> StoreError:
    return StoreError(f"the disk is full: the build in {data_dir} (data_dir, KG_DATA_DIR) "
                      "stopped and was removed, and the current store is unchanged; free "
                      "some space and build again")


@contextlib.contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data directory's build lock (refuse at once if another build holds it), and
    clear what an interrupted build left there."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(data_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise data_dir_problem(data_dir, exc) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
            raise BuildRunning(
                f"another `kg build` (pid {holder}) is writing to {data_dir}: wait for it "
                "to finish, then build again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        for pattern in LEFTOVERS:  # nobody else builds here: whatever matches is stale
            for stale in data_dir.glob(pattern):
                if stale.is_symlink() or stale.is_file():
                    stale.unlink(missing_ok=True)
                else:
                    shutil.rmtree(stale, ignore_errors=True)
        yield
    finally:
        os.close(fd)


def hold(store_path: str | os.PathLike[str]) -> int | None:
    """Lock the build of ``store_path`` as in use for the life of this process; return the
    locked descriptor (give it to child processes that use the build too), or None for a
    store that is not a build (no ``build.json`` beside it)."""
    build = Path(store_path).resolve().parent
    if not (build / META).is_file():
        return None
    key = str(build)
    with _held_lock:
        if key in _held:
            return _held[key]
        try:
            fd = os.open(build, os.O_RDONLY | os.O_DIRECTORY)
        except FileNotFoundError:
            fd = -1
        if fd >= 0:
            fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a build decides to remove it
            if (build / META).is_file():
                _held[key] = fd
                return fd
            os.close(fd)
        raise StoreError(f"the build {build} was removed while it was being opened; "
                         "try again (the store link now names a newer build)")


def remove_unused(build: Path) -> bool:
    """Delete the build directory ``build`` unless a process holds it (:func:`hold`); True
    if it is gone."""
    try:
        fd = os.open(build, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        doomed = build.parent / f".deleting-{build.name}"
        os.rename(build, doomed)  # at once: nobody opens it by its name any more
    finally:
        os.close(fd)
    shutil.rmtree(doomed, ignore_errors=True)
    return True


def register_server(data_dir: Path, pid: int | None = None) -> None:
    """Record the server process ``pid`` (this one) as serving ``data_dir``'s store."""
    pid = pid or os.getpid()
    folder = data_dir / SERVERS
    folder.mkdir(parents=True, exist_ok=True)
    (folder / str(pid)).write_text(_started(pid) + "\n")


def notify_servers(data_dir: Path) -> int:
    """Send ``SIGHUP`` to every server registered in ``data_dir`` that still runs (forgetting
    the others); return how many were told."""
    told = 0
    for entry in sorted((data_dir / SERVERS).glob("*")):
        try:
            pid = int(entry.name)
            alive = entry.read_text().strip() == _started(pid)
            if alive:
                os.kill(pid, signal.SIGHUP)
                told += 1
        except (ValueError, OSError):
            alive = False
        if not alive:
            entry.unlink(missing_ok=True)
    return told


def _started(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot), so that a recorded pid reused
    by another process is not taken for the server; "gone" if there is no such process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return "gone"
    except OSError:  # no /proc: trust the pid alone
        return "unknown"
    return stat.rsplit(")", 1)[1].split()[19]
