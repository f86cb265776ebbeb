"""The demo's every published figure against the committed snapshot
(``tests/snapshots/values.txt``). The test never rewrites it: ``make snapshot`` does, after
an intended change, and the diff is reviewed like code."""

from __future__ import annotations

import difflib

from tests.snapshots.values import SNAPSHOT, render


def test_every_value_status_and_rank_matches_the_snapshot(wh):
    got = render(wh)
    want = SNAPSHOT.read_text(encoding="utf-8")
    if got != want:
        diff = difflib.unified_diff(
            want.splitlines(), got.splitlines(), "snapshot", "published", n=0, lineterm=""
        )
        shown = list(diff)
        changed = sum(1 for line in shown if line.startswith("+") and not line.startswith("++"))
        raise AssertionError(
            f"{changed:,} published figure(s) differ from {SNAPSHOT.name}; if intended, run "
            "`make snapshot` and commit the diff:\n" + "\n".join(shown[:60])
        )
