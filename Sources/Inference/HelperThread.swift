import CKernels

/// Whether likelihood kernels over large designs (at least 256 rows and 8192 scalars, such as
/// ``bernoulliLogLikelihood(coefficients:design:outcomes:)``) run half of their rows on a
/// helper thread on a second core. On by default on machines with two or more CPUs; the
/// environment variable `VARIATIONAL_THREADS=1` turns it off for the whole process. The
/// results are the same bit for bit either way: the rows are always split in the same two
/// halves, added in the same order.
///
/// The helper spins briefly after each job, so that a step a few microseconds later starts
/// without a system call, then sleeps.
public var helperThreadEnabled: Bool {
  get { variational_helper_thread() != 0 }
  set { variational_set_helper_thread(newValue ? 1 : 0) }
}
