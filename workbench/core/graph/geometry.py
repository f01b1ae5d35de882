"""How the link chart draws the graph, in chart units: line style and width of a relation, bends of
parallel relations, labels kept apart, and which actor or relation lies under a point (hit tests).

Nothing here is evidence: it turns the model into marks on the chart and back. It stays in core
(no Qt) so that it is tested and benchmarked without a window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy


def line_style(confidence: str, n_sources: int) -> str:
    """How firm a tie looks: 'solid' reported by two or more sources (or confirmed), 'dashed' single
    source, possible or likely, 'dotted' unverified or uncited, 'dashdot' planned (not yet happened)."""
    if confidence == "planned":
        return "dashdot"
    if confidence == "unverified" or n_sources == 0:
        return "dotted"
    if confidence in ("possible", "likely") or (n_sources < 2 and confidence != "confirmed"):
        return "dashed"
    return "solid"


def edge_width(n_citations: int) -> float:
    """Line width in pixels: thicker the more citations stand behind a relation (1 to 5)."""
    return 1.0 + min(max(n_citations, 0), 5) * 0.8


def separate_boxes(xy: numpy.ndarray, boxes: numpy.ndarray, fixed: numpy.ndarray | None = None,
                   padding: float = 4.0, max_rounds: int = 200) -> numpy.ndarray:
    """Move actors apart until their boxes (node and label, as left, top, right, bottom offsets from
    the actor's position) no longer overlap; pinned (`fixed`) actors do not move. For charts up to
    a few hundred actors: the test of every pair is quadratic."""
    import numpy as np

    xy = xy.astype(float).copy()
    n = len(xy)
    if n < 2:
        return xy
    fixed = np.zeros(n, dtype=bool) if fixed is None else fixed
    left, top, right, bottom = (boxes[:, c] for c in range(4))
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    for _round in range(max_rounds):
        x0, x1 = xy[:, 0] + left - padding, xy[:, 0] + right + padding
        y0, y1 = xy[:, 1] + top - padding, xy[:, 1] + bottom + padding
        overlap_x = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
        overlap_y = np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :])
        clash = (overlap_x > 0) & (overlap_y > 0) & upper
        if not clash.any():
            break
        a, b = np.nonzero(clash)
        ox, oy = overlap_x[a, b], overlap_y[a, b]
        cx = (x0[b] + x1[b] - x0[a] - x1[a]) / 2
        cy = (y0[b] + y1[b] - y0[a] - y1[a]) / 2
        # Push along the axis that needs the smaller move, each actor half (all of it if the other is pinned).
        along_x = ox <= oy
        move = np.zeros((len(a), 2))
        move[along_x, 0] = np.where(cx[along_x] >= 0, 1.0, -1.0) * (ox[along_x] + 0.5)
        move[~along_x, 1] = np.where(cy[~along_x] >= 0, 1.0, -1.0) * (oy[~along_x] + 0.5)
        share_a = np.where(fixed[a], 0.0, np.where(fixed[b], 1.0, 0.5))
        share_b = np.where(fixed[b], 0.0, np.where(fixed[a], 1.0, 0.5))
        delta = np.zeros((n, 2))
        np.add.at(delta, a, -move * share_a[:, None])
        np.add.at(delta, b, move * share_b[:, None])
        xy += delta * 0.5  # half steps: an actor pushed from both sides settles instead of oscillating
    return xy


def parallel_offsets(src: list[int], dst: list[int]) -> list[float]:
    """For relations between the same two actors: -0.5, 0.5 (two), -1, 0, 1 (three)... so that the
    chart bends them apart; 0 for a single relation. The sign is the same whichever way an edge runs."""
    groups: dict[tuple[int, int], list[int]] = {}
    for edge, (a, b) in enumerate(zip(src, dst, strict=True)):
        groups.setdefault((min(a, b), max(a, b)), []).append(edge)
    offsets = [0.0] * len(src)
    for (low, _high), edges in groups.items():
        count = len(edges)
        for rank, edge in enumerate(edges):
            value = rank - (count - 1) / 2
            offsets[edge] = value if src[edge] == low else -value
    return offsets



def nearest_node(xy: numpy.ndarray, shown: numpy.ndarray, x: float, y: float, radius: numpy.ndarray | float
                 ) -> int:
    """The shown node whose marker covers (x, y), the nearest if several; -1 for none."""
    import numpy as np

    if not len(xy):
        return -1
    gap = np.hypot(xy[:, 0] - x, xy[:, 1] - y)
    gap = np.where(shown & (gap <= radius), gap, np.inf)
    best = int(np.argmin(gap))
    return best if np.isfinite(gap[best]) else -1


def nearest_edge(start: numpy.ndarray, middle: numpy.ndarray, end: numpy.ndarray, shown: numpy.ndarray,
                 x: float, y: float, tolerance: float) -> int:
    """The shown edge (drawn through start, middle, end) nearest to (x, y) within tolerance; -1 for none."""
    import numpy as np

    if not len(start):
        return -1
    point = np.array([x, y])

    def to_segment(p: numpy.ndarray, q: numpy.ndarray) -> numpy.ndarray:
        seg = q - p
        length = (seg**2).sum(axis=1)
        t = np.clip(((point - p) * seg).sum(axis=1) / np.where(length > 0, length, 1.0), 0.0, 1.0)
        closest = p + seg * t[:, None]
        return np.hypot(*(closest - point).T)

    gap = np.minimum(to_segment(start, middle), to_segment(middle, end))
    gap = np.where(shown & (gap <= tolerance), gap, np.inf)
    best = int(np.argmin(gap))
    return best if np.isfinite(gap[best]) else -1

