/* XNNPACK (Debian's libxnnpack-dev) through its operator API: softmax_nc_f32
 * and sigmoid_nc_f32 (this version has no log-softmax, no float64 and no
 * cross-entropy). Single thread: no thread pool; default: a pthreadpool with
 * one thread per CPU (pthreadpool_create(0)). */
#include <stdio.h>
#include <pthreadpool.h>
#include <xnnpack.h>
#include "peer.h"

static char message[256];
const char *peer_message(void) { return message; }
const char *peer_version(void) { return "XNNPACK (Debian libxnnpack-dev)"; }

typedef struct { xnn_operator_t op; pthreadpool_t pool; } xstate;
static xstate st;

int peer_prepare(bench_args *a) {
    if (a->dtype != DT_F32 || (a->op != OP_SOFTMAX && a->op != OP_SIGMOID)) return 1;
    enum xnn_status s = xnn_initialize(NULL);
    if (s != xnn_status_success) { snprintf(message, sizeof message, "xnn_initialize: %d", (int)s); return -1; }
    st.pool = a->threads == 1 ? NULL : pthreadpool_create(0);
    size_t ch = a->cols;
    s = a->op == OP_SOFTMAX ? xnn_create_softmax_nc_f32(ch, ch, ch, 0, &st.op)
                            : xnn_create_sigmoid_nc_f32(ch, ch, ch, 0, &st.op);
    if (s != xnn_status_success) { snprintf(message, sizeof message, "xnn_create: %d", (int)s); return -1; }
    s = a->op == OP_SOFTMAX ? xnn_setup_softmax_nc_f32(st.op, a->rows, a->x, a->y, st.pool)
                            : xnn_setup_sigmoid_nc_f32(st.op, a->rows, a->x, a->y, st.pool);
    if (s != xnn_status_success) { snprintf(message, sizeof message, "xnn_setup: %d", (int)s); return -1; }
    snprintf(message, sizeof message, "threads=%zu", st.pool ? pthreadpool_get_threads_count(st.pool) : (size_t)1);
    a->state = &st;
    return 0;
}

int peer_call(bench_args *a) {
    xstate *x = a->state;
    return xnn_run_operator(x->op, x->pool) == xnn_status_success ? 0 : 1;
}

void peer_release(bench_args *a) {
    xstate *x = a->state;
    if (!x) return;
    xnn_delete_operator(x->op);
    if (x->pool) pthreadpool_destroy(x->pool);
    a->state = NULL;
}
