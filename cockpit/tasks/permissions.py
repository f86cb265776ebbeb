"""Who may do what with a 督办 task, from the actor's scope and the area tree.

A task belongs to the street or community responsible (``area_code``). Each level acts
only on its own tasks: a user whose scope *is* the task's area signs for it, forwards it
to one of its communities, reports progress and marks it done. Whoever's scope lies above
an area may create tasks for it and read them. A read-only session (a wall) only reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from cockpit.areatree import AreaTree


class TaskError(ValueError):
    """An action the actor may not take, or one the task's state does not allow."""


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in person (name and scope) or the system (refresh, clock)."""

    name: str
    scope: str
    read_only: bool = False


SYSTEM = Actor("system", "")


def may_read(actor: Actor, tree: AreaTree, area_code: str, escalated_to: str | None) -> bool:
    """The task's own level and every level above it, and the level it was escalated to."""
    return tree.covers(actor.scope, area_code) or escalated_to == actor.scope


def may_dispatch(actor: Actor, tree: AreaTree, area_code: str) -> bool:
    """A person whose scope lies above the area."""
    return not actor.read_only and area_code in tree and tree.is_below(area_code, actor.scope)


def check_dispatch(actor: Actor, tree: AreaTree, area_code: str) -> None:
    if actor.read_only:
        raise TaskError("a read-only session cannot create tasks")
    if not may_dispatch(actor, tree, area_code):
        raise TaskError(f"{actor.scope} cannot dispatch a task to {area_code}")


def check_act(actor: Actor, task_id: int, area_code: str) -> None:
    """Only the task's own level acts on it."""
    if actor.read_only:
        raise TaskError("a read-only session cannot act on tasks")
    if actor.scope != area_code:
        raise TaskError(f"task {task_id} belongs to {area_code}, not to {actor.scope}")


def check_forward(tree: AreaTree, area_code: str, to: str) -> None:
    """A task goes one level down, to a child of its area."""
    if tree.parent(to) != area_code:
        raise TaskError(f"{to} is not under {area_code}")
