"""The vector row kernels' edge paths: short rows (one row per lane, in
groups of eight with a partial last group), long rows with tails, special
rows mixed with ordinary ones, in place, against the long-double reference."""

import numpy as np
import pytest

import logits
from logits_ref import SoftmaxRef

FUNCS = ["softmax", "log_softmax", "logsumexp"]


def mixed_rows(rows, n, dtype, seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((rows, n)) * 6).astype(dtype)
    if rows > 3:
        x[1, :] = -np.inf                  # fully masked row
        x[2, n // 2] = np.inf              # one +inf entry
        x[3, 0] = np.nan                   # NaN row
    if rows > 9:
        x[9, :] = -np.inf
        x[9, n - 1] = 4.0                  # masked but one entry
        x[rows - 1, 1:] = -np.inf          # last row (partial group)
    return x


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("rows", [1, 5, 8, 9, 17, 23])
@pytest.mark.parametrize("n", [8, 9, 10, 16, 31, 32, 33, 65])
@pytest.mark.parametrize("name", FUNCS)
def test_rows_with_special_values(name, dtype, rows, n):
    x = mixed_rows(rows, n, dtype, seed=rows * 100 + n)
    ref = SoftmaxRef(x)
    got = getattr(logits, name)(x)
    ref.check(name, got, extra=f"rows={rows} n={n}")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [9, 10, 32, 40])
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_in_place_matches_out_of_place(name, dtype, n):
    x = mixed_rows(13, n, dtype, seed=n)
    want = getattr(logits, name)(x)
    y = x.copy()
    getattr(logits, name)(y, out=y)
    assert np.array_equal(np.isnan(y), np.isnan(want))
    assert np.array_equal(y[~np.isnan(y)], want[~np.isnan(want)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grouping_does_not_change_rows(dtype):
    # A row gives the same bits alone, in a full group and in a partial one.
    x = mixed_rows(23, 12, dtype, seed=3)
    whole = logits.softmax(x)
    for r in range(23):
        alone = logits.softmax(x[r:r + 1])
        assert np.array_equal(np.nan_to_num(alone[0], nan=7.0), np.nan_to_num(whole[r], nan=7.0))
