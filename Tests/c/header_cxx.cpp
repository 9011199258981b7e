/*
 * header_cxx.cpp: include/logits.h must be valid C++ (C++11 and later) with
 * C linkage, so that C++ programs can include it directly.
 *
 *   c++ -std=c++11 -Wall -Wextra -Werror -pedantic -Iinclude -fsyntax-only Tests/c/header_cxx.cpp
 * or, to also link and run it:
 *   c++ -std=c++11 -Wall -Wextra -Werror -pedantic -Iinclude Tests/c/header_cxx.cpp \
 *       -Lbuild/lib -llogits -Wl,-rpath,"$PWD/build/lib" -o build/header_cxx && ./build/header_cxx
 */
#include "logits.h"
#include "logits.h"  // the include guard makes a second include harmless

#include <cstdio>
#include <cstring>

static_assert(LOGITS_OK == 0, "LOGITS_OK is 0");
static_assert(LOGITS_VERSION_NUMBER ==
                  LOGITS_VERSION_MAJOR * 10000 + LOGITS_VERSION_MINOR * 100 + LOGITS_VERSION_PATCH,
              "version number");
static_assert(sizeof(logits_status) == 4, "logits_status is a 32-bit integer");

// The declarations have the exact C types (a mismatch fails to compile).
static logits_status (*const softmax_f32)(const float *, float *, size_t, size_t) = &logits_softmax_f32;
static logits_status (*const softmax_axis_f64)(const double *, double *, size_t, size_t, size_t, double,
                                                logits_precision) =
    &logits_softmax_axis_f64;
static logits_status (*const log_softmax_backward_axis_f32)(const float *, const float *, float *, size_t,
                                                            size_t, size_t, float, logits_precision) =
    &logits_log_softmax_backward_axis_f32;
static logits_status (*const sigmoid_f64)(const double *, double *, size_t) = &logits_sigmoid_f64;
static const char *(*const status_string)(logits_status) = &logits_status_string;

int main() {
    const float x[3] = {1.0f, 2.0f, 3.0f};
    float p[3] = {0.0f, 0.0f, 0.0f};
    double xd[3] = {1.0, 2.0, 3.0}, s[3];
    float dy[3] = {1.0f, 0.0f, 0.0f}, dx[3];

    logits_status st = softmax_f32(x, p, 1, 3);
    if (st != LOGITS_OK) {
        std::printf("logits_softmax_f32: %s\n", status_string(st));
        return 1;
    }
    st = softmax_axis_f64(xd, xd, 1, 3, 1, 1.0, LOGITS_PRECISION_EXACT);  // in place
    if (st == LOGITS_OK) st = sigmoid_f64(xd, s, 3);
    if (st == LOGITS_OK) st = logits_log_softmax_f32(x, p, 1, 3);
    if (st == LOGITS_OK) st = log_softmax_backward_axis_f32(p, dy, dx, 1, 3, 1, 1.0f, LOGITS_PRECISION_FAST);
    if (st != LOGITS_OK) {
        std::printf("error: %s\n", logits_status_string(st));
        return 1;
    }
    if (logits_version() != LOGITS_VERSION_NUMBER ||
        std::strcmp(logits_version_string(), LOGITS_VERSION_STRING) != 0) {
        std::printf("header %s, library %s\n", LOGITS_VERSION_STRING, logits_version_string());
        return 1;
    }
    std::printf("C++ ok: logits %s, softmax([1, 2, 3]) = [%.4f, %.4f, %.4f]\n", logits_version_string(),
                static_cast<double>(xd[0]), static_cast<double>(xd[1]), static_cast<double>(xd[2]));
    return 0;
}
