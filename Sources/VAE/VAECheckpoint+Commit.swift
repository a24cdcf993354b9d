import Foundation
import Serialization

/// Saving a run's epoch as one unit, and putting a run directory back in order after a crash.
///
/// An epoch's checkpoint, training state, configuration, metrics and pictures are committed
/// together by `DirectoryTransaction`: whenever `vae train` dies (a kill, a power cut, a full
/// disk), ``recover(_:)`` leaves the directory at the last epoch whose commit point was
/// reached, and nothing of a later one.
extension VAECheckpoint {
  /// Commits the checkpoint of `trainer` (its `config.json` carrying `data`, the record of the
  /// run's data) and `extraFiles` (such as the pictures) to `directory` as the unit "epoch k",
  /// creating the directory when needed.
  ///
  /// - Throws: ``VAEError/checkpoint(path:message:)`` naming the file that could not be
  ///   written and the epoch the directory still holds.
  public static func commit<E, D>(
    _ trainer: VAETrainer<E, D>, data: VAEDataRecord? = nil,
    extraFiles: [(name: String, bytes: [UInt8])] = [], to directory: String
  ) throws {
    let epoch = trainer.completedEpochs
    do {
      try DirectoryTransaction.commit(
        try files(of: trainer, data: data) + extraFiles, label: "epoch \(epoch)", in: directory)
    } catch let error as FileWriteError {
      let manifest = path(
        path(directory, DirectoryTransaction.stagingName), DirectoryTransaction.manifestName)
      if FileManager.default.fileExists(atPath: manifest) {
        throw VAEError.checkpoint(
          path: error.path,
          message: "\(error.message): epoch \(epoch) was saved but not yet put in place; "
            + "`vae train --output \(directory) --resume` finishes that and continues")
      }
      let kept =
        epoch > 1
        ? "\(directory) keeps epoch \(epoch - 1); fix the cause and continue with --resume"
        : "no epoch was saved; fix the cause and run again"
      throw VAEError.checkpoint(
        path: error.path, message: "\(error.message): epoch \(epoch) was not saved; \(kept)")
    }
  }

  /// Completes the commit of an epoch that was under way when a previous process died, or
  /// deletes the temporary files of one that had not reached its commit point; returns one
  /// line per thing done (nothing when the directory was in order).
  ///
  /// - Throws: ``VAEError/checkpoint(path:message:)`` when a committed epoch cannot be
  ///   installed (e.g. the directory became read-only).
  public static func recover(_ directory: String) throws -> [String] {
    let recovery: DirectoryTransaction.Recovery
    do { recovery = try DirectoryTransaction.recover(in: directory) } catch {
      throw VAEError.checkpoint(
        path: error.path, message: "\(error.message) (finishing the save of an earlier run)")
    }
    var notes: [String] = []
    if let label = recovery.completed {
      notes.append("finished saving \(label) in \(directory), which the last run had committed")
    }
    if !recovery.discarded.isEmpty {
      notes.append(
        "removed \(recovery.discarded.count) temporary file(s) of an unfinished save from "
          + "\(directory): " + recovery.discarded.joined(separator: ", "))
    }
    return notes
  }

  /// Whether `directory` holds at least one saved epoch (its configuration and weights).
  public static func hasSavedEpoch(in directory: String) -> Bool {
    FileManager.default.fileExists(atPath: path(directory, configurationFile))
      && FileManager.default.fileExists(atPath: path(directory, weightsFile))
  }
}
