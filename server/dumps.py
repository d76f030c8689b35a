"""Dumps of the whole graph under ``/dumps/`` (Turtle, N-Triples, N-Quads and TriG with the
named graphs, JSON-LD, and the Wikidata exports), the VoID description at
``/.well-known/void`` and the JSON-LD context at ``/context.jsonld``.

Each file is made once per build (by :mod:`kg.export.dumps`, byte-identical to ``kg export``) and
kept next to the built store, so every worker process serves the same bytes.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, render_template, request

from kg.export.dumps import FORMATS, export
from kg.store.remote import is_remote
from server import linked_data

bp = Blueprint("dumps", __name__)
_BY_FILE = {f.file: key for key, f in FORMATS.items()}
_memory: dict[tuple[str, str], bytes] = {}
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def _bytes(key: str) -> bytes:
    config = linked_data.config()
    if is_remote(config.store):
        abort(404, description="dumps are made from the embedded store; this server "
                               "answers from a remote one (KG_STORE)")
    build = linked_data.current()
    cache_dir = Path(config.store_path).resolve().parent / "dumps"
    cached = cache_dir / FORMATS[key].file
    ours = (cache_dir.parent / "build.json").is_file()  # never write beside a foreign store
    if ours and cached.is_file():
        return cached.read_bytes()
    with _lock:
        if (build.etag, key) in _memory:
            return _memory[(build.etag, key)]
        data = export(config.store_path, key, base=config.base_iri)
        try:
            if not ours:
                raise OSError("not a kg build directory")
            cache_dir.mkdir(exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            tmp.replace(cached)
        except OSError:  # a read-only store directory: keep it in this process
            _memory[(build.etag, key)] = data
        return data


def _serve(key: str) -> Response:
    fmt = FORMATS[key]
    media = fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
    response = Response(_bytes(key), content_type=media)
    build = linked_data.current()
    response.set_etag(build.etag + "-" + key)
    response.last_modified = build.modified
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response.make_conditional(request)


@bp.route("/dumps/")
def index() -> str:
    return render_template("dumps.html", formats=FORMATS)


@bp.route("/dumps/<name>")
def dump(name: str) -> Response:
    if name not in _BY_FILE:
        abort(404, description=f"no dump named {name!r}; see /dumps/")
    return _serve(_BY_FILE[name])


@bp.route("/.well-known/void")
def void() -> Response:
    return _serve("void")


@bp.route("/context.jsonld")
def context() -> Response:
    return _serve("context")
