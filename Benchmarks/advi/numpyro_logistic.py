#!/usr/bin/env python3
"""NumPyro half of the ADVI benchmark: Bayesian logistic regression on breast cancer.

Model (the same on both sides):
    w = (intercept, coef_1 .. coef_30) ~ Normal(0, 1) independently
    y_i ~ Bernoulli(logit = intercept + x_i . coef)          for the 569 rows
All 31 parameters sit in one sample site "w", so the guides' flat latent vector is exactly
w, in the order intercept, then the features in CSV column order.

What it runs:
  * SVI with Trace_ELBO(num_particles=1) and Adam, for two guides:
      mean_field  AutoDiagonalNormal      q(w) = prod_j Normal(loc_j, scale_j)
      full_rank   AutoMultivariateNormal  q(w) = MultivariateNormal(loc, scale_tril L)
    both started at loc = 0 and scale = 0.1 (L = 0.1 I), NumPyro's default init_scale.
    The whole optimisation (--steps updates) is one jitted lax.scan, compiled ahead of
    time; compile time is reported apart, and only the compiled loop is timed (median of
    --repeats runs from the same start, which give identical results). For reference it
    also times the common alternative: a Python loop calling a jitted svi.update.
  * The final ELBO of each fitted guide, estimated from --elbo-draws fresh draws of q:
        ELBO = E_q[ log p(y | w) + log p(w) - log q(w) ]      (nats, summed over rows)
    with its Monte Carlo standard error. (Not read off the last noisy step.)
  * A long NUTS run as the reference posterior (means, sds, ESS, R-hat, and the Monte-Carlo
    standard errors of its means and sds), cached in --nuts-cache under a key made of the
    data's SHA-256 and the NUTS settings, so reruns on the same data skip it.

With --svi-only FAMILY it does only what a user does to fit one family: read the CSV, run
SVI.init, then SVI.run(key, --steps, x, y, progress_bar=False, init_state=...) (one
lax.scan over svi.update, traced and compiled in this process), and write the guide's means
and sds, with the in-process times of the imports and of the SVI, to --json. run.sh times
that whole process from outside (interpreter start, imports and JIT compilation included)
against our default fit; no NUTS, no repeats.

Writes --json with the schema
    {"mean_field": {"steps_per_second", "elbo", "means": {name: v}, "sds": {name: v}, ...},
     "full_rank":  {... same ...},
     "nuts":       {"means", "sds", "ess", "r_hat", ...},
     "settings":   {...}}
where the names are "intercept" and the CSV's feature column names.
"""

import argparse
import csv
import hashlib
import json
import os
import platform
import statistics
import sys
import time

_IMPORTS_STARTED = time.perf_counter()


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--csv", required=True, help="data file written by make_data.py")
    p.add_argument("--target", default="target", help="name of the 0/1 target column")
    p.add_argument("--json", required=True, help="where to write the results")
    p.add_argument("--steps", type=int, default=10_000, help="SVI optimisation steps")
    p.add_argument("--lr", type=float, default=0.002,
                   help="Adam step size (0.002: see the README for why)")
    p.add_argument("--init-scale", type=float, default=0.1,
                   help="initial sd of each guide (NumPyro's default)")
    p.add_argument("--elbo-draws", type=int, default=10_000,
                   help="draws used to estimate the final ELBO")
    p.add_argument("--repeats", type=int, default=5,
                   help="timed runs of the compiled loop (the median is reported)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--svi-only", choices=("mean_field", "full_rank"), default=None,
                   help="fit this family's SVI alone, as a user would (svi.run), and write "
                        "its means, sds and in-process time; for timing the whole process")
    p.add_argument("--nuts-cache", help="JSON file caching the NUTS result (required "
                                        "unless --svi-only)")
    p.add_argument("--nuts-chains", type=int, default=4)
    p.add_argument("--nuts-warmup", type=int, default=2_000)
    p.add_argument("--nuts-samples", type=int, default=5_000)
    p.add_argument("--x64", action="store_true",
                   help="compute in float64 (default: float32, JAX's default)")
    p.add_argument("--devices", type=int, default=None,
                   help="CPU devices XLA exposes, so that NUTS chains run in parallel "
                        "(default: one per chain; the OS shares them over the cores)")
    args = p.parse_args()
    if args.svi_only is None and not args.nuts_cache:
        p.error("--nuts-cache is required (unless --svi-only)")
    return args


ARGS = parse_args()
if ARGS.devices is None and ARGS.svi_only is None:
    ARGS.devices = ARGS.nuts_chains

# JAX reads these when it starts, so they must be set before it is imported.
# CPU only, with one XLA host device per NUTS chain so that MCMC runs the chains in
# parallel (pmap) on all cores. SVI is one sequential computation on device 0; at this
# size (569 x 31) XLA keeps it on one thread, as our side presumably does too.
# With --svi-only, XLA keeps its defaults (one CPU device), as in a user's process.
os.environ.setdefault("JAX_PLATFORMS", "cpu")
if ARGS.devices is not None:
    _flags = [f for f in os.environ.get("XLA_FLAGS", "").split()
              if not f.startswith("--xla_force_host_platform_device_count")]
    os.environ["XLA_FLAGS"] = " ".join(
        _flags + [f"--xla_force_host_platform_device_count={ARGS.devices}"])

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import numpyro  # noqa: E402
import numpyro.distributions as dist  # noqa: E402
from numpyro.diagnostics import effective_sample_size, split_gelman_rubin  # noqa: E402
from numpyro.infer import MCMC, NUTS, SVI, Trace_ELBO  # noqa: E402
from numpyro.infer.autoguide import AutoDiagonalNormal, AutoMultivariateNormal  # noqa: E402
from numpyro.infer.initialization import init_to_value  # noqa: E402

_IMPORTS_SECONDS = time.perf_counter() - _IMPORTS_STARTED   # argument parsing, jax, numpyro

jax.config.update("jax_enable_x64", ARGS.x64)
DTYPE = jnp.float64 if ARGS.x64 else jnp.float32


def log(msg):
    """Progress line, flushed at once so run.sh shows it as it happens."""
    print(f"[numpyro] {msg}", flush=True)


def cpu_busy_seconds():
    """CPU-seconds all cores have spent busy since boot (Linux /proc/stat), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)       # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def other_load(busy_before, own_cpu, wall):
    """Percent of all CPUs that other processes kept busy during the last `wall` seconds."""
    busy_after = cpu_busy_seconds()
    if busy_before is None or busy_after is None or wall <= 0:
        return float("nan")
    others = max(0.0, busy_after - busy_before - own_cpu)
    return 100.0 * others / (wall * (os.cpu_count() or 1))


# ----------------------------------------------------------------------------- data

def load_csv(path, target):
    """Read the CSV: returns (feature names, X as float64 array, y as float64 0/1, sha256)."""
    with open(path, "rb") as f:
        raw = f.read()
    rows = list(csv.reader(raw.decode("utf-8").splitlines()))
    header, body = rows[0], rows[1:]
    if target not in header:
        sys.exit(f"target column {target!r} not in {path}")
    t = header.index(target)
    names = [h for i, h in enumerate(header) if i != t]
    x = np.array([[float(v) for i, v in enumerate(r) if i != t] for r in body])
    y = np.array([float(r[t]) for r in body])
    return names, x, y, hashlib.sha256(raw).hexdigest()


# ---------------------------------------------------------------------------- model

def model(x, y=None):
    """Logistic regression with Normal(0, 1) priors on the intercept and coefficients."""
    d = x.shape[1]
    w = numpyro.sample("w", dist.Normal(jnp.zeros(d + 1, x.dtype), 1.0).to_event(1))
    logits = w[0] + x @ w[1:]
    with numpyro.plate("rows", x.shape[0]):
        numpyro.sample("y", dist.Bernoulli(logits=logits), obs=y)


def log_joint_batch(w, x, y):
    """log p(y | w) + log p(w) for a batch of parameter vectors w of shape (n, d + 1)."""
    logits = w[:, :1] + w[:, 1:] @ x.T                       # (n, rows)
    loglik = jnp.sum(y * logits - jnp.logaddexp(0.0, logits), axis=1)
    logprior = jnp.sum(dist.Normal(0.0, 1.0).log_prob(w), axis=1)
    return loglik + logprior


# ---------------------------------------------------------------------------- SVI

GUIDES = {"mean_field": AutoDiagonalNormal, "full_rank": AutoMultivariateNormal}


def make_svi(guide_class, x):
    """The guide, started at loc 0 and scale --init-scale, and SVI with Adam."""
    d1 = x.shape[1] + 1
    guide = guide_class(model, init_loc_fn=init_to_value(values={"w": jnp.zeros(d1, DTYPE)}),
                        init_scale=ARGS.init_scale)
    svi = SVI(model, guide, numpyro.optim.Adam(ARGS.lr), Trace_ELBO(num_particles=1))
    return guide, svi


def guide_moments(family, params):
    """(means, sds, scale_tril or None) of the fitted guide, from its parameters."""
    loc = params["auto_loc"]
    if family == "mean_field":
        return loc, params["auto_scale"], None
    tril = params["auto_scale_tril"]
    return loc, jnp.sqrt(jnp.sum(tril * tril, axis=1)), tril   # sqrt(diag(L L^T))


def fit_svi(family, guide_class, x, y, names):
    """Fit one guide; return its result block for the JSON."""
    guide, svi = make_svi(guide_class, x)
    key_init, key_elbo, key_check = jax.random.split(jax.random.PRNGKey(ARGS.seed), 3)
    state0 = svi.init(key_init, x, y)

    # The whole optimisation as one XLA program: a scan over svi.update.
    def run_all(state, x, y):
        def body(s, _):
            s, loss = svi.update(s, x, y)
            return s, loss
        return jax.lax.scan(body, state, None, length=ARGS.steps)

    t0 = time.perf_counter()
    compiled = jax.jit(run_all).lower(state0, x, y).compile()
    compile_s = time.perf_counter() - t0

    # Timed runs of the compiled loop; every run starts from state0 and gives the same result.
    times = []
    cpu0, busy0 = time.process_time(), cpu_busy_seconds()
    for _ in range(ARGS.repeats):
        t0 = time.perf_counter()
        state, losses = compiled(state0, x, y)
        jax.block_until_ready((state, losses))
        times.append(time.perf_counter() - t0)
    run_s = statistics.median(times)
    # Cores this process kept busy while timed (1.0 = one core), and how busy the rest of
    # the machine was (0-100% of all cores) over the same time.
    own_cpu = time.process_time() - cpu0
    cores_used = own_cpu / sum(times)
    others = other_load(busy0, own_cpu, sum(times))
    losses = np.asarray(losses)
    if not np.all(np.isfinite(losses)):
        sys.exit(f"{family}: non-finite loss during optimisation")

    # For reference: the other usual way to drive SVI, a Python loop over a jitted update.
    step = jax.jit(svi.update)
    s, _ = step(state0, x, y)                                 # compiles
    jax.block_until_ready(s)
    s = state0
    t0 = time.perf_counter()
    for _ in range(ARGS.steps):
        s, _ = step(s, x, y)
    jax.block_until_ready(s)
    loop_s = time.perf_counter() - t0

    # The fitted q as a distribution over w.
    params = svi.get_params(state)
    loc, sds, tril = guide_moments(family, params)
    if family == "mean_field":
        q = dist.Normal(loc, sds).to_event(1)
    else:
        q = dist.MultivariateNormal(loc, scale_tril=tril)

    # Final ELBO: average of log p(y, w) - log q(w) over fresh draws w ~ q.
    @jax.jit
    def elbo_terms(key):
        w = q.sample(key, (ARGS.elbo_draws,))
        return log_joint_batch(w, x, y) - q.log_prob(w)
    terms = np.asarray(elbo_terms(key_elbo), dtype=np.float64)
    elbo = float(terms.mean())
    elbo_se = float(terms.std(ddof=1) / np.sqrt(terms.size))
    # Cross-check the hand-written log joint against NumPyro's own ELBO estimator on other
    # draws (fewer of them: it only has to agree within its Monte Carlo error).
    check_draws = min(ARGS.elbo_draws, 1000)
    numpyro_elbo = -float(jax.jit(lambda k, p: Trace_ELBO(num_particles=check_draws).loss(
        k, p, model, guide, x, y))(key_check, params))

    tail = min(500, ARGS.steps)
    log(f"{family:10s} {guide_class.__name__}: compile {compile_s:.2f} s, "
        f"run {run_s:.3f} s (median of {ARGS.repeats}: "
        f"{', '.join(f'{t:.3f}' for t in times)}) = {ARGS.steps / run_s:,.0f} steps/s "
        f"using {cores_used:.2f} cores (other processes: {others:.0f}% of the CPUs); "
        f"python loop {ARGS.steps / loop_s:,.0f} steps/s")
    log(f"{family:10s} ELBO {elbo:.3f} ± {elbo_se:.3f} ({ARGS.elbo_draws} draws); "
        f"NumPyro Trace_ELBO ({check_draws} other draws) {numpyro_elbo:.3f}; "
        f"mean of last {tail} step ELBOs {-losses[-tail:].mean():.3f}")

    return {
        "steps_per_second": ARGS.steps / run_s,
        "elbo": elbo,
        "elbo_se": elbo_se,
        "means": dict(zip(names, map(float, np.asarray(loc)))),
        "sds": dict(zip(names, map(float, np.asarray(sds)))),
        # q's scale matrix, rows in the order of `means` (full rank only), so that
        # compare.py can re-estimate the ELBO independently.
        "scale_tril": (np.asarray(tril, dtype=np.float64).tolist()
                       if tril is not None else None),
        # Extra detail, NumPyro side only.
        "guide": guide_class.__name__,
        "steps": ARGS.steps,
        "compile_seconds": compile_s,
        "run_seconds": times,
        "cores_used": cores_used,
        "other_processes_cpu_percent": others,
        "python_loop_steps_per_second": ARGS.steps / loop_s,
        "elbo_numpyro_trace_elbo": numpyro_elbo,
        "elbo_last_steps_mean": float(-losses[-tail:].mean()),
        "elbo_first_step": float(-losses[0]),
    }


def svi_only(family, x, y, names, data_sha):
    """What a user runs to fit one family: svi.run with the compiled scan, then the guide's
    means and sds. Returns the JSON block; the caller times the whole process."""
    _, svi = make_svi(GUIDES[family], x)
    key_init = jax.random.split(jax.random.PRNGKey(ARGS.seed), 3)[0]  # as fit_svi
    # svi.run(key, steps, ...) would call svi.init(key, ...) itself; calling it first is the
    # same work, timed apart: its first calls compile the model's and guide's set-up.
    t0 = time.perf_counter()
    state = svi.init(key_init, x, y)
    jax.block_until_ready(state)
    init_s = time.perf_counter() - t0
    result = svi.run(key_init, ARGS.steps, x, y, progress_bar=False, init_state=state)
    jax.block_until_ready(result.params)
    run_s = time.perf_counter() - t0
    loc, sds, _ = guide_moments(family, result.params)
    loc, sds = np.asarray(loc, dtype=np.float64), np.asarray(sds, dtype=np.float64)
    if not (np.all(np.isfinite(loc)) and np.all(np.isfinite(sds))):
        sys.exit(f"{family}: non-finite guide parameters after SVI")
    return {
        "system": f"NumPyro {numpyro.__version__} (jax {jax.__version__})",
        "family": family,
        "guide": GUIDES[family].__name__,
        "steps": ARGS.steps, "lr": ARGS.lr, "seed": ARGS.seed,
        "dtype": jnp.dtype(DTYPE).name, "data_sha256": data_sha,
        "imports_seconds": _IMPORTS_SECONDS,
        # svi.init and svi.run: set-up, tracing, XLA compilation and the 10,000 steps.
        "svi_run_seconds": run_s,
        "svi_init_seconds": init_s,
        "final_loss_mean_last_500": float(np.mean(np.asarray(result.losses)[-500:])),
        "means": dict(zip(names, map(float, loc))),
        "sds": dict(zip(names, map(float, sds))),
    }


# ---------------------------------------------------------------------------- NUTS

def nuts_reference(x, y, names, data_sha):
    """Reference posterior from NUTS, read from the cache when data and settings match."""
    settings = {
        "data_sha256": data_sha,
        "chains": ARGS.nuts_chains,
        "warmup": ARGS.nuts_warmup,
        "samples": ARGS.nuts_samples,
        "seed": ARGS.seed,
        "dtype": "float64" if ARGS.x64 else "float32",
        "numpyro": numpyro.__version__,
        "format": 2,     # 2: with the Monte-Carlo standard errors of the means and sds
    }
    key = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()
    if os.path.exists(ARGS.nuts_cache):
        with open(ARGS.nuts_cache, encoding="utf-8") as f:
            cached = json.load(f)
        if cached.get("key") == key and list(cached.get("means", {})) == names:
            log(f"NUTS: reusing cached reference {ARGS.nuts_cache} (key {key[:12]}, "
                f"ran {cached['seconds']:.1f} s originally)")
            cached["cached"] = True
            return cached

    chain_method = "parallel" if jax.local_device_count() >= ARGS.nuts_chains else "sequential"
    log(f"NUTS: {ARGS.nuts_chains} chains × ({ARGS.nuts_warmup} warm-up + "
        f"{ARGS.nuts_samples} samples), {chain_method} on {jax.local_device_count()} "
        f"CPU device(s) ...")
    mcmc = MCMC(NUTS(model), num_warmup=ARGS.nuts_warmup, num_samples=ARGS.nuts_samples,
                num_chains=ARGS.nuts_chains, chain_method=chain_method, progress_bar=False)
    t0 = time.perf_counter()
    mcmc.run(jax.random.PRNGKey(ARGS.seed + 1), x, y, extra_fields=("num_steps", "diverging"))
    w = np.asarray(mcmc.get_samples(group_by_chain=True)["w"], dtype=np.float64)
    seconds = time.perf_counter() - t0
    extra = mcmc.get_extra_fields()

    flat = w.reshape(-1, w.shape[-1])                         # (chains * samples, d + 1)
    means, sds = flat.mean(axis=0), flat.std(axis=0, ddof=1)
    ess = np.asarray(effective_sample_size(w))
    rhat = np.asarray(split_gelman_rubin(w))
    # Monte-Carlo standard errors of the reference: of each mean, in posterior sds
    # (1/sqrt(ESS)), and of each sd, relative to it: the variance is the mean of the squared
    # deviations, whose own ESS sets its error, and d(sd)/sd = d(var) / (2 var).
    squares = (w - means) ** 2
    ess_squares = np.asarray(effective_sample_size(squares))
    flat_squares = squares.reshape(-1, w.shape[-1])
    var_se = flat_squares.std(axis=0, ddof=1) / np.sqrt(ess_squares)
    sd_rel_se = var_se / (2 * sds ** 2)
    result = {
        "key": key,
        "settings": settings,
        "seconds": seconds,
        "chain_method": chain_method,
        "means": dict(zip(names, map(float, means))),
        "sds": dict(zip(names, map(float, sds))),
        "ess": dict(zip(names, map(float, ess))),
        "r_hat": dict(zip(names, map(float, rhat))),
        "mean_se_in_sd": dict(zip(names, map(float, 1 / np.sqrt(ess)))),
        "ess_squares": dict(zip(names, map(float, ess_squares))),
        "sd_relative_se": dict(zip(names, map(float, sd_rel_se))),
        "mean_leapfrog_steps": float(np.mean(extra["num_steps"])),
        "divergences": int(np.sum(extra["diverging"])),
    }
    os.makedirs(os.path.dirname(os.path.abspath(ARGS.nuts_cache)), exist_ok=True)
    with open(ARGS.nuts_cache + ".tmp", "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    os.replace(ARGS.nuts_cache + ".tmp", ARGS.nuts_cache)
    result["cached"] = False
    return result


# ---------------------------------------------------------------------------- main

def main():
    features, x_np, y_np, data_sha = load_csv(ARGS.csv, ARGS.target)
    names = ["intercept"] + features
    x, y = jnp.asarray(x_np, DTYPE), jnp.asarray(y_np, DTYPE)
    if ARGS.svi_only:
        out = svi_only(ARGS.svi_only, x, y, names, data_sha)
        out["process_seconds_before_exit"] = time.perf_counter() - _IMPORTS_STARTED
        with open(ARGS.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1)
        return
    log(f"jax {jax.__version__}, numpyro {numpyro.__version__}, "
        f"{jax.local_device_count()} CPU device(s), {jnp.dtype(DTYPE).name}; "
        f"data {x.shape[0]} × {x.shape[1]} (+ intercept), sha256 {data_sha[:16]}")
    log(f"SVI: {ARGS.steps} steps, Trace_ELBO(num_particles=1), Adam(lr={ARGS.lr}), "
        f"init loc 0, init scale {ARGS.init_scale}, seed {ARGS.seed}")

    out = {
        "system": f"NumPyro {numpyro.__version__} (jax {jax.__version__})",
        "settings": {
            "steps": ARGS.steps, "lr": ARGS.lr, "optimizer": "Adam",
            "num_particles": 1, "init_scale": ARGS.init_scale,
            "elbo_draws": ARGS.elbo_draws, "repeats": ARGS.repeats, "seed": ARGS.seed,
            "dtype": jnp.dtype(DTYPE).name, "data_sha256": data_sha,
            "rows": int(x.shape[0]), "features": int(x.shape[1]),
            "python": platform.python_version(), "cpus": os.cpu_count(),
        },
    }
    t0 = time.perf_counter()
    out["mean_field"] = fit_svi("mean_field", AutoDiagonalNormal, x, y, names)
    out["full_rank"] = fit_svi("full_rank", AutoMultivariateNormal, x, y, names)
    svi_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    nuts = nuts_reference(x, y, names, data_sha)
    nuts_s = time.perf_counter() - t0
    out["nuts"] = nuts
    if not nuts["cached"]:
        ess = min(nuts["ess"].values())
        log(f"NUTS: {nuts['seconds']:.1f} s; min ESS {ess:,.0f}, "
            f"max R-hat {max(nuts['r_hat'].values()):.4f}, "
            f"{nuts['mean_leapfrog_steps']:.1f} leapfrog steps per draw, "
            f"{nuts['divergences']} divergences")
    log(f"NUTS Monte-Carlo error: means at most {max(nuts['mean_se_in_sd'].values()):.4f} "
        f"posterior sd, sds at most {100 * max(nuts['sd_relative_se'].values()):.2f}%")

    # How far each fitted guide's means are from NUTS, in NUTS posterior sds.
    for family in ("mean_field", "full_rank"):
        z = {n: abs(out[family]["means"][n] - nuts["means"][n]) / nuts["sds"][n] for n in names}
        worst = max(z, key=z.get)
        log(f"{family:10s} max |mean - NUTS mean| / NUTS sd = {z[worst]:.3f} ({worst})")

    out["timings"] = {"svi_seconds": svi_s, "nuts_seconds": nuts_s}
    os.makedirs(os.path.dirname(os.path.abspath(ARGS.json)), exist_ok=True)
    with open(ARGS.json, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1)
    log(f"wrote {ARGS.json} (SVI {svi_s:.1f} s, NUTS {nuts_s:.1f} s)")


if __name__ == "__main__":
    main()
