"""The static files a cockpit page loads come compressed with brotli's best (gzip's for a
browser without brotli), compressed once per machine and kept by their content's digest
(``dashboard/shell/compressed.py``): a phone brings a fifth less over its network, and the
server compresses nothing at each load."""

from __future__ import annotations

import gzip
import hashlib
import re

import brotli

from dashboard.shell import compressed
from dashboard.shell.app import create_app
from dashboard.shell.warm import warm_top
from tests.helpers.cockpits import copy_of_demo

PLOTLY = "/assets/vendor/plotly-map.min.js"


def _page_files(visitor, site) -> list[str]:
    page = visitor.get(f"{site.url}/").text
    files = re.findall(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(/[^"]+)"', page)
    assert any(PLOTLY in f for f in files) and any(".css" in f for f in files), files
    return files


def test_every_script_and_stylesheet_comes_compressed_as_the_file_itself(site, people):
    visitor = site.visitor(people["district"])
    sizes = {"br": 0, "gzip": 0, "identity": 0}
    for url in _page_files(visitor, site):
        plain = visitor.get(f"{site.url}{url}", headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
        sizes["identity"] += len(plain.content)
        for encoding, unpack in (("br", brotli.decompress), ("gzip", gzip.decompress)):
            packed = visitor.get(f"{site.url}{url}", headers={"Accept-Encoding": encoding})
            if (
                len(plain.content) < compressed.MIN_SIZE
                or plain.headers["Content-Type"].split(";")[0] not in compressed.TYPES
            ):
                continue
            assert packed.headers["Content-Encoding"] == encoding, url
            assert unpack(packed.content) == plain.content, url
            assert "Accept-Encoding" in packed.headers["Vary"]
            # A cache between keeps each encoding apart, and never mixes them up.
            if plain.headers.get("ETag"):
                assert packed.headers["ETag"] != plain.headers["ETag"]
            sizes[encoding] += len(packed.content)
    assert sizes["br"] < sizes["gzip"] < sizes["identity"] / 2, sizes
    # Chromium accepts zstd as well and still gets brotli's best.
    chromium = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    bundle = next(u for u in _page_files(visitor, site) if PLOTLY in u)
    sent = visitor.get(f"{site.url}{bundle}", headers=chromium)
    assert sent.headers["Content-Encoding"] == "br"
    # Brotli's best: a fifth smaller than the level answers are compressed at on the fly.
    on_the_fly = brotli.compress(brotli.decompress(sent.content), quality=4)
    assert len(sent.content) < 0.85 * len(on_the_fly)


def test_files_are_compressed_once_into_the_machines_store_and_read_from_it(demo, tmp_path):
    store = tmp_path / "static"
    settings = copy_of_demo(demo, tmp_path / "cockpit").with_overrides(static_cache=store)
    app = create_app(settings=settings)
    client = app.server.test_client()
    url = next(u for u in compressed.page_files(app) if "style.css" in u)
    css = client.get(url, headers={"Accept-Encoding": "identity"}).get_data()
    first = client.get(url, headers={"Accept-Encoding": "br"}).get_data()
    kept = store / (hashlib.sha256(css).hexdigest() + ".br")
    assert kept.read_bytes() == first
    # What the store holds is what every worker sends: a second app on the same store.
    again = create_app(settings=settings).server.test_client()
    assert again.get(url, headers={"Accept-Encoding": "br"}).get_data() == kept.read_bytes()
    # A copy in the store that is not what its name says (put there, or cut short) is
    # never sent: the file is compressed again, and the copy replaced.
    kept.write_bytes(brotli.compress(b"alert('not the cockpit');"))
    third = create_app(settings=settings).server.test_client()
    sent = third.get(url, headers={"Accept-Encoding": "br"}).get_data()
    assert brotli.decompress(sent) == css and brotli.decompress(kept.read_bytes()) == css
    # A store that cannot be written to leaves the file to be compressed as it goes out, as
    # before: never a failed answer, nor brotli's best (seconds) at every request.
    blocked = settings.with_overrides(static_cache=tmp_path / "a-file")
    (tmp_path / "a-file").write_text("not a folder")
    answer = (
        create_app(settings=blocked)
        .server.test_client()
        .get(url, headers={"Accept-Encoding": "br"})
    )
    assert answer.status_code == 200 and brotli.decompress(answer.get_data()) == css


def test_a_publish_leaves_every_file_of_the_page_compressed(demo, tmp_path):
    store = tmp_path / "static"
    settings = copy_of_demo(demo, tmp_path / "cockpit").with_overrides(static_cache=store)
    said = warm_top(settings)
    app = create_app(settings=settings)
    client = app.server.test_client()
    plain = [client.get(u, headers={"Accept-Encoding": "identity"})
             for u in compressed.page_files(app)]  # fmt: skip
    worth = [a for a in plain
             if a.mimetype in compressed.TYPES and len(a.get_data()) >= compressed.MIN_SIZE]  # fmt: skip
    assert len(worth) >= 10
    count = int(re.search(r"static files: (\d+) kept compressed", said).group(1))
    assert count == len(worth)
    kept = {hashlib.sha256(a.get_data()).hexdigest() for a in worth}
    assert {p.name.removesuffix(".br") for p in store.glob("*.br")} == kept
    assert {p.name.removesuffix(".gz") for p in store.glob("*.gz")} == kept
