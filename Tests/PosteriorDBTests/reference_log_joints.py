"""Independent log densities of the posteriordb models, for PosteriorDBTests.

Each Stan program is written out again with numpy and scipy.stats (all normalising constants
kept; they cancel in the differences the tests compare), and evaluated at two points of the
parameterisation our models use:

  garch-garch11:       beta1_raw = beta1 / (1 - alpha1), and log(1 - alpha1) is added (the
                       Jacobian of beta1 = (1 - alpha1) * beta1_raw; see GARCH11.swift)
  low_dim_gauss_mix:   mu1 = mu[1], mu_gap = mu[2] - mu[1] (Jacobian 1)

Point A is the reference mean of every parameter; point B moves each scalar by half a
reference sd, alternately up and down. Prints the Swift table of PosteriorDBLogJointTests.

  python3 Tests/PosteriorDBTests/reference_log_joints.py [posteriordb folder]
"""
import json
import os
import sys

import numpy as np
from scipy import stats
from scipy.special import logsumexp

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../../shared/posteriordb")


def load(name, file):
    with open(os.path.join(ROOT, name, file)) as f:
        return json.load(f)


def normal(x, mu, sigma):
    return stats.norm.logpdf(x, mu, sigma).sum()


def arma11(d, p):
    mu, phi, theta, sigma = p["mu"], p["phi"], p["theta"], p["sigma"]
    y = np.array(d["y"], dtype=float)
    err = np.zeros_like(y)
    nu = mu + phi * mu
    err[0] = y[0] - nu
    for t in range(1, len(y)):
        nu = mu + phi * y[t - 1] + theta * err[t - 1]
        err[t] = y[t] - nu
    return (normal(mu, 0, 10) + normal(phi, 0, 2) + normal(theta, 0, 2)
            + stats.cauchy.logpdf(sigma, 0, 2.5) + normal(err, 0, sigma))


def earn_height(d, p):
    earn, height = np.array(d["earn"]), np.array(d["height"])
    b = p["beta"]
    return normal(earn, b[0] + b[1] * height, p["sigma"])


def logearn_interaction_z(d, p):
    earn, height, male = (np.array(d[k], dtype=float) for k in ("earn", "height", "male"))
    z = (height - height.mean()) / height.std(ddof=1)
    b = p["beta"]
    return normal(np.log(earn), b[0] + b[1] * z + b[2] * male + b[3] * z * male, p["sigma"])


def garch11(d, p):
    mu, a0, a1, raw = p["mu"], p["alpha0"], p["alpha1"], p["beta1_raw"]
    b1 = (1 - a1) * raw
    y = np.array(d["y"], dtype=float)
    sigma = np.zeros_like(y)
    sigma[0] = d["sigma1"]
    for t in range(1, len(y)):
        sigma[t] = np.sqrt(a0 + a1 * (y[t - 1] - mu) ** 2 + b1 * sigma[t - 1] ** 2)
    return normal(y, mu, sigma) + np.log(1 - a1)


def kidscore_interaction(d, p):
    score, hs, iq = (np.array(d[k], dtype=float) for k in ("kid_score", "mom_hs", "mom_iq"))
    b = p["beta"]
    return (stats.cauchy.logpdf(p["sigma"], 0, 2.5)
            + normal(score, b[0] + b[1] * hs + b[2] * iq + b[3] * hs * iq, p["sigma"]))


def kidscore_momiq(d, p):
    score, iq = (np.array(d[k], dtype=float) for k in ("kid_score", "mom_iq"))
    b = p["beta"]
    return stats.cauchy.logpdf(p["sigma"], 0, 2.5) + normal(score, b[0] + b[1] * iq, p["sigma"])


def kilpisjarvi(d, p):
    x, y = np.array(d["x"], dtype=float), np.array(d["y"], dtype=float)
    return (normal(p["alpha"], d["pmualpha"], d["psalpha"])
            + normal(p["beta"], d["pmubeta"], d["psbeta"])
            + normal(y, p["alpha"] + p["beta"] * x, p["sigma"]))


def low_dim_gauss_mix(d, p):
    y = np.array(d["y"], dtype=float)
    mu = np.array([p["mu1"], p["mu1"] + p["mu_gap"]])
    sigma, theta = p["sigma"], p["theta"]
    lp1 = np.log(theta) + stats.norm.logpdf(y, mu[0], sigma[0])
    lp2 = np.log1p(-theta) + stats.norm.logpdf(y, mu[1], sigma[1])
    return (normal(sigma, 0, 2) + normal(mu, 0, 2) + stats.beta.logpdf(theta, 5, 5)
            + logsumexp(np.stack([lp1, lp2]), axis=0).sum())


def logmesquite_logvas(d, p):
    v = {k: np.array(d[k], dtype=float) for k in d if isinstance(d[k], list)}
    mean = (p["beta"][0] + p["beta"][1] * np.log(v["diam1"] * v["diam2"] * v["canopy_height"])
            + p["beta"][2] * np.log(v["diam1"] * v["diam2"])
            + p["beta"][3] * np.log(v["diam1"] / v["diam2"])
            + p["beta"][4] * np.log(v["total_height"]) + p["beta"][5] * np.log(v["density"])
            + p["beta"][6] * v["group"])
    return normal(np.log(v["weight"]), mean, p["sigma"])


def nes(d, p):
    v = {k: np.array(d[k], dtype=float) for k in d if isinstance(d[k], list)}
    age = np.array(d["age_discrete"])
    b = p["beta"]
    mean = (b[0] + b[1] * v["real_ideo"] + b[2] * v["race_adj"] + b[3] * (age == 2)
            + b[4] * (age == 3) + b[5] * (age == 4) + b[6] * v["educ1"] + b[7] * v["gender"]
            + b[8] * v["income"])
    return normal(v["partyid7"], mean, p["sigma"])


def blr(d, p):
    X, y = np.array(d["X"], dtype=float), np.array(d["y"], dtype=float)
    return (normal(p["beta"], 0, 10) + normal(p["sigma"], 0, 10)
            + normal(y, X @ p["beta"], p["sigma"]))


def gp_regr(d, p):
    x, y = np.array(d["x"], dtype=float), np.array(d["y"], dtype=float)
    rho, alpha, sigma = p["rho"], p["alpha"], p["sigma"]
    cov = alpha**2 * np.exp(-np.subtract.outer(x, x) ** 2 / (2 * rho**2)) + sigma * np.eye(len(x))
    return (stats.gamma.logpdf(rho, 25, scale=1 / 4) + stats.norm.logpdf(alpha, 0, 2)
            + stats.norm.logpdf(sigma, 0, 1)
            + stats.multivariate_normal.logpdf(y, np.zeros(len(x)), cov))


# name, log density, our parameters in declaration order (a vector's elements share a stem).
MODELS = [
    ("arma-arma11", arma11, ["mu", "phi", "theta", "sigma"]),
    ("earnings-earn_height", earn_height, ["beta", "sigma"]),
    ("earnings-logearn_interaction_z", logearn_interaction_z, ["beta", "sigma"]),
    ("garch-garch11", garch11, ["mu", "alpha0", "alpha1", "beta1_raw"]),
    ("gp_pois_regr-gp_regr", gp_regr, ["rho", "alpha", "sigma"]),
    ("kidiq-kidscore_interaction", kidscore_interaction, ["beta", "sigma"]),
    ("kidiq-kidscore_momiq", kidscore_momiq, ["beta", "sigma"]),
    ("kilpisjarvi_mod-kilpisjarvi", kilpisjarvi, ["alpha", "beta", "sigma"]),
    ("low_dim_gauss_mix-low_dim_gauss_mix", low_dim_gauss_mix, ["mu1", "mu_gap", "sigma", "theta"]),
    ("mesquite-logmesquite_logvas", logmesquite_logvas, ["beta", "sigma"]),
    ("nes1972-nes", nes, ["beta", "sigma"]),
    ("sblri-blr", blr, ["beta", "sigma"]),
]


def reference_points(name):
    """Points A and B in Stan's parameters, {stem: value or array}."""
    reference = load(name, "reference.json")
    points = []
    for shift in (0.0, 0.5):
        values = {}
        for i, key in enumerate(sorted(reference, key=stan_order)):
            stem = key.split("[")[0]
            value = reference[key]["mean"] + shift * (-1) ** i * reference[key]["sd"]
            values.setdefault(stem, []).append(value)
        points.append({k: (v[0] if len(v) == 1 and "[" not in k else np.array(v))
                       for k, v in values.items()})
    return points


def stan_order(key):
    stem, _, rest = key.partition("[")
    return (stem, int(rest.rstrip("]")) if rest else 0)


def ours(name, point):
    """The point in our parameterisation."""
    p = dict(point)
    if name == "garch-garch11":
        p["beta1_raw"] = p.pop("beta1") / (1 - p["alpha1"])
    if name == "low_dim_gauss_mix-low_dim_gauss_mix":
        mu = p.pop("mu")
        p["mu1"], p["mu_gap"] = mu[0], mu[1] - mu[0]
    return p


def flat(p, order):
    values = []
    for stem in order:
        values.extend(np.atleast_1d(p[stem]).tolist())
    return values


for name, density, order in MODELS:
    data = load(name, "data.json")
    a, b = (ours(name, point) for point in reference_points(name))
    la, lb = density(data, a), density(data, b)
    print(f"  LogJointCase(")
    print(f'    "{name}",')
    print(f"    a: {[float(x) for x in flat(a, order)]!r},")
    print(f"    b: {[float(x) for x in flat(b, order)]!r},")
    print(f"    logJointA: {float(la)!r}, logJointB: {float(lb)!r}),")
