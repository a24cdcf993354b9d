import TensorCore

// TensorBenchmarks: micro-benchmarks of TensorCore against direct OpenBLAS calls and plain
// loops. Run with `swift run -c release TensorBenchmarks [--quick]`; see Options.swift for the
// command line and Benchmarks/README.md for the latest results.

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let budget = options.budget
let clock = ContinuousClock()
let start = clock.now
let usageAtStart = CPUUsage.now()

print("TensorBenchmarks\(options.quick ? " --quick (indicative numbers only)" : "")")
let machine = Machine.current()
machine.printDescription()

var generator = Xoshiro256StarStar(seed: 20_240_601)
runMatmulBenchmarks(budget: budget, generator: &generator)
runBackendBenchmarks(budget: budget, generator: &generator)
runPullbackBenchmark(budget: budget, generator: &generator)
runElementwiseBenchmarks(budget: budget, generator: &generator)
runRandomBenchmarks(budget: budget, generator: &generator)

print("")
print(
  "total time \(formattedDuration((clock.now - start).seconds)); load average now "
    + Machine.loadAverage())
let othersDuringRun = usageAtStart.flatMap { CPUUsage.now()?.othersBusyFraction(since: $0) }
print(CPUUsage.report(othersDuringRun, when: "during the run"))
