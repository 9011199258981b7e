"""The accuracy contract on a quick sample: every function and dtype stays within
the bound in abi/operations.h (LOGITS_BOUND, and LOGITS_FAST_BOUND for
float32 in the fast precision: the tables ACCURACY.md reports against) over
every input domain, and the special values are exactly the documented ones.
Each test runs in both precisions (conftest.py). `make accuracy` measures the
same with larger samples.

float16 and bfloat16 (ml_dtypes; skipped without it) are measured like
float32, against their one bound for both precisions (0.51 ulp of the
format; the losses, float32 values, 1e-6 relative).

References: mpmath (128 bits) for float64, float64 formulas for float32,
float16 and bfloat16 (see tools/accuracy_contract.py for why that is
enough)."""

import numpy as np
import pytest

from logits import _operations as ab  # the bounds: abi/operations.h
import accuracy_contract as ac
import logits

F32, F64, F16, BF16 = ac.F32, ac.F64, ac.F16, ac.BF16
_NO_BF16 = pytest.mark.skipif(BF16 is None, reason="bfloat16 needs ml_dtypes")
DTYPES = [np.float32, np.float64, np.float16,
          pytest.param(BF16 if BF16 is not None else "bfloat16", marks=_NO_BF16, id="bfloat16")]
MEASURED_DTYPES = [F32, F64] + ac.HALF  # the dtypes this installation can measure


def sizes(f32, f64, half=None):
    """Per-dtype quick sample sizes: the 16-bit formats as float32 unless given."""
    return {F32: f32, F64: f64, **{h: f32 if half is None else half for h in ac.HALF}}


def assert_within_bounds(res, functions):
    problems = []
    checked = 0
    for (fn, dt, dom, impl), st in sorted(res.cells.items()):
        if impl != "logits" or fn not in functions:
            continue
        metric, bound = res.bounds[(fn, dt)]
        checked += 1
        if not st.worst <= bound:
            problems.append(f"{fn} {dt} {dom}: {st.worst:.4g} > {bound} ({metric}; n={st.n}) {st.worst_at}")
        if st.special_bad:
            problems.append(f"{fn} {dt} {dom}: {st.special_bad} of {st.special_total} special results "
                            "differ from the documented values")
    assert checked, "nothing was measured"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("dtype", DTYPES)
def test_elementwise(dtype):
    res = ac.Results(ab.bounds(logits.get_precision()))
    ac.measure_elementwise(res, logits, [dtype], ["elem-normal", "wide", "huge", "subnormal"],
                           sizes(5000, 300), np.random.default_rng(11))
    assert_within_bounds(res, ac.ELEMENTWISE)


@pytest.mark.parametrize("dtype", DTYPES)
def test_elementwise_gradients(dtype):
    res = ac.Results(ab.bounds(logits.get_precision()))
    ac.measure_elem_backward(res, logits, [dtype], ["elem-normal", "wide"], sizes(5000, 200),
                             np.random.default_rng(12))
    assert_within_bounds(res, ac.ELEM_BWD)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_family(dtype):
    res = ac.Results(ab.bounds(logits.get_precision()))
    ac.measure_axis(res, logits, [dtype], ["normal", "wide", "huge", "subnormal", "T=0.37"],
                    sizes(3, 1), np.random.default_rng(13))
    assert_within_bounds(res, ac.AXIS)


def test_long_rows():
    res = ac.Results(ab.bounds(logits.get_precision()))
    ac.measure_long_rows(res, logits, MEASURED_DTYPES, [50_257, 200_000], np.random.default_rng(14),
                         pool_size=512)
    assert_within_bounds(res, ac.AXIS)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_family_gradients(dtype):
    res = ac.Results(ab.bounds(logits.get_precision()))
    ac.measure_axis_backward(res, logits, [dtype], ["normal", "wide"], sizes(3, 1),
                             np.random.default_rng(15), lengths=(8, 100))
    assert_within_bounds(res, ac.AXIS_BWD)


@pytest.mark.parametrize("dtype", DTYPES)
def test_losses(dtype):
    res = ac.Results(ab.bounds(logits.get_precision()))
    ac.measure_losses(res, logits, [dtype], ["normal", "wide"], sizes(300, 8),
                      np.random.default_rng(16), classes=(10, 100))
    assert_within_bounds(res, ["cross_entropy_logits", "cross_entropy_probs", "binary_cross_entropy"])


def test_every_function_has_a_bound():
    names = ac.AXIS + ac.ELEMENTWISE + ac.AXIS_BWD + ac.ELEM_BWD + [
        "cross_entropy_logits", "cross_entropy_probs", "binary_cross_entropy"]
    for n in names:
        for dt in ("float32", "float64", "float16", "bfloat16"):
            metric, bound = ab.BOUNDS[(n, dt)]
            assert metric in ("ulp", "ulp_z", "ulp_lse", "ulp_sc", "rel", "rel_shift") and bound > 0
    for key, measured in ab.MEASURED.items():  # the recorded run met the table
        assert measured <= ab.BOUNDS[key][1], key
    for contract, b in ab.FAST_CONTRACTS.items():  # and the fast table
        assert (contract, "float32") in ab.BOUNDS, contract
        assert b.metric in ("ulp", "ulp_z", "ulp_sc", "rel") and 0 < b.measured <= b.bound, contract


def test_the_measurement_can_fail():
    """The metric sees a one-ulp change: the harness is not vacuous."""
    x = np.linspace(-5, 5, 101)
    hi, lo = ac.ref_elementwise("sigmoid", x, np.float64)
    st = ac.Stat("ulp")
    ac.record(st, np.nextafter(logits.sigmoid(x), 2.0), hi, lo, np.float64)
    assert st.worst > 0.5
    # ...and a float32 result rounded the wrong way is seen as > 0.5 ulp
    x32 = np.float32([0.3])
    hi32, lo32 = ac.ref_elementwise("softplus", x32, np.float32)
    wrong = np.nextafter(np.float32(hi32[0]), np.float32(np.inf), dtype=np.float32)
    st32 = ac.Stat("ulp")
    ac.record(st32, np.array([wrong]), hi32, lo32, np.float32)
    assert st32.worst > 0.5


def test_ulp_definition():
    assert ac.ulp(np.array([1.0]), np.float32)[0] == 2.0 ** -23
    assert ac.ulp(np.array([1.5]), np.float64)[0] == 2.0 ** -52
    assert ac.ulp(np.array([0.0]), np.float32)[0] == 2.0 ** -149
    assert ac.ulp(np.array([1e-40]), np.float32)[0] == 2.0 ** -149
    assert ac.ulp(np.array([2.0 ** -1074]), np.float64)[0] == 2.0 ** -1074
    # float16: 11-bit precision, smallest normal 2^-14, subnormal spacing 2^-24
    assert ac.ulp(np.array([1.0]), np.float16)[0] == 2.0 ** -10
    assert ac.ulp(np.array([65504.0]), np.float16)[0] == 32.0
    assert ac.ulp(np.array([2.0 ** -14]), np.float16)[0] == 2.0 ** -24
    assert ac.ulp(np.array([1e-6]), np.float16)[0] == 2.0 ** -24
    assert ac.ulp(np.array([0.0]), np.float16)[0] == 2.0 ** -24
    if BF16 is not None:  # bfloat16: 8-bit precision, float32's exponent range
        assert ac.ulp(np.array([1.0]), BF16)[0] == 2.0 ** -7
        assert ac.ulp(np.array([3.0e38]), BF16)[0] == 2.0 ** 120
        assert ac.ulp(np.array([1e-39]), BF16)[0] == 2.0 ** -133
        assert ac.ulp(np.array([0.0]), BF16)[0] == 2.0 ** -133


@pytest.mark.parametrize("dtype", DTYPES[2:])
def test_the_measurement_can_fail_16bit(dtype):
    """A 16-bit result one ulp off (rounded the wrong way) is seen as > 0.5
    ulp of the format."""
    x = np.linspace(-5, 5, 101).astype(dtype)
    hi, lo = ac.ref_elementwise("softplus", x, dtype)
    got = np.asarray(logits.softplus(x))
    assert got.dtype == np.dtype(dtype)
    st = ac.Stat("ulp")
    ac.record(st, got, hi, lo, dtype)
    assert st.worst <= 0.51
    bits = got.view(np.uint16).copy()
    bits[50:] += 1  # positive results one ulp up (softplus > 0)
    st1 = ac.Stat("ulp")
    ac.record(st1, bits.view(dtype), hi, lo, dtype)
    assert st1.worst > 0.5
