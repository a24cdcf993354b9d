"""The conv VAE's "products floor": what one epoch would take if only the convolutions,
transposed convolutions and dense products of the training step cost anything, timed with
PyTorch's own kernels in isolation (Benchmarks/vae/run.sh --architecture conv).

The layer shapes come from one forward pass of `torch_conv_vae.ConvVAE` on a batch (forward
hooks record each Conv2d, ConvTranspose2d and Linear's input and output), so they are exactly
the training step's. Each layer is then run alone, `--repeats` times in a row after a warm-up,
as the aten kernels autograd calls: the forward product (`aten.convolution` / `addmm`), and in the
backward the weight gradient and the input gradient (`aten.convolution_backward` with the bias
gradient masked off, or two `mm`s), except the input gradient of the first convolution, whose
input is the data. Bias gradients, activations, the loss, the sampling and Adam are left out.

FLOPs count 2 per multiply–add of each product. A layer's time is the median of its
`--repeats` runs, and the least such median over `--passes` passes over all layers (a best
case: on a shared machine one burst of load can double a layer's median; and run in a row, a
layer's operands stay in cache, which a training step does not give it). The floor is the sum
of the layers' times per step, scaled to `--images` images per epoch. Prints one JSON line.
"""

import argparse
import json
import statistics
import time

import torch
from torch import nn

from torch_conv_vae import ConvVAE

aten = torch.ops.aten


def layer_shapes(model, batch):
    """[(name, module, input shape, output shape)] of the product layers, in call order."""
    found, handles = [], []
    for name, module in model.named_modules():
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            def hook(module, inputs, output, name=name):
                found.append((name, module, tuple(inputs[0].shape), tuple(output.shape)))
            handles.append(module.register_forward_hook(hook))
    with torch.no_grad():
        x = torch.rand(batch, 28 * 28)
        mean, _ = model.encode(x)
        model.decode(mean)
    for handle in handles:
        handle.remove()
    return found


def forward_flops(module, input_shape, output_shape):
    """Multiply–adds × 2 of the layer's forward product (the same for each backward one)."""
    if isinstance(module, nn.Linear):
        return 2 * input_shape[0] * module.in_features * module.out_features
    k = module.kernel_size[0] * module.kernel_size[1]
    if isinstance(module, nn.ConvTranspose2d):  # every input pixel meets every filter tap
        positions = input_shape[0] * input_shape[2] * input_shape[3]
    else:  # every output pixel is one dot product over a patch
        positions = output_shape[0] * output_shape[2] * output_shape[3]
    return 2 * positions * module.in_channels * module.out_channels * k


def layer_step(module, input_shape, output_shape, input_gradient):
    """A closure running the layer's forward product and its backward products once."""
    x = torch.rand(input_shape)
    gradient = torch.rand(output_shape)
    weight, bias = module.weight.detach().clone(), module.bias.detach().clone()
    if isinstance(module, nn.Linear):
        def step():
            aten.addmm(bias, x, weight.t())
            aten.mm(gradient.t(), x)  # W̄
            if input_gradient:
                aten.mm(gradient, weight)  # x̄
        return step
    transposed = isinstance(module, nn.ConvTranspose2d)
    stride, padding = list(module.stride), list(module.padding)
    output_padding = list(module.output_padding) if transposed else [0, 0]
    geometry = (stride, padding, [1, 1], transposed, output_padding, 1)

    def step():
        aten.convolution(x, weight, bias, *geometry)
        aten.convolution_backward(
            gradient, x, weight, None, *geometry, [input_gradient, True, False])
    return step


def median_seconds(step, repeats, warmup=3):
    """The median time of `repeats` calls of `step` in a row, after `warmup` calls."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--images", type=int, default=60_000, help="images per epoch")
    parser.add_argument("--repeats", type=int, default=20, help="runs of a layer in a row")
    parser.add_argument("--passes", type=int, default=3, help="passes over all layers")
    arguments = parser.parse_args()
    torch.set_num_threads(arguments.threads)
    torch.manual_seed(1)
    batch = arguments.batch_size
    shapes = layer_shapes(ConvVAE(), batch)
    # The first layer's input is the data: no input gradient.
    steps = [layer_step(module, input_shape, output_shape, index > 0)
             for index, (_, module, input_shape, output_shape) in enumerate(shapes)]
    with torch.no_grad():
        medians = [min(column) for column in zip(*(
            [median_seconds(step, arguments.repeats) for step in steps]
            for _ in range(arguments.passes)))]
    layers = []
    total_flops, total_seconds = 0, 0.0
    for index, ((name, module, input_shape, output_shape), seconds) in enumerate(
            zip(shapes, medians)):
        products = 3 if index > 0 else 2
        flops = forward_flops(module, input_shape, output_shape) * products
        total_flops += flops
        total_seconds += seconds
        layers.append({"layer": name, "input": input_shape, "output": output_shape,
                       "products": products, "mflop": flops / 1e6, "ms": seconds * 1e3,
                       "gflops": flops / seconds / 1e9})
    steps = arguments.images / batch
    print(json.dumps({
        "floor": "pytorch-kernels", "version": torch.__version__,
        "threads": torch.get_num_threads(), "batch": batch,
        "flops_per_image": total_flops / batch, "step_seconds": total_seconds,
        "gflops": total_flops / total_seconds / 1e9,
        "epoch_seconds": steps * total_seconds, "images": arguments.images,
        "layers": layers,
    }))


if __name__ == "__main__":
    main()
