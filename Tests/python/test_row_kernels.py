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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [12, 200])
def test_tiny_log_probabilities_of_the_max_keep_their_digits(dtype, n):
    # Wide logits: every term but the max is below the rounding of 1 + term,
    # so log-softmax of the max is -(sum of those terms) (~1e-20 here) and
    # only a compensated S - 1 gets it; also the loss of a label at the max.
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 50
    rng = np.random.default_rng(n)
    x = rng.uniform(-60, 0, (3, n)).astype(dtype)
    x[:, 0] = 0
    x[:, 1:] -= 45
    got = logits.log_softmax(x)
    loss = logits.cross_entropy(x, np.zeros(3, np.int64), reduction="none")
    for r in range(3):
        row = [mp.mpf(float(v)) for v in x[r]]
        ref = -mp.log1p(mp.fsum(mp.exp(v) for v in row[1:]))
        assert abs(mp.mpf(float(got[r, 0])) - ref) <= 1e-6 * abs(ref), (got[r, 0], ref)
        assert abs(mp.mpf(float(loss[r])) + ref) <= 1e-6 * abs(ref), (loss[r], ref)
        lse = logits.logsumexp(x[r:r + 1])[0]
        assert abs(mp.mpf(float(lse)) - (-ref)) <= 1e-6 * abs(ref) + 1e-45


def _log_softmax_ref(x):
    """float64 log-softmax of float32 rows, cancellation-free: (x - m) -
    log1p(sum of the other terms), the sum by math.fsum."""
    import math
    out = np.empty(x.shape, np.float64)
    for r, row in enumerate(x.astype(np.float64)):
        j = int(np.argmax(row))
        m = row[j]
        rest = math.fsum(math.exp(v - m) for k, v in enumerate(row) if k != j)
        out[r] = (row - m) - math.log1p(rest)
    return out


@pytest.mark.parametrize("n", [2, 3, 5, 8, 9, 16, 17, 31, 32])
def test_float32_log_softmax_short_row_groups_within_one_ulp(n):
    # Rows of <= 32 go one per lane, with log S computed on the lanes for
    # float32 (logOfSumForFloat): sums from 1 + 1e-30 up to 32, across the
    # sqrt(2) 2^k boundaries of its reduction. Bound: 1 ulp (ACCURACY.md).
    rng = np.random.default_rng(n)
    rows = [np.zeros(n),                                   # S = n
            rng.standard_normal(n) * 3,
            rng.uniform(-20, 0, n),
            np.r_[0.0, np.full(n - 1, -70.0)],             # S = 1 + (n-1) e^-70
            np.r_[0.0, np.full(n - 1, np.log(np.sqrt(2) - 1) - np.log(max(n - 1, 1)))],
            np.r_[0.0, np.full(n - 1, np.log(2 * np.sqrt(2) - 1) - np.log(max(n - 1, 1)))],
            rng.uniform(-1e-3, 0, n),
            rng.standard_normal(n) * 30]
    x = np.array(rows * 3, dtype=np.float32)                # several groups of 8
    got = logits.log_softmax(x).astype(np.float64)
    ref = _log_softmax_ref(x)
    ulp = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    err = np.abs(got - ref) / ulp
    assert err.max() <= 1.0, (err.max(), np.unravel_index(err.argmax(), err.shape))


@pytest.mark.parametrize("n", [2, 5, 12, 40])
def test_float64_softmax_into_the_subnormal_range(n):
    # exp(d) for d in [-760, -700]: results from normal through subnormal to
    # 0 (x86-64-v4: vscalefpd rounds the subnormal once; the portable code
    # scales in two halves). Rows [0, d, ..., d] for single rows (scalar
    # path, n < 8), groups (n <= 32) and long rows (n > 32).
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    ds = np.linspace(-760, -700, 97)
    x = np.full((ds.size, n), -np.inf)
    x[:, 0] = 0
    x[:, 1] = ds
    for rows in (x, x[:1], x[5:6]):
        got = logits.softmax(rows)
        for r in range(rows.shape[0]):
            d = rows[r, 1]
            want = float(mp.exp(mp.mpf(d)) / (1 + mp.exp(mp.mpf(d))))
            tiny = np.nextafter(0.0, 1.0)
            # within one ulp of the result, where the ulp is never below the
            # subnormal spacing
            ulp = max(np.spacing(abs(want)), tiny)
            assert abs(got[r, 1] - want) <= ulp, (d, got[r, 1], want)
            assert got[r, 0] == 1.0 and np.all(got[r, 2:] == 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_exp_arguments_at_the_clamp_and_beyond(dtype):
    # The vector exp clamps its argument at -1400 (beyond it every result is
    # 0); -inf, -1e30 and the most negative finite value must give 0, not
    # NaN, and NaN must stay NaN, in every path (group, long row, sigmoid).
    big = np.finfo(dtype).max
    vals = np.array([0.0, -1399.0, -1400.0, -1401.0, -1e30, -big, -np.inf], dtype)
    for n in (len(vals), 40):
        x = np.full((9, n), -np.inf, dtype)
        x[:, :len(vals)] = vals
        y = logits.softmax(x)
        assert np.all(y[:, 0] == 1) and np.all(y[:, 1:] == 0)
        ls = logits.log_softmax(x)
        # S = 1 + (terms that underflow): log-softmax is x itself.
        assert np.array_equal(ls[:, :len(vals)], np.broadcast_to(vals, (9, len(vals))))
    s = logits.sigmoid(np.array([-1399, -1401, -1e30, -big, -np.inf, np.nan, 1401, np.inf] * 3, dtype))
    assert np.all(s.reshape(3, 8)[:, :5] == 0) and np.all(np.isnan(s.reshape(3, 8)[:, 5]))
    assert np.all(s.reshape(3, 8)[:, 6:] == 1)


@pytest.fixture(params=[1, 2], ids=["1thread", "2threads"])
def threads(request):
    logits.set_num_threads(request.param)
    yield request.param
    logits.set_num_threads(0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", FUNCS)
def test_long_rows_stream_and_prefetch_without_changing_bits(name, dtype, threads):
    # Rows of at least 8192 elements prefetch the next row, and a fast float32
    # log_softmax of 2^17 elements or more writes them with streaming stores
    # from the first 64-byte boundary of each row: the same bits as each row
    # alone (neither), whatever the output's alignment, in place or not, and
    # within the reference's bound.
    # 31 x 9001 elements: above 2^18, so a call splits into parts (fixed by
    # the shape) of more than 2^17 elements.
    x = mixed_rows(31, 9001, dtype, seed=11)
    x[5, 100] = np.float32(3.0e38) if dtype == np.float32 else 1.0e300
    ref = SoftmaxRef(x)
    fn = getattr(logits, name)
    whole = fn(x)
    ref.check(name, whole, extra="long rows")
    alone = np.stack([fn(x[r:r + 1])[0] for r in range(31)])
    assert np.array_equal(whole, alone, equal_nan=True)
    if name == "logsumexp":
        return
    buf = np.empty(x.size + 1, dtype=dtype)
    shifted = buf[1:].reshape(x.shape)  # 4 (or 8) bytes past an aligned start
    fn(x, out=shifted)
    assert np.array_equal(shifted, whole, equal_nan=True)
    y = x.copy()
    fn(y, out=y)
    assert np.array_equal(y, whole, equal_nan=True)
