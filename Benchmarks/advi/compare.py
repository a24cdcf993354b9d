#!/usr/bin/env python3
"""Join our ADVI results with NumPyro's and print them side by side.

Inputs (both written for one run of run.sh):
  --numpyro  numpyro.json from numpyro_logistic.py (SVI results for both families plus the
             NUTS reference posterior)
  --ours     the JSON written by our advi-benchmark executable:
               {"mean_field": {"steps_per_second": float, "elbo": float,
                               "means": {name: float}, "sds": {name: float}},
                "full_rank":  {... the same ...}}
             names: "intercept" and the CSV's feature column names. Optional extras that
             are shown when present: "system" (a label), per family "elbo_se" and
             "steps_per_second_one_thread", and "settings" {"steps", "lr", "num_particles",
             "dtype"}.

Exit status: 0 when our side's results were complete, 2 when our side did not run or
wrote no usable JSON, 3 when its JSON was incomplete. NumPyro's numbers are printed in
every case.
"""

import argparse
import json
import math
import os
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


def main():
    args = parse_args()
    with open(args.numpyro, encoding="utf-8") as f:
        npy = json.load(f)
    ours, problems = load_ours(args.ours, args.ours_exit)
    nuts, st = npy["nuts"], npy["settings"]

    # ---- header: what was run
    print()
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
