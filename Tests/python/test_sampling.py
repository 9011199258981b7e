"""The sampler, top-k and argmax against independent references.

The reference (``reference_probs``) is written from the frameworks'
documented formulas with full sorts in float64 numpy: transformers'
TemperatureLogitsWarper, TopK (ties at the k-th value kept), TopP (sorted
ascending, cumulative probability <= 1 - top_p removed, the top token
kept), MinP, and the repetition / presence / frequency penalties; in
llama.cpp's order the temperature comes last. Three checks use it:

* the library's log-probability of each drawn token (``return_logprobs``)
  matches the reference's to 1e-6 relative in probability;
* with caller-given uniforms the drawn token is the reference's inverse-CDF
  token (survivors in index order, first running sum > u * total);
* the frequencies of 10^6 seeded draws pass a chi-square test at p = 1e-4.

The Philox draw is checked against Random123's known answers by a Python
implementation of Philox4x32-10 written from the paper.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import logits

DTYPES = [np.float32, np.float64]


# ----------------------------------------------------------------------------
# Independent references
# ----------------------------------------------------------------------------

M32 = 0xFFFFFFFF


def philox4x32_10(ctr, key):
    c = list(ctr)
    k = list(key)
    for r in range(10):
        p0 = 0xD2511F53 * c[0]
        p1 = 0xCD9E8D57 * c[2]
        c = [((p1 >> 32) ^ c[1] ^ k[0]) & M32, p1 & M32, ((p0 >> 32) ^ c[3] ^ k[1]) & M32, p0 & M32]
        if r < 9:
            k = [(k[0] + 0x9E3779B9) & M32, (k[1] + 0xBB67AE85) & M32]
    return c


def philox_uniform(seed, row):
    w = philox4x32_10([row & M32, row >> 32, 0, 0], [seed & M32, seed >> 32])
    return ((w[0] << 32 | w[1]) >> 11) * 2.0 ** -53


def test_philox_known_answers():
    # Random123 tests/kat_vectors, the three philox4x32 10 lines.
    assert philox4x32_10([0, 0, 0, 0], [0, 0]) == [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]
    assert philox4x32_10([M32] * 4, [M32, M32]) == [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]
    assert philox4x32_10([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0]) == \
        [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]


def softmax64(v):
    v = np.asarray(v, dtype=np.float64)
    if np.isposinf(v).any():
        return np.isposinf(v) / np.isposinf(v).sum()
    e = np.exp(v - v.max())
    return e / e.sum()


def penalised(x, history=(), repetition=None, presence=None, frequency=None, bias=None):
    x = np.array(x, dtype=np.float64)
    ids, counts = np.unique([h for h in history if h >= 0], return_counts=True)
    for t, c in zip(ids, counts):
        v = x[t]
        if repetition is not None:
            v = v / repetition if v > 0 else v * repetition
        v -= c * (frequency or 0.0) + (presence or 0.0)
        x[t] = v
    for t, b in (bias or {}).items():
        x[t] = b if np.isinf(b) else x[t] + b
    return x


def reference_probs(x, temperature=1.0, top_k=None, top_p=None, min_p=None, order="transformers", **pen):
    """Each token's final probability, from the frameworks' formulas."""
    v = penalised(x, **pen)
    if temperature == 0:
        p = np.zeros(v.size)
        p[np.argmax(v)] = 1
        return p
    f = v / temperature if order == "transformers" else v.copy()
    keep = np.ones(v.size, bool)
    if top_k is not None and 0 < top_k < v.size:
        kth = np.sort(f)[::-1][top_k - 1]
        keep &= f >= kth
    if top_p is not None and top_p < 1:
        p = softmax64(np.where(keep, f, -np.inf))
        ordr = np.lexsort((-np.arange(v.size), p))      # ascending p, ties: higher index first
        cum = np.cumsum(p[ordr])
        remove = cum <= 1 - top_p
        remove[-1] = False
        keep[ordr[remove]] = False
    if min_p is not None and min_p > 0:
        p = softmax64(np.where(keep, f, -np.inf))
        keep &= p >= min_p * p.max()
    g = v / temperature
    return softmax64(np.where(keep, g, -np.inf))


def inverse_cdf(p, u):
    """The token of uniform u: survivors in index order, first running sum > u."""
    cum = np.cumsum(p)
    return int(np.searchsorted(cum, u * cum[-1], side="right"))


# ----------------------------------------------------------------------------
# Settings under test
# ----------------------------------------------------------------------------

ROW = np.array([2.0, -1.0, 0.5, 3.0, 3.0, -0.5, 1.5, -4.0, 0.0, 2.5, -np.inf, 1.0])
HIST = [3, 3, 7, 1, 9, -1]
SETTINGS = [
    dict(),
    dict(temperature=0.7),
    dict(temperature=2.5),
    dict(top_k=3),                                    # ties at the k-th value (3.0, 3.0) ...
    dict(top_k=4, temperature=0.5),                   # ... and 2.5 after them
    dict(top_p=0.8),
    dict(top_p=0.35),
    dict(min_p=0.2),
    dict(min_p=0.05, temperature=1.7),
    dict(top_k=6, top_p=0.9, min_p=0.1, temperature=0.8),
    dict(top_k=6, top_p=0.9, min_p=0.1, temperature=0.8, order="llama.cpp"),
    dict(top_p=0.7, temperature=3.0, order="llama.cpp"),
    dict(min_p=0.3, temperature=0.4, order="llama.cpp"),
    dict(history=HIST, repetition=1.3),
    dict(history=HIST, presence=0.5, frequency=0.25, temperature=0.9),
    dict(history=HIST, repetition=0.8, presence=-0.2, top_k=5),
    dict(bias={0: 1.5, 8: -np.inf, 11: -2.0}, top_p=0.95),
]


def call_kwargs(s):
    kw = {k: v for k, v in s.items() if k not in ("history", "repetition", "presence", "frequency", "bias")}
    if "history" in s:
        kw["history"] = s["history"]
    if "repetition" in s:
        kw["repetition_penalty"] = s["repetition"]
    if "presence" in s:
        kw["presence_penalty"] = s["presence"]
    if "frequency" in s:
        kw["frequency_penalty"] = s["frequency"]
    if "bias" in s:
        kw["logit_bias"] = s["bias"]
    return kw


def ref_kwargs(s):
    kw = {k: v for k, v in s.items() if k not in ("bias",)}
    if "bias" in s:
        kw["bias"] = s["bias"]
    return kw


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("s", SETTINGS, ids=[str(s) for s in SETTINGS])
def test_tokens_and_logprobs_match_the_reference(s, dtype):
    x = ROW.astype(dtype)
    p = reference_probs(x.astype(np.float64), **ref_kwargs(s))
    rows = 4000
    u = (np.arange(rows) + 0.5) / rows
    xs = np.tile(x, (rows, 1))
    kw = call_kwargs(s)
    if "history" in kw:
        kw["history"] = np.tile(np.array(kw["history"]), (rows, 1))
    tok, lp, raw = logits.sample(xs, uniform=u, return_logprobs=True, **kw)
    # u within 1e-9 of a boundary may round either way
    check_draws(x, p, u, tok, lp, raw, dtype, near=1e-9)


def check_draws(x, p, u, tok, lp, raw, dtype, near):
    """Each drawn token is the reference's inverse-CDF token for its u (but
    for u within ``near`` of a boundary), has positive probability, and its
    log-probabilities match the reference's and softmax's."""
    want = np.array([inverse_cdf(p, ui) for ui in u])
    cum = np.cumsum(p)
    close = np.min(np.abs(u[:, None] * cum[-1] - cum[None, :]), axis=1) < near
    assert np.array_equal(tok[~close], want[~close])
    assert p[tok].min() > 0
    tol = 1e-6 if dtype == np.float64 else 2e-6
    np.testing.assert_allclose(np.exp(lp.astype(np.float64)), p[tok], rtol=tol)
    np.testing.assert_allclose(np.exp(raw.astype(np.float64)), softmax64(x)[tok], rtol=tol)


LONG_SETTINGS = [
    dict(temperature=0.7),
    dict(top_p=0.9, temperature=0.7),
    dict(top_p=0.5),
    dict(top_p=0.995, temperature=1.3),
    dict(min_p=0.05, temperature=0.7),
    dict(top_k=50, top_p=0.9, temperature=0.7),
    dict(top_k=300, min_p=0.01),
    dict(top_p=0.9, temperature=0.5, order="llama.cpp"),
    dict(top_k=40, top_p=0.8, min_p=0.02, temperature=1.5, order="llama.cpp"),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("s", LONG_SETTINGS, ids=[str(s) for s in LONG_SETTINGS])
def test_long_rows_match_the_reference(s, dtype):
    # Rows long enough for the whole-block passes, top-p's bands and the
    # skipped blocks (the short ROW above exercises only partial blocks):
    # a Gaussian row, a row with ties and masked entries, a peaked row.
    rng = np.random.default_rng(16)
    n = 70_001
    rows = [rng.standard_normal(n) * 2.5,
            np.round(rng.standard_normal(n) * 2, 1),
            rng.standard_normal(n) - 30 * (rng.random(n) < 0.999)]
    rows[1][rng.random(n) < 0.3] = -np.inf
    for x in rows:
        x = x.astype(dtype)
        p = reference_probs(x.astype(np.float64), **ref_kwargs(s))
        u = np.array([0.013, 0.25, 0.5, 0.77, 0.9999])
        tok, lp, raw = logits.sample(np.tile(x, (u.size, 1)), uniform=u, return_logprobs=True, **call_kwargs(s))
        # float32 terms are within about 1e-7: u that close to a boundary may go either way
        check_draws(x, p, u, tok, lp, raw, dtype, near=1e-6)


def test_structured_rows_and_band_edges():
    # Found by review: (1) a row rising then falling in index order made the
    # crossing band's selection quadratic (the keys' order defeated a
    # median-of-three pivot); the radix select is linear, and the result must
    # match the reference. (2) top_p landing on the end of a band kept the
    # whole row (the band's mass was added in two different orders).
    # (3) float32 terms added in float lost the max's neighbours: llama.cpp
    # order, T = 2 and top_p 0.999999 kept one tail token too many.
    half = np.linspace(-0.01, 0, 20_000)
    x = np.concatenate([half, half[::-1]])
    for dtype in DTYPES:
        xd = x.astype(dtype)
        p = reference_probs(xd.astype(np.float64), top_p=0.5)
        tok, lp, _ = logits.sample(xd, uniform=0.37, return_logprobs=True, top_p=0.5)
        assert p[tok] > 0
        np.testing.assert_allclose(np.exp(float(lp)), p[tok], rtol=2e-6)
    # (2): the review's rows (float64), top_p on the end of the band [-9, 0]
    heads = [([0.0, -8.530854698214407, -2.8237727784627698, -3.578552289746116, -0.008186123086705311,
               -3.739642358768861, -5.619781344577381, -8.321153738261188, -8.220721604343838,
               -2.913413338584471, -8.800863128009272, -1.6703069680872173], 0.9382582865102348),
             ([0.0, -3.0019478011634213, -7.063525297052039, -3.5509865524835904, -5.287079553250596,
               -6.56345614683302, -4.462079119312423, -6.147904363739625, -6.20608999299333,
               -0.050842940358471804, -0.34768324597674827, -1.326440966258391], 0.9513460077274353)]
    for head, top_p in heads:
        row = np.array(head + [-10.0] * 3000 + [-12.0] * 3000)
        for k in range(-4, 5):
            tp = top_p
            for _ in range(abs(k)):
                tp = float(np.nextafter(tp, 2.0 if k > 0 else 0.0))
            ref = reference_probs(row, top_p=tp)
            tok, lp, _ = logits.sample(np.tile(row, (2, 1)), uniform=[0.0, 0.999], return_logprobs=True, top_p=tp)
            # token 0's probability tells how many tokens were kept (a tie at
            # -10 may go either way at an exact tie; the whole row may not)
            np.testing.assert_allclose(np.exp(float(lp[0])), ref[0], rtol=1e-3)
            assert ref[tok].min() > 0
    rng = np.random.default_rng(5)
    for dtype in DTYPES:
        for _ in range(6):
            n = int(rng.choice([1000, 5000]))
            row = rng.uniform(-45, -5, n)
            row[rng.integers(n, size=3)] = 0.0
            row = row.astype(dtype)
            s = dict(top_p=0.999999, temperature=2.0, order="llama.cpp")
            ref = reference_probs(row.astype(np.float64), **s)
            tok, lp, _ = logits.sample(row, uniform=0.3, return_logprobs=True, **s)
            tol = 1e-6 if dtype == np.float64 else 2e-6
            np.testing.assert_allclose(np.exp(lp.astype(np.float64)), ref[tok], rtol=tol)


CPU_LEVEL_PROBE = """
import json, numpy as np, logits
rng = np.random.default_rng(7)
out = []
for dtype in (np.float32, np.float64):
    x = (rng.standard_normal((6, 40_003)) * 3).astype(dtype)
    x[1, ::7] = -np.inf
    x[2, 100] = np.inf
    for kw in (dict(), dict(temperature=0.6), dict(top_p=0.9, temperature=0.7), dict(top_p=0.3),
               dict(min_p=0.1), dict(top_k=20, top_p=0.8, temperature=1.2),
               dict(top_p=0.95, order="llama.cpp", temperature=0.4)):
        t, lp, raw = logits.sample(x, seed=5, return_logprobs=True, **kw)
        out.append([t.tolist(), lp.astype(np.float64).tobytes().hex(), raw.astype(np.float64).tobytes().hex()])
    v, i = logits.top_k(x, 9)
    out.append([i.tolist(), v.astype(np.float64).tobytes().hex(), logits.argmax(x).tolist()])
print(logits.cpu_kernels() + " " + json.dumps(out))
"""


def test_same_bits_at_every_cpu_level():
    # The sampler's arithmetic is plain IEEE without FMA: each CPU level's
    # copy computes the same bits (tokens and log-probabilities).
    import os
    import subprocess
    import sys
    from pathlib import Path
    path = os.pathsep.join([str(Path(logits.__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")])
    got = {}
    for level in ("baseline", "x86-64-v3", "x86-64-v4"):
        env = dict(os.environ, PYTHONPATH=path, LOGITS_CPU=level)
        out = subprocess.run([sys.executable, "-c", CPU_LEVEL_PROBE], env=env, capture_output=True, text=True,
                             check=True).stdout
        name, _, result = out.partition(" ")
        got[name] = result
    assert len(set(got.values())) == 1, sorted(got)


CHI_SETTINGS = [SETTINGS[i] for i in (0, 4, 6, 8, 9, 10, 14)]


@pytest.mark.parametrize("s", CHI_SETTINGS, ids=[str(s) for s in CHI_SETTINGS])
def test_frequencies_pass_chi_square(s, precision):
    if precision != "fast":
        pytest.skip("the sampler does not depend on the precision: one run is enough")
    draws = 1_000_000
    x = ROW.astype(np.float32)
    p = reference_probs(x.astype(np.float64), **ref_kwargs(s))
    kw = call_kwargs(s)
    if "history" in kw:
        kw["history"] = np.tile(np.array(kw["history"]), (draws, 1))
    tok = logits.sample(np.tile(x, (draws, 1)), seed=20261206, **kw)
    counts = np.bincount(tok, minlength=x.size)
    assert counts[p == 0].sum() == 0
    live = p > 0
    if live.sum() < 2:
        return
    chi = stats.chisquare(counts[live], p[live] * draws)
    assert chi.pvalue > 1e-4, (counts, p * draws)


def test_seeded_draw_is_philox_of_seed_and_row():
    x = np.tile(ROW, (37, 1))
    seed = 0x1234_5678_9ABC_DEF0
    a = logits.sample(x, seed=seed, top_k=7)
    u = [philox_uniform(seed, r) for r in range(37)]
    b = logits.sample(x, uniform=u, top_k=7)
    assert np.array_equal(a, b)
    assert np.array_equal(a, logits.sample(x, seed=seed, top_k=7))  # same seed, same tokens
    assert not np.array_equal(a, logits.sample(x, seed=seed + 1, top_k=7))


def test_draws_do_not_depend_on_threads():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((64, 5000)).astype(np.float32) * 3
    before = logits.get_num_threads()
    try:
        results = []
        for n in (1, 2, 4):
            logits.set_num_threads(n)
            results.append(logits.sample(x, seed=99, top_p=0.9, temperature=0.7))
    finally:
        logits.set_num_threads(before)
    assert all(np.array_equal(results[0], r) for r in results)


# ----------------------------------------------------------------------------
# Edge cases
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_greedy_and_near_greedy(dtype):
    x = np.array([1.0, 5.0, 2.0, 5.0], dtype=dtype)
    tok, lp, raw = logits.sample(x, temperature=0, return_logprobs=True)
    assert tok == 1 and lp == 0 and np.isclose(raw, np.log(softmax64(x)[1]))
    # near 0: the two maxima share the mass, nothing overflows
    toks = logits.sample(np.tile(x, (2000, 1)), temperature=1e-30, seed=5)
    assert set(np.unique(toks)) == {1, 3}
    assert 800 < (toks == 1).sum() < 1200


@pytest.mark.parametrize("dtype", DTYPES)
def test_filters_at_their_neutral_values_change_nothing(dtype):
    x = np.tile(ROW.astype(dtype), (300, 1))
    base = logits.sample(x, seed=11)
    assert np.array_equal(base, logits.sample(x, seed=11, top_k=ROW.size))
    assert np.array_equal(base, logits.sample(x, seed=11, top_k=0))
    assert np.array_equal(base, logits.sample(x, seed=11, top_p=1.0))
    assert np.array_equal(base, logits.sample(x, seed=11, min_p=0.0))
    assert np.array_equal(base, logits.sample(x, seed=11, repetition_penalty=1.0, history=[[1, 2]] * 300))


def test_k1_and_a_single_survivor():
    x = np.tile(ROW, (100, 1))
    assert set(logits.sample(x, top_k=1, seed=1)) == {3, 4}         # the tied maxima are both kept
    assert set(logits.sample(x, top_p=1e-9, seed=1)) == {3}          # top-p keeps one: lower index
    y = np.array([0.0, -np.inf, -np.inf])
    tok, lp, _ = logits.sample(y, seed=3, return_logprobs=True)
    assert tok == 0 and lp == 0


@pytest.mark.parametrize("dtype", DTYPES)
def test_infinities(dtype):
    x = np.array([1.0, np.inf, 3.0, np.inf, -np.inf], dtype=dtype)
    toks, lp, raw = logits.sample(np.tile(x, (1000, 1)), seed=8, return_logprobs=True)
    assert set(np.unique(toks)) == {1, 3}
    assert np.allclose(lp, np.log(0.5)) and np.allclose(raw, np.log(0.5))
    masked = np.array([-np.inf, 0.0, -np.inf, 1.0], dtype=dtype)
    assert set(np.unique(logits.sample(np.tile(masked, (500, 1)), seed=2))) == {1, 3}
    # a bias of +inf forces a token, -inf bans one
    assert logits.sample(masked, logit_bias={0: np.inf}, seed=1) == 0
    assert logits.sample(masked, logit_bias={3: -np.inf}, seed=1) == 1


def test_penalties_on_negative_and_positive_logits():
    x = np.array([2.0, -2.0, 0.0])
    h = [0, 1, 2]
    p = reference_probs(x, history=h, repetition=2.0)
    np.testing.assert_allclose(p, softmax64([1.0, -4.0, 0.0]))
    _, lp, _ = logits.sample(x, history=h, repetition_penalty=2.0, seed=1, return_logprobs=True)
    assert lp in np.log(p).round(12) or np.isclose(np.exp(lp), p).any()


# ----------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------

BAD = [
    (dict(temperature=-1.0), "temperature must be finite and >= 0"),
    (dict(temperature=np.nan), "temperature must be finite and >= 0"),
    (dict(top_k=-1), "top_k must be >= 0"),
    (dict(top_p=0.0), "top_p must be in (0, 1]"),
    (dict(top_p=1.5), "top_p must be in (0, 1]"),
    (dict(min_p=1.0), "min_p must be in [0, 1)"),
    (dict(min_p=-0.1), "min_p must be in [0, 1)"),
    (dict(repetition_penalty=0.0), "repetition_penalty must be finite and > 0"),
    (dict(presence_penalty=np.inf), "presence_penalty and frequency_penalty must be finite"),
    (dict(history=[4]), "history must be a token id in [0, vocab) or -1"),
    (dict(history=[-2]), "history must be a token id in [0, vocab) or -1"),
    (dict(logit_bias={-1: 1.0}), "logit_bias"),
    (dict(logit_bias={1: np.nan}), "logit_bias"),
    (dict(uniform=[1.0]), "uniform must be in [0, 1)"),
    (dict(order="vllm"), "order must be"),
]


@pytest.mark.parametrize("kw,message", BAD, ids=[m + " " + str(k) for k, m in BAD])
def test_bad_options_raise_with_a_clear_message(kw, message):
    with pytest.raises(logits.LogitsError, match=None) as e:
        logits.sample(np.array([0.0, 1.0, 2.0, 3.0]), **kw)
    assert message in str(e.value)


def test_bad_rows_name_the_row():
    x = np.zeros((3, 4))
    x[2, 1] = np.nan
    with pytest.raises(logits.LogitsError, match=r"logits at \(2, 1\) is NaN"):
        logits.sample(x)
    y = np.zeros((3, 4))
    y[1] = -np.inf
    with pytest.raises(logits.LogitsError, match="row 1 has nothing left to sample"):
        logits.sample(y)
    # +inf minus an infinite penalty is NaN: said as such, not as "every logit is -inf"
    with pytest.raises(logits.LogitsError, match="row 0 has nothing left to sample: the penalties made a logit NaN"):
        logits.sample(np.array([np.inf, 0.0, 1.0]), history=[0, 0], frequency_penalty=1e308)
    with pytest.raises(logits.LogitsError, match="vocabulary"):
        logits.sample(np.zeros((2, 0)))
    with pytest.raises(logits.LogitsError):
        logits.sample(np.zeros((2, 3, 4)))
    with pytest.raises(logits.LogitsTypeError):
        logits.sample(np.zeros(4), history=[0.5])


# ----------------------------------------------------------------------------
# top_k and argmax
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,k", [((1, 10), 3), ((5, 1000), 1), ((3, 100_000), 50), ((2, 4097), 4097),
                                     ((4, 3000), 1500), ((2, 7), 0)])
def test_top_k_matches_a_stable_sort(shape, k, dtype):
    rng = np.random.default_rng(shape[1])
    x = rng.standard_normal(shape).astype(dtype)
    x[:, ::7] = np.round(x[:, ::7])        # ties
    v, i = logits.top_k(x, k)
    order = np.argsort(-x, axis=1, kind="stable")[:, :k]
    assert np.array_equal(i, order)
    assert np.array_equal(v, np.take_along_axis(x, order, axis=1))


def test_top_k_nan_zeros_and_axes():
    x = np.array([1.0, np.nan, -0.0, 0.0, np.inf, np.nan])
    v, i = logits.top_k(x, 4)
    assert i.tolist() == [1, 5, 4, 0]
    v, i = logits.top_k(np.array([-0.0, 0.0, -1.0]), 2)
    assert i.tolist() == [0, 1]
    y = np.random.default_rng(1).standard_normal((4, 6, 5))
    v, i = logits.top_k(y, 2, axis=1)
    assert v.shape == (4, 2, 5)
    assert np.array_equal(i, np.argsort(-y, axis=1, kind="stable")[:, :2, :])
    with pytest.raises(logits.LogitsError, match="k must be at most"):
        logits.top_k(np.zeros(3), 4)
    with pytest.raises(logits.LogitsAxisError):
        logits.top_k(np.zeros(3), 1, axis=1)


@pytest.mark.parametrize("dtype", DTYPES)
def test_argmax_matches_numpy(dtype):
    rng = np.random.default_rng(5)
    x = rng.standard_normal((7, 513)).astype(dtype)
    x[2, 100] = x[2, 300] = 50
    x[4, 17] = np.nan
    x[4, 18] = np.nan
    x[5] = -np.inf
    assert np.array_equal(logits.argmax(x), np.argmax(x, axis=1))
    assert np.array_equal(logits.argmax(x, axis=0), np.argmax(x, axis=0))
    assert logits.argmax(np.array([1.0, 7.0, 7.0])) == 1
    with pytest.raises(logits.LogitsError, match="vocabulary"):
        logits.argmax(np.zeros((2, 0)))
