/// `vae train` stopped at a request (SIGINT or SIGTERM) after saving an epoch.
public struct TrainingInterrupted: Error, CustomStringConvertible, Sendable {
  /// The run directory.
  public var directory: String
  /// The last epoch saved.
  public var epoch: Int
  /// The epochs the run is to train.
  public var epochs: Int

  /// Which epoch was saved, and the command that continues the run.
  public var description: String {
    "stopped after saving epoch \(epoch) of \(epochs) in \(directory); continue with "
      + "`vae train --output \(directory) --resume`"
  }
}
