# Tests/trust.mk: fuzzing and the accuracy contract, included by the Makefile.
#
#   make fuzz              build the libFuzzer targets in Tests/fuzz/ and run
#                          each for FUZZ_SECONDS; prints executions per target
#                          and the total; fails on any finding (the input is
#                          kept in build/fuzz/artifacts/)
#   make test-fuzz-replay  replay the committed corpus (Tests/fuzz/corpus/)
#                          through every target once (part of make test)
#   make accuracy          measure every function against mpmath / exact
#                          references and write ACCURACY.md (~4 minutes on 2 busy cores)
#
# Knobs:
#   FUZZ_SECONDS=300       time per target for make fuzz
#   FUZZ_PARALLEL=0        1: run the targets at the same time
#   FUZZ_LIB=instrumented  the library the targets link: "instrumented" (a
#                          copy built with swiftc -sanitize=fuzzer,address in
#                          .build-fuzz, so coverage and ASan reach the Swift
#                          code; falls back to the plain build if that fails)
#                          or "plain" (build/lib/liblogits.so)
#   FUZZ_CC                a clang with the libFuzzer runtime (default: the
#                          Swift toolchain's clang, then clang on PATH)
#   FUZZ_ARGS              extra libFuzzer flags for make fuzz
#
# Uses the main Makefile's SWIFT, PYTHON, LIB_SO, LIB_DIR.

ifndef LOGITS_TRUST_MK
LOGITS_TRUST_MK := $(lastword $(MAKEFILE_LIST))

.PHONY: fuzz fuzz-build test-fuzz-replay accuracy

FUZZ_TARGETS   := activations losses
FUZZ_SECONDS   ?= 300
FUZZ_PARALLEL  ?= 0
FUZZ_LIB       ?= instrumented
FUZZ_ARGS      ?=
FUZZ_DIR       := build/fuzz
FUZZ_SCRATCH   := .build-fuzz
SWIFT_CLANG    := $(dir $(realpath $(shell command -v $(SWIFT) 2>/dev/null)))clang
FUZZ_CC        ?= $(firstword $(wildcard $(SWIFT_CLANG)) $(shell command -v clang 2>/dev/null))
FUZZ_CFLAGS    := -g -O1 -std=c99 -Wall -Wextra -Werror -Iinclude -Iabi \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

# The dynamic Swift runtime of the instrumented build installs a crash
# backtracer; libFuzzer/ASan must see the signals instead.
FUZZ_ENV       := SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=abort_on_error=0:detect_leaks=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Builds the library the targets link against and prints its directory.
# Instrumented: swiftc -sanitize=fuzzer,address (edge coverage + trace-cmp +
# ASan in the Swift code); the libFuzzer main comes from the C target.
define fuzz_lib_dir
if [ "$(FUZZ_LIB)" = instrumented ]; then \
  echo "building the instrumented library ($(FUZZ_SCRATCH), swiftc -sanitize=fuzzer,address)" >&2; \
  if $(SWIFT) build -c release --product logits --scratch-path $(FUZZ_SCRATCH) \
       -Xswiftc -sanitize=fuzzer,address \
       -Xlinker --version-script=$(CURDIR)/abi/logits.map >$(FUZZ_DIR)/swift-build.log 2>&1; then \
    echo "$(CURDIR)/$(FUZZ_SCRATCH)/release"; exit 0; \
  fi; \
  echo "WARNING: the instrumented Swift build failed (see $(FUZZ_DIR)/swift-build.log):" \
       "falling back to the plain library (no coverage or ASan inside the Swift code)" >&2; \
fi; \
$(MAKE) --no-print-directory lib >&2 || exit 1; echo "$(CURDIR)/$(LIB_DIR)"
endef

fuzz-build:
	@mkdir -p $(FUZZ_DIR)
	@test -n "$(FUZZ_CC)" || { echo "error: no clang found for libFuzzer (install the Swift toolchain's clang or apt-get install clang libclang-rt-dev)"; exit 1; }
	@libdir=$$($(fuzz_lib_dir)) || exit 1; \
	echo "$$libdir" > $(FUZZ_DIR)/libdir; \
	for t in $(FUZZ_TARGETS); do \
	  echo "$(FUZZ_CC) $(FUZZ_CFLAGS) -o $(FUZZ_DIR)/fuzz_$$t Tests/fuzz/fuzz_$$t.c -L$$libdir -llogits"; \
	  $(FUZZ_CC) $(FUZZ_CFLAGS) -o $(FUZZ_DIR)/fuzz_$$t Tests/fuzz/fuzz_$$t.c \
	    -L$$libdir -llogits -lm -Wl,-rpath,$$libdir > $(FUZZ_DIR)/cc.log 2>&1; rc=$$?; \
	  grep -v "Cannot export local symbol" $(FUZZ_DIR)/cc.log >&2; \
	  if [ $$rc != 0 ]; then \
	    echo "error: building the fuzz target failed; $(FUZZ_CC) needs the libFuzzer runtime" \
	         "(Swift toolchain clang, or apt-get install clang libclang-rt-dev)"; exit 1; fi; \
	done

# Each target gets a fresh working corpus seeded from the committed one.
fuzz: fuzz-build
	@echo "== fuzz: $(FUZZ_TARGETS), $(FUZZ_SECONDS) s each (library: $$(cat $(FUZZ_DIR)/libdir)) =="
	@mkdir -p $(FUZZ_DIR)/artifacts; \
	run() { t=$$1; rm -rf $(FUZZ_DIR)/work_$$t; mkdir -p $(FUZZ_DIR)/work_$$t; \
	  $(FUZZ_ENV) nice $(FUZZ_DIR)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=20 \
	    -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/artifacts/$$t- \
	    $(FUZZ_ARGS) $(FUZZ_DIR)/work_$$t Tests/fuzz/corpus/$$t > $(FUZZ_DIR)/fuzz_$$t.log 2>&1; \
	  echo $$? > $(FUZZ_DIR)/fuzz_$$t.rc; }; \
	for t in $(FUZZ_TARGETS); do \
	  if [ "$(FUZZ_PARALLEL)" = 1 ]; then run $$t & else run $$t; fi; \
	done; wait; \
	total=0; status=0; \
	for t in $(FUZZ_TARGETS); do \
	  n=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_DIR)/fuzz_$$t.log | tail -1); \
	  rc=$$(cat $(FUZZ_DIR)/fuzz_$$t.rc); total=$$((total + $${n:-0})); \
	  echo "fuzz_$$t: $${n:-?} executions, exit $$rc (log: $(FUZZ_DIR)/fuzz_$$t.log)"; \
	  if [ "$$rc" != 0 ]; then status=1; \
	    grep -E -A3 "FUZZ FINDING|ERROR: (AddressSanitizer|libFuzzer|UndefinedBehavior)|runtime error" \
	      $(FUZZ_DIR)/fuzz_$$t.log | head -40; fi; \
	done; \
	echo "fuzz: $$total executions in total"; \
	if [ $$status != 0 ]; then echo "fuzz: FINDINGS (inputs in $(FUZZ_DIR)/artifacts/)"; exit 1; fi; \
	echo "fuzz: no findings"

# Replays the committed corpus once per target (each file one call).
test-fuzz-replay: fuzz-build
	@echo "== Fuzz corpus replay (Tests/fuzz/corpus) =="
	@for t in $(FUZZ_TARGETS); do \
	  n=$$(ls Tests/fuzz/corpus/$$t | wc -l); \
	  $(FUZZ_ENV) $(FUZZ_DIR)/fuzz_$$t -runs=0 -timeout=20 Tests/fuzz/corpus/$$t \
	    > $(FUZZ_DIR)/replay_$$t.log 2>&1 || { cat $(FUZZ_DIR)/replay_$$t.log | tail -40; \
	    echo "FAIL: fuzz_$$t on its corpus"; exit 1; }; \
	  echo "fuzz_$$t: $$n corpus inputs replayed, no findings"; \
	done

# ---------------------------------------------------------------------------
# Accuracy
# ---------------------------------------------------------------------------

ACCURACY_ARGS ?=

accuracy: lib
	@$(PYTHON) -c "import mpmath" 2>/dev/null || { echo "mpmath is missing: installing it with pip"; \
	  $(PYTHON) -m pip install --quiet mpmath || { echo "error: could not install mpmath (pip install mpmath)"; exit 1; }; }
	@$(PYTHON) -c "import scipy" 2>/dev/null || { echo "scipy is missing: installing it with pip"; \
	  $(PYTHON) -m pip install --quiet scipy || { echo "error: could not install scipy (pip install scipy)"; exit 1; }; }
	PYTHONPATH=bindings/python:tools $(PYTHON) tools/accuracy.py --out ACCURACY.md $(ACCURACY_ARGS)

endif
