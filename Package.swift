// swift-tools-version: 6.1
// Variational: variational inference and variational autoencoders in Swift.
import PackageDescription

/// Hot generic code is specialised across modules through `@inlinable`; these flags only
/// tune the optimiser and are safe for packages that depend on this one.
let optimisedSettings: [SwiftSetting] = []

let blasLinking: [LinkerSetting] = [
  .linkedLibrary("openblas", .when(platforms: [.linux, .android, .windows, .openbsd])),
  .linkedFramework("Accelerate", .when(platforms: [.macOS, .iOS, .tvOS, .watchOS, .visionOS])),
]

/// The Swift examples of the README and of the DocC articles, written to Examples/Readme by
/// scripts/readme-examples and run by the release exit tests.
let readmeExamples = [
  "vae-training", "normal-model", "closed-form-gradient", "regression", "censored-measurements",
  "gaussian-process", "tensor", "docc-check-khat", "docc-fit-linear-regression",
  "docc-model-with-vector-parameter", "docc-vae-small",
]

let package = Package(
  name: "Variational",
  platforms: [.macOS(.v14)],
  products: [
    .library(name: "Variational", targets: ["Variational"]),
    .executable(name: "vae", targets: ["vae"]),
    .executable(name: "advi", targets: ["advi"]),
    .executable(name: "topics", targets: ["topics"]),
    .executable(name: "variational-demo", targets: ["variational-demo"]),
  ],
  // `swift build --traits MPI` adds data-parallel runs of `vae train` and `advi` over Open MPI
  // (module Distributed; needs libopenmpi-dev). Without it nothing of MPI is compiled or linked.
  traits: [
    .trait(
      name: "MPI",
      description: "Data-parallel training and minibatch ADVI across processes with Open MPI")
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // `swift package generate-documentation` (DocC); no product depends on it.
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // System libraries.
    .systemLibrary(
      name: "CBLAS",
      providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(
      name: "CZlib",
      providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    .systemLibrary(
      name: "CMPI",
      pkgConfig: "ompi-c",
      providers: [.apt(["libopenmpi-dev"]), .brew(["open-mpi"])]),

    // The library.
    .target(
      name: "CKernels"),
    // Single-precision products and convolutions on oneDNN (Linux; `libdnnl-dev`), which
    // picks AVX-512 or AVX2 kernels at run time; on Apple platforms its functions report
    // "not available" and TensorCore uses Accelerate.
    .target(
      name: "CCompute",
      linkerSettings: [
        .linkedLibrary("dnnl", .when(platforms: [.linux, .android, .windows, .openbsd])),
        .linkedLibrary("gomp", .when(platforms: [.linux, .android, .openbsd])),
      ]),
    .target(
      name: "TensorCore",
      dependencies: [
        "CBLAS", "CKernels", "CCompute", .product(name: "RealModule", package: "swift-numerics"),
      ],
      swiftSettings: optimisedSettings,
      linkerSettings: blasLinking),
    .target(
      name: "Distributions",
      dependencies: ["TensorCore", .product(name: "RealModule", package: "swift-numerics")]),
    .target(
      name: "Datasets",
      dependencies: ["CZlib", "TensorCore"]),
    .target(
      name: "Serialization",
      dependencies: ["TensorCore"]),
    .target(
      name: "Visualization",
      dependencies: ["CZlib", "Serialization", "TensorCore"]),
    .target(
      name: "Reporting"),
    .target(
      name: "Optimizers",
      dependencies: [
        "TensorCore", "CKernels", .product(name: "RealModule", package: "swift-numerics"),
      ]),
    .target(
      name: "NeuralNetworks",
      dependencies: [
        "TensorCore", .product(name: "RealModule", package: "swift-numerics"),
        "CKernels", "CCompute",
      ]),
    .target(
      name: "VAE",
      dependencies: [
        "TensorCore", "Distributions", "NeuralNetworks", "Optimizers", "Datasets", "Serialization",
        "Visualization", "Reporting",
      ]),
    .target(
      name: "Inference",
      dependencies: [
        "CKernels", "TensorCore", "Distributions", "Optimizers", "Serialization", "Datasets",
        "Reporting", .product(name: "RealModule", package: "swift-numerics"),
      ]),
    // Topic models: corpus reading and tokenising, LDA by batch and online variational Bayes,
    // perplexity and NPMI coherence.
    .target(
      name: "TopicModels",
      dependencies: [
        "TensorCore", "Distributions", "Serialization", "Visualization", "NeuralNetworks",
        "Optimizers", "Reporting",
      ]),
    // Runs across processes with Open MPI (trait MPI; CMPIShim is empty without it):
    // `MPIProcessGroup`, and the start and end of a command-line tool under `mpirun` (without
    // MPI: the refusal to run as one of several processes).
    .target(
      name: "CMPIShim",
      dependencies: [.target(name: "CMPI", condition: .when(traits: ["MPI"]))],
      cSettings: [.define("VARIATIONAL_MPI", .when(traits: ["MPI"]))]),
    .target(
      name: "Distributed",
      dependencies: [
        "CMPIShim", "TensorCore", "Reporting",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .target(
      name: "Variational",
      dependencies: [
        "TensorCore", "Distributions", "Datasets", "Serialization", "Visualization", "Reporting",
        "Optimizers", "NeuralNetworks", "VAE", "Inference", "TopicModels",
      ]),

    // Command-line tools.
    .executableTarget(
      name: "vae",
      dependencies: [
        "VAE", "Datasets", "Reporting", "Serialization", "TensorCore", "Visualization",
        .product(name: "ArgumentParser", package: "swift-argument-parser"), "Distributed",
      ]),
    .executableTarget(
      name: "advi",
      dependencies: [
        "Inference", "Datasets", "Serialization", "TensorCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"), "Distributed",
      ]),
    .executableTarget(
      name: "topics",
      dependencies: [
        "TopicModels", "Serialization", "Reporting", "TensorCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(
      name: "variational-demo",
      dependencies: ["Variational"]),

    // Examples.
    .executableTarget(
      name: "bnn-example",
      dependencies: ["Inference", "TensorCore", "Visualization"],
      path: "Examples/BayesianNeuralNetwork"),

    // Fits models that make one mistake each, for ReleaseExitTests (built by
    // `swift build -c release`).
    .executableTarget(
      name: "model-mistakes",
      dependencies: ["Inference", "TensorCore", "Distributions", "Datasets"],
      path: "Tests/ModelMistakes"),

    // Runs the Float convolutions and products on the compute backend against Double, for
    // ReleaseExitTests (with and without ONEDNN_MAX_CPU_ISA=AVX2).
    .executableTarget(
      name: "compute-check",
      dependencies: ["NeuralNetworks", "TensorCore"],
      path: "Tests/ComputeCheck"),

    // Benchmarks.
    .target(name: "CPeak", path: "Benchmarks/CPeak"),
    .executableTarget(
      name: "TensorBenchmarks",
      dependencies: ["TensorCore", "CBLAS", "CCompute", "CPeak"],
      path: "Benchmarks/TensorBenchmarks",
      linkerSettings: blasLinking),
    .executableTarget(
      name: "gemm-floor", dependencies: ["CBLAS", "CCompute"], path: "Benchmarks/GEMMFloor",
      linkerSettings: blasLinking),

    // posteriordb's reference posteriors as models, and the benchmark that fits them.
    .target(
      name: "PosteriorDBModels",
      dependencies: [
        "Inference", "Distributions", "TensorCore",
        .product(name: "RealModule", package: "swift-numerics"),
      ],
      path: "Benchmarks/PosteriorDB/Models"),
    .executableTarget(
      name: "posteriordb-benchmark",
      dependencies: [
        "Inference", "PosteriorDBModels", "TensorCore", "Distributions",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "RealModule", package: "swift-numerics"),
      ],
      path: "Benchmarks/PosteriorDB",
      exclude: ["Models"]),

    .executableTarget(
      name: "advi-benchmark",
      dependencies: [
        "Inference", "Datasets", "TensorCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/ADVIBenchmark"),

    // Tests.
    .target(
      name: "TestSupport",
      dependencies: ["TensorCore", .product(name: "RealModule", package: "swift-numerics")],
      path: "Tests/TestSupport"),
    // Counts heap allocations per thread by interposing `malloc` in the test binary.
    .target(
      name: "AllocationCounting",
      path: "Tests/AllocationCounting"),
    .testTarget(
      name: "TensorCoreTests",
      dependencies: [
        "TensorCore", "TestSupport", "CKernels",
        .product(name: "RealModule", package: "swift-numerics"),
      ]),
    .testTarget(
      name: "DistributionsTests",
      dependencies: [
        "Distributions", "TensorCore", "TestSupport",
        .product(name: "RealModule", package: "swift-numerics"),
      ]),
    .testTarget(
      name: "DatasetsTests",
      dependencies: ["Datasets", "TensorCore", "TestSupport"]),
    .testTarget(
      name: "SerializationTests",
      dependencies: ["Serialization", "TensorCore", "TestSupport"]),
    .testTarget(
      name: "OptimizersTests",
      dependencies: ["Optimizers", "TensorCore", "TestSupport"]),
    .testTarget(
      name: "NeuralNetworksTests",
      dependencies: ["NeuralNetworks", "Optimizers", "TensorCore", "TestSupport"]),
    .testTarget(
      name: "VAETests",
      dependencies: [
        "VAE", "Datasets", "Distributions", "Reporting", "Serialization", "TensorCore",
        "Visualization", "TestSupport",
      ]),
    .testTarget(
      name: "VAECommandTests",
      dependencies: [
        "vae", "TestSupport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(
      name: "ADVICommandTests",
      dependencies: [
        "advi", "TestSupport", "TensorCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .testTarget(
      name: "InferenceTests",
      dependencies: [
        "Inference", "TestSupport", "TensorCore", "Distributions", "Datasets", "Optimizers",
        "AllocationCounting",
        .product(name: "RealModule", package: "swift-numerics"),
      ]),
    // Runs the release builds of `advi`, `vae` and `model-mistakes` on bad input and checks
    // their messages and exit statuses; needs `swift build -c release` first.
    .testTarget(
      name: "ReleaseExitTests",
      dependencies: ["TestSupport"]),
    .testTarget(
      name: "PosteriorDBTests",
      dependencies: ["PosteriorDBModels", "Inference", "TensorCore", "TestSupport"],
      exclude: ["reference_log_joints.py"]),
    .testTarget(
      name: "TopicModelsTests",
      dependencies: [
        "TopicModels", "TestSupport", "TensorCore", "Distributions", "NeuralNetworks",
        "Optimizers",
      ]),
    .testTarget(
      name: "VisualizationTests",
      dependencies: ["Visualization", "Serialization", "TensorCore", "TestSupport"]),
  ]
    + readmeExamples.map { name in
      .executableTarget(
        name: "readme-\(name)", dependencies: ["Variational"], path: "Examples/Readme/\(name)")
    }
)

// libFuzzer targets for the file readers (Fuzz/README.md). They exist only when
// `VARIATIONAL_FUZZ` is set, as `scripts/fuzz` does for its sanitizer build (in its own
// `.build-fuzz` directory): a normal `swift build` neither sees nor needs them.
if Context.environment["VARIATIONAL_FUZZ"] != nil {
  let fuzzTargets: [(name: String, directory: String, dependencies: [Target.Dependency])] = [
    ("fuzz-idx", "IDX", ["Datasets"]),
    ("fuzz-npy", "NPY", ["Datasets"]),
    ("fuzz-csv", "CSV", ["Datasets"]),
    ("fuzz-safetensors", "SafeTensors", ["Serialization"]),
    ("fuzz-png", "PNG", ["Visualization", "CZlib"]),
    ("fuzz-config", "Config", ["VAE"]),
  ]
  for target in fuzzTargets {
    package.targets.append(
      .executableTarget(
        name: target.name, dependencies: target.dependencies,
        path: "Fuzz/Targets/\(target.directory)",
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
  }
}
