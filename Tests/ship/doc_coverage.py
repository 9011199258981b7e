"""List the public Swift declarations of Logits that have no doc comment of
their own, from the symbol graphs `make docs` extracts.

    python3 Tests/ship/doc_coverage.py build/docs-symbols [--strict] [--export ARCHIVE]

A declaration counts as documented when it has a doc comment, or inherits one
from a Logits protocol requirement (Float.doubleValue from
LogitsFloat.doubleValue). Compiler-synthesized members (hashValue,
hash(into:)) are not listed. Prints one line per undocumented declaration
with its file and line; with --strict, exits 1 if there is any.

With --export ARCHIVE (the static HTML export, build/docs/Logits.doccarchive)
it also checks that every public declaration has its page there: each page's
JSON (data/documentation/...) names its symbol (metadata.externalID), and
every located symbol of the graphs must be among them; exits 1 otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def undocumented(folder: Path) -> list[str]:
    found = []
    for graph in sorted(folder.glob("Logits*.symbols.json")):
        for symbol in json.loads(graph.read_text())["symbols"]:
            location = symbol.get("location")
            if location is None:          # synthesized by the compiler
                continue
            doc = symbol.get("docComment")
            if doc is not None and doc.get("module", "Logits") == "Logits":
                continue
            where = f"{Path(location['uri']).name}:{location['position']['line'] + 1}"
            name = ".".join(symbol["pathComponents"])
            kind = symbol["kind"]["displayName"]
            note = " (only the standard library's generic doc)" if doc else ""
            found.append(f"{where}: {kind} {name}{note}")
    return sorted(set(found))


def without_page(folder: Path, archive: Path) -> tuple[int, list[str]]:
    """(pages, public declarations of the graphs that have no page in the export)."""
    pages = set()
    for page in (archive / "data" / "documentation").rglob("*.json"):
        external = json.loads(page.read_text()).get("metadata", {}).get("externalID")
        if external:
            pages.add(external)
    missing = []
    for graph in sorted(folder.glob("Logits*.symbols.json")):
        for symbol in json.loads(graph.read_text())["symbols"]:
            if symbol.get("location") is None or symbol["kind"]["identifier"] == "swift.extension":
                continue
            if symbol["identifier"]["precise"] not in pages:
                missing.append(".".join(symbol["pathComponents"]))
    return len(pages), sorted(set(missing))


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path("build/docs-symbols")
    strict = "--strict" in argv
    if "--export" in argv:
        archive = Path(argv[argv.index("--export") + 1])
        count, no_page = without_page(folder, archive)
        if no_page:
            print(f"doc export: {len(no_page)} public declaration(s) without a page in {archive}:")
            for name in no_page:
                print(f"  {name}")
            return 1
        print(f"doc export: every public declaration has its page ({count} symbol pages in {archive})")
    missing = undocumented(folder)
    if not missing:
        print("doc coverage: every public Swift declaration has a doc comment")
        return 0
    print(f"doc coverage: {len(missing)} public Swift declaration(s) without a doc comment:")
    for line in missing:
        print(f"  {line}")
    return 1 if strict else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
