/* process.c: what the process around the library needs from C: the fork
 * handlers' registration, the register state the OS has enabled (XCR0), a
 * store fence for the streaming stores, and the version string of the header
 * (logits_shims.h). */
#include "logits_shims.h"

#include "logits.h"

#include <pthread.h>

/* Set by the first call (the handlers are the same in every call). */
static void (*fork_prepare)(void), (*fork_parent)(void), (*fork_child)(void);
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

static void register_fork_handlers(void)
{
    pthread_atfork(fork_prepare, fork_parent, fork_child);
}

void lgt_shims_atfork_once(void (*prepare)(void), void (*parent)(void), void (*child)(void))
{
    if (!fork_prepare) {
        fork_prepare = prepare;
        fork_parent = parent;
        fork_child = child;
    }
    pthread_once(&fork_once, register_fork_handlers);
}

uint64_t lgt_shims_xcr0(void)
{
#if defined(__x86_64__) || defined(__i386__)
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
#else
    return 0;
#endif
}

void lgt_shims_store_fence(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ volatile("sfence" ::: "memory");
#endif
}

const char *lgt_shims_version_string(void)
{
    return LOGITS_VERSION_STRING;
}

