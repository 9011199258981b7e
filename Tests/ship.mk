# Tests/ship.mk: the packaging tests, included by the Makefile (install and
# uninstall are in the Makefile, docs and plots in docs/docs.mk).
#
#   make test-ship        the seven checks below, in order, each with its time:
#     test-ship-python    `pip install .` into a new venv under build/ship,
#                         then `import logits` from another directory
#     test-ship-sdist     `python -m build --sdist`, then `pip install` of the
#                         tarball into a new venv (rebuilds the library from
#                         the sdist alone), then the same import checks
#     test-ship-wheel     `make wheel` (dist/, manylinux-tagged by auditwheel
#                         repair: checked with auditwheel show), pip install of
#                         that wheel into a new venv, the same import checks
#                         (distribution logits-native), demo.py from elsewhere
#     test-ship-c         make install into a temporary prefix, build and run
#                         bindings/c/*.c with pkg-config, DESTDIR staging,
#                         make uninstall leaves the prefix empty
#     test-ship-swift     build and run Examples/SwiftConsumer, a separate
#                         package depending on this one by path
#     test-ship-dask      the Dask example on a 2-worker LocalCluster against
#                         whole-array Logits and numpy
#     test-ship-docs      make docs (the catalog's symbol links must resolve)
#
# Uses the main Makefile's SWIFT, CC, PYTHON, DEPS, LIB_SO and its wheel target.

ifndef LOGITS_SHIP_MK
LOGITS_SHIP_MK := $(lastword $(MAKEFILE_LIST))

.PHONY: test-ship test-ship-python test-ship-c test-ship-swift test-ship-dask test-ship-docs \
	test-ship-sdist test-ship-wheel

SHIP_MAKE := $(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST))
SHIP_DIR  := build/ship

# --- tests ---------------------------------------------------------------------

# Each step in order, even under make -j, with its wall-clock time.
test-ship: lib
	@for t in test-ship-python test-ship-sdist test-ship-wheel test-ship-c test-ship-swift test-ship-dask test-ship-docs; do \
	  s=$$(date +%s); \
	  $(SHIP_MAKE) $$t || { echo "test-ship: $$t failed"; exit 1; }; \
	  echo "test-ship: $$t passed in $$(( $$(date +%s) - s )) s"; echo; \
	done; echo "test-ship: all passed"

test-ship-python: check-build-tools $(DEPS)
	@echo "== pip install . into a new virtual environment, import from elsewhere =="
	PYTHON="$(PYTHON)" sh Tests/ship/pip_install.sh

test-ship-sdist: check-build-tools $(DEPS)
	@echo "== sdist: python -m build --sdist, pip install the tarball, import elsewhere =="
	PYTHON="$(PYTHON)" sh Tests/ship/sdist_install.sh

test-ship-wheel: check-build-tools $(DEPS)
	@echo "== wheel: make wheel (auditwheel repair), pip install it, import and demo.py elsewhere =="
	PYTHON="$(PYTHON)" MAKE="$(MAKE)" sh Tests/ship/wheel_install.sh

test-ship-c: $(LIB_SO)
	@echo "== make install + pkg-config + bindings/c examples + make uninstall =="
	@command -v pkg-config >/dev/null 2>&1 || { echo "error: pkg-config not found: run make deps"; exit 1; }
	CC="$(CC)" MAKE="$(MAKE)" sh Tests/ship/c_install.sh

test-ship-swift: check-build-tools
	@echo "== Examples/SwiftConsumer: a package that depends on Logits by path =="
	$(SWIFT) build --package-path Examples/SwiftConsumer --scratch-path $(CURDIR)/$(SHIP_DIR)/swift-consumer
	$(SWIFT) run --skip-build --package-path Examples/SwiftConsumer --scratch-path $(CURDIR)/$(SHIP_DIR)/swift-consumer

# The DocC catalog's symbol links must resolve (docc --warnings-as-errors).
test-ship-docs:
	@echo "== make docs: DocC catalog + doc comments, warnings are errors =="
	@$(SHIP_MAKE) docs

test-ship-dask: lib $(DEPS)
	@echo "== Dask: chunked softmax and cross-entropy on a 2-worker LocalCluster =="
	PYTHONPATH=bindings/python:bindings/python/examples $(PYTHON) -m pytest -q -p no:cacheprovider Tests/ship/test_dask.py \
	  --doctest-modules bindings/python/examples/dask_softmax.py

endif
