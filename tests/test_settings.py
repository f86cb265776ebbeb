"""Settings come from cockpit.toml and COCKPIT_<KEY>, typed by pydantic-settings; a bad
one is refused with its key and where it came from: the file, or the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cockpit.settings import SettingsError, load_settings
from tests.helpers.cockpits import REPO

MINIMAL = (
    'inbox = "in"\narchive = "arch"\nwarehouse = "wh/c.duckdb"\nlayers = "l"\nreference = "r"\n'
)


def _file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "conf" / "cockpit.toml"
    path.parent.mkdir()
    path.write_text(MINIMAL + extra, encoding="utf-8")
    return path


def test_values_are_typed_and_paths_are_taken_from_the_files_folder(tmp_path):
    path = _file(tmp_path, "port = 9000\nsecure_cookies = true\n")
    settings = load_settings(path, environ={"COCKPIT_WORKERS": "4", "COCKPIT_LANG": "en"})
    assert (settings.port, settings.workers, settings.lang) == (9000, 4, "en")
    assert settings.secure_cookies is True
    assert settings.inbox == path.parent / "in"
    assert settings.warehouse == path.parent / "wh" / "c.duckdb"
    assert settings.app_db == f"sqlite:///{path.parent / 'data' / 'app.db'}"
    # An absolute path stands as given; a URL for the application database too.
    settings = load_settings(
        path, environ={"COCKPIT_INBOX": "/srv/in", "COCKPIT_APP_DB": "postgresql://h/db"}
    )
    assert settings.inbox == Path("/srv/in") and settings.app_db == "postgresql://h/db"
    # A list, as JSON in the environment: the district's own headline figures.
    chosen = '["households", "aged_80_plus", "pm25_latest", "volunteer_hours"]'
    settings = load_settings(path, environ={"COCKPIT_HEADLINE": chosen})
    assert settings.headline == ["households", "aged_80_plus", "pm25_latest", "volunteer_hours"]


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"COCKPIT_PORT": "eighty"}, "environment variable COCKPIT_PORT: setting 'port'"),
        ({"COCKPIT_SECURE_COOKIES": "maybe"}, "COCKPIT_SECURE_COOKIES: setting 'secure_cookies'"),
        ({"COCKPIT_LANG": "fr"}, "COCKPIT_LANG: setting 'lang': Input should be 'zh' or 'en'"),
        ({"COCKPIT_WORKERS": "0"}, "COCKPIT_WORKERS: setting 'workers'"),
        (
            {"COCKPIT_HEADLINE": '["a", "b", "c"]'},
            "setting 'headline': List should have at least 4",
        ),
        (
            {"COCKPIT_HEADLINE": '["a","b","c","d","e","f","g"]'},
            "setting 'headline': List should have at most 6",
        ),
    ],
)
def test_a_bad_environment_variable_is_named(tmp_path, environ, message):
    with pytest.raises(SettingsError) as caught:
        load_settings(_file(tmp_path), environ=environ)
    assert message in str(caught.value)


def test_a_bad_file_names_the_file_and_each_key(tmp_path):
    path = _file(tmp_path, 'port = "x"\nwall_dwel_seconds = 5\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(path, environ={})
    text = str(caught.value)
    assert f"{path}: setting 'port': Input should be a valid integer" in text
    assert "(got 'x')" in text
    assert f"{path}: unknown setting 'wall_dwel_seconds'" in text
    path.write_text('inbox = "in"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="setting 'archive' is required"):
        load_settings(path, environ={})
    path.write_text("inbox = \n", encoding="utf-8")
    with pytest.raises(SettingsError, match=str(path)):
        load_settings(path, environ={})


def test_the_cli_refuses_a_bad_setting_with_its_name(tmp_path):
    env = {**os.environ, "COCKPIT_CONFIG": str(_file(tmp_path)), "COCKPIT_PORT": "eighty"}
    result = subprocess.run(
        [sys.executable, "-m", "commands.cli", "status"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "COCKPIT_PORT" in result.stderr and "traceback" not in result.stderr.lower()


def test_the_cache_setting_refuses_what_it_cannot_use() -> None:
    with pytest.raises(SettingsError, match="setting 'cache'"):
        load_settings(REPO / "cockpit.toml", environ={"COCKPIT_CACHE": "memcached"})
    memory = load_settings(REPO / "cockpit.toml", environ={"COCKPIT_CACHE": "memory"})
    assert memory.cache == "memory"
    redis = load_settings(REPO / "cockpit.toml", environ={"COCKPIT_CACHE": "redis://db:6379/0"})
    assert redis.cache == "redis://db:6379/0"
