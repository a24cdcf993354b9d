import Foundation

// The command line of TensorBenchmarks.

/// What the user asked for on the command line.
struct Options {
  /// Fewer and shorter samples, for a smoke test.
  var quick = false

  static let usage = """
    USAGE: swift run -c release TensorBenchmarks [--quick] [--help]

    Micro-benchmarks of TensorCore against direct OpenBLAS calls and plain loops:
      1. matmul GFLOP/s on the VAE's shapes, their gradient GEMMs and 1024³, against a direct
         cblas_?gemm into a preallocated buffer, plus matmul's pullback through AD;
      2. elementwise throughput (GB/s) of exp, softplus, sigmoid and x + y on 1M Floats,
         against a plain loop over raw buffers;
      3. standard-normal generation (ns per number) for a 128×20 Float tensor.

    OPTIONS:
      --quick   fewer and shorter samples (a few seconds; numbers are indicative only)
      --help    print this message

    Build in release mode: debug-build numbers are meaningless. Set OPENBLAS_NUM_THREADS to pin
    OpenBLAS's thread count.
    """

  /// Parses the arguments (without the program name). Prints the usage and exits on `--help`
  /// (status 0) and on an unknown argument (status 2).
  static func parse(_ arguments: [String]) -> Options {
    var options = Options()
    for argument in arguments {
      switch argument {
      case "--quick": options.quick = true
      case "--help", "-h":
        print(usage)
        exit(0)
      default:
        printToStandardError("TensorBenchmarks: unknown argument '\(argument)'\n\n\(usage)")
        exit(2)
      }
    }
    return options
  }

  /// The time budget the options select.
  var budget: Budget { quick ? .quick : .full }
}

/// Writes `message` and a newline to standard error.
func printToStandardError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}
