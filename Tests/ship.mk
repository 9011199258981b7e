# Tests/ship.mk: installing and shipping Logits, included by the Makefile.
#
#   make install          install the C library into $(PREFIX) (default
#                         /usr/local): lib/liblogits.so.<version> with its
#                         SONAME and dev symlinks, include/logits.h and
#                         lib/pkgconfig/logits.pc. DESTDIR=/stage is honoured
#                         (files go to /stage$(PREFIX), logits.pc still names
#                         $(PREFIX)). LIBDIR, INCLUDEDIR, PKGCONFIGDIR override
#                         the parts.
#   make uninstall        remove exactly the files `make install` put there
#                         (same PREFIX/DESTDIR/... as for install)
#   make docs             DocC documentation of the Swift API into build/docs
#                         (the toolchain's docc; no plugin dependency); lists
#                         public declarations without a doc comment
#                         (DOCS_STRICT=1: fail if there is any)
#   make plots            regenerate docs/*.png with docs/make_plots.py
#                         (installs matplotlib with pip when it is missing)
#   make test-ship        the five checks below, in order, each with its time:
#     test-ship-python    `pip install .` into a new venv under build/ship,
#                         then `import logits` from another directory
#     test-ship-sdist     `python -m build --sdist`, then `pip install` of the
#                         tarball into a new venv (rebuilds the library from
#                         the sdist alone), then the same import checks
#     test-ship-c         make install into a temporary prefix, build and run
#                         bindings/c/*.c with pkg-config, DESTDIR staging,
#                         make uninstall leaves the prefix empty
#     test-ship-swift     build and run Examples/SwiftConsumer, a separate
#                         package depending on this one by path
#     test-ship-dask      the Dask example on a 2-worker LocalCluster against
#                         whole-array Logits and numpy (installs dask[distributed]
#                         with pip when it is missing)
#     test-ship-docs      make docs (the catalog's symbol links must resolve)
#
# Uses the main Makefile's SWIFT, CC, CWARN, PYTHON, VERSION, ABI_MAJOR,
# LIB_REAL, LIB_SO.

ifndef LOGITS_SHIP_MK
LOGITS_SHIP_MK := $(lastword $(MAKEFILE_LIST))

.PHONY: install uninstall docs plots test-ship test-ship-python test-ship-c \
	test-ship-swift test-ship-dask test-ship-docs test-ship-sdist

PREFIX       ?= /usr/local
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

SHIP_MAKE := $(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST))
SHIP_DIR  := build/ship

# Directories below $(PREFIX) are written as ${prefix}/... in logits.pc, so
# `pkg-config --define-prefix` can relocate it.
ship_pcdir = $(patsubst $(PREFIX)/%,$${prefix}/%,$(patsubst $(PREFIX),$${prefix},$(1)))

install: $(LIB_SO)
	@case "$(PREFIX)" in /*) ;; *) echo "error: PREFIX must be an absolute path, got '$(PREFIX)'"; exit 1;; esac
	install -d "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(INCLUDEDIR)" "$(DESTDIR)$(PKGCONFIGDIR)"
	install -m 755 $(LIB_REAL) "$(DESTDIR)$(LIBDIR)/liblogits.so.$(VERSION)"
	ln -sfn liblogits.so.$(VERSION) "$(DESTDIR)$(LIBDIR)/liblogits.so.$(ABI_MAJOR)"
	ln -sfn liblogits.so.$(ABI_MAJOR) "$(DESTDIR)$(LIBDIR)/liblogits.so"
	install -m 644 include/logits.h "$(DESTDIR)$(INCLUDEDIR)/logits.h"
	@mkdir -p build
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(call ship_pcdir,$(LIBDIR))|g' \
	    -e 's|@INCLUDEDIR@|$(call ship_pcdir,$(INCLUDEDIR))|g' -e 's|@VERSION@|$(VERSION)|g' \
	    logits.pc.in > build/logits.pc
	install -m 644 build/logits.pc "$(DESTDIR)$(PKGCONFIGDIR)/logits.pc"
	@echo "installed liblogits $(VERSION) into $(DESTDIR)$(PREFIX)"
	@case "$(LIBDIR)" in /usr/lib|/usr/local/lib|/usr/lib/*|/usr/local/lib/*) \
	  [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null 2>&1 && ldconfig || true;; \
	  *) echo "note: $(LIBDIR) is not a system library directory: link with -Wl,-rpath,$(LIBDIR) or set LD_LIBRARY_PATH";; esac

uninstall:
	rm -f "$(DESTDIR)$(LIBDIR)/liblogits.so.$(VERSION)" "$(DESTDIR)$(LIBDIR)/liblogits.so.$(ABI_MAJOR)" \
	      "$(DESTDIR)$(LIBDIR)/liblogits.so" "$(DESTDIR)$(INCLUDEDIR)/logits.h" \
	      "$(DESTDIR)$(PKGCONFIGDIR)/logits.pc"

# --- documentation -----------------------------------------------------------

DOCC ?= $(shell command -v docc 2>/dev/null || { s=$$(command -v $(SWIFT) 2>/dev/null) && \
	d=$$(dirname "$$(readlink -f "$$s")")/docc && [ -x "$$d" ] && echo "$$d"; })

# Symbol graphs of the public API (swift package dump-symbol-graph, in its own
# scratch directory so the release and test builds stay as they are), then
# docc convert with the catalog in Sources/Logits/Logits.docc. Only the
# toolchain is needed: no swift-docc-plugin, so users of the Logits product
# never resolve a documentation dependency.
DOCS_SYMBOLS := build/docs-build/$(shell uname -m)-unknown-linux-gnu/symbolgraph
docs: check-build-tools
	@[ -n "$(DOCC)" ] || { echo "error: 'docc' not found; it ships with the Swift toolchain (usr/bin/docc)"; exit 1; }
	rm -rf build/docs build/docs-symbols && mkdir -p build/docs build/docs-symbols
	@rm -rf $(DOCS_SYMBOLS)
	@# The command also tries the test modules and fails on them (they are not
	@# built); only the Logits graph matters, and it must be there.
	$(SWIFT) package --scratch-path build/docs-build dump-symbol-graph --emit-extension-block-symbols \
	  > build/docs/symbol-graph.log 2>&1 || true
	@[ -s $(DOCS_SYMBOLS)/Logits.symbols.json ] || { cat build/docs/symbol-graph.log; \
	  echo "error: no symbol graph for Logits (log above)"; exit 1; }
	cp $(DOCS_SYMBOLS)/Logits.symbols.json $(DOCS_SYMBOLS)/Logits@*.symbols.json build/docs-symbols/
	$(DOCC) convert Sources/Logits/Logits.docc --additional-symbol-graph-dir build/docs-symbols \
	  --fallback-display-name Logits --fallback-bundle-identifier org.logits.Logits \
	  --output-path build/docs/Logits.doccarchive --warnings-as-errors
	@echo "docs: build/docs/Logits.doccarchive (add --transform-for-static-hosting to"
	@echo "      the docc convert line to serve it from any static web server)"
	@$(PYTHON) Tests/ship/doc_coverage.py build/docs-symbols $(if $(DOCS_STRICT),--strict)

plots: check-build-tools lib
	@$(PYTHON) -c "import matplotlib" 2>/dev/null || { echo "matplotlib is missing: installing it with pip"; \
	  $(PYTHON) -m pip install --quiet matplotlib || { echo "error: could not install matplotlib (pip install matplotlib)"; exit 1; }; }
	PYTHONPATH=bindings/python $(PYTHON) docs/make_plots.py

# --- tests ---------------------------------------------------------------------

# Each step in order, even under make -j, with its wall-clock time.
test-ship: lib
	@for t in test-ship-python test-ship-sdist test-ship-c test-ship-swift test-ship-dask test-ship-docs; do \
	  s=$$(date +%s); \
	  $(SHIP_MAKE) $$t || { echo "test-ship: $$t failed"; exit 1; }; \
	  echo "test-ship: $$t passed in $$(( $$(date +%s) - s )) s"; echo; \
	done; echo "test-ship: all passed"

test-ship-python: check-build-tools
	@echo "== pip install . into a new virtual environment, import from elsewhere =="
	PYTHON="$(PYTHON)" sh Tests/ship/pip_install.sh

test-ship-sdist: check-build-tools
	@echo "== sdist: python -m build --sdist, pip install the tarball, import elsewhere =="
	PYTHON="$(PYTHON)" sh Tests/ship/sdist_install.sh

test-ship-c: $(LIB_SO)
	@echo "== make install + pkg-config + bindings/c examples + make uninstall =="
	@command -v pkg-config >/dev/null 2>&1 || { echo "pkg-config is missing: installing it with apt-get"; \
	  { apt-get install -y -qq pkg-config >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq pkg-config >/dev/null 2>&1; }; } \
	  || { echo "error: could not install pkg-config (apt-get install pkg-config)"; exit 1; }; }
	CC="$(CC)" MAKE="$(MAKE)" sh Tests/ship/c_install.sh

test-ship-swift: check-build-tools
	@echo "== Examples/SwiftConsumer: a package that depends on Logits by path =="
	$(SWIFT) build --package-path Examples/SwiftConsumer --scratch-path $(CURDIR)/$(SHIP_DIR)/swift-consumer
	$(SWIFT) run --skip-build --package-path Examples/SwiftConsumer --scratch-path $(CURDIR)/$(SHIP_DIR)/swift-consumer

# The DocC catalog's symbol links must resolve (docc --warnings-as-errors).
test-ship-docs:
	@echo "== make docs: DocC catalog + doc comments, warnings are errors =="
	@$(SHIP_MAKE) docs

test-ship-dask: lib
	@echo "== Dask: chunked softmax and cross-entropy on a 2-worker LocalCluster =="
	@for m in pytest "dask.array" "dask.distributed"; do $(PYTHON) -c "import $$m" 2>/dev/null || { \
	  echo "dask[distributed] (or pytest) is missing: installing it with pip"; \
	  $(PYTHON) -m pip install --quiet pytest "dask[array,distributed]" || \
	    { echo "error: could not install dask (pip install 'dask[array,distributed]')"; exit 1; }; break; }; done
	PYTHONPATH=bindings/python:bindings/python/examples $(PYTHON) -m pytest -q -p no:cacheprovider Tests/ship/test_dask.py \
	  --doctest-modules bindings/python/examples/dask_softmax.py

endif
