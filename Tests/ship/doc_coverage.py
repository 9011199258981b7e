"""List the public Swift declarations of Logits that have no doc comment of
their own, from the symbol graphs `make docs` extracts.

    python3 Tests/ship/doc_coverage.py build/docs-symbols [--strict]

A declaration counts as documented when it has a doc comment, or inherits one
from a Logits protocol requirement (Float.doubleValue from
LogitsFloat.doubleValue). Compiler-synthesized members (hashValue,
hash(into:)) are not listed. Prints one line per undocumented declaration
with its file and line; with --strict, exits 1 if there is any.
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


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else Path("build/docs-symbols")
    strict = "--strict" in argv
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
