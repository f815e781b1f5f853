"""Find calculations and conditions that depend on themselves."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Set


def find_cycles(dependencies: Mapping[str, Set[str]]) -> list[list[str]]:
    """Return one cycle per knot of mutually dependent names, e.g. [['a', 'b']] for a→b→a.

    `dependencies` maps each name to the names its expressions use. Each cycle starts at its
    alphabetically first name and lists the names in the order they depend on each other (a
    name that uses itself is `[name]`). Names without an entry depend on nothing.
    """
    graph = {name: sorted(uses) for name, uses in dependencies.items()}
    cycles = []
    for component in _strongly_connected(graph):
        start = min(component)
        if len(component) > 1 or start in graph.get(start, ()):
            cycles.append(_shortest_cycle(graph, start, component))
    return sorted(cycles)


def describe_cycle(cycle: list[str]) -> str:
    """Say a cycle in words a form designer can follow: ${a} uses ${b}, which uses ${a}."""
    if len(cycle) == 1:
        return f"${{{cycle[0]}}} uses itself"
    names = [f"${{{name}}}" for name in [*cycle, cycle[0]]]
    return f"{names[0]} uses " + ", which uses ".join(names[1:])


def _strongly_connected(graph: Mapping[str, list[str]]) -> list[set[str]]:
    """Return the strongly connected components (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(graph.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            name, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, ()))))
                elif child in on_stack:
                    low[name] = min(low[name], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[name])
            if low[name] == index[name]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == name:
                        break
                components.append(component)
    return components


def _shortest_cycle(graph: Mapping[str, list[str]], start: str, component: set[str]) -> list[str]:
    """Return the shortest path from `start` back to itself inside one component."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        name = queue.popleft()
        for child in graph.get(name, ()):
            if child == start:
                path = [name]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            if child in component and child not in previous:
                previous[child] = name
                queue.append(child)
    return [start]  # pragma: no cover - a component with a cycle always leads back
