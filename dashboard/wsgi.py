"""WSGI entry point: ``gunicorn dashboard.wsgi:server``. ``cockpit serve`` applies the
application database's migrations once before starting the workers."""

from dashboard.shell.app import create_app

app = create_app(migrate=False)
server = app.server
