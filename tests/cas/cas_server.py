"""A real CAS 2.0/3.0 server for the cockpit's sign-in tests: django-mama-cas in a minimal
Django site, with people in its own SQLite database.

    python cas_server.py PORT DB_PATH USER:PASSWORD [USER:PASSWORD ...]

Prints "ready <url>" once it listens."""

from __future__ import annotations

import sys

import django
from django.conf import settings


def configure(db_path: str) -> None:
    settings.configure(
        DEBUG=False, SECRET_KEY="cas-test-server-only", ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__, USE_TZ=True,
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes",
                        "django.contrib.sessions", "django.contrib.messages", "mama_cas"],
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware",
                    "django.middleware.csrf.CsrfViewMiddleware",
                    "django.contrib.auth.middleware.AuthenticationMiddleware",
                    "django.contrib.messages.middleware.MessageMiddleware"],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates",
                    "APP_DIRS": True,
                    "OPTIONS": {"context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                        "django.contrib.messages.context_processors.messages"]}}],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": db_path}},
        # Attributes released to every service: the person's name (CAS 3.0).
        MAMA_CAS_SERVICES=[{"SERVICE": r"^http://(localhost|127\.0\.0\.1)(:\d+)?/",
                            "CALLBACKS": ["mama_cas.callbacks.user_name_attributes"]}],
    )  # fmt: skip
    django.setup()


def urls():
    from django.urls import include, path

    return [path("cas/", include("mama_cas.urls"))]


urlpatterns: list = []


def main() -> None:
    port, db_path, *people = sys.argv[1:]
    configure(db_path)
    global urlpatterns
    urlpatterns = urls()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    for pair in people:
        name, password = pair.split(":", 1)
        if not User.objects.filter(username=name).exists():
            User.objects.create_user(username=name, password=password, first_name=name)
    print(f"ready http://127.0.0.1:{port}/cas", flush=True)
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)


if __name__ == "__main__":
    main()
