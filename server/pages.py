"""Pages for people: the home page, the query editor (YASGUI, installed from npm by
``make install`` and served from this server, never from a CDN), and the editor's assets."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, abort, render_template, send_from_directory

from kg.config import PROJECT_ROOT
from kg.query import with_prologue
from server import linked_data

bp = Blueprint("pages", __name__)

#: Where npm puts the editor, and the files of it this server hands out.
YASGUI_DIR = PROJECT_ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
VENDOR_FILES = {"yasgui.min.js", "yasgui.min.css"}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def yasgui_available() -> bool:
    return all((YASGUI_DIR / name).is_file() for name in VENDOR_FILES)


def example_queries() -> list[dict[str, str]]:
    """The shipped queries (queries/*.rq), with PREFIX lines so they run anywhere."""
    config = linked_data.config()
    out = []
    for path in sorted(Path(config.queries_dir).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title = next((line.lstrip("# ").strip() for line in text.splitlines()
                      if line.startswith("#")), path.stem)
        out.append({"name": path.stem, "title": title,
                    "query": with_prologue(text, config.base_iri)})
    return out


def editor_page() -> str:
    config = linked_data.config()
    return render_template("sparql.html", examples=example_queries(),
                           yasgui=yasgui_available(), timeout=config.query_timeout,
                           max_results=config.max_results)


@bp.route("/vendor/yasgui/<name>")
def vendor(name: str) -> Response:
    if name not in VENDOR_FILES or not yasgui_available():
        abort(404)
    response = send_from_directory(YASGUI_DIR, name, max_age=86400)
    return response


@bp.route("/")
def home() -> str:
    build = linked_data.current()
    return render_template("home.html", meta=build.meta, examples=example_queries())
