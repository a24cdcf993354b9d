// Generated from a ```swift block of README.md or Variational.docc by scripts/readme-examples:
// edit the block, not this file.
// readme-example: compile only

import Variational

var configuration = VAEConfiguration()          // 784-400-20 MLP, Bernoulli decoder
configuration.latentDimension = 16
var training = TrainingConfiguration()            // Adam 1e-3, batch 128, 10 epochs, seed 1
training.epochs = 5

let train = try ImageDataset.fashionMNIST(split: .train)
let test = try ImageDataset.fashionMNIST(split: .test)
var trainer = try VAETrainer<MLPNetwork, MLPNetwork>(
  configuration: configuration, training: training)
for _ in 0..<training.epochs {
  let metrics = try trainer.trainEpoch(on: train, test: test)
  print(metrics.epoch, metrics.testNegativeELBO!)
}
try VAECheckpoint.save(trainer, to: "my-run")

var generator = Xoshiro256StarStar(seed: 7)
try VAEPictures.samples(from: trainer.model, count: 64, using: &generator)
  .writePNG(toPath: "samples.png")
let logLikelihood = VAEEvaluation.logLikelihood(
  of: trainer.model, on: test, importanceSamples: 1000, limit: 1000, seed: 1)
