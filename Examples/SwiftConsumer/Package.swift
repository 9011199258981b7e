// swift-tools-version:6.1
// A separate package that uses Logits the way any Swift user would: as a
// dependency, importing the `Logits` product. `make test-ship` builds and
// runs it; run it yourself from the repository root with
//
//     swift run --package-path Examples/SwiftConsumer
//
// In your own package, by path (the AVX2/AVX-512 kernels, as fast as the C
// library):
//
//     .package(path: "../Logits", traits: ["DispatchedKernels"])
//
// or by URL (the baseline kernels: SwiftPM refuses unsafeFlags in a remote
// package, so the trait cannot be enabled there):
//
//     .package(url: "<repository>", from: "0.6.0")
import PackageDescription

let package = Package(
    name: "LogitsConsumer",
    dependencies: [
        // `name:` pins the package's identity to "Logits" whatever the folder
        // of the checkout is called (a path dependency is otherwise known by
        // its folder name).
        .package(name: "Logits", path: "../..", traits: ["DispatchedKernels"]),
    ],
    targets: [
        .executableTarget(
            name: "LogitsConsumer",
            dependencies: [.product(name: "Logits", package: "Logits")]
        ),
    ]
)
