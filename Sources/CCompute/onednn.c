#include "CCompute.h"

#if !defined(__APPLE__)
#if !__has_include(<oneapi/dnnl/dnnl.h>)
#error "Variational needs oneDNN on this platform: apt-get install libdnnl-dev (scripts/setup does)"
#endif
#include <oneapi/dnnl/dnnl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

// oneDNN runs its kernels on OpenMP threads (Debian builds it with libgomp). These two come
// from the OpenMP runtime that libdnnl already loads.
extern int omp_get_max_threads(void);
extern void omp_set_num_threads(int);

static atomic_int single_threaded;

int variational_compute_available(void) { return 1; }

void variational_compute_set_single_threaded(int single) {
  atomic_store(&single_threaded, single != 0);
}

// The number of OpenMP threads is a per-thread setting: each thread that calls oneDNN sets
// its own once.
static void choose_threads(void) {
  static __thread int set_to;  // 0: not yet; else the setting + 1
  int single = atomic_load(&single_threaded);
  if (set_to == single + 1) return;
  if (single) omp_set_num_threads(1);
  set_to = single + 1;
}

const char *variational_compute_isa(void) {
  switch (dnnl_get_effective_cpu_isa()) {
  case dnnl_cpu_isa_sse41: return "sse41";
  case dnnl_cpu_isa_avx: return "avx";
  case dnnl_cpu_isa_avx2: return "avx2";
  case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
  case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
  case dnnl_cpu_isa_avx512_core: return "avx512_core";
  case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
  case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
  case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
  case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
  default: return "other";
  }
}

int variational_compute_limit_to_avx2(void) {
  return dnnl_set_max_cpu_isa(dnnl_cpu_isa_avx2) == dnnl_success;
}

int variational_sgemm(
    int transpose_a, int transpose_b, long m, long n, long k, float alpha, const float *a,
    long lda, const float *b, long ldb, float beta, float *c, long ldc) {
  choose_threads();
  return dnnl_sgemm(
             transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb,
             beta, c, ldc) == dnnl_success;
}

// --- Convolutions -------------------------------------------------------------------------
//
// Each thread keeps the primitives it made, by kind and shape, with their memory objects:
// making a primitive costs far more than running one on these sizes, and a thread's own cache
// needs no lock. The operands in oneDNN's own layouts and the scratchpad live in one workspace
// per thread, as large as the largest call needs (oneDNN's primitives may run on several
// threads at once only with separate scratchpads, which this gives), rather than one buffer
// per cached primitive.

enum kind { forward, backward_data, backward_weights };

typedef struct {
  int used;
  enum kind kind;
  variational_convolution shape;
  dnnl_primitive_t primitive;
  // For each operand, in the order of `arguments`: the caller's plain (NCHW/OIHW) memory, and
  // where the primitive wants another layout, its own memory in that layout and the reorder
  // between the two (into it for an input, out of it for an output).
  int arguments[3];
  int is_output[3];
  dnnl_memory_t memories[3];
  dnnl_memory_t internal[3];
  size_t internal_offsets[3];  // in the workspace
  dnnl_primitive_t reorders[3];
  dnnl_memory_t scratchpad_memory;
  size_t scratchpad_offset;
  size_t workspace_bytes;  // what this primitive needs of the workspace
} cached_primitive;

enum { cache_size = 32 };

typedef struct {
  dnnl_engine_t engine;
  dnnl_stream_t stream;
  int next;  // the entry to replace when all are used
  cached_primitive entries[cache_size];
  void *workspace;
  size_t workspace_bytes;
} thread_cache;

static __thread thread_cache *cache;

static thread_cache *this_thread_cache(void) {
  if (cache != NULL) return cache;
  thread_cache *made = calloc(1, sizeof(thread_cache));
  if (made == NULL) return NULL;
  if (dnnl_engine_create(&made->engine, dnnl_cpu, 0) != dnnl_success) {
    free(made);
    return NULL;
  }
  if (dnnl_stream_create(&made->stream, made->engine, dnnl_stream_default_flags)
      != dnnl_success) {
    dnnl_engine_destroy(made->engine);
    free(made);
    return NULL;
  }
  cache = made;
  return made;
}

static void release(cached_primitive *entry) {
  if (!entry->used) return;
  dnnl_primitive_destroy(entry->primitive);
  for (int i = 0; i < 3; i++) {
    dnnl_memory_destroy(entry->memories[i]);
    if (entry->reorders[i] != NULL) dnnl_primitive_destroy(entry->reorders[i]);
    if (entry->internal[i] != NULL) dnnl_memory_destroy(entry->internal[i]);
  }
  if (entry->scratchpad_memory != NULL) dnnl_memory_destroy(entry->scratchpad_memory);
  memset(entry, 0, sizeof(*entry));
}

// The memory descriptors of the convolution: x (NCHW), w (OIHW), y (NCHW).
static int describe(
    const variational_convolution *s, dnnl_memory_desc_t *x, dnnl_memory_desc_t *w,
    dnnl_memory_desc_t *y) {
  dnnl_dims_t x_dims = {s->batch, s->input_channels, s->height, s->width};
  dnnl_dims_t w_dims = {s->output_channels, s->input_channels, s->kernel_size, s->kernel_size};
  dnnl_dims_t y_dims = {s->batch, s->output_channels, s->output_height, s->output_width};
  return dnnl_memory_desc_init_by_tag(x, 4, x_dims, dnnl_f32, dnnl_nchw) == dnnl_success
      && dnnl_memory_desc_init_by_tag(w, 4, w_dims, dnnl_f32, dnnl_oihw) == dnnl_success
      && dnnl_memory_desc_init_by_tag(y, 4, y_dims, dnnl_f32, dnnl_nchw) == dnnl_success;
}

// The convolution's descriptor of `kind`; padding at the bottom and right is what makes
// (size + top + bottom − k) / stride + 1 equal the output size.
static int initialise(
    enum kind kind, const variational_convolution *s, dnnl_convolution_desc_t *descriptor,
    const dnnl_memory_desc_t *x, const dnnl_memory_desc_t *w, const dnnl_memory_desc_t *y) {
  long bottom = (s->output_height - 1) * s->stride + s->kernel_size - s->height - s->padding;
  long right = (s->output_width - 1) * s->stride + s->kernel_size - s->width - s->padding;
  if (bottom < 0 || right < 0) return 0;
  dnnl_dims_t strides = {s->stride, s->stride};
  dnnl_dims_t low = {s->padding, s->padding};
  dnnl_dims_t high = {bottom, right};
  dnnl_status_t status;
  switch (kind) {
  case forward:
    status = dnnl_convolution_forward_desc_init(
        descriptor, dnnl_forward_training, dnnl_convolution_direct, x, w, NULL, y, strides,
        low, high);
    break;
  case backward_data:
    status = dnnl_convolution_backward_data_desc_init(
        descriptor, dnnl_convolution_direct, x, w, y, strides, low, high);
    break;
  case backward_weights:
    status = dnnl_convolution_backward_weights_desc_init(
        descriptor, dnnl_convolution_direct, x, w, NULL, y, strides, low, high);
    break;
  }
  return status == dnnl_success;
}

// Sizes in the workspace are rounded up to 64 bytes, the alignment oneDNN prefers.
static size_t aligned(size_t bytes) { return (bytes + 63) & ~(size_t)63; }

// Adds to `entry` the operand `index`: the caller's memory in the plain layout `plain`, and
// if the primitive `made` wants another layout for it, an internal buffer and a reorder.
static int add_operand(
    cached_primitive *entry, int index, int argument, int is_output,
    const dnnl_memory_desc_t *plain, const_dnnl_primitive_desc_t made, dnnl_engine_t engine) {
  entry->arguments[index] = argument;
  entry->is_output[index] = is_output;
  if (dnnl_memory_create(&entry->memories[index], plain, engine, DNNL_MEMORY_NONE)
      != dnnl_success)
    return 0;
  const dnnl_memory_desc_t *wanted = dnnl_primitive_desc_query_md(
      made, dnnl_query_exec_arg_md, argument);
  if (wanted == NULL) return 0;
  if (dnnl_memory_desc_equal(wanted, plain)) return 1;
  entry->internal_offsets[index] = entry->workspace_bytes;
  entry->workspace_bytes += aligned(dnnl_memory_desc_get_size(wanted));
  if (dnnl_memory_create(&entry->internal[index], wanted, engine, DNNL_MEMORY_NONE)
      != dnnl_success)
    return 0;
  dnnl_primitive_desc_t reorder;
  dnnl_status_t status = is_output
    ? dnnl_reorder_primitive_desc_create(&reorder, wanted, engine, plain, engine, NULL)
    : dnnl_reorder_primitive_desc_create(&reorder, plain, engine, wanted, engine, NULL);
  if (status != dnnl_success) return 0;
  status = dnnl_primitive_create(&entry->reorders[index], reorder);
  dnnl_primitive_desc_destroy(reorder);
  return status == dnnl_success;
}

// Makes the primitive of `kind` for shape `s` into `entry`, letting oneDNN choose the layouts
// it runs fastest on (blocked by 16 channels on AVX-512, by 8 on AVX2), except for the input
// gradient of an input with fewer than 8 channels: padded to a block of channels it ran 6–8
// times slower than in the plain layout (an image's single grey channel, a transposed
// convolution to one channel; Benchmarks/README.md).
static int make(cached_primitive *entry, enum kind kind, const variational_convolution *s,
                thread_cache *owner) {
  dnnl_memory_desc_t x, w, y, any_x, any_w, any_y;
  if (!describe(s, &x, &w, &y)) return 0;
  any_x = x, any_w = w, any_y = y;
  if (!(kind == backward_data && s->input_channels < 8)) {
    dnnl_memory_desc_init_by_tag(&any_x, 4, x.dims, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&any_w, 4, w.dims, dnnl_f32, dnnl_format_tag_any);
    dnnl_memory_desc_init_by_tag(&any_y, 4, y.dims, dnnl_f32, dnnl_format_tag_any);
  }
  dnnl_convolution_desc_t descriptor;
  if (!initialise(kind, s, &descriptor, &any_x, &any_w, &any_y)) return 0;
  dnnl_primitive_attr_t attributes;
  if (dnnl_primitive_attr_create(&attributes) != dnnl_success) return 0;
  dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user);
  // The backward passes need the forward pass's descriptor as a hint.
  dnnl_primitive_desc_t hint = NULL, made = NULL;
  int ok = 1;
  if (kind != forward) {
    dnnl_convolution_desc_t forward_descriptor;
    ok = initialise(forward, s, &forward_descriptor, &any_x, &any_w, &any_y)
      && dnnl_primitive_desc_create(&hint, &forward_descriptor, NULL, owner->engine, NULL)
             == dnnl_success;
  }
  ok = ok
    && dnnl_primitive_desc_create(&made, &descriptor, attributes, owner->engine, hint)
           == dnnl_success;
  dnnl_primitive_attr_destroy(attributes);
  if (hint != NULL) dnnl_primitive_desc_destroy(hint);
  if (!ok) return 0;

  memset(entry, 0, sizeof(*entry));
  entry->used = 1;
  entry->kind = kind;
  entry->shape = *s;
  ok = dnnl_primitive_create(&entry->primitive, made) == dnnl_success;
  switch (kind) {
  case forward:
    ok = ok && add_operand(entry, 0, DNNL_ARG_SRC, 0, &x, made, owner->engine)
      && add_operand(entry, 1, DNNL_ARG_WEIGHTS, 0, &w, made, owner->engine)
      && add_operand(entry, 2, DNNL_ARG_DST, 1, &y, made, owner->engine);
    break;
  case backward_data:
    ok = ok && add_operand(entry, 0, DNNL_ARG_DIFF_SRC, 1, &x, made, owner->engine)
      && add_operand(entry, 1, DNNL_ARG_WEIGHTS, 0, &w, made, owner->engine)
      && add_operand(entry, 2, DNNL_ARG_DIFF_DST, 0, &y, made, owner->engine);
    break;
  case backward_weights:
    ok = ok && add_operand(entry, 0, DNNL_ARG_SRC, 0, &x, made, owner->engine)
      && add_operand(entry, 1, DNNL_ARG_DIFF_WEIGHTS, 1, &w, made, owner->engine)
      && add_operand(entry, 2, DNNL_ARG_DIFF_DST, 0, &y, made, owner->engine);
    break;
  }
  const dnnl_memory_desc_t *scratchpad = dnnl_primitive_desc_query_md(
      made, dnnl_query_scratchpad_md, 0);
  size_t bytes = scratchpad == NULL ? 0 : dnnl_memory_desc_get_size(scratchpad);
  if (ok && bytes > 0) {
    entry->scratchpad_offset = entry->workspace_bytes;
    entry->workspace_bytes += aligned(bytes);
    ok = dnnl_memory_create(&entry->scratchpad_memory, scratchpad, owner->engine,
                            DNNL_MEMORY_NONE) == dnnl_success;
  }
  dnnl_primitive_desc_destroy(made);
  if (!ok) {
    release(entry);
    return 0;
  }
  return 1;
}

static cached_primitive *primitive(enum kind kind, const variational_convolution *s) {
  thread_cache *owner = this_thread_cache();
  if (owner == NULL) return NULL;
  for (int i = 0; i < cache_size; i++) {
    cached_primitive *entry = &owner->entries[i];
    if (entry->used && entry->kind == kind
        && memcmp(&entry->shape, s, sizeof(*s)) == 0)
      return entry;
  }
  cached_primitive *slot = NULL;
  for (int i = 0; i < cache_size && slot == NULL; i++)
    if (!owner->entries[i].used) slot = &owner->entries[i];
  if (slot == NULL) {
    slot = &owner->entries[owner->next];
    owner->next = (owner->next + 1) % cache_size;
    release(slot);
  }
  return make(slot, kind, s, owner) ? slot : NULL;
}

static int execute(dnnl_primitive_t primitive, int count, const dnnl_exec_arg_t *arguments) {
  return dnnl_primitive_execute(primitive, cache->stream, count, arguments) == dnnl_success;
}

static int run(enum kind kind, const variational_convolution *s, const void *first,
               const void *second, const void *third) {
  choose_threads();
  cached_primitive *entry = primitive(kind, s);
  if (entry == NULL) return 0;
  if (cache->workspace_bytes < entry->workspace_bytes) {
    void *larger = NULL;
    if (posix_memalign(&larger, 64, entry->workspace_bytes) != 0) return 0;
    free(cache->workspace);
    cache->workspace = larger;
    cache->workspace_bytes = entry->workspace_bytes;
  }
  char *workspace = cache->workspace;
  for (int i = 0; i < 3; i++)
    if (entry->internal[i] != NULL
        && dnnl_memory_set_data_handle(
               entry->internal[i], workspace + entry->internal_offsets[i]) != dnnl_success)
      return 0;
  if (entry->scratchpad_memory != NULL
      && dnnl_memory_set_data_handle(
             entry->scratchpad_memory, workspace + entry->scratchpad_offset) != dnnl_success)
    return 0;
  const void *pointers[3] = {first, second, third};
  dnnl_exec_arg_t arguments[4];
  int count = 0;
  for (int i = 0; i < 3; i++) {
    if (dnnl_memory_set_data_handle(entry->memories[i], (void *)pointers[i]) != dnnl_success)
      return 0;
    dnnl_memory_t used = entry->memories[i];
    if (entry->reorders[i] != NULL) {
      used = entry->internal[i];
      if (!entry->is_output[i]) {
        dnnl_exec_arg_t pair[2] = {
          {DNNL_ARG_FROM, entry->memories[i]}, {DNNL_ARG_TO, used}};
        if (!execute(entry->reorders[i], 2, pair)) return 0;
      }
    }
    arguments[count++] = (dnnl_exec_arg_t){entry->arguments[i], used};
  }
  if (entry->scratchpad_memory != NULL)
    arguments[count++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, entry->scratchpad_memory};
  if (!execute(entry->primitive, count, arguments)) return 0;
  for (int i = 0; i < 3; i++) {
    if (entry->reorders[i] == NULL || !entry->is_output[i]) continue;
    dnnl_exec_arg_t pair[2] = {
      {DNNL_ARG_FROM, entry->internal[i]}, {DNNL_ARG_TO, entry->memories[i]}};
    if (!execute(entry->reorders[i], 2, pair)) return 0;
  }
  return dnnl_stream_wait(cache->stream) == dnnl_success;
}

int variational_convolution_forward(
    const variational_convolution *shape, const float *x, const float *w, float *y) {
  return run(forward, shape, x, w, y);
}

int variational_convolution_backward_data(
    const variational_convolution *shape, const float *output_gradient, const float *w,
    float *input_gradient) {
  return run(backward_data, shape, input_gradient, w, output_gradient);
}

int variational_convolution_backward_weights(
    const variational_convolution *shape, const float *x, const float *output_gradient,
    float *weight_gradient) {
  return run(backward_weights, shape, x, weight_gradient, output_gradient);
}

#else  // Apple platforms: Accelerate's BLAS instead.

int variational_compute_available(void) { return 0; }
void variational_compute_set_single_threaded(int single) { (void)single; }
const char *variational_compute_isa(void) { return "none"; }
int variational_compute_limit_to_avx2(void) { return 0; }

int variational_sgemm(
    int transpose_a, int transpose_b, long m, long n, long k, float alpha, const float *a,
    long lda, const float *b, long ldb, float beta, float *c, long ldc) {
  (void)transpose_a, (void)transpose_b, (void)m, (void)n, (void)k, (void)alpha, (void)a;
  (void)lda, (void)b, (void)ldb, (void)beta, (void)c, (void)ldc;
  return 0;
}

int variational_convolution_forward(
    const variational_convolution *shape, const float *x, const float *w, float *y) {
  (void)shape, (void)x, (void)w, (void)y;
  return 0;
}

int variational_convolution_backward_data(
    const variational_convolution *shape, const float *output_gradient, const float *w,
    float *input_gradient) {
  (void)shape, (void)output_gradient, (void)w, (void)input_gradient;
  return 0;
}

int variational_convolution_backward_weights(
    const variational_convolution *shape, const float *x, const float *output_gradient,
    float *weight_gradient) {
  (void)shape, (void)x, (void)output_gradient, (void)weight_gradient;
  return 0;
}

#endif
