// The umbrella module: `import Variational` brings in the whole library, and Swift's
// differentiation module (`@differentiable`, `valueWithGradient`) with it.
@_exported import Datasets
@_exported import Distributions
@_exported import Inference
@_exported import NeuralNetworks
@_exported import Optimizers
@_exported import Reporting
@_exported import Serialization
@_exported import TensorCore
@_exported import TopicModels
@_exported import VAE
@_exported import Visualization
@_exported import _Differentiation
