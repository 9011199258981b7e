// oneDNN (Debian's libdnnl-dev, OpenMP build) as a peer: softmax_v2_forward
// (forward_inference) with softmax_accurate and softmax_log along axis 1 of a
// rows x cols f32 tensor, and eltwise_logistic for sigmoid. This oneDNN has
// no float64 and no cross-entropy. Threads: OMP_NUM_THREADS (set by the
// driver: 1 for the single-thread run, unset for the default).
#include <cstdio>
#include <exception>
#include <omp.h>
#include "oneapi/dnnl/dnnl.hpp"
extern "C" {
#include "peer.h"
}

namespace {
char message[256];
struct dstate {
    dnnl::engine eng{dnnl::engine::kind::cpu, 0};
    dnnl::stream strm{eng};
    dnnl::primitive prim;
    dnnl::memory src, dst;
};
}

extern "C" const char *peer_message(void) { return message; }
extern "C" const char *peer_version(void) {
    static char v[64];
    const dnnl_version_t *d = dnnl_version();
    std::snprintf(v, sizeof v, "oneDNN %d.%d.%d (%s)", d->major, d->minor, d->patch,
                  d->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" :
                  d->cpu_runtime == DNNL_RUNTIME_TBB ? "TBB" : "other runtime");
    return v;
}

extern "C" int peer_prepare(bench_args *a) {
    if (a->dtype != DT_F32 || a->op > OP_SIGMOID) return 1;
    try {
        auto *s = new dstate();
        using tag = dnnl::memory::format_tag;
        using dt = dnnl::memory::data_type;
        dnnl::memory::desc md({(dnnl::memory::dim)a->rows, (dnnl::memory::dim)a->cols}, dt::f32, tag::ab);
        s->src = dnnl::memory(md, s->eng, const_cast<void *>(a->x));
        s->dst = dnnl::memory(md, s->eng, a->y);
        if (a->op == OP_SIGMOID) {
            dnnl::eltwise_forward::desc d(dnnl::prop_kind::forward_inference,
                                          dnnl::algorithm::eltwise_logistic, md, 0.f, 0.f);
            s->prim = dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(d, s->eng));
        } else {
            auto alg = a->op == OP_SOFTMAX ? dnnl::algorithm::softmax_accurate : dnnl::algorithm::softmax_log;
            dnnl::softmax_v2_forward::desc d(dnnl::prop_kind::forward_inference, alg, md, md, 1);
            s->prim = dnnl::softmax_v2_forward(dnnl::softmax_v2_forward::primitive_desc(d, s->eng));
        }
        a->state = s;
        std::snprintf(message, sizeof message, "omp_get_max_threads=%d", omp_get_max_threads());
        return 0;
    } catch (const std::exception &e) {
        std::snprintf(message, sizeof message, "%s", e.what());
        return -1;
    }
}

extern "C" int peer_call(bench_args *a) {
    auto *s = static_cast<dstate *>(a->state);
    try {
        s->prim.execute(s->strm, {{DNNL_ARG_SRC, s->src}, {DNNL_ARG_DST, s->dst}});
        s->strm.wait();
        return 0;
    } catch (const std::exception &e) {
        std::snprintf(message, sizeof message, "%s", e.what());
        return 1;
    }
}

extern "C" void peer_release(bench_args *a) {
    delete static_cast<dstate *>(a->state);
    a->state = nullptr;
}
