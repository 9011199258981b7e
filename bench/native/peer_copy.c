/* The memory floor: a copy of the same bytes (x -> y, rows x cols elements),
 * whatever the operation. Built twice: memcpy (peer "copy_memcpy") and an
 * AVX-512 streaming-store copy (peer "copy_stream", -DSTREAM: non-temporal
 * stores that skip the read-for-ownership of y). The report takes the faster
 * of the two as the floor row. */
#include <string.h>
#include "peer.h"
#ifdef STREAM
#include <immintrin.h>
#endif

const char *peer_message(void) {
#ifdef STREAM
    return "AVX-512 streaming-store copy (_mm512_stream_ps)";
#else
    return "memcpy (glibc)";
#endif
}
const char *peer_version(void) { return "gcc " __VERSION__; }
int peer_prepare(bench_args *a) { return a->threads == 1 ? 0 : 1; }
void peer_release(bench_args *a) { (void)a; }

int peer_call(bench_args *a) {
    size_t bytes = (size_t)a->rows * a->cols * (a->dtype == DT_F64 ? 8 : a->dtype == DT_F32 ? 4 : 2);
#ifdef STREAM
    const char *x = a->x;
    char *y = a->y;
    size_t i = 0;
    if (((uintptr_t)y & 63) == 0) {
        for (; i + 256 <= bytes; i += 256) {
            __m512 v0 = _mm512_loadu_ps(x + i), v1 = _mm512_loadu_ps(x + i + 64);
            __m512 v2 = _mm512_loadu_ps(x + i + 128), v3 = _mm512_loadu_ps(x + i + 192);
            _mm512_stream_ps((float *)(y + i), v0);
            _mm512_stream_ps((float *)(y + i + 64), v1);
            _mm512_stream_ps((float *)(y + i + 128), v2);
            _mm512_stream_ps((float *)(y + i + 192), v3);
        }
        _mm_sfence();
    }
    memcpy(y + i, x + i, bytes - i);
#else
    memcpy(a->y, a->x, bytes);
#endif
    return 0;
}
