import ArgumentParser
import Distributed

/// `vae`: train, evaluate and sample variational autoencoders from the command line.
@main
struct VAECommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vae",
    abstract: "Train, evaluate and sample variational autoencoders.",
    discussion: """
      With no subcommand, `vae` trains the PyTorch example's model (784-400-20 MLP, Bernoulli \
      decoder, Adam 1e-3, batch 128, 10 epochs) on Fashion-MNIST and writes a run directory.
      """,
    version: VAECommand.version,
    subcommands: [
      TrainCommand.self, EvaluateCommand.self, SampleCommand.self, ReconstructCommand.self,
      InterpolateCommand.self, EmbedCommand.self,
    ],
    defaultSubcommand: TrainCommand.self)

  /// Runs the command; under `mpirun`, as one of its processes (in a build with MPI), or with
  /// an error that says how to get one (without).
  static func main() {
    mainAcrossProcesses()
  }
}

extension VAECommand {
  /// What `vae --version` prints.
  static let version = "vae 0.1.0 (Variational)"
}
