"""The answer cache's folder stays bounded without stalling: a full folder loses its
oldest entries (an old version's answers) in one go, and keeps the newest."""

from __future__ import annotations

import os

from dashboard.caching.folder import KEPT_AFTER_PRUNE, AnswerFolder


def _entries(folder: AnswerFolder) -> set[str]:
    return {os.path.basename(p) for p in folder._list_dir()}


def _fill(folder: AnswerFolder, names: list[str]) -> None:
    # Written one second apart, oldest first, as versions succeed each other.
    for n, name in enumerate(names):
        folder.set(name, {"answer": name})
        os.utime(folder._get_filename(name), ns=(n * 10**9, n * 10**9))


def test_a_full_folder_drops_its_oldest_fifth_and_keeps_the_newest(tmp_path) -> None:
    folder = AnswerFolder(str(tmp_path), threshold=50, default_timeout=0)
    old = [f"old version {n}" for n in range(30)]
    new = [f"new version {n}" for n in range(20)]
    _fill(folder, old + new)
    assert len(_entries(folder)) == 50  # at the threshold, nothing goes yet

    folder.set("one more", 1)  # 51 entries: the prune runs before a write
    assert len(_entries(folder)) == 51
    folder.set("and another", 2)  # over: down to 40 in one go, then this one

    left = _entries(folder)
    kept = int(50 * KEPT_AFTER_PRUNE)
    assert len(left) == kept + 1
    gone = 51 - kept
    assert all(folder.get(name) is None for name in old[:gone])
    assert all(folder.get(name) == {"answer": name} for name in old[gone:] + new)
    assert folder.get("one more") == 1 and folder.get("and another") == 2
    # The count the next prune reads is the folder's, not a drifted one.
    assert folder._file_count == len(left)


def test_entries_below_the_threshold_are_never_pruned(tmp_path) -> None:
    folder = AnswerFolder(str(tmp_path), threshold=100, default_timeout=0)
    names = [f"entry {n}" for n in range(100)]
    _fill(folder, names)
    assert all(folder.get(name) == {"answer": name} for name in names)


def test_the_cockpit_keeps_its_answers_in_the_pruned_folder(demo, people, tmp_path) -> None:
    from dashboard.caching import backend
    from tests.helpers.cockpits import copy_of_demo
    from tests.helpers.inprocess import app_for

    served = copy_of_demo(demo, tmp_path / "site").with_overrides(cache="filesystem")
    with app_for(served) as site:
        assert site.visitor(people["district"]).get(f"{site.url}/").status_code == 200
        assert isinstance(backend.answers.cache, AnswerFolder)
        assert backend.answers.cache._path == str(served.cache_dir)
        assert list(backend.answers.cache._list_dir())  # the page's answers, kept there
