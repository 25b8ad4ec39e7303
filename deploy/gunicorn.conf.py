"""gunicorn settings of an installation: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`
(deploy/systemd/mentoring-web.service). The variables below are read only here, not by Django.

- GUNICORN_BIND: where nginx finds it (deploy/nginx/mentoring.conf), by default the socket
  /run/mentoring/gunicorn.sock, which systemd's RuntimeDirectory creates; `127.0.0.1:8000` for a TCP port.
- GUNICORN_WORKERS: processes, by default 2 × cores + 1, at least 2 (synchronous workers: pages are short,
  anything long runs in the task worker).
- GUNICORN_TIMEOUT: seconds a request may take before its worker is replaced (60; nginx waits 75).
- GUNICORN_ACCESS_LOG: a file, or «-» for the journal (default); GUNICORN_ACCESS_LOG_FORMAT its line.
"""

import multiprocessing
import os

bind = [os.environ.get("GUNICORN_BIND", "unix:/run/mentoring/gunicorn.sock")]
workers = max(2, int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 2
# A worker is replaced after this many requests (with jitter, so they do not all restart at once): any slow leak
# in a library stays bounded.
max_requests = 2000
max_requests_jitter = 200
# The heartbeat file lives in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# The socket is for nginx (group www-data in the unit) and nobody else.
umask = 0o007

# Requests by path and time only: no addresses, no query strings (searches hold names), no bodies.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = os.environ.get("GUNICORN_ACCESS_LOG_FORMAT", '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(D)s')
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
proc_name = "mentoring-web"
