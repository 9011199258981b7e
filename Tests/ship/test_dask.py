"""bindings/python/examples/dask_softmax.py on a local 2-worker Dask cluster,
against one Logits call on the whole array and a numpy float64 reference."""

import os

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("dask.distributed")

import dask_softmax  # noqa: E402  (bindings/python/examples, on PYTHONPATH)
import logits  # noqa: E402

IGNORE = -100


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


def run(client, arr):
    """Compute on the cluster (never in this process)."""
    return client.compute(arr).result()


def ref_softmax(x, axis):
    z = x.astype(np.float64)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def ref_cross_entropy(x, labels, weight=None, ignore_index=None, smoothing=0.0, temperature=1.0):
    """PyTorch's CrossEntropyLoss(mean) in float64: loss and d loss / d x."""
    x = x.astype(np.float64) / temperature
    n, classes = x.shape
    w = np.ones(classes) if weight is None else np.asarray(weight, dtype=np.float64)
    z = x - x.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    keep = np.ones(n, bool) if ignore_index is None else labels != ignore_index
    q = np.full((n, classes), smoothing / classes)
    q[keep, labels[keep]] += 1 - smoothing
    a = w * q                                   # per-class coefficient of -log p
    a[~keep] = 0
    den = w[labels[keep]].sum()
    if den == 0:
        return 0.0, np.zeros_like(x)
    loss = -(a * logp).sum() / den
    grad = (a.sum(axis=1, keepdims=True) * np.exp(logp) - a) / den / temperature
    return loss, grad


def test_the_cluster_has_two_worker_processes(client):
    pids = set(client.run(os.getpid).values())
    assert len(pids) == 2 and os.getpid() not in pids


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("axis", [-1, 0])
def test_softmax_over_chunks_equals_the_whole_array(client, dtype, axis):
    rng = np.random.default_rng(1)
    x_np = (rng.normal(scale=4.0, size=(1001, 37))).astype(dtype)
    x_np[5] = -np.inf                     # a fully masked row
    x = da.from_array(x_np, chunks=(300, 10))   # the class axis split on purpose
    p = run(client, dask_softmax.softmax(x, axis=axis, temperature=1.5))
    assert p.dtype == dtype and p.shape == x_np.shape
    whole = logits.softmax(x_np, axis=axis, temperature=1.5)
    assert np.array_equal(p, whole, equal_nan=True)   # same per-slice computation, bit for bit
    assert np.all(p[5] == 0)              # masked row (axis -1) or masked entries (axis 0)
    with np.errstate(invalid="ignore"):
        ref = ref_softmax(x_np / dtype(1.5), axis)  # numpy: NaN for the masked row
    got, ref = np.delete(p, 5, axis=0), np.delete(ref, 5, axis=0)
    rtol = 1e-12 if dtype == np.float64 else 2e-6
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=1e-300 if dtype == np.float64 else 1e-37)


def test_softmax_keeps_a_chunking_that_is_already_right(client):
    x = da.from_array(np.arange(12.0).reshape(4, 3), chunks=(2, 3))
    y = dask_softmax.softmax(x)
    assert y.chunks == x.chunks
    np.testing.assert_allclose(run(client, y), ref_softmax(np.arange(12.0).reshape(4, 3), -1), rtol=1e-14)


def _problem(rng, n=5003, classes=16, dtype=np.float64):
    x_np = rng.normal(scale=3.0, size=(n, classes)).astype(dtype)
    labels = rng.integers(0, classes, size=n)
    labels[rng.random(n) < 0.2] = IGNORE
    labels[:700] = IGNORE                 # the whole first chunk is padding
    weight = rng.uniform(0.1, 3.0, size=classes)
    return x_np, labels, weight


@pytest.mark.parametrize("smoothing,temperature", [(0.0, 1.0), (0.1, 2.0)])
def test_mean_cross_entropy_combines_partial_sums(client, smoothing, temperature):
    rng = np.random.default_rng(2)
    x_np, labels, weight = _problem(rng)
    x = da.from_array(x_np, chunks=(700, 5))
    opts = dict(weight=weight, ignore_index=IGNORE)
    loss, grad = dask_softmax.cross_entropy(x, labels, label_smoothing=smoothing,
                                            temperature=temperature, return_grad=True, **opts)
    loss, grad = run(client, loss), run(client, grad)

    whole, whole_grad = logits.cross_entropy(x_np, labels, label_smoothing=smoothing,
                                             temperature=temperature, return_grad=True, **opts)
    ref, ref_grad = ref_cross_entropy(x_np, labels, weight, IGNORE, smoothing, temperature)
    assert loss == pytest.approx(float(whole), rel=1e-12)
    assert loss == pytest.approx(ref, rel=1e-12)
    np.testing.assert_allclose(grad, whole_grad, rtol=1e-12, atol=1e-18)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-17)

    # What this guards against: averaging the chunks' own means is wrong here.
    chunk_means = [float(logits.cross_entropy(x_np[i:i + 700], labels[i:i + 700],
                                              label_smoothing=smoothing, temperature=temperature,
                                              **opts))
                   for i in range(0, len(labels), 700)]
    assert abs(np.mean(chunk_means) - ref) > 1e-3 * ref


def test_labels_chunked_differently_from_x(client):
    rng = np.random.default_rng(3)
    x_np, labels, weight = _problem(rng, n=999, classes=7)
    x = da.from_array(x_np, chunks=(250, 7))
    y = da.from_array(labels, chunks=333)
    loss = run(client, dask_softmax.cross_entropy(x, y, weight=weight, ignore_index=IGNORE))
    assert loss == pytest.approx(ref_cross_entropy(x_np, labels, weight, IGNORE)[0], rel=1e-12)


def test_without_weights_the_mean_is_over_non_ignored_samples(client):
    rng = np.random.default_rng(4)
    x_np, labels, _ = _problem(rng, n=2000, classes=9)
    x = da.from_array(x_np, chunks=(700, 9))
    loss = run(client, dask_softmax.cross_entropy(x, labels, ignore_index=IGNORE))
    assert loss == pytest.approx(ref_cross_entropy(x_np, labels, None, IGNORE)[0], rel=1e-12)
    assert loss == pytest.approx(float(logits.cross_entropy(x_np, labels, ignore_index=IGNORE)), rel=1e-12)


def test_float32_input(client):
    rng = np.random.default_rng(5)
    x_np, labels, weight = _problem(rng, dtype=np.float32)
    x = da.from_array(x_np, chunks=(700, 16))
    loss, grad = dask_softmax.cross_entropy(x, labels, weight=weight, ignore_index=IGNORE,
                                            return_grad=True)
    loss, grad = run(client, loss), run(client, grad)
    assert grad.dtype == np.float32
    ref, ref_grad = ref_cross_entropy(x_np, labels, weight.astype(np.float32), IGNORE)
    assert loss == pytest.approx(ref, rel=1e-6)
    assert loss == pytest.approx(float(logits.cross_entropy(x_np, labels, weight=weight,
                                                            ignore_index=IGNORE)), rel=1e-6)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-5, atol=1e-10)


def test_every_sample_ignored_gives_zero_like_logits(client):
    x_np = np.random.default_rng(6).normal(size=(50, 4))
    labels = np.full(50, IGNORE)
    x = da.from_array(x_np, chunks=(20, 4))
    loss, grad = dask_softmax.cross_entropy(x, labels, ignore_index=IGNORE, return_grad=True)
    assert run(client, loss) == 0.0 == float(logits.cross_entropy(x_np, labels, ignore_index=IGNORE))
    assert np.array_equal(run(client, grad), np.zeros_like(x_np))


def test_an_out_of_range_label_is_an_error(client):
    x = da.from_array(np.zeros((10, 3)), chunks=(5, 3))
    labels = np.array([0, 1, 2, 0, 1, 2, 0, 1, 7, 0])
    with pytest.raises(logits.LogitsError, match="out of range"):
        run(client, dask_softmax.cross_entropy(x, labels))
