"""`vae train --architecture conv` in PyTorch, timed per epoch (Benchmarks/vae/run.sh).

The model of Sources/VAE/ConvNetworks.swift, layer for layer, with PyTorch's default
initialisation (which ours reproduces: weights and biases uniform on ±1/√fanIn, fanIn taken
from the weight's second axis also for the transposed convolutions):

    encoder  [B, 1, 28, 28] → conv 3×3 s2 p1, 32, ReLU → conv 3×3 s2 p1, 64, ReLU
             → flatten 64·7·7 → dense 400, ReLU → head 2·20 = [μ | log σ²]
    decoder  z [B, 20] → dense 64·7·7, ReLU → [B, 64, 7, 7]
             → transposed conv 3×3 s2 p1 op1, 64, ReLU → transposed conv 3×3 s2 p1 op1, 32,
             ReLU → transposed conv 3×3 s1 p1, 1 → Bernoulli logits [B, 784]

Loss: binary cross-entropy with logits on grey levels in [0, 1], summed over pixels and the
batch, plus the analytic KL, summed (the PyTorch VAE example's, and ours); Adam 1e-3; batches
of 128 in a fresh random order each epoch from one float tensor (no DataLoader). Prints one
JSON line: epoch seconds, train and test negative ELBO per epoch, peak RSS, and optionally the
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

SIDE = 28


class ConvEncoder(nn.Module):
    def __init__(self, hidden=400):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, stride=2, padding=1)
        self.dense = nn.Linear(64 * (SIDE // 4) ** 2, hidden)

    def forward(self, x):
        h = x.reshape(-1, 1, SIDE, SIDE)
        h = F.relu(self.conv2(F.relu(self.conv1(h))))
        return F.relu(self.dense(h.flatten(1)))


class ConvDecoder(nn.Module):
    def __init__(self, latent=20):
        super().__init__()
        self.dense = nn.Linear(latent, 64 * (SIDE // 4) ** 2)
        self.deconv1 = nn.ConvTranspose2d(64, 64, 3, stride=2, padding=1, output_padding=1)
        self.deconv2 = nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1)
        self.output = nn.ConvTranspose2d(32, 1, 3, stride=1, padding=1)

    def forward(self, z):
        h = F.relu(self.dense(z)).reshape(-1, 64, SIDE // 4, SIDE // 4)
        h = F.relu(self.deconv2(F.relu(self.deconv1(h))))
        return self.output(h).flatten(1)  # logits


class ConvVAE(nn.Module):
    """Module names follow our checkpoint's tensor names (encoder.conv1.weight, …)."""

    def __init__(self, latent=20, hidden=400):
        super().__init__()
        self.encoder = ConvEncoder(hidden)
        self.encoder_head = nn.Linear(hidden, 2 * latent)  # [mean | log variance]
        self.decoder = ConvDecoder(latent)
        self.latent = latent

    def encode(self, x):
        mean, log_variance = self.encoder_head(self.encoder(x)).chunk(2, dim=1)
        return mean, log_variance

    def decode(self, z):
        return self.decoder(z)

    def loss_terms(self, x):
        """(reconstruction, KL), each summed over the batch, for one draw of z per image."""
        mean, log_variance = self.encode(x)
        z = mean + torch.exp(0.5 * log_variance) * torch.randn_like(mean)
        reconstruction = F.binary_cross_entropy_with_logits(self.decode(z), x, reduction="sum")
        kl = -0.5 * torch.sum(1 + log_variance - mean.pow(2) - log_variance.exp())
        return reconstruction, kl


@torch.no_grad()
def negative_elbo(model, images, batch=500):
    """The one-draw negative ELBO per image over `images` (as `vae train` reports it)."""
    total = 0.0
    for start in range(0, images.shape[0], batch):
        reconstruction, kl = model.loss_terms(images[start:start + batch])
        total += (reconstruction + kl).item()
    return total / images.shape[0]


@torch.no_grad()
def log_likelihood(model, images, samples, rows_per_batch=1_285):
    """The importance-sampled log p(x) averaged over `images`, K = `samples` per image.

    log p(x) ≈ log (1/K) Σ_k p(x | z_k) p(z_k) / q(z_k | x), z_k ~ q(z | x), computed with
    log-sum-exp; the K samples of several images are decoded together, sample-major, in
    batches of at most `rows_per_batch` rows: 1,285 for this model, as `vae evaluate` batches
    it (2²⁶ floats of activations over 52,228 per sample; at K = 1000, one image per batch).
    """
    total = 0.0
    per_batch = max(1, rows_per_batch // samples)
    for start in range(0, images.shape[0], per_batch):
        x = images[start:start + per_batch]
        count = x.shape[0]
        mean, log_variance = model.encode(x)
        epsilon = torch.randn(samples, count, model.latent)
        z = mean + torch.exp(0.5 * log_variance) * epsilon  # [K, count, d]
        logits = model.decode(z.reshape(samples * count, -1)).reshape(samples, count, -1)
        log_likelihood = -F.binary_cross_entropy_with_logits(
            logits, x.expand(samples, -1, -1), reduction="none").sum(-1)
        # log p(z) − log q(z | x): the −(d/2) log 2π terms cancel, and (z − μ)/σ = ε.
        log_prior = -0.5 * z.pow(2).sum(-1)
        log_posterior = -0.5 * epsilon.pow(2).sum(-1) - 0.5 * log_variance.sum(-1)
        weights = log_likelihood + log_prior - log_posterior  # [K, count]
        total += (torch.logsumexp(weights, 0) - math.log(samples)).sum().item()
    return total / images.shape[0]


def peak_rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit-train", type=int, default=0,
                        help="use only the first N training images (0: all 60,000)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--no-test", action="store_true",
                        help="skip the test negative ELBO after each epoch (untimed anyway)")
    parser.add_argument("--importance-samples", type=int, default=0,
                        help="K of the log p(x) estimate after training (0: none)")
    parser.add_argument("--limit", type=int, default=1000,
                        help="test images of the log p(x) estimate")
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(arguments.seed)
    train = read_images("train")
    if arguments.limit_train > 0:
        train = train[:arguments.limit_train]
    train = torch.from_numpy(train.astype(np.float32) / 255)
    test = torch.from_numpy(read_images("t10k").astype(np.float32) / 255)
    model = ConvVAE()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    seconds, losses, test_losses = [], [], []
    for _ in range(arguments.epochs):
        start = time.perf_counter()
        order = torch.randperm(train.shape[0])
        total = 0.0
        for begin in range(0, train.shape[0], arguments.batch_size):
            x = train[order[begin:begin + arguments.batch_size]]
            optimizer.zero_grad(set_to_none=True)
            reconstruction, kl = model.loss_terms(x)
            loss = reconstruction + kl
            loss.backward()
            optimizer.step()
            total += loss.item()
        seconds.append(time.perf_counter() - start)
        losses.append(total / train.shape[0])
        if not arguments.no_test:
            test_losses.append(negative_elbo(model, test))
    result = {
        "peer": "pytorch-conv", "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "images": train.shape[0], "epoch_seconds": seconds, "train_negative_elbo": losses,
        "test_negative_elbo": test_losses,
        "parameters": sum(p.numel() for p in model.parameters()),
        "peak_rss_kib_training": peak_rss_kib(),
    }
    if arguments.importance_samples > 0:
        start = time.perf_counter()
        result["log_likelihood"] = log_likelihood(
            model, test[:arguments.limit], arguments.importance_samples)
        result["log_likelihood_seconds"] = time.perf_counter() - start
    result["peak_rss_kib"] = peak_rss_kib()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
