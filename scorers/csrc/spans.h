/* scorers._spans: the fast path's byte scanning, in C (see module.c for the whole picture).
 *
 * Shared by the module's files: the buffers every function reads (a file's bytes, and columns
 * of [start, end) positions into them), hashing, and the eight-bytes-at-a-time helpers. */
#ifndef SCORERS_SPANS_H
#define SCORERS_SPANS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------ buffers (columns.c) */

typedef struct {
    Py_buffer view;
    const int64_t *at;
    Py_ssize_t n;
} Positions;

/* A column: the data it points into, and each row's [start, end). */
typedef struct {
    Py_buffer data;
    Positions starts, ends;
    int held; /* how many of the three buffers are held, for release */
} Column;

int get_column(PyObject *data, PyObject *starts, PyObject *ends, Column *c);
int column_args(PyObject *args, Column *c); /* the arguments (data, starts, ends) */
void release_column(Column *c);
/* A bytearray of n items (the Python side views it with numpy.frombuffer); *out its memory. */
PyObject *new_array(Py_ssize_t n, size_t itemsize, void **out);

/* ------------------------------------------------------------------ words and hashes */

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

static inline uint64_t load_word(const unsigned char *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* The high bit of each byte of w below n (n <= 128). The lowest flag is always exact (a borrow
 * only comes from a lower byte that is itself flagged), which is all a search for the first
 * such byte needs. */
static inline uint64_t bytes_below(uint64_t w, uint64_t n) { return (w - ONES * n) & ~w & HIGHS; }

static inline uint64_t bytes_equal(uint64_t w, unsigned char c) {
    return bytes_below(w ^ (ONES * c), 1);
}

static inline uint64_t hash_bytes(const unsigned char *p, size_t len) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ len;
    while (len >= 8) {
        h = (h ^ load_word(p)) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
        p += 8;
        len -= 8;
    }
    if (len) {
        uint64_t w = 0;
        memcpy(&w, p, len);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
    }
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    return h;
}

/* ------------------------------------------------------------------ factor.c */

/* A column's few distinct values (labels, languages, partitions), met one row at a time. */
typedef struct Factorizer Factorizer;
Factorizer *factor_new(Py_ssize_t max_values, const unsigned char *limit);
void factor_free(Factorizer *f);
/* The value's code; -1 beyond max_values, -2 two long values with one hash (not sure). */
int64_t factor_add(Factorizer *f, const unsigned char *p, size_t len);
/* Sorts the values, renumbers codes[0..n) in that order; the values as a list of bytes. */
PyObject *factor_finish(Factorizer *f, int64_t *codes, Py_ssize_t n);

/* ------------------------------------------------------------------ numbers.c */

/* The correctly rounded value of one literal; 0 (not sure) when it breaks the grammar (JSON's
 * when ``json``, else float()'s) or is not finite. numbers_begin() before a column of them. */
void numbers_begin(void);
int literal_value(const unsigned char *p, size_t len, int json, double *out);

/* ------------------------------------------------------------------ the module's functions */

int mapping_ready(void); /* mapping.c's buffer type, readied at import */
PyObject *spans_map_file(PyObject *self, PyObject *args);

PyObject *spans_scan_bytes(PyObject *self, PyObject *args);
PyObject *spans_jsonl_columns(PyObject *self, PyObject *args);
PyObject *spans_delimited(PyObject *self, PyObject *args);
PyObject *spans_numbers(PyObject *self, PyObject *args);
PyObject *spans_canonical_ints(PyObject *self, PyObject *args);
PyObject *spans_join(PyObject *self, PyObject *args);
PyObject *spans_distinct(PyObject *self, PyObject *args);
PyObject *spans_factorize(PyObject *self, PyObject *args);

#endif
