/* errors.c: the calling thread's last refusal and its message (logits_shims.h). */
#include "logits_shims.h"

#include <math.h>
#include <stdio.h>

/* Thread-local: one record and one message buffer per thread, in the
 * default (dynamic) TLS model, so that loading liblogits with dlopen (ctypes)
 * never needs static TLS space. Only `failed` is touched on success. */
static _Thread_local int32_t failed;
static _Thread_local lgt_shims_refusal last;
static _Thread_local char message[320];

void lgt_shims_record(int32_t status, int32_t reason, int64_t position, int64_t label,
                         int64_t limit, int64_t inner, double value)
{
    last.inner = inner;
    last.status = status;
    last.reason = reason;
    last.position = position;
    last.label = label;
    last.limit = limit;
    last.value = value;
    failed = 1;
}

void lgt_shims_clear(void)
{
    failed = 0;
}

const char *lgt_shims_status_string(int32_t status)
{
    switch (status) {
    case 0: return "ok";
    case 1: return "null pointer: a required pointer was NULL";
    case 2: return "invalid argument: a value is outside its documented domain";
    case 3: return "size overflow: a size, product of sizes or byte count exceeds PTRDIFF_MAX";
    case 4: return "overlap: an output buffer partially overlaps an input buffer";
    case 5: return "label out of range: a class label is outside [0, classes) and is not the ignore index";
    case 6: return "out of memory: the scratch memory the call needs could not be allocated";
    default: return "unknown status";
    }
}

#define FROM_LOGITS_HINT "; are these logits? pass from_logits = true"

/* The rule a value broke, and the argument's name, for the value reasons. */
static int value_rule(int32_t reason, const char **what, const char **rule, const char **hint)
{
    *hint = "";
    switch (reason) {
    case LOGITS_REASON_CLASS_WEIGHT: *what = "class_weight"; *rule = "finite and >= 0"; return 1;
    case LOGITS_REASON_SOFT_TARGET: *what = "targets"; *rule = "finite and >= 0"; return 1;
    case LOGITS_REASON_POS_WEIGHT: *what = "pos_weight"; *rule = "finite and >= 0"; return 1;
    case LOGITS_REASON_ELEMENT_WEIGHT: *what = "weight"; *rule = "finite and >= 0"; return 1;
    case LOGITS_REASON_BINARY_TARGET: *what = "target"; *rule = "in [0, 1]"; return 1;
    case LOGITS_REASON_HISTORY_ID:
        *what = "history"; *rule = "a token id in [0, vocab) or -1 (padding)"; return 1;
    case LOGITS_REASON_HISTORY_COUNT: *what = "history_counts"; *rule = ">= 0"; return 1;
    case LOGITS_REASON_BIAS_ID: *what = "bias_ids"; *rule = "a token id in [0, vocab)"; return 1;
    case LOGITS_REASON_BIAS_VALUE: *what = "bias_values"; *rule = "a number (not NaN)"; return 1;
    case LOGITS_REASON_UNIFORM: *what = "uniform"; *rule = "in [0, 1)"; return 1;
    case LOGITS_REASON_BINARY_PROBABILITY:
        *what = "input"; *rule = "a probability in [0, 1]"; *hint = FROM_LOGITS_HINT; return 1;
    case LOGITS_REASON_PROBABILITY:
        *what = "input"; *rule = "a probability, finite and >= 0"; *hint = FROM_LOGITS_HINT; return 1;
    default: return 0;
    }
}

static const char *fixed_message(int32_t reason)
{
    switch (reason) {
    case LOGITS_REASON_TEMPERATURE: return "temperature must be finite and > 0";
    case LOGITS_REASON_TEMPERATURE_WITH_PROBABILITIES:
        return "temperature must be 1 when the input holds probabilities (from_logits = 0)";
    case LOGITS_REASON_LABEL_SMOOTHING: return "label_smoothing must be in [0, 1]";
    case LOGITS_REASON_EPS: return "eps must be in (0, 0.5)";
    case LOGITS_REASON_GAMMA: return "gamma must be finite and >= 0";
    case LOGITS_REASON_ALPHA: return "alpha must be in [0, 1]";
    case LOGITS_REASON_REDUCTION: return "reduction must be LOGITS_REDUCTION_NONE, _MEAN or _SUM";
    case LOGITS_REASON_FROM_LOGITS_FLAG: return "from_logits must be 0 or 1";
    case LOGITS_REASON_IGNORE_INDEX_FLAG: return "has_ignore_index must be 0 or 1";
    case LOGITS_REASON_ALPHA_FLAG: return "has_alpha must be 0 or 1";
    case LOGITS_REASON_CE_STRUCT_SIZE:
        return "options->struct_size is not this library's: fill the options with logits_ce_options_init";
    case LOGITS_REASON_BCE_STRUCT_SIZE:
        return "options->struct_size is not this library's: fill the options with logits_bce_options_init";
    case LOGITS_REASON_NO_CLASSES: return "classes must be > 0 when there are samples";
    case LOGITS_REASON_PRECISION:
        return "precision must be LOGITS_PRECISION_DEFAULT, _FAST or _EXACT (0, 1 or 2)";
    case LOGITS_REASON_SAMPLER_TEMPERATURE: return "temperature must be finite and >= 0 (0: greedy)";
    case LOGITS_REASON_TOP_K: return "top_k must be >= 0 (0: off)";
    case LOGITS_REASON_TOP_P: return "top_p must be in (0, 1] (1: off)";
    case LOGITS_REASON_MIN_P: return "min_p must be in [0, 1) (0: off)";
    case LOGITS_REASON_REPETITION_PENALTY: return "repetition_penalty must be finite and > 0 (1: off)";
    case LOGITS_REASON_ADDITIVE_PENALTY: return "presence_penalty and frequency_penalty must be finite";
    case LOGITS_REASON_SAMPLER_ORDER:
        return "order must be LOGITS_SAMPLER_ORDER_TRANSFORMERS or _LLAMA_CPP (0 or 1)";
    case LOGITS_REASON_SAMPLER_STRUCT_SIZE:
        return "options->struct_size is not this library's: fill the options with logits_sampler_options_init";
    case LOGITS_REASON_HISTORY_TWICE: return "pass the history as token ids or as counts, not both";
    case LOGITS_REASON_NO_VOCABULARY: return "the vocabulary (the length of each row) must be > 0 when there are rows";
    case LOGITS_REASON_TOP_K_COUNT: return "k must be at most the length of each row";
    default: return 0;
    }
}

/* The flat `position` as an index tuple: "(s,)" or "(s, i)" for a sample
 * (rank 1), "(r, c)" or "(o, c, i)" for a (samples, classes[, inner]) array
 * (rank 2), "(k,)" for a vector (rank 0). */
static void index_tuple(char *at, unsigned long size, const lgt_shims_refusal *r, int rank)
{
    long long p = (long long)r->position, n = r->limit > 0 ? r->limit : 1;
    long long in = r->inner > 0 ? r->inner : 1;
    if (rank == 1 && in > 1)
        snprintf(at, size, "(%lld, %lld)", p / in, p % in);
    else if (rank == 2 && in > 1)
        snprintf(at, size, "(%lld, %lld, %lld)", p / (n * in), p / in % n, p % in);
    else if (rank == 2)
        snprintf(at, size, "(%lld, %lld)", p / n, p % n);
    else
        snprintf(at, size, "(%lld,)", p);
}

const char *lgt_shims_format(const lgt_shims_refusal *r, char *buf, unsigned long size)
{
    char at[80];
    const char *what, *rule, *hint, *fixed;
    if (size == 0) return buf;
    buf[0] = 0;
    if (r->status == 0) return buf;
    if (r->reason == LOGITS_REASON_LABEL_OUT_OF_RANGE) {
        index_tuple(at, sizeof at, r, 1);
        if (isnan(r->value))
            snprintf(buf, size, "label %lld at position %s is out of range [0, %lld)%s",
                     (long long)r->label, at, (long long)r->limit,
                     r->label < 0 ? "; if it marks padding (PyTorch uses -100), pass it as the ignore index" : "");
        else
            snprintf(buf, size, "label %lld at position %s is out of range [0, %lld) and is not the ignore index %.17g",
                     (long long)r->label, at, (long long)r->limit, r->value);
    } else if (r->reason == LOGITS_REASON_PROBABILITY_SUM) {
        index_tuple(at, sizeof at, r, 1);
        snprintf(buf, size, "the probabilities of sample %s sum to %.17g; they must have a positive sum%s",
                 at, r->value, FROM_LOGITS_HINT);
    } else if (r->reason == LOGITS_REASON_LOGIT_NAN) {
        index_tuple(at, sizeof at, r, 2);
        snprintf(buf, size, "logits at %s is NaN; the sampler needs numbers (-inf masks a token)", at);
    } else if (r->reason == LOGITS_REASON_NOTHING_TO_SAMPLE) {
        if (r->value != r->value)
            snprintf(buf, size, "row %lld has nothing left to sample: the penalties made a logit NaN "
                     "(an infinite logit and an infinite penalty)", (long long)r->position);
        else
            snprintf(buf, size, "row %lld has nothing left to sample: every logit is -inf after the penalties and the bias",
                     (long long)r->position);
    } else if (value_rule(r->reason, &what, &rule, &hint)) {
        int vector = r->reason == LOGITS_REASON_CLASS_WEIGHT || r->reason == LOGITS_REASON_POS_WEIGHT
                     || r->reason == LOGITS_REASON_BIAS_ID || r->reason == LOGITS_REASON_BIAS_VALUE
                     || r->reason == LOGITS_REASON_UNIFORM;
        index_tuple(at, sizeof at, r, vector ? 0 : 2);
        snprintf(buf, size, "%s%s must be %s; %s at %s is %.17g%s",
                 r->reason == LOGITS_REASON_SOFT_TARGET ? "soft " : "", what, rule, what, at,
                 r->value, hint);
    } else if ((fixed = fixed_message(r->reason)) != 0) {
        snprintf(buf, size, "%s", fixed);
    } else {
        snprintf(buf, size, "%s", lgt_shims_status_string(r->status));
    }
    return buf;
}

const char *lgt_shims_last_message(void)
{
    if (!failed) return "";
    return lgt_shims_format(&last, message, sizeof message);
}
