"""The `vae train` model and protocol in PyTorch, timed per epoch (Benchmarks/vae/run.sh).

784-400-20 MLP with ReLU, Bernoulli decoder on grey levels (binary cross-entropy with logits,
summed), Adam 1e-3, batches of 128 in a fresh random order each epoch, the data held in one
float tensor (no DataLoader). Prints one JSON line: epoch seconds, peak RSS, and optionally the
importance-sampled log p(x) (K samples per image) with its wall time.
"""

import argparse
import json
import math
import resource
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from fashion_mnist import read_images


class VAE(nn.Module):
    def __init__(self, latent=20, hidden=400, pixels=784):
        super().__init__()
        self.encoder = nn.Linear(pixels, hidden)
        self.head = nn.Linear(hidden, 2 * latent)  # [mean | log variance]
        self.decoder_hidden = nn.Linear(latent, hidden)
        self.decoder_output = nn.Linear(hidden, pixels)
        self.latent = latent

    def encode(self, x):
        mean, log_variance = self.head(F.relu(self.encoder(x))).chunk(2, dim=1)
        return mean, log_variance

    def decode(self, z):
        return self.decoder_output(F.relu(self.decoder_hidden(z)))  # logits

    def loss(self, x):
        mean, log_variance = self.encode(x)
        z = mean + torch.exp(0.5 * log_variance) * torch.randn_like(mean)
        reconstruction = F.binary_cross_entropy_with_logits(self.decode(z), x, reduction="sum")
        kl = -0.5 * torch.sum(1 + log_variance - mean.pow(2) - log_variance.exp())
        return reconstruction + kl


@torch.no_grad()
def log_likelihood(model, images, samples, rows_per_batch=20_000):
    """The importance-sampled log p(x) averaged over `images`, K = `samples` per image."""
    total = 0.0
    per_batch = max(1, rows_per_batch // samples)
    for start in range(0, images.shape[0], per_batch):
        x = images[start:start + per_batch]
        batch = x.shape[0]
        mean, log_variance = model.encode(x)
        epsilon = torch.randn(samples, batch, model.latent)
        z = mean + torch.exp(0.5 * log_variance) * epsilon  # [K, batch, d]
        logits = model.decode(z.reshape(samples * batch, -1)).reshape(samples, batch, -1)
        log_likelihood = -F.binary_cross_entropy_with_logits(
            logits, x.expand(samples, -1, -1), reduction="none").sum(-1)
        log_prior = -0.5 * z.pow(2).sum(-1)
        log_posterior = -0.5 * epsilon.pow(2).sum(-1) - 0.5 * log_variance.sum(-1)
        weights = log_likelihood + log_prior - log_posterior
        total += (torch.logsumexp(weights, 0) - math.log(samples)).sum().item()
    return total / images.shape[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--importance-samples", type=int, default=0)
    parser.add_argument("--limit", type=int, default=1000)
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(arguments.seed)
    train = torch.from_numpy(read_images("train").astype(np.float32) / 255)
    model = VAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    seconds, losses = [], []
    for _ in range(arguments.epochs):
        start = time.perf_counter()
        order = torch.randperm(train.shape[0])
        total = 0.0
        for begin in range(0, train.shape[0], 128):
            x = train[order[begin:begin + 128]]
            optimizer.zero_grad(set_to_none=True)
            loss = model.loss(x)
            loss.backward()
            optimizer.step()
            total += loss.item()
        seconds.append(time.perf_counter() - start)
        losses.append(total / train.shape[0])
    result = {
        "peer": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
        "epoch_seconds": seconds, "train_negative_elbo": losses,
    }
    if arguments.importance_samples > 0:
        test = torch.from_numpy(read_images("t10k")[:arguments.limit].astype(np.float32) / 255)
        start = time.perf_counter()
        result["log_likelihood"] = log_likelihood(model, test, arguments.importance_samples)
        result["log_likelihood_seconds"] = time.perf_counter() - start
    result["peak_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))


if __name__ == "__main__":
    main()
