import Foundation
import VAE

/// libFuzzer entry: the bytes of a run's `config.json`, decoded and validated as
/// `VAECheckpoint.configuration(in:)` does, then the training settings validated as
/// `vae train --resume` does. Every malformed input must throw `VAEError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfig(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = Data(UnsafeBufferPointer(start: data, count: size))
  do {
    let configuration = try VAECheckpoint.decodeConfiguration(bytes, path: "fuzz")
    precondition(configuration.model.inputSize > 0)
    try configuration.training.validate()
  } catch {
    _ = error.description
  }
  return 0
}
