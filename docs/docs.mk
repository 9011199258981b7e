# docs/docs.mk: the documentation targets, included by the Makefile.
#
#   make docs    DocC documentation of the Swift API as static HTML in
#                build/docs/Logits.doccarchive (the toolchain's docc; no
#                plugin dependency): serve that folder with any static web
#                server (python3 -m http.server -d build/docs/Logits.doccarchive)
#                and open /documentation/logits; checks that every public
#                declaration has its page, and lists those without a doc
#                comment (DOCS_STRICT=1: fail if there is any)
#   make plots   regenerate docs/*.png with docs/make_plots.py
#
# Uses the main Makefile's SWIFT, PYTHON, DEPS.

ifndef LOGITS_DOCS_MK
LOGITS_DOCS_MK := $(lastword $(MAKEFILE_LIST))

.PHONY: docs plots

DOCC ?= $(shell command -v docc 2>/dev/null || { s=$$(command -v $(SWIFT) 2>/dev/null) && \
	d=$$(dirname "$$(readlink -f "$$s")")/docc && [ -x "$$d" ] && echo "$$d"; })

# Symbol graphs of the public API (swift package dump-symbol-graph, in its own
# scratch directory so the release and test builds stay as they are), then
# docc convert with the catalog in Sources/Logits/Logits.docc. Only the
# toolchain is needed: no swift-docc-plugin, so users of the Logits product
# never resolve a documentation dependency.
DOCS_SYMBOLS := build/docs-build/$(shell uname -m)-unknown-linux-gnu/symbolgraph
docs: check-build-tools $(DEPS)
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
	  --output-path build/docs/Logits.doccarchive --transform-for-static-hosting --warnings-as-errors
	@echo "docs: build/docs/Logits.doccarchive, static HTML: view it with"
	@echo "      python3 -m http.server -d build/docs/Logits.doccarchive 8000"
	@echo "      and open http://localhost:8000/documentation/logits"
	@$(PYTHON) Tests/ship/doc_coverage.py build/docs-symbols --export build/docs/Logits.doccarchive \
	  $(if $(DOCS_STRICT),--strict)

plots: check-build-tools lib $(DEPS)
	PYTHONPATH=bindings/python $(PYTHON) docs/make_plots.py

endif
