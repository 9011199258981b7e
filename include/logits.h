/*
 * logits.h: the C interface of Logits, a small library that turns raw model
 * scores (logits) into probabilities, log-probabilities and their gradients,
 * exactly and without crashing the caller.
 *
 * Link with -llogits (liblogits.so, SONAME liblogits.so.<ABI version>: the
 * major version, or 0.<minor> while the major is 0, as a 0.x minor version
 * may change the ABI; 0.3 did, see the _axis forms). The
 * library carries its own copy of the Swift runtime: it needs only libc, libm,
 * libstdc++ and libgcc_s at run time.
 *
 * ---------------------------------------------------------------------------
 * Rules that hold for every function in this header
 * ---------------------------------------------------------------------------
 * Status.   Every function except the version and status-string helpers
 *           returns a logits_status: LOGITS_OK (0) on success, a positive
 *           error code otherwise. The numeric values are stable.
 * Errors.   On any error nothing is written: every argument is checked before
 *           the first output element is touched.
 * Memory.   All arrays are caller-owned, C-contiguous, and of the function's
 *           element type. The library never allocates memory that the caller
 *           must free and keeps no pointer after returning.
 * Sizes.    size_t arguments give element counts, never bytes. A size, a
 *           product of sizes, or the resulting byte count above PTRDIFF_MAX
 *           returns LOGITS_ERROR_SIZE_OVERFLOW.
 * NULL.     A pointer may be NULL only when the array it points to has zero
 *           elements; otherwise NULL returns LOGITS_ERROR_NULL_POINTER.
 *           Zero-sized inputs are a no-op returning LOGITS_OK (the reductions
 *           over an empty axis are the exception: see logits_logsumexp_*).
 * In place. An output may be the very same pointer as an input where the
 *           function says so ("in place"). Any other overlap between an
 *           output and an input returns LOGITS_ERROR_OVERLAP.
 * Threads.  Every function is thread-safe: it reads only its arguments and
 *           writes only its outputs, and the calling thread's error detail
 *           (logits_last_error_message). The only global state is the thread
 *           setting and the default precision (atomics, logits_set_num_threads
 *           and logits_set_precision), the CPU kernel
 *           choice (made once) and the library's worker threads, which a
 *           large call (>= 2^18 elements) may use; results never depend on
 *           them (see logits_set_num_threads).
 * Layouts.  Axis functions come in two forms. The row form (rows, cols)
 *           works along the last axis of a rows x cols matrix. The general
 *           "_axis" form takes (outer, axis_len, inner): the data is a
 *           C-contiguous outer x axis_len x inner array and the function
 *           works along the middle axis, so element (o, k, i) is at
 *           x[(o * axis_len + k) * inner + i]. Any axis of any C-contiguous
 *           N-d array maps onto this form without a copy: outer is the
 *           product of the dimensions before the axis, inner the product of
 *           those after it. The row form equals the general form with
 *           outer = rows, axis_len = cols, inner = 1, temperature = 1 and
 *           precision = LOGITS_PRECISION_DEFAULT.
 * Temperature. The "_axis" forms of softmax, log-softmax and logsumexp take
 *           a temperature T and compute on x / T inside the same pass (no
 *           copy). T must be finite and > 0, else LOGITS_ERROR_INVALID_ARGUMENT.
 * Special values (all functions along an axis, for every temperature):
 *   - No overflow and no spurious NaN for any finite input, up to the
 *     largest float: the maximum of each slice is subtracted first.
 *   - A slice whose entries are all -inf (a fully masked row): softmax gives
 *     zeros, log-softmax and logsumexp give -inf. Never NaN.
 *   - +inf entries share the probability equally (the limit): with k entries
 *     equal to +inf, softmax gives 1/k to each of them and 0 elsewhere,
 *     log-softmax gives -log(k) and -inf, logsumexp gives +inf.
 *   - A NaN anywhere in a slice makes every output of that slice NaN; other
 *     slices are unaffected.
 * Precision. float32 has two precisions (see "Precision" below): FAST, the
 *           default, computes the exponentials in float32 SIMD lanes as the
 *           fastest peers do, keeping in double only what float32 would lose
 *           (long sums, log S near 0, the log-softmax outputs); EXACT
 *           computes everything in double lanes and rounds each output once
 *           (float32 softmax twice: its exponentials wait in y between
 *           passes). float64 has one precision (double lanes, exp by a
 *           polynomial accurate to 1e-17) and accepts either choice. Each
 *           function states its bound per precision ("Bound"); measured
 *           maxima: ACCURACY.md. The CPU kernel copies (logits_cpu_kernels)
 *           all meet them; they may differ in the last bits.
 */
#ifndef LOGITS_H
#define LOGITS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Version                                                                  */
/* ------------------------------------------------------------------------ */

#define LOGITS_VERSION_MAJOR 0 /* the ABI major version, in the SONAME (with the minor while 0) */
#define LOGITS_VERSION_MINOR 6
#define LOGITS_VERSION_PATCH 0
#define LOGITS_VERSION_NUMBER \
    (LOGITS_VERSION_MAJOR * 10000 + LOGITS_VERSION_MINOR * 100 + LOGITS_VERSION_PATCH)
#define LOGITS_VERSION_STRING "0.6.0"

/* The version of the library actually loaded, as
 * MAJOR * 10000 + MINOR * 100 + PATCH. Compare with LOGITS_VERSION_NUMBER to
 * detect a header/library mismatch. Thread-safe, never fails. */
unsigned int logits_version(void);

/* The same as a static, NUL-terminated string such as "0.1.0". Never NULL. */
const char *logits_version_string(void);

/* ------------------------------------------------------------------------ */
/* Status codes (stable values)                                             */
/* ------------------------------------------------------------------------ */

typedef int32_t logits_status;

#define LOGITS_OK                        0 /* success */
#define LOGITS_ERROR_NULL_POINTER        1 /* a required pointer was NULL */
#define LOGITS_ERROR_INVALID_ARGUMENT    2 /* a value is outside its domain */
#define LOGITS_ERROR_SIZE_OVERFLOW       3 /* sizes or byte counts exceed PTRDIFF_MAX */
#define LOGITS_ERROR_OVERLAP             4 /* output partially overlaps an input */
#define LOGITS_ERROR_LABEL_OUT_OF_RANGE  5 /* a class label outside [0, classes) */
#define LOGITS_ERROR_OUT_OF_MEMORY       6 /* scratch memory (sampling, top-k) could not be had */

/* A static, NUL-terminated English description of a status, such as
 * "invalid argument". Unknown values give "unknown status". Never NULL. */
const char *logits_status_string(logits_status status);

/* Why the calling thread's most recent call failed, in one English line
 * naming the argument, the rule it broke and, for a value, its flat position
 * and the value itself, such as
 *   "label 99 at position (1,) is out of range [0, 10)"   (sample (outer,)
 *       for inner = 1, else (outer, inner))
 *   "class_weight must be finite and >= 0; class_weight at (2,) is -1"
 *   "temperature must be finite and > 0"
 * (a size, NULL or overlap error gives logits_status_string's text).
 * "" after a successful call. Never NULL.
 *
 * Every function that returns a logits_status sets it: the library keeps,
 * per thread, the last status and the refusal's plain data (reason,
 * position, value; no allocation, nothing that can fail) and formats the
 * text only when this function is called, into a per-thread buffer that
 * stays valid until that thread's next call into the library. This is the
 * library's only per-thread state; it never changes a result. Thread-safe:
 * each thread sees its own calls only. */
const char *logits_last_error_message(void);

/* ------------------------------------------------------------------------ */
/* CPU kernels                                                              */
/* ------------------------------------------------------------------------ */

/* The kernels this process uses, chosen once at the first call from the
 * CPU's features and the register state the operating system has enabled
 * (CPUID and XCR0): "x86-64-v4" (AVX-512), "x86-64-v3" (AVX2 + FMA) or
 * "baseline" (x86-64 SSE2, and every other architecture). The environment
 * variable LOGITS_CPU, read at that first call, can lower the choice (never
 * above what the CPU supports): unset or empty, the highest supported;
 * exactly "baseline", "x86-64-v3" or "x86-64-v4", that level; anything else
 * (a misspelt request: "x86-64-v2", "Baseline", "baseline "), the baseline,
 * with one line on standard error. All levels
 * give results within the documented error bounds; they may differ in the
 * last bits because only v3/v4 use fused multiply-add. A static,
 * NUL-terminated string. Never NULL. Thread-safe. */
const char *logits_cpu_kernels(void);

/* ------------------------------------------------------------------------ */
/* Threads                                                                  */
/* ------------------------------------------------------------------------ */

/* Sets how many threads (the calling thread included) one call may use:
 * 1 keeps every call on the calling thread; 0 restores the default. Values
 * above 64 are clamped to 64.
 *
 * The default: the environment variable LOGITS_NUM_THREADS (read once, at
 * the first call that needs it) when it is a decimal number >= 1 written
 * with digits only (no sign, spaces or exponent; any value above 64 means
 * 64), else the number of online CPUs (at most 64). So "4" gives 4, "65",
 * "640" and "99999999999999999999" give 64, and "", "0", "-1", "abc", " 4",
 * "4 " and "1e3" give the CPU count.
 *
 * Only large calls split: a call runs on the calling thread when it has
 * fewer than 2^18 (262144) elements, and otherwise into parts of about 2^17
 * elements each (whole rows; a softmax-family row of 2^18 or more elements
 * is itself split into chunks: max, sum and outputs per chunk, combined in
 * chunk order). The parts depend only on the call's shape, never on the
 * thread setting, so results are bit-identical with any number of threads.
 * The library's worker threads are started at the first call that needs
 * them and sleep between calls. One call at a time uses them: a call made
 * while another thread's call is using them runs on its own thread.
 *
 * Thread creation may fail (a container's pids limit, RLIMIT_NPROC): calls
 * then run on the workers that did start and the calling thread (on the
 * calling thread alone if none started), with the same results, and
 * logits_get_num_threads reports that number from then on.
 *
 * fork(): the library registers pthread_atfork handlers. A child process
 * starts with no worker threads and a fresh pool, whatever the parent's
 * threads were doing at the fork; its first large call starts its own
 * workers. (The child keeps the parent's thread setting.)
 *
 * Unloading: the library is linked -z nodelete, so dlclose never unmaps it
 * (its worker threads may outlive the handle); a second copy loaded from
 * another path has its own pool.
 *
 * Always returns LOGITS_OK. Thread-safe: takes effect for calls that start
 * after it returns (a lowered count also limits the workers already
 * started). */
logits_status logits_set_num_threads(size_t n);

/* The number of threads a large call may use now (>= 1): the value set by
 * logits_set_num_threads, or the default described there, but no more than
 * the system let the library start once thread creation has failed.
 * Thread-safe. */
size_t logits_get_num_threads(void);

/* ------------------------------------------------------------------------ */
/* Precision                                                                */
/* ------------------------------------------------------------------------ */

/* How a float32 call computes. Passed as a plain integer and checked: any
 * other value returns LOGITS_ERROR_INVALID_ARGUMENT (nothing written).
 *   LOGITS_PRECISION_DEFAULT  the process default (logits_get_precision).
 *   LOGITS_PRECISION_FAST     float32 lanes: the speed of the fastest peers,
 *                             within the "fast" bounds of each function.
 *   LOGITS_PRECISION_EXACT    double lanes, each output a double rounded
 *                             once: the "exact" bounds (this library's
 *                             only float32 precision before 0.3; 0.3 also
 *                             vectorised its log-sigmoid and softplus, which
 *                             may differ from 0.2 in the last bit).
 * A call chooses per call and without shared state: the "_axis" forms, the
 * elementwise "_ex" forms and the loss options (field `precision`) take the
 * choice as an argument; the plain names (logits_softmax_f32, ...) use the
 * process default. So two threads calling at the same moment with different
 * choices each get their own. float64 functions accept every valid value
 * and compute the same way for all of them. The gradient functions
 * (*_backward*) and the binary cross-entropy compute the same way in both
 * precisions today (their exact kernels meet both bounds). Softmax-family
 * rows of at most 32 elements, strided axes (inner > 1) and the
 * special-value rows (a non-finite maximum) also use the exact kernels in
 * FAST; the special-value rules above hold in both precisions. */
typedef int32_t logits_precision;

#define LOGITS_PRECISION_DEFAULT 0
#define LOGITS_PRECISION_FAST    1
#define LOGITS_PRECISION_EXACT   2

/* Sets the process default precision: FAST or EXACT; DEFAULT restores the
 * initial default, which is the environment variable LOGITS_PRECISION read
 * at the first call that needs it: exactly "fast" or "exact" chooses, unset
 * or empty means FAST, anything else means FAST with one line on standard
 * error. Another value returns LOGITS_ERROR_INVALID_ARGUMENT and changes
 * nothing. Thread-safe (an atomic): calls that start after it returns use
 * the new default. */
logits_status logits_set_precision(logits_precision precision);

/* The process default precision now: LOGITS_PRECISION_FAST or _EXACT (never
 * DEFAULT). Thread-safe, never fails. */
logits_precision logits_get_precision(void);

/* ------------------------------------------------------------------------ */
/* Softmax family (along an axis)                                           */
/* ------------------------------------------------------------------------ */

/* softmax: y[i] = exp(x[i]/T - m) / sum_j exp(x[j]/T - m), m = max_j x[j]/T,
 * independently for every row (every slice along the axis). Each output row
 * is in [0, 1] and sums to 1 (to rounding), except rows that are NaN.
 *   x, y   rows x cols (row form) or outer x axis_len x inner (_axis form).
 *   In place: y may equal x.
 *   Errors: LOGITS_ERROR_NULL_POINTER, LOGITS_ERROR_SIZE_OVERFLOW,
 *           LOGITS_ERROR_OVERLAP, LOGITS_ERROR_INVALID_ARGUMENT (bad T).
 * Bound (abi/operations.h, measured in ACCURACY.md): float32 fast 1.5 ulp x (1 + |z|),
 *   z = (x - max)/T (the bound allows the rounding of a float32 argument of
 *   exp; the fast kernels carry it, measured: under 2 ulp at any z); float32
 *   exact 1.5 ulp; float64 4.0 ulp x (1 + |z|) (the conditioning of exp at
 *   the rounded argument). */
logits_status logits_softmax_f32(const float *x, float *y, size_t rows, size_t cols);
logits_status logits_softmax_f64(const double *x, double *y, size_t rows, size_t cols);
logits_status logits_softmax_axis_f32(const float *x, float *y, size_t outer,
                                      size_t axis_len, size_t inner, float temperature,
        logits_precision precision);
logits_status logits_softmax_axis_f64(const double *x, double *y, size_t outer,
                                      size_t axis_len, size_t inner, double temperature,
        logits_precision precision);

/* log-softmax: y[i] = (x[i] - max)/T - log(sum_j exp((x[j] - max)/T)), the
 * logarithm of softmax computed without forming softmax, so it is never -inf
 * where the true value is finite: finite inputs give finite outputs unless
 * the exact result lies beyond the type's range (e.g. [MAX, -MAX] gives
 * -2*MAX/T, which rounds to -inf for T < 2).
 * Shapes, in place, errors: as softmax.
 * Bound (abi/operations.h, measured in ACCURACY.md): float32 fast 2.5 ulp, exact 1.0 ulp;
 *   float64 4.0 ulp x (1 + |z|), z the row's largest |x - max|/T. */
logits_status logits_log_softmax_f32(const float *x, float *y, size_t rows, size_t cols);
logits_status logits_log_softmax_f64(const double *x, double *y, size_t rows, size_t cols);
logits_status logits_log_softmax_axis_f32(const float *x, float *y, size_t outer,
                                          size_t axis_len, size_t inner, float temperature,
        logits_precision precision);
logits_status logits_log_softmax_axis_f64(const double *x, double *y, size_t outer,
                                          size_t axis_len, size_t inner, double temperature,
        logits_precision precision);

/* logsumexp: y = log(sum_j exp(x[j]/T)), one value per row (per slice).
 *   x   rows x cols, or outer x axis_len x inner.
 *   y   rows values (row form), or outer x inner values (_axis form), in the
 *       order y[o * inner + i].
 *   An empty axis (cols == 0 or axis_len == 0) gives -inf, the logarithm of
 *   an empty sum, for each of the rows / outer x inner outputs.
 *   Not in place: y must not overlap x (LOGITS_ERROR_OVERLAP).
 *   Errors: as softmax.
 * Bound (abi/operations.h, measured in ACCURACY.md): float32 fast 2.5 ulp, exact 1.0 ulp;
 *   float64 4.0 ulp of max(|y|, |max/T|). */
logits_status logits_logsumexp_f32(const float *x, float *y, size_t rows, size_t cols);
logits_status logits_logsumexp_f64(const double *x, double *y, size_t rows, size_t cols);
logits_status logits_logsumexp_axis_f32(const float *x, float *y, size_t outer,
                                        size_t axis_len, size_t inner, float temperature,
        logits_precision precision);
logits_status logits_logsumexp_axis_f64(const double *x, double *y, size_t outer,
                                        size_t axis_len, size_t inner, double temperature,
        logits_precision precision);

/* ------------------------------------------------------------------------ */
/* Gradients of the softmax family                                          */
/* ------------------------------------------------------------------------ */

/* softmax backward: given the forward output y = softmax(x/T) and the
 * upstream gradient dy = dL/dy, writes dx = dL/dx:
 *     dx[i] = y[i] * (dy[i] - sum_j y[j] * dy[j]) / T
 *   y, dy, dx   all of the same shape (rows x cols, or outer x axis_len x inner).
 *   In place: dx may equal y or dy (y and dy may also be the same array).
 *   Non-finite values propagate as IEEE arithmetic says.
 *   Errors: as softmax.
 * Bound (abi/operations.h, measured in ACCURACY.md): float32 (fast and exact) 4.0, float64 8.0 ulp
 *   of the term scale |y| (|dy| + sum|y dy|) / T (dx itself may cancel to ~0). */
logits_status logits_softmax_backward_f32(const float *y, const float *dy, float *dx,
                                          size_t rows, size_t cols);
logits_status logits_softmax_backward_f64(const double *y, const double *dy, double *dx,
                                          size_t rows, size_t cols);
logits_status logits_softmax_backward_axis_f32(const float *y, const float *dy, float *dx,
                                               size_t outer, size_t axis_len, size_t inner,
                                               float temperature,
        logits_precision precision);
logits_status logits_softmax_backward_axis_f64(const double *y, const double *dy, double *dx,
                                               size_t outer, size_t axis_len, size_t inner,
                                               double temperature,
        logits_precision precision);

/* log-softmax backward: given y = log_softmax(x/T) and dy = dL/dy, writes
 *     dx[i] = (dy[i] - exp(y[i]) * sum_j dy[j]) / T
 * Shapes, in place, errors: as softmax backward.
 * Bound (abi/operations.h, measured in ACCURACY.md): float32 (fast and exact) 4.0, float64 8.0 ulp
 *   of the term scale (|dy| + exp(y) sum|dy|) / T. */
logits_status logits_log_softmax_backward_f32(const float *y, const float *dy, float *dx,
                                              size_t rows, size_t cols);
logits_status logits_log_softmax_backward_f64(const double *y, const double *dy, double *dx,
                                              size_t rows, size_t cols);
logits_status logits_log_softmax_backward_axis_f32(const float *y, const float *dy, float *dx,
                                                   size_t outer, size_t axis_len, size_t inner,
                                                   float temperature,
        logits_precision precision);
logits_status logits_log_softmax_backward_axis_f64(const double *y, const double *dy,
                                                   double *dx, size_t outer, size_t axis_len,
                                                   size_t inner, double temperature,
        logits_precision precision);

/* ------------------------------------------------------------------------ */
/* Elementwise: sigmoid, log-sigmoid, softplus and their gradients          */
/* ------------------------------------------------------------------------ */

/* sigmoid: y = 1 / (1 + exp(-x)), each output in [0, 1] (exactly 0 or 1 only
 * where the true value rounds there); computed as 1/(1+exp(-x)) for x >= 0 and
 * exp(x)/(1+exp(x)) for x < 0, so it never overflows.
 * sigmoid(+inf) = 1, sigmoid(-inf) = 0, NaN gives NaN.
 *   x, y   count elements. In place: y may equal x.
 *   Errors: LOGITS_ERROR_NULL_POINTER, LOGITS_ERROR_SIZE_OVERFLOW,
 *           LOGITS_ERROR_OVERLAP.
 * Bound (abi/operations.h, measured in ACCURACY.md): float32 fast 3.0 ulp, exact 0.501 ulp (a
 *   double rounded once); float64 3.0 ulp. */
logits_status logits_sigmoid_f32(const float *x, float *y, size_t count);
logits_status logits_sigmoid_f64(const double *x, double *y, size_t count);
logits_status logits_sigmoid_ex_f32(const float *x, float *y, size_t count, logits_precision precision);
logits_status logits_sigmoid_ex_f64(const double *x, double *y, size_t count, logits_precision precision);

/* log-sigmoid: y = log(sigmoid(x)) = -softplus(-x) = min(x, 0) - log1p(exp(-|x|)),
 * always <= 0, never -inf for finite x. log_sigmoid(-inf) = -inf,
 * log_sigmoid(+inf) = 0, NaN gives NaN. Shapes, in place, errors: as sigmoid.
 * Bound (abi/operations.h, measured in ACCURACY.md): float32 fast 3.0 ulp, exact 0.501 ulp;
 *   float64 3.0 ulp. */
logits_status logits_log_sigmoid_f32(const float *x, float *y, size_t count);
logits_status logits_log_sigmoid_f64(const double *x, double *y, size_t count);
logits_status logits_log_sigmoid_ex_f32(const float *x, float *y, size_t count, logits_precision precision);
logits_status logits_log_sigmoid_ex_f64(const double *x, double *y, size_t count, logits_precision precision);

/* softplus: y = log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), always >= 0,
 * never overflows for finite x. softplus(-inf) = 0, softplus(+inf) = +inf,
 * NaN gives NaN. Shapes, in place, errors: as sigmoid.
 * Bound (abi/operations.h, measured in ACCURACY.md): float32 fast 3.0 ulp, exact 0.501 ulp;
 *   float64 3.0 ulp. */
logits_status logits_softplus_f32(const float *x, float *y, size_t count);
logits_status logits_softplus_f64(const double *x, double *y, size_t count);
logits_status logits_softplus_ex_f32(const float *x, float *y, size_t count, logits_precision precision);
logits_status logits_softplus_ex_f64(const double *x, double *y, size_t count, logits_precision precision);

/* sigmoid backward: given y = sigmoid(x) and dy, dx = dy * y * (1 - y).
 * log-sigmoid backward: given y = log_sigmoid(x) and dy,
 *     dx = dy * (1 - exp(y)) = dy * sigmoid(-x)   (computed as -expm1(y)).
 * softplus backward: given y = softplus(x) and dy,
 *     dx = dy * (1 - exp(-y)) = dy * sigmoid(x)   (computed as -expm1(-y)).
 *   y, dy, dx   count elements. In place: dx may equal y or dy.
 *   Errors: as sigmoid.
 * Bound (abi/operations.h, measured in ACCURACY.md): all three float32 fast 4.0 ulp, exact 2.0
 *   ulp; float64 4.0 ulp. */
logits_status logits_sigmoid_backward_f32(const float *y, const float *dy, float *dx,
                                          size_t count);
logits_status logits_sigmoid_backward_f64(const double *y, const double *dy, double *dx,
                                          size_t count);
logits_status logits_log_sigmoid_backward_f32(const float *y, const float *dy, float *dx,
                                              size_t count);
logits_status logits_log_sigmoid_backward_f64(const double *y, const double *dy, double *dx,
                                              size_t count);
logits_status logits_softplus_backward_f32(const float *y, const float *dy, float *dx,
                                           size_t count);
logits_status logits_softplus_backward_f64(const double *y, const double *dy, double *dx,
                                           size_t count);
logits_status logits_sigmoid_backward_ex_f32(const float *y, const float *dy, float *dx, size_t count, logits_precision precision);
logits_status logits_sigmoid_backward_ex_f64(const double *y, const double *dy, double *dx, size_t count, logits_precision precision);
logits_status logits_log_sigmoid_backward_ex_f32(const float *y, const float *dy, float *dx, size_t count, logits_precision precision);
logits_status logits_log_sigmoid_backward_ex_f64(const double *y, const double *dy, double *dx, size_t count, logits_precision precision);
logits_status logits_softplus_backward_ex_f32(const float *y, const float *dy, float *dx, size_t count, logits_precision precision);
logits_status logits_softplus_backward_ex_f64(const double *y, const double *dy, double *dx, size_t count, logits_precision precision);

/* ------------------------------------------------------------------------ */
/* 16-bit storage: float16 and bfloat16                                     */
/* ------------------------------------------------------------------------ */

/* The two 16-bit formats, stored as their bits in a uint16_t (the typedefs
 * only name which format a buffer holds; both are uint16_t to the compiler):
 *   logits_f16    IEEE 754 binary16: 1 sign, 5 exponent, 10 fraction bits
 *                 (largest finite 65504, smallest subnormal 2^-24). C's
 *                 _Float16, numpy's float16, Swift's Float16.
 *   logits_bf16   bfloat16: the top 16 bits of a float32 (1 sign, 8 exponent,
 *                 7 fraction bits; largest finite ~3.39e38). ml_dtypes'
 *                 bfloat16, __bf16.
 * Every function above that takes float has an _f16 and a _bf16 form with
 * the same rules (shapes, in place, errors, special values, NaN per row,
 * empty axes, thread count independence): the input is read in its 16-bit
 * format, widened exactly to float32 a block at a time (at most 2^16
 * floats: whole slices, or columns of a longer slice, or one contiguous
 * slice; blocks on the library's threads with at most 4 MB of scratch in
 * all: no float32 copy of the whole array), the float32 kernels of the
 * precision chosen run on the block (the same kernel path as a float32 call
 * of the whole shape), and each output is rounded once to the format, to nearest,
 * ties to even. NaN stays NaN (quiet); a result overflows to inf only where
 * round to nearest says so (binary16: |y| >= 65520). Temperatures are float.
 * The conversions are integer code (no F16C or AVX-512 BF16 instruction:
 * VCVTNEPS2BF16 flushes subnormals), so every CPU copy gives the same bits.
 * Bound (abi/operations.h, measured in ACCURACY.md): every output within
 *   0.51 ulp of its format (0.5 for the rounding, 0.01 for the float32
 *   kernel's error, far below one 16-bit ulp) against a float64 reference of
 *   the 16-bit inputs; the gradients of softmax and log-softmax 0.51 ulp of
 *   the term scale. Both precisions.
 * The losses have 16-bit forms too (float32 weights and losses: see each
 * loss), and so do the sampler (float32 log-probabilities), top-k and
 * argmax. */
typedef uint16_t logits_f16;
typedef uint16_t logits_bf16;

/* softmax, log-softmax, logsumexp: see the float32 forms.
 * Bound: 0.51 ulp of the format (above). */
logits_status logits_softmax_f16(const logits_f16 *x, logits_f16 *y, size_t rows, size_t cols);
logits_status logits_softmax_bf16(const logits_bf16 *x, logits_bf16 *y, size_t rows, size_t cols);
logits_status logits_softmax_axis_f16(const logits_f16 *x, logits_f16 *y, size_t outer,
                                      size_t axis_len, size_t inner, float temperature,
                                      logits_precision precision);
logits_status logits_softmax_axis_bf16(const logits_bf16 *x, logits_bf16 *y, size_t outer,
                                       size_t axis_len, size_t inner, float temperature,
                                       logits_precision precision);
logits_status logits_log_softmax_f16(const logits_f16 *x, logits_f16 *y, size_t rows, size_t cols);
logits_status logits_log_softmax_bf16(const logits_bf16 *x, logits_bf16 *y, size_t rows,
                                      size_t cols);
logits_status logits_log_softmax_axis_f16(const logits_f16 *x, logits_f16 *y, size_t outer,
                                          size_t axis_len, size_t inner, float temperature,
                                          logits_precision precision);
logits_status logits_log_softmax_axis_bf16(const logits_bf16 *x, logits_bf16 *y, size_t outer,
                                           size_t axis_len, size_t inner, float temperature,
                                           logits_precision precision);
logits_status logits_logsumexp_f16(const logits_f16 *x, logits_f16 *y, size_t rows, size_t cols);
logits_status logits_logsumexp_bf16(const logits_bf16 *x, logits_bf16 *y, size_t rows, size_t cols);
logits_status logits_logsumexp_axis_f16(const logits_f16 *x, logits_f16 *y, size_t outer,
                                        size_t axis_len, size_t inner, float temperature,
                                        logits_precision precision);
logits_status logits_logsumexp_axis_bf16(const logits_bf16 *x, logits_bf16 *y, size_t outer,
                                         size_t axis_len, size_t inner, float temperature,
                                         logits_precision precision);

/* softmax and log-softmax backward: see the float32 forms; y, dy and dx are
 * in the same format. Bound: 0.51 ulp of the format of the term scale. */
logits_status logits_softmax_backward_f16(const logits_f16 *y, const logits_f16 *dy, logits_f16 *dx,
                                          size_t rows, size_t cols);
logits_status logits_softmax_backward_bf16(const logits_bf16 *y, const logits_bf16 *dy,
                                           logits_bf16 *dx, size_t rows, size_t cols);
logits_status logits_softmax_backward_axis_f16(const logits_f16 *y, const logits_f16 *dy,
                                               logits_f16 *dx, size_t outer, size_t axis_len,
                                               size_t inner, float temperature,
                                               logits_precision precision);
logits_status logits_softmax_backward_axis_bf16(const logits_bf16 *y, const logits_bf16 *dy,
                                                logits_bf16 *dx, size_t outer, size_t axis_len,
                                                size_t inner, float temperature,
                                                logits_precision precision);
logits_status logits_log_softmax_backward_f16(const logits_f16 *y, const logits_f16 *dy,
                                              logits_f16 *dx, size_t rows, size_t cols);
logits_status logits_log_softmax_backward_bf16(const logits_bf16 *y, const logits_bf16 *dy,
                                               logits_bf16 *dx, size_t rows, size_t cols);
logits_status logits_log_softmax_backward_axis_f16(const logits_f16 *y, const logits_f16 *dy,
                                                   logits_f16 *dx, size_t outer, size_t axis_len,
                                                   size_t inner, float temperature,
                                                   logits_precision precision);
logits_status logits_log_softmax_backward_axis_bf16(const logits_bf16 *y, const logits_bf16 *dy,
                                                    logits_bf16 *dx, size_t outer, size_t axis_len,
                                                    size_t inner, float temperature,
                                                    logits_precision precision);

/* sigmoid, log-sigmoid, softplus and their backward functions (plain and
 * _ex): see the float32 forms. Bound: 0.51 ulp of the format. */
logits_status logits_sigmoid_f16(const logits_f16 *x, logits_f16 *y, size_t count);
logits_status logits_sigmoid_bf16(const logits_bf16 *x, logits_bf16 *y, size_t count);
logits_status logits_sigmoid_ex_f16(const logits_f16 *x, logits_f16 *y, size_t count,
                                    logits_precision precision);
logits_status logits_sigmoid_ex_bf16(const logits_bf16 *x, logits_bf16 *y, size_t count,
                                     logits_precision precision);
logits_status logits_log_sigmoid_f16(const logits_f16 *x, logits_f16 *y, size_t count);
logits_status logits_log_sigmoid_bf16(const logits_bf16 *x, logits_bf16 *y, size_t count);
logits_status logits_log_sigmoid_ex_f16(const logits_f16 *x, logits_f16 *y, size_t count,
                                        logits_precision precision);
logits_status logits_log_sigmoid_ex_bf16(const logits_bf16 *x, logits_bf16 *y, size_t count,
                                         logits_precision precision);
logits_status logits_softplus_f16(const logits_f16 *x, logits_f16 *y, size_t count);
logits_status logits_softplus_bf16(const logits_bf16 *x, logits_bf16 *y, size_t count);
logits_status logits_softplus_ex_f16(const logits_f16 *x, logits_f16 *y, size_t count,
                                     logits_precision precision);
logits_status logits_softplus_ex_bf16(const logits_bf16 *x, logits_bf16 *y, size_t count,
                                      logits_precision precision);
logits_status logits_sigmoid_backward_f16(const logits_f16 *y, const logits_f16 *dy, logits_f16 *dx,
                                          size_t count);
logits_status logits_sigmoid_backward_bf16(const logits_bf16 *y, const logits_bf16 *dy,
                                           logits_bf16 *dx, size_t count);
logits_status logits_sigmoid_backward_ex_f16(const logits_f16 *y, const logits_f16 *dy,
                                             logits_f16 *dx, size_t count,
                                             logits_precision precision);
logits_status logits_sigmoid_backward_ex_bf16(const logits_bf16 *y, const logits_bf16 *dy,
                                              logits_bf16 *dx, size_t count,
                                              logits_precision precision);
logits_status logits_log_sigmoid_backward_f16(const logits_f16 *y, const logits_f16 *dy,
                                              logits_f16 *dx, size_t count);
logits_status logits_log_sigmoid_backward_bf16(const logits_bf16 *y, const logits_bf16 *dy,
                                               logits_bf16 *dx, size_t count);
logits_status logits_log_sigmoid_backward_ex_f16(const logits_f16 *y, const logits_f16 *dy,
                                                 logits_f16 *dx, size_t count,
                                                 logits_precision precision);
logits_status logits_log_sigmoid_backward_ex_bf16(const logits_bf16 *y, const logits_bf16 *dy,
                                                  logits_bf16 *dx, size_t count,
                                                  logits_precision precision);
logits_status logits_softplus_backward_f16(const logits_f16 *y, const logits_f16 *dy,
                                           logits_f16 *dx, size_t count);
logits_status logits_softplus_backward_bf16(const logits_bf16 *y, const logits_bf16 *dy,
                                            logits_bf16 *dx, size_t count);
logits_status logits_softplus_backward_ex_f16(const logits_f16 *y, const logits_f16 *dy,
                                              logits_f16 *dx, size_t count,
                                              logits_precision precision);
logits_status logits_softplus_backward_ex_bf16(const logits_bf16 *y, const logits_bf16 *dy,
                                               logits_bf16 *dx, size_t count,
                                               logits_precision precision);

/* ------------------------------------------------------------------------ */
/* Losses: options                                                          */
/* ------------------------------------------------------------------------ */

/* How a loss is reduced over samples. Passed as a plain integer and checked:
 * any other value returns LOGITS_ERROR_INVALID_ARGUMENT. */
#define LOGITS_REDUCTION_NONE 0 /* one loss per sample                        */
#define LOGITS_REDUCTION_MEAN 1 /* the weighted mean (see each loss)          */
#define LOGITS_REDUCTION_SUM  2 /* the sum of the per-sample losses           */

/* Options of the categorical cross-entropy. Always fill one with
 * logits_ce_options_init() first and then change fields: new fields may be
 * added at the end in later versions, and struct_size tells the library which
 * version the caller was compiled against. */
typedef struct logits_ce_options {
    uint32_t struct_size;     /* sizeof(logits_ce_options); set by init. A size
                                 this library does not know (from a header of
                                 another version, or an unset struct) is
                                 LOGITS_ERROR_INVALID_ARGUMENT. */
    int32_t reduction;        /* LOGITS_REDUCTION_*; default MEAN */
    int32_t from_logits;      /* 1 (default): input holds logits; 0: input
                                 holds probabilities (Keras semantics below) */
    int32_t has_ignore_index; /* 0 (default) or 1: samples whose label equals
                                 ignore_index add nothing (labels only) */
    int64_t ignore_index;     /* default -100 (PyTorch's value), used only when
                                 has_ignore_index is 1 */
    double label_smoothing;   /* epsilon in [0, 1]; default 0 */
    double temperature;       /* T: finite and > 0; logits are divided by it;
                                 default 1 (must be 1 when from_logits is 0) */
    double eps;               /* clipping of probabilities, in (0, 0.5);
                                 default 1e-7 (used when from_logits is 0) */
    logits_precision precision; /* LOGITS_PRECISION_*; default DEFAULT (since
                                 0.3: a 0.2 struct, without this field, is
                                 still accepted and uses the default) */
} logits_ce_options;

/* Options of the binary (multi-label) cross-entropy; same rules as above. */
typedef struct logits_bce_options {
    uint32_t struct_size;     /* sizeof(logits_bce_options); set by init */
    int32_t reduction;        /* LOGITS_REDUCTION_*; default MEAN */
    int32_t from_logits;      /* 1 (default): logits; 0: probabilities */
    int32_t has_alpha;        /* 0 (default) or 1: focal alpha is used */
    double label_smoothing;   /* epsilon in [0, 1]; targets become
                                 y (1 - epsilon) + epsilon / 2; default 0 */
    double gamma;             /* focal gamma >= 0; 0 (default) is plain BCE */
    double alpha;             /* focal alpha in [0, 1] when has_alpha is 1 */
    double eps;               /* clipping of probabilities, in (0, 0.5);
                                 default 1e-7 (used when from_logits is 0) */
    logits_precision precision; /* LOGITS_PRECISION_*; default DEFAULT (the
                                 binary loss computes the same in both) */
} logits_bce_options;

/* Fill *options with the defaults listed above. NULL is ignored. */
void logits_ce_options_init(logits_ce_options *options);
void logits_bce_options_init(logits_bce_options *options);

/* ------------------------------------------------------------------------ */
/* Categorical cross-entropy (softmax over mutually exclusive classes)       */
/* ------------------------------------------------------------------------ */

/* Cross-entropy between the softmax of each sample's scores and its target.
 *
 * Layout: input is outer x classes x inner, C-contiguous, classes along the
 * middle axis (rows x classes is outer = rows, inner = 1; PyTorch's N x C x d
 * is outer = N, inner = d). A sample is one (o, i) pair: there are
 * outer x inner samples.
 *
 * Targets:
 *   _labels_  labels: outer x inner int64 class indices. A label outside
 *             [0, classes) that is not the ignore index returns
 *             LOGITS_ERROR_LABEL_OUT_OF_RANGE (nothing written).
 *   _soft_    target: soft targets of the input's shape, each >= 0 and finite
 *             (else LOGITS_ERROR_INVALID_ARGUMENT); rows need not sum to 1.
 *
 * Per sample, with T the temperature, epsilon the label smoothing, C the
 * number of classes, w the class weights (all 1 when class_weight is NULL):
 *   q_c      = (1 - epsilon) t_c + epsilon / C, where t is the one-hot label
 *              or the soft target row;
 *   log p_c  = from logits: log_softmax(x / T)_c;
 *              from probabilities (Keras): log(clip(x_c / sum_k x_k, eps, 1 - eps));
 *   loss     = -sum_c w_c q_c log p_c   (a term with q_c w_c = 0 counts 0, even
 *              where log p_c = -inf).
 * This is PyTorch's nn.CrossEntropyLoss (weights, ignore_index,
 * label_smoothing) for logits and Keras' categorical_crossentropy for
 * probabilities.
 * Reduction: NONE writes outer x inner losses (ignored samples: 0). SUM
 * writes their sum. MEAN writes sum / D with D = the sum of w[label] over
 * samples not ignored (labels, PyTorch) or D = the number of samples (soft
 * targets, PyTorch); when D is 0 (every sample ignored, or no samples) the
 * loss is 0 and the gradient is 0.
 *
 * Gradient: if grad is not NULL it receives d(loss)/d(input), input-shaped,
 * for the reduced loss (for NONE: of the sum of the per-sample losses). From
 * logits: (p_c sum_k w_k q_k - w_c q_c) / T / D per sample (0 for ignored
 * samples). From probabilities: the derivative through the renormalisation
 * and the clip (zero where the clip is active). grad may equal input (the
 * gradient overwrites the logits: no extra memory); any other overlap with
 * an input returns LOGITS_ERROR_OVERLAP.
 *
 *   class_weight  NULL or classes weights, each finite and >= 0.
 *   loss          outer x inner values (NONE) or 1 value (MEAN, SUM).
 *   options       NULL means the defaults.
 * Probabilities (from_logits = 0): every input must be finite and >= 0 and
 * every sample's sum > 0, else LOGITS_ERROR_INVALID_ARGUMENT (you probably
 * meant from_logits = 1); a sample not summing to 1 is renormalised (Keras).
 * Special values from logits: a -inf logit where q_c w_c = 0 gives a finite
 * loss; a -inf logit on the true class gives +inf; a NaN input makes its
 * sample's loss and gradient NaN, other samples unaffected. Classes == 0 with
 * samples present returns LOGITS_ERROR_INVALID_ARGUMENT.
 * Errors: LOGITS_ERROR_NULL_POINTER, LOGITS_ERROR_SIZE_OVERFLOW,
 *   LOGITS_ERROR_OVERLAP, LOGITS_ERROR_LABEL_OUT_OF_RANGE,
 *   LOGITS_ERROR_INVALID_ARGUMENT (options out of range, unknown reduction,
 *   negative weights, bad targets or probabilities).
 * Thread-safe. Accuracy: exact precision and float64 computed in double,
 * rounded once per output; fast float32 from logits with float32-lane
 * exponentials (options->precision).
 * Bound (abi/operations.h, measured in ACCURACY.md): per sample, from logits float32 fast 1e-6,
 *   exact 1.2e-7 relative, float64 1e-15 relative to max(|loss|, |max_c x_c / T|);
 *   from probabilities float32 1e-6 (fast), 1.2e-7 (exact), float64 1e-14 relative. */
logits_status logits_cross_entropy_labels_f32(
    const float *input, const int64_t *labels, const float *class_weight,
    float *loss, float *grad, size_t outer, size_t classes, size_t inner,
    const logits_ce_options *options);
logits_status logits_cross_entropy_labels_f64(
    const double *input, const int64_t *labels, const double *class_weight,
    double *loss, double *grad, size_t outer, size_t classes, size_t inner,
    const logits_ce_options *options);
logits_status logits_cross_entropy_soft_f32(
    const float *input, const float *target, const float *class_weight,
    float *loss, float *grad, size_t outer, size_t classes, size_t inner,
    const logits_ce_options *options);
logits_status logits_cross_entropy_soft_f64(
    const double *input, const double *target, const double *class_weight,
    double *loss, double *grad, size_t outer, size_t classes, size_t inner,
    const logits_ce_options *options);

/* The 16-bit forms (logits_f16, logits_bf16: see "16-bit storage"): input,
 * soft targets and grad in the format; labels, class_weight, options and
 * loss as for float32 (the losses are float32 values: no 16-bit rounding
 * of a loss). The checks run over the whole call first (nothing written on
 * an error); then blocks of whole samples are widened to float32 (at most
 * 2^18 floats: whole outer slices, or columns of one, or one contiguous
 * slice: no float32 copy of the whole array; a block's samples go to the
 * library's threads), the
 * float32 kernels of the precision chosen run on them with the whole call's
 * divisor D, the blocks' sums are added in order (compensated, in double),
 * and each gradient value is rounded once to the format; grad may equal
 * input (the gradient overwrites the logits).
 * Bound: the loss 1e-6 relative (both precisions) of the float64 loss of the
 *   16-bit inputs; the gradient 0.51 ulp of the format of the float64
 *   gradient (plus the float32 kernel's error: see the float32 forms). */
logits_status logits_cross_entropy_labels_f16(
    const logits_f16 *input, const int64_t *labels, const float *class_weight,
    float *loss, logits_f16 *grad, size_t outer, size_t classes, size_t inner,
    const logits_ce_options *options);
logits_status logits_cross_entropy_labels_bf16(
    const logits_bf16 *input, const int64_t *labels, const float *class_weight,
    float *loss, logits_bf16 *grad, size_t outer, size_t classes, size_t inner,
    const logits_ce_options *options);
logits_status logits_cross_entropy_soft_f16(
    const logits_f16 *input, const logits_f16 *target, const float *class_weight,
    float *loss, logits_f16 *grad, size_t outer, size_t classes, size_t inner,
    const logits_ce_options *options);
logits_status logits_cross_entropy_soft_bf16(
    const logits_bf16 *input, const logits_bf16 *target, const float *class_weight,
    float *loss, logits_bf16 *grad, size_t outer, size_t classes, size_t inner,
    const logits_ce_options *options);

/* ------------------------------------------------------------------------ */
/* Binary cross-entropy (sigmoid, independent labels), with focal loss      */
/* ------------------------------------------------------------------------ */

/* Elementwise binary cross-entropy of rows x classes scores against targets
 * in [0, 1] (soft targets allowed), for multi-label problems.
 *
 * Per element, with y' = y (1 - epsilon) + epsilon / 2 (Keras' binary label
 * smoothing), pw = pos_weight[class] (1 when NULL), w = weight[element] (1
 * when NULL):
 *   from logits (PyTorch BCEWithLogitsLoss):
 *       bce = w ((1 - y') x - (1 + (pw - 1) y') log_sigmoid(x))
 *   from probabilities (Keras), p = clip(x, eps, 1 - eps):
 *       bce = -w (pw y' log p + (1 - y') log(1 - p))
 *   focal (gamma > 0 or has_alpha), with p = sigmoid(x) or the clipped
 *   probability and p_t = p y' + (1 - p)(1 - y'):
 *       loss = a_t (1 - p_t)^gamma bce,  a_t = alpha y' + (1 - alpha)(1 - y')
 *       (a_t = 1 without alpha), with log(1 - p_t) computed stably from
 *       log_sigmoid; gamma = 0 without alpha is exactly bce.
 * Reduction: NONE writes rows x classes losses; SUM their sum; MEAN the sum
 * divided by rows x classes (PyTorch; weights do not change the divisor),
 * and 0 when there are no elements.
 * Gradient: if grad is not NULL, d(loss)/d(input) of the reduced loss (for
 * NONE, of the sum), input-shaped. grad may equal input; other overlaps
 * return LOGITS_ERROR_OVERLAP. From probabilities the gradient is zero where
 * the clip is active.
 *   target      rows x classes, each in [0, 1] (else INVALID_ARGUMENT).
 *   pos_weight  NULL or classes values, finite and >= 0, broadcast over rows.
 *   weight      NULL or rows x classes values, finite and >= 0.
 *   options     NULL means the defaults.
 * Probabilities (from_logits = 0) must be in [0, 1] (else INVALID_ARGUMENT).
 * A NaN input gives NaN for that element (and the reduced loss).
 * Errors: as the categorical loss, without LABEL_OUT_OF_RANGE. Thread-safe.
 * Bound (abi/operations.h, measured in ACCURACY.md): per element, float32 fast 1e-6, exact
 *   1.2e-7, float64 1e-14 relative. */
logits_status logits_binary_cross_entropy_f32(
    const float *input, const float *target, const float *pos_weight,
    const float *weight, float *loss, float *grad, size_t rows, size_t classes,
    const logits_bce_options *options);
logits_status logits_binary_cross_entropy_f64(
    const double *input, const double *target, const double *pos_weight,
    const double *weight, double *loss, double *grad, size_t rows, size_t classes,
    const logits_bce_options *options);

/* The 16-bit forms: input, target and grad in the format (logits_f16,
 * logits_bf16); pos_weight, weight, options and loss as for float32. Each
 * element's loss and gradient are the float32 function's on the widened
 * values; the gradient is rounded to float32, then once to the format. The
 * checks run first over the whole call (nothing written on an error).
 * Bound: the loss 1e-6 relative (both precisions); the gradient 0.51 ulp of
 *   the format. */
logits_status logits_binary_cross_entropy_f16(
    const logits_f16 *input, const logits_f16 *target, const float *pos_weight,
    const float *weight, float *loss, logits_f16 *grad, size_t rows, size_t classes,
    const logits_bce_options *options);
logits_status logits_binary_cross_entropy_bf16(
    const logits_bf16 *input, const logits_bf16 *target, const float *pos_weight,
    const float *weight, float *loss, logits_bf16 *grad, size_t rows, size_t classes,
    const logits_bce_options *options);

/* ------------------------------------------------------------------------ */
/* Sampling, top-k and argmax                                               */
/* ------------------------------------------------------------------------ */

/* The order of the sampler's steps (a plain integer, checked). */
#define LOGITS_SAMPLER_ORDER_TRANSFORMERS 0 /* penalties, bias, temperature, top-k,
                                               top-p, min-p (Hugging Face
                                               transformers' generate) */
#define LOGITS_SAMPLER_ORDER_LLAMA_CPP    1 /* penalties, bias, top-k, top-p, min-p,
                                               temperature last (llama.cpp's
                                               default chain) */

/* Options of the sampler. Fill one with logits_sampler_options_init() and
 * change fields (struct_size as in logits_ce_options). The caller's arrays
 * (history, counts, bias) are read during the call only. */
typedef struct logits_sampler_options {
    uint32_t struct_size;        /* sizeof(logits_sampler_options); set by init */
    int32_t order;               /* LOGITS_SAMPLER_ORDER_*; default TRANSFORMERS */
    double temperature;          /* finite, >= 0; default 1. 0 is greedy: the
                                    arg max after penalties and bias, lowest
                                    index on ties, the filters unused */
    int64_t top_k;               /* >= 0; 0 (default) or >= vocab: off */
    double top_p;                /* in (0, 1]; 1 (default): off */
    double min_p;                /* in [0, 1); 0 (default): off */
    double repetition_penalty;   /* finite, > 0; 1 (default): off */
    double presence_penalty;     /* finite; 0 (default): off */
    double frequency_penalty;    /* finite; 0 (default): off */
    const int64_t *history;      /* NULL (default) or rows x history_len token
                                    ids the penalties read, row r at
                                    history + r * history_len; each in
                                    [0, vocab) or -1 (padding, skipped) */
    size_t history_len;          /* default 0 */
    const int32_t *history_counts; /* NULL (default) or rows x vocab counts
                                    (>= 0) of each token, instead of history */
    const int64_t *bias_ids;     /* NULL (default) or n_bias token ids in
                                    [0, vocab), the same for every row */
    const double *bias_values;   /* n_bias values added to those logits; not
                                    NaN; -inf bans a token, +inf forces it */
    size_t n_bias;               /* default 0 */
    uint64_t seed;               /* default 0 */
} logits_sampler_options;

/* Fill *options with the defaults listed above. NULL is ignored. */
void logits_sampler_options_init(logits_sampler_options *options);

/* One token per row of `logits` (rows x vocab, C-contiguous), drawn from
 * the distribution the options make of the row.
 *
 * Steps, for row r with logits x (computed in double; a float32 row's
 * penalised values are rounded to float32 once, as a framework working in
 * float32 would hold them):
 *   penalties  for each token t seen in the row's history, c times:
 *              x_t / repetition_penalty if x_t > 0, else x_t *
 *              repetition_penalty (CTRL, transformers, llama.cpp; once per
 *              token whatever c), then x_t -= c * frequency_penalty +
 *              presence_penalty (OpenAI, vLLM, llama.cpp).
 *   bias       x_t += bias_values[j] for t = bias_ids[j], in order (an
 *              infinite value sets x_t to it).
 *   Then, with M the row's maximum, z = x - M, and T the temperature:
 *   temperature  z / T (transformers order: before the filters; llama.cpp
 *              order: the filters read z, and z / T is applied to what
 *              they keep).
 *   top-k      keeps every token whose value is at least the k-th largest:
 *              ties at the k-th value are all kept (transformers'
 *              TopKLogitsWarper; llama.cpp keeps exactly k).
 *   top-p      keeps the smallest set of most probable tokens whose
 *              probability (renormalised over what top-k kept) reaches
 *              top_p, in descending probability, ties by lower index: the
 *              token that crosses top_p is kept (transformers'
 *              TopPLogitsWarper, llama.cpp).
 *   min-p      keeps the tokens whose probability is at least min_p times
 *              the most probable token's (transformers' MinPLogitsWarper,
 *              llama.cpp).
 *   The most probable token always survives. The draw: the survivors in
 *   index order, weights q_t = exp(z_t / T); the first token whose running
 *   sum of weights exceeds u * sum(q) is chosen.
 * Special values: +inf logits take all the mass, shared equally (the limit
 * of softmax); -inf logits are never chosen; a NaN logit is an error.
 *
 * Randomness: u is Philox4x32-10 (Random123; PyTorch, JAX and cuRAND use
 * it) of counter (r mod 2^32, r div 2^32, 0, 0) under key (seed mod 2^32,
 * seed div 2^32); its first two output words w0, w1 give
 * u = (((w0 << 32) | w1) >> 11) * 2^-53. The token therefore depends only on
 * the row, the options and the seed: the same for every thread count, CPU
 * and run (the arithmetic that decides it is plain IEEE float and double,
 * no FMA, no libm: each CPU level's copy computes the same bits).
 * logits_sample_from_uniform_* takes u from uniform[r] instead.
 *
 * Outputs: tokens[r] (int64, rows). If not NULL, logprobs[r] = the chosen
 * token's log-probability under the final distribution (0 for greedy), and
 * raw_logprobs[r] = under softmax of the unmodified row (-inf when the row
 * is all -inf and the bias chose). Outputs must not overlap any input or
 * each other (LOGITS_ERROR_OVERLAP).
 *
 * Errors (nothing written): LOGITS_ERROR_NULL_POINTER (logits or tokens, or
 * an array whose count is not 0); LOGITS_ERROR_SIZE_OVERFLOW;
 * LOGITS_ERROR_INVALID_ARGUMENT for an option outside its domain, a wrong
 * struct_size or order, history and history_counts both given, vocab 0 when
 * rows > 0, a history id, count, bias id or bias value outside its domain, a
 * uniform outside [0, 1), a NaN logit, or a row with nothing left to sample
 * (every logit -inf after penalties and bias);
 * logits_last_error_message() names the row or position.
 * LOGITS_ERROR_OUT_OF_MEMORY if the scratch (about 48 bytes per vocab entry
 * for float32 and 16-bit logits, 56 for float64, per thread in use) cannot
 * be allocated. rows = 0 is a no-op. options NULL means the defaults.
 * Accuracy: the weights exp((x - M) / T) are, for float32 and 16-bit
 * logits, a float32 exp of an argument formed in double with its rounding
 * error carried (each weight within about 1.2e-7 relative whatever x - M;
 * below exp(-104) a weight is 0), for float64 logits a double exp (within
 * a few ulp); they are added in double. The log-probabilities, rounded once to T, match
 * a float64 sorting reference of the frameworks' formulas to 1e-6 relative
 * in probability, plus the output's own rounding (a float32 log-probability
 * holds exp(lp) to |lp| 2^-24 relative: 2e-6 in all at lp = -16), and each
 * drawn token is that
 * reference's inverse-CDF token for its uniform, but for a uniform within
 * 1e-6 (float32) of a boundary between two tokens (Tests/python/
 * test_sampling.py, Tests/c/test_sampling.c). No filter sorts the row: see
 * the README's "Sampling" section for the passes each setting costs. The
 * precision setting does not apply. Thread-safe; a large call spreads its
 * rows over the library's threads (logits_set_num_threads), with the same
 * tokens for any thread count. */
logits_status logits_sample_f32(const float *logits, int64_t *tokens, float *logprobs,
                                float *raw_logprobs, size_t rows, size_t vocab,
                                const logits_sampler_options *options);
logits_status logits_sample_f64(const double *logits, int64_t *tokens, double *logprobs,
                                double *raw_logprobs, size_t rows, size_t vocab,
                                const logits_sampler_options *options);

/* As logits_sample_*, with the uniform number of row r taken from
 * uniform[r] (rows values, each in [0, 1)) instead of the seed. */
logits_status logits_sample_from_uniform_f32(const float *logits, const double *uniform,
                                             int64_t *tokens, float *logprobs,
                                             float *raw_logprobs, size_t rows, size_t vocab,
                                             const logits_sampler_options *options);
logits_status logits_sample_from_uniform_f64(const double *logits, const double *uniform,
                                             int64_t *tokens, double *logprobs,
                                             double *raw_logprobs, size_t rows, size_t vocab,
                                             const logits_sampler_options *options);

/* The k largest elements of each row of x (rows x cols): values and indices
 * (each rows x k), largest first, ties to the lower index (torch.topk's
 * values with a stable order; NaN ranks above +inf; -0 equals +0). Found by
 * a partial selection (a threshold scan and radix select), not a sort of
 * the row. k = 0 or rows = 0 writes nothing; k > cols is
 * LOGITS_ERROR_INVALID_ARGUMENT; outputs must not overlap x or each other
 * (LOGITS_ERROR_OVERLAP); LOGITS_ERROR_OUT_OF_MEMORY if the scratch (16
 * bytes per column) cannot be had. Exact (values are copied). Thread-safe. */
logits_status logits_top_k_f32(const float *x, float *values, int64_t *indices, size_t rows,
                               size_t cols, size_t k);
logits_status logits_top_k_f64(const double *x, double *values, int64_t *indices, size_t rows,
                               size_t cols, size_t k);

/* The index of the largest element of each row of x (rows x cols) into
 * indices (rows): the lowest index on ties, the first NaN if the row has one
 * (numpy.argmax). cols = 0 with rows > 0 is LOGITS_ERROR_INVALID_ARGUMENT;
 * indices must not overlap x. Exact. Thread-safe. */
logits_status logits_argmax_f32(const float *x, int64_t *indices, size_t rows, size_t cols);
logits_status logits_argmax_f64(const double *x, int64_t *indices, size_t rows, size_t cols);

/* The 16-bit forms (logits_f16, logits_bf16: see "16-bit storage"): the
 * logits in the format, log-probabilities float32, top-k values the rows'
 * own 16-bit values. Blocks of whole rows (at most 2^18 values, or one row;
 * a block's rows go to the library's threads)
 * are widened exactly to float32 and the float32 code runs on them with the
 * call's row numbers, so a row's token is the float32 function's on the
 * same values (history, counts, uniforms and the Philox draw of (seed, row)
 * alike); the checks run first over the whole call, and nothing is written
 * before every row is sampled. */
logits_status logits_sample_f16(const logits_f16 *logits, int64_t *tokens, float *logprobs,
                                float *raw_logprobs, size_t rows, size_t vocab,
                                const logits_sampler_options *options);
logits_status logits_sample_bf16(const logits_bf16 *logits, int64_t *tokens, float *logprobs,
                                 float *raw_logprobs, size_t rows, size_t vocab,
                                 const logits_sampler_options *options);
logits_status logits_sample_from_uniform_f16(const logits_f16 *logits, const double *uniform,
                                             int64_t *tokens, float *logprobs,
                                             float *raw_logprobs, size_t rows, size_t vocab,
                                             const logits_sampler_options *options);
logits_status logits_sample_from_uniform_bf16(const logits_bf16 *logits, const double *uniform,
                                              int64_t *tokens, float *logprobs,
                                              float *raw_logprobs, size_t rows, size_t vocab,
                                              const logits_sampler_options *options);
logits_status logits_top_k_f16(const logits_f16 *x, logits_f16 *values, int64_t *indices,
                               size_t rows, size_t cols, size_t k);
logits_status logits_top_k_bf16(const logits_bf16 *x, logits_bf16 *values, int64_t *indices,
                                size_t rows, size_t cols, size_t k);
logits_status logits_argmax_f16(const logits_f16 *x, int64_t *indices, size_t rows, size_t cols);
logits_status logits_argmax_bf16(const logits_bf16 *x, int64_t *indices, size_t rows, size_t cols);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LOGITS_H */
