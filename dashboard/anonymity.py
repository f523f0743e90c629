"""The anonymity rule: the one place that decides whether a figure may be published.

A figure (a mean, a spread, a distribution, a count) is computed from a set of people. A
leader who keeps every figure ever published can add and subtract them: the threshold
holds only if no combination of published sets singles out fewer than `min_size` people.
Sets are described by the cells they take whole (a cell is, say, the people of one release
with one level and one domain); a figure is published only if, together with everything
published before, the sets still span no 0/1 vector of 1 to `min_size - 1` people.

This one rule covers the plain threshold (a set on its own), subtraction within a
partition (the total minus the shown levels), across groupings (levels against domains)
and over time (a release against the previous one). Plain Python and numpy: no Flask, no
database.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np

#: Beyond this many candidate half-sets the check gives up and calls the figure unsafe
#: (keeping a figure as it was is the safe mistake). It bounds the work per figure.
MAX_HALVES = 5_000
_PROBES = 8  # random directions: a non-zero vector is orthogonal to all of them with probability 0
_TOLERANCE = 1e-6


def large_enough(n: int, min_size: int) -> bool:
    """A set of people on its own may be the basis of a figure."""
    return n >= min_size


def reveals_small_group(sizes: Sequence[int], sets: Iterable[Iterable[int]], min_size: int) -> bool:
    """True when some union of 1 to `min_size - 1` people is a linear combination of `sets`.

    `sizes[c]` is the number of people in cell c; each set is the cells it consists of.
    Every combination of the sets is constant on each cell, so a small group in their span
    is a union of small cells whose indicator lies in the row space. That is tested through
    random probes of the null space: the cells of X sum to zero there exactly when X is in
    the span. Subsets are searched by meeting in the middle.
    """
    sets = [sorted(set(s)) for s in sets]
    used = sorted({c for s in sets for c in s if sizes[c] > 0})
    if not used:
        return False
    # Cells that every set takes or leaves together behave as one cell.
    patterns: dict[tuple[bool, ...], int] = {}
    for c in used:
        pattern = tuple(c in s for s in sets)
        patterns[pattern] = patterns.get(pattern, 0) + sizes[c]
    weights = np.array(list(patterns.values()))
    small = np.flatnonzero(weights < min_size)
    if small.size == 0:
        return False
    matrix = np.array(list(patterns.keys()), dtype=float).T  # sets x cells
    _, singular, vt = np.linalg.svd(matrix, full_matrices=False)
    rank = int((singular > singular[0] * max(matrix.shape) * np.finfo(float).eps).sum()) if singular.size else 0
    basis = vt[:rank].T  # cells x rank: the row space
    probes = np.random.default_rng(0).standard_normal((matrix.shape[1], _PROBES))
    residue = (probes - basis @ (basis.T @ probes))[small]  # each small cell seen from the null space
    return _zero_sum_subset(residue, weights[small], min_size - 1)


def _zero_sum_subset(vectors: np.ndarray, weights: np.ndarray, budget: int) -> bool:
    """Whether some non-empty set of rows with total weight <= budget sums to (about) zero:
    every such set is two halves of at most half as many rows, so sort the sums of all halves
    and look each one's negation up."""
    half = (budget + 1) // 2
    members = [np.empty((1, 0), dtype=int)]  # the empty half
    for size in range(1, half + 1):
        if math.comb(len(vectors), size) > MAX_HALVES:
            return True
        chosen = np.array(list(combinations(range(len(vectors)), size)), dtype=int).reshape(-1, size)
        members.append(chosen[weights[chosen].sum(axis=1) <= budget])
    width = half
    padded = np.vstack([np.pad(m, ((0, 0), (0, width - m.shape[1])), constant_values=-1) for m in members])
    weight = np.where(padded >= 0, weights[np.maximum(padded, 0)], 0).sum(axis=1)
    sums = np.where((padded >= 0)[..., None], vectors[np.maximum(padded, 0)], 0).sum(axis=1)
    order = np.argsort(sums[:, 0])
    firsts = sums[order, 0]
    low = np.searchsorted(firsts, -sums[:, 0] - _TOLERANCE)
    high = np.searchsorted(firsts, -sums[:, 0] + _TOLERANCE)
    for a in np.flatnonzero(high > low):
        if not (padded[a] >= 0).any():
            continue  # the empty half on this side: its partner is checked from the other side
        for b in order[low[a] : high[a]]:
            cells_a, cells_b = set(padded[a][padded[a] >= 0]), set(padded[b][padded[b] >= 0])
            if (
                weight[a] + weight[b] <= budget
                and not cells_a & cells_b
                and np.abs(sums[a] + sums[b]).max() < _TOLERANCE
            ):
                return True
    return False
