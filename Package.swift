// swift-tools-version:6.0
// Logits: softmax, log-softmax, logsumexp, sigmoid family, their gradients.
//
// Products
//   Logits  the Swift API (`import Logits`): pure Swift, no Foundation, no
//           unsafeFlags, so other packages can depend on it by path or URL.
//           Its kernels are compiled for the baseline of the target platform.
//   logits  liblogits.so, the C ABI declared in include/logits.h. Build it with
//           `make` (which adds the static Swift runtime, the SONAME and the
//           export list from the command line). On x86-64 it also holds copies
//           of the kernels built for x86-64-v3 (AVX2 + FMA) and x86-64-v4
//           (AVX-512), targets LogitsV3 / LogitsV4, and picks one at run time
//           from the CPU's features. Those two targets need unsafeFlags; they
//           belong to this product only.
import PackageDescription

#if arch(x86_64)
let cpuLevels: [String] = ["LogitsV3", "LogitsV4"]
#else
let cpuLevels: [String] = []
#endif

func cpuLevelTarget(_ name: String) -> Target {
    let march = name == "LogitsV3" ? "x86-64-v3" : "x86-64-v4"
    return .target(name: name, dependencies: ["Logits"],
                   swiftSettings: [.define("LOGITS_CPU_LEVEL"),
                                   .unsafeFlags(["-Xcc", "-march=\(march)", "-Xcc", "-mprefer-vector-width=512"])])
}

let package = Package(
    name: "Logits",
    products: [
        .library(name: "Logits", targets: ["Logits"]),
        .library(name: "logits", type: .dynamic, targets: ["LogitsC"]),
    ],
    targets: [
        .target(name: "Logits", dependencies: ["CLogitsShims"]),
        // The small C part: the calling thread's last refusal (thread-local
        // plain data) and its message (snprintf), for the C door and, through
        // the same formatter, the Swift API's messages.
        .target(name: "CLogitsShims", cSettings: [.headerSearchPath("../../include")]),
        // The hand-written C header, imported by the export layer so that
        // `@c @implementation` checks every export against its declaration.
        .systemLibrary(name: "CLogits", path: "include"),
        .target(name: "LogitsC",
                dependencies: ["Logits", "CLogits", "CLogitsShims"] + cpuLevels.map { .target(name: $0) },
                swiftSettings: cpuLevels.isEmpty ? [] : [.define("LOGITS_X86_LEVELS")]),
        .testTarget(name: "LogitsTests", dependencies: ["Logits", "CLogitsShims"]),
    ] + cpuLevels.map(cpuLevelTarget)
)
