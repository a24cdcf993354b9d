"""Runs PyTorch, JAX and `vae train` in turn (interleaved), then prints medians and ratios.

Called by run.sh with the virtualenv's Python; see Benchmarks/README.md.
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


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} logical CPUs, {model}, {platform.system()} {platform.release()}"


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
    parser.add_argument("--gemm-floor", required=True)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3,
                        help="interleaved rounds of the floor, torch, jax, ours")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--importance-samples", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--no-evaluate", action="store_true")
    arguments = parser.parse_args()
    threads = str(arguments.threads)
    # VARIATIONAL_THREADS=1 keeps `vae` on one core (on two cores it sets OpenBLAS to one
    # thread and runs half of each product on its own helper thread).
    environment = dict(os.environ, OPENBLAS_NUM_THREADS=threads, OMP_NUM_THREADS=threads,
                       MKL_NUM_THREADS=threads, VARIATIONAL_THREADS=threads,
                       TF_CPP_MIN_LOG_LEVEL="3")
    evaluate = not arguments.no_evaluate
    python = sys.executable

    print(f"machine: {machine()}")
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
    print(f"{'GEMM floor (OpenBLAS)':<24}{median['floor']:>11.2f} s"
          f"{IMAGES / median['floor']:>10,.0f}{'':>11}{ours / median['floor']:>13.2f}")
    print(f"our fraction of the GEMM floor (floor ÷ ours): {median['floor'] / ours:.0%}; floor "
          f"{floor_info['flops_per_image'] / 1e6:.2f} MFLOP/image at {floor_info['gflops']:.0f} "
          f"GFLOP/s, {floor_info['config']}, {floor_info['threads']} threads")
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


def fmt(seconds):
    return " ".join(f"{s:.2f}" for s in seconds) + " s"


if __name__ == "__main__":
    main()
