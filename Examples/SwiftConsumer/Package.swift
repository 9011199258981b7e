// swift-tools-version:6.0
// A separate package that uses Logits the way any Swift user would: as a
// dependency by path (in your own package: `.package(url: "<repository>",
// from: "0.1.0")` or `.package(path: "../Logits")`), importing the `Logits`
// product. `make test-ship` builds and runs it; run it yourself with
//
//     swift run --package-path Examples/SwiftConsumer
import PackageDescription

let package = Package(
    name: "LogitsConsumer",
    dependencies: [
        // `name:` pins the package's identity to "Logits" whatever the folder
        // of the checkout is called (a path dependency is otherwise known by
        // its folder name).
        .package(name: "Logits", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "LogitsConsumer",
            dependencies: [.product(name: "Logits", package: "Logits")]
        ),
    ]
)
