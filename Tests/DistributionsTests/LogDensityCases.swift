import Distributions
import TensorCore
import TestSupport

/// One row of the log-density table: a distribution's log density, the values it is evaluated
/// at and the reference results.
struct LogDensityCase<Scalar: TensorScalar> {
  var name: String
  var values: [Double]
  /// The shape of the values (a vector by default).
  var valueShape: [Int]? = nil
  var expected: [Double]
  var logProbability: (Tensor<Scalar>) -> Tensor<Scalar>
}

/// Log densities against SciPy 1.17.1 (`scipy.stats`, `scipy.special.expit`/`softmax`), printed
/// with `repr` to 17 digits; the SciPy call is given above each row, e.g.
/// `stats.gamma.logpdf(x, 2.5, scale=1/1.5)`. −∞ marks values outside the support.
func logDensityCases<Scalar: TensorScalar>(_: Scalar.Type) -> [LogDensityCase<Scalar>] {
  typealias Case = LogDensityCase<Scalar>
  func t(_ values: Double...) -> Tensor<Scalar> { tensor(values) }
  func s(_ value: Double) -> Tensor<Scalar> { scalar(value) }
  return [
    // stats.norm.logpdf(x, 0.5, 1.7)
    Case(
      name: "Normal", values: [-3.0, -0.2, 0.5, 1.3, 6.0],
      expected: [
        -3.568943946896601, -1.5343418707720335, -1.449566784266843, -1.5602934278654588,
        -6.683130798107674,
      ]
    ) { Normal(mean: s(0.5), standardDeviation: s(1.7)).logProbability(of: $0) },
    // stats.norm.logpdf(x, [0, 1, -2], [1, 0.5, 3])
    Case(
      name: "Normal batch", values: [0.3, 1.2, 4.0],
      expected: [-0.9639385332046727, -0.30579135264472734, -4.017550821872782]
    ) { Normal(mean: t(0, 1, -2), standardDeviation: t(1, 0.5, 3)).logProbability(of: $0) },
    // stats.halfnorm.logpdf(x, scale=1.3)
    Case(
      name: "HalfNormal", values: [-1.0, 0.0, 0.4, 1.0, 2.5, 7.0],
      expected: [
        -.infinity, -0.48815561711221844, -0.5354928952187273, -0.7840136052778989,
        -2.337268043147721, -14.98519703723056,
      ]
    ) { HalfNormal(scale: s(1.3)).logProbability(of: $0) },
    // stats.cauchy.logpdf(x, -0.5, 2.0)
    Case(
      name: "Cauchy", values: [-10.0, -1.0, -0.5, 0.7, 25.0],
      expected: [
        -4.9975335316175755, -1.8985016882257804, -1.8378770664093453, -2.145361766157306,
        -6.9350722466997095,
      ]
    ) { Cauchy(location: s(-0.5), scale: s(2.0)).logProbability(of: $0) },
    // stats.halfcauchy.logpdf(x, scale=0.8)
    Case(
      name: "HalfCauchy", values: [-0.1, 0.0, 0.3, 1.5, 12.0],
      expected: [
        -.infinity, -0.2284391539752451, -0.3600155117639643, -1.7359827587280054,
        -5.648974153247531,
      ]
    ) { HalfCauchy(scale: s(0.8)).logProbability(of: $0) },
    // stats.t.logpdf(x, 3.5, 1, 2)
    Case(
      name: "StudentT", values: [-5.0, 0.0, 1.0, 2.5, 30.0],
      expected: [
        -4.5467935423984445, -1.8378547326650878, -1.682620771819447, -2.0179508249305447,
        -10.934720085292827,
      ]
    ) {
      StudentT(degreesOfFreedom: s(3.5), location: s(1), scale: s(2)).logProbability(of: $0)
    },
    // stats.t.logpdf(x, 250.0, 0.0, 0.5)
    Case(
      name: "StudentT large degrees of freedom", values: [-0.3, 0.3, 40.0],
      expected: [-0.40738135635707995, -0.40738135635707995, -411.9811489313286]
    ) {
      StudentT(degreesOfFreedom: s(250), location: s(0), scale: s(0.5)).logProbability(of: $0)
    },
    // stats.lognorm.logpdf(x, 0.8, scale=exp(0.3))
    Case(
      name: "LogNormal", values: [-1.0, 0.0, 0.05, 0.5, 1.0, 2.0, 10.0],
      expected: [
        -.infinity, -.infinity, -6.185883973137533, -0.7732269593415868, -0.7661074818904631,
        -1.509695838686529, -6.131463711354797,
      ]
    ) { LogNormal(location: s(0.3), scale: s(0.8)).logProbability(of: $0) },
    // stats.expon.logpdf(x, scale=1/2.5)
    Case(
      name: "Exponential", values: [-0.5, 0.0, 0.1, 1.0, 4.0],
      expected: [
        -.infinity, 0.916290731874155, 0.666290731874155, -1.583709268125845,
        -9.083709268125846,
      ]
    ) { Exponential(rate: s(2.5)).logProbability(of: $0) },
    // stats.gamma.logpdf(x, 2.5, scale=1/1.5)
    Case(
      name: "Gamma", values: [-1.0, 0.0, 0.01, 0.5, 1.6, 4.0, 12.0],
      expected: [
        -.infinity, -.infinity, -6.193775379184646, -1.0607408710424262, -0.9660146563339052,
        -3.191578558522672, -13.543660125520509,
      ]
    ) { Gamma(concentration: s(2.5), rate: s(1.5)).logProbability(of: $0) },
    // stats.gamma.logpdf(x, 0.4, scale=1/3)
    Case(
      name: "Gamma concentration below 1", values: [0.0001, 0.1, 1.0, 3.0],
      expected: [
        5.168671320951169, 0.7243181535618874, -3.3572329022345393, -10.016400275435407,
      ]
    ) { Gamma(concentration: s(0.4), rate: s(3)).logProbability(of: $0) },
    // stats.invgamma.logpdf(x, 3, scale=2)
    Case(
      name: "InverseGamma", values: [-2.0, 0.05, 0.4, 1.0, 5.0, 40.0],
      expected: [
        -.infinity, -26.630776544664144, 0.051457288616510444, -0.6137056388801095,
        -5.451457288616512, -13.419223455335855,
      ]
    ) { InverseGamma(concentration: s(3), scale: s(2)).logProbability(of: $0) },
    // stats.beta.logpdf(x, 2.5, 0.7); at x = 1 SciPy gives +∞ (β < 1), and the boundary is
    // outside our open support, so −∞.
    Case(
      name: "Beta", values: [-0.1, 0.001, 0.2, 0.5, 0.9, 0.999, 1.0],
      expected: [
        -.infinity, -10.021478058222806, -2.0073590931065644, -0.49192190652161133,
        0.8725894645617973, 2.4106805433445886, -.infinity,
      ]
    ) { Beta(alpha: s(2.5), beta: s(0.7)).logProbability(of: $0) },
    // stats.uniform.logpdf(x, -1, 3.5)
    Case(
      name: "Uniform", values: [-1.5, -1.0, 0.0, 2.5, 2.6],
      expected: [
        -.infinity, -1.252762968495368, -1.252762968495368, -1.252762968495368, -.infinity,
      ]
    ) { Uniform(low: s(-1), high: s(2.5)).logProbability(of: $0) },
    // stats.bernoulli.logpmf(x, expit(0.8))
    Case(
      name: "Bernoulli", values: [0, 1], expected: [-1.1711006659477778, -0.37110066594777763]
    ) { Bernoulli(logits: s(0.8)).logProbability(of: $0) },
    // stats.bernoulli.logpmf(x, expit(-30.0))
    Case(
      name: "Bernoulli extreme logit", values: [0, 1],
      expected: [-9.357622968839737e-14, -30.000000000000092]
    ) { Bernoulli(logits: s(-30)).logProbability(of: $0) },
    // Grey levels: NumPy's −(x·logaddexp(0, −l) + (1 − x)·logaddexp(0, l)) with l = −1.7.
    Case(
      name: "Bernoulli grey levels", values: [0.0, 0.25, 0.9, 1.0],
      expected: [
        -0.16778602938626594, -0.5927860293862659, -1.6977860293862659, -1.8677860293862658,
      ]
    ) { Bernoulli(logits: s(-1.7)).logProbability(of: $0) },
    // stats.binom.logpmf(k, 12, expit(-0.4))
    Case(
      name: "Binomial", values: [-1.0, 0.0, 3.0, 7.0, 12.0, 13.0],
      expected: [
        -.infinity, -6.156183028799431, -1.9625554824470703, -2.281621636985006,
        -10.956183028799432, -.infinity,
      ]
    ) { Binomial(count: s(12), logits: s(-0.4)).logProbability(of: $0) },
    // stats.poisson.logpmf(k, exp(1.3))
    Case(
      name: "Poisson", values: [-1.0, 0.0, 2.0, 5.0, 15.0],
      expected: [
        -.infinity, -3.6692966676192444, -1.7624438481791898, -1.9567884104012903,
        -12.068568051460138,
      ]
    ) { Poisson(logRate: s(1.3)).logProbability(of: $0) },
    // stats.poisson.logpmf(k, exp(3.9))
    Case(
      name: "Poisson large rate", values: [0.0, 7.0, 40.0, 90.0],
      expected: [
        -49.40244910553017, -30.62761046659558, -3.7230888202875576, -16.555088725739466,
      ]
    ) { Poisson(logRate: s(3.9)).logProbability(of: $0) },
    // stats.multinomial.logpmf(onehot(k), 1, softmax([0.2, -1.0, 2.3, 0.0]))
    Case(
      name: "Categorical", values: [0, 1, 2, 3],
      expected: [
        -2.3307929712609745, -3.5307929712609747, -0.23079297126097506, -2.5307929712609747,
      ]
    ) { Categorical(logits: t(0.2, -1.0, 2.3, 0.0)).logProbability(of: $0) },
    // stats.multivariate_normal.logpdf(X, [0.5, -1, 2], L @ L.T), one vector per row.
    Case(
      name: "MultivariateNormal", values: [0, 0, 0, 0.5, -1, 2, 1.5, 0.3, -2.2],
      valueShape: [3, 3],
      expected: [-5.903148769143285, -3.1214587132019274, -8.454839307337727]
    ) {
      let scaleTril: Tensor<Scalar> = tensor(
        [1.2, 0, 0, 0.3, 0.8, 0, -0.5, 0.4, 1.5], shape: [3, 3])
      return MultivariateNormal(mean: t(0.5, -1, 2), scaleTril: scaleTril).logProbability(of: $0)
    },
  ]
}
