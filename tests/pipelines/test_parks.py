"""A park is an overlay: its facilities count once in their community, street and district,
and the park's own values come from the facilities inside its polygon."""

from __future__ import annotations

import orjson
import shapely
from shapely.geometry import shape

PARK = "330103008P01"


def _park_polygon(wh):
    geometry = wh.execute("SELECT geometry FROM ind.area_shape WHERE code = ?", [PARK]).fetchall()[
        0
    ][0]
    return shape(orjson.loads(geometry))


def _value(wh, indicator: str, area: str, period: str = "2019-12") -> float:
    return wh.execute(
        "SELECT value FROM ind.indicator_value WHERE indicator_id = ? AND area_code = ? "
        "AND period = ?",
        [indicator, area, period],
    ).fetchall()[0][0]


def test_the_parks_car_parks_are_counted_once_in_the_district_total(wh):
    lots = wh.execute(
        "SELECT area_code, lon, lat, spaces FROM stg.car_parks WHERE period = '2019-12'"
    ).fetchall()
    filed_under_park = sum(s for code, _lon, _lat, s in lots if code == PARK)
    assert filed_under_park == 2_750  # 4 car parks the parking centre files under the park
    every_space = sum(s for *_rest, s in lots)
    assert _value(wh, "parking_spaces", "330103000000") == every_space
    # Their street counts them too, and the park is never added on top.
    street = wh.execute(
        "SELECT sum(spaces) FROM stg.car_parks c JOIN ind.area a ON a.code = c.area_code "
        "WHERE c.period = '2019-12' AND (a.parent_code = '330103008000' OR c.area_code = ?)",
        [PARK],
    ).fetchall()[0][0]
    assert _value(wh, "parking_spaces", "330103008000") == street


def test_the_parks_values_are_the_facilities_inside_its_polygon(wh):
    park = _park_polygon(wh)
    lots = wh.execute(
        "SELECT lon, lat, spaces, occupancy_pct FROM stg.car_parks WHERE period = '2019-12'"
    ).fetchall()
    inside = [(s, o) for lon, lat, s, o in lots if park.contains(shapely.Point(lon, lat))]
    # The park's own four, and a community car park that stands inside the park.
    assert len(inside) == 5
    assert _value(wh, "parking_spaces", PARK) == sum(s for s, _o in inside)
    weighted = sum(s * o for s, o in inside) / sum(s for s, _o in inside)
    assert abs(_value(wh, "parking_occupancy", PARK) - weighted) < 1e-9
    devices = wh.execute(
        "SELECT DISTINCT device_id, lon, lat FROM stg.elevator_month WHERE period = '2019-12'"
    ).fetchall()
    in_park = [d for d, lon, lat in devices if park.contains(shapely.Point(lon, lat))]
    assert _value(wh, "smart_elevators", PARK) == len(in_park) > 60


def test_a_park_facility_belongs_to_the_community_it_stands_in(wh):
    rows = wh.execute(
        "SELECT DISTINCT c.lon, c.lat, c.community_code, s.geometry FROM stg.car_parks c "
        "JOIN ind.area_shape s ON s.code = c.community_code WHERE c.area_code = ?",
        [PARK],
    ).fetchall()
    assert len(rows) == 4
    for lon, lat, community, geometry in rows:
        assert shape(orjson.loads(geometry)).contains(shapely.Point(lon, lat)), community
    # The roll-up check holds with the park's facilities inside the tree.
    unplaced = wh.execute(
        "SELECT count(*) FROM stg.car_parks WHERE community_code IS NULL"
    ).fetchall()[0][0]
    assert unplaced == 0


def test_park_kitchens_without_a_point_go_to_the_parks_host_community(wh):
    # The market regulator reports kitchens as counts per area, with no point: the park's
    # count joins the community that holds most of the park.
    park = _park_polygon(wh)
    shapes = wh.execute(
        "SELECT a.code, s.geometry FROM ind.area a JOIN ind.area_shape s USING (code) "
        "WHERE a.level = 'community'"
    ).fetchall()
    host = max(shapes, key=lambda r: shape(orjson.loads(r[1])).intersection(park).area)[0]
    reported = dict(
        wh.execute(
            "SELECT area_code, outlets FROM stg.kitchens WHERE period = '2019-12' "
            "AND area_code IN (?, ?)",
            [PARK, host],
        ).fetchall()
    )
    community = wh.execute(
        "SELECT denominator FROM ind.indicator_value WHERE indicator_id = 'open_kitchen_share' "
        "AND area_code = ? AND period = '2019-12'",
        [host],
    ).fetchall()[0][0]
    assert community == reported[PARK] + reported[host]
    district = wh.execute(
        "SELECT denominator FROM ind.indicator_value WHERE indicator_id = 'open_kitchen_share' "
        "AND level = 'district' AND period = '2019-12'"
    ).fetchall()[0][0]
    assert (
        district
        == wh.execute("SELECT sum(outlets) FROM stg.kitchens WHERE period = '2019-12'").fetchall()[
            0
        ][0]
    )
