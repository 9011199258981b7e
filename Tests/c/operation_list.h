/*
 * operation_list.h: the operation list (abi/operations.h) as data for the C
 * tests, so that each test can check that it covers every listed operation
 * and type: a function added to the list and forgotten by a test fails that
 * test (list_missing prints what is missing).
 */
#ifndef LOGITS_TEST_OPERATION_LIST_H
#define LOGITS_TEST_OPERATION_LIST_H

#include <stdio.h>
#include <string.h>

#include "logits.h"

typedef struct {
    const char *name;     /* logits_<name>_<suffix> */
    const char *kind;     /* ROW_FWD, AXIS_FWD, EW, ... */
    const char *function; /* the function it computes */
} list_op_t;

#define LOGITS_OP(name, kind, function) {#name, #kind, #function},
static const list_op_t LIST_OPS[] = {
#include "operations.h"
};
#define N_LIST_OPS (sizeof LIST_OPS / sizeof LIST_OPS[0])

#define LOGITS_TYPE(suffix, ctype, numpy) #suffix,
static const char *const LIST_TYPES[] = {
#include "operations.h"
};
#define N_LIST_TYPES (sizeof LIST_TYPES / sizeof LIST_TYPES[0])

typedef struct {
    const char *contract, *suffix, *metric;
    double bound;
} list_bound_t;

#define LOGITS_BOUND(contract, suffix, metric, bound, measured) {#contract, #suffix, #metric, bound},
static const list_bound_t LIST_BOUNDS[] = {
#include "operations.h"
};
#define N_LIST_BOUNDS (sizeof LIST_BOUNDS / sizeof LIST_BOUNDS[0])

#define LOGITS_FAST_BOUND(contract, metric, bound, measured) {#contract, "f32", #metric, bound},
static const list_bound_t LIST_FAST_BOUNDS[] = {
#include "operations.h"
};
#define N_LIST_FAST_BOUNDS (sizeof LIST_FAST_BOUNDS / sizeof LIST_FAST_BOUNDS[0])

/* The bound of `contract` in type `suffix` (abi/operations.h) in the
 * precision the plain names use now (logits_get_precision: the test
 * programs run once with LOGITS_PRECISION=fast and once with exact); -1 if
 * the list has none (a test then fails loudly rather than passing loosely). */
static inline double list_bound(const char *contract, const char *suffix)
{
    size_t i;
    if (logits_get_precision() == LOGITS_PRECISION_FAST)
        for (i = 0; i < N_LIST_FAST_BOUNDS; i++)
            if (strcmp(LIST_FAST_BOUNDS[i].contract, contract) == 0 && strcmp(LIST_FAST_BOUNDS[i].suffix, suffix) == 0)
                return LIST_FAST_BOUNDS[i].bound;
    for (i = 0; i < N_LIST_BOUNDS; i++)
        if (strcmp(LIST_BOUNDS[i].contract, contract) == 0 && strcmp(LIST_BOUNDS[i].suffix, suffix) == 0)
            return LIST_BOUNDS[i].bound;
    return -1;
}

/* Whether `s` starts with `prefix` followed by the end or a space. */
static inline int list_name_is(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(s, prefix, n) == 0 && (s[n] == 0 || s[n] == ' ');
}

/* The number of list entries (operation x type, "<name>_<suffix>", of the
 * kinds in `kinds`, a space-separated list or NULL for all) that no name in
 * names[0..n) covers; each is printed on stderr, prefixed by `who`. */
static inline int list_missing(const char *who, const char *const *names, size_t n,
                               const char *kinds)
{
    size_t i, j, k;
    int missing = 0;
    char want[128];
    for (i = 0; i < N_LIST_OPS; i++) {
        if (kinds) { /* whole words only */
            const char *at = strstr(kinds, LIST_OPS[i].kind);
            size_t len = strlen(LIST_OPS[i].kind);
            while (at && !((at == kinds || at[-1] == ' ') && (at[len] == 0 || at[len] == ' ')))
                at = strstr(at + 1, LIST_OPS[i].kind);
            if (!at) continue;
        }
        for (j = 0; j < N_LIST_TYPES; j++) {
            snprintf(want, sizeof want, "%s_%s", LIST_OPS[i].name, LIST_TYPES[j]);
            for (k = 0; k < n; k++)
                if (list_name_is(names[k], want)) break;
            if (k == n) {
                fprintf(stderr, "%s: no test of %s, which abi/operations.h lists\n", who, want);
                missing++;
            }
        }
    }
    return missing;
}

#endif
