"""Logits on a chunked Dask array: beyond one machine.

Two patterns, each correct for any chunking:

* ``softmax(x, axis)``: softmax is independent per slice along ``axis``, so
  every block must hold whole slices. The array is rechunked so ``axis`` is a
  single chunk (a no-op when it already is), then ``logits.softmax`` runs on
  each block with ``map_blocks``. Results are bit-identical to one call on the
  whole array.

* ``cross_entropy(x, labels, ...)``: a *mean* over samples cannot be averaged
  chunk by chunk: chunks differ in size, in ignored samples and in class
  weight. Each block returns two partial sums, the weighted loss summed over
  its samples (``reduction="sum"``) and its share of the denominator (the sum
  of ``weight[label]`` over the non-ignored samples, or the sample count
  without weights: the PyTorch rule Logits follows, also with label
  smoothing). The mean is total loss / total weight, and 0 when the total
  weight is 0 (every sample ignored), as in Logits. The gradient of the mean
  is each block's gradient of its sum divided by the same global total.

Run it on a local cluster of 2 worker processes::

    PYTHONPATH=bindings/python python3 bindings/python/examples/dask_softmax.py

The same functions run unchanged on a multi-machine ``dask.distributed``
cluster, provided ``logits`` is installed on the workers (``pip install .``).
"""

from __future__ import annotations

from typing import Any, Literal, Optional, Tuple, Union, cast, overload

import dask.array as da
import numpy as np
from numpy.typing import ArrayLike

import logits


def _result_dtype(dtype: np.dtype[Any]) -> np.dtype[Any]:
    # float32 and float64 stay; anything else is promoted as numpy promotes it
    # with float32 (float16 and bfloat16 too: the dtype of their losses and
    # class weights).
    return np.result_type(dtype, np.float32)


def _softmax_dtype(dtype: np.dtype[Any]) -> np.dtype[Any]:
    # softmax, and the losses' gradients, keep float16 and bfloat16
    # (ml_dtypes): their 16-bit forms.
    if dtype.itemsize == 2 and (dtype.kind == "f" or dtype.name == "bfloat16"):
        return dtype.newbyteorder("=")
    return _result_dtype(dtype)


def _whole_axis(x: da.Array, axis: int) -> da.Array:
    """``x`` with ``axis`` in one chunk (so each block holds whole slices)."""
    return x if len(x.chunks[axis]) == 1 else x.rechunk({axis: -1})


def softmax(x: da.Array, axis: int = -1, temperature: float = 1.0) -> da.Array:
    """Softmax of ``x / temperature`` along ``axis`` of a Dask array.

    >>> import dask.array as da, numpy as np
    >>> x = da.from_array(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]), chunks=(1, 2))
    >>> softmax(x).compute().round(4)
    array([[0.09  , 0.2447, 0.6652],
           [0.3333, 0.3333, 0.3333]])
    """
    axis = axis % x.ndim if x.ndim else 0
    x = _whole_axis(x, axis)
    return cast(da.Array, da.map_blocks(logits.softmax, x, axis=axis, temperature=temperature,
                                        dtype=_softmax_dtype(x.dtype),
                                        meta=np.empty((0,) * x.ndim, _softmax_dtype(x.dtype))))


def _partial_sums(x_block: np.ndarray, label_block: np.ndarray, weight: Optional[np.ndarray],
                  ignore_index: Optional[int], label_smoothing: float, temperature: float,
                  with_grad: bool) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """One block's (1, 2) [sum of weighted losses, sum of weights] in float64,
    and the gradient of that block's summed loss when ``with_grad``."""
    labels = label_block[:, 0]
    kw: dict[str, Any] = dict(reduction="sum", weight=weight, ignore_index=ignore_index,
                              label_smoothing=label_smoothing, temperature=temperature)
    grad: Optional[np.ndarray] = None
    if with_grad:
        loss, grad = logits.cross_entropy(x_block, labels, return_grad=True, **kw)
    else:
        loss = logits.cross_entropy(x_block, labels, **kw)
    counted = labels if ignore_index is None else labels[labels != ignore_index]
    denominator = (float(counted.size) if weight is None
                   else float(np.sum(np.asarray(weight, dtype=np.float64)[counted])))
    sums = np.array([[float(loss), denominator]], dtype=np.float64)
    return sums, grad


def _sums_block(x_block: np.ndarray, label_block: np.ndarray, **kw: Any) -> np.ndarray:
    return _partial_sums(x_block, label_block, with_grad=False, **kw)[0]


def _grad_block(x_block: np.ndarray, label_block: np.ndarray, **kw: Any) -> Optional[np.ndarray]:
    return _partial_sums(x_block, label_block, with_grad=True, **kw)[1]


@overload
def cross_entropy(x: da.Array, labels: Union[da.Array, ArrayLike], *,
                  weight: Optional[ArrayLike] = ..., ignore_index: Optional[int] = ...,
                  label_smoothing: float = ..., temperature: float = ...,
                  return_grad: Literal[False] = ...) -> da.Array: ...
@overload
def cross_entropy(x: da.Array, labels: Union[da.Array, ArrayLike], *,
                  weight: Optional[ArrayLike] = ..., ignore_index: Optional[int] = ...,
                  label_smoothing: float = ..., temperature: float = ...,
                  return_grad: Literal[True]) -> Tuple[da.Array, da.Array]: ...
def cross_entropy(x: da.Array, labels: Union[da.Array, ArrayLike], *,
                  weight: Optional[ArrayLike] = None, ignore_index: Optional[int] = None,
                  label_smoothing: float = 0.0, temperature: float = 1.0,
                  return_grad: bool = False) -> Union[da.Array, Tuple[da.Array, da.Array]]:
    """Mean categorical cross-entropy of ``x`` (samples x classes, from logits)
    against integer ``labels``, over a chunked Dask array. Equal (up to the
    order of the summation) to ``logits.cross_entropy`` on the whole array
    with the same options and ``reduction="mean"``.

    Returns a 0-d Dask array (float64), and with ``return_grad=True`` also
    the gradient of the mean with respect to ``x`` (``x``'s dtype and chunks
    along the samples).

    >>> import dask.array as da, numpy as np
    >>> x = da.from_array(np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]), chunks=(1, 3))
    >>> round(float(cross_entropy(x, np.array([0, 1])).compute()), 5)
    0.31854
    """
    if x.ndim != 2:
        raise ValueError(f"x must be 2-D (samples, classes), got shape {x.shape}")
    x = _whole_axis(x, 1)
    lab = cast(da.Array, da.asarray(labels))
    if lab.shape != (x.shape[0],) or lab.dtype.kind not in "iu":
        raise ValueError(f"labels must be {x.shape[0]} integers, got {lab.dtype} {lab.shape}")
    lab = lab.astype(np.int64).rechunk((x.chunks[0],))[:, None]  # blocks aligned with x's rows
    w = None if weight is None else np.asarray(weight, dtype=_result_dtype(x.dtype))
    kw = dict(weight=w, ignore_index=ignore_index, label_smoothing=label_smoothing,
              temperature=temperature)
    sums = da.map_blocks(_sums_block, x, lab, chunks=((1,) * x.numblocks[0], (2,)),
                         dtype=np.float64, meta=np.empty((0, 0), np.float64), **kw)
    total = sums.sum(axis=0)                      # [total loss, total weight]
    loss_sum, weight_sum = total[0], total[1]
    positive = weight_sum > 0
    mean = da.where(positive, loss_sum / da.where(positive, weight_sum, 1.0), 0.0)
    if not return_grad:
        return cast(da.Array, mean)
    # A 16-bit x has a 16-bit gradient: each block's gradient of its sum,
    # rounded to the format, then scaled and rounded again.
    grad_dtype = _softmax_dtype(x.dtype)
    grad_sum = da.map_blocks(_grad_block, x, lab, dtype=grad_dtype,
                             meta=np.empty((0, 0), grad_dtype), **kw)
    scale = da.where(positive, 1.0 / da.where(positive, weight_sum, 1.0), 0.0)
    return cast(da.Array, mean), cast(da.Array, (grad_sum * scale).astype(grad_dtype))


def main() -> None:
    from dask.distributed import Client, LocalCluster

    rng = np.random.default_rng(0)
    n, classes = 10_000, 50
    x_np = rng.normal(scale=3.0, size=(n, classes))
    labels_np = rng.integers(0, classes, size=n)
    labels_np[rng.random(n) < 0.1] = -100                  # 10% padding, ignored
    weight = rng.uniform(0.5, 2.0, size=classes)

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        print(f"cluster: {len(client.scheduler_info()['workers'])} workers")
        # Chunked along both axes on purpose: softmax rechunks the class axis.
        x = da.from_array(x_np, chunks=(1_500, 20))
        p = softmax(x).compute()
        print(f"softmax on {x.numblocks} blocks equals the whole-array call: "
              f"{np.array_equal(p, logits.softmax(x_np))}")

        ce = float(cross_entropy(x, labels_np, weight=weight, ignore_index=-100).compute())
        whole = float(logits.cross_entropy(x_np, labels_np, weight=weight, ignore_index=-100))
        print(f"mean cross-entropy over {x.numblocks[0]} chunks: {ce:.12f}")
        print(f"                     whole array: {whole:.12f}")
        naive = np.mean([float(logits.cross_entropy(x_np[i:i + 1_500], labels_np[i:i + 1_500],
                                                    weight=weight, ignore_index=-100))
                         for i in range(0, n, 1_500)])
        print(f"   (averaging chunk means would give {naive:.12f}: wrong)")


if __name__ == "__main__":
    main()
