# Tests/checks.mk: extra checks of the C interface, included by the Makefile.
# Each recipe is a script in Tests/checks/ (its first lines say what it does).
#
#   make test-checks     all five below, in this order (each prints its time)
#   make test-sanitize   the C test suites built with ASan + UBSan (+ LSan)
#   make test-valgrind   the C test programs under valgrind memcheck
#   make test-threads    Tests/c/threads_test.c: 8 threads vs serial results,
#                        built normally and with ThreadSanitizer
#   make test-traps      ud2 (Swift trap) sites reachable from the exports
#                        (Tests/abi/check_traps.py)
#   make test-cpu-levels the C suites with each kernel copy (LOGITS_CPU), and
#                        under qemu-user emulating a Nehalem (no AVX)
#   make test-soak       Tests/c/soak.c for 5 s: 8 threads of random calls,
#                        repeated results identical, bad inputs refused,
#                        resident memory flat
#   make soak            the same for SOAK_SECONDS (60; not in make test)
#
# Uses the main Makefile's CC, CWARN, CLINK, LIB_SO, C_TESTS and PYTHON.
# Knobs: SAN_CC / TSAN_CC (a compiler; default: the first of gcc, clang, $(CC)
# whose sanitizer runtime works here), TRAPS_STRICT=0 (fail test-traps only on
# reachable ud2 in Logits' own code; default 1: any reachable ud2),
# THREADS_ITERATIONS, QEMU.

ifndef LOGITS_CHECKS_MK
LOGITS_CHECKS_MK := $(lastword $(MAKEFILE_LIST))

.PHONY: test-checks test-sanitize test-valgrind test-threads test-traps test-cpu-levels \
	test-soak soak

CHECKS_MAKE := $(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST))
CHECKS_ENV  := CC="$(CC)" CWARN="$(CWARN)" CLINK="$(CLINK)" SAN_CC="$(SAN_CC)" \
	TSAN_CC="$(TSAN_CC)" THREADS_ITERATIONS="$(THREADS_ITERATIONS)" QEMU="$(QEMU)"
THREADS_ITERATIONS ?= 1000
QEMU ?= qemu-x86_64

# Each step in order, even under make -j, with its wall-clock time.
test-checks:
	@for t in test-sanitize test-valgrind test-threads test-traps test-cpu-levels test-soak; do \
	  s=$$(date +%s); \
	  $(CHECKS_MAKE) $$t || { echo "test-checks: $$t failed"; exit 1; }; \
	  echo "test-checks: $$t passed in $$(( $$(date +%s) - s )) s"; echo; \
	done; echo "test-checks: all passed"

test-sanitize: $(LIB_SO)
	@echo "== C tests under AddressSanitizer + UndefinedBehaviorSanitizer =="
	@$(CHECKS_ENV) sh Tests/checks/sanitize.sh

test-valgrind: $(C_TESTS)
	@echo "== C tests under valgrind memcheck =="
	@sh Tests/checks/valgrind.sh

build/threads_test: Tests/c/threads_test.c Tests/c/operation_list.h Tests/c/half.h include/logits.h abi/operations.h $(LIB_SO)
	$(CC) $(CWARN) -O1 -pthread -o $@ $< $(CLINK)

test-threads: build/threads_test build/test_threads_split
	@$(CHECKS_ENV) sh Tests/checks/threads.sh

# Fails if an export can reach any ud2, in Logits' own code or in the
# statically linked Swift runtime / stdlib. TRAPS_STRICT=0 relaxes it to own
# code only (for experiments).
TRAPS_STRICT ?= 1
test-traps: $(LIB_SO)
	@echo "== Trap sites (ud2) reachable from the exports =="
	$(PYTHON) Tests/abi/check_traps.py --lib $(LIB_SO) --symbols .build/release/liblogits.so \
	  --fail-on $(if $(filter 1,$(TRAPS_STRICT)),any,own)

SOAK_SECONDS ?= 60
build/soak: Tests/c/soak.c include/logits.h $(LIB_SO)
	$(CC) $(CWARN) -O1 -pthread -o $@ $< $(CLINK)

test-soak: build/soak
	@echo "== Soak: 8 threads of random calls for 5 s (make soak: SOAK_SECONDS) =="
	./build/soak 5

soak: build/soak
	./build/soak $(SOAK_SECONDS)

test-cpu-levels: $(C_TESTS)
	@$(CHECKS_ENV) sh Tests/checks/cpu_levels.sh $(C_TESTS)

endif
