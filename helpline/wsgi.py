"""WSGI entry point for production servers: ``gunicorn -c python:helpline.gunicorn
helpline.wsgi:app`` (README, "Running in production").

Each process that loads it builds the app and writes the call records this host
spooled while the database was down, in the background (:mod:`helpline.startup`).
"""

from helpline.app import create_app
from helpline.bootstrap import from_app
from helpline.startup import flush_spool_in_background

app = create_app()
flush_spool_in_background(from_app(app))
