"""The WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from peer_research import create_app

app = create_app()
