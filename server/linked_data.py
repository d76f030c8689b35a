"""The store as seen by the web side: one read-only handle per process, the build's
validators (ETag, Last-Modified), and IRIs mapped to this server's paths."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from flask import Flask, current_app

from kg.config import Config
from kg.store.builds import build_meta, open_store_handle
from kg.store.explanations import ExplanationFile, WithExplanations, open_explanations
from kg.store.remote import RemoteGraph, RemoteStore, is_remote

_lock = threading.Lock()


@dataclass
class Build:
    """The store being served and what identifies its build."""

    store: ox.Store
    etag: str
    modified: datetime
    meta: dict
    #: The build's own folder (side indexes live there), None for a store ``kg build``
    #: did not make.
    folder: Path | None = None
    #: The explanations kept beside the store (kg.store.explanations), if any.
    explanations: ExplanationFile | None = None

    @property
    def with_explanations(self) -> ox.Store | WithExplanations:
        """The store joined with the explanations beside it (the Why? pages read this)."""
        if self.explanations is None:
            return self.store
        return WithExplanations(self.store, self.explanations)


def config() -> Config:
    return current_app.config["KG"]


def current(app: Flask | None = None) -> Build:
    """This process's handle on the store (opened on first use), for ``app`` or the
    current app."""
    app = app or current_app
    ext = app.extensions
    if "kg.build" not in ext:
        with _lock:
            if "kg.build" not in ext:
                cfg: Config = app.config["KG"]
                ext["kg.build"] = _open_remote(cfg) if is_remote(cfg.store) else \
                    _open(cfg.store_path)
    return ext["kg.build"]


def _open_remote(cfg: Config) -> Build:
    """An external store (``KG_STORE=http...``): validators last as long as this process."""
    store = RemoteGraph(RemoteStore.from_url(cfg.store, cfg.base_iri, cfg.query_timeout))
    started = datetime.now(tz=UTC).replace(microsecond=0)
    etag = hashlib.sha1(f"{cfg.store}|{started.isoformat()}".encode()).hexdigest()[:16]
    return Build(store, etag, started, {})  # type: ignore[arg-type]


def _open(path: Path) -> Build:
    store = open_store_handle(path)
    meta = build_meta(path)
    resolved = str(Path(path).resolve())
    built = meta.get("built")
    if built:
        modified = datetime.strptime(built, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    else:
        modified = datetime.fromtimestamp(Path(resolved).stat().st_mtime, tz=UTC)
    etag = hashlib.sha1(f"{resolved}|{built}".encode()).hexdigest()[:16]
    parent = Path(resolved).parent
    folder = parent if (parent / "build.json").is_file() else None
    return Build(store, etag, modified.replace(microsecond=0), meta, folder,
                 open_explanations(path) if folder else None)


def local_path(iri: str) -> str | None:
    """This server's path for an IRI under the base (``/id/person/x``), else None."""
    base = config().base_iri
    return iri[len(base):] if iri.startswith(base + "/") else None
