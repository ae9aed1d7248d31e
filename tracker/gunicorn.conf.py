"""gunicorn settings for production (``make serve``, or
``gunicorn -c tracker/gunicorn.conf.py``). Each can be changed from the environment.

- ``GUNICORN_BIND``: address to listen on (default 127.0.0.1:8000, behind the TLS proxy).
- ``GUNICORN_WORKERS``: worker processes (default: 2 per CPU, plus 1).
- ``GUNICORN_THREADS``: threads per worker (default 4); each holds its own database
  connection, so workers x threads connections at most.
- ``GUNICORN_TIMEOUT``: seconds a request may take before its worker is restarted.
"""

import multiprocessing
import os

wsgi_app = "tracker.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
# Threads let a worker go on while a request waits for the database or a slow client.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a full CSV export takes seconds
graceful_timeout = 30
keepalive = 5
# Restart each worker now and then, so a slow leak never grows; not too often, as a restart
# costs a second of CPU and empties the worker's cache of rendered pages: at 200 requests/s
# over 5 workers, 20,000 requests is a restart every few minutes.
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"  # stdout
errorlog = "-"  # stderr


def post_worker_init(worker):
    """Once the worker has loaded the application: move everything it has made so far
    (modules, settings, URL patterns) out of the garbage collector's sight, so that its
    full collections, which requests set off, do not walk them again each time."""
    import gc

    gc.collect()
    gc.freeze()
