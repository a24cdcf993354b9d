#!/usr/bin/env python3
"""Join our ADVI results with NumPyro's and print them side by side.

Two comparisons, both against NUTS for accuracy:
  1. steps per second of the stochastic loop (`advi-benchmark`, Adam at NumPyro's step size,
     10,000 steps; what `advi --algorithm stochastic` runs), against NumPyro's compiled loop;
  2. what a user gets with the defaults (with --wall): the whole-process wall time of
     `advi logistic-regression` with no options but the data, the output and --draws 20000
     (the deterministic fit), against a whole NumPyro process running its 10,000-step SVI
     (wall_times.py), and the accuracy of both against NUTS, the ELBOs, and the issue's
     bars (PASS/FAIL).

Inputs (all written for one run of run.sh):
  --numpyro  numpyro.json from numpyro_logistic.py (SVI results for both families plus the
             NUTS reference posterior)
  --ours     the JSON written by our advi-benchmark executable:
               {"mean_field": {"steps_per_second": float, "elbo": float,
                               "means": {name: float}, "sds": {name: float}},
                "full_rank":  {... the same ...}}
             names: "intercept" and the CSV's feature column names. Optional extras that
             are shown when present: "system" (a label), per family "elbo_se" and
             "steps_per_second_one_thread", and "settings" {"steps", "lr", "num_particles",
             "dtype"}; per family "algorithm", which must be "stochastic" when present.

  --wall     the JSON written by wall_times.py (whole-process times, and where each
             process wrote its results: ours_default_<family>.json, advi's --json summary,
             and numpyro_svi_<family>.json)
  --csv      the data, to re-estimate the ELBOs independently in float64

Exit status: 0 when our side's results were complete, 2 when our side did not run or
wrote no usable JSON, 3 when its JSON was incomplete, 4 when the default-fit comparison
could not be made (a process failed or wrote no JSON). NumPyro's numbers are printed in
every case. Bars that fail are printed as FAIL; they do not change the exit status.
"""

import argparse
import datetime
import json
import math
import os
import statistics
import sys

FAMILIES = [("mean_field", "mean-field"), ("full_rank", "full-rank")]
TARGET_Z = 0.2          # our goal for the full-rank max |mean - NUTS| / NUTS sd
INTERCEPT_ALIASES = ("intercept", "(intercept)", "bias", "b0", "alpha")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--numpyro", required=True)
    p.add_argument("--ours", required=True)
    p.add_argument("--ours-exit", type=int, default=0,
                   help="exit status of our side's command (run.sh passes it)")
    p.add_argument("--ours-command", default="", help="our side's command, for messages")
    p.add_argument("--wall", help="wall_times.py's JSON: compare the default fits too")
    p.add_argument("--csv", help="the data (for the independent ELBO estimates)")
    p.add_argument("--commit", default="", help="the commit measured, for the header")
    return p.parse_args()


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def load_ours(path, exit_status):
    """Return (results or None, list of problems)."""
    if exit_status != 0:
        return None, [f"our command exited with status {exit_status}"]
    if not os.path.exists(path):
        return None, [f"our command wrote no {path}"]
    try:
        with open(path, encoding="utf-8") as f:
            ours = json.load(f)
    except (OSError, ValueError) as e:
        return None, [f"cannot read {path}: {e}"]
    if not isinstance(ours, dict):
        return None, [f"{path} is not a JSON object"]
    problems = []
    for key, label in FAMILIES:
        block = ours.get(key)
        if not isinstance(block, dict):
            problems.append(f"no {key!r} family")
            continue
        for field in ("steps_per_second", "elbo"):
            if not is_number(block.get(field)):
                problems.append(f"{key}.{field} missing or not a finite number")
        for field in ("means", "sds"):
            if not isinstance(block.get(field), dict):
                problems.append(f"{key}.{field} missing or not an object")
        if block.get("algorithm", "stochastic") != "stochastic":
            problems.append(f"{key} ran the {block['algorithm']} algorithm: its steps/s are "
                            "not those of the stochastic loop")
    return ours, problems


def lookup(table, name):
    """table[name], accepting a few spellings of the intercept; None when absent."""
    if not isinstance(table, dict):
        return None
    if name in table and is_number(table[name]):
        return table[name]
    if name == "intercept":
        for k, v in table.items():
            if k.lower() in INTERCEPT_ALIASES and is_number(v):
                return v
    return None


def distance_to_nuts(block, nuts):
    """Max over parameters of |mean - NUTS mean| / NUTS sd, the worst name, and the
    range of sd / NUTS sd; plus the names the block lacks."""
    if not isinstance(block, dict):
        return None
    worst, worst_name, ratios, missing = -1.0, None, [], []
    for name, ref_mean in nuts["means"].items():
        m = lookup(block.get("means"), name)
        s = lookup(block.get("sds"), name)
        if m is None:
            missing.append(name)
            continue
        z = abs(m - ref_mean) / nuts["sds"][name]
        if z > worst:
            worst, worst_name = z, name
        if s is not None:
            ratios.append(s / nuts["sds"][name])
    if worst_name is None:
        return {"missing": missing}
    return {"z": worst, "name": worst_name, "missing": missing,
            "sd_ratio": (min(ratios), max(ratios)) if ratios else None}


def fmt(v, spec):
    return format(v, spec) if is_number(v) else "—"


# ------------------------------------------------------------ part 2: the default fits

MEAN_BAR = 0.05      # full-rank default fit: every |mean − NUTS mean| / NUTS sd below this
SD_BAR = 0.05        # ... and every sd / NUTS sd within 1 ± this
ELBO_CHECK_DRAWS = 40_000


def cpu_model():
    """The CPU's model name from /proc/cpuinfo, with its family and model numbers (a VM may
    show only a generic name)."""
    fields = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.strip():
                    break                                  # the first processor only
                key, _, value = line.partition(":")
                fields[key.strip()] = value.strip()
    except OSError:
        pass
    name = fields.get("model name", "unknown CPU")
    if "cpu family" in fields and "model" in fields:
        name += f" (family {fields['cpu family']}, model {fields['model']})"
    return name


def accuracy(means, sds, nuts):
    """Worst and median |mean − NUTS mean| / NUTS sd over the parameters, the worst's name,
    and the range of sd / NUTS sd; None when a parameter is missing."""
    z, ratios = {}, []
    for name, ref in nuts["means"].items():
        m, s = lookup(means, name), lookup(sds, name)
        if m is None or s is None:
            return None
        z[name] = abs(m - ref) / nuts["sds"][name]
        ratios.append(s / nuts["sds"][name])
    worst = max(z, key=z.get)
    return {"worst": z[worst], "worst_name": worst, "median": statistics.median(z.values()),
            "sd_min": min(ratios), "sd_max": max(ratios), "count": len(z)}


def read_design(path, names):
    """The design (a column of ones, then the features in the order of `names[1:]`) and y."""
    import csv
    import numpy as np
    with open(path, encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    cols = [header.index(n) for n in names[1:]]
    t = header.index("target")
    x = np.array([[1.0] + [float(r[c]) for c in cols] for r in body])
    y = np.array([float(r[t]) for r in body])
    return x, y


def elbo_float64(x, y, mean, sd=None, tril=None, draws=ELBO_CHECK_DRAWS, seed=12345):
    """E_q[log p(y | w) + log p(w) − log q(w)] in float64 from `draws` draws of q =
    N(mean, diag(sd²)) or N(mean, L Lᵀ), with every constant kept (Bernoulli likelihood,
    Normal(0, 1) priors, Gaussian log q): (estimate, standard error)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    mean = np.asarray(mean, dtype=np.float64)
    d = mean.size
    half_log_2pi = 0.5 * math.log(2 * math.pi)
    if tril is not None:
        tril = np.asarray(tril, dtype=np.float64)
        log_det = float(np.sum(np.log(np.diag(tril))))
    else:
        sd = np.asarray(sd, dtype=np.float64)
        log_det = float(np.sum(np.log(sd)))
    terms = []
    for start in range(0, draws, 5000):
        eps = rng.standard_normal((min(5000, draws - start), d))
        w = mean + (eps @ tril.T if tril is not None else eps * sd)
        logits = w @ x.T
        loglik = np.sum(y * logits - np.logaddexp(0.0, logits), axis=1)
        logprior = -0.5 * np.sum(w * w, axis=1) - d * half_log_2pi
        logq = -0.5 * np.sum(eps * eps, axis=1) - log_det - d * half_log_2pi
        terms.append(loglik + logprior - logq)
    terms = np.concatenate(terms)
    return float(terms.mean()), float(terms.std(ddof=1) / math.sqrt(terms.size))


def default_fit_comparison(args, npy, nuts):
    """Part 2: whole-process wall times, accuracy against NUTS, ELBOs, bars. Returns 0, or
    4 when a process failed or wrote no usable JSON."""
    with open(args.wall, encoding="utf-8") as f:
        wall = json.load(f)
    names = list(nuts["means"])
    print()
    print("=" * 100)
    print("PART 2 — what a user gets with the DEFAULTS: whole-process wall time and accuracy")
    print("ours (the defaults: deterministic fit, seed 1; nothing but the data, the output "
          f"and --draws {wall['draws']}):")
    for key, label in FAMILIES:
        print(f"    $ {' '.join(wall['commands']['ours'][key])}")
    print(f"NumPyro: one process per family running {wall['steps']} Adam steps (lr "
          f"{wall['lr']}) of SVI alone (svi.init, then svi.run(..., progress_bar=False)), "
          "timed from outside (interpreter start, imports and JIT compilation included):")
    for key, label in FAMILIES:
        print(f"    $ {' '.join(wall['commands']['numpyro'][key])}")
    print(f"Timing: {wall['warmup']} untimed warm-up run of each, then {wall['rounds']} "
          "interleaved rounds (the order rotates); wall clock from fork to exit, CPU and peak "
          "RSS from wait4. Load average "
          f"{'/'.join(f'{v:.1f}' for v in wall['load_before'])} before, "
          f"{'/'.join(f'{v:.1f}' for v in wall['load_after'])} after (1/5/15 min)"
          + (f"; other processes kept {wall['other_processes_cpu_percent']:.0f}% of the CPUs "
             "busy" if is_number(wall.get("other_processes_cpu_percent")) else ""))

    failed = [r for r in wall["runs"] if r["exit"] != 0]
    if failed:
        for r in failed:
            print(f"FAILED: {r['side']} {r['family']} round {r['round']} exited with "
                  f"{r['exit']}; see {r['log']}")
        return 4
    results = {}
    for side in ("ours", "numpyro"):
        for key, _ in FAMILIES:
            path = wall["outputs"][side][key]
            try:
                with open(path, encoding="utf-8") as f:
                    results[side, key] = json.load(f)
            except (OSError, ValueError) as e:
                print(f"FAILED: cannot read {path}: {e}")
                return 4

    # ---- the NUTS reference's own precision
    ess = min(nuts["ess"].values())
    mean_se = max(nuts.get("mean_se_in_sd", {n: 1 / math.sqrt(e) for n, e in nuts["ess"].items()})
                  .values())
    sd_se = max(nuts["sd_relative_se"].values()) if "sd_relative_se" in nuts else None
    print()
    print(f"NUTS reference ({nuts['settings']['chains']} chains × "
          f"({nuts['settings']['warmup']} warm-up + {nuts['settings']['samples']}), "
          f"{nuts['settings']['dtype']}): min ESS {ess:,.0f}; Monte-Carlo error of its means "
          f"at most {mean_se:.4f} sd"
          + (f", of its sds at most {100 * sd_se:.2f}%" if sd_se is not None else "")
          + ("  (precise enough for the 0.05-sd and 5% bars)"
             if mean_se <= 0.02 and (sd_se is None or sd_se <= 0.01) else
             "  (NOT precise enough for 0.05-sd bars: raise --nuts-samples or --nuts-chains)"))
    print(f"Our summaries are the mean and sd of {wall['draws']} draws of q: their own "
          f"Monte-Carlo error is {1 / math.sqrt(wall['draws']):.4f} sd in the means and "
          f"{100 / math.sqrt(2 * wall['draws']):.2f}% in the sds; NumPyro's are its guide's "
          "exact means and sds.")

    # ---- accuracy and ELBOs
    design = None
    if args.csv:
        try:
            design = read_design(args.csv, names)
        except (OSError, ValueError, ImportError) as e:
            print(f"(no independent ELBO estimates: {e})")
    rows, acc, elbos = [], {}, {}
    print()
    for key, label in FAMILIES:
        mine = results["ours", key]
        o_means = {n: p["mean"] for n, p in mine["parameters"].items()}
        o_sds = {n: p["sd"] for n, p in mine["parameters"].items()}
        acc["ours", key] = accuracy(o_means, o_sds, nuts)
        acc["numpyro", key] = accuracy(npy[key]["means"], npy[key]["sds"], nuts)
        # The one-family NumPyro processes fit the same SVI as numpyro.json's (same key):
        svi_only = results["numpyro", key]
        diff = max(abs(svi_only["means"][n] - npy[key]["means"][n]) for n in names)
        runs = [r for r in wall["runs"] if r["side"] == "ours" and r["family"] == key]
        shas = {r["in_process"].get("json_sha256") for r in runs}
        ip = runs[-1]["in_process"]
        print(f"{label}: ours {mine.get('algorithm')} fit, converged {mine.get('converged')}, "
              f"{mine.get('gradient_evaluations'):,} gradient evaluations, "
              f"{mine.get('fixed_draws')} fixed draws, Monte-Carlo error of the means at most "
              f"{max(mine['monte_carlo_se_in_sd'].values()):.4f} sd; "
              + ("the same JSON in every run" if len(shas) == 1 else
                 f"{len(shas)} DIFFERENT JSONs over the runs"))
        print(f"{'':{len(label)}}  NumPyro's one-family process vs its full run: means differ "
              f"by at most {diff:.2g}")

        # ELBOs: ours from its JSON (± from its report), NumPyro's from numpyro.json; both
        # re-estimated in float64 here where the summary allows it (a check of constants).
        e = {"ours": mine["elbo"], "ours_se": ip.get("elbo_se"),
             "numpyro": npy[key]["elbo"], "numpyro_se": npy[key]["elbo_se"]}
        if design is not None:
            x, y = design
            loc = [npy[key]["means"][n] for n in names]
            if key == "mean_field":
                e["numpyro64"] = elbo_float64(x, y, loc, sd=[npy[key]["sds"][n] for n in names])
                e["ours64"] = elbo_float64(x, y, [o_means[n] for n in names],
                                           sd=[o_sds[n] for n in names])
            elif npy[key].get("scale_tril"):
                e["numpyro64"] = elbo_float64(x, y, loc, tril=npy[key]["scale_tril"])
        elbos[key] = e
        checks = []
        if "ours64" in e and is_number(e["ours_se"]):
            dlt, se = e["ours"] - e["ours64"][0], math.hypot(e["ours_se"], e["ours64"][1])
            checks.append(f"ours {e['ours']:.3f} ± {e['ours_se']:.3f} (its JSON) vs "
                          f"{e['ours64'][0]:.3f} ± {e['ours64'][1]:.3f} recomputed here from "
                          f"its summary means and sds: {dlt:+.3f} "
                          + ("(consistent)" if abs(dlt) <= 4 * se + 0.05 else
                             "(INCONSISTENT: not the same ELBO definition?)"))
        if "numpyro64" in e:
            dlt = e["numpyro"] - e["numpyro64"][0]
            se = math.hypot(e["numpyro_se"], e["numpyro64"][1])
            checks.append(f"NumPyro {e['numpyro']:.3f} ± {e['numpyro_se']:.3f} (JAX float32) "
                          f"vs {e['numpyro64'][0]:.3f} ± {e['numpyro64'][1]:.3f} recomputed "
                          f"here: {dlt:+.3f} "
                          + ("(consistent)" if abs(dlt) <= 4 * se + 0.05 else "(INCONSISTENT)"))
        for c in checks:
            print(f"{'':{len(label)}}  ELBO check, float64, {ELBO_CHECK_DRAWS} draws: {c}")
    print("ELBO = E_q[log p(y | w) + log p(w) − log q(w)], nats summed over the 569 rows, "
          "every constant kept on both sides (same model: Bernoulli likelihood, Normal(0, 1) "
          "priors); ours from 1000 draws after the fit (its JSON's `elbo`), NumPyro's from "
          "10,000 draws of its fitted guide.")

    # ---- the table
    def walls(side, key):
        return [r["wall"] for r in wall["runs"] if r["side"] == side and r["family"] == key]

    def fmt_acc(a):
        return f"{a['worst']:.3f} / {a['median']:.3f}" if a else "—"

    def fmt_sd(a):
        return f"{a['sd_min']:.3f}–{a['sd_max']:.3f}" if a else "—"

    headers = ("family", "ours wall s (3 runs)", "NumPyro wall s (3 runs)", "ratio",
               "ours worst/median mean error", "ours sd ratio range", "NumPyro's worst/median",
               "NumPyro sd range", "ELBO ours / NumPyro", "k̂ (ours)")
    for key, label in FAMILIES:
        ow, nw = walls("ours", key), walls("numpyro", key)
        e = elbos[key]
        elbo_cell = (f"{e['ours']:.2f}" + (f" ± {e['ours_se']:.2f}" if is_number(e["ours_se"])
                                          else "")
                     + f" / {e['numpyro']:.2f} ± {e['numpyro_se']:.2f}")
        rows.append((label, ", ".join(f"{v:.2f}" for v in ow), ", ".join(f"{v:.2f}" for v in nw),
                     f"{statistics.median(ow) / statistics.median(nw):.3f}",
                     fmt_acc(acc["ours", key]), fmt_sd(acc["ours", key]),
                     fmt_acc(acc["numpyro", key]), fmt_sd(acc["numpyro", key]), elbo_cell,
                     fmt(results["ours", key].get("khat"), ".2f")))
    print()
    print("mean error = |mean − NUTS mean| / NUTS sd over the 31 coefficients; sd ratio = "
          "sd / NUTS sd; ratio = median ours ÷ median NumPyro wall time")
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join(" --- " for _ in headers) + "|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    for key, label in FAMILIES:
        a, b = acc["ours", key], acc["numpyro", key]
        print(f"  {label}: worst mean error ours {a['worst_name']}, NumPyro {b['worst_name']}")

    # ---- time breakdown
    def cpu_seconds(runs):
        return [f"{r['user'] + r['sys']:.2f}" for r in runs]

    print()
    for key, label in FAMILIES:
        o = [r for r in wall["runs"] if r["side"] == "ours" and r["family"] == key]
        n = [r for r in wall["runs"] if r["side"] == "numpyro" and r["family"] == key]
        fit_s = [r["in_process"].get("fit_seconds") for r in o]
        svi_s = [r["in_process"].get("svi_run_seconds") for r in n]
        imp_s = [r["in_process"].get("imports_seconds") for r in n]
        init_s = [r["in_process"].get("svi_init_seconds") for r in n]
        loop_s = wall["steps"] / npy[key]["steps_per_second"]
        print(f"{label}: ours CPU {', '.join(cpu_seconds(o))} s, "
              f"peak RSS {max(r['maxrss_kib'] for r in o) / 1024:.0f} MiB, of which the fit "
              f"itself (its report) {', '.join(fmt(v, '.2f') for v in fit_s)} s")
        print(f"{'':{len(label)}}  NumPyro CPU "
              f"{', '.join(cpu_seconds(n))} s, peak RSS "
              f"{max(r['maxrss_kib'] for r in n) / 1024:.0f} MiB; in-process: imports "
              f"{', '.join(fmt(v, '.2f') for v in imp_s)} s, SVI (svi.init then svi.run: "
              f"set-up, tracing, compilation, {wall['steps']} steps) "
              f"{', '.join(fmt(v, '.2f') for v in svi_s)} s, of which svi.init "
              f"{', '.join(fmt(v, '.2f') for v in init_s)} s; "
              f"in the full run, compile {npy[key]['compile_seconds']:.2f} s + compiled loop "
              f"{loop_s:.2f} s (median of {npy['settings']['repeats']})")

    # ---- the bars
    fr = acc["ours", "full_rank"]
    bars = [
        (f"full-rank default fit: means within {MEAN_BAR} NUTS sd",
         fr["worst"] < MEAN_BAR, f"worst {fr['worst']:.3f} ({fr['worst_name']})"),
        (f"full-rank default fit: sds within {100 * SD_BAR:.0f}% of NUTS's",
         1 - SD_BAR <= fr["sd_min"] and fr["sd_max"] <= 1 + SD_BAR,
         f"sd / NUTS sd {fr['sd_min']:.3f}–{fr['sd_max']:.3f}"),
    ]
    for key, label in FAMILIES:
        ow, nw = walls("ours", key), walls("numpyro", key)
        bars.append((f"{label}: default fit's whole-process wall time below NumPyro's "
                     f"{wall['steps']}-step SVI (every run of ours below every run of NumPyro's)",
                     max(ow) < min(nw),
                     f"ours {min(ow):.2f}–{max(ow):.2f} s, "
                     f"NumPyro {min(nw):.2f}–{max(nw):.2f} s"))
    print()
    print("Bars:")
    for text, ok, detail in bars:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}: {detail}")
    return 0


def main():
    args = parse_args()
    with open(args.numpyro, encoding="utf-8") as f:
        npy = json.load(f)
    ours, problems = load_ours(args.ours, args.ours_exit)
    nuts, st = npy["nuts"], npy["settings"]

    # ---- header: what was run
    print()
    print(f"Machine: {cpu_model()}, {os.cpu_count()} CPUs; "
          f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; "
          f"commit {args.commit or '(unknown)'}")
    print()
    print("PART 1 — steps/s of the stochastic loop (advi-benchmark; advi --algorithm "
          "stochastic), same Adam step size and steps as NumPyro")
    print("ADVI vs NumPyro SVI — Bayesian logistic regression, breast cancer "
          f"({st['rows']} rows, {st['features']} standardised features + intercept, "
          "Normal(0, 1) priors)")
    print(f"NumPyro: {npy['system']}, {st['dtype']}; "
          f"{st['steps']} steps, {st['num_particles']} gradient draw per step, "
          f"Adam lr {st['lr']}, init loc 0 / scale {st['init_scale']}; timed: the compiled "
          f"loop, median of {st['repeats']}")
    ours_label = ours.get("system", "Variational ADVI") if ours else "Variational ADVI"
    print(f"ours:    {ours_label}" + (f"  ({args.ours_command})" if args.ours_command else ""))
    if ours and isinstance(ours.get("settings"), dict):
        so = ours["settings"]
        print("         settings: " + ", ".join(f"{k} {v}" for k, v in so.items()))
        for mine, theirs in (("steps", "steps"), ("lr", "lr"), ("num_particles", "num_particles")):
            if mine in so and so[mine] != st[theirs]:
                print(f"         WARNING: our {mine} is {so[mine]}, NumPyro's is {st[theirs]}: "
                      "the runs are not like for like")
    ess = min(nuts["ess"].values())
    print(f"ELBO: nats, summed over rows, estimated after fitting from {st['elbo_draws']} "
          "fresh draws of q (higher is better)")
    print(f"NUTS reference: {nuts['settings']['chains']} chains × "
          f"({nuts['settings']['warmup']} warm-up + {nuts['settings']['samples']}), "
          f"min ESS {ess:,.0f} (so NUTS means are good to ~{1 / math.sqrt(ess):.3f} sd), "
          f"max R-hat {max(nuts['r_hat'].values()):.4f}, {nuts['divergences']} divergences")
    print()

    # ---- the table
    rows = []   # (family label, measure, ours, numpyro, comparison)
    for key, label in FAMILIES:
        n = npy[key]
        o = ours.get(key) if isinstance(ours, dict) and isinstance(ours.get(key), dict) else {}

        o_sps, n_sps = o.get("steps_per_second"), n["steps_per_second"]
        ratio = (f"ours/NumPyro = {o_sps / n_sps:.2f}×"
                 if is_number(o_sps) and o_sps > 0 else "")
        rows.append((label, "steps/s", fmt(o_sps, ",.0f"), fmt(n_sps, ",.0f"), ratio))
        o_one = o.get("steps_per_second_one_thread")
        if is_number(o_one) and o_one > 0:
            rows.append(("", "steps/s, ours on one thread", fmt(o_one, ",.0f"), "",
                         f"ours/NumPyro = {o_one / n_sps:.2f}×"))

        o_elbo, n_elbo = o.get("elbo"), n["elbo"]
        diff = ""
        if is_number(o_elbo):
            diff = f"ours − NumPyro = {o_elbo - n_elbo:+.2f}"
            if is_number(o.get("elbo_se")):
                diff += f" (± {math.hypot(o['elbo_se'], n['elbo_se']):.2f})"
        n_elbo_s = f"{n_elbo:.2f} ± {n['elbo_se']:.2f}"
        o_elbo_s = (f"{o_elbo:.2f} ± {o['elbo_se']:.2f}" if is_number(o.get("elbo_se"))
                    else fmt(o_elbo, ".2f"))
        rows.append(("", "final ELBO", o_elbo_s, n_elbo_s, diff))

        dn, do = distance_to_nuts(n, nuts), distance_to_nuts(o, nuts) if o else None
        verdict = ""
        if key == "full_rank" and do and "z" in do:
            verdict = (f"target < {TARGET_Z}: " +
                       ("met" if do["z"] < TARGET_Z and not do["missing"] else "NOT met"))
        elif key == "mean_field":
            verdict = "(for information)"
        rows.append(("", "max |mean−NUTS| / NUTS sd",
                     f"{do['z']:.3f} {do['name']}" if do and "z" in do else "—",
                     f"{dn['z']:.3f} {dn['name']}", verdict))

        def sd_range(d):
            return (f"{d['sd_ratio'][0]:.2f}–{d['sd_ratio'][1]:.2f}"
                    if d and d.get("sd_ratio") else "—")
        rows.append(("", "sd / NUTS sd (min–max)", sd_range(do), sd_range(dn), ""))
        if do and do["missing"]:
            problems.append(f"{key}: no mean for {', '.join(do['missing'])}")

    headers = ("family", "measure", "ours", "NumPyro", "ours vs NumPyro")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    align = ["<", "<", ">", ">", "<"]

    def line(cells):
        return "  ".join(format(c, f"{a}{w}") for c, a, w in zip(cells, align, widths)).rstrip()
    print(line(headers))
    print(line(["-" * w for w in widths]))
    for i, r in enumerate(rows):
        if i and r[0]:
            print()
        print(line(r))
    print()
    n_extra = npy["mean_field"], npy["full_rank"]
    print("NumPyro extras: compile " + ", ".join(
        f"{label} {b['compile_seconds']:.1f} s" for (_, label), b in zip(FAMILIES, n_extra)) +
        "; Python loop over a jitted svi.update: " + ", ".join(
        f"{label} {b['python_loop_steps_per_second']:,.0f} steps/s"
        for (_, label), b in zip(FAMILIES, n_extra)) +
        "; other processes used " + ", ".join(
        f"{b['other_processes_cpu_percent']:.0f}%" for b in n_extra) +
        " of the CPUs while NumPyro was timed")

    default_status = 0
    if args.wall:
        default_status = default_fit_comparison(args, npy, nuts)

    # ---- verdict on our side
    if ours is None:
        print()
        print("*" * 78)
        print("OUR SIDE DID NOT RUN: " + "; ".join(problems))
        print("Only NumPyro's numbers above are real; the 'ours' column is empty.")
        print("*" * 78)
        return 2
    if problems:
        print()
        print("OUR RESULTS ARE INCOMPLETE:")
        for p in problems:
            print(f"  - {p}")
        return 3
    return default_status


if __name__ == "__main__":
    sys.exit(main())
