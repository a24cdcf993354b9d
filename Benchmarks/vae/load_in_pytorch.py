"""Load a `vae train` checkpoint into PyTorch and check it computes what `vae` computes.

    python load_in_pytorch.py RUN_DIR --vae PATH/TO/vae [--images 256]

RUN_DIR/checkpoint.safetensors stores dense weights `[in, out]` (the transpose of
`nn.Linear.weight`) and the encoder head packed as `[μ | log σ²]`. This script

1. maps the tensors onto the `VAE` module of torch_vae.py (imported, not copied) and loads
   them with `load_state_dict(strict=True)`;
2. also builds the `state_dict` of the PyTorch VAE example's module (`fc1`, `fc21`, `fc22`,
   `fc3`, `fc4`: the packed head split in two) and checks it against the module above;
3. runs `vae embed` and `vae evaluate --json` on the first N Fashion-MNIST test images and
   compares, against PyTorch on the same images:
   - the encoder means μ(x) (`vae embed`'s CSV, exact float text), to float tolerance;
   - the KL per latent dimension (`vae evaluate`, deterministic given μ and log σ²), which
     checks the log σ² half of the head;
   - the negative ELBO (`vae evaluate`, one noise sample per image: no command reports it with
     zero noise, nor the decoder's logits at z = μ(x) other than as a PNG), against PyTorch's
     mean over many noise draws, within 5 standard errors of a one-draw estimate. This is the
     only check of the decoder, and it is statistical.

Only the default architecture is supported: an MLP with one hidden layer and the Bernoulli
likelihood (what the PyTorch example trains). Exits 1 on a mismatch, 2 on an unsupported run.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

from fashion_mnist import read_images
from torch_vae import VAE

# Our name → the name in torch_vae.VAE's state_dict; dense weights are transposed.
TORCH_VAE_NAMES = {
    "encoder.0.weight": "encoder.weight",
    "encoder.0.bias": "encoder.bias",
    "encoder_head.weight": "head.weight",
    "encoder_head.bias": "head.bias",
    "decoder.0.weight": "decoder_hidden.weight",
    "decoder.0.bias": "decoder_hidden.bias",
    "decoder.1.weight": "decoder_output.weight",
    "decoder.1.bias": "decoder_output.bias",
}


def unsupported(message):
    print(f"load_in_pytorch: {message}", file=sys.stderr)
    print("load_in_pytorch: only the default model loads into the PyTorch example's module: "
          "vae train --architecture mlp --hidden <one size> --likelihood bernoulli",
          file=sys.stderr)
    sys.exit(2)


def read_run(directory):
    """The model configuration and the tensors of a run directory."""
    with open(os.path.join(directory, "config.json")) as file:
        model = json.load(file)["model"]
    if model.get("architecture", "mlp") != "mlp":
        unsupported(f"the run's architecture is {model['architecture']}, not mlp")
    if len(model.get("hiddenSizes", [400])) != 1:
        unsupported(f"the run has hidden sizes {model['hiddenSizes']}, not one hidden layer")
    if model.get("likelihood", "bernoulli") != "bernoulli":
        unsupported(f"the run's likelihood is {model['likelihood']}, not bernoulli")
    tensors = load_file(os.path.join(directory, "checkpoint.safetensors"))
    expected = set(TORCH_VAE_NAMES) | {"log_scale"}
    if set(tensors) != expected:
        unsupported(f"unexpected tensors {sorted(set(tensors) ^ expected)}")
    return model, tensors


def torch_vae_state_dict(tensors):
    """Our tensors as the state_dict of torch_vae.VAE (whose head stays packed)."""
    return {ours_to: (tensors[ours].t() if ours.endswith(".weight") else tensors[ours]).contiguous()
            for ours, ours_to in TORCH_VAE_NAMES.items()}


def example_state_dict(tensors):
    """Our tensors as the state_dict of the PyTorch VAE example (fc1, fc21, fc22, fc3, fc4)."""
    head_weight = tensors["encoder_head.weight"].t()  # [2d, hidden]: rows μ then log σ²
    head_bias = tensors["encoder_head.bias"]
    d = head_weight.shape[0] // 2
    return {
        "fc1.weight": tensors["encoder.0.weight"].t().contiguous(),
        "fc1.bias": tensors["encoder.0.bias"],
        "fc21.weight": head_weight[:d].contiguous(), "fc21.bias": head_bias[:d].contiguous(),
        "fc22.weight": head_weight[d:].contiguous(), "fc22.bias": head_bias[d:].contiguous(),
        "fc3.weight": tensors["decoder.0.weight"].t().contiguous(),
        "fc3.bias": tensors["decoder.0.bias"],
        "fc4.weight": tensors["decoder.1.weight"].t().contiguous(),
        "fc4.bias": tensors["decoder.1.bias"],
    }


def run(command):
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"load_in_pytorch: {' '.join(command)} failed:\n{result.stderr}")
    return result.stdout


def largest(name, ours, theirs, atol, rtol):
    """Prints the largest differences of two arrays; whether they agree to tolerance."""
    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    difference = np.abs(ours - theirs)
    relative = difference / np.maximum(np.abs(theirs), 1e-30)
    ok = bool(np.all(difference <= atol + rtol * np.abs(theirs)))
    index = np.unravel_index(np.argmax(difference), difference.shape)
    print(f"{name:<22} max |Δ| {difference.max():.3e} (at {tuple(int(i) for i in index)}: "
          f"vae {ours[index]:.9g}, torch {theirs[index]:.9g}), max rel {relative.max():.3e}, "
          f"mean |Δ| {difference.mean():.3e}  {'ok' if ok else 'MISMATCH'}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("run", help="a run directory written by `vae train`")
    parser.add_argument("--vae", required=True, help="the vae binary (release build)")
    parser.add_argument("--images", type=int, default=256, help="first N test images")
    parser.add_argument("--draws", type=int, default=400,
                        help="noise draws of PyTorch's estimate of the negative ELBO")
    parser.add_argument("--atol", type=float, default=1e-4)
    parser.add_argument("--rtol", type=float, default=1e-4)
    arguments = parser.parse_args()
    torch.manual_seed(0)

    model_config, tensors = read_run(arguments.run)
    hidden, latent = model_config.get("hiddenSizes", [400])[0], model_config.get("latentDimension", 20)
    pixels = tensors["encoder.0.weight"].shape[0]

    # 1. torch_vae.VAE, strictly.
    model = VAE(latent=latent, hidden=hidden, pixels=pixels)
    model.load_state_dict(torch_vae_state_dict(tensors), strict=True)
    model.eval()
    print(f"loaded {arguments.run}/checkpoint.safetensors into torch_vae.VAE "
          f"({pixels}-{hidden}-{latent}, strict=True)")

    x = torch.from_numpy(read_images("t10k")[:arguments.images].astype(np.float32) / 255)
    ok = True
    with torch.no_grad():
        mean, log_variance = model.encode(x)
        logits = model.decode(mean)  # the decoder at z = μ(x)

        # 2. The example's fc1/fc21/fc22/fc3/fc4 names, against the module above.
        example = example_state_dict(tensors)
        shapes = {"fc1.weight": (hidden, pixels), "fc21.weight": (latent, hidden),
                  "fc22.weight": (latent, hidden), "fc3.weight": (hidden, latent),
                  "fc4.weight": (pixels, hidden)}
        for name, shape in shapes.items():
            assert tuple(example[name].shape) == shape, (name, example[name].shape, shape)
        h = F.relu(F.linear(x, example["fc1.weight"], example["fc1.bias"]))
        same = (torch.equal(F.linear(h, example["fc21.weight"], example["fc21.bias"]), mean)
                and torch.equal(F.linear(h, example["fc22.weight"], example["fc22.bias"]),
                                log_variance)
                and torch.equal(F.linear(F.relu(F.linear(mean, example["fc3.weight"],
                                                         example["fc3.bias"])),
                                         example["fc4.weight"], example["fc4.bias"]), logits))
        print(f"fc1/fc21/fc22/fc3/fc4 state_dict gives the same μ, log σ², logits: "
              f"{'ok' if same else 'MISMATCH'}")
        ok &= same

    with tempfile.TemporaryDirectory() as scratch:
        # 3a. μ(x) from `vae embed`.
        embedded = os.path.join(scratch, "embed.csv")
        run([arguments.vae, "embed", "--checkpoint", arguments.run, "--limit",
             str(arguments.images), "--output", embedded])
        with open(embedded) as file:
            rows = list(csv.reader(file))
        ours_mean = np.array([[float(v) for v in row[:latent]] for row in rows[1:]], np.float32)
        ok &= largest("μ(x)", ours_mean, mean.numpy(), arguments.atol, arguments.rtol)

        # 3b. KL per dimension and the one-sample negative ELBO from `vae evaluate`.
        report_file = os.path.join(scratch, "evaluate.json")
        run([arguments.vae, "evaluate", "--checkpoint", arguments.run, "--limit",
             str(arguments.images), "--importance-samples", "1", "--json", report_file])
        with open(report_file) as file:
            report = json.load(file)
    with torch.no_grad():
        kl = 0.5 * (mean.pow(2) + log_variance.exp() - log_variance - 1)
        ok &= largest("KL per dimension", report["kl_per_dimension"], kl.mean(0).numpy(),
                      arguments.atol, arguments.rtol)
        reconstruction = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        print(f"{'recon. at z = μ(x)':<22} torch {reconstruction.mean().item():.4f} nats/image "
              "(no vae command prints it: not compared)")
        draws = []
        for _ in range(arguments.draws):
            z = mean + torch.exp(0.5 * log_variance) * torch.randn_like(mean)
            bce = F.binary_cross_entropy_with_logits(model.decode(z), x, reduction="none").sum(1)
            draws.append((bce + kl.sum(1)).mean().item())
        draws = np.array(draws)
        expected, spread = draws.mean(), draws.std(ddof=1)
        ours = report["negative_elbo"]
        within = abs(ours - expected) <= 5 * spread + 1e-3 * abs(expected)
        print(f"{'negative ELBO (1 draw)':<22} vae {ours:.4f}, torch {expected:.4f} ± {spread:.4f} "
              f"(mean ± sd of {arguments.draws} one-draw estimates), "
              f"|Δ| = {abs(ours - expected) / spread:.2f} sd  {'ok' if within else 'MISMATCH'}")
        ok &= within

    print("PyTorch computes what vae computes" if ok else "MISMATCH: see above")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
