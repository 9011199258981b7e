# Logits: the two commands are `make demo` and `make test` (see README.md).
#
#   make / make lib   build build/lib/liblogits.so (static Swift runtime,
#                     SONAME liblogits.so.<ABI major>, exports logits_* only)
#   make demo         build everything, run the C and the Python example
#   make test         every test suite (Swift, C, Python, ABI, portability,
#                     ASan/UBSan, valgrind, 8 threads + TSan, trap scan)
#   make clean        remove build outputs

SWIFT   ?= swift
CC      ?= cc
CXX     ?= c++
PYTHON  ?= python3
CLANG   ?= $(shell command -v clang 2>/dev/null)

ABI_MAJOR := $(shell sed -n 's/^\#define LOGITS_VERSION_MAJOR \([0-9]*\).*/\1/p' include/logits.h)
VERSION   := $(shell sed -n 's/^\#define LOGITS_VERSION_STRING "\(.*\)"/\1/p' include/logits.h)

LIB_DIR   := build/lib
LIB_REAL  := $(LIB_DIR)/liblogits.so.$(VERSION)
LIB_SO    := $(LIB_DIR)/liblogits.so
SWIFT_OUT := .build/release/liblogits.so
SWIFT_SOURCES := $(shell find Sources -name "*.swift" -o -name "*.c" -o -name "*.h") Package.swift include/logits.h abi/logits.map

RELEASE_FLAGS := -c release --product logits \
	-Xswiftc -static-stdlib \
	-Xlinker --version-script=$(CURDIR)/abi/logits.map \
	-Xlinker -soname=liblogits.so.$(ABI_MAJOR)

CWARN   := -std=c99 -Wall -Wextra -Werror -pedantic
CLINK   := -Iinclude -Iabi -L$(LIB_DIR) -llogits -lm -Wl,-rpath,$(CURDIR)/$(LIB_DIR)

.PHONY: all lib demo test check-prereqs check-build-tools test-swift test-c test-python \
	test-abi test-portable clean

all: lib

lib: $(LIB_SO)

check-build-tools:
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "error: 'swift' not found. Install Swift 6.3 or later (https://swift.org/install) and put it on PATH."; exit 1; }
	@command -v $(CC) >/dev/null 2>&1 || { echo "error: a C compiler ('$(CC)') is needed: apt-get install gcc"; exit 1; }
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: '$(PYTHON)' not found: apt-get install python3 python3-pip"; exit 1; }
	@$(PYTHON) -c "import numpy" 2>/dev/null || { echo "numpy is missing: installing it with pip"; $(PYTHON) -m pip install --quiet numpy || { echo "error: could not install numpy (pip install numpy)"; exit 1; }; }

check-prereqs: check-build-tools
	@command -v $(CXX) >/dev/null 2>&1 || { echo "error: a C++ compiler ('$(CXX)') is needed for the header check: apt-get install g++"; exit 1; }
	@for m in pytest hypothesis scipy mpmath; do \
	  $(PYTHON) -c "import $$m" 2>/dev/null || { echo "$$m is missing: installing it with pip"; \
	    $(PYTHON) -m pip install --quiet $$m || { echo "error: could not install $$m (pip install $$m)"; exit 1; }; }; \
	done

$(SWIFT_OUT): $(SWIFT_SOURCES) | check-build-tools
	$(SWIFT) build $(RELEASE_FLAGS)

$(LIB_SO): $(SWIFT_OUT)
	@mkdir -p $(LIB_DIR)
	cp $(SWIFT_OUT) $(LIB_REAL).tmp
	strip --strip-unneeded $(LIB_REAL).tmp
	mv -f $(LIB_REAL).tmp $(LIB_REAL)
	ln -sf liblogits.so.$(VERSION) $(LIB_DIR)/liblogits.so.$(ABI_MAJOR)
	ln -sf liblogits.so.$(ABI_MAJOR) $(LIB_SO)

build/demo: bindings/c/demo.c include/logits.h $(LIB_SO)
	$(CC) $(CWARN) -O2 -o $@ $< $(CLINK)

demo: build/demo
	@echo "== C example (bindings/c/demo.c) =="
	@./build/demo
	@echo
	@echo "== Python example (bindings/python/examples/demo.py) =="
	@PYTHONPATH=bindings/python $(PYTHON) bindings/python/examples/demo.py

test: check-prereqs lib test-swift test-c test-python test-abi test-portable test-checks \
	test-fuzz-replay test-ship
	@echo "make test: all suites passed"

test-swift:
	@echo "== Swift tests (swift test) =="
	$(SWIFT) test

C_TESTS := $(patsubst Tests/c/%.c,build/%,$(wildcard Tests/c/test_*.c))

build/test_%: Tests/c/test_%.c Tests/c/harness.h Tests/c/operation_list.h include/logits.h abi/operations.h $(LIB_SO)
	$(CC) $(CWARN) -O1 -o $@ $< $(CLINK)

test-c: $(C_TESTS)
	@echo "== C tests =="
	$(CXX) -std=c++11 -Wall -Wextra -Werror -pedantic -Iinclude -fsyntax-only Tests/c/header_cxx.cpp
	@for t in $(C_TESTS); do echo "-- $$t"; ./$$t || exit 1; done

test-python: lib
	@echo "== Python tests (pytest) =="
	PYTHONPATH=bindings/python $(PYTHON) -m pytest -q Tests/python --doctest-modules bindings/python/logits

test-abi: lib
	@echo "== ABI checks =="
	$(PYTHON) tools/check_operations.py
	CLANG="$(CLANG)" sh Tests/abi/check_abi.sh $(LIB_REAL) $(ABI_MAJOR)

test-portable: build/demo
	@echo "== Runs without the Swift toolchain =="
	PYTHON="$(PYTHON)" sh Tests/abi/check_portable.sh

clean:
	rm -rf build .build

# Sanitizer, valgrind, 8-thread and trap checks of the C interface.
include Tests/checks.mk

# Fuzzing (make fuzz, test-fuzz-replay) and the accuracy contract (make accuracy).
include Tests/trust.mk

# Packaging checks (pip install, make install + pkg-config, Swift consumer,
# Dask, docs): make test-ship, install, uninstall, docs, plots.
include Tests/ship.mk

# Side-by-side benchmark with the peers (not part of make test).
include bench/bench.mk
