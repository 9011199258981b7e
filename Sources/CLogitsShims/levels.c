/*
 * levels.c: the kernel tables of the CPU-level modules (LogitsV3, LogitsV4),
 * found without naming them. Each of those modules defines
 * lgt_kernel_table_v3 / _v4 (Sources/LogitsV3/Level.swift); they are linked
 * into liblogits.so always, and into a Swift program only when it enables
 * the package trait DispatchedKernels (Package.swift). The references here
 * are weak, so the module Logits, which the CPU-level modules import and so
 * cannot import back, sees a table when its module is linked and NULL when
 * it is not, and the same code serves the C door and the Swift door.
 */
#include "logits_shims.h"

extern const void *lgt_kernel_table_v3(int32_t fast) __attribute__((weak));
extern const void *lgt_kernel_table_v4(int32_t fast) __attribute__((weak));

const void *lgt_shims_kernel_table(int32_t level, int32_t fast)
{
    if (level == 4 && lgt_kernel_table_v4) return lgt_kernel_table_v4(fast);
    if (level == 3 && lgt_kernel_table_v3) return lgt_kernel_table_v3(fast);
    return 0;
}
