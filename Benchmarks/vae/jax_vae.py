"""The `vae train` model and protocol in JAX, one jit-compiled train step (Benchmarks/vae/run.sh).

784-400-20 MLP with ReLU, Bernoulli decoder on grey levels (binary cross-entropy with logits,
summed), Adam 1e-3 written out (PyTorch's formulas), batches of 128 in a fresh random order
each epoch, the data held in one device array and gathered inside the step. The first epoch
includes compilation; the harness quotes the median epoch. Prints one JSON line.
"""

import argparse
import json
import resource
import time

import numpy as np

from fashion_mnist import read_images


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()

    import jax
    import jax.numpy as jnp

    def dense_init(key, inputs, outputs):
        bound = 1 / np.sqrt(inputs)
        w_key, b_key = jax.random.split(key)
        return (jax.random.uniform(w_key, (inputs, outputs), jnp.float32, -bound, bound),
                jax.random.uniform(b_key, (outputs,), jnp.float32, -bound, bound))

    keys = jax.random.split(jax.random.PRNGKey(arguments.seed), 5)
    params = [dense_init(keys[0], 784, 400), dense_init(keys[1], 400, 40),
              dense_init(keys[2], 20, 400), dense_init(keys[3], 400, 784)]

    def loss(params, x, key):
        (w1, b1), (w2, b2), (w3, b3), (w4, b4) = params
        head = jax.nn.relu(x @ w1 + b1) @ w2 + b2
        mean, log_variance = head[:, :20], head[:, 20:]
        z = mean + jnp.exp(0.5 * log_variance) * jax.random.normal(key, mean.shape)
        logits = jax.nn.relu(z @ w3 + b3) @ w4 + b4
        reconstruction = jnp.sum(jax.nn.softplus(logits) - x * logits)
        kl = -0.5 * jnp.sum(1 + log_variance - mean ** 2 - jnp.exp(log_variance))
        return reconstruction + kl

    beta1, beta2, epsilon, rate = 0.9, 0.999, 1e-8, 1e-3

    @jax.jit
    def step(params, moments, count, data, indices, key):
        x = data[indices].astype(jnp.float32) / 255
        value, gradient = jax.value_and_grad(loss)(params, x, key)
        count = count + 1
        first, second = moments
        first = jax.tree_util.tree_map(lambda m, g: beta1 * m + (1 - beta1) * g, first, gradient)
        second = jax.tree_util.tree_map(
            lambda v, g: beta2 * v + (1 - beta2) * g * g, second, gradient)
        correction1 = 1 - beta1 ** count
        correction2 = 1 - beta2 ** count
        params = jax.tree_util.tree_map(
            lambda p, m, v: p - rate / correction1 * m / (jnp.sqrt(v / correction2) + epsilon),
            params, first, second)
        return params, (first, second), count, value

    # The images stay bytes on the device and are converted per batch inside the step, as ours.
    data = jnp.asarray(read_images("train"))
    moments = (jax.tree_util.tree_map(jnp.zeros_like, params),
               jax.tree_util.tree_map(jnp.zeros_like, params))
    count = jnp.zeros((), jnp.float32)
    generator = np.random.default_rng(arguments.seed)
    key = jax.random.PRNGKey(arguments.seed + 1)
    seconds, losses = [], []
    for _ in range(arguments.epochs):
        start = time.perf_counter()
        order = generator.permutation(data.shape[0])
        total = 0.0
        values = []
        for begin in range(0, data.shape[0], 128):
            key, subkey = jax.random.split(key)
            params, moments, count, value = step(
                params, moments, count, data, order[begin:begin + 128], subkey)
            values.append(value)
        total = float(jnp.sum(jnp.stack(values)))
        seconds.append(time.perf_counter() - start)
        losses.append(total / data.shape[0])
    print(json.dumps({
        "peer": "jax", "version": jax.__version__, "devices": str(jax.devices()),
        "epoch_seconds": seconds, "train_negative_elbo": losses,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))


if __name__ == "__main__":
    main()
