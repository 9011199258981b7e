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
    const char *types;    /* ALL, or WIDE: float32 and float64 only */
} list_op_t;

#define LOGITS_OP(name, kind, function, types) {#name, #kind, #function, #types},
static const list_op_t LIST_OPS[] = {
#include "operations.h"
};
#define N_LIST_OPS (sizeof LIST_OPS / sizeof LIST_OPS[0])

typedef struct {
    const char *suffix, *ctype, *work; /* a 16-bit storage type when ctype != work */
} list_type_t;

#define LOGITS_TYPE(suffix, ctype, numpy, work) {#suffix, #ctype, #work},
static const list_type_t LIST_TYPES[] = {
#include "operations.h"
};
#define N_LIST_TYPES (sizeof LIST_TYPES / sizeof LIST_TYPES[0])

/* Whether logits_<op>_<type> exists (abi/operations.h: ALL or WIDE). */
static inline int list_has(const list_op_t *op, const list_type_t *t)
{
    return strcmp(op->types, "ALL") == 0 || strcmp(t->ctype, t->work) == 0;
}

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

/* Whether `word` is one of the space-separated words of `list` (NULL: all). */
static inline int list_word_in(const char *word, const char *list)
{
    size_t len = strlen(word);
    const char *at = list ? strstr(list, word) : NULL;
    if (!list) return 1;
    while (at && !((at == list || at[-1] == ' ') && (at[len] == 0 || at[len] == ' ')))
        at = strstr(at + 1, word);
    return at != NULL;
}

/* The number of list entries (operation x type, "<name>_<suffix>", of the
 * kinds in `kinds` and the type suffixes in `types`, space-separated lists
 * or NULL for all) that no name in names[0..n) covers; each is printed on
 * stderr, prefixed by `who`. */
static inline int list_missing_types(const char *who, const char *const *names, size_t n,
                                     const char *kinds, const char *types)
{
    size_t i, j, k;
    int missing = 0;
    char want[128];
    for (i = 0; i < N_LIST_OPS; i++) {
        if (!list_word_in(LIST_OPS[i].kind, kinds)) continue;
        for (j = 0; j < N_LIST_TYPES; j++) {
            if (!list_has(&LIST_OPS[i], &LIST_TYPES[j]) || !list_word_in(LIST_TYPES[j].suffix, types)) continue;
            snprintf(want, sizeof want, "%s_%s", LIST_OPS[i].name, LIST_TYPES[j].suffix);
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

/* list_missing_types over every type. */
static inline int list_missing(const char *who, const char *const *names, size_t n, const char *kinds)
{
    return list_missing_types(who, names, n, kinds, NULL);
}

#endif
