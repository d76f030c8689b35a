"""The HTTP layer: a Flask app over the built store (SPARQL endpoint, linked data).

One blueprint module per kind of thing served: ``sparql`` (the SPARQL 1.1 Protocol
endpoint: one request path, with its WSGI front), ``resources`` (dereferenceable entity
IRIs and the ontology), ``linked_data`` (the store and build as the web side sees them),
``pages`` and ``search`` (home page, query editor, timeline, network, Why? pages, search),
``dumps`` (whole-graph files and the VoID description).
Around the endpoint: ``query_text`` reads a query's form, prologue and shape without
parsing it; ``formats`` negotiates result formats; ``service_description`` describes the
endpoint; ``executor`` keeps the pool of query processes (starting, growing, retiring,
timeouts); ``worker`` is what runs inside a query process (answering one query within its
limits, serializing); ``answers`` keeps SPARQL answers and ``replay`` whole responses to
repeated requests; ``errors`` renders every error in one shape; ``wsgi`` is the entry point
gunicorn serves.

Flask is imported inside :func:`create_app`, not here: every query process imports this
package (for ``server.worker``) and should start without paying for Flask.

Served by gunicorn (:func:`gunicorn_argv`, what ``kg serve`` runs): a few worker processes
with ``threads`` threads each (a setting), and up to as many query processes per worker, so
a slow query ties up one thread and one query process, not a worker. ``front`` is the
gunicorn worker class: its event loop reads each request whole, with a deadline, before a
thread takes it, so a client that trickles its request holds a socket, not a thread.
Look-ups are answered in the worker's threads (:mod:`server.executor`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kg.config import Config

if TYPE_CHECKING:
    from flask import Flask


def gunicorn_argv(python: str, bind: str, workers: int, threads: int, query_timeout: float,
                  access_log: bool = True) -> list[str]:
    """The command line serving :mod:`server.wsgi` with gunicorn: threaded workers that
    keep connections alive and read each request whole before a thread takes it
    (:class:`server.front.ReadingWorker`: slow clients cost a socket, not a thread).
    gunicorn's own worker timeout stays well above the query timeout, which the query
    executor enforces by itself."""
    return [python, "-m", "gunicorn", "--workers", str(workers),
            "--worker-class", "server.front.ReadingWorker",
            "--threads", str(threads), "--bind", bind,
            # The request line is bounded by the front's MAX_HEAD (64 KiB), not gunicorn's
            # 4 KiB: GET queries are longer than that.
            "--limit-request-line", "0",
            *(["--access-logfile", "-"] if access_log else []),
            "--timeout", str(int(max(30, 3 * query_timeout))), "server.wsgi:app"]


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. Settings come from ``kg.config.Config.load`` (defaults, the
    ``KG_CONFIG`` file, ``KG_*`` variables), then ``test_config``: lower-case keys are
    settings (``store``, ``query_timeout``, ``query_processes`` ...), upper-case keys Flask
    options (``TESTING``; ``LOOKUPS_HERE``: False sends look-ups to query processes too).

    The :class:`~kg.config.Config` is ``app.config["KG"]`` (also ``app.extensions["kg.config"]``).
    """
    from flask import Flask

    from server import curate, dumps, errors, pages, reconcile, resources, sparql
    from server.replay import Replay

    test_config = dict(test_config or {})
    config = Config.load({k: v for k, v in test_config.items() if not k.isupper()})
    app = Flask(__name__)
    app.config.update(
        KG=config,
        MAX_CONTENT_LENGTH=config.max_query_bytes,
    )
    app.config.update({k: v for k, v in test_config.items() if k.isupper()})
    app.extensions["kg.config"] = config
    errors.register(app)
    sparql.init_app(app)
    resources.init_app(app)
    pages.init_app(app)
    dumps.init_app(app)
    reconcile.init_app(app)
    curate.init_app(app)
    app.wsgi_app = Replay(app.wsgi_app)  # type: ignore[method-assign]
    return app
