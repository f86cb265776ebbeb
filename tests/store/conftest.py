"""The application database under test: an embedded SQLite file, and a real PostgreSQL
server (``tests/helpers/postgres.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.postgres import drop_postgres, fresh_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    """An empty application database, on each of the two engines."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = fresh_postgres(server)
    yield url
    drop_postgres(server, url)
