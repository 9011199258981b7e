/*
 * demo.c: softmax or sigmoid? Logits from C in one page.
 *
 *   cc -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude bindings/c/demo.c \
 *      -Lbuild/lib -llogits -Wl,-rpath,"$PWD/build/lib" -o build/demo && ./build/demo
 */
#include <stdio.h>

#include "logits.h"

/* Every Logits function returns a status: LOGITS_OK, or an error code;
 * logits_last_error_message() says why this thread's last call was refused.
 * Nothing is written on error. */
static int ok(logits_status status, const char *what)
{
    if (status == LOGITS_OK) return 1;
    fprintf(stderr, "%s failed: %s (status %d)\n", what, logits_last_error_message(), (int)status);
    return 0;
}

int main(void)
{
    const double scores[3] = {1.0, 2.0, 3.0}; /* raw model outputs (logits) */
    double p[3], q[3];

    /* softmax along a row: 1 row of 3 columns */
    if (!ok(logits_softmax_f64(scores, p, 1, 3), "logits_softmax_f64")) return 1;
    printf("softmax([1, 2, 3]) = [%.4f, %.4f, %.4f]  (sums to %.4f)\n", p[0], p[1], p[2], p[0] + p[1] + p[2]);

    /* sigmoid, element by element: 3 values */
    if (!ok(logits_sigmoid_f64(scores, q, 3), "logits_sigmoid_f64")) return 1;
    printf("sigmoid([1, 2, 3]) = [%.4f, %.4f, %.4f]  (each in (0,1); sum %.4f, not 1)\n", q[0], q[1], q[2],
           q[0] + q[1] + q[2]);

    printf("\n"
           "Which one?\n"
           "  softmax: the classes are mutually exclusive, exactly one is true\n"
           "           (\"this digit is a 0, 1, ... or 9\"). The scores compete for\n"
           "           one unit of probability; raising one lowers the others.\n"
           "  sigmoid: each label is its own yes/no question, any number can be\n"
           "           true (multi-label: \"has a cat\", \"has a dog\", \"is outdoors\").\n"
           "           Each score becomes an independent probability.\n");
    return 0;
}
