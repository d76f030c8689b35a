"""The HTTP layer: a Flask app over the built store (SPARQL endpoint, linked data)."""
