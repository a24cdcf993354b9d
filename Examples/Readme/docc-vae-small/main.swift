// Generated from a ```swift block of README.md or Variational.docc by scripts/readme-examples:
// edit the block, not this file.
// readme-example: run

import Variational

var configuration = VAEConfiguration()  // 784-400-20 MLP, Bernoulli decoder
configuration.latentDimension = 10
var training = TrainingConfiguration()  // Adam 1e-3, batches of 128, seed 1
training.epochs = 1

let train = try ImageDataset.fashionMNIST(split: .train).prefix(2000)
let test = try ImageDataset.fashionMNIST(split: .test).prefix(200)
var trainer = try VAETrainer<MLPNetwork, MLPNetwork>(
  configuration: configuration, training: training)
let metrics = try trainer.trainEpoch(on: train, test: test)
let logLikelihood = VAEEvaluation.logLikelihood(
  of: trainer.model, on: test, importanceSamples: 100, limit: 200, seed: 1)
// log p(x) ≥ ELBO: the importance-weighted bound is the tighter one.
print(logLikelihood >= -metrics.testNegativeELBO!)
// prints: true
var generator = Xoshiro256StarStar(seed: 7)
try VAEPictures.samples(from: trainer.model, count: 16, using: &generator)
  .writePNG(toPath: "samples.png")
