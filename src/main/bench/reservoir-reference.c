/*
 * The reservoir step of src/worker/kernels/reservoir-kernel.as.ts and the output stage of
 * src/worker/reservoir/reservoir-player.ts, written plainly in C as the speed reference for
 * `axon bench --case reservoir-vs-c` (built with cc -O3 -march=native while the bench runs).
 * Reads a model dump (see reservoir-vs-c.ts), runs it in 32-sample chunks, and prints
 * "<ns per sample> <samples>" then the first outputs, one per line, to check it ran the same step.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int n, np, nnz, full;
static int32_t *row_ptr, *col_idx;
static float *vals, *win, *bias, *dvec, *wout, *x, *z, *cz, *cur;

#define EDGE 4.971786858527683f
#define STATE_LIMIT 4.0f

static float rational_tanh(float v) {
  float c = v < -EDGE ? -EDGE : v > EDGE ? EDGE : v;
  float x2 = c * c;
  float num = c * (135135.0f + x2 * (17325.0f + x2 * (378.0f + x2)));
  float den = 135135.0f + x2 * (62370.0f + x2 * (3150.0f + x2 * 28.0f));
  return num / den;
}

/*
 * Eight partial sums in one 8-lane vector (a GCC/Clang vector extension: -O3 alone will not
 * reorder a float sum into vector lanes), added up in the kernel's order.
 */
typedef float v8 __attribute__((vector_size(32), aligned(4)));
static float dot(const float *a, const float *b) {
  v8 acc = {0, 0, 0, 0, 0, 0, 0, 0};
  int j = 0;
  for (; j + 7 < np; j += 8) acc += *(const v8 *)(a + j) * *(const v8 *)(b + j);
  float s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
  for (; j < np; j++) s += a[j] * b[j];
  return s;
}

static int run(int len, double *out, float leak, float radius, double gain) {
  int healthy = 1;
  for (int s = 0; s < len; s++) {
    float fed = dot(dvec, x);
    for (int i = 0; i < n; i++) {
      float acc = 0;
      for (int k = row_ptr[i]; k < row_ptr[i + 1]; k++) acc += vals[k] * x[col_idx[k]];
      z[i] = radius * (acc + win[i] * fed);
    }
    for (int j = 0; j < np; j++) z[j] = rational_tanh(z[j] + bias[j]);
    if (full)
      for (int i = 0; i < n; i++) cz[i] = dot(cur + (size_t)i * np, z);
    else
      for (int j = 0; j < np; j++) cz[j] = cur[j] * z[j];
    for (int j = 0; j < np; j++) {
      float nx = (1 - leak) * x[j] + leak * cz[j];
      x[j] = nx < -STATE_LIMIT ? -STATE_LIMIT : nx > STATE_LIMIT ? STATE_LIMIT : nx;
    }
    double y = gain * (double)dot(wout, x);
    if (!(y < 1e6 && y > -1e6)) healthy = 0;
    out[s] = y;
  }
  return healthy;
}

static double soft_limit(double y) {
  double a = y < 0 ? -y : y;
  if (a <= 0.5) return y;
  double v = 0.5 + 0.5 * tanh(2 * (a - 0.5));
  return y < 0 ? -v : v;
}

static void *read_array(FILE *f, size_t count, size_t size) {
  void *p = calloc(count + 8, size);
  if (!p || fread(p, size, count, f) != count) {
    fprintf(stderr, "reservoir-reference: the model dump is short\n");
    exit(1);
  }
  return p;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: reservoir-reference <model.bin> <samples>\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  int32_t head[4];
  if (fread(head, 4, 4, f) != 4) return 1;
  n = head[0], np = head[1], nnz = head[2], full = head[3];
  float params[3]; /* leak, radius, gain */
  double dc[2];
  if (fread(params, 4, 3, f) != 3 || fread(dc, 8, 2, f) != 2) return 1;
  row_ptr = read_array(f, n + 1, 4);
  col_idx = read_array(f, nnz, 4);
  vals = read_array(f, nnz, 4);
  win = read_array(f, np, 4);
  bias = read_array(f, np, 4);
  dvec = read_array(f, np, 4);
  wout = read_array(f, np, 4);
  x = read_array(f, np, 4);
  cur = read_array(f, full ? (size_t)n * np : np, 4);
  fclose(f);
  z = calloc(np + 8, 4);
  cz = calloc(np + 8, 4);
  long samples = atol(argv[2]);
  double out[32], first[64], x1 = 0, y1 = 0, sink = 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  for (long at = 0; at < samples; at += 32) {
    run(32, out, params[0], params[1], params[2]);
    for (int s = 0; s < 32; s++) {
      double y = dc[0] * (out[s] - x1) + dc[1] * y1;
      if (y < 1e-30 && y > -1e-30) y = 0;
      x1 = out[s];
      y1 = y;
      out[s] = soft_limit(y);
      if (at + s < 64) first[at + s] = out[s];
    }
    sink += out[31];
  }
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  double ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / (double)samples;
  printf("%.3f %ld %g\n", ns, samples, sink);
  for (int i = 0; i < 64; i++) printf("%.9g\n", first[i]);
  return 0;
}
