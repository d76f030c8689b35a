"""SPARQL answers kept for reuse: the data only change with a new build.

Two levels. Each process keeps recent answers in memory (least recently used go first,
within :data:`MEMORY_BYTES`). Answers that took at least :data:`SHARE_AFTER` seconds to
compute are also written as files in the build's directory (``<build>/answers/``), where
every worker process of the server finds them, and where they go when ``kg build`` prunes
the build. A store outside a build directory (no ``build.json`` beside it) is cached in
memory only.

While one thread computes an answer, others asking for the same one wait for it rather
than run the query again. Errors are never kept.

Keys are made by the caller: the build's ETag, the query text as
:attr:`server.query_text.QueryText.normalized` (comments and whitespace do not make a
different query), the dataset and the result format.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

Answer = tuple[str, bytes]  # content type, body

#: Bytes of answers each process keeps in memory, and the largest answer kept there.
MEMORY_BYTES = 64 * 1024 * 1024
ENTRY_BYTES = 16 * 1024 * 1024
#: Answers that took this many seconds or more are shared through files.
SHARE_AFTER = 0.05
#: Bytes of answer files per build (checked against the directory as last counted).
DISK_BYTES = 512 * 1024 * 1024
DIRECTORY = "answers"

log = logging.getLogger(__name__)


def key_digest(key: tuple) -> str:
    return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()


class AnswerCache:
    """Answers by key digest (:func:`key_digest`), in memory and in ``directory``."""

    def __init__(self, directory: Path | None, *, memory_bytes: int = MEMORY_BYTES,
                 entry_bytes: int = ENTRY_BYTES, disk_bytes: int = DISK_BYTES,
                 share_after: float = SHARE_AFTER):
        self.directory = directory
        self.memory_bytes = memory_bytes
        self.entry_bytes = entry_bytes
        self.disk_bytes = disk_bytes
        self.share_after = share_after
        self._memory: OrderedDict[str, Answer] = OrderedDict()
        self._memory_used = 0
        self._disk_used: int | None = None  # counted on first write
        self._writes = 0
        self._lock = threading.Lock()
        self._running: dict[str, threading.Event] = {}

    @classmethod
    def for_store(cls, store_path: Path) -> AnswerCache:
        """A cache sharing files in the build directory of ``store_path``, if it is one."""
        build = Path(store_path).resolve().parent
        return cls(build / DIRECTORY if (build / "build.json").is_file() else None)

    def get(self, digest: str) -> Answer | None:
        with self._lock:
            answer = self._memory.get(digest)
            if answer is not None:
                self._memory.move_to_end(digest)
                return answer
        answer = self._read(digest)
        if answer is not None:
            self._keep(digest, answer)
        return answer

    def answer(self, digest: str, compute: Callable[[], Answer], wait: float) -> Answer:
        """The kept answer, or ``compute()``'s, kept for next time. While another thread
        computes the same answer, wait for it (at most ``wait`` seconds)."""
        answer = self.get(digest)
        if answer is not None:
            return answer
        with self._lock:
            running = self._running.get(digest)
            if running is None:
                self._running[digest] = threading.Event()
        if running is not None:
            running.wait(wait)
            return self.get(digest) or self.answer_now(digest, compute)
        try:
            return self.answer_now(digest, compute)
        finally:
            with self._lock:
                self._running.pop(digest).set()

    def answer_now(self, digest: str, compute: Callable[[], Answer]) -> Answer:
        start = time.perf_counter()
        answer = compute()
        self._keep(digest, answer)
        if time.perf_counter() - start >= self.share_after:
            self._write(digest, answer)
        return answer

    def _keep(self, digest: str, answer: Answer) -> None:
        size = len(answer[1])
        if size > self.entry_bytes:
            return
        with self._lock:
            old = self._memory.pop(digest, None)
            if old is not None:
                self._memory_used -= len(old[1])
            self._memory[digest] = answer
            self._memory_used += size
            while self._memory_used > self.memory_bytes:
                _, (_, body) = self._memory.popitem(last=False)
                self._memory_used -= len(body)

    def _path(self, digest: str) -> Path | None:
        return self.directory / digest if self.directory else None

    def _read(self, digest: str) -> Answer | None:
        path = self._path(digest)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        content_type, _, body = data.partition(b"\n")
        return content_type.decode("utf-8"), body

    def _write(self, digest: str, answer: Answer) -> None:
        path = self._path(digest)
        if path is None:
            return
        data = answer[0].encode("utf-8") + b"\n" + answer[1]
        tmp = path.with_name(f".{digest}.{os.getpid()}.{threading.get_ident()}")
        try:
            if self._disk_used is None or self._writes % 100 == 0:
                self._disk_used = _size(path.parent)
            if self._disk_used + len(data) > self.disk_bytes:
                return
            path.parent.mkdir(exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, path)  # readers see the whole file or none
            self._disk_used += len(data)
            self._writes += 1
        except OSError as exc:  # a read-only or pruned build directory: memory only
            log.warning("answers are not shared between processes: %s", exc)
            self.directory = None
            with contextlib.suppress(OSError):
                tmp.unlink()


def _size(directory: Path) -> int:
    total = 0
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(directory):
            with contextlib.suppress(OSError):
                total += entry.stat().st_size
    return total
