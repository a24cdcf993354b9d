// The umbrella module: `import Variational` brings in the whole library.
@_exported import Datasets
@_exported import TensorCore
@_exported import Visualization
