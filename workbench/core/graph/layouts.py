"""Automatic layouts of the actor graph (stress, circular, grouped by kind, ego) and how good a layout is.

Positions are in chart units: pixels at 100 % zoom, EDGE_LENGTH between two tied actors.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from workbench.core.graph.model import KINDS, CaseGraph
from workbench.core.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:  # pragma: no cover
    import numpy

# Chart units (pixels at 100 % zoom) between two tied actors in the automatic layouts.
EDGE_LENGTH = 120.0
# Components up to this size get full stress majorization (every pair); larger ones a force-directed
# (Fruchterman-Reingold) layout started from pivot MDS, whose repulsion is computed on a grid by FFT, so
# the cost grows with the actors and relations, not with their square.
FULL_STRESS_NODES = 300
PIVOTS = 30
# Tuned against igraph's Fruchterman-Reingold on the 5k-actor synthetic case, scale-free graphs of 500 to
# 5k actors and the ICEWS14 actor graph (tests/bench/bench_graph.py and bench_events.py measure both):
# from a pivot-MDS start, 80 cooling sweeps reach fewer crossings and lower stress than igraph's 500
# from a random start, and a grid of 64 cells a side drew the repulsion as well as 96 to 192 did.
DAMPING = 0.7  # of each stress majorization step
SPRING_SWEEPS = 80
SPRING_GRID = 64  # cells a side, at least: one per square root of the actors, in steps of 16
SPRING_SPREAD = 0.5  # the start's root-mean-square radius, in ties per square root of the actors
SPRING_SETTLED = 0.3  # about where that radius settles (0.26 to 0.38 on the graphs above)

LAYOUTS = {
    "force": "Force-directed",
    "circular": "Circular",
    "kind": "Grouped by kind",
    "ego": "Ego (selected in centre)",
}


def compute_layout(
    graph: CaseGraph,
    name: str = "force",
    *,
    center: str | None = None,
    current: dict[str, tuple[float, float]] | None = None,
    pinned: Iterable[str] = (),
    seed: int = 1,
    progress: Progress = NO_PROGRESS,
) -> dict[str, tuple[float, float]]:
    """Positions (chart units) of every actor for the named layout.

    With `pinned` actors and their `current` positions, those stay where they are and only the
    others move ("re-layout unpinned only"). Deterministic for a given seed. Cancel (through
    `progress`) raises core.progress.Cancelled.
    """
    import numpy as np

    n = graph.n
    if n == 0:
        return {}
    src = np.asarray(graph.src, dtype=np.int64)
    dst = np.asarray(graph.dst, dtype=np.int64)
    pinned_set = {graph.index[p] for p in pinned if p in graph.index and current and p in current}
    fixed = np.zeros(n, dtype=bool)
    fixed[list(pinned_set)] = True
    init = None
    if current and fixed.any():
        init = np.array([current.get(actor_id, (math.nan, math.nan)) for actor_id in graph.ids], dtype=float)
    if name == "circular":
        xy = circular_positions(n, src, dst)
    elif name == "kind":
        xy = grouped_positions(graph.kinds, n, src, dst)
    elif name == "ego" and center in graph.index:
        xy = ego_positions(n, src, dst, graph.index[center])
    else:
        xy = force_positions(n, src, dst, init=init, fixed=fixed, seed=seed, progress=progress)
    if init is not None and name != "force":
        xy[fixed] = init[fixed]
    return {actor_id: (float(x), float(y)) for actor_id, (x, y) in zip(graph.ids, xy, strict=True)}


def _adjacency(n: int, src: numpy.ndarray, dst: numpy.ndarray) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Undirected simple adjacency in CSR form (indptr, indices), self-loops and repeats dropped."""
    import numpy as np

    a = np.concatenate([src, dst]).astype(np.int64)
    b = np.concatenate([dst, src]).astype(np.int64)
    keep = a != b
    key = np.unique(a[keep] * n + b[keep])
    a, b = key // n, key % n
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(np.bincount(a, minlength=n))
    return indptr, b


def _bfs(indptr: numpy.ndarray, indices: numpy.ndarray, source: int) -> numpy.ndarray:
    """Hop distances from `source` (-1 where unreachable), one numpy pass per level."""
    import numpy as np

    n = len(indptr) - 1
    dist = np.full(n, -1, dtype=np.int64)
    dist[source] = 0
    frontier = np.array([source], dtype=np.int64)
    level = 0
    while frontier.size:
        level += 1
        starts = indptr[frontier]
        counts = indptr[frontier + 1] - starts
        total = int(counts.sum())
        if not total:
            break
        offsets = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        found = indices[offsets]
        found = found[dist[found] < 0]
        dist[found] = level
        # A big frontier is cheaper to read back from the distances than to sort.
        frontier = np.flatnonzero(dist == level) if found.size * 8 > n else np.unique(found)
    return dist


def components(n: int, src: numpy.ndarray, dst: numpy.ndarray) -> numpy.ndarray:
    """A component label per node (the smallest node number in it), by min-label propagation."""
    import numpy as np

    labels = np.arange(n)
    if len(src) == 0:
        return labels
    while True:
        low = np.minimum(labels[src], labels[dst])
        new = labels.copy()
        np.minimum.at(new, src, low)
        np.minimum.at(new, dst, low)
        new = new[new]  # pointer jumping: follow labels to their own label
        if np.array_equal(new, labels):
            return labels
        labels = new


def force_positions(n: int, src: numpy.ndarray, dst: numpy.ndarray, *, init: numpy.ndarray | None = None,
                    fixed: numpy.ndarray | None = None, seed: int = 1,
                    progress: Progress = NO_PROGRESS) -> numpy.ndarray:
    """The default layout: each connected component laid out on its own, components packed.

    Small components get stress majorization: distances on the chart follow the number of ties
    between actors, which reads best with a few dozen actors. Large ones get a force-directed layout
    from a pivot-MDS start, which on real networks (a few hubs, a long tail) draws far fewer
    crossings than sparse stress did and still follows network distances as well as igraph's
    Fruchterman-Reingold (tests/bench/bench_graph.py).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    fixed = np.zeros(n, dtype=bool) if fixed is None else fixed
    relayout = init is not None and fixed.any()
    labels = components(n, src, dst)
    groups: dict[int, list[int]] = {}
    for node, label in enumerate(labels.tolist()):
        groups.setdefault(label, []).append(node)
    ordered = sorted(groups.values(), key=lambda nodes: (-len(nodes), nodes[0]))
    indptr, indices = _adjacency(n, src, dst)
    xy = np.zeros((n, 2))
    boxes = []
    done = 0
    for nodes in ordered:
        progress.check()
        members = np.asarray(nodes)
        if len(nodes) <= 2:
            local = np.array([[0.0, 0.0], [EDGE_LENGTH, 0.0]])[: len(nodes)]
        else:
            local_init = None
            local_fixed = None
            if relayout and fixed[members].any():
                local_init = init[members].copy()
                missing = np.isnan(local_init).any(axis=1)
                centre = np.nanmean(init[members][fixed[members]], axis=0)
                local_init[missing] = centre + rng.normal(0, EDGE_LENGTH, size=(int(missing.sum()), 2))
                local_fixed = fixed[members]
            sub_ptr, sub_idx = _subgraph(indptr, indices, members, n)
            layout = _stress_layout if len(nodes) <= FULL_STRESS_NODES else _spring_layout
            local = layout(sub_ptr, sub_idx, rng, init=local_init, fixed=local_fixed, progress=progress)
        if relayout and fixed[members].any():
            xy[members] = local  # anchored by its pinned actors: stays where they are
        else:
            boxes.append((members, local))
        done += len(nodes)
        progress(done, n)
    if relayout:
        # Components without a pinned actor keep their place, re-laid out around their old centre.
        for members, local in boxes:
            old = init[members]
            centre = np.nanmean(old, axis=0) if not np.isnan(old).all() else np.zeros(2)
            xy[members] = local - local.mean(axis=0) + centre
        return xy
    _pack(xy, boxes)
    return xy


def _subgraph(indptr: numpy.ndarray, indices: numpy.ndarray, members: numpy.ndarray, n: int
              ) -> tuple[numpy.ndarray, numpy.ndarray]:
    import numpy as np

    local = np.full(n, -1, dtype=np.int64)
    local[members] = np.arange(len(members))
    counts = indptr[members + 1] - indptr[members]
    offsets = np.repeat(indptr[members] - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    sub_ptr = np.zeros(len(members) + 1, dtype=np.int64)
    sub_ptr[1:] = np.cumsum(counts)
    return sub_ptr, local[indices[offsets]]


def _stress_layout(indptr: numpy.ndarray, indices: numpy.ndarray, rng: numpy.random.Generator, *,
                   init: numpy.ndarray | None = None, fixed: numpy.ndarray | None = None,
                   progress: Progress = NO_PROGRESS, iterations: int = 120,
                   tolerance: float = 1e-3) -> numpy.ndarray:
    """Full stress majorization (every pair) of one small connected graph (CSR)."""
    import numpy as np

    n = len(indptr) - 1
    distance = _tie_lengths(indptr, indices) * EDGE_LENGTH
    if init is None:
        xy = _pivot_mds(distance)
        xy += rng.normal(0, EDGE_LENGTH * 0.05, size=xy.shape)  # break ties between twins
    else:
        xy = init.astype(float).copy()
    fixed = np.zeros(n, dtype=bool) if fixed is None else fixed
    # Terms (i, j, d, w): node i is pulled to distance d from j with weight w.
    i, j = np.repeat(np.arange(n), n), np.tile(np.arange(n), n)
    keep = i != j
    i, j = i[keep], j[keep]
    d = distance[j, i]  # row: the anchor (every node is one), column: the node pulled
    w = 1.0 / d**2
    if init is None:  # scale the first guess to the distances it should show
        gaps = np.hypot(*(xy[i] - xy[j]).T)
        xy *= (w * gaps * d).sum() / max((w * gaps * gaps).sum(), 1e-12)
    weight_sum = np.bincount(i, weights=w, minlength=n)
    weight_sum[weight_sum == 0] = 1.0
    wd = w * d
    x, y = xy[:, 0].copy(), xy[:, 1].copy()
    moving = ~fixed
    for step in range(iterations):
        if step % 10 == 0:
            progress.check()
        xj, yj = x[j], y[j]
        dx, dy = x[i] - xj, y[i] - yj
        gap = np.sqrt(dx * dx + dy * dy)
        np.maximum(gap, 1e-9, out=gap)
        scale = wd / gap
        new_x = np.bincount(i, weights=scale * dx + w * xj, minlength=n) / weight_sum
        new_y = np.bincount(i, weights=scale * dy + w * yj, minlength=n) / weight_sum
        shift = (np.abs(new_x - x)[moving].mean() + np.abs(new_y - y)[moving].mean()) if moving.any() else 0.0
        x[moving] += DAMPING * (new_x[moving] - x[moving])
        y[moving] += DAMPING * (new_y[moving] - y[moving])
        if shift < EDGE_LENGTH * tolerance:
            break
    return np.stack([x, y], axis=1)


def _spring_layout(indptr: numpy.ndarray, indices: numpy.ndarray, rng: numpy.random.Generator, *,
                   init: numpy.ndarray | None = None, fixed: numpy.ndarray | None = None,
                   progress: Progress = NO_PROGRESS) -> numpy.ndarray:
    """Fruchterman-Reingold of one large connected graph (CSR), in chart units.

    Ties pull with the square of their length, every pair of actors pushes apart with the inverse of
    its distance, each sweep moves an actor at most a temperature that cools to nothing. Started from
    pivot MDS (the global shape already right), a few dozen sweeps untangle what a random start
    needs hundreds for. Repulsion between all pairs is one convolution on a grid (FFT), not n^2.
    """
    import numpy as np

    n = len(indptr) - 1
    a = np.repeat(np.arange(n), np.diff(indptr))
    b = indices
    once = a < b
    a, b = a[once], b[once]
    fixed = np.zeros(n, dtype=bool) if fixed is None else fixed
    # In the force model a lone tie settles at length 1: work in those units, give back chart units.
    if init is None:
        xy = _pivot_mds(_pivot_hops(indptr, indices, progress))
        xy += rng.normal(0, 0.05, size=xy.shape)  # break ties between twins
        xy -= xy.mean(axis=0)
        xy *= SPRING_SPREAD * math.sqrt(n) / max(math.sqrt(float((xy**2).sum(axis=1).mean())), 1e-12)
        unit = 1.0
    else:
        xy = init.astype(float).copy()
        # The chart shrunk or grown to the size the forces settle at, so that they neither blow it up
        # nor crush it, and back afterwards: the pinned actors stay where they are.
        radius = math.sqrt(float(((xy - xy.mean(axis=0)) ** 2).sum(axis=1).mean()))
        unit = radius / (SPRING_SETTLED * math.sqrt(n)) if radius > 0 else EDGE_LENGTH
        xy /= unit
    x, y = xy[:, 0].copy(), xy[:, 1].copy()
    moving = ~fixed
    temperature = math.sqrt(n) / (10 if init is None else 40)
    cooling = temperature / SPRING_SWEEPS
    grid = max(SPRING_GRID, 16 * math.ceil(math.sqrt(n) / 16))
    for step in range(SPRING_SWEEPS):
        if step % 10 == 0:
            progress.check()
        push_x, push_y = _repulsion(x, y, grid)
        dx, dy = x[a] - x[b], y[a] - y[b]
        length = np.sqrt(dx * dx + dy * dy)
        pull_x, pull_y = dx * length, dy * length
        push_x -= np.bincount(a, pull_x, n) - np.bincount(b, pull_x, n)
        push_y -= np.bincount(a, pull_y, n) - np.bincount(b, pull_y, n)
        size = np.sqrt(push_x * push_x + push_y * push_y)
        limit = np.minimum(1.0, temperature / np.maximum(size, 1e-12)) * moving
        x += push_x * limit
        y += push_y * limit
        temperature -= cooling
    xy = np.stack([x, y], axis=1)
    if init is not None:
        xy *= unit
        xy[fixed] = init[fixed]
        return xy
    return xy * (EDGE_LENGTH / max(float(np.median(np.hypot(*(xy[a] - xy[b]).T))), 1e-9))


_KERNELS: dict[int, tuple[Any, Any]] = {}


def _repulsion(x: numpy.ndarray, y: numpy.ndarray, grid: int) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The sum over all other actors of (p - q) / |p - q|^2 at each actor: actors spread on a grid x grid
    mesh (bilinear weights), convolved with that kernel by FFT on a zero-padded mesh, read back the same
    way. Actors closer than a cell push less than they would exactly; a cell is well under a tie."""
    import numpy as np

    if grid not in _KERNELS:
        offsets = np.fft.fftfreq(2 * grid, 1.0 / (2 * grid))  # 0 .. grid-1, -grid .. -1
        kx, ky = np.meshgrid(offsets, offsets, indexing="ij")
        r2 = kx * kx + ky * ky
        r2[0, 0] = 1.0
        _KERNELS[grid] = (np.fft.rfft2(kx / r2), np.fft.rfft2(ky / r2))
    low_x, low_y = float(x.min()), float(y.min())
    cell = max(float(x.max()) - low_x, float(y.max()) - low_y, 1e-9) / (grid - 2)
    gx, gy = (x - low_x) / cell, (y - low_y) / cell
    ix, iy = gx.astype(np.int64), gy.astype(np.int64)
    fx, fy = gx - ix, gy - iy
    corner = ix * grid + iy
    w00, w10, w01, w11 = (1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy
    mass = np.bincount(np.concatenate([corner, corner + grid, corner + 1, corner + grid + 1]),
                       np.concatenate([w00, w10, w01, w11]), grid * grid).reshape(grid, grid)
    spectrum = np.fft.rfft2(mass, s=(2 * grid, 2 * grid))
    kernel_x, kernel_y = _KERNELS[grid]
    field_x = np.fft.irfft2(spectrum * kernel_x)[:grid, :grid].reshape(-1)
    field_y = np.fft.irfft2(spectrum * kernel_y)[:grid, :grid].reshape(-1)

    def read(field: numpy.ndarray) -> numpy.ndarray:
        return (field[corner] * w00 + field[corner + grid] * w10 + field[corner + 1] * w01
                + field[corner + grid + 1] * w11) / cell

    return read(field_x), read(field_y)


def _pivot_hops(indptr: numpy.ndarray, indices: numpy.ndarray, progress: Progress = NO_PROGRESS
                ) -> numpy.ndarray:
    """Hop distances (k x n) from PIVOTS actors far apart (max-min), the first the best connected."""
    import numpy as np

    n = len(indptr) - 1
    rows = [_bfs(indptr, indices, int(np.argmax(np.diff(indptr))))]
    nearest = rows[0].astype(float)
    while len(rows) < min(PIVOTS, n):
        progress.check()
        rows.append(_bfs(indptr, indices, int(np.argmax(nearest))))
        nearest = np.minimum(nearest, rows[-1])
    return np.array(rows, dtype=float)


def _tie_lengths(indptr: numpy.ndarray, indices: numpy.ndarray) -> numpy.ndarray:
    """All-pairs distances (in tie lengths) where a tie between well-connected actors is longer:
    1 + (sqrt(deg a) + sqrt(deg b) - 2) / 4. A hub's neighbours then sit on a wider circle, with room
    for their names, instead of crowding it. Floyd-Warshall, for the small graphs of full stress."""
    import numpy as np

    n = len(indptr) - 1
    degree = np.diff(indptr).astype(float)
    a = np.repeat(np.arange(n), np.diff(indptr))
    length = 1.0 + (np.sqrt(degree[a]) + np.sqrt(degree[indices]) - 2.0) / 4.0
    distance = np.full((n, n), np.inf)
    distance[a, indices] = length
    np.fill_diagonal(distance, 0.0)
    for k in range(n):
        np.minimum(distance, distance[:, k:k + 1] + distance[k:k + 1, :], out=distance)
    return distance


def _pivot_mds(distance: numpy.ndarray) -> numpy.ndarray:
    """Pivot MDS (Brandes & Pich 2006): a first placement from the k x n pivot distances."""
    import numpy as np

    squared = distance**2
    centred = -0.5 * (squared - squared.mean(axis=1, keepdims=True) - squared.mean(axis=0, keepdims=True)
                      + squared.mean())
    if len(centred) < centred.shape[1]:
        # Fewer pivots than actors: the top eigenvectors of the small k x k matrix C C^T give the same
        # placement as an SVD of C, without a multithreaded LAPACK call that stalls on a busy machine.
        values, vectors = np.linalg.eigh(centred @ centred.T)
        return centred.T @ vectors[:, np.argsort(values)[::-1][:2]]
    u, s, _vt = np.linalg.svd(centred.T, full_matrices=False)
    xy = u[:, :2] * s[:2]
    if xy.shape[1] < 2:
        xy = np.hstack([xy, np.zeros((len(xy), 2 - xy.shape[1]))])
    return xy


def _pack(xy: numpy.ndarray, parts: list[tuple[numpy.ndarray, numpy.ndarray]]) -> None:
    """Place laid-out components in rows, largest first, into `xy`."""
    import numpy as np

    if not parts:
        return
    margin = EDGE_LENGTH * 0.9
    sizes = []
    for _members, local in parts:
        low, high = local.min(axis=0), local.max(axis=0)
        sizes.append((high - low + margin, low))
    area = sum(float(size[0] * size[1]) for size, _low in sizes)
    row_width = max(math.sqrt(area) * 1.4, float(sizes[0][0][0]))
    x = y = row_height = 0.0
    for (members, local), (size, low) in zip(parts, sizes, strict=True):
        if x > 0 and x + size[0] > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        xy[members] = local - low + np.array([x, y])
        x += float(size[0])
        row_height = max(row_height, float(size[1]))
    xy -= xy.mean(axis=0)


def _degree_order(n: int, src: numpy.ndarray, dst: numpy.ndarray) -> list[int]:
    """Nodes in breadth-first order from the best-connected actor of each component, so that tied
    actors sit near each other on a circle."""
    import numpy as np

    indptr, indices = _adjacency(n, src, dst)
    degree = np.diff(indptr)
    seen = np.zeros(n, dtype=bool)
    order: list[int] = []
    for start in np.argsort(-degree, kind="stable").tolist():
        if seen[start]:
            continue
        queue = [start]
        seen[start] = True
        while queue:
            node = queue.pop(0)
            order.append(node)
            neighbours = indices[indptr[node]:indptr[node + 1]]
            for nb in sorted(neighbours.tolist(), key=lambda v: -degree[v]):
                if not seen[nb]:
                    seen[nb] = True
                    queue.append(nb)
    return order


def circular_positions(n: int, src: numpy.ndarray, dst: numpy.ndarray) -> numpy.ndarray:
    import numpy as np

    order = _degree_order(n, src, dst) if n < 20000 else list(range(n))
    radius = max(EDGE_LENGTH, n * EDGE_LENGTH * 0.95 / (2 * math.pi))
    xy = np.zeros((n, 2))
    angles = -math.pi / 2 + 2 * math.pi * np.arange(n) / max(n, 1)
    xy[order, 0] = radius * np.cos(angles)
    xy[order, 1] = radius * np.sin(angles)
    return xy


def grouped_positions(kinds: list[str], n: int, src: numpy.ndarray, dst: numpy.ndarray) -> numpy.ndarray:
    """Actors of one kind together: one block per kind, biggest first, each a grid by connectedness."""
    import numpy as np

    degree = np.bincount(np.concatenate([src, dst]).astype(np.int64), minlength=n) if len(src) else np.zeros(n)
    by_kind: dict[str, list[int]] = {}
    for node, kind in enumerate(kinds):
        by_kind.setdefault(kind, []).append(node)
    xy = np.zeros((n, 2))
    parts = []
    spacing = EDGE_LENGTH * 1.1
    for kind in sorted(by_kind, key=lambda k: (-len(by_kind[k]), KINDS.index(k) if k in KINDS else 99)):
        members = sorted(by_kind[kind], key=lambda v: -degree[v])
        columns = max(1, math.ceil(math.sqrt(len(members) * 1.5)))
        local = np.array([[(r % columns) * spacing, (r // columns) * spacing * 0.8] for r in range(len(members))])
        parts.append((np.asarray(members), local))
    _pack(xy, parts)
    return xy


def ego_positions(n: int, src: numpy.ndarray, dst: numpy.ndarray, center: int) -> numpy.ndarray:
    """The centre actor in the middle, its neighbours on a ring, theirs on the next; the rest outside."""
    import numpy as np

    indptr, indices = _adjacency(n, src, dst)
    hops = _bfs(indptr, indices, center)
    reach = int(hops.max()) if n else 0
    hops[hops < 0] = reach + 1
    xy = np.zeros((n, 2))
    angle = np.zeros(n)
    radius = 0.0
    for ring in range(1, int(hops.max()) + 1):
        members = np.flatnonzero(hops == ring)
        if not len(members):
            continue
        # Order each ring by where its ties on the inner ring are, so lines do not cross.
        def inner_angle(v: int, ring: int = ring) -> float:
            inner = [u for u in indices[indptr[v]:indptr[v + 1]].tolist() if hops[u] == ring - 1]
            if not inner:
                return 10.0
            return float(np.angle(np.exp(1j * angle[inner]).mean()))
        members = sorted(members.tolist(), key=lambda v: (inner_angle(v), v))
        radius = max(radius + EDGE_LENGTH * 1.4, len(members) * EDGE_LENGTH * 0.9 / (2 * math.pi))
        theta = -math.pi / 2 + 2 * math.pi * np.arange(len(members)) / len(members)
        angle[members] = theta
        xy[members, 0] = radius * np.cos(theta)
        xy[members, 1] = radius * np.sin(theta)
    return xy


# --- layout quality (for the benchmark and the tests) -------------------------------------


def layout_stress(xy: numpy.ndarray, n: int, src: numpy.ndarray, dst: numpy.ndarray, samples: int = 200,
                  seed: int = 1) -> float:
    """Normalized stress of a layout against hop distances, at the best scale (0 is perfect).

    Pairs from `samples` random source actors to every actor in the same component; lower means
    chart distances follow network distances better, i.e. a less tangled picture.
    """
    import numpy as np

    indptr, indices = _adjacency(n, src, dst)
    rng = np.random.default_rng(seed)
    sources = rng.choice(n, size=min(samples, n), replace=False)
    ratios = []
    for s in sources.tolist():
        hops = _bfs(indptr, indices, s)
        reach = hops > 0
        if reach.any():
            gaps = np.hypot(*(xy[reach] - xy[s]).T)
            ratios.append(gaps / hops[reach])
    if not ratios:
        return 0.0
    r = np.concatenate(ratios)
    scale = r.sum() / max((r**2).sum(), 1e-12)
    return float(((scale * r - 1.0) ** 2).mean())


def edge_crossings(xy: numpy.ndarray, src: numpy.ndarray, dst: numpy.ndarray, sample: int = 1500,
                   seed: int = 1) -> float:
    """Edge crossings of a straight-line drawing, counted on a random sample of edges and scaled
    to the whole graph (exact when the graph has no more edges than `sample`)."""
    import numpy as np

    m = len(src)
    if m < 2:
        return 0.0
    rng = np.random.default_rng(seed)
    chosen = rng.choice(m, size=min(sample, m), replace=False)
    a, b = src[chosen], dst[chosen]
    p, q = xy[a], xy[b]
    count = 0
    for k in range(len(chosen) - 1):
        others = slice(k + 1, None)
        shares = (a[others] == a[k]) | (a[others] == b[k]) | (b[others] == a[k]) | (b[others] == b[k])

        def side(p1: Any, p2: Any, r: Any) -> Any:
            return np.sign((p2[..., 0] - p1[..., 0]) * (r[..., 1] - p1[..., 1])
                           - (p2[..., 1] - p1[..., 1]) * (r[..., 0] - p1[..., 0]))

        d1 = side(p[k], q[k], p[others])
        d2 = side(p[k], q[k], q[others])
        d3 = side(p[others], q[others], p[k][None, :])
        d4 = side(p[others], q[others], q[k][None, :])
        crossing = (d1 * d2 < 0) & (d3 * d4 < 0) & ~shares
        count += int(crossing.sum())
    pairs_sampled = len(chosen) * (len(chosen) - 1) / 2
    return float(count * (m * (m - 1) / 2) / pairs_sampled)

