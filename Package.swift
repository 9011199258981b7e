// swift-tools-version:6.1
// Logits: softmax, log-softmax, logsumexp, sigmoid family, their gradients.
//
// Products
//   Logits  the Swift API (`import Logits`): pure Swift, no Foundation, so
//           other packages can depend on it by path or URL. By default its
//           kernels are compiled for the baseline of the target platform.
//           With the trait DispatchedKernels (x86-64) it also links the
//           kernels built for x86-64-v3 and x86-64-v4 and picks one at run
//           time, as the C library does: the C door's speed. Those targets
//           need unsafeFlags, which SwiftPM allows for a root package and a
//           path dependency only, so the trait is opt-in:
//             .package(path: "../Logits", traits: ["DispatchedKernels"])
//             swift build --traits DispatchedKernels        (this package)
//           A URL dependency keeps the default (baseline kernels).
//   logits  liblogits.so, the C ABI declared in include/logits.h. Build it with
//           `make` (which adds the static Swift runtime, the SONAME and the
//           export list from the command line). On x86-64 it always holds the
//           x86-64-v3 (AVX2 + FMA) and x86-64-v4 (AVX-512) copies of the
//           kernels (targets LogitsV3 / LogitsV4) and picks one at run time
//           from the CPU's features.
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
        .library(name: "Logits", targets: ["Logits", "LogitsLevels"]),
        .library(name: "logits", type: .dynamic, targets: ["LogitsC"]),
    ],
    traits: [
        .trait(name: "DispatchedKernels",
               description: "Link the x86-64-v3 and x86-64-v4 kernels into the Swift API and pick one at "
                   + "run time (needs a root package or a path dependency: those targets use unsafeFlags)."),
    ],
    targets: [
        .target(name: "Logits", dependencies: ["CLogitsShims"]),
        // The CPU-level kernels for the Swift API, when the trait asks for them.
        .target(name: "LogitsLevels",
                dependencies: cpuLevels.map { .target(name: $0, condition: .when(traits: ["DispatchedKernels"])) }),
        // The small C part: the calling thread's last refusal (thread-local
        // plain data) and its message (snprintf), for the C door and, through
        // the same formatter, the Swift API's messages; the weak links to the
        // CPU-level tables.
        .target(name: "CLogitsShims", cSettings: [.headerSearchPath("../../include")]),
        // The hand-written C header, imported by the export layer so that
        // `@c @implementation` checks every export against its declaration.
        .systemLibrary(name: "CLogits", path: "include"),
        .target(name: "LogitsC",
                dependencies: ["Logits", "CLogits", "CLogitsShims"] + cpuLevels.map { .target(name: $0) }),
        .testTarget(name: "LogitsTests", dependencies: ["Logits", "LogitsLevels", "CLogitsShims"]),
    ] + cpuLevels.map(cpuLevelTarget)
)
