# Sourced by run.sh and replay.sh: the dynamic Swift runtime of the
# instrumented build installs a crash backtracer; libFuzzer/ASan must see the
# signals instead.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
