"""Ranking the rows that share keys with a probed clip (for the LSH index and the probe)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class Candidate:
    """A row sharing keys with the probe, with the similarity its signature estimates."""

    row: int
    estimate: float
    exact: bool
    masked: bool


def best_candidates(rows: np.ndarray, est: np.ndarray, members: Sequence[ArrayLike], limit: int,
                    min_estimate: float) -> list[Candidate]:
    """Rows with their estimates, best first (exact text, masked text, estimate, newest);
    `members[0]`, `members[1]` are the rows sharing the exact and the masked text key."""
    exact, masked = np.isin(rows, members[0]), np.isin(rows, members[1])
    keep = (est >= min_estimate) | exact | masked
    rows, est, exact, masked = rows[keep], est[keep], exact[keep], masked[keep]
    order = np.lexsort((-rows, -est, ~masked, ~exact))[:limit]
    return [Candidate(int(rows[k]), float(est[k]), bool(exact[k]), bool(masked[k]))
            for k in order]
