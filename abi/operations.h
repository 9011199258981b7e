/*
 * abi/operations.h: the one list of Logits' operations, element types and
 * accuracy bounds. Tests, fuzz targets, the accuracy tools, the ABI check and
 * the Python binding are driven by it; adding an operation or a type starts
 * here (CONTRIBUTING.md).
 *
 * An X-macro file, as XNNPACK's kernel lists: a user defines the macros it
 * needs and includes this file; each line expands once, and a macro left
 * undefined expands to nothing. Python reads the same lines
 * (bindings/python/logits/_operations.py), so keep one entry per line and
 * its arguments free of parentheses. Not installed, not part of the ABI:
 * abi/exports.txt stays the hand-kept freeze list, and
 * tools/check_operations.py checks that this list, exports.txt, the header
 * and the Python binding agree.
 *
 * LOGITS_TYPE(suffix, ctype, numpy, work)
 *     An element type: an operation listed for it exists as
 *     logits_<name>_<suffix>. `work` is the C type of the scalars those
 *     functions take (the temperature) and of the float32 or float64
 *     kernels they run; a type whose `work` differs from `ctype` is a
 *     16-bit storage type (logits_f16, logits_bf16), widened to `work`.
 *
 * LOGITS_OP(name, kind, function, types)
 *     A C function family, logits_<name>_<suffix> for the types `types`
 *     names: ALL (every listed type) or WIDE (float32 and float64 only; no
 *     operation is WIDE today: a new operation may start there). `kind`
 *     is its signature (T the element type, W its `work` type):
 *       ROW_FWD   (const T *x, T *y, size_t rows, size_t cols)
 *       ROW_LSE   the same; y has rows elements
 *       ROW_BWD   (const T *y, const T *dy, T *dx, size_t rows, size_t cols)
 *       AXIS_FWD  (const T *x, T *y, size_t outer, size_t axis_len, size_t inner, W temperature,
 *                  logits_precision precision)
 *       AXIS_LSE  the same; y has outer * inner elements
 *       AXIS_BWD  (const T *y, const T *dy, T *dx, size_t outer, size_t axis_len,
 *                  size_t inner, W temperature, logits_precision precision)
 *       EW        (const T *x, T *y, size_t count)
 *       EW_BWD    (const T *y, const T *dy, T *dx, size_t count)
 *       EW_EX     (const T *x, T *y, size_t count, logits_precision precision)
 *       EW_BWD_EX (const T *y, const T *dy, T *dx, size_t count, logits_precision precision)
 *       CE_LABELS (const T *input, const int64_t *labels, const W *class_weight, W *loss,
 *                  T *grad, size_t outer, size_t classes, size_t inner,
 *                  const logits_ce_options *options)
 *       CE_SOFT   the same with const T *target for labels
 *       BCE       (const T *input, const T *target, const W *pos_weight, const W *weight,
 *                  W *loss, T *grad, size_t rows, size_t classes,
 *                  const logits_bce_options *options)
 *       SAMPLE    (const T *logits, int64_t *tokens, W *logprobs, W *raw_logprobs,
 *                  size_t rows, size_t vocab, const logits_sampler_options *options)
 *       SAMPLE_U  (const T *logits, const double *uniform, int64_t *tokens, W *logprobs,
 *                  W *raw_logprobs, size_t rows, size_t vocab,
 *                  const logits_sampler_options *options)
 *       TOP_K     (const T *x, T *values, int64_t *indices, size_t rows, size_t cols, size_t k)
 *       ARGMAX    (const T *x, int64_t *indices, size_t rows, size_t cols)
 *     `function` is the mathematical function it computes (the Python
 *     binding's name for it); the row and _axis forms (and the plain and _ex
 *     forms) share one.
 *
 * LOGITS_BOUND(contract, suffix, metric, bound, measured)
 *     The accuracy contract (ACCURACY.md): every result of `contract` in
 *     type `suffix` is within `bound` of a high-precision reference, in
 *     `metric`; `measured` is the largest error the last `make accuracy`
 *     found. A contract is a function, or for the losses a function and its
 *     input kind (cross_entropy_logits / _probs). Metrics:
 *       ulp       |got - ref| / ulp(ref) in the output's format
 *       ulp_z     ulps / (1 + |z|), z = (x - max) / T (the conditioning of exp)
 *       ulp_lse   ulps of max(|lse|, |max / T|)
 *       ulp_sc    ulps of the term scale of a backward-stable gradient
 *       rel       |got - ref| / |ref|, |ref| floored at the smallest normal
 *       rel_shift |got - ref| / max(|ref|, |max_c x_c / T|)
 *     These are the float64 bounds and the float32 bounds of the exact
 *     precision (LOGITS_PRECISION_EXACT).
 *
 * LOGITS_FAST_BOUND(contract, metric, bound, measured)
 *     The same for float32 in the fast precision (LOGITS_PRECISION_FAST, the
 *     default): the bound every fast float32 result of `contract` meets.
 *
 * LOGITS_SUPPORT(name)
 *     An exported function that is not an operation (version, status,
 *     threads, options): logits_<name>.
 */

#ifndef LOGITS_TYPE
#define LOGITS_TYPE(suffix, ctype, numpy, work)
#endif
#ifndef LOGITS_OP
#define LOGITS_OP(name, kind, function, types)
#endif
#ifndef LOGITS_BOUND
#define LOGITS_BOUND(contract, suffix, metric, bound, measured)
#endif
#ifndef LOGITS_FAST_BOUND
#define LOGITS_FAST_BOUND(contract, metric, bound, measured)
#endif
#ifndef LOGITS_SUPPORT
#define LOGITS_SUPPORT(name)
#endif

LOGITS_TYPE(f32, float, float32, float)
LOGITS_TYPE(f64, double, float64, double)
LOGITS_TYPE(f16, logits_f16, float16, float)
LOGITS_TYPE(bf16, logits_bf16, bfloat16, float)

LOGITS_OP(softmax, ROW_FWD, softmax, ALL)
LOGITS_OP(softmax_axis, AXIS_FWD, softmax, ALL)
LOGITS_OP(log_softmax, ROW_FWD, log_softmax, ALL)
LOGITS_OP(log_softmax_axis, AXIS_FWD, log_softmax, ALL)
LOGITS_OP(logsumexp, ROW_LSE, logsumexp, ALL)
LOGITS_OP(logsumexp_axis, AXIS_LSE, logsumexp, ALL)
LOGITS_OP(softmax_backward, ROW_BWD, softmax_backward, ALL)
LOGITS_OP(softmax_backward_axis, AXIS_BWD, softmax_backward, ALL)
LOGITS_OP(log_softmax_backward, ROW_BWD, log_softmax_backward, ALL)
LOGITS_OP(log_softmax_backward_axis, AXIS_BWD, log_softmax_backward, ALL)
LOGITS_OP(sigmoid, EW, sigmoid, ALL)
LOGITS_OP(log_sigmoid, EW, log_sigmoid, ALL)
LOGITS_OP(softplus, EW, softplus, ALL)
LOGITS_OP(sigmoid_backward, EW_BWD, sigmoid_backward, ALL)
LOGITS_OP(log_sigmoid_backward, EW_BWD, log_sigmoid_backward, ALL)
LOGITS_OP(softplus_backward, EW_BWD, softplus_backward, ALL)
LOGITS_OP(sigmoid_ex, EW_EX, sigmoid, ALL)
LOGITS_OP(log_sigmoid_ex, EW_EX, log_sigmoid, ALL)
LOGITS_OP(softplus_ex, EW_EX, softplus, ALL)
LOGITS_OP(sigmoid_backward_ex, EW_BWD_EX, sigmoid_backward, ALL)
LOGITS_OP(log_sigmoid_backward_ex, EW_BWD_EX, log_sigmoid_backward, ALL)
LOGITS_OP(softplus_backward_ex, EW_BWD_EX, softplus_backward, ALL)
LOGITS_OP(cross_entropy_labels, CE_LABELS, cross_entropy, ALL)
LOGITS_OP(cross_entropy_soft, CE_SOFT, cross_entropy, ALL)
LOGITS_OP(binary_cross_entropy, BCE, binary_cross_entropy, ALL)
LOGITS_OP(sample, SAMPLE, sample, ALL)
LOGITS_OP(sample_from_uniform, SAMPLE_U, sample, ALL)
LOGITS_OP(top_k, TOP_K, top_k, ALL)
LOGITS_OP(argmax, ARGMAX, argmax, ALL)

/* Softmax family. float32: every result is a double rounded once (twice for
 * softmax, whose exponentials wait in y between passes). float64: the
 * conditioning of exp at the rounded argument x - max. */
LOGITS_BOUND(softmax, f32, ulp, 1.5, 1.46)
LOGITS_BOUND(softmax, f64, ulp_z, 4.0, 1.62)
LOGITS_BOUND(log_softmax, f32, ulp, 1.0, 0.501)
LOGITS_BOUND(log_softmax, f64, ulp_z, 4.0, 0.911)
LOGITS_BOUND(logsumexp, f32, ulp, 1.0, 0.5)
LOGITS_BOUND(logsumexp, f64, ulp_lse, 4.0, 1.08)
/* Elementwise: float32 is a double rounded once (0.5 ulp plus < 1e-6 ulp). */
LOGITS_BOUND(sigmoid, f32, ulp, 0.501, 0.5)
LOGITS_BOUND(sigmoid, f64, ulp, 3.0, 2.32)
LOGITS_BOUND(log_sigmoid, f32, ulp, 0.501, 0.501)
LOGITS_BOUND(log_sigmoid, f64, ulp, 3.0, 2.31)
LOGITS_BOUND(softplus, f32, ulp, 0.501, 0.501)
LOGITS_BOUND(softplus, f64, ulp, 3.0, 2.48)
/* Gradients. */
LOGITS_BOUND(softmax_backward, f32, ulp_sc, 4.0, 0.5)
LOGITS_BOUND(softmax_backward, f64, ulp_sc, 8.0, 1.57)
LOGITS_BOUND(log_softmax_backward, f32, ulp_sc, 4.0, 0.5)
LOGITS_BOUND(log_softmax_backward, f64, ulp_sc, 8.0, 0.992)
LOGITS_BOUND(sigmoid_backward, f32, ulp, 2.0, 0.5)
LOGITS_BOUND(sigmoid_backward, f64, ulp, 4.0, 1.91)
LOGITS_BOUND(log_sigmoid_backward, f32, ulp, 2.0, 0.5)
LOGITS_BOUND(log_sigmoid_backward, f64, ulp, 4.0, 1.41)
LOGITS_BOUND(softplus_backward, f32, ulp, 2.0, 0.5)
LOGITS_BOUND(softplus_backward, f64, ulp, 4.0, 1.51)
/* Losses, per sample or element. */
LOGITS_BOUND(cross_entropy_logits, f32, rel, 1.2e-7, 5.96e-08)
LOGITS_BOUND(cross_entropy_logits, f64, rel_shift, 1e-15, 1.83e-16)
LOGITS_BOUND(cross_entropy_probs, f32, rel, 1.2e-7, 5.92e-08)
LOGITS_BOUND(cross_entropy_probs, f64, rel, 1e-14, 1.51e-16)
LOGITS_BOUND(binary_cross_entropy, f32, rel, 1.2e-7, 5.96e-08)
LOGITS_BOUND(binary_cross_entropy, f64, rel, 1e-14, 2.83e-16)

/* 16-bit storage, both precisions: the float32 result rounded once to the
 * format (0.5 ulp) plus the float32 kernel's error in the format's ulps
 * (under 2^-11 of one: the float32 bounds are a few 2^-24 relative). */
LOGITS_BOUND(softmax, f16, ulp, 0.51, 0.501)
LOGITS_BOUND(softmax, bf16, ulp, 0.51, 0.501)
LOGITS_BOUND(log_softmax, f16, ulp, 0.51, 0.501)
LOGITS_BOUND(log_softmax, bf16, ulp, 0.51, 0.501)
LOGITS_BOUND(logsumexp, f16, ulp, 0.51, 0.5)
LOGITS_BOUND(logsumexp, bf16, ulp, 0.51, 0.5)
LOGITS_BOUND(sigmoid, f16, ulp, 0.51, 0.501)
LOGITS_BOUND(sigmoid, bf16, ulp, 0.51, 0.5)
LOGITS_BOUND(log_sigmoid, f16, ulp, 0.51, 0.501)
LOGITS_BOUND(log_sigmoid, bf16, ulp, 0.51, 0.5)
LOGITS_BOUND(softplus, f16, ulp, 0.51, 0.501)
LOGITS_BOUND(softplus, bf16, ulp, 0.51, 0.5)
LOGITS_BOUND(softmax_backward, f16, ulp_sc, 0.51, 0.501)
LOGITS_BOUND(softmax_backward, bf16, ulp_sc, 0.51, 0.501)
LOGITS_BOUND(log_softmax_backward, f16, ulp_sc, 0.51, 0.501)
LOGITS_BOUND(log_softmax_backward, bf16, ulp_sc, 0.51, 0.5)
LOGITS_BOUND(sigmoid_backward, f16, ulp, 0.51, 0.501)
LOGITS_BOUND(sigmoid_backward, bf16, ulp, 0.51, 0.501)
LOGITS_BOUND(log_sigmoid_backward, f16, ulp, 0.51, 0.501)
LOGITS_BOUND(log_sigmoid_backward, bf16, ulp, 0.51, 0.501)
LOGITS_BOUND(softplus_backward, f16, ulp, 0.51, 0.501)
LOGITS_BOUND(softplus_backward, bf16, ulp, 0.51, 0.501)
/* 16-bit losses: float32 values from the float32 kernels of the precision
 * chosen, on the widened inputs (the fast bound holds for both). */
LOGITS_BOUND(cross_entropy_logits, f16, rel, 1e-6, 1.82e-07)
LOGITS_BOUND(cross_entropy_logits, bf16, rel, 1e-6, 1.89e-07)
LOGITS_BOUND(cross_entropy_probs, f16, rel, 1e-6, 5.93e-08)
LOGITS_BOUND(cross_entropy_probs, bf16, rel, 1e-6, 5.96e-08)
LOGITS_BOUND(binary_cross_entropy, f16, rel, 1e-6, 5.96e-08)
LOGITS_BOUND(binary_cross_entropy, bf16, rel, 1e-6, 5.92e-08)

/* float32, fast precision: exponentials in float32 lanes, their arguments'
 * rounding carried (each term off by about 0.6 ulp whatever |z|; the softmax
 * bound still allows the |z| 2^-24 of an uncarried argument), sums flushed
 * to double, log S and the log outputs in double. */
LOGITS_FAST_BOUND(softmax, ulp_z, 1.5, 1.11)
LOGITS_FAST_BOUND(log_softmax, ulp, 2.5, 2.09)
LOGITS_FAST_BOUND(logsumexp, ulp, 2.5, 0.602)
LOGITS_FAST_BOUND(sigmoid, ulp, 3.0, 2.28)
LOGITS_FAST_BOUND(log_sigmoid, ulp, 3.0, 1.86)
LOGITS_FAST_BOUND(softplus, ulp, 3.0, 1.94)
LOGITS_FAST_BOUND(softmax_backward, ulp_sc, 4.0, 0.5)
LOGITS_FAST_BOUND(log_softmax_backward, ulp_sc, 4.0, 0.5)
LOGITS_FAST_BOUND(sigmoid_backward, ulp, 4.0, 0.5)
LOGITS_FAST_BOUND(log_sigmoid_backward, ulp, 4.0, 0.5)
LOGITS_FAST_BOUND(softplus_backward, ulp, 4.0, 0.5)
LOGITS_FAST_BOUND(cross_entropy_logits, rel, 1e-6, 2.03e-07)
LOGITS_FAST_BOUND(cross_entropy_probs, rel, 1e-6, 5.92e-08)
LOGITS_FAST_BOUND(binary_cross_entropy, rel, 1e-6, 5.95e-08)

LOGITS_SUPPORT(version)
LOGITS_SUPPORT(version_string)
LOGITS_SUPPORT(status_string)
LOGITS_SUPPORT(last_error_message)
LOGITS_SUPPORT(cpu_kernels)
LOGITS_SUPPORT(set_num_threads)
LOGITS_SUPPORT(get_num_threads)
LOGITS_SUPPORT(set_precision)
LOGITS_SUPPORT(get_precision)
LOGITS_SUPPORT(ce_options_init)
LOGITS_SUPPORT(bce_options_init)
LOGITS_SUPPORT(sampler_options_init)

#undef LOGITS_TYPE
#undef LOGITS_OP
#undef LOGITS_BOUND
#undef LOGITS_FAST_BOUND
#undef LOGITS_SUPPORT
