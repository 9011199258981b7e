# Tests/checks.mk: extra checks of the C interface, included by the Makefile
# (or: make -f Makefile -f Tests/checks.mk test-checks).
#
#   make test-checks     all four below, in this order (each prints its time)
#   make test-sanitize   both C test suites built with ASan + UBSan (+ LSan)
#   make test-valgrind   both C test suites under valgrind memcheck
#   make test-threads    Tests/c/threads_test.c: 8 threads vs serial results,
#                        built normally and with ThreadSanitizer
#   make test-traps      ud2 (Swift trap) sites reachable from the exports
#                        (Tests/abi/check_traps.py)
#   make test-cpu-levels the C suites with each kernel copy (LOGITS_CPU), and
#                        under qemu-user emulating a Nehalem (no AVX)
#
# Uses the main Makefile's CC, CWARN, CLINK, LIB_SO and PYTHON.
# Knobs: SAN_CC / TSAN_CC (a compiler; default: the first of gcc, clang, $(CC)
# whose sanitizer runtime works here), TRAPS_STRICT=0 (fail test-traps only on
# reachable ud2 in Logits' own code; default 1: any reachable ud2), THREADS_ITERATIONS.

ifndef LOGITS_CHECKS_MK
LOGITS_CHECKS_MK := $(lastword $(MAKEFILE_LIST))

.PHONY: test-checks test-sanitize test-valgrind test-threads test-traps test-cpu-levels

CHECKS_MAKE := $(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) -f $(LOGITS_CHECKS_MK)

# Each step in order, even under make -j, with its wall-clock time.
test-checks:
	@for t in test-sanitize test-valgrind test-threads test-traps test-cpu-levels; do \
	  s=$$(date +%s); \
	  $(CHECKS_MAKE) $$t || { echo "test-checks: $$t failed"; exit 1; }; \
	  echo "test-checks: $$t passed in $$(( $$(date +%s) - s )) s"; echo; \
	done; echo "test-checks: all passed"

# $(call checks_pick,FLAGS,PROGRAM,CANDIDATES): print the first compiler of
# CANDIDATES that builds PROGRAM (C source) with FLAGS into a binary that runs,
# then the command prefix it needed ("" or setarch -R), separated by '|'.
checks_pick = d=$$(mktemp -d) && printf '$(2)' > $$d/p.c && \
	for c in $(3); do \
	  command -v $$c >/dev/null 2>&1 || continue; \
	  $$c $(1) -o $$d/p $$d/p.c >/dev/null 2>&1 || continue; \
	  if $$d/p >/dev/null 2>&1; then echo "$$c|"; rm -rf $$d; exit 0; fi; \
	  if setarch $$(uname -m) -R $$d/p >/dev/null 2>&1; then \
	    echo "$$c|setarch $$(uname -m) -R"; rm -rf $$d; exit 0; fi; \
	done; rm -rf $$d; exit 1

CHECKS_CANDIDATES := gcc clang $(CC)

# ---------------------------------------------------------------------------
# ASan + UBSan
# ---------------------------------------------------------------------------

SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -g
SAN_TESTS := $(patsubst Tests/c/%.c,build/san_%,$(wildcard Tests/c/test_*.c))
SAN_PROBE := int main(void) { return 0; }\n
LSAN_PROBE := \#include <stdlib.h>\nvoid *volatile p;\nint main(void) { p = malloc(33); p = 0; return 0; }\n

build/san_test_%: Tests/c/test_%.c include/logits.h $(LIB_SO)
	@pick=$$($(call checks_pick,$(SAN_FLAGS),$(SAN_PROBE),$(or $(SAN_CC),$(CHECKS_CANDIDATES)))) || \
	  { echo "error: no compiler here builds and runs -fsanitize=address,undefined programs (tried: $(or $(SAN_CC),$(CHECKS_CANDIDATES)))"; exit 1; }; \
	cc=$${pick%%|*}; \
	echo "$$cc $(CWARN) -O1 $(SAN_FLAGS) -o $@ $< $(CLINK)"; \
	$$cc $(CWARN) -O1 $(SAN_FLAGS) -o $@ $< $(CLINK) > $@.log 2>&1; rc=$$?; \
	grep -v "Cannot export local symbol '__asan" $@.log >&2; rm -f $@.log; exit $$rc

# LeakSanitizer needs ptrace-like access that some sandboxes deny: detect_leaks
# is on only if a program that leaks is reported here.
test-sanitize: $(SAN_TESTS)
	@echo "== C tests under AddressSanitizer + UndefinedBehaviorSanitizer =="
	@pick=$$($(call checks_pick,$(SAN_FLAGS),$(SAN_PROBE),$(or $(SAN_CC),$(CHECKS_CANDIDATES)))) || exit 1; \
	cc=$${pick%%|*}; run=$${pick#*|}; d=$$(mktemp -d); \
	printf '$(LSAN_PROBE)' > $$d/leak.c; \
	$$cc -fsanitize=address -g -o $$d/leak $$d/leak.c >/dev/null 2>&1; \
	if ASAN_OPTIONS=detect_leaks=1 $$run $$d/leak 2>&1 | grep -q 'LeakSanitizer: detected memory leaks'; then \
	  leaks=1; echo "LeakSanitizer works here: detect_leaks=1"; \
	else leaks=0; echo "note: LeakSanitizer does not work here: detect_leaks=0 (leaks are still checked by test-valgrind)"; fi; \
	rm -rf $$d; \
	for t in $(SAN_TESTS); do \
	  echo "-- $$t"; \
	  ASAN_OPTIONS=detect_leaks=$$leaks:abort_on_error=0:halt_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $$run ./$$t || exit 1; \
	done

# ---------------------------------------------------------------------------
# valgrind
# ---------------------------------------------------------------------------

# Valgrind simulates x87 long double with 64-bit doubles, so the long-double
# references of test_logits are wrong under it (infinities read back as
# LDBL_MAX, DBL_MAX / 0.5 overflows): its own checks fail there while the
# library is right. For test_logits only valgrind's verdict counts (0 errors,
# no definite leak, the suite ran to its summary line); the suites in
# VALGRIND_STRICT must also pass their own checks.
VALGRIND_TESTS  := build/test_losses build/test_logits build/test_bad_input build/test_threads_split build/test_guard_pages
VALGRIND_STRICT := build/test_losses
VALGRIND_FLAGS  := --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	--suppressions=Tests/c/valgrind.supp

test-valgrind: $(VALGRIND_TESTS)
	@echo "== C tests under valgrind memcheck =="
	@if ! command -v valgrind >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "valgrind is missing: apt-get install -y valgrind"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null || \
	      { echo "error: apt-get install valgrind failed; install valgrind and rerun"; exit 1; }; \
	  else \
	    echo "error: valgrind not found: install it (apt-get install valgrind) and rerun"; exit 1; \
	  fi; \
	fi
	@status=0; \
	for t in $(VALGRIND_TESTS); do \
	  log=$$t.valgrind.log; out=$$t.valgrind.out; s=$$(date +%s); \
	  LOGITS_TEST_QUICK=1 valgrind $(VALGRIND_FLAGS) --log-file=$$log ./$$t > $$out 2>&1; rc=$$?; \
	  errors=$$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' $$log | tail -1); \
	  definite=$$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' $$log | tail -1); \
	  summary=$$(grep -E '^[0-9]+ passed, [0-9]+ failed' $$out | tail -1); \
	  echo "-- $$t: $${summary:-no summary line} ($$(( $$(date +%s) - s )) s under valgrind);" \
	       "valgrind: $${errors:-?} errors, $${definite:-0} bytes definitely lost (log: $$log)"; \
	  if [ "$$errors" != 0 ] || [ "$${definite:-0}" != 0 ] || [ -z "$$summary" ]; then \
	    echo "FAIL: $$t under valgrind"; grep -E '^==[0-9]+== ' $$log | head -60; status=1; \
	  elif [ $$rc != 0 ]; then \
	    case " $(VALGRIND_STRICT) " in \
	      *" $$t "*) echo "FAIL: $$t fails its own checks under valgrind:"; grep FAIL $$out | head -20; status=1;; \
	      *) echo "   (its own failures under valgrind are the x87 long-double emulation; see Tests/checks.mk)";; \
	    esac; \
	  fi; \
	done; exit $$status

# ---------------------------------------------------------------------------
# Threads
# ---------------------------------------------------------------------------

THREADS_ITERATIONS ?= 1000
TSAN_FLAGS := -fsanitize=thread -g
TSAN_PROBE := \#include <pthread.h>\nstatic void *f(void *a) { return a; }\nint main(void) { pthread_t t; if (pthread_create(&t, 0, f, 0)) return 1; return pthread_join(t, 0); }\n

build/threads_test: Tests/c/threads_test.c Tests/c/operation_list.h include/logits.h abi/operations.h $(LIB_SO)
	$(CC) $(CWARN) -O1 -pthread -o $@ $< $(CLINK)

# Built by test-threads itself (the compiler is probed): no file rule.
test-threads: build/threads_test build/test_threads_split
	@echo "== Threads: Tests/c/threads_test.c =="
	./build/threads_test $(THREADS_ITERATIONS)
	@echo "-- again with the library's own threads on (LOGITS_NUM_THREADS=2; these inputs stay serial)"
	LOGITS_NUM_THREADS=2 ./build/threads_test $(THREADS_ITERATIONS)
	@echo "-- Tests/c/test_threads_split.c: large calls split over 1, 2, 8 threads; 8 host threads at once"
	./build/test_threads_split
	@echo "-- the same built with -fsanitize=thread (the library itself is not instrumented)"
	@pick=$$($(call checks_pick,$(TSAN_FLAGS) -pthread,$(TSAN_PROBE),$(or $(TSAN_CC),$(CHECKS_CANDIDATES)))) || { \
	  echo "SKIPPED the ThreadSanitizer half: no compiler here (tried: $(or $(TSAN_CC),$(CHECKS_CANDIDATES)))" \
	       "builds a -fsanitize=thread program that runs, also under setarch -R (no ASLR)."; \
	  echo "(the plain threaded run above passed)"; exit 0; }; \
	cc=$${pick%%|*}; run=$${pick#*|}; \
	echo "$$cc $(CWARN) -O1 $(TSAN_FLAGS) -pthread -o build/tsan_threads_test Tests/c/threads_test.c $(CLINK)"; \
	$$cc $(CWARN) -O1 $(TSAN_FLAGS) -pthread -o build/tsan_threads_test Tests/c/threads_test.c $(CLINK) || exit 1; \
	if [ -n "$$run" ]; then echo "(running under '$$run': TSan needs ASLR off here)"; fi; \
	TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$(CURDIR)/Tests/c/tsan.supp" \
	  $$run ./build/tsan_threads_test $(THREADS_ITERATIONS) || exit 1; \
	echo "$$cc $(CWARN) -O1 $(TSAN_FLAGS) -pthread -o build/tsan_test_threads_split Tests/c/test_threads_split.c $(CLINK)"; \
	$$cc $(CWARN) -O1 $(TSAN_FLAGS) -pthread -o build/tsan_test_threads_split Tests/c/test_threads_split.c $(CLINK) || exit 1; \
	TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$(CURDIR)/Tests/c/tsan.supp" \
	  $$run ./build/tsan_test_threads_split

# ---------------------------------------------------------------------------
# Trap sites
# ---------------------------------------------------------------------------

# Fails if an export can reach any ud2, in Logits' own code or in the
# statically linked Swift runtime / stdlib. TRAPS_STRICT=0 relaxes it to own
# code only (for experiments).
TRAPS_STRICT ?= 1
test-traps: $(LIB_SO)
	@echo "== Trap sites (ud2) reachable from the exports =="
	$(PYTHON) Tests/abi/check_traps.py --lib $(LIB_SO) --symbols .build/release/liblogits.so \
	  --fail-on $(if $(filter 1,$(TRAPS_STRICT)),any,own)


# ---------------------------------------------------------------------------
# CPU levels: every kernel copy, and the dispatch on an old CPU
# ---------------------------------------------------------------------------

# The C suites with each kernel copy forced by LOGITS_CPU (natively), then
# under qemu-user emulating a Nehalem (SSE4.2, no AVX): the library must pick
# its baseline kernels there and pass. qemu-user comes from Debian's
# qemu-user package (installed here when missing; the step is skipped with
# a note only when it cannot be installed). Not on x86-64: skipped.
QEMU ?= qemu-x86_64
test-cpu-levels: $(C_TESTS)
	@echo "== CPU levels: each kernel copy, and an emulated Nehalem =="
	@if [ "$$(uname -m)" != x86_64 ]; then echo "not x86-64: one kernel copy only; skipped"; exit 0; fi; \
	for level in baseline x86-64-v3 x86-64-v4; do \
	  for t in $(C_TESTS); do \
	    out=$$(LOGITS_CPU=$$level ./$$t 2>&1); rc=$$?; \
	    echo "$$t LOGITS_CPU=$$level: $$(echo "$$out" | tail -1)"; \
	    [ $$rc -eq 0 ] || { echo "$$out"; exit 1; }; \
	  done; \
	done; \
	if ! command -v $(QEMU) >/dev/null 2>&1; then \
	  echo "qemu-user is missing: installing it (apt-get install qemu-user)"; \
	  { apt-get install -y qemu-user >/dev/null 2>&1 || \
	    { apt-get update >/dev/null 2>&1 && apt-get install -y qemu-user >/dev/null 2>&1; }; } || true; \
	fi; \
	if ! command -v $(QEMU) >/dev/null 2>&1; then \
	  echo "note: qemu-user could not be installed here; the emulated-Nehalem run is skipped"; exit 0; fi; \
	printf '#include <stdio.h>\n#include "logits.h"\nint main(void){puts(logits_cpu_kernels());return 0;}\n' \
	  > build/cpu_kernels.c; \
	$(CC) $(CWARN) -o build/cpu_kernels build/cpu_kernels.c $(CLINK) || exit 1; \
	got=$$($(QEMU) -cpu Nehalem ./build/cpu_kernels 2>/dev/null); \
	echo "qemu -cpu Nehalem: logits_cpu_kernels() = $$got"; \
	[ "$$got" = baseline ] || { echo "expected baseline under Nehalem"; exit 1; }; \
	for t in build/test_losses build/test_threads_split build/test_guard_pages; do \
	  out=$$($(QEMU) -cpu Nehalem ./$$t 2>/dev/null); rc=$$?; \
	  echo "$$t under qemu -cpu Nehalem: $$(echo "$$out" | tail -1)"; \
	  [ $$rc -eq 0 ] || { echo "$$out"; exit 1; }; \
	done

endif
