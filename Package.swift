// swift-tools-version:6.0
// The runbook compiler: a library that does the work (no I/O) and a thin command-line tool.
import PackageDescription

let package = Package(
  name: "runbook",
  products: [
    .executable(name: "runbook", targets: ["runbook"]),
    .library(name: "RunbookKit", targets: ["RunbookKit"]),
  ],
  targets: [
    .target(name: "RunbookKit"),
    .executableTarget(name: "runbook", dependencies: ["RunbookKit"]),
    // The benchmark: generates runbooks and times the release `runbook` beside baselines.
    .executableTarget(name: "runbook-bench"),
    .testTarget(
      name: "RunbookKitTests", dependencies: ["RunbookKit"], exclude: ["Fixtures", "Golden"]),
    .testTarget(name: "RunbookCLITests", dependencies: ["runbook"]),
  ]
)
