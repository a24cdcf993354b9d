"""Runs PyTorch, JAX and `vae train` in turn (interleaved), then prints medians and ratios.

`--architecture conv` compares `vae train --architecture conv` with its PyTorch peer
(torch_conv_vae.py) instead, against a floor of the step's products timed with PyTorch's
kernels (conv_floor.py); see compare_conv(). Called by run.sh with the virtualenv's Python;
see Benchmarks/README.md.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

IMAGES = 60_000


ISA_FLAGS = ("avx2", "fma", "avx512f", "avx512_bf16", "amx_tile")


def cpuinfo():
    """The first CPU's `model name`, CPU family, model and `flags` from /proc/cpuinfo."""
    fields = {}
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if not line.strip():
                    break  # the first processor only
                key, _, value = line.partition(":")
                fields[key.strip()] = value.strip()
    except OSError:
        pass
    return fields


def machine():
    info = cpuinfo()
    model = info.get("model name", "unknown CPU")
    if "cpu family" in info:
        model += f" (family {info['cpu family']}, model {info.get('model', '?')})"
    return f"{os.cpu_count()} logical CPUs, {model}, {platform.system()} {platform.release()}"


def isa():
    """Which of the vector extensions that matter for the kernels the CPU reports."""
    flags = set(cpuinfo().get("flags", "").split())
    return " ".join(f"{flag}{'+' if flag in flags else '-'}" for flag in ISA_FLAGS)


def load():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "n/a"




def run_measured(command, environment):
    """Runs `command`, returning (stdout, wall seconds, the child's peak RSS in KiB).

    The peak RSS comes from GNU time (`/usr/bin/time -f %M`), which forks from a small
    process: the `ru_maxrss` that Python's own `wait4` reads would include this Python
    process, whose high-water mark Linux carries across the child's exec.
    """
    with tempfile.NamedTemporaryFile("r") as rss_file, tempfile.TemporaryFile("w+") as out, \
            tempfile.TemporaryFile("w+") as err:
        prefix = ["/usr/bin/time", "-f", "%M", "-o", rss_file.name] if GNU_TIME else []
        start = time.perf_counter()
        process = subprocess.Popen(prefix + command, stdout=out, stderr=err, env=environment)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        output, errors = out.read(), err.read()
        if code != 0:
            sys.exit(f"compare.py: {' '.join(command)} failed ({code}):\n{errors[-2000:]}")
        peak = int(rss_file.read().split()[-1]) if GNU_TIME else usage.ru_maxrss
    return output, wall, peak


GNU_TIME = os.access("/usr/bin/time", os.X_OK)


def last_json(output):
    return json.loads([line for line in output.splitlines() if line.startswith("{")][-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vae", required=True)
    parser.add_argument("--gemm-floor", help="the gemm-floor binary (mlp only)")
    parser.add_argument("--architecture", choices=["mlp", "conv"], default="mlp",
                        help="mlp: ours, PyTorch, JAX and the OpenBLAS GEMM floor; conv: ours "
                             "and PyTorch with --architecture conv, and the products floor")
    parser.add_argument("--epochs", type=int, default=None,
                        help="epochs per run (default: 3 for mlp, 1 for conv)")
    parser.add_argument("--repeats", "--rounds", type=int, default=3,
                        help="interleaved rounds of the floor and each trainer")
    parser.add_argument("--limit-train", type=int, default=0,
                        help="conv only: train on the first N images (default: all 60,000)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--importance-samples", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--no-evaluate", action="store_true")
    parser.add_argument("--evaluate-rounds", type=int, default=1,
                        help="conv only: estimate log p(x) in the last N rounds (default 1: "
                             "at K = 1000 it takes minutes on each side)")
    arguments = parser.parse_args()
    if arguments.epochs is None:
        arguments.epochs = 1 if arguments.architecture == "conv" else 3
    if arguments.architecture == "mlp" and arguments.gemm_floor is None:
        parser.error("--gemm-floor is needed for --architecture mlp")
    if arguments.architecture == "mlp" and arguments.limit_train:
        parser.error("--limit-train is only implemented for --architecture conv")
    threads = str(arguments.threads)
    # VARIATIONAL_THREADS=1 keeps `vae` on one core (on two cores it sets OpenBLAS to one
    # thread and runs half of each product on its own helper thread).
    environment = dict(os.environ, OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads,
                       MKL_NUM_THREADS=threads, VARIATIONAL_THREADS=threads,
                       TF_CPP_MIN_LOG_LEVEL="3")
    if arguments.architecture == "conv":
        return compare_conv(arguments, environment)
    evaluate = not arguments.no_evaluate
    python = sys.executable

    print(f"machine: {machine()}")
    print(f"ISA:     {isa()} (+ present, - absent)")
    if not GNU_TIME:
        print("note:    no /usr/bin/time (apt-get install time): peak RSS includes this "
              "harness's ~30 MiB")
    print(f"load:    {load()} (1/5/15 min) at start")
    print(f"runs:    {arguments.epochs} epochs each, {arguments.repeats} round(s) of PyTorch, "
          f"JAX, vae train in turn (rotated each round), {threads} threads")

    epochs = {"pytorch": [], "jax": [], "ours": [], "floor": []}
    rounds = {"pytorch": [], "jax": [], "ours": []}  # each round's epoch times
    rss = {"pytorch": [], "jax": [], "ours": [], "evaluate": []}
    evaluation = {"pytorch": [], "ours": []}
    versions = {}
    floor_info = {}
    def run_floor(repeat):
        output, _, _ = run_measured([arguments.gemm_floor], environment)
        floor_info.update(last_json(output))
        epochs["floor"].append(floor_info["epoch_seconds"])

    def run_pytorch(repeat):
        command = [python, "torch_vae.py", "--epochs", str(arguments.epochs),
                   "--threads", threads]
        if evaluate:
            command += ["--importance-samples", str(arguments.importance_samples),
                        "--limit", str(arguments.limit)]
        output, _, peak = run_measured(command, environment)
        result = last_json(output)
        versions["pytorch"] = result["version"]
        epochs["pytorch"] += result["epoch_seconds"]
        rounds["pytorch"].append(result["epoch_seconds"])
        rss["pytorch"].append(peak)
        if evaluate:
            evaluation["pytorch"].append(
                (result["log_likelihood_seconds"], result["log_likelihood"]))
        print(f"  round {repeat + 1}: PyTorch {fmt(result['epoch_seconds'])}", flush=True)

    def run_jax(repeat):
        output, _, peak = run_measured(
            [python, "jax_vae.py", "--epochs", str(arguments.epochs)], environment)
        result = last_json(output)
        versions["jax"] = result["version"]
        # The first epoch compiles the step: left out of the median when there are others.
        steady = result["epoch_seconds"][1:] or result["epoch_seconds"]
        epochs["jax"] += steady
        rounds["jax"].append(steady)
        rss["jax"].append(peak)
        print(f"  round {repeat + 1}: JAX     {fmt(result['epoch_seconds'])}", flush=True)

    def run_ours(repeat):
        with tempfile.TemporaryDirectory() as directory:
            run_directory = os.path.join(directory, "run")
            _, _, peak = run_measured(
                [arguments.vae, "train", "--epochs", str(arguments.epochs), "--output",
                 run_directory], environment)
            with open(os.path.join(run_directory, "metrics.jsonl")) as file:
                seconds = [json.loads(line)["seconds"] for line in file if line.strip()]
            epochs["ours"] += seconds
            rounds["ours"].append(seconds)
            rss["ours"].append(peak)
            print(f"  round {repeat + 1}: ours    {fmt(seconds)}", flush=True)
            if evaluate:
                report = os.path.join(directory, "evaluate.json")
                _, _, peak = run_measured(
                    [arguments.vae, "evaluate", "--checkpoint", run_directory,
                     "--importance-samples", str(arguments.importance_samples),
                     "--limit", str(arguments.limit), "--json", report], environment)
                with open(report) as file:
                    result = json.load(file)
                evaluation["ours"].append(
                    (result["log_likelihood_seconds"], result["log_likelihood"]))
                rss["evaluate"].append(peak)

    # Each round starts one place later in the order, so that no runner is always the one
    # that meets a build starting up.
    runners = [run_floor, run_pytorch, run_jax, run_ours]
    for repeat in range(arguments.repeats):
        shift = repeat % len(runners)
        for runner in runners[shift:] + runners[:shift]:
            runner(repeat)

    print(f"load:    {load()} (1/5/15 min) at end")
    print()
    median = {name: statistics.median(values) for name, values in epochs.items()}
    ours = median["ours"]
    print(f"{'':<24}{'median epoch':>13}{'images/s':>10}{'peak RSS':>11}{'ours ÷ peer':>13}")
    rows = [("PyTorch " + versions["pytorch"], "pytorch"), ("JAX " + versions["jax"], "jax"),
            ("vae train (ours)", "ours")]
    for label, key in rows:
        ratio = f"{ours / median[key]:.2f}" if key != "ours" else ""
        print(f"{label:<24}{median[key]:>11.2f} s{IMAGES / median[key]:>10,.0f}"
              f"{max(rss[key]) / 1024:>7.0f} MiB{ratio:>13}")
    backend = floor_info['config'].split(' ')[0]
    print(f"{'GEMM floor (' + backend + ')':<24}{median['floor']:>11.2f} s"
          f"{IMAGES / median['floor']:>10,.0f}{'':>11}{ours / median['floor']:>13.2f}")
    print(f"our fraction of the GEMM floor (floor ÷ ours): {median['floor'] / ours:.0%}; floor "
          f"{floor_info['flops_per_image'] / 1e6:.2f} MFLOP/image at {floor_info['gflops']:.0f} "
          f"GFLOP/s, {floor_info['config']}, {floor_info.get('threads', threads)} threads")
    print("epoch times: median over all epochs of all rounds; JAX's first epoch of each round "
          "(compilation) is left out")
    if arguments.repeats > 1:
        def per_round(peer):
            return ", ".join(f"{statistics.median(o) / statistics.median(p):.2f}"
                             for o, p in zip(rounds["ours"], rounds[peer]))
        print(f"each round's medians, ours ÷ JAX: {per_round('jax')}; ours ÷ PyTorch: "
              f"{per_round('pytorch')}")
    if evaluate:
        print()
        print(f"log p(x), K = {arguments.importance_samples}, first {arguments.limit} test "
              f"images (trained {arguments.epochs} epochs):")
        torch_seconds = statistics.median(t for t, _ in evaluation["pytorch"])
        our_seconds = statistics.median(t for t, _ in evaluation["ours"])
        print(f"  PyTorch {torch_seconds:.2f} s (log p(x) {evaluation['pytorch'][-1][1]:.2f}), "
              f"ours {our_seconds:.2f} s (log p(x) {evaluation['ours'][-1][1]:.2f}), "
              f"peak RSS of vae evaluate {max(rss['evaluate']) / 1024:.0f} MiB; "
              f"ours ÷ PyTorch {our_seconds / torch_seconds:.2f}")


def compare_conv(arguments, environment):
    """The conv VAE: `vae train --architecture conv` against torch_conv_vae.py, interleaved,
    with the products floor of conv_floor.py, then `vae evaluate` against PyTorch's log p(x).
    """
    threads = str(arguments.threads)
    python = sys.executable
    images = arguments.limit_train or IMAGES

    def evaluates(repeat):
        return not arguments.no_evaluate and repeat >= arguments.repeats - arguments.evaluate_rounds

    evaluate = evaluates(arguments.repeats - 1)
    subset = ["--limit-train", str(arguments.limit_train)] if arguments.limit_train else []

    print(f"machine: {machine()}")
    print(f"ISA:     {isa()} (+ present, - absent)")
    if not GNU_TIME:
        print("note:    no /usr/bin/time (apt-get install time): peak RSS includes this "
              "harness's ~30 MiB")
    print(f"load:    {load()} (1/5/15 min) at start")
    print(f"runs:    conv VAE, {images:,} training images, {arguments.epochs} epoch(s) each, "
          f"{arguments.repeats} round(s) of the products floor, PyTorch and vae train in turn "
          f"(rotated each round), {threads} threads")
    if evaluate:
        print(f"         log p(x) (K = {arguments.importance_samples}, {arguments.limit} test "
              f"images) after training in the last {min(arguments.evaluate_rounds, arguments.repeats)} "
              f"round(s)")

    epochs = {"pytorch": [], "ours": [], "floor": []}
    rounds = {"pytorch": [], "ours": []}  # each round's epoch times
    rss = {"pytorch": [], "ours": [], "pytorch_all": [], "evaluate": []}
    test_elbo = {"pytorch": [], "ours": []}
    evaluation = {"pytorch": [], "ours": []}
    info = {}

    def run_floor(repeat):
        output, _, _ = run_measured(
            [python, "conv_floor.py", "--threads", threads, "--images", str(images)],
            environment)
        info["floor"] = last_json(output)
        epochs["floor"].append(info["floor"]["epoch_seconds"])
        print(f"  round {repeat + 1}: floor   {info['floor']['epoch_seconds']:.2f} s "
              f"({info['floor']['gflops']:.0f} GFLOP/s)", flush=True)

    def run_pytorch(repeat):
        command = [python, "torch_conv_vae.py", "--epochs", str(arguments.epochs),
                   "--threads", threads] + subset
        if evaluates(repeat):
            command += ["--importance-samples", str(arguments.importance_samples),
                        "--limit", str(arguments.limit)]
        output, _, peak = run_measured(command, environment)
        result = info["pytorch"] = last_json(output)
        epochs["pytorch"] += result["epoch_seconds"]
        rounds["pytorch"].append(result["epoch_seconds"])
        rss["pytorch"].append(result["peak_rss_kib_training"])
        rss["pytorch_all"].append(peak)
        test_elbo["pytorch"].append(result["test_negative_elbo"][-1])
        line = f"  round {repeat + 1}: PyTorch {fmt(result['epoch_seconds'])}"
        if evaluates(repeat):
            evaluation["pytorch"].append(
                (result["log_likelihood_seconds"], result["log_likelihood"]))
            line += f"; log p(x) in {result['log_likelihood_seconds']:.2f} s"
        print(line, flush=True)

    def run_ours(repeat):
        with tempfile.TemporaryDirectory() as directory:
            run_directory = os.path.join(directory, "run")
            _, _, peak = run_measured(
                [arguments.vae, "train", "--architecture", "conv", "--epochs",
                 str(arguments.epochs), "--output", run_directory] + subset, environment)
            with open(os.path.join(run_directory, "metrics.jsonl")) as file:
                metrics = [json.loads(line) for line in file if line.strip()]
            seconds = [entry["seconds"] for entry in metrics]
            epochs["ours"] += seconds
            rounds["ours"].append(seconds)
            rss["ours"].append(peak)
            test_elbo["ours"].append(metrics[-1]["test_negative_elbo"])
            line = f"  round {repeat + 1}: ours    {fmt(seconds)}"
            if evaluates(repeat):
                report = os.path.join(directory, "evaluate.json")
                _, _, peak = run_measured(
                    [arguments.vae, "evaluate", "--checkpoint", run_directory,
                     "--importance-samples", str(arguments.importance_samples),
                     "--limit", str(arguments.limit), "--json", report], environment)
                with open(report) as file:
                    result = json.load(file)
                evaluation["ours"].append(
                    (result["log_likelihood_seconds"], result["log_likelihood"]))
                rss["evaluate"].append(peak)
                line += f"; log p(x) in {result['log_likelihood_seconds']:.2f} s"
            print(line, flush=True)

    runners = [run_floor, run_pytorch, run_ours]
    for repeat in range(arguments.repeats):
        shift = repeat % len(runners)
        for runner in runners[shift:] + runners[:shift]:
            runner(repeat)

    print(f"load:    {load()} (1/5/15 min) at end")
    print()
    median = {name: statistics.median(values) for name, values in epochs.items()}
    ours = median["ours"]
    floor = info["floor"]
    print(f"{'':<34}{'median epoch':>13}{'images/s':>10}{'peak RSS':>11}{'ours ÷ row':>12}")
    rows = [(f"PyTorch {info['pytorch']['version']}", "pytorch"),
            ("vae train --architecture conv", "ours"),
            ("products floor (PyTorch kernels)", "floor")]
    for label, key in rows:
        ratio = f"{ours / median[key]:.2f}" if key != "ours" else ""
        memory = f"{max(rss[key]) / 1024:>7.0f} MiB" if key in rss else ""
        print(f"{label:<34}{median[key]:>11.2f} s{images / median[key]:>10,.0f}"
              f"{memory:>11}{ratio:>12}")
    print(f"products floor: {floor['flops_per_image'] / 1e6:.2f} MFLOP/image (forward, weight "
          f"and input gradient of every conv, transposed conv and dense layer; no input "
          f"gradient for the first conv) at {floor['gflops']:.0f} GFLOP/s, the speed of "
          f"PyTorch's own kernels on these shapes run alone ({floor['threads']} threads, batch "
          f"{floor['batch']}; each layer alone, in a row, least median of 3 passes); median floor "
          f"over the rounds (best round "
          f"{min(epochs['floor']):.2f} s)")
    print("  per layer (last round): " + ", ".join(
        f"{layer['layer']} {layer['ms']:.1f} ms {layer['gflops']:.0f} GFLOP/s"
        for layer in floor["layers"]))
    fastest = max(floor["layers"], key=lambda layer: layer["gflops"])
    print(f"  at the speed of the fastest layer ({fastest['layer']}, {fastest['gflops']:.0f} "
          f"GFLOP/s) all the products would take "
          f"{floor['flops_per_image'] * images / fastest['gflops'] / 1e9:.2f} s per epoch")
    print(f"our fraction of the products floor (floor ÷ ours): {median['floor'] / ours:.0%}; "
          f"PyTorch's: {median['floor'] / median['pytorch']:.0%}")
    print(f"epoch times: median over all epochs of all rounds; PyTorch {info['pytorch']['version']}"
          f" (kernels for {info['pytorch']['cpu_capability']}, oneDNN "
          f"{'on' if info['pytorch']['mkldnn'] else 'off'}); peak RSS: vae train, and PyTorch's "
          f"process up to the end of training (the whole process: "
          f"{max(rss['pytorch_all']) / 1024:.0f} MiB)")
    print(f"test negative ELBO after the last epoch (one draw, 10,000 images), median over "
          f"rounds: PyTorch {statistics.median(test_elbo['pytorch']):.2f}, ours "
          f"{statistics.median(test_elbo['ours']):.2f}")
    if arguments.repeats > 1:
        print("each round's medians, ours ÷ PyTorch: " + ", ".join(
            f"{statistics.median(o) / statistics.median(p):.2f}"
            for o, p in zip(rounds["ours"], rounds["pytorch"])))
    if evaluate:
        print()
        print(f"log p(x), K = {arguments.importance_samples}, first {arguments.limit} test "
              f"images (each side on the model it trained), 1,285 decoder rows per batch (one image at K = 1000), "
              f"{len(evaluation['ours'])} round(s):")
        torch_seconds = statistics.median(t for t, _ in evaluation["pytorch"])
        our_seconds = statistics.median(t for t, _ in evaluation["ours"])
        print("  each round, PyTorch / ours: " + ", ".join(
            f"{p:.2f} / {o:.2f} s" for (p, _), (o, _) in zip(evaluation["pytorch"],
                                                            evaluation["ours"])))
        print(f"  PyTorch {torch_seconds:.2f} s (log p(x) {evaluation['pytorch'][-1][1]:.2f}, "
              f"peak RSS of the process {max(rss['pytorch_all']) / 1024:.0f} MiB), ours "
              f"{our_seconds:.2f} s (log p(x) {evaluation['ours'][-1][1]:.2f}, peak RSS of vae "
              f"evaluate {max(rss['evaluate']) / 1024:.0f} MiB); ours ÷ PyTorch "
              f"{our_seconds / torch_seconds:.2f}")


def fmt(seconds):
    return " ".join(f"{s:.2f}" for s in seconds) + " s"


if __name__ == "__main__":
    main()
