"""Indicator layers: two files, validated and tested before they reach a screen."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.layers.check import check_layers
from pipelines.publish.refresh import run_refresh
from pipelines.warehouse import current_version
from tests.helpers.cockpits import REPO, make_settings, run_cockpit
from tests.helpers.layers import GOOD_SQL, GOOD_YML


@pytest.fixture
def layers_dir(tmp_path: Path) -> Path:
    target = tmp_path / "layers"
    shutil.copytree(REPO / "layers", target)
    return target


def test_the_shipped_layers_pass_their_checks():
    good, errors = check_layers(REPO / "layers")
    assert errors == []
    assert len(good) == len(list((REPO / "layers").glob("*/*.yml"))) == 55
    assert {layer.spec.domain for layer in good} == {
        "society", "governance", "culture", "economy", "ecology"
    }  # fmt: skip


def test_cli_layers_check_exits_zero_on_the_shipped_layers():
    result = subprocess.run(
        [sys.executable, "-m", "commands.cli", "layers", "check"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "0 problem(s)" in result.stdout


def test_an_unknown_field_names_the_file_and_the_field(layers_dir):
    yml = layers_dir / "society" / "registered_population.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    good, errors = check_layers(layers_dir)
    assert [str(e.path) for e in errors] == [str(yml)]
    assert "field colour" in errors[0].problem and "Extra inputs" in errors[0].problem
    assert "registered_population" not in {layer.id for layer in good}


def test_a_bad_rollup_and_a_failing_test_are_reported(layers_dir):
    yml = layers_dir / "society" / "clinic_visits.yml"
    yml.write_text(
        yml.read_text(encoding="utf-8").replace("rollup: sum", "rollup: average"), encoding="utf-8"
    )
    vaccine = layers_dir / "society" / "vaccine_doses.yml"
    vaccine.write_text(
        vaccine.read_text(encoding="utf-8").replace("value: 88", "value: 89"), encoding="utf-8"
    )
    _, errors = check_layers(layers_dir)
    problems = {e.path.name: e.problem for e in errors}
    assert "field rollup" in problems["clinic_visits.yml"]
    assert (
        "value = 88" in problems["vaccine_doses.yml"]
        and "expected 89" in problems["vaccine_doses.yml"]
    )


def test_an_sql_error_and_a_placeholder_are_reported(layers_dir):
    (layers_dir / "culture" / "volunteer_hours.sql").write_text(
        "SELEC area_code FROM stg.volunteering"
    )
    (layers_dir / "culture" / "volunteer_activities.sql").write_text(
        "SELECT area_code, period, activities AS value FROM stg.volunteering WHERE period = {period}"
    )
    _, errors = check_layers(layers_dir)
    problems = {e.path.name: e.problem for e in errors}
    assert "SQL does not parse" in problems["volunteer_hours.sql"]
    assert "placeholder '{period}'" in problems["volunteer_activities.sql"]


def test_adding_two_files_adds_an_indicator_and_a_broken_one_is_left_out(
    tmp_path, layers_dir, drop_demo
):
    (layers_dir / "society" / "people_per_household.yml").write_text(
        GOOD_YML.format(id="people_per_household"), encoding="utf-8"
    )
    (layers_dir / "society" / "people_per_household.sql").write_text(GOOD_SQL, encoding="utf-8")
    (layers_dir / "society" / "broken.yml").write_text(
        GOOD_YML.format(id="broken"), encoding="utf-8"
    )
    (layers_dir / "society" / "broken.sql").write_text(
        "SELECT nope FROM stg.population", encoding="utf-8"
    )
    settings = make_settings(tmp_path, layers=layers_dir)
    drop_demo(settings)
    lines: list[str] = []
    report = run_refresh(settings, echo=lines.append)
    assert [e.path.name for e in report.layer_errors] == ["broken.sql"]
    assert any("broken.sql" in line for line in lines)
    con = duckdb.connect(str(current_version(settings)), read_only=True)
    ids = {r[0] for r in con.execute("SELECT indicator_id FROM ind.indicator").fetchall()}
    assert "people_per_household" in ids and "broken" not in ids and "clinic_visits" in ids
    district = con.execute(
        "SELECT value FROM ind.indicator_value "
        "WHERE indicator_id = 'people_per_household' AND level = 'district' AND period = '2019-12'"
    ).fetchall()[0][0]
    # The district's figure is all its people over all its households, not a mean of ratios.
    people, households, mean_of_communities = con.execute(
        "SELECT sum(registered_population), sum(households), "
        "avg(registered_population / households) FROM stg.population WHERE period = '2019-12'"
    ).fetchall()[0]
    con.close()
    assert people == 423_600
    assert district == pytest.approx(people / households, rel=1e-12)
    assert abs(district - mean_of_communities) > 1e-3


def _cockpit(layers_dir: Path, *args: str) -> subprocess.CompletedProcess:
    settings = make_settings(layers_dir.parent / "cockpit").with_overrides(layers=layers_dir)
    return run_cockpit(settings, "layers", *args)


def test_layers_new_scaffolds_two_files_whose_test_passes(layers_dir):
    made = _cockpit(
        layers_dir, "new", "governance/hotline_count_copy", "--source", "stg.hotline_ticket"
    )
    assert made.returncode == 0, made.stderr
    assert (layers_dir / "governance" / "hotline_count_copy.yml").exists()
    assert (layers_dir / "governance" / "hotline_count_copy.sql").exists()
    good, errors = check_layers(layers_dir)
    assert errors == []
    assert "hotline_count_copy" in {layer.id for layer in good}
    checked = _cockpit(layers_dir, "check")
    assert checked.returncode == 0 and "0 problem(s)" in checked.stdout


def test_layers_new_refuses_bad_names_and_existing_ids(layers_dir):
    for args, reason in (
        (["new", "politics/x"], "domain must be one of"),
        (["new", "society/Bad-Name"], "lower-case letters"),
        (["new", "society/registered_population"], "exists already"),
        (["new", "society/fine_name", "--source", "population"], "name a staging table"),
    ):
        result = _cockpit(layers_dir, *args)
        assert result.returncode == 2 and reason in result.stderr, (args, result.stderr)


def test_a_passed_layer_is_not_retested_until_one_of_its_files_changes(layers_dir):
    from pipelines.layers.check import layer_digest

    good, errors = check_layers(layers_dir)
    assert not errors
    passed = {layer_digest(layer) for layer in good}
    # A spec whose test now fails: the digest of the changed file is new, so it runs again.
    vaccine = layers_dir / "society" / "vaccine_doses.yml"
    vaccine.write_text(
        vaccine.read_text(encoding="utf-8").replace("value: 88", "value: 89"), encoding="utf-8"
    )
    again, errors = check_layers(layers_dir, passed)
    assert [e.path.name for e in errors] == ["vaccine_doses.yml"]
    assert len(again) == len(good) - 1
    # Put back, its files match the recorded pass again.
    vaccine.write_text(
        vaccine.read_text(encoding="utf-8").replace("value: 89", "value: 88"), encoding="utf-8"
    )
    restored, errors = check_layers(layers_dir, passed)
    assert not errors and len(restored) == len(good)


def test_forecast_breach_is_checked_like_every_other_rule(layers_dir):
    """The early-warning rule is validated by ``cockpit layers check``: a horizon the
    forecasts do not reach, a probability that says nothing, and a rule on a layer with
    no red are each named with their file and field."""
    broken = {
        "family_doctor_coverage": (
            "{within: 3, probability: 0.8}",
            "{within: 6, probability: 0.8}",
        ),
        "recyclable_share": ("{within: 3, probability: 0.8}", "{within: 2, probability: 0.3}"),
    }
    for layer_id, (good, bad) in broken.items():
        yml = next(layers_dir.glob(f"*/{layer_id}.yml"))
        text = yml.read_text(encoding="utf-8")
        assert f"forecast_breach: {good}" in text
        yml.write_text(text.replace(good, bad), encoding="utf-8")
    # A monitoring figure (no thresholds) cannot turn red, so cannot be warned of.
    visits = layers_dir / "society" / "clinic_visits.yml"
    visits.write_text(
        visits.read_text(encoding="utf-8").replace(
            "tests:", "alerts:\n  forecast_breach: {within: 2, probability: 0.8}\ntests:", 1
        ),
        encoding="utf-8",
    )
    result = _cockpit(layers_dir, "check")
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "family_doctor_coverage.yml: field alerts.forecast_breach.within" in out, out
    assert "recyclable_share.yml: field alerts.forecast_breach.probability" in out, out
    assert "clinic_visits.yml" in out and "forecast_breach" in out and "thresholds" in out, out
    assert "3 problem(s)" in out, out
