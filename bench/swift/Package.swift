// swift-tools-version:6.1
// The Swift door beside the C door (make bench-swift, part of make bench):
// one process times the Swift API (`import Logits`, a path dependency with
// the trait DispatchedKernels, release build) and the C library's exports
// (build/lib/liblogits.so, opened with dlopen) on the same arrays.
import PackageDescription

let package = Package(
    name: "SwiftDoorBench",
    dependencies: [
        .package(name: "Logits", path: "../..", traits: ["DispatchedKernels"]),
    ],
    targets: [
        .executableTarget(
            name: "SwiftDoorBench",
            dependencies: [.product(name: "Logits", package: "Logits")]
        ),
    ]
)
