"""The WSGI entry point, as ``kg serve`` runs it (:func:`server.gunicorn_argv`):
``gunicorn -w 2 -k server.front.ReadingWorker --threads 32 -b 127.0.0.1:8000 'server.wsgi:app'``.

Settings come from ``KG_*`` variables (``KG_STORE``, ``KG_QUERY_TIMEOUT`` ...) or the file
named by ``KG_CONFIG``. Keep gunicorn's ``--timeout`` above ``KG_QUERY_TIMEOUT``. Each app
starts up to ``KG_THREADS`` query processes: as many as a worker has threads.
"""

from server import create_app

app = create_app()
