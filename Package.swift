// swift-tools-version:6.0
// Logits: softmax, log-softmax, logsumexp, sigmoid family, their gradients.
//
// Products
//   Logits  the Swift API (`import Logits`): pure Swift, no Foundation, no
//           unsafeFlags, so other packages can depend on it by path or URL.
//   logits  liblogits.so, the C ABI declared in include/logits.h. Build it with
//           `make` (which adds the static Swift runtime, the SONAME and the
//           export list from the command line, never from this file).
import PackageDescription

let package = Package(
    name: "Logits",
    products: [
        .library(name: "Logits", targets: ["Logits"]),
        .library(name: "logits", type: .dynamic, targets: ["LogitsC"]),
    ],
    targets: [
        .target(name: "Logits"),
        // The hand-written C header, imported by the export layer so that
        // `@c @implementation` checks every export against its declaration.
        .systemLibrary(name: "CLogits", path: "include"),
        .target(name: "LogitsC", dependencies: ["Logits", "CLogits"]),
        .testTarget(name: "LogitsTests", dependencies: ["Logits"]),
    ]
)
