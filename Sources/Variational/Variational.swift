// The umbrella module: `import Variational` brings in the whole library.
@_exported import Datasets
@_exported import Distributions
@_exported import Inference
@_exported import NeuralNetworks
@_exported import Optimizers
@_exported import Reporting
@_exported import Serialization
@_exported import TensorCore
@_exported import VAE
@_exported import Visualization
