"""The WSGI entry point: ``gunicorn -w 2 -b 127.0.0.1:8000 'server.wsgi:app'``.

Settings come from ``KG_*`` variables (``KG_STORE``, ``KG_QUERY_TIMEOUT`` ...) or the file
named by ``KG_CONFIG``. Keep gunicorn's ``--timeout`` above ``KG_QUERY_TIMEOUT``. With
``-k gthread --threads N``, also give each app ``N`` query processes.
"""

from server import create_app

app = create_app()
