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
#   FUZZ_RUNS=N            executions per target instead (make fuzz FUZZ_RUNS=10000000)
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
# Uses the main Makefile's SWIFT, PYTHON, DEPS.

ifndef LOGITS_TRUST_MK
LOGITS_TRUST_MK := $(lastword $(MAKEFILE_LIST))

.PHONY: fuzz fuzz-build test-fuzz-replay accuracy

FUZZ_TARGETS   := activations losses half
FUZZ_SECONDS   ?= 300
FUZZ_PARALLEL  ?= 0
FUZZ_LIB       ?= instrumented
FUZZ_ARGS      ?=
SWIFT_CLANG    := $(dir $(realpath $(shell command -v $(SWIFT) 2>/dev/null)))clang
FUZZ_CC        ?= $(firstword $(wildcard $(SWIFT_CLANG)) $(shell command -v clang 2>/dev/null))
FUZZ_CFLAGS    := -g -O1 -std=c99 -Wall -Wextra -Werror -Iinclude -Iabi \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

FUZZ_ENV       := SWIFT="$(SWIFT)" FUZZ_CC="$(FUZZ_CC)" FUZZ_CFLAGS="$(FUZZ_CFLAGS)" \
	FUZZ_LIB="$(FUZZ_LIB)" FUZZ_TARGETS="$(FUZZ_TARGETS)" FUZZ_SECONDS="$(FUZZ_SECONDS)" \
	FUZZ_PARALLEL="$(FUZZ_PARALLEL)" FUZZ_ARGS="$(FUZZ_ARGS)" FUZZ_RUNS="$(FUZZ_RUNS)" MAKE="$(MAKE)"

# Each recipe is a script in Tests/fuzz/ (its first lines say what it does).
fuzz-build:
	@$(FUZZ_ENV) sh Tests/fuzz/build.sh

fuzz: fuzz-build
	@$(FUZZ_ENV) sh Tests/fuzz/run.sh

test-fuzz-replay: fuzz-build
	@$(FUZZ_ENV) sh Tests/fuzz/replay.sh

# ---------------------------------------------------------------------------
# Accuracy
# ---------------------------------------------------------------------------

ACCURACY_ARGS ?=

accuracy: lib $(DEPS)
	PYTHONPATH=bindings/python:tools $(PYTHON) tools/accuracy.py --out ACCURACY.md --update-list $(ACCURACY_ARGS)

endif
