// Small numeric kernels in C, for loops that Swift does not vectorise: Swift's
// `squareRoot()` goes through `sqrtf` with its errno path, which keeps the compiler from using
// packed square roots.
#ifndef VARIATIONAL_CKERNELS_H
#define VARIATIONAL_CKERNELS_H
#include <stddef.h>

/// One Adam step on `count` parameters, in place (Kingma & Ba 2015, in PyTorch's order of
/// operations, so results equal the scalar Swift loop bit for bit):
///   g  = gradient + weight_decay · θ
///   m += (1 − β₁)(g − m)
///   v  = β₂ v + (1 − β₂) g²
///   θ −= step · m / (√v / √(1 − β₂ᵗ) + ε)
void variational_adam_update_float(
    float *theta, float *m, float *v, const float *gradient, size_t count,
    float one_minus_beta1, float beta2, float one_minus_beta2, float correction2_root,
    float epsilon, float step_size, float weight_decay);

/// The same step in double precision, for variational inference.
void variational_adam_update_double(
    double *theta, double *m, double *v, const double *gradient, size_t count,
    double one_minus_beta1, double beta2, double one_minus_beta2, double correction2_root,
    double epsilon, double step_size, double weight_decay);

/// The binary cross-entropy with logits l and targets x (grey levels in [0, 1]), summed along
/// each row of `columns` scalars:
///   row_sums[r] = Σⱼ max(l, 0) − x·l + log(1 + e^{−|l|}),   l = logits[r][j],
///   x = labels[(first_row + r) mod label_rows][j]
/// (the labels repeat along the rows, as for several samples per image, sample-major;
/// `first_row` numbers the first of these rows within the whole batch). When
/// `gradient` is not NULL it receives ∂/∂l = σ(l) − x, `rows × columns` scalars. e^x and
/// log(1 + y) are vectorisable approximations accurate to a few units in the last place.
void variational_sigmoid_cross_entropy_rows(
    const float *logits, const float *labels, size_t rows, size_t columns, size_t label_rows,
    size_t first_row, float *row_sums, float *gradient);

/// y ← f(y + b) in place over `rows` rows of `columns` scalars, b along each row, with f = relu
/// (max(z, 0)) when `relu` is not 0 and the identity otherwise: the end of a dense layer.
void variational_bias_activation_float(
    float *y, const float *bias, size_t rows, size_t columns, int relu);

/// y ← max(y, 0) in place over `count` scalars.
void variational_relu_float(float *y, size_t count);

/// The pullback of `variational_bias_activation_float` from its output y and the incoming
/// gradient ȳ: z̄ = ȳ ⊙ [y > 0] into `preactivation_gradient` (relu only; unused for the
/// identity, where z̄ = ȳ) and b̄[j] = Σ_rows z̄[row][j] into `bias_gradient` (overwritten),
/// for `columns` columns of matrices whose rows are `stride` apart (a block of columns of a
/// wider matrix: each column's sum runs over the rows in order whatever the block).
void variational_bias_activation_gradient_float(
    const float *gradient, const float *y, float *preactivation_gradient, float *bias_gradient,
    size_t rows, size_t columns, size_t stride, int relu);

/// The log likelihood of 0/1 outcomes y under Bernoulli(σ(l)), for `rows` rows of `columns`
/// logits l (outcomes shared by the rows), in place:
///   totals[r] = Σⱼ yⱼ lⱼ − max(lⱼ, 0) − log(1 + e^{−|lⱼ|}),   lⱼ ← yⱼ − σ(lⱼ)
/// (the logits are overwritten with the residuals, the gradient of the total). e^{−|l|} is a
/// vectorised approximation within 2 ulp, and the log(1 + ·) terms are summed as the logarithm
/// of products of 32 factors in [1, 2] (one `log` per block instead of one `log1p` per term;
/// absolute error below 32 · 2.3·10⁻¹⁶ per block).
void variational_logistic_rows(
    double *logits, const double *outcomes, size_t rows, size_t columns, double *totals);

/// The log likelihood of logistic regression and its gradient for each of `draws` rows βₗ of
/// `coefficients` ([draws, columns]), with a row-major design X ([rows, columns]) and 0/1
/// outcomes y ([rows]):
///   values[l] = Σₙ yₙ ηₗₙ − softplus(ηₗₙ),   ηₗ = X βₗ,
///   gradients[l] = Xᵀ (y − σ(ηₗ))            ([draws, columns])
/// in one pass over X per draw, 32 rows at a time (each chunk's logits, terms and gradient
/// contributions while it is in L1); e^{−|η|} and the sums of log(1 + e^{−|η|}) as in
/// `variational_logistic_rows`. Designs of at least 256 rows and 8192 scalars are split into
/// two halves of rows, the second on a helper thread when one is free
/// (`variational_run_halves`), and added in a fixed order.
void variational_logistic_value_and_gradient(
    const double *design, size_t rows, size_t columns, const double *outcomes,
    const double *coefficients, size_t draws, double *values, double *gradients);

/// `variational_logistic_value_and_gradient` over the rows indices[0 ..< rows] of the design
/// (and their outcomes), in that order, without a gathered copy of the design: the same
/// numbers as for a design that holds those rows (each 32-row chunk is copied to the stack).
/// A null `indices` takes rows 0 ..< rows.
void variational_logistic_value_and_gradient_of_rows(
    const double *design, const ptrdiff_t *indices, size_t rows, size_t columns,
    const double *outcomes, const double *coefficients, size_t draws, double *values,
    double *gradients);

/// `count` standard normal draws by the Box–Muller transform from (count + 1)/2 pairs of
/// uniforms, u₁ in (0, 1] and u₂ in [0, 1):
///   out[2i] = √(−2 log u1[i]) cos(2π u2[i]),   out[2i + 1] = √(−2 log u1[i]) sin(2π u2[i])
/// (the last sine dropped when `count` is odd), with polynomial log, sin and cos that
/// vectorise: within a few ulp of libm, and the same draws on every code path.
void variational_standard_normals(const double *u1, const double *u2, size_t count, double *out);

/// Runs work(context, piece) for piece = 0 ..< count, shared between the calling thread and a
/// helper thread when one is free (else all on the calling thread), each taking the next piece
/// left, and returns when all are done. The helper is started on first use when the machine
/// has two or more CPUs; VARIATIONAL_THREADS=1 keeps everything on the calling thread. The
/// pieces must not depend on which thread runs them.
void variational_run_pieces(void (*work)(void *context, int piece), void *context, int count);

/// `variational_run_pieces` with two pieces.
void variational_run_halves(void (*work)(void *context, int half), void *context);

/// Allows (1) or forbids (0) `variational_run_pieces` to use its helper thread from now on.
void variational_set_helper_thread(int enabled);

/// 1 when `variational_run_pieces` would use its helper thread: started and allowed.
int variational_helper_thread(void);

/// y = A x for a row-major `rows` × `columns` matrix A with leading dimension `lda` and a
/// vector x of stride `incx`: yᵢ = Σⱼ A[i][j] x[j·incx], each dot product in 4 lanes.
void variational_gemv_rows(
    const double *a, size_t rows, size_t columns, size_t lda, const double *x, size_t incx,
    double *y);

/// y = Aᵀ x for the same A: yⱼ = Σᵢ x[i·incx] A[i][j], accumulated row by row.
void variational_gemv_columns(
    const double *a, size_t rows, size_t columns, size_t lda, const double *x, size_t incx,
    double *y);

/// A 64-byte-aligned block of `bytes` bytes for a tensor, from this thread's cache of freed
/// blocks of exactly that size when it has one, else from `posix_memalign`; NULL when out of
/// memory. Training and inference steps allocate the same sizes at every step, and glibc's
/// `malloc` serves blocks above 1 KiB slowly (it first consolidates its fast bins: 20% of a
/// small ADVI step).
void *variational_buffer_allocate(size_t bytes);

/// Returns a block from `variational_buffer_allocate` (possibly from another thread) to this
/// thread's cache: up to 32 blocks of at most 16 MiB and 96 MiB in all, evicting in turn;
/// larger blocks are freed at once. A thread's cache is freed when the thread exits.
void variational_buffer_deallocate(void *pointer, size_t bytes);

/// The calling thread's check context: an unretained Swift object that a failed check asks for
/// a note to add to its message (TensorCore's `UserPreconditionContext`), or NULL (the
/// default). Swift has no thread-local variables of its own.
void *variational_check_context(void);

/// Sets the calling thread's check context.
void variational_set_check_context(void *context);

#endif
