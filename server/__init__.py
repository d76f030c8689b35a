"""The HTTP layer: a Flask app over the built store (SPARQL endpoint, linked data).

One blueprint module per kind of thing served: ``sparql`` (the SPARQL 1.1 Protocol
endpoint), ``resources`` (dereferenceable entity IRIs and the ontology), ``pages`` (home
page and query editor), ``dumps`` (whole-graph files and the VoID description).
``errors`` renders every error in one shape; ``executor`` runs queries in worker processes.

Flask is imported inside :func:`create_app`, not here: every query worker process imports
this package (for ``server.executor``) and should start without paying for Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kg.config import Config

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. Settings come from ``kg.config.Config.load`` (defaults, the
    ``KG_CONFIG`` file, ``KG_*`` variables), then ``test_config``: lower-case keys are
    settings (``store``, ``query_timeout`` ...), upper-case keys Flask options
    (``TESTING``, ``QUERY_PROCESSES``: worker processes per app, default 2).

    The :class:`~kg.config.Config` is ``app.config["KG"]`` (also ``app.extensions["kg.config"]``).
    """
    from flask import Flask

    from server import dumps, errors, pages, resources, sparql
    from server.executor import DEFAULT_PROCESSES

    test_config = dict(test_config or {})
    config = Config.load({k: v for k, v in test_config.items() if not k.isupper()})
    app = Flask(__name__)
    app.config.update(
        KG=config,
        MAX_CONTENT_LENGTH=config.max_query_bytes,
        QUERY_PROCESSES=DEFAULT_PROCESSES,
    )
    app.config.update({k: v for k, v in test_config.items() if k.isupper()})
    app.extensions["kg.config"] = config
    errors.register(app)
    sparql.init_app(app)
    resources.init_app(app)
    pages.init_app(app)
    dumps.init_app(app)
    return app
