#!/usr/bin/env python3
"""Whole-process wall times: our default fit against NumPyro's 10,000-step SVI, per family.

For each family (mean-field, full-rank) it runs, as separate processes:
  ours     ADVI [--family fullrank] with the defaults, as a user would call it:
             advi logistic-regression --csv CSV --target target [--family fullrank]
                  --json .data/ours_default_<family>.json --draws 20000 --quiet
  NumPyro  numpyro_logistic.py --svi-only <family>: one process that imports JAX and NumPyro,
           reads the CSV and runs svi.init and svi.run(key, 10000, x, y, progress_bar=False)
           (tracing and JIT compilation included), then writes the guide's means and sds.

Each process is timed from outside like /usr/bin/time: wall clock from fork to exit, user and
system CPU and peak RSS from wait4. One untimed warm-up run of each comes first (page cache);
then --rounds rounds, each running the four processes once, starting one place later in the
order every round, so that load from other processes spreads over all of them.

Writes --json:
  {"runs": [{"side", "family", "round", "wall", "user", "sys", "maxrss_kib", "exit",
             "in_process": {...}}, ...],
   "commands": {side: {family: [argv]}}, "outputs": {side: {family: path}},
   "rounds", "warmup", "load_before", "load_after", "other_processes_cpu_percent"}
"in_process" is what the process itself reported: ours, the fit's seconds, the ELBO and its
standard error (from its report) and its JSON's SHA-256 (the same in every run: the fit is
deterministic); NumPyro, the seconds of its imports and of its SVI (svi.init plus svi.run,
with svi.init's share apart).
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time

FAMILIES = ("mean_field", "full_rank")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--advi", required=True, help="our advi executable (release build)")
    p.add_argument("--python", required=True, help="the virtualenv's python, for NumPyro")
    p.add_argument("--numpyro-script", required=True, help="numpyro_logistic.py")
    p.add_argument("--csv", required=True)
    p.add_argument("--data-dir", required=True, help="where outputs go (.data)")
    p.add_argument("--steps", type=int, default=10_000)
    p.add_argument("--lr", type=float, default=0.002)
    p.add_argument("--draws", type=int, default=20_000, help="our summary draws (--draws)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1, help="untimed runs of each first")
    p.add_argument("--json", required=True)
    return p.parse_args()


def cpu_busy_seconds():
    """CPU-seconds all cores have spent busy since boot (/proc/stat), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def loadavg():
    with open("/proc/loadavg", encoding="ascii") as f:
        return [float(v) for v in f.read().split()[:3]]


def commands(args):
    """argv and output path of each side and family."""
    cmds, outs = {"ours": {}, "numpyro": {}}, {"ours": {}, "numpyro": {}}
    for family in FAMILIES:
        out = os.path.join(args.data_dir, f"ours_default_{family}.json")
        argv = [args.advi, "logistic-regression", "--csv", args.csv, "--target", "target"]
        if family == "full_rank":
            argv += ["--family", "fullrank"]
        argv += ["--json", out, "--draws", str(args.draws), "--quiet"]
        cmds["ours"][family], outs["ours"][family] = argv, out

        out = os.path.join(args.data_dir, f"numpyro_svi_{family}.json")
        cmds["numpyro"][family] = [
            args.python, args.numpyro_script, "--csv", args.csv, "--target", "target",
            "--steps", str(args.steps), "--lr", str(args.lr), "--svi-only", family,
            "--json", out]
        outs["numpyro"][family] = out
    return cmds, outs


def run_once(side, family, argv, out, data_dir):
    """Run one process; return its measurements."""
    if os.path.exists(out):
        os.remove(out)
    log_path = os.path.join(data_dir, f"wall_{side}_{family}.log")
    env = dict(os.environ)
    if side == "numpyro":
        env["JAX_PLATFORMS"] = "cpu"          # as run.sh runs NumPyro; CPU-only jaxlib anyway
    with open(log_path, "wb") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    run = {"side": side, "family": family, "wall": wall, "user": usage.ru_utime,
           "sys": usage.ru_stime, "maxrss_kib": usage.ru_maxrss, "exit": proc.returncode,
           "log": log_path, "in_process": {}}
    with open(log_path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if side == "ours":
        # "11418 gradient evaluations, 0.18 s" is the fit's own time in the report.
        m = re.search(r"gradient evaluations, ([0-9.]+) s", text)
        if m:
            run["in_process"]["fit_seconds"] = float(m.group(1))
        m = re.search(r"ELBO (-?[0-9.]+) ± ([0-9.]+)", text)
        if m:
            run["in_process"]["elbo"] = float(m.group(1))
            run["in_process"]["elbo_se"] = float(m.group(2))
        if os.path.exists(out):
            with open(out, "rb") as f:
                run["in_process"]["json_sha256"] = hashlib.sha256(f.read()).hexdigest()
    elif os.path.exists(out):
        with open(out, encoding="utf-8") as f:
            result = json.load(f)
        for key in ("svi_run_seconds", "svi_init_seconds", "imports_seconds",
                    "process_seconds_before_exit"):
            run["in_process"][key] = result.get(key)
    return run


def main():
    args = parse_args()
    cmds, outs = commands(args)
    base = [("ours", "mean_field"), ("numpyro", "mean_field"),
            ("ours", "full_rank"), ("numpyro", "full_rank")]
    print("whole-process wall times; ours with the defaults:")
    for side, family in base:
        print(f"  {side:7s} {family:10s} $ {' '.join(cmds[side][family])}")

    for i in range(args.warmup):
        for side, family in base:
            r = run_once(side, family, cmds[side][family], outs[side][family], args.data_dir)
            print(f"  warm-up {i + 1}: {side:7s} {family:10s} {r['wall']:6.2f} s (untimed)"
                  + ("" if r["exit"] == 0 else f"  EXIT {r['exit']}, see {r['log']}"),
                  flush=True)

    runs = []
    load_before = loadavg()
    busy0, own0 = cpu_busy_seconds(), 0.0
    t_all = time.perf_counter()
    for rnd in range(args.rounds):
        order = base[rnd % len(base):] + base[:rnd % len(base)]
        for side, family in order:
            r = run_once(side, family, cmds[side][family], outs[side][family], args.data_dir)
            r["round"] = rnd + 1
            runs.append(r)
            own0 += r["user"] + r["sys"]
            extra = ", ".join(f"{k} {v:.2f}" for k, v in r["in_process"].items()
                              if isinstance(v, float))
            print(f"  round {rnd + 1}: {side:7s} {family:10s} {r['wall']:6.2f} s wall, "
                  f"{r['user'] + r['sys']:6.2f} s CPU, {r['maxrss_kib'] / 1024:5.0f} MiB"
                  + (f"  ({extra})" if extra else "")
                  + ("" if r["exit"] == 0 else f"  EXIT {r['exit']}, see {r['log']}"),
                  flush=True)
    wall_all = time.perf_counter() - t_all
    busy1 = cpu_busy_seconds()
    others = (100.0 * max(0.0, busy1 - busy0 - own0) / (wall_all * (os.cpu_count() or 1))
              if busy0 is not None and busy1 is not None else None)
    result = {"runs": runs, "commands": cmds, "outputs": outs, "rounds": args.rounds,
              "warmup": args.warmup, "load_before": load_before, "load_after": loadavg(),
              "other_processes_cpu_percent": others, "steps": args.steps, "lr": args.lr,
              "draws": args.draws}
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    if others is not None:
        print(f"  other processes kept {others:.0f}% of the CPUs busy during the timed rounds")
    return 0 if all(r["exit"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
