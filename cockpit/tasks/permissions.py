"""Who may do what with a 督办 task: a permission of the actor's role, then a place in
the area tree.

Roles: a ``viewer`` (and every analyst and operator) reads tasks; a ``handler`` (处置) and
an ``admin`` also dispatch and work them. A read-only session (a wall's kiosk token)
only reads, whatever it was made for. Places: a task belongs to the street or community
responsible (``area_code``). Each level works only its own tasks: a handler whose scope
*is* the task's area signs for it, forwards it to one of its communities, reports
progress and marks it done. Whoever's scope lies above an area may read its tasks, and a
handler there may dispatch to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cockpit.areatree import AreaTree


class TaskError(ValueError):
    """An action the actor may not take, or one the task's state does not allow."""


DISPATCH = "dispatch"  # create a task for an area below one's own
WORK = "work"  # sign for, forward, report progress on and mark done one's own tasks
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset(),
    "analyst": frozenset(),
    "operator": frozenset(),
    "handler": frozenset({DISPATCH, WORK}),
    "admin": frozenset({DISPATCH, WORK}),
}


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in person (name, scope and role) or the system (refresh,
    clock)."""

    name: str
    scope: str
    read_only: bool = False
    role: str = "viewer"

    def may(self, permission: str) -> bool:
        return not self.read_only and permission in ROLE_PERMISSIONS.get(self.role, frozenset())


SYSTEM = Actor("system", "", role="admin")


def may_read(actor: Actor, tree: AreaTree, area_code: str, escalated_to: str | None) -> bool:
    """The task's own level and every level above it, and the level it was escalated to."""
    return tree.covers(actor.scope, area_code) or escalated_to == actor.scope


def may_dispatch(actor: Actor, tree: AreaTree, area_code: str) -> bool:
    """A handler (or admin) whose scope lies above the area."""
    return actor.may(DISPATCH) and area_code in tree and tree.is_below(area_code, actor.scope)


def may_work(actor: Actor, area_code: str) -> bool:
    """A handler (or admin) of the task's own area."""
    return actor.may(WORK) and actor.scope == area_code


def check_dispatch(actor: Actor, tree: AreaTree, area_code: str) -> None:
    if actor.read_only:
        raise TaskError("a read-only session cannot create tasks")
    if not actor.may(DISPATCH):
        raise TaskError(f"the role {actor.role} cannot dispatch tasks")
    if not may_dispatch(actor, tree, area_code):
        raise TaskError(f"{actor.scope} cannot dispatch a task to {area_code}")


def check_act(actor: Actor, task_id: int, area_code: str) -> None:
    """Only the task's own level acts on it."""
    if actor.read_only:
        raise TaskError("a read-only session cannot act on tasks")
    if not actor.may(WORK):
        raise TaskError(f"the role {actor.role} cannot work tasks")
    if actor.scope != area_code:
        raise TaskError(f"task {task_id} belongs to {area_code}, not to {actor.scope}")


def check_forward(tree: AreaTree, area_code: str, to: str) -> None:
    """A task goes one level down, to a child of its area."""
    if tree.parent(to) != area_code:
        raise TaskError(f"{to} is not under {area_code}")
