"""One question's ACH matrix as a CSV table: a row per evidence row, most diagnostic first, then the scores."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from workbench.core import ach
from workbench.core.cells import safe_cell
from workbench.core.errors import CaseError
from workbench.core.exporters import atomic_output
from workbench.core.model import NOUNS
from workbench.core.store import Case


def matrix_rows(matrix: ach.Matrix, fallen: Iterable[str] = ()) -> list[list[str]]:
    """The table as text cells: a heading row, the evidence most diagnostic first, the score rows."""
    gone = frozenset(fallen)
    ids = matrix.hypothesis_ids
    heading = ["Evidence", "Item", "Grades", "Single source", "Credibility", "Relevance", "Diagnosticity"]
    for number, (_hypothesis_id, title) in enumerate(matrix.hypotheses, start=1):
        heading += [f"H{number}: {title}", f"H{number} comment"]
    rows = [heading]
    for row in ach.by_diagnosticity(matrix):
        cells = [row.label, NOUNS[row.table], row.grades, "yes" if row.single_sourced else "",
                 row.credibility + ("" if row.credibility_override else " (from grades)"), row.relevance,
                 str(ach.diagnosticity(row, ids))]
        for hypothesis_id in ids:
            cells += [row.ratings.get(hypothesis_id, ""), row.comments.get(hypothesis_id, "")]
        rows.append(cells)
    padding = [""] * 6
    scores = ach.scores(matrix)
    rows.append(["Inconsistency score (lower is stronger)", *padding]
                + [cell for h in ids for cell in (f"{scores[h]:.2f}", "")])
    if gone:
        after = ach.scores(matrix, gone)
        named = ", ".join(matrix.source_titles.get(s, s) for s in sorted(gone))
        rows.append([f"If these sources fall: {named}", *padding]
                    + [cell for h in ids for cell in (f"{after[h]:.2f}", "")])
    return rows


def export_matrix_csv(case: Case, question_id: str, out: Path, fallen: Iterable[str] = ()) -> str:
    """Write the question's matrix to `out` (UTF-8 with a byte-order mark, formulas disarmed); a one-line summary."""
    matrix = ach.load_matrix(case, question_id)
    if matrix is None:
        raise CaseError("The question is no longer in the case.")
    rows = matrix_rows(matrix, fallen)
    with atomic_output(Path(out)) as partial, partial.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow([safe_cell(cell) for cell in row])
    return f"Wrote the matrix of '{matrix.question}' ({len(matrix.rows)} rows, {len(matrix.hypotheses)} hypotheses)."
