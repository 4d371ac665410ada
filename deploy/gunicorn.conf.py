"""gunicorn settings for Linli: `gunicorn -c deploy/gunicorn.conf.py linli.wsgi`.

Behind nginx (deploy/nginx/linli.conf) on the loopback address. Tune with the environment:
LINLI_BIND, WEB_CONCURRENCY (worker processes), LINLI_THREADS (threads per worker).
"""

import multiprocessing
import os

bind = os.environ.get("LINLI_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9)))
worker_class = "gthread"
threads = int(os.environ.get("LINLI_THREADS", "4"))

# A roster upload is read and previewed within its request: allow big files time.
timeout = 120
# Let uploads in flight finish when the service stops or reloads.
graceful_timeout = 130
# Imports run in a (daemon) thread of the worker that took the upload and die with it, so
# workers are not recycled after a number of requests (no max_requests).
keepalive = 5

# nginx is the only client; it passes X-Forwarded-Proto and X-Forwarded-For.
forwarded_allow_ips = "127.0.0.1"
proxy_allow_ips = "127.0.0.1"

# To journald through stdout/stderr. No query strings in the access log: searches hold names.
# Paths lose their link tokens (/care/ask/…/): the logger class redacts them.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms "%(a)s"'
logger_class = "linli.core.logs.GunicornLogger"

# systemd supervises the server (deploy/systemd/linli.service): no control socket in $HOME.
control_socket_disable = True
