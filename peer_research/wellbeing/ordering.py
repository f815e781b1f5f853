"""Reordering the study's support resources: move one a place up or down the list."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session


def move_resource_in(session: Session, resources: Sequence, resource, *, up: bool) -> bool:
    """Swap a resource with its neighbour in the study's order; False when at the end."""
    ordered = list(resources)
    index = next((i for i, r in enumerate(ordered) if r.id == resource.id), None)
    if index is None:
        return False
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        item.position = position  # renumber: equal positions would make the swap a no-op
    session.flush()
    return True
