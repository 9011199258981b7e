"""The accuracy contract of Logits: one table, used by tools/accuracy.py (which
writes ACCURACY.md) and by Tests/python/test_accuracy_contract.py (which
asserts it on a quick sample inside `make test`).

Each entry is (function, dtype) -> (metric, bound). Metrics (see ACCURACY.md):

  "ulp"     |got - ref| / ulp(ref), ulp of the exact result in the output's
            format (subnormal spacing below the smallest normal).
  "ulp_z"   ulps divided by (1 + |z|), z = (x - max)/T of the entry (softmax)
            or the largest |z| of the row (log-softmax): the conditioning of
            exp at a rounded argument (README: "<= 4 (1 + |z|) ulp").
  "ulp_lse" |got - ref| in ulps of max(|lse|, |max/T|) (logsumexp float64).
  "ulp_sc"  |got - ref| in ulps of the term scale: for softmax backward
            |y| (|dy| + sum|y dy|) / T, for log-softmax backward
            (|dy| + exp(y) sum|dy|) / T (the result itself can be ~0 by
            cancellation; a backward-stable computation is bounded so).
  "rel"     |got - ref| / |ref| (losses; per sample / per element), with
            |ref| floored at the smallest normal of the dtype.
  "rel_shift" |got - ref| / max(|ref|, |max_c x_c / T|): float64 cross-entropy
            from logits is computed as lse(x/T) - x_label/T, which cancels
            down from the size of the largest logit (README: "~1e-15
            relative" holds for logits of moderate size).

The bounds are those README.md documents ("Accuracy") where it documents one,
else the tolerances of the existing tests (Tests/python/logits_ref.py:
C_AXIS, C_ELEM) expressed in the same metric. `MEASURED` holds the maxima
`make accuracy` found for the build noted in ACCURACY.md; re-run it after the
kernels change and adjust here (one place) if a bound moves.
"""

BOUNDS = {
    # softmax family (README table)
    ("softmax", "float32"): ("ulp", 1.5),
    ("softmax", "float64"): ("ulp_z", 4.0),
    ("log_softmax", "float32"): ("ulp", 1.0),
    ("log_softmax", "float64"): ("ulp_z", 4.0),
    ("logsumexp", "float32"): ("ulp", 1.0),
    ("logsumexp", "float64"): ("ulp_lse", 4.0),
    # elementwise (README: <= 0.5 ulp f32, <= 3 ulp f64). Every float32
    # result is a double rounded once: 0.5 ulp plus the double's own error
    # (< 1e-6 ulp), hence 0.501.
    ("sigmoid", "float32"): ("ulp", 0.501),
    ("sigmoid", "float64"): ("ulp", 3.0),
    ("log_sigmoid", "float32"): ("ulp", 0.501),
    ("log_sigmoid", "float64"): ("ulp", 3.0),
    ("softplus", "float32"): ("ulp", 0.501),
    ("softplus", "float64"): ("ulp", 3.0),
    # gradients: not in the README table; Tests/python/test_backward.py allows
    # C_AXIS (4 f32 / 8 f64) ulp of the result plus (n + 4) double ulps of the
    # term scale. Elementwise gradients: C_ELEM (2 f32 / 4 f64) ulp.
    ("softmax_backward", "float32"): ("ulp_sc", 4.0),
    ("softmax_backward", "float64"): ("ulp_sc", 8.0),
    ("log_softmax_backward", "float32"): ("ulp_sc", 4.0),
    ("log_softmax_backward", "float64"): ("ulp_sc", 8.0),
    ("sigmoid_backward", "float32"): ("ulp", 2.0),
    ("sigmoid_backward", "float64"): ("ulp", 4.0),
    ("log_sigmoid_backward", "float32"): ("ulp", 2.0),
    ("log_sigmoid_backward", "float64"): ("ulp", 4.0),
    ("softplus_backward", "float32"): ("ulp", 2.0),
    ("softplus_backward", "float64"): ("ulp", 4.0),
    # losses (README: ~1e-7 relative f32, ~1e-15 relative f64; the loss
    # tests use rtol 1e-6 / 1e-12)
    ("cross_entropy_logits", "float32"): ("rel", 1.2e-7),
    ("cross_entropy_logits", "float64"): ("rel_shift", 1e-15),
    ("cross_entropy_probs", "float32"): ("rel", 1.2e-7),
    ("cross_entropy_probs", "float64"): ("rel", 1e-14),
    ("binary_cross_entropy", "float32"): ("rel", 1.2e-7),
    ("binary_cross_entropy", "float64"): ("rel", 1e-14),
}

# Filled in from the last `make accuracy` run (commit f303e8a: the x86-64-v4
# table exp, Fast2Sum lane sums, Float short-row log S on the lanes, chunked
# long rows): the largest Logits error over every domain, in the metric of
# BOUNDS. Re-run `make accuracy` after the kernels change and update these
# (and BOUNDS, if a kernel's bound moves).
MEASURED = {
    ("softmax", "float32"): 1.45,
    ("softmax", "float64"): 1.61,
    ("log_softmax", "float32"): 0.5,
    ("log_softmax", "float64"): 0.911,
    ("logsumexp", "float32"): 0.5,
    ("logsumexp", "float64"): 1.08,
    ("sigmoid", "float32"): 0.5,
    ("sigmoid", "float64"): 2.31,
    ("log_sigmoid", "float32"): 0.5,
    ("log_sigmoid", "float64"): 1.39,
    ("softplus", "float32"): 0.5,
    ("softplus", "float64"): 1.41,
    ("softmax_backward", "float32"): 0.5,
    ("softmax_backward", "float64"): 1.57,
    ("log_softmax_backward", "float32"): 0.5,
    ("log_softmax_backward", "float64"): 0.991,
    ("sigmoid_backward", "float32"): 0.5,
    ("sigmoid_backward", "float64"): 1.9,
    ("log_sigmoid_backward", "float32"): 0.5,
    ("log_sigmoid_backward", "float64"): 1.44,
    ("softplus_backward", "float32"): 0.5,
    ("softplus_backward", "float64"): 1.43,
    ("cross_entropy_logits", "float32"): 5.96e-08,
    ("cross_entropy_logits", "float64"): 1.83e-16,
    ("cross_entropy_probs", "float32"): 5.91e-08,
    ("cross_entropy_probs", "float64"): 1.51e-16,
    ("binary_cross_entropy", "float32"): 5.96e-08,
    ("binary_cross_entropy", "float64"): 2.82e-16,
}
