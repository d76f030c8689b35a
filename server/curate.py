"""The curation workbench over HTTP (``kg curate``): pages to read a document with its
candidate facts, and a JSON API that changes them through :class:`kg.curate.workbench.Workbench`.

Registered only when the ``curate`` setting is on. The write path: POST only (a GET never
changes anything), each POST carries the page's CSRF token (header ``X-CSRF-Token``, compared
in constant time; a cross-site ``Origin`` is refused), and with a ``curate_token`` set every
workbench request needs it too (``Authorization: Bearer``, or the cookie the sign-in form sets).
Which file a change writes is the library's to decide from a document id, never a path the
request names.
"""

from __future__ import annotations

import hmac
import os
import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
)

from kg.curate.workbench import CONFIDENCES, Workbench
from kg.errors import CurationError
from server.errors import Forbidden, Unauthorized

bp = Blueprint("curate", __name__, url_prefix="/curate")
COOKIE = "kg_curate"
#: The CSRF token of a `kg curate` run, which sets it for its server: a build reloads the
#: server's workers (to serve the new store), and the pages already open keep their token.
CSRF_ENV = "KG_CURATE_CSRF"


def init_app(app: Flask) -> None:
    config = app.config["KG"]
    if not config.curate:
        return
    from kg.build import build

    app.extensions["kg.workbench"] = Workbench(config, build=build)
    app.extensions["kg.csrf"] = os.environ.get(CSRF_ENV) or secrets.token_urlsafe(32)
    app.register_blueprint(bp)


def workbench() -> Workbench:
    return current_app.extensions["kg.workbench"]


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


@bp.before_request
def _guard() -> Response | None:
    token = current_app.config["KG"].curate_token
    if token and request.endpoint != "curate.sign_in":
        bearer = request.headers.get("Authorization", "")
        given = bearer[7:] if bearer.startswith("Bearer ") else request.cookies.get(COOKIE, "")
        if not _same(given, token):
            if request.method == "GET" and request.accept_mimetypes.accept_html:
                return redirect("/curate/sign-in")
            raise Unauthorized("the workbench needs its token (KG_CURATE_TOKEN)")
    if request.method not in ("GET", "HEAD"):
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != request.host:
            raise Forbidden(f"a change from another site ({origin}) is refused")
        if request.endpoint != "curate.sign_in":
            given = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
            if not _same(given, current_app.extensions["kg.csrf"]):
                raise Forbidden("missing or wrong CSRF token: reload the workbench page")
    return None


@bp.after_request
def _headers(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    return response


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Any:
    token = current_app.config["KG"].curate_token
    if request.method == "POST":
        if token and _same(request.form.get("token", ""), token):
            response = make_response(redirect("/curate"))
            response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
            return response
        return render_template("curate_sign_in.html", wrong=True), 401
    return render_template("curate_sign_in.html", wrong=False)


@bp.route("")
def documents() -> str:
    return render_template("curate_list.html", documents=workbench().documents())


@bp.route("/<doc_id>")
def document(doc_id: str) -> str:
    page = workbench().page(doc_id)
    return render_template("curate.html", page=page, csrf=current_app.extensions["kg.csrf"],
                           confidences=CONFIDENCES)


@bp.route("/api/<doc_id>")
def document_json(doc_id: str) -> Response:
    return jsonify(workbench().page(doc_id))


@bp.route("/api/entities")
def entities() -> Response:
    return jsonify(workbench().entities(request.args.get("q", "")[:100]))


@bp.route("/api/properties")
def properties() -> Response:
    return jsonify(workbench().properties)


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise CurationError("send the change as a JSON object")
    return data


def _version(data: dict[str, Any]) -> str:
    v = data.get("version")
    if not isinstance(v, str):
        raise CurationError("'version' (the file's version when you loaded it) is missing")
    return v


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CurationError(f"{key!r} is missing")
    return value


@bp.post("/api/<doc_id>/facts/<int:index>/<action>")
def fact(doc_id: str, index: int, action: str) -> Response:
    data, wb = _body(), workbench()
    if action == "accept":
        out = wb.accept(doc_id, index, _version(data))
    elif action == "reject":
        out = wb.reject(doc_id, index, _version(data))
    elif action == "edit":
        out = wb.edit(doc_id, index, data.get("fact"), _version(data))
    else:
        raise CurationError(f"unknown action {action!r}: accept, reject or edit")
    return jsonify(out.as_json())


@bp.post("/api/<doc_id>/facts")
def add(doc_id: str) -> Response:
    data = _body()
    node = data.get("node") if isinstance(data.get("node"), dict) else None
    return jsonify(workbench().add(doc_id, data.get("fact"), _version(data), node).as_json())


@bp.post("/api/<doc_id>/people/<action>")
def people(doc_id: str, action: str) -> Response:
    data, wb = _body(), workbench()
    name = _text(data, "name")
    if action == "merge":
        out = wb.merge_person(doc_id, name, _text(data, "into"), _version(data),
                              data.get("confidence") or "Probable", data.get("quote"))
    elif action == "register":
        out = wb.register_person(doc_id, name, data.get("id") or None,
                                 data.get("description") or None)
    elif action == "not-a-person":
        out = wb.not_person(doc_id, name, data.get("note") or None)
    else:
        raise CurationError(f"unknown action {action!r}: merge, register or not-a-person")
    return jsonify(out.as_json())


@bp.post("/api/<doc_id>/names/choose")
def choose(doc_id: str) -> Response:
    data = _body()
    return jsonify(workbench().choose(doc_id, _text(data, "name"), _text(data, "entity"),
                                      _version(data)).as_json())


@bp.post("/api/<doc_id>/author")
def author(doc_id: str) -> Response:
    data = _body()
    return jsonify(workbench().set_author(doc_id, _text(data, "author"),
                                          _version(data)).as_json())


@bp.post("/api/undo")
def undo() -> Response:
    return jsonify(workbench().undo().as_json())


@bp.post("/api/build")
def build() -> Response:
    return jsonify(workbench().rebuild().as_json())
