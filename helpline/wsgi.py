"""WSGI entry point for production servers: ``gunicorn helpline.wsgi:app``."""

from helpline.app import create_app

app = create_app()
