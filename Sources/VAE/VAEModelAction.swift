/// Something to do with a trained model of either architecture: `vae` opens a checkpoint
/// without knowing its network types, and hands the model to such an action.
public protocol VAEModelAction {
  associatedtype Result
  func callAsFunction<E: VAENetwork, D: VAENetwork>(
    _ model: VariationalAutoencoder<E, D>
  ) throws -> Result
}

extension VAECheckpoint {
  /// Loads the model saved in `directory`, whatever its architecture, and performs `action`
  /// on it.
  public static func withModel<Action: VAEModelAction>(
    in directory: String, perform action: Action
  ) throws -> Action.Result {
    switch try configuration(in: directory).model.architecture {
    case .mlp:
      return try action(
        loadModel(from: directory, as: VariationalAutoencoder<MLPNetwork, MLPNetwork>.self))
    case .conv:
      return try action(
        loadModel(
          from: directory,
          as: VariationalAutoencoder<ConvEncoderNetwork, ConvDecoderNetwork>.self))
    }
  }
}
