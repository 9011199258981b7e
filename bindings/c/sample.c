/*
 * sample.c: choosing the next token from a row of logits with Logits.
 *
 * Build and run (after `make lib`), or just `make demo`:
 *   cc -std=c99 -Iinclude bindings/c/sample.c -Lbuild/lib -llogits \
 *      -Wl,-rpath,"$PWD/build/lib" -o build/sample && ./build/sample
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "logits.h"

static int ok(logits_status status, const char *what)
{
    if (status == LOGITS_OK) return 1;
    fprintf(stderr, "%s failed: %s (status %d)\n", what, logits_last_error_message(), (int)status);
    return 0;
}

int main(void)
{
    /* One row of logits over a vocabulary of 6 tokens. */
    const float logits[6] = {2.0f, 1.0f, 0.5f, 3.0f, -1.0f, 2.5f};
    const int64_t history[3] = {3, 3, -1}; /* tokens already generated (-1: padding) */
    logits_sampler_options o;
    int64_t token, top_ids[3];
    float logprob, raw, top_values[3];
    int draw;

    /* Greedy: temperature 0 takes the arg max. */
    logits_sampler_options_init(&o);
    o.temperature = 0;
    if (!ok(logits_sample_f32(logits, &token, NULL, NULL, 1, 6, &o), "logits_sample_f32")) return 1;
    printf("greedy:                         token %lld\n", (long long)token);

    /* The usual settings, in transformers' order: temperature, top-k, top-p. */
    logits_sampler_options_init(&o);
    o.temperature = 0.7;
    o.top_k = 3;
    o.top_p = 0.9;
    for (draw = 0; draw < 3; draw++) {
        o.seed = (uint64_t)draw; /* same seed, same token, on every machine */
        if (!ok(logits_sample_f32(logits, &token, &logprob, &raw, 1, 6, &o), "logits_sample_f32")) return 1;
        printf("T 0.7, top-k 3, top-p 0.9, seed %d: token %lld (log p = %.3f; %.3f before the filters)\n",
               draw, (long long)token, logprob, raw);
    }

    /* A repetition penalty on what was generated already, and a banned token. */
    {
        const int64_t banned[1] = {5};
        const double minus_inf[1] = {-INFINITY};
        o.temperature = 0;
        o.repetition_penalty = 2.0;
        o.history = history;
        o.history_len = 3;
        o.bias_ids = banned;
        o.bias_values = minus_inf;
        o.n_bias = 1;
        if (!ok(logits_sample_f32(logits, &token, NULL, NULL, 1, 6, &o), "logits_sample_f32")) return 1;
        printf("greedy, token 3 penalised, 5 banned: token %lld\n", (long long)token);
    }

    /* top-k on its own: the 3 largest, largest first. */
    if (!ok(logits_top_k_f32(logits, top_values, top_ids, 1, 6, 3), "logits_top_k_f32")) return 1;
    printf("top 3: ids %lld %lld %lld, values %.1f %.1f %.1f\n", (long long)top_ids[0], (long long)top_ids[1],
           (long long)top_ids[2], top_values[0], top_values[1], top_values[2]);
    return 0;
}
