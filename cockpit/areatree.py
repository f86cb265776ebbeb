"""The area tree: the one place that walks it.

Every part that needs "above", "below" or "whose scope covers what" asks this module: the
task rules (who may dispatch to or read a task), the notifications (which group wants a
task), the refresh's loop measures and the dashboard's scope. The tree comes from the
published ``ind.area`` (or the tree files); here it is only codes and their parents.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AreaTree:
    """Area codes and their parents (None for the top of the tree)."""

    parents: Mapping[str, str | None]
    levels: Mapping[str, str] = field(default_factory=dict)
    _children: dict[str, list[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        children: dict[str, list[str]] = {}
        for code, parent in self.parents.items():
            if parent is not None:
                children.setdefault(parent, []).append(code)
        for codes in children.values():
            codes.sort()
        object.__setattr__(self, "_children", children)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple]) -> AreaTree:
        """From (code, parent code[, level]) rows; a parent that is not a string (NULL,
        NaN) makes a top."""
        parents, levels = {}, {}
        for row in rows:
            code, parent = row[0], row[1]
            parents[code] = parent if isinstance(parent, str) else None
            if len(row) > 2 and isinstance(row[2], str):
                levels[code] = row[2]
        return cls(parents, levels)

    def __contains__(self, code: object) -> bool:
        return code in self.parents

    def __iter__(self) -> Iterator[str]:
        return iter(self.parents)

    def __len__(self) -> int:
        return len(self.parents)

    def parent(self, code: str) -> str | None:
        return self.parents.get(code)

    def top(self) -> list[str]:
        return sorted(code for code, parent in self.parents.items() if parent is None)

    def ancestors(self, code: str) -> list[str]:
        """The chain above ``code``, nearest first (its parent, then that one's, ...)."""
        out, parent, seen = [], self.parents.get(code), {code}
        while parent and parent not in seen:  # a loop in bad data ends the walk
            out.append(parent)
            seen.add(parent)
            parent = self.parents.get(parent)
        return out

    def children(self, code: str) -> list[str]:
        return list(self._children.get(code, ()))

    def descendants(self, code: str) -> list[str]:
        """Everything below ``code``, breadth first."""
        out, queue = [], list(self._children.get(code, ()))
        while queue:
            child = queue.pop(0)
            out.append(child)
            queue.extend(self._children.get(child, ()))
        return out

    def is_below(self, code: str, above: str) -> bool:
        """Whether ``code`` lies strictly below ``above``."""
        return above in self.ancestors(code)

    def covers(self, scope: str, code: str) -> bool:
        """Whether a scope reaches ``code`` as its own: the scope itself or below it."""
        return code == scope or self.is_below(code, scope)

    def nearest(self, code: str, level: str) -> str | None:
        """``code`` itself or its nearest ancestor at ``level`` (e.g. a community's
        street); None when there is none."""
        for candidate in (code, *self.ancestors(code)):
            if self.levels.get(candidate) == level:
                return candidate
        return None

    def scope_set(self, scope: str) -> list[str]:
        """What a principal scoped to ``scope`` may read: the scope, everything below it,
        and its ancestors (for their totals), sorted; never a sibling."""
        if scope not in self.parents:
            return []
        return sorted({scope, *self.descendants(scope), *self.ancestors(scope)})
