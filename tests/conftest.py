"""Shared fixtures: a demo district loaded into a real warehouse in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cockpit.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent


def make_settings(root: Path, **overrides: object) -> Settings:
    """Settings for an isolated cockpit under ``root``, with the repo's layers and reference."""
    base = load_settings(REPO / "cockpit.toml", environ={})
    return base.with_overrides(
        inbox=root / "inbox",
        archive=root / "archive",
        warehouse=root / "warehouse" / "cockpit.duckdb",
        **overrides,
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that points a `cockpit` process at these settings."""
    return {
        "COCKPIT_CONFIG": str(REPO / "cockpit.toml"),
        "COCKPIT_INBOX": str(settings.inbox),
        "COCKPIT_ARCHIVE": str(settings.archive),
        "COCKPIT_WAREHOUSE": str(settings.warehouse),
        "COCKPIT_LAYERS": str(settings.layers),
        "COCKPIT_REFERENCE": str(settings.reference),
    }


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The demo district, generated and refreshed once for the whole session."""
    from pipelines.demo import write_demo
    from pipelines.refresh import run_refresh

    settings = make_settings(tmp_path_factory.mktemp("demo"))
    write_demo(settings)
    report = run_refresh(settings, echo=lambda _line: None)
    assert report.ok, (report.failed_sources, report.layer_errors)
    return settings


@pytest.fixture
def wh(demo: Settings):
    """A read-only connection to the published demo warehouse."""
    con = duckdb.connect(str(demo.warehouse.resolve()), read_only=True)
    yield con
    con.close()
