"""The static files (Dash's scripts, the vendored plotly.js, the assets) sent compressed at
the best ratio, compressed once per machine rather than at every request.

flask-compress compresses every answer as it goes out, at a level fit for answers built
per request (brotli 4): plotly.js's map bundle, 2.9 MB, went out as 859 KB, and was
compressed afresh for every browser that had not kept it. Compressed once with brotli's
best (quality 11, 4 s for that bundle) it is 662 KB: a fifth less to bring over a phone's
network, and no compression at all on the server's side after the first time. gzip (level
9) is kept for a browser without brotli.

Why not WhiteNoise, the library for this: it serves the files of folders it scans at
start-up under their own names, and Dash serves its component suites out of the installed
packages under fingerprinted names of its own (``….v4_4_1m1796624352.js``), behind the
cockpit's own hooks. Here the answer Dash has made is compressed as it stands, so every
name and every header stays Dash's and the cockpit's.

The compressed copies are kept by their content's digest, in a folder of this machine
(``Settings.static_cache``), shared by every worker and every cockpit on it: a file's copy
can never be another's, and a copy is sent only once it has been seen to unpack to the
content its name is the digest of. ``warm`` fills it for the files a cockpit page loads, after each
publish, so that no official waits for brotli's best.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import re
import tempfile
import zlib
from pathlib import Path

import brotli
import flask

from dashboard.urls import ASSETS, SUITES

# What is worth compressing (plotly.js, Dash's bundles, the stylesheet, the i18n
# dictionaries, the icons as SVG); images and fonts are compressed already.
TYPES = {
    "application/javascript", "text/javascript", "text/css", "application/json",
    "image/svg+xml", "application/manifest+json",
}  # fmt: skip
# Below this, the headers outweigh what compression saves.
MIN_SIZE = 1024
ENCODINGS = ("br", "gzip")
_SUFFIX = {"br": ".br", "gzip": ".gz"}


def register(server: flask.Flask, store: Path) -> None:
    """Send the static files compressed from ``store``. Registered after Dash's own
    ``compress``, so that it runs first (Flask runs these hooks last-registered first) and
    flask-compress leaves an answer already compressed as it is."""

    @server.after_request
    def _compressed(response: flask.Response) -> flask.Response:
        request = flask.request
        if (
            request.method != "GET"
            or response.status_code != 200
            or not request.path.startswith((ASSETS, SUITES))
            or response.mimetype not in TYPES
            or "Content-Encoding" in response.headers
        ):
            return response
        encoding = request.accept_encodings.best_match(ENCODINGS)
        if encoding is None:
            return response
        response.direct_passthrough = False
        body = response.get_data()
        if len(body) < MIN_SIZE:
            return response
        data = packed(store, body, encoding)
        if data is None:
            return response
        response.set_data(data)
        response.headers["Content-Encoding"] = encoding
        vary = response.headers.get("Vary")
        if not vary or "accept-encoding" not in vary.lower():
            response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
        etag, weak = response.get_etag()
        if etag:
            response.set_etag(f"{etag}:{encoding}", weak=weak)
        return response


def packed(store: Path, body: bytes, encoding: str) -> bytes | None:
    """``body`` compressed with ``encoding`` ("br" or "gzip"), from ``store`` when it holds
    it, else compressed now and kept there. None when ``store`` cannot be written to:
    brotli's best at every request would cost seconds, so the answer is left to be
    compressed as it goes out, as any other."""
    kept = store / (hashlib.sha256(body).hexdigest() + _SUFFIX[encoding])
    found = _read_checked(kept, encoding)
    if found is not None:
        return found
    try:
        store.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written aside, then renamed: another worker never reads half a file.
        handle = tempfile.NamedTemporaryFile(dir=store, delete=False)  # noqa: SIM115 - closed below, once written
    except OSError:
        return None
    if encoding == "br":
        data = brotli.compress(body, quality=11, lgwin=24)
    else:
        data = gzip.compress(body, compresslevel=9, mtime=0)
    with handle:
        handle.write(data)
    os.replace(handle.name, kept)
    return data


def _read_checked(kept: Path, encoding: str) -> bytes | None:
    """The store's copy, if it unpacks to the content its name is the digest of. The store
    is a folder outside the install: a copy someone put there, or one cut short, is
    compressed again rather than sent as the cockpit's script."""
    try:
        data = kept.read_bytes()
    except OSError:
        return None
    good = _holds_its_digest(str(kept), hashlib.sha256(data).hexdigest(), encoding)
    return data if good else None


@functools.lru_cache(maxsize=256)
def _holds_its_digest(path: str, packed_digest: str, encoding: str) -> bool:
    # Checked once per process for each copy (unpacking plotly.js takes 10 ms, hashing
    # what is read 1 ms): the copy is known by the digest of its own bytes, so a file
    # replaced since, between the two reads too, is a copy not yet checked.
    try:
        data = Path(path).read_bytes()
        if hashlib.sha256(data).hexdigest() != packed_digest:
            return False
        body = brotli.decompress(data) if encoding == "br" else gzip.decompress(data)
    except (OSError, brotli.error, gzip.BadGzipFile, EOFError, zlib.error):
        return False
    return hashlib.sha256(body).hexdigest() == Path(path).name.split(".")[0]


def warm(app, store: Path) -> int:  # noqa: ANN001 - a Dash app
    """Have ``store`` hold the static files a cockpit page loads, in every encoding: how
    many files it holds for them."""
    client = app.server.test_client()
    kept = 0
    for url in page_files(app):
        answer = client.get(url, headers={"Accept-Encoding": "identity"})
        body = answer.get_data()
        if answer.status_code == 200 and answer.mimetype in TYPES and len(body) >= MIN_SIZE:
            kept += all(packed(store, body, encoding) is not None for encoding in ENCODINGS)
    return kept


def page_files(app) -> list[str]:  # noqa: ANN001 - a Dash app
    """The addresses of the scripts and stylesheets an app's pages load, as its index
    names them."""
    app.server.test_client().get("/login")  # Dash registers its scripts at the first request
    with app.server.test_request_context("/"):
        index = app.index()
    return re.findall(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(/[^"]+)"', index)
