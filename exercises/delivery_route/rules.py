"""Delivery route (problem solving: planning a route): the shortest way past every stop.

Work theme: a delivery van leaves the depot with parcels for a few shops. The map shows
streets with their driving time in minutes; the participant plans the route street by
street from the depot past every stop (and, on higher levels, back to the depot) and
tries to make it as short as possible – "like planning your Tuesday route".

The optimum is exact: shortest driving times between the depot and the stops
(Dijkstra), then every order of the stops (at most five stops: 120 orders). A route is
right when it is a real route (along streets, one-way streets the right way), reaches
every stop (each within its time limit, if it has one) and is no longer than the optimum
plus the level's slack. There is no time limit for planning.

Levels (one row each; level 1 is the errorless start):

=====  =====  =====  ========  ==========  =====  =====  ====
level  stops  map    one-way   time limit  round  slack  trap
=====  =====  =====  ========  ==========  =====  =====  ====
1      1      2×3    0         no          no     3      no
2      2      2×3    0         no          no     2      no
3      2      3×3    0         no          no     1      no
4      3      3×3    0         no          no     1      no
5      3      3×3    0         no          no     0      no
6      3      3×4    0         no          yes    0      no
7      3      3×4    0         no          yes    0      yes
8      4      3×4    0         no          yes    0      yes
9      4      3×4    2         no          yes    0      yes
10     4      4×4    2         no          yes    0      yes
11     4      4×4    3         yes         yes    0      yes
12     5      4×4    3         yes         yes    0      yes
13     5      4×5    4         yes         yes    0      yes
=====  =====  =====  ========  ==========  =====  =====  ====

``map``: crossings in rows × columns (the crossings that are not stops are distractors).
``one-way``: streets that may only be driven one way. ``time limit``: one stop must be
reached within a number of minutes (it is chosen so that it matters). ``round``: the
van must end back at the depot. ``slack``: minutes over the optimum that still count as
right. ``trap``: the map is chosen so that always driving to the nearest stop next is
not the shortest route, so the route has to be planned as a whole.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cogtrain.training.exercise import Domain, ExerciseRules, Outcome, Response

EXERCISE_ID = "delivery_route"
MAX_NODES = 26  # crossings are named by letters A..Z
INF = 10**9


@dataclass(frozen=True)
class RouteLevel:
    stops: int
    rows: int
    cols: int
    one_way: int
    time_limit: bool
    round_trip: bool
    slack: int
    trap: bool


LEVELS: tuple[RouteLevel, ...] = (
    RouteLevel(1, 2, 3, 0, False, False, 3, False),
    RouteLevel(2, 2, 3, 0, False, False, 2, False),
    RouteLevel(2, 3, 3, 0, False, False, 1, False),
    RouteLevel(3, 3, 3, 0, False, False, 1, False),
    RouteLevel(3, 3, 3, 0, False, False, 0, False),
    RouteLevel(3, 3, 4, 0, False, True, 0, False),
    RouteLevel(3, 3, 4, 0, False, True, 0, True),
    RouteLevel(4, 3, 4, 0, False, True, 0, True),
    RouteLevel(4, 3, 4, 2, False, True, 0, True),
    RouteLevel(4, 4, 4, 2, False, True, 0, True),
    RouteLevel(4, 4, 4, 3, True, True, 0, True),
    RouteLevel(5, 4, 4, 3, True, True, 0, True),
    RouteLevel(5, 4, 5, 4, True, True, 0, True),
)


# -- the map --------------------------------------------------------------------------

Street = tuple[int, int, int, bool]  # (a, b, minutes, one_way a→b only)


def neighbours(n_nodes: int, streets: Sequence[Street]) -> list[list[tuple[int, int]]]:
    """Directed adjacency: ``out[a]`` lists (b, minutes) for every street a may take."""
    out: list[list[tuple[int, int]]] = [[] for _ in range(n_nodes)]
    for a, b, w, one_way in streets:
        out[a].append((b, w))
        if not one_way:
            out[b].append((a, w))
    return out


def street_minutes(streets: Sequence[Street], a: int, b: int) -> int | None:
    """Minutes to drive from ``a`` to ``b`` along one street (None: no such street)."""
    for u, v, w, one_way in streets:
        if (u, v) == (a, b) or (not one_way and (v, u) == (a, b)):
            return w
    return None


def dijkstra(adj: list[list[tuple[int, int]]], source: int) -> tuple[list[int], list[int]]:
    """Shortest minutes from ``source`` to every crossing, and the predecessors."""
    dist = [INF] * len(adj)
    prev = [-1] * len(adj)
    dist[source] = 0
    heap = [(0, source)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v, w in adj[u]:
            nd = d + w
            if nd < dist[v] or (nd == dist[v] and u < prev[v]):
                dist[v] = nd
                prev[v] = u
                heapq.heappush(heap, (nd, v))
    return dist, prev


def _path(prev: list[int], source: int, target: int) -> list[int]:
    path = [target]
    while path[-1] != source:
        path.append(prev[path[-1]])
    return path[::-1]


def strongly_connected(adj: list[list[tuple[int, int]]]) -> bool:
    n = len(adj)
    radj: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for a in range(n):
        for b, w in adj[a]:
            radj[b].append((a, w))
    for graph in (adj, radj):
        seen = {0}
        todo = [0]
        while todo:
            u = todo.pop()
            for v, _w in graph[u]:
                if v not in seen:
                    seen.add(v)
                    todo.append(v)
        if len(seen) != n:
            return False
    return True


# -- trials ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteTrial:
    """A map (crossings at ``points``, ``streets``), a depot and the stops to reach."""

    level: int
    points: tuple[tuple[float, float], ...]  # map positions, 0..1 each way
    streets: tuple[Street, ...]
    depot: int
    stops: tuple[int, ...]
    deadlines: tuple[tuple[int, int], ...]  # (stop, reach within minutes)
    round_trip: bool
    optimum: int
    allowed: int

    @property
    def time_limit_ms(self) -> float | None:
        return None

    @property
    def n_nodes(self) -> int:
        return len(self.points)

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "points": [list(p) for p in self.points],
            "streets": [list(s) for s in self.streets],
            "depot": self.depot,
            "stops": list(self.stops),
            "deadlines": [list(d) for d in self.deadlines],
            "round_trip": self.round_trip,
            "optimum": self.optimum,
            "allowed": self.allowed,
        }


@dataclass(frozen=True)
class Plan:
    """One order of the stops, its length, and (on demand) its route crossing by crossing."""

    length: int
    order: tuple[int, ...]
    depot: int
    round_trip: bool
    prevs: Mapping[int, list[int]] = field(compare=False, repr=False)

    @property
    def route(self) -> tuple[int, ...]:
        seq = [self.depot, *self.order] + ([self.depot] if self.round_trip else [])
        route = [self.depot]
        for a, b in itertools.pairwise(seq):
            route.extend(_path(self.prevs[a], a, b)[1:])
        return tuple(route)


def solve(
    n_nodes: int,
    streets: Sequence[Street],
    depot: int,
    stops: Sequence[int],
    deadlines: Mapping[int, int],
    round_trip: bool,
) -> list[Plan]:
    """Every feasible order of the stops with its length, shortest first (exact)."""
    adj = neighbours(n_nodes, streets)
    dists: dict[int, list[int]] = {}
    prevs: dict[int, list[int]] = {}
    for source in [depot, *stops]:
        dists[source], prevs[source] = dijkstra(adj, source)
    plans: list[Plan] = []
    for order in itertools.permutations(stops):
        t, here, ok = 0, depot, True
        for stop in order:
            t += dists[here][stop]
            here = stop
            if t >= INF or (stop in deadlines and t > deadlines[stop]):
                ok = False
                break
        if not ok:
            continue
        if round_trip:
            t += dists[here][depot]
            if t >= INF:
                continue
        plans.append(Plan(t, tuple(order), depot, round_trip, prevs))
    plans.sort(key=lambda p: (p.length, p.order))
    return plans


def _greedy_order(
    n_nodes: int, streets: Sequence[Street], depot: int, stops: Sequence[int]
) -> tuple[int, ...]:
    """The order a driver gets by always going to the nearest stop not yet visited."""
    adj = neighbours(n_nodes, streets)
    here, left, order = depot, list(stops), []
    while left:
        dist, _prev = dijkstra(adj, here)
        here = min(left, key=lambda s: (dist[s], s))
        left.remove(here)
        order.append(here)
    return tuple(order)


def _build_map(row: RouteLevel, rng: np.random.Generator) -> tuple[list, list[Street]] | None:
    rows, cols = row.rows, row.cols
    points = []
    for r in range(rows):
        for c in range(cols):
            jx, jy = rng.uniform(-0.2, 0.2, size=2)
            x = (c + 0.5 + jx) / cols
            y = (r + 0.5 + jy) / rows
            points.append((round(float(x), 3), round(float(y), 3)))
    pairs: list[tuple[int, int]] = []
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            if c + 1 < cols:
                pairs.append((i, i + 1))
            if r + 1 < rows:
                pairs.append((i, i + cols))
            if r + 1 < rows and c + 1 < cols and rng.random() < 0.3:
                # One diagonal per block at most, so streets never cross.
                if rng.random() < 0.5:
                    pairs.append((i, i + cols + 1))
                else:
                    pairs.append((i + 1, i + cols))
    streets: list[Street] = []
    for a, b in pairs:
        (xa, ya), (xb, yb) = points[a], points[b]
        length = ((xa - xb) * cols) ** 2 + ((ya - yb) * rows) ** 2
        minutes = max(1, round(length**0.5 * 4 * float(rng.uniform(0.75, 1.3))))
        streets.append((a, b, min(minutes, 9), False))
    # Close some streets (keeping every crossing reachable) so the map is not a plain grid.
    for idx in rng.permutation(len(streets)):
        if rng.random() < 0.25:
            trial = [st for k, st in enumerate(streets) if k != int(idx) and st[0] >= 0]
            if strongly_connected(neighbours(len(points), trial)):
                streets[int(idx)] = (-1, -1, 0, False)  # closed; dropped below
    streets = [st for st in streets if st[0] >= 0]
    # One-way streets, each kept only if every crossing can still be reached.
    made = 0
    for idx in rng.permutation(len(streets)):
        if made >= row.one_way:
            break
        a, b, w, _ = streets[int(idx)]
        if rng.random() < 0.5:
            a, b = b, a
        trial = list(streets)
        trial[int(idx)] = (a, b, w, True)
        if strongly_connected(neighbours(len(points), trial)):
            streets = trial
            made += 1
    if made < row.one_way:
        return None
    return points, streets


def make_trial(level: int, rng: np.random.Generator) -> RouteTrial:
    """A map, a depot and stops with an exactly known shortest route (same seed → same)."""
    row: RouteLevel = RULES.level_row(level)
    best: RouteTrial | None = None
    for _attempt in range(40):
        built = _build_map(row, rng)
        if built is None:
            continue
        points, streets = built
        n = len(points)
        chosen = [int(v) for v in rng.permutation(n)[: row.stops + 1]]
        depot, stops = chosen[0], tuple(sorted(chosen[1:]))
        deadlines: dict[int, int] = {}
        plans = solve(n, streets, depot, stops, deadlines, row.round_trip)
        if row.time_limit:
            deadlines = _binding_deadline(n, streets, depot, stops, plans, row, rng)
            if not deadlines:
                continue
            plans = solve(n, streets, depot, stops, deadlines, row.round_trip)
        if not plans:
            continue
        spec = RouteTrial(
            level=level,
            points=tuple(points),
            streets=tuple(streets),
            depot=depot,
            stops=stops,
            deadlines=tuple(sorted(deadlines.items())),
            round_trip=row.round_trip,
            optimum=plans[0].length,
            allowed=plans[0].length + row.slack,
        )
        if wrong_route(spec) is None:
            continue  # every route would be right: nothing to plan
        best = best or spec
        if not row.trap or _greedy_is_wrong(spec, plans):
            return spec
    assert best is not None, "delivery_route: could not build a map"
    return best


def _binding_deadline(
    n: int,
    streets: Sequence[Street],
    depot: int,
    stops: Sequence[int],
    plans: Sequence[Plan],
    row: RouteLevel,
    rng: np.random.Generator,
) -> dict[int, int]:
    """A time limit on one stop that the unlimited best route would miss."""
    if not plans:
        return {}
    best = plans[0]
    adj = neighbours(n, streets)
    from_depot, _prev = dijkstra(adj, depot)
    for stop in [int(s) for s in rng.permutation(list(stops))]:
        # When the best route reaches this stop (first visit along its crossings).
        t, arrive = 0, None
        for a, b in itertools.pairwise(best.route):
            t += street_minutes(streets, a, b) or 0
            if b == stop:
                arrive = t
                break
        limit = from_depot[stop] + int(rng.integers(0, 3))
        if arrive is not None and arrive > limit:
            return {stop: limit}
    return {}


def _greedy_is_wrong(spec: RouteTrial, plans: Sequence[Plan]) -> bool:
    order = _greedy_order(spec.n_nodes, spec.streets, spec.depot, spec.stops)
    for p in plans:
        if p.order == order:
            return p.length > spec.allowed
    return True  # the greedy order misses a time limit


def plan_of(spec: RouteTrial) -> list[Plan]:
    return solve(
        spec.n_nodes, spec.streets, spec.depot, spec.stops, dict(spec.deadlines), spec.round_trip
    )


def spec_from_json(obj: Mapping[str, Any]) -> RouteTrial:
    points = tuple((float(x), float(y)) for x, y in obj["points"])
    n = len(points)
    if not 2 <= n <= MAX_NODES:
        raise ValueError(f"delivery_route: {n} crossings")
    streets: list[Street] = []
    for a, b, w, one_way in obj["streets"]:
        a, b, w = int(a), int(b), int(w)
        if not (0 <= a < n and 0 <= b < n and a != b and w >= 1):
            raise ValueError(f"delivery_route: bad street {a}-{b} ({w} min)")
        streets.append((a, b, w, bool(one_way)))
    depot = int(obj["depot"])
    stops = tuple(int(s) for s in obj["stops"])
    if not 0 <= depot < n or not stops or any(not 0 <= s < n or s == depot for s in stops):
        raise ValueError("delivery_route: bad depot or stops")
    deadlines = tuple((int(s), int(t)) for s, t in obj["deadlines"])
    if any(s not in stops for s, _t in deadlines):
        raise ValueError("delivery_route: a time limit on a crossing that is not a stop")
    spec = RouteTrial(
        level=int(obj["level"]),
        points=points,
        streets=tuple(streets),
        depot=depot,
        stops=stops,
        deadlines=deadlines,
        round_trip=bool(obj["round_trip"]),
        optimum=int(obj["optimum"]),
        allowed=int(obj["allowed"]),
    )
    plans = plan_of(spec)
    if not plans or plans[0].length != spec.optimum:
        raise ValueError("delivery_route: optimum does not match the map")
    if spec.allowed < spec.optimum:
        raise ValueError("delivery_route: allowed below the optimum")
    return spec


# -- routes ---------------------------------------------------------------------------


def complete_at(spec: RouteTrial, route: Sequence[int]) -> int | None:
    """The index at which ``route`` first counts as finished (None: not yet).

    Finished means every stop has been reached and, on a round trip, the van is back at
    the depot. The view ends the trial at exactly this point.
    """
    left = set(spec.stops)
    for i, node in enumerate(route):
        left.discard(node)
        if not left and (not spec.round_trip or (node == spec.depot and i > 0)):
            return i
    return None


def route_minutes(spec: RouteTrial, route: Sequence[int]) -> int | None:
    """Total minutes of ``route`` (None if it leaves the streets or drives a one-way
    street the wrong way)."""
    total = 0
    for a, b in itertools.pairwise(route):
        w = street_minutes(spec.streets, a, b)
        if w is None:
            return None
        total += w
    return total


def missed_deadlines(spec: RouteTrial, route: Sequence[int]) -> list[int]:
    """Stops with a time limit that ``route`` reaches too late (or not at all)."""
    limits = dict(spec.deadlines)
    reached: dict[int, int] = {}
    t = 0
    for i, node in enumerate(route):
        if i > 0:
            t += street_minutes(spec.streets, route[i - 1], node) or 0
        reached.setdefault(node, t)
    return [s for s, lim in limits.items() if reached.get(s, INF) > lim]


def _route_of(response: Response) -> list[int]:
    assert response.answer is not None
    return [int(v) for v in response.answer["route"]]


def score(spec: RouteTrial, response: Response) -> Outcome:
    """Right when the route is real, complete, on time and within the allowed minutes."""
    if response.timed_out or response.answer is None:
        return Outcome(correct=False, error_kind="timeout")
    route = _route_of(response)
    if not route or route[0] != spec.depot:
        return Outcome(correct=False, error_kind="invalid_route")
    minutes = route_minutes(spec, route)
    if minutes is None:
        return Outcome(correct=False, error_kind="invalid_route")
    details = {"minutes": minutes, "optimum": spec.optimum}
    if complete_at(spec, route) is None:
        return Outcome(correct=False, error_kind="incomplete", details=details)
    if missed_deadlines(spec, route):
        return Outcome(correct=False, error_kind="missed_time_limit", details=details)
    if minutes > spec.allowed:
        return Outcome(correct=False, error_kind="too_long", details=details)
    return Outcome(correct=True, details=details)


def correct_response(spec: RouteTrial) -> Response:
    route = list(plan_of(spec)[0].route)
    end = complete_at(spec, route)
    assert end is not None
    return Response(answer={"route": route[: end + 1]})


def _finished(spec: RouteTrial, route: list[int]) -> list[int]:
    end = complete_at(spec, route)
    return route if end is None else route[: end + 1]


def wrong_route(spec: RouteTrial) -> list[int] | None:
    """A plausible route that is not good enough, or None if every route would be.

    In turn: the nearest-stop-first order, the other orders from shortest to longest,
    and finally the best route with a needless loop out of the depot and back.
    """
    greedy = _greedy_order(spec.n_nodes, spec.streets, spec.depot, spec.stops)
    all_orders = solve(spec.n_nodes, spec.streets, spec.depot, spec.stops, {}, spec.round_trip)
    candidates = [p.route for p in all_orders if p.order == greedy]
    candidates += [p.route for p in all_orders if p.order != greedy]
    for route in candidates:
        r = _finished(spec, list(route))
        if not score(spec, Response(answer={"route": r})).correct:
            return r
    # Every order is good enough (one stop, or generous slack): loop out of the depot
    # and back first, along streets that pass no stop.
    best = list(plan_of(spec)[0].route)
    stops = set(spec.stops)
    adj = neighbours(spec.n_nodes, spec.streets)
    free = [[(v, w) for v, w in out if v not in stops] for out in adj]
    for v, _w in adj[spec.depot]:
        if v in stops:
            continue
        dist_v, prev_v = dijkstra(free, v)
        if dist_v[spec.depot] >= INF:
            continue
        loop = [spec.depot, *_path(prev_v, v, spec.depot)]
        route = best
        for _ in range(12):
            route = loop[:-1] + route
            if not score(spec, Response(answer={"route": route})).correct:
                return route
    return None


def error_response(spec: RouteTrial, rng: np.random.Generator) -> Response:
    """A plausible route that is too long (see :func:`wrong_route`)."""
    route = wrong_route(spec)
    assert route is not None, "make_trial only builds maps where a route can be wrong"
    return Response(answer={"route": route})


RULES = ExerciseRules(
    exercise_id=EXERCISE_ID,
    domain=Domain.PROBLEM_SOLVING,
    levels=LEVELS,
    make_trial=make_trial,
    score=score,
    spec_from_json=spec_from_json,
    correct_response=correct_response,
    error_response=error_response,
)
