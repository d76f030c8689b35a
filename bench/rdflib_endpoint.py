"""A plain rdflib in-memory SPARQL endpoint, the low baseline of the endpoint benchmark.

``python -m bench.rdflib_endpoint STORE PORT``: loads every quad of a pyoxigraph store
into an rdflib ``Dataset`` (default graph = union) and answers ``GET /query?query=...``
with SPARQL JSON results (SELECT/ASK) or Turtle (CONSTRUCT/DESCRIBE), on 127.0.0.1.
"""

from __future__ import annotations

import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
from rdflib import Dataset


def load(store_path: str) -> Dataset:
    store = ox.Store.read_only(store_path)
    data = store.dump(format=ox.RdfFormat.N_QUADS)
    ds = Dataset(default_union=True)
    ds.parse(data=data, format="nquads")
    return ds


def serve(store_path: str, port: int) -> None:
    ds = load(store_path)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            params = parse_qs(urlsplit(self.path).query)
            if "query" not in params:
                self.send_response(200 if self.path == "/" else 404)
                self.end_headers()
                return
            try:
                result = ds.query(params["query"][0])
                if result.type in ("CONSTRUCT", "DESCRIBE"):
                    body, ctype = result.serialize(format="turtle"), "text/turtle"
                else:
                    body, ctype = result.serialize(format="json"), \
                        "application/sparql-results+json"
            except Exception as exc:  # a bad query is the client's problem: 400
                self.send_response(400)
                self.end_headers()
                self.wfile.write(str(exc).encode())
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            """No log line per request: thousands a second would slow the server measured."""

    class Server(ThreadingHTTPServer):
        request_queue_size = 128  # socketserver's 5 refuses connections at 8+ clients
        daemon_threads = True

    Server(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
