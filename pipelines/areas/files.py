"""An area tree from a district's own files: NBS-style code lists of streets
(``street_code,street_name,district_code,district_name``) and communities
(``code,name,street_code,street_name``), with parks, English names and official areas
beside them. Every problem names the file, row, column and reason."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from pypinyin import lazy_pinyin

AREA_COLUMNS = ["code", "parent_code", "level", "name_zh", "name_en", "area_km2"]

_STREET_COLUMNS = ("street_code", "street_name", "district_code", "district_name")
_COMMUNITY_COLUMNS = ("code", "name", "street_code", "street_name")
_PARK_COLUMNS = ("code", "parent_code", "name_zh")
_PARK_CODE = re.compile(r"\d{9}P\d{2}")


class AreaFileError(ValueError):
    """A code list that cannot make an area tree: names the file, row, column and reason."""


def read_table(path: Path) -> pd.DataFrame:
    # Codes are text; never let a reader turn them into numbers. A BOM (Excel's utf-8) is
    # dropped by utf-8-sig.
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise AreaFileError(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise AreaFileError(f"{path}: not UTF-8 text ({exc.reason}); save it as UTF-8") from exc
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise AreaFileError(f"{path}: not a CSV table ({exc})") from exc
    frame.columns = [c.strip() for c in frame.columns]
    return frame.map(str.strip)


def require_columns(frame: pd.DataFrame, path: Path, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise AreaFileError(
            f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}"
        )


def code_column(frame: pd.DataFrame, path: Path, column: str, digits: tuple[int, ...]) -> pd.Series:
    """The column as 12-character codes; a bad cell names its row (the header is row 1)."""
    for number, text in enumerate(frame[column], start=2):
        if not (text.isascii() and text.isdigit() and len(text) in digits):
            shape = " or ".join(str(d) for d in digits)
            raise AreaFileError(
                f"{path}: row {number}, column {column}: {text!r} is not a {shape}-digit code"
            )
    return frame[column].str.ljust(12, "0")


def km2_column(frame: pd.DataFrame, path: Path, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="Float64")
    values = pd.to_numeric(frame[column].replace("", None), errors="coerce")
    bad = frame[column].ne("") & (values.isna() | (values <= 0))
    if bad.any():
        number = int(bad.to_numpy().nonzero()[0][0]) + 2
        text = frame[column][bad].iloc[0]
        raise AreaFileError(
            f"{path}: row {number}, column {column}: {text!r} is not an area in km²"
        )
    return values.astype("Float64")


def build_area_tree(
    streets_csv: Path,
    communities_csv: Path,
    parks_csv: Path | None = None,
    details_csv: Path | None = None,
    city_name: str | None = None,
) -> pd.DataFrame:
    """The area tree from NBS-style code lists; raises ``AreaFileError`` naming the file,
    row, column and reason of the first problem. Streets of several districts make a city
    (``city_name``, its code the districts' first four digits); the lists carry no city's
    name, so it must be given."""
    streets = read_table(streets_csv)
    require_columns(streets, streets_csv, _STREET_COLUMNS)
    communities = read_table(communities_csv)
    require_columns(communities, communities_csv, _COMMUNITY_COLUMNS)
    if streets.empty:
        raise AreaFileError(f"{streets_csv}: no streets")
    district_codes = code_column(streets, streets_csv, "district_code", (6, 12))
    street_codes = code_column(streets, streets_csv, "street_code", (9, 12))
    rows = _top_rows(streets, streets_csv, district_codes, city_name)
    rows += [
        {
            "code": code,
            "parent_code": district,
            "level": "street",
            "name_zh": name,
            "area_km2": area,
        }
        for code, district, name, area in zip(
            street_codes, district_codes, streets["street_name"],
            km2_column(streets, streets_csv, "area_km2"), strict=True,
        )
    ]  # fmt: skip
    parents = code_column(communities, communities_csv, "street_code", (9, 12))
    unknown = ~parents.isin(set(street_codes))
    if unknown.any():
        number = int(unknown.to_numpy().nonzero()[0][0]) + 2
        raise AreaFileError(
            f"{communities_csv}: row {number}, column street_code: "
            f"{communities['street_code'][unknown].iloc[0]} is not a street of {streets_csv.name}"
        )
    rows += [
        {"code": code, "parent_code": parent, "level": "community", "name_zh": name,
         "area_km2": area}
        for code, parent, name, area in zip(
            code_column(communities, communities_csv, "code", (12,)), parents, communities["name"],
            km2_column(communities, communities_csv, "area_km2"), strict=True,
        )
    ]  # fmt: skip
    if parks_csv is not None:
        rows += _parks(parks_csv)
    tree = pd.DataFrame(rows)
    if "name_en" not in tree.columns:
        tree["name_en"] = pd.NA
    if details_csv is not None:
        tree = _with_details(tree, details_csv)
    missing = tree["name_en"].isna()
    tree.loc[missing, "name_en"] = [
        romanised(name, level)
        for name, level in zip(tree.loc[missing, "name_zh"], tree.loc[missing, "level"],
                               strict=True)
    ]  # fmt: skip
    tree["area_km2"] = tree["area_km2"].astype("Float64")
    check_tree(tree)
    return tree[AREA_COLUMNS]


_LEVEL_WORDS = {
    "city": ("市", "City"),
    "district": ("区", "District"),
    "street": ("街道", "Subdistrict"),
    "community": ("社区", "Community"),
    "park": ("园区", "Park"),
}


def _top_rows(
    streets: pd.DataFrame, path: Path, district_codes: pd.Series, city_name: str | None
) -> list[dict]:
    """The district, or the city and its districts, above the streets."""
    districts = (
        pd.DataFrame({"code": district_codes, "name_zh": streets["district_name"]})
        .drop_duplicates("code")
        .sort_values("code")
    )
    if len(districts) == 1 and not city_name:
        top, parent = [], None
    elif not city_name:
        raise AreaFileError(
            f"{path}: streets of {len(districts)} districts "
            f"({', '.join(districts['code'])}): name their city (--city 杭州市)"
        )
    else:
        prefixes = sorted({code[:4] for code in districts["code"]})
        if len(prefixes) > 1:
            raise AreaFileError(
                f"{path}: column district_code: districts of several cities ({', '.join(prefixes)})"
            )
        parent = prefixes[0] + "00000000"
        top = [{"code": parent, "parent_code": None, "level": "city", "name_zh": city_name,
                "area_km2": pd.NA}]  # fmt: skip
    return top + [
        {"code": d.code, "parent_code": parent, "level": "district", "name_zh": d.name_zh,
         "area_km2": pd.NA}
        for d in districts.itertuples()
    ]  # fmt: skip


def romanised(name: str, level: str) -> str:
    """An English name from the Chinese one, in Hanyu Pinyin (拱墅区 → Gongshu District).
    Place names with polyphones (长 chang/zhang, 朝 chao/zhao) can come out wrong: an
    operator corrects them with ``--details``."""
    suffix, word = _LEVEL_WORDS[level]
    stem = name.removesuffix(suffix) or name
    syllables = "".join(lazy_pinyin(stem, errors="default"))
    return f"{syllables[:1].upper()}{syllables[1:]} {word}"


def _parks(path: Path) -> list[dict]:
    parks = read_table(path)
    require_columns(parks, path, _PARK_COLUMNS)
    for number, code in enumerate(parks["code"], start=2):
        if not _PARK_CODE.fullmatch(code):
            raise AreaFileError(
                f"{path}: row {number}, column code: {code!r} is not a park code "
                "(a street's 9 digits, P and two digits)"
            )
    areas = km2_column(parks, path, "area_km2")
    names_en = parks["name_en"] if "name_en" in parks.columns else parks["name_zh"]
    return [
        {"code": p.code, "parent_code": p.parent_code.ljust(12, "0"), "level": "park",
         "name_zh": p.name_zh, "name_en": en or None, "area_km2": area}
        for p, en, area in zip(parks.itertuples(), names_en, areas, strict=True)
    ]  # fmt: skip


def _with_details(tree: pd.DataFrame, path: Path) -> pd.DataFrame:
    """English names and official areas (``code,name_en,area_km2``; either may be blank)."""
    details = read_table(path)
    require_columns(details, path, ("code",))
    details["code"] = code_column(details, path, "code", (6, 9, 12))
    known = set(tree["code"])
    for number, code in enumerate(details["code"], start=2):
        if code not in known:
            raise AreaFileError(f"{path}: row {number}, column code: {code} is not in the tree")
    by_code = details.set_index("code")
    if "name_en" in details.columns:
        names = tree["code"].map(by_code["name_en"].replace("", None))
        tree["name_en"] = names.fillna(tree["name_en"])
    if "area_km2" in details.columns:
        areas = km2_column(details, path, "area_km2")
        areas.index = details["code"]
        tree["area_km2"] = tree["area_km2"].fillna(tree["code"].map(areas))
    return tree


def check_tree(tree: pd.DataFrame) -> None:
    dupes = tree[tree["code"].duplicated()]["code"].tolist()
    if dupes:
        raise AreaFileError(f"area tree: duplicate codes {dupes}")
    codes = set(tree["code"])
    orphans = tree[tree["parent_code"].notna() & ~tree["parent_code"].isin(codes)]
    if not orphans.empty:
        raise AreaFileError(f"area tree: unknown parents for {orphans['code'].tolist()}")
    bad = tree[tree["code"].str.len() != 12]["code"].tolist()
    if bad:
        raise AreaFileError(f"area tree: codes must have 12 characters: {bad}")
