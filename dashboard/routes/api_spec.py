"""The OpenAPI 3.1 document of ``/api/v1`` (``/api/v1/openapi.json``), and a page that
shows it (``/api/v1/docs``), drawn on the server from the same document: no script, no
font and nothing from the internet, so that it reads on an intranet."""

from __future__ import annotations

from functools import cache
from html import escape

import flask

_CODE = {"type": "string", "pattern": "^[0-9]{9}([0-9P][0-9]{2})?$",
         "description": "An area code: 12 characters, or the 9 digits of a street"}  # fmt: skip
_MONTH = {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$", "example": "2019-12"}
_LEVEL = {"type": "string", "enum": ["city", "district", "street", "community", "park"]}


def _query(name: str, schema: dict, text: str, required: bool = False) -> dict:
    return {"name": name, "in": "query", "required": required, "schema": schema,
            "description": text}  # fmt: skip


_PAGE = [
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 5000, "default": 1000},
           "Rows in this page"),
    _query("offset", {"type": "integer", "minimum": 0, "maximum": 10**9, "default": 0},
           "Rows to skip"),
    _query("format", {"type": "string", "enum": ["json", "csv"], "default": "json"},
           "JSON, or CSV (UTF-8 with a byte-order mark, for Excel)"),
]  # fmt: skip
_ERRORS = {
    "304": {"description": "Not modified since the ETag sent in If-None-Match"},
    "400": {"description": "A parameter is unknown or out of its form; the answer says which",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "401": {"description": "No usable API key (missing, unknown, revoked or expired)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "404": {"description": "No such area or indicator for this key (outside its scope alike)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "429": {"description": "Too many calls for this key; try again later"},
}  # fmt: skip


def _list(item: str) -> dict:
    return {
        "200": {
            "description": "One page of rows, with the data version they come from",
            "headers": {"ETag": {"schema": {"type": "string"}},
                        "X-Data-Version": {"schema": {"type": "string"}}},
            "content": {
                "application/json": {"schema": {
                    "type": "object", "required": ["version", "total", "data"],
                    "properties": {
                        "version": {"type": "string"}, "total": {"type": "integer"},
                        "limit": {"type": "integer"}, "offset": {"type": "integer"},
                        "next": {"type": ["string", "null"]},
                        "data": {"type": "array",
                                 "items": {"$ref": f"#/components/schemas/{item}"}},
                    },
                }},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        **_ERRORS,
    }  # fmt: skip


def _get(summary: str, parameters: list[dict], responses: dict) -> dict:
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses,
                    "security": [{"apiKey": []}]}}  # fmt: skip


def _object(properties: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": properties, "required": required}


_NULLABLE_NUMBER = {"type": ["number", "string", "null"],
                    "description": "The value; \"<k\" for a small count, \"hidden\" for a "
                                   "value hidden to protect one"}  # fmt: skip


@cache
def openapi() -> dict:
    area_path = {"name": "code", "in": "path", "required": True, "schema": _CODE}
    indicator_id = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,63}$"}
    indicator_path = {"name": "indicator_id", "in": "path", "required": True,
                      "schema": indicator_id}  # fmt: skip
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "城市大脑驾驶舱 · 共享接口 (cockpit data API)",
            "version": "1",
            "description": "The cockpit's published data, read-only, for the systems that "
            "use it. Send an API key (cockpit apikeys add) as Authorization: Bearer <key>. "
            "A key reads its area, everything under it and its ancestors' aggregates.",
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/areas": _get("The areas the key may read", [
                _query("level", _LEVEL, "Only this level"),
                _query("parent", _CODE, "Only the children of this area"), *_PAGE,
            ], _list("Area")),
            "/api/v1/areas/{code}": _get("One area and its children", [area_path], {
                "200": {"description": "The area", "content": {"application/json": {
                    "schema": _object({"version": {"type": "string"},
                                       "data": {"$ref": "#/components/schemas/AreaWithChildren"}},
                                      ["version", "data"])}}},
                **_ERRORS}),
            "/api/v1/indicators": _get("The indicator dictionary", [
                _query("domain", {"type": "string"}, "Only this domain"), *_PAGE,
            ], _list("Indicator")),
            "/api/v1/indicators/{indicator_id}/values": _get(
                "An indicator's values for an area, or for the areas of a level under it", [
                    indicator_path, _query("area", _CODE, "The area", required=True),
                    _query("from", _MONTH, "First month (default: the first published)"),
                    _query("to", _MONTH, "Last month (default: the latest)"),
                    _query("level", _LEVEL, "The areas of this level under the area"), *_PAGE,
                ], _list("Value")),
            "/api/v1/alerts": _get("What needs attention (需关注) in an area and under it", [
                _query("area", _CODE, "The area", required=True),
                _query("period", _MONTH, "The month (default: the latest)"), *_PAGE,
            ], _list("Alert")),
            "/api/v1/catalog": _get("The data catalog: sources, owners, freshness", _PAGE,
                                    _list("Source")),
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": _object({"error": {"type": "string"}, "status": {"type": "integer"}},
                                 ["error"]),
                "Area": _object({"code": _CODE, "level": _LEVEL,
                                 "parent_code": {"type": ["string", "null"]},
                                 "name_zh": {"type": "string"}, "name_en": {"type": "string"}},
                                ["code", "level", "name_zh"]),
                "AreaWithChildren": _object({"code": _CODE, "level": _LEVEL,
                                             "parent_code": {"type": ["string", "null"]},
                                             "name_zh": {"type": "string"},
                                             "name_en": {"type": "string"},
                                             "children": {"type": "array",
                                                          "items": {"type": "string"}}},
                                            ["code", "level", "children"]),
                "Indicator": _object({"indicator_id": {"type": "string"},
                                      "name_zh": {"type": "string"}, "name_en": {"type": "string"},
                                      "unit_zh": {"type": ["string", "null"]},
                                      "direction": {"type": "string"},
                                      "levels": {"type": "array", "items": {"type": "string"}}},
                                     ["indicator_id", "name_zh"]),
                "Value": _object({"area_code": _CODE, "level": _LEVEL, "period": _MONTH,
                                  "value": _NULLABLE_NUMBER,
                                  "status": {"type": ["string", "null"],
                                             "enum": ["green", "amber", "red", "few", None]},
                                  "target": {"type": ["number", "null"]},
                                  "suppressed": {"type": "boolean"}},
                                 ["area_code", "period", "value", "suppressed"]),
                "Alert": _object({"period": _MONTH, "indicator_id": {"type": "string"},
                                  "area_code": _CODE, "value": {"type": ["number", "null"]},
                                  "status": {"type": "string"}, "priority": {"type": "number"},
                                  "reasons_zh": {"type": "array", "items": {"type": "string"}}},
                                 ["indicator_id", "area_code", "priority"]),
                "Source": _object({"source": {"type": "string"},
                                   "department": {"type": "string"},
                                   "last_success": {"type": ["string", "null"]},
                                   "freshness": {"type": ["string", "null"]}}, ["source"]),
            },
        },
    }  # fmt: skip


def docs_page() -> flask.Response:
    """The document as a page: each path, what it takes and what it answers."""
    spec = openapi()
    parts = [f"<h1>{escape(spec['info']['title'])}</h1>",
             f"<p>{escape(spec['info']['description'])}</p>",
             '<p><a href="/api/v1/openapi.json">openapi.json</a> (OpenAPI 3.1)</p>']  # fmt: skip
    for path, item in spec["paths"].items():
        op = item["get"]
        rows = "".join(
            f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p['in'])}</td>"
            f"<td>{'yes' if p.get('required') else ''}</td>"
            f"<td>{escape(str(p.get('description', p['schema'].get('description', ''))))}</td></tr>"
            for p in op["parameters"]
        )
        answers = "".join(
            f"<li><b>{code}</b> {escape(r['description'])}</li>"
            for code, r in op["responses"].items()
        )
        parts.append(
            f"<section><h2><code>GET {escape(path)}</code></h2><p>{escape(op['summary'])}</p>"
            f"<table><tr><th>parameter</th><th>in</th><th>required</th><th>meaning</th></tr>"
            f"{rows}</table><ul>{answers}</ul></section>"
        )
    page = ("<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
            "<title>cockpit API v1</title><link rel='stylesheet' href='/assets/style.css'>"
            "</head><body class='api-docs'>" + "".join(parts) + "</body></html>")  # fmt: skip
    return flask.Response(page, mimetype="text/html")
