# `make bench`: Logits side by side with its peers (see bench/README.md).
# Not part of `make test`. Included from the Makefile.
#
#   make bench              install peers on first use, build the native
#                           harness, run everything, write BENCHMARKS.md,
#                           docs/benchmarks.png and build/bench/results.json
#   make bench-peers        only install the peers (Debian packages + venv)
#   BENCH_QUICK=1           smaller shapes, fewer rounds (fast iteration)
#   BENCH_ONLY=<substring>  only workloads whose name contains it, e.g.
#                           BENCH_ONLY="softmax f32 4096x1000" or BENCH_ONLY=ce_fwd
#   BENCH_IMPLS=a,b         only these implementations (logits, onnxruntime, ...)
#   BENCH_STAT=min          report the fastest round instead of the median
#                           (steadier on a busy machine; results.json has both)

BENCH_DIR    := build/bench
BENCH_NATIVE := $(BENCH_DIR)/native
BENCH_VENV   := build/bench-venv
BENCH_PY     := $(BENCH_VENV)/bin/python
BENCH_SRC    := bench/native
BENCH_STAMP  := $(BENCH_DIR)/peers.stamp
BENCH_CFLAGS := -O3 -fPIC -shared -std=c11 -Wall -Wextra -I$(BENCH_SRC) -Iinclude

.PHONY: bench bench-peers bench-native bench-report bench-swift

bench_comma := ,

bench-peers: $(BENCH_STAMP)

$(BENCH_STAMP): bench/install_peers.sh
	@mkdir -p $(BENCH_DIR)
	PYTHON="$(PYTHON)" sh bench/install_peers.sh
	@touch $@

# Each native peer is built on its own; one that fails to compile leaves a
# .err file that the report shows as "unavailable: <reason>".
define bench_peer_so
$(BENCH_NATIVE)/$(1).so: $(2) $(BENCH_SRC)/peer.h $(BENCH_STAMP) $(3)
	@mkdir -p $(BENCH_NATIVE)
	@rm -f $(BENCH_NATIVE)/$(1).err
	@echo "  CC  $$@"
	@$(4) -o $$@ $(2) $(5) 2> $(BENCH_NATIVE)/$(1).log || { cp $(BENCH_NATIVE)/$(1).log $(BENCH_NATIVE)/$(1).err; \
	  echo "bench: could not build the $(1) peer (see $(BENCH_NATIVE)/$(1).err)"; rm -f $$@; }
endef

$(eval $(call bench_peer_so,benchcore,$(BENCH_SRC)/benchcore.c,,$(CC) $(BENCH_CFLAGS) -O2,))
$(eval $(call bench_peer_so,logits,$(BENCH_SRC)/peer_logits.c,$(LIB_SO) include/logits.h,$(CC) $(BENCH_CFLAGS) -O2 -DPRECISION=LOGITS_PRECISION_FAST,-L$(LIB_DIR) -llogits -ldl -Wl$(bench_comma)-rpath$(bench_comma)$(CURDIR)/$(LIB_DIR)))
$(eval $(call bench_peer_so,logits_exact,$(BENCH_SRC)/peer_logits.c,$(LIB_SO) include/logits.h,$(CC) $(BENCH_CFLAGS) -O2 -DPRECISION=LOGITS_PRECISION_EXACT,-L$(LIB_DIR) -llogits -ldl -Wl$(bench_comma)-rpath$(bench_comma)$(CURDIR)/$(LIB_DIR)))
$(eval $(call bench_peer_so,copy_memcpy,$(BENCH_SRC)/peer_copy.c,,gcc $(BENCH_CFLAGS) -O2,))
$(eval $(call bench_peer_so,copy_stream,$(BENCH_SRC)/peer_copy.c,,gcc $(BENCH_CFLAGS) -O2 -mavx512f -DSTREAM,))
$(eval $(call bench_peer_so,c_fastmath_native,$(BENCH_SRC)/peer_fastmath.c,,gcc $(BENCH_CFLAGS) -march=native -ffast-math -DPEER_FLAGS='"-O3 -march=native -ffast-math"',-lm))
$(eval $(call bench_peer_so,c_fastmath_v4,$(BENCH_SRC)/peer_fastmath.c,,gcc $(BENCH_CFLAGS) -march=x86-64-v4 -ffast-math -DPEER_FLAGS='"-O3 -march=x86-64-v4 -ffast-math"',-lm))
$(eval $(call bench_peer_so,sleef,$(BENCH_SRC)/peer_sleef.c,,gcc $(BENCH_CFLAGS) -march=native,-lsleef -lm))
$(eval $(call bench_peer_so,xnnpack,$(BENCH_SRC)/peer_xnnpack.c,,gcc $(BENCH_CFLAGS) -O2,-lXNNPACK -lpthreadpool))
$(eval $(call bench_peer_so,onednn,$(BENCH_SRC)/peer_onednn.cpp,,$(CXX) -O2 -fPIC -shared -std=c++17 -fopenmp -I$(BENCH_SRC),-ldnnl))

BENCH_PEERS := benchcore logits logits_exact copy_memcpy copy_stream c_fastmath_native c_fastmath_v4 sleef xnnpack onednn

bench-native: $(BENCH_PEERS:%=$(BENCH_NATIVE)/%.so)

bench: lib bench-peers bench-native
	@t0=$$(date +%s); py=$(BENCH_PY); \
	[ -x "$$py" ] || { echo "bench: no venv at $(BENCH_VENV); using $(PYTHON) (peers from pip will show as unavailable)"; py=$(PYTHON); }; \
	$$py bench/run.py && $$py bench/sampling.py && $(MAKE) --no-print-directory bench-swift && \
	$$py bench/report.py && \
	echo "make bench: $$(( $$(date +%s) - t0 )) s; wrote BENCHMARKS.md, docs/benchmarks.png, $(BENCH_DIR)/results.json"

# The Swift door beside the C door in one process (bench/swift): a release
# build of a package that depends on Logits by path with the trait
# DispatchedKernels, run at the CPU's level and with LOGITS_CPU=baseline (the
# kernels a URL dependency gets). BENCHMARKS.md "Swift door" reads the JSON.
bench-swift: lib
	$(SWIFT) build -c release --package-path bench/swift --scratch-path $(CURDIR)/build/bench-swift
	@mkdir -p $(BENCH_DIR)
	./build/bench-swift/release/SwiftDoorBench $(BENCH_DIR)/swift_door.json
	LOGITS_CPU=baseline ./build/bench-swift/release/SwiftDoorBench $(BENCH_DIR)/swift_door_baseline.json

# Rewrite BENCHMARKS.md and the plot from the last results.json only.
bench-report:
	@py=$(BENCH_PY); [ -x "$$py" ] || py=$(PYTHON); $$py bench/report.py
