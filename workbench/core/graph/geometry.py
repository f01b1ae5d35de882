"""How the link chart draws the graph, in chart units: line style and width of a relation, bends of
parallel relations, labels kept apart, and which actor or relation lies under a point (hit tests).

Nothing here is evidence: it turns the model into marks on the chart and back. It stays in core
(no Qt) so that it is tested and benchmarked without a window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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


def edge_width(n_citations: int | numpy.ndarray) -> Any:
    """Line width in pixels: thicker the more citations stand behind a relation (1 to 5); of each, for an array."""
    import numpy as np

    return 1.0 + np.minimum(np.maximum(n_citations, 0), 5) * 0.8


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


# Where a name may go around its actor's marker, tried in this order: below and above (centred,
# then starting or ending under the marker, for a name near the view's edge), right, left, then
# the four corners. (dx, dy): dy is -1 above, 1 below, 0 beside; dx is 0 centred, 1 or -1 clear of
# the marker to the right or left, 0.5 or -0.5 starting or ending at the marker's middle.
LABEL_SPOTS: tuple[tuple[float, float], ...] = (
    (0, 1), (0, -1), (0.5, 1), (-0.5, 1), (0.5, -1), (-0.5, -1), (1, 0), (-1, 0),
    (1, 1), (-1, 1), (1, -1), (-1, -1),
)


Box = tuple[float, float, float, float]  # left, top, right, bottom


def label_spacing(height: float) -> tuple[float, float]:
    """The least room (across, down) between two labels of line `height` pixels: about a word space
    and a half across, so that neighbours on one line read as two names, and a sixth of a line down,
    so that names on consecutive lines do not read as one name on two lines."""
    return (max(4.0, 0.45 * height), max(1.5, 0.15 * height))
RETRY_UP_TO = 120  # names to place up to which other orders are tried
RETRY_ROUNDS = 4
GIVE_UP_AFTER = 120  # names in a row that found no room, after which a long list stops looking


class LabelBoard:
    """Boxes already drawn (names, markers, relation labels), in a grid of cells so that testing a
    new box looks only at the few boxes near it."""

    def __init__(self, cell: float = 64.0) -> None:
        self.cell = cell
        self.grid: dict[tuple[int, int], list[tuple[float, float, float, float, int]]] = {}

    def _cells(self, box: Box) -> list[tuple[int, int]]:
        c = self.cell
        x0, y0, x1, y1 = int(box[0] // c), int(box[1] // c), int(box[2] // c), int(box[3] // c)
        return [(i, j) for i in range(x0, x1 + 1) for j in range(y0, y1 + 1)]

    def copy(self) -> LabelBoard:
        board = LabelBoard(self.cell)
        board.grid = {key: list(boxes) for key, boxes in self.grid.items()}
        return board

    def add(self, box: Box, owner: int = -1) -> None:
        """Take `box`; `owner` (an actor) may still overlap it with its own name."""
        for key in self._cells(box):
            self.grid.setdefault(key, []).append((*box, owner))

    def free(self, box: Box, owner: int = -1, spacing: tuple[float, float] = (0.0, 0.0)) -> bool:
        """Whether `box` overlaps nothing taken, but for boxes of `owner` (when it is 0 or more), and
        keeps `spacing` (across, down) from every label taken (boxes of no owner): two names closer
        than a word space read as one name ("Aleksander Taraykouski Belarusian forest ministry")."""
        sx, sy = spacing
        grown = (box[0] - sx, box[1] - sy, box[2] + sx, box[3] + sy) if sx or sy else box
        c, grid = self.cell, self.grid
        # Cells walked in place (no list of keys built): this test runs tens of thousands of times
        # on a zoom of a big chart.
        for i in range(int(grown[0] // c), int(grown[2] // c) + 1):
            for j in range(int(grown[1] // c), int(grown[3] // c) + 1):
                boxes = grid.get((i, j))
                if not boxes:
                    continue
                for left, top, right, bottom, other in boxes:
                    if other >= 0:
                        if other == owner:
                            continue
                        test = box
                    else:
                        test = grown
                    if test[0] < right and left < test[2] and test[1] < bottom and top < test[3]:
                        return False
        return True


def place_labels(anchors: numpy.ndarray, radius: numpy.ndarray, widths: numpy.ndarray, height: float,
                 order: list[int], markers: list[int] | None = None, gap: float = 2.0,
                 board: LabelBoard | None = None, frame: Box | None = None,
                 wrapped: dict[int, list[tuple[float, float]]] | None = None,
                 spacing: tuple[float, float] | None = None) -> dict[int, Box]:
    """Names that can be drawn without overlapping, and where: {actor: (left, top, right, bottom)}.

    Greedy, in screen pixels (`anchors` are the actors' positions times the zoom): actors are taken
    in `order` (most important first) and each name goes in the first of LABEL_SPOTS where it
    covers no name already placed and no marker of the actors in `markers` (all when None) but its
    own; an actor whose name fits nowhere is left unnamed (its tooltip and a closer zoom name it).
    The boxes taken are added to `board` (a new one when None), e.g. for relation labels after.
    The name of an actor inside `frame` (the view) must fit inside it too: a name cut off at the
    view's edge is not read. `wrapped` gives some actors more sizes (width, height: the name on
    two or three lines), each tried at every spot when the one before fits at none. On a small chart, if
    some names found no room, the placement is tried again with those first (a few rounds, each
    adding the names left out), and the one naming most actors is kept (the earliest on a tie), as
    long as it still names every actor named ahead of the first one left out.
    Names keep `spacing` (across, down; by default label_spacing(height)) from each other and from
    labels already on `board`, so that two names side by side are never read as one.
    """
    spacing = label_spacing(height) if spacing is None else spacing
    board = LabelBoard(max(48.0, float(height) * 4)) if board is None else board
    for v in markers if markers is not None else range(len(anchors)):
        x, y, r = float(anchors[v][0]), float(anchors[v][1]), float(radius[v])
        board.add((x - r, y - r, x + r, y + r), int(v))
    first = board.copy() if len(order) <= RETRY_UP_TO else board
    placed = _place_in_order(first, anchors, radius, widths, height, order, gap, frame, wrapped, spacing)
    # Those named ahead of the first left out keep their names: a retry may not trade them away.
    earned = next((order[:k] for k, v in enumerate(order) if v not in placed), order)
    ahead: list[int] = []  # names that found no room in some round, placed first in the next
    for _round in range(RETRY_ROUNDS if len(order) <= RETRY_UP_TO else 0):
        if len(placed) == len(order):
            break
        ahead += [v for v in order if v not in placed and v not in ahead]
        again = board.copy()
        retried = _place_in_order(again, anchors, radius, widths, height,
                                  ahead + [v for v in order if v not in ahead], gap, frame, wrapped, spacing)
        if len(retried) > len(placed) and all(v in retried for v in earned):
            placed, first = retried, again
    if first is not board:
        board.grid = first.grid
    return placed


def _place_in_order(board: LabelBoard, anchors: numpy.ndarray, radius: numpy.ndarray, widths: numpy.ndarray,
                    height: float, order: list[int], gap: float, frame: Box | None,
                    wrapped: dict[int, list[tuple[float, float]]] | None,
                    spacing: tuple[float, float]) -> dict[int, Box]:
    placed: dict[int, Box] = {}
    misses = 0
    for v in order:
        if misses >= GIVE_UP_AFTER and len(order) > RETRY_UP_TO:
            break  # a crowded view of a big chart: the less important names would not fit either
        misses += 1
        x, y, r = float(anchors[v][0]), float(anchors[v][1]), float(radius[v])
        framed = frame is not None and frame[0] <= x <= frame[2] and frame[1] <= y <= frame[3]
        sizes = [(float(widths[v]), float(height))]
        if wrapped and v in wrapped:
            sizes += wrapped[v]
        for width, tall in sizes:
            half_w, half_h = width / 2, tall / 2
            box = _first_free_spot(board, int(v), x, y, r + gap, half_w, half_h, frame if framed else None,
                                   spacing)
            if box is not None:
                placed[v] = box
                board.add(box)
                misses = 0
                break
    return placed


def _first_free_spot(board: LabelBoard, owner: int, x: float, y: float, reach: float, half_w: float,
                     half_h: float, frame: Box | None, spacing: tuple[float, float]) -> Box | None:
    # Next to the marker first; then one line further out, past a name that is in the way.
    for extra in (0.0, 2 * half_h if half_h < 10 else 12.0):
        for dx, dy in LABEL_SPOTS:
            if abs(dx) == 0.5:
                cx = x + (half_w if dx > 0 else -half_w)  # the name starts (or ends) under the marker
            else:
                cx = x + dx * (half_w + reach + (extra if dy == 0 else 0.0))
            cy = y + dy * (half_h + reach + extra)
            box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
            if frame is not None and not (frame[0] <= box[0] and box[2] <= frame[2]
                                          and frame[1] <= box[1] and box[3] <= frame[3]):
                continue
            if board.free(box, owner, spacing):
                return box
    return None


def parallel_offsets(src: list[int], dst: list[int]) -> list[float]:
    """For relations between the same two actors: -0.5, 0.5 (two), -1, 0, 1 (three)... so that the
    chart bends them apart; 0 for a single relation. The sign is the same whichever way an edge runs.
    Ranked in edge order within each pair, worked out with arrays (20,000 relations open with the chart)."""
    import numpy as np

    a, b = np.asarray(src, dtype=np.int64), np.asarray(dst, dtype=np.int64)
    if not len(a):
        return []
    low, high = np.minimum(a, b), np.maximum(a, b)
    key = low * (int(high.max()) + 1) + high
    order = np.argsort(key, kind="stable")  # a pair's relations together, in edge order
    ordered = key[order]
    first = np.concatenate([[True], ordered[1:] != ordered[:-1]])
    starts = np.flatnonzero(first)
    pair = np.cumsum(first) - 1
    count = np.diff(np.append(starts, len(key)))[pair]
    value = (np.arange(len(key)) - starts[pair]) - (count - 1) / 2
    offsets = np.empty(len(key))
    offsets[order] = np.where(a[order] == low[order], value, -value)
    return offsets.tolist()


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

