/* scorers._spans: the fast path's byte scanning, one pass per column in C.
 *
 * Every function answers either the result or None ("not sure"); none of them ever decides that
 * a file is invalid. On None the thorough path (scorers/readers.py, validate.py) reads the file
 * again and reports each problem with its line, so the rules here only need to be narrower than
 * the thorough path's, never wider: a line that is not exactly of the expected shape, a control
 * character, an escape, a number outside the grammar, a duplicate or an unmatched id all give
 * None.
 *
 * Data is a bytes-like object holding the file's bytes, ending with a newline (scorers.fastpath
 * pads it); positions are int64 arrays (any C-contiguous buffer of int64). Results are bytearrays
 * that the Python side views with numpy.frombuffer, so this module needs no numpy headers.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------- buffers */

typedef struct {
    Py_buffer view;
    const int64_t *at;
    Py_ssize_t n;
} Positions;

static int get_positions(PyObject *obj, Positions *out) {
    if (PyObject_GetBuffer(obj, &out->view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    const char *fmt = out->view.format;
    if (out->view.itemsize != 8 || fmt == NULL || (strcmp(fmt, "q") && strcmp(fmt, "l") &&
                                                   strcmp(fmt, "<q") && strcmp(fmt, "=q") &&
                                                   strcmp(fmt, "<l") && strcmp(fmt, "=l"))) {
        PyBuffer_Release(&out->view);
        PyErr_SetString(PyExc_TypeError, "positions must be a contiguous int64 array");
        return -1;
    }
    out->at = (const int64_t *)out->view.buf;
    out->n = out->view.len / 8;
    return 0;
}

/* A column: the data it points into, and each row's [start, end). */
typedef struct {
    Py_buffer data;
    Positions starts, ends;
    int held; /* how many of the three buffers are held, for release */
} Column;

static void release_column(Column *c) {
    if (c->held > 2) PyBuffer_Release(&c->ends.view);
    if (c->held > 1) PyBuffer_Release(&c->starts.view);
    if (c->held > 0) PyBuffer_Release(&c->data);
    c->held = 0;
}

/* Every span must lie inside the data: a check of the caller's arrays, not of the file. */
static int get_column(PyObject *data, PyObject *starts, PyObject *ends, Column *c) {
    c->held = 0;
    if (PyObject_GetBuffer(data, &c->data, PyBUF_SIMPLE) < 0) return -1;
    c->held = 1;
    if (get_positions(starts, &c->starts) < 0) goto fail;
    c->held = 2;
    if (get_positions(ends, &c->ends) < 0) goto fail;
    c->held = 3;
    if (c->starts.n != c->ends.n) {
        PyErr_SetString(PyExc_ValueError, "starts and ends differ in length");
        goto fail;
    }
    for (Py_ssize_t i = 0; i < c->starts.n; i++) {
        int64_t s = c->starts.at[i], e = c->ends.at[i];
        if (s < 0 || e < s || e > c->data.len) {
            PyErr_SetString(PyExc_ValueError, "a span lies outside the data");
            goto fail;
        }
    }
    return 0;
fail:
    release_column(c);
    return -1;
}

/* The arguments (data, starts, ends) as a column. */
static int column_args(PyObject *args, Column *c) {
    PyObject *d, *s, *e;
    if (!PyArg_ParseTuple(args, "OOO", &d, &s, &e)) return -1;
    return get_column(d, s, e, c);
}

static PyObject *new_array(Py_ssize_t n, size_t itemsize, void **out) {
    PyObject *a = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)(n * itemsize));
    if (a != NULL) *out = PyByteArray_AS_STRING(a);
    return a;
}

/* ---------------------------------------------------------------- hashing */

static uint64_t hash_bytes(const unsigned char *p, size_t len) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
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

/* Ids are matched without a plain hash table: one slot per row in a table of tens of
 * megabytes costs a cache and TLB miss per access, some 200 ns a row. Instead the rows' hashes
 * are grouped by their top bits into partitions small enough for the CPU's cache, and each
 * partition is matched there (a radix-partitioned hash join). Rows are matched by their 64-bit
 * hash; the bytes are compared afterwards, once per matched pair. Two different values with
 * the same hash (which no test data has ever shown) make the answer "not sure". */
typedef struct {
    uint64_t hash;
    int64_t row;
} Entry;

#define ROWS_PER_PARTITION 4096
#define PREFETCH_ROWS 16

/* Each row's hash, or NULL with *empty set when a row is empty (no id may be). */
static uint64_t *column_hashes(const Column *c, int *empty) {
    Py_ssize_t n = c->starts.n;
    uint64_t *h = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(uint64_t));
    *empty = 0;
    if (h == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    const unsigned char *base = c->data.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        size_t len = (size_t)(c->ends.at[i] - c->starts.at[i]);
        if (len == 0) {
            *empty = 1;
            PyMem_Free(h);
            return NULL;
        }
        h[i] = hash_bytes(base + c->starts.at[i], len);
    }
    return h;
}

static int partition_bits(Py_ssize_t n) {
    int bits = 0;
    while (((Py_ssize_t)ROWS_PER_PARTITION << bits) < n && bits < 16) bits++;
    return bits;
}

/* The rows as entries grouped by partition (the top ``bits`` of their hash): partition p holds
 * entries[offsets[p] .. offsets[p + 1]). offsets has 2**bits + 1 items. */
static Entry *partition_rows(const uint64_t *hashes, Py_ssize_t n, int bits, Py_ssize_t *offsets) {
    size_t parts = (size_t)1 << bits;
    Entry *entries = PyMem_Malloc((size_t)(n ? n : 1) * sizeof(Entry));
    Py_ssize_t *fill = PyMem_Calloc(parts, sizeof(Py_ssize_t));
    if (entries == NULL || fill == NULL) {
        PyMem_Free(entries);
        PyMem_Free(fill);
        PyErr_NoMemory();
        return NULL;
    }
    int shift = 64 - bits;
    for (Py_ssize_t i = 0; i < n; i++) fill[bits ? hashes[i] >> shift : 0]++;
    offsets[0] = 0;
    for (size_t p = 0; p < parts; p++) {
        offsets[p + 1] = offsets[p] + fill[p];
        fill[p] = offsets[p];
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        Entry *e = &entries[fill[bits ? hashes[i] >> shift : 0]++];
        e->hash = hashes[i];
        e->row = i;
    }
    PyMem_Free(fill);
    return entries;
}

/* A column's rows grouped by partition (partition_rows): 1 done, 0 an empty id, -1 error. */
static int partitioned(const Column *c, int bits, Py_ssize_t *offsets, Entry **entries) {
    int empty;
    uint64_t *hashes = column_hashes(c, &empty);
    if (hashes == NULL) return empty ? 0 : -1;
    *entries = partition_rows(hashes, c->starts.n, bits, offsets);
    PyMem_Free(hashes);
    return *entries == NULL ? -1 : 1;
}

/* A partition's table: open addressing on the low bits of the hash, row -1 for empty. */
static Entry *slot_of(Entry *table, size_t mask, uint64_t hash) {
    size_t slot = hash & mask;
    while (table[slot].row >= 0 && table[slot].hash != hash) slot = (slot + 1) & mask;
    return &table[slot];
}

static size_t table_size(Py_ssize_t rows) {
    size_t size = 16;
    while (size < (size_t)rows * 2) size <<= 1;
    return size;
}

static int same_span(const Column *a, Py_ssize_t i, const Column *b, Py_ssize_t j) {
    int64_t sa = a->starts.at[i], sb = b->starts.at[j];
    size_t len = (size_t)(a->ends.at[i] - sa);
    return len == (size_t)(b->ends.at[j] - sb) &&
           memcmp((const unsigned char *)a->data.buf + sa, (const unsigned char *)b->data.buf + sb,
                  len) == 0;
}

/* For each prediction row its gold row: 1 found, 0 not one to one (or not sure), -1 error.
 * ``pred`` NULL: only check that the gold rows are distinct. */
static int match_rows(const Column *gold, const Column *pred, int64_t *gold_row) {
    int result = -1;
    Py_ssize_t n = gold->starts.n;
    int bits = partition_bits(n);
    size_t parts = (size_t)1 << bits;
    Entry *ge = NULL, *pe = NULL, *table = NULL;
    Py_ssize_t *g_off = PyMem_Malloc((parts + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *p_off = PyMem_Malloc((parts + 1) * sizeof(Py_ssize_t));
    if (g_off == NULL || p_off == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    result = partitioned(gold, bits, g_off, &ge);
    if (result == 1 && pred != NULL) result = partitioned(pred, bits, p_off, &pe);
    if (result != 1) goto done;
    result = -1;
    Py_ssize_t largest = 0;
    for (size_t p = 0; p < parts; p++) {
        if (g_off[p + 1] - g_off[p] > largest) largest = g_off[p + 1] - g_off[p];
        /* A one-to-one match puts as many predictions as gold rows in each partition. */
        if (pred != NULL && g_off[p + 1] - g_off[p] != p_off[p + 1] - p_off[p]) {
            result = 0;
            goto done;
        }
    }
    table = PyMem_Malloc(table_size(largest) * sizeof(Entry));
    if (table == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t p = 0; p < parts; p++) {
        size_t mask = table_size(g_off[p + 1] - g_off[p]) - 1;
        memset(table, 0xFF, (mask + 1) * sizeof(Entry));
        for (Py_ssize_t i = g_off[p]; i < g_off[p + 1]; i++) {
            Entry *slot = slot_of(table, mask, ge[i].hash);
            if (slot->row >= 0) { /* a duplicate id, or two ids with one hash */
                result = 0;
                goto done;
            }
            *slot = ge[i];
        }
        if (pred == NULL) continue;
        for (Py_ssize_t i = p_off[p]; i < p_off[p + 1]; i++) {
            Entry *slot = slot_of(table, mask, pe[i].hash);
            if (slot->row < 0) { /* no such gold id, or a prediction given twice */
                result = 0;
                goto done;
            }
            gold_row[pe[i].row] = slot->row;
            slot->hash = ~pe[i].hash; /* taken: a second equal prediction finds no match */
        }
    }
    /* Equal hashes must be equal bytes. The gold rows are read in random order: each is
     * prefetched some rows ahead (its position first, then its bytes), so that the cache misses
     * overlap instead of stalling one after another. */
    const unsigned char *gold_bytes = gold->data.buf;
    for (Py_ssize_t i = 0; pred != NULL && i < n; i++) {
        if (i + 2 * PREFETCH_ROWS < n) __builtin_prefetch(&gold->starts.at[gold_row[i + 2 * PREFETCH_ROWS]]);
        if (i + PREFETCH_ROWS < n) __builtin_prefetch(gold_bytes + gold->starts.at[gold_row[i + PREFETCH_ROWS]]);
        if (!same_span(pred, i, gold, gold_row[i])) {
            result = 0;
            goto done;
        }
    }
    result = 1;
done:
    PyMem_Free(g_off);
    PyMem_Free(p_off);
    PyMem_Free(ge);
    PyMem_Free(pe);
    PyMem_Free(table);
    return result;
}

/* join(gold_data, gold_starts, gold_ends, pred_data, pred_starts, pred_ends)
 * -> bytearray of int64: for each prediction row its gold row; None unless the ids match one to
 * one (same count, no duplicate on either side, no empty id, every prediction found). */
static PyObject *join(PyObject *self, PyObject *args) {
    PyObject *gd, *gs, *ge, *pd, *ps, *pe;
    if (!PyArg_ParseTuple(args, "OOOOOO", &gd, &gs, &ge, &pd, &ps, &pe)) return NULL;
    Column g, p;
    if (get_column(gd, gs, ge, &g) < 0) return NULL;
    if (get_column(pd, ps, pe, &p) < 0) {
        release_column(&g);
        return NULL;
    }
    PyObject *result = NULL;
    Py_ssize_t n = g.starts.n;
    int64_t *gold_row;
    PyObject *out = NULL;
    if (n != p.starts.n || n == 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    out = new_array(n, sizeof(int64_t), (void **)&gold_row);
    if (out == NULL) goto done;
    /* Predictions in gold order (a common case): a sequential comparison, then only the gold
     * ids' distinctness to check. */
    Py_ssize_t same = 0;
    while (same < n && g.ends.at[same] > g.starts.at[same] && same_span(&g, same, &p, same))
        same++;
    int found = match_rows(&g, same == n ? NULL : &p, gold_row);
    if (found == 1 && same == n)
        for (Py_ssize_t i = 0; i < n; i++) gold_row[i] = i;
    if (found >= 0) result = Py_NewRef(found ? out : Py_None);
done:
    Py_XDECREF(out);
    release_column(&g);
    release_column(&p);
    return result;
}

/* distinct(data, starts, ends) -> bool: no two spans hold the same bytes, and none is empty
 * (False also when unsure: two values with one hash). */
static PyObject *distinct(PyObject *self, PyObject *args) {
    Column c;
    if (column_args(args, &c) < 0) return NULL;
    int found = match_rows(&c, NULL, NULL);
    release_column(&c);
    return found < 0 ? NULL : PyBool_FromLong(found);
}

/* factorize(data, starts, ends, max_distinct) -> (bytearray of int64 codes, [bytes values]) with
 * the values in sorted byte order (which for UTF-8 is the order of Python's str comparison) and
 * codes into them; None when there are more than max_distinct values.
 *
 * A value of at most 7 bytes is its own key (its bytes and its length in one word), so labels
 * and languages are placed without a hash or a comparison of bytes; longer values are keyed by
 * their hash (top bit set, so the two kinds never meet) and compared with the value's first
 * row on a match. */
typedef struct {
    uint64_t key;
    int64_t code; /* -1: empty */
} Slot;

#define FACTOR_SLOTS 1024 /* a power of two, over twice max_distinct */

static uint64_t value_key(const unsigned char *p, size_t len, const unsigned char *limit) {
    if (len >= 8) return hash_bytes(p, len) | (1ULL << 63);
    uint64_t w = 0;
    if (limit - p >= 8) {
        memcpy(&w, p, 8); /* one load, then the bytes past the value masked off */
        w &= len ? ~0ULL >> (64 - 8 * len) : 0;
    } else {
        memcpy(&w, p, len);
    }
    return w | ((uint64_t)len << 56);
}

static const unsigned char *sort_base;
static const Column *sort_column;

static int compare_values(const void *a, const void *b) {
    const int64_t *ra = a, *rb = b; /* each a value's first row */
    int64_t sa = sort_column->starts.at[*ra], sb = sort_column->starts.at[*rb];
    size_t la = (size_t)(sort_column->ends.at[*ra] - sa);
    size_t lb = (size_t)(sort_column->ends.at[*rb] - sb);
    int c = memcmp(sort_base + sa, sort_base + sb, la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

static PyObject *factorize(PyObject *self, PyObject *args) {
    PyObject *d, *s, *e;
    Py_ssize_t max_distinct;
    if (!PyArg_ParseTuple(args, "OOOn", &d, &s, &e, &max_distinct)) return NULL;
    if (max_distinct < 1 || max_distinct > FACTOR_SLOTS / 2) {
        PyErr_SetString(PyExc_ValueError, "max_distinct must lie between 1 and 512");
        return NULL;
    }
    Column c;
    if (get_column(d, s, e, &c) < 0) return NULL;
    PyObject *result = NULL, *values = NULL;
    Py_ssize_t n = c.starts.n, n_values = 0;
    int64_t *codes, first_row[FACTOR_SLOTS / 2], rank[FACTOR_SLOTS / 2];
    Slot table[FACTOR_SLOTS];
    memset(table, 0xFF, sizeof table);
    PyObject *out = new_array(n, sizeof(int64_t), (void **)&codes);
    if (out == NULL) goto done;
    const unsigned char *base = c.data.buf, *limit = base + c.data.len;
    uint64_t last_key = 0;
    int64_t last_code = -1; /* labels often repeat on consecutive lines */
    for (Py_ssize_t i = 0; i < n; i++) {
        const unsigned char *p = base + c.starts.at[i];
        size_t len = (size_t)(c.ends.at[i] - c.starts.at[i]);
        uint64_t key = value_key(p, len, limit);
        if (key == last_key && last_code >= 0 && len < 8) {
            codes[i] = last_code;
            continue;
        }
        size_t slot = (key ^ (key >> 29) ^ (key >> 47)) & (FACTOR_SLOTS - 1);
        for (;; slot = (slot + 1) & (FACTOR_SLOTS - 1)) {
            if (table[slot].code < 0) {
                if (n_values == max_distinct) {
                    result = Py_NewRef(Py_None);
                    goto free_out;
                }
                table[slot].key = key;
                table[slot].code = n_values;
                first_row[n_values++] = i;
                break;
            }
            if (table[slot].key == key) {
                int64_t r = first_row[table[slot].code];
                if (len < 8 || ((size_t)(c.ends.at[r] - c.starts.at[r]) == len &&
                                memcmp(base + c.starts.at[r], p, len) == 0))
                    break;
                /* Two long values with one hash: not sure. */
                result = Py_NewRef(Py_None);
                goto free_out;
            }
        }
        codes[i] = last_code = table[slot].code;
        last_key = key;
    }
    /* Sort the values, then renumber the codes in that order. */
    int64_t order[FACTOR_SLOTS / 2];
    memcpy(order, first_row, (size_t)n_values * sizeof(int64_t));
    sort_base = base;
    sort_column = &c;
    qsort(order, (size_t)n_values, sizeof(int64_t), compare_values);
    values = PyList_New(n_values);
    if (values == NULL) goto free_out;
    for (Py_ssize_t k = 0; k < n_values; k++) {
        int64_t r = order[k];
        PyObject *v = PyBytes_FromStringAndSize((const char *)base + c.starts.at[r],
                                                (Py_ssize_t)(c.ends.at[r] - c.starts.at[r]));
        if (v == NULL) goto free_out;
        PyList_SET_ITEM(values, k, v);
        for (Py_ssize_t j = 0; j < n_values; j++)
            if (first_row[j] == r) rank[j] = k;
    }
    for (Py_ssize_t i = 0; i < n; i++) codes[i] = rank[codes[i]];
    result = PyTuple_Pack(2, out, values);
free_out:
    Py_XDECREF(values);
    Py_DECREF(out);
done:
    release_column(&c);
    return result;
}

/* ---------------------------------------------------------------- lines */

static unsigned char NUMBER_CHAR[256]; /* 1 for 0-9 . e E + - (filled at import) */

/* Eight bytes at a time (SWAR): the high bit of each byte of w below n (n <= 128). The lowest
 * flag is always exact (a borrow only comes from a lower byte that is itself flagged), which
 * is all a search for the first such byte needs. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
static inline uint64_t bytes_below(uint64_t w, uint64_t n) { return (w - ONES * n) & ~w & HIGHS; }
static inline uint64_t bytes_equal(uint64_t w, unsigned char c) {
    return bytes_below(w ^ (ONES * c), 1);
}

static inline uint64_t load_word(const unsigned char *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* A line's fixed piece as zero-padded words, compared eight bytes at a time. */
typedef struct {
    uint64_t words[8];
    Py_ssize_t len;
    uint64_t last_mask; /* of the last word */
} Piece;

#define MAX_PIECE 64

static int piece_at(const unsigned char *at, const Piece *piece) {
    Py_ssize_t full = piece->len / 8;
    for (Py_ssize_t w = 0; w < full; w++)
        if (load_word(at + 8 * w) != piece->words[w]) return 0;
    return !piece->last_mask || (load_word(at + 8 * full) & piece->last_mask) == piece->words[full];
}

/* scan_bytes(data, size, forbidden) -> -1 when one of the first ``size`` bytes is in
 * ``forbidden`` (at most 4 bytes), else 1 when a byte is not ASCII (the caller then checks the
 * UTF-8), else 0. One pass, eight bytes at a time. */
static PyObject *scan_bytes(PyObject *self, PyObject *args) {
    Py_buffer data;
    Py_ssize_t size, n_forbidden;
    const char *forbidden;
    if (!PyArg_ParseTuple(args, "y*ny#", &data, &size, &forbidden, &n_forbidden)) return NULL;
    if (size < 0 || size > data.len || n_forbidden > 4) {
        PyBuffer_Release(&data);
        PyErr_SetString(PyExc_ValueError, "size beyond the data, or over 4 forbidden bytes");
        return NULL;
    }
    const unsigned char *b = data.buf;
    uint64_t high = 0, found = 0;
    Py_ssize_t i = 0;
    for (; i + 8 <= size && !found; i += 8) {
        uint64_t w = load_word(b + i);
        high |= w & HIGHS;
        for (Py_ssize_t f = 0; f < n_forbidden; f++)
            found |= bytes_equal(w, (unsigned char)forbidden[f]);
    }
    for (; i < size && !found; i++) {
        high |= b[i] & 0x80;
        found = memchr(forbidden, b[i], (size_t)n_forbidden) != NULL;
    }
    PyBuffer_Release(&data);
    return PyLong_FromLong(found ? -1 : high != 0);
}

/* jsonl_spans(data, size, pieces, kinds, max_rows, max_line_bytes)
 * -> [starts_0, ends_0, starts_1, ...] (bytearrays of int64), or None.
 *
 * Each of the first ``size`` bytes' lines must be pieces[0], value 0, pieces[1], value 1, ...,
 * (data holds at least 8 bytes more, which are read but never matched)
 * pieces[k] then a newline: the pieces are the first line's fixed regions (keys, quotes, colons,
 * separators). kinds[i] is 's' for a string value, which ends at its first quote and holds no
 * control character or backslash, or 'n' for a number, made of the characters of a number (its
 * grammar is checked by numbers()). */
static PyObject *jsonl_spans(PyObject *self, PyObject *args) {
    Py_buffer data;
    Py_ssize_t size, max_rows, max_line_bytes;
    PyObject *pieces;
    const char *kinds;
    Py_ssize_t k;
    if (!PyArg_ParseTuple(args, "y*nO!s#nn", &data, &size, &PyTuple_Type, &pieces, &kinds, &k,
                          &max_rows, &max_line_bytes))
        return NULL;
    PyObject *result = NULL, *arrays = NULL;
    int64_t **cols = NULL;
    Piece *piece = NULL;
    const unsigned char *b = data.buf;
    /* The 8 bytes after the last newline let every word load stay inside the buffer. */
    if (size <= 0 || size + 8 > data.len || b[size - 1] != '\n' ||
        PyTuple_GET_SIZE(pieces) != k + 1) {
        PyErr_SetString(PyExc_ValueError,
                        "data must hold a newline at size - 1 and 8 bytes after; a piece per gap");
        goto done;
    }
    piece = PyMem_Calloc((size_t)k + 1, sizeof(Piece));
    if (piece == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i <= k; i++) {
        PyObject *text = PyTuple_GET_ITEM(pieces, i);
        if (!PyBytes_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "pieces must be bytes");
            goto done;
        }
        Py_ssize_t len = PyBytes_GET_SIZE(text);
        /* A piece holding a newline could match across a line's end; a longer piece (a key of
         * over 60 bytes) is left to the thorough path. */
        if (memchr(PyBytes_AS_STRING(text), '\n', (size_t)len)) {
            PyErr_SetString(PyExc_ValueError, "pieces must not hold a newline");
            goto done;
        }
        if (len > MAX_PIECE - 1) {
            result = Py_NewRef(Py_None);
            goto done;
        }
        memcpy(piece[i].words, PyBytes_AS_STRING(text), (size_t)len);
        piece[i].len = len;
        piece[i].last_mask = len % 8 ? ~0ULL >> (64 - 8 * (len % 8)) : 0;
    }
    /* Every line holds every piece and a newline: that bounds the number of lines, and the
     * arrays are made that long, then cut to the lines found (pages never written cost
     * nothing), which saves a pass counting newlines. */
    Py_ssize_t line_min = 1;
    for (Py_ssize_t i = 0; i <= k; i++) line_min += piece[i].len;
    Py_ssize_t bound = size / line_min;
    if (bound > max_rows + 1) bound = max_rows + 1;
    arrays = PyList_New(2 * k);
    cols = PyMem_Calloc((size_t)(2 * k) + 1, sizeof(int64_t *));
    if (arrays == NULL || cols == NULL) {
        if (cols == NULL) PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < 2 * k; i++) {
        PyObject *a = new_array(bound, sizeof(int64_t), (void **)&cols[i]);
        if (a == NULL) goto done;
        PyList_SET_ITEM(arrays, i, a);
    }
    /* Every read below stops at the line's newline at the latest (pieces hold none, a string
     * stops at a control character, a number at a byte that is not part of one), so no read
     * reaches past size - 1 + 8. */
    Py_ssize_t pos = 0, row = 0;
    for (; pos < size; row++) {
        if (row == bound) goto not_sure; /* more than max_rows + 1 lines */
        Py_ssize_t line_start = pos;
        for (Py_ssize_t i = 0;; i++) {
            if (!piece_at(b + pos, &piece[i])) goto not_sure;
            pos += piece[i].len;
            if (i == k) break;
            Py_ssize_t value_start = pos;
            if (kinds[i] == 's') {
                /* To the first quote, backslash or control character (the newline too). */
                for (;;) {
                    uint64_t w = load_word(b + pos);
                    uint64_t m = bytes_equal(w, '"') | bytes_equal(w, '\\') | bytes_below(w, 0x20);
                    if (m) {
                        pos += __builtin_ctzll(m) >> 3;
                        break;
                    }
                    pos += 8;
                }
                if (b[pos] != '"') goto not_sure;
            } else {
                while (NUMBER_CHAR[b[pos]]) pos++;
            }
            cols[2 * i][row] = value_start;
            cols[2 * i + 1][row] = pos;
        }
        if (b[pos] != '\n' || pos - line_start > max_line_bytes) goto not_sure;
        pos++;
    }
    for (Py_ssize_t i = 0; i < 2 * k; i++)
        if (PyByteArray_Resize(PyList_GET_ITEM(arrays, i), row * (Py_ssize_t)sizeof(int64_t)) < 0)
            goto done;
    result = Py_NewRef(arrays);
    goto done;
not_sure:
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(arrays);
    PyMem_Free(cols);
    PyMem_Free(piece);
    PyBuffer_Release(&data);
    return result;
}

/* delimited_spans(data, size, sep, n_fields, max_rows, max_line_bytes)
 * -> bytearray of int64, n_lines rows of n_fields + 1 bounds, or None.
 *
 * Row r holds the position before its first field (its line's start - 1), each separator, and
 * its line's end: field c is [bounds[c] + 1, bounds[c + 1]). Every line must hold exactly
 * n_fields - 1 separators and no control character but the separator when it is a tab; no line
 * may be empty. ``sep`` -1: one field per line (TXT). */
static PyObject *delimited_spans(PyObject *self, PyObject *args) {
    Py_buffer data;
    Py_ssize_t size, n_fields, max_rows, max_line_bytes;
    int sep;
    if (!PyArg_ParseTuple(args, "y*ninnn", &data, &size, &sep, &n_fields, &max_rows,
                          &max_line_bytes))
        return NULL;
    PyObject *result = NULL;
    const unsigned char *b = data.buf;
    if (size <= 0 || size > data.len || b[size - 1] != '\n' || n_fields < 1) {
        PyErr_SetString(PyExc_ValueError, "data must end with a newline; at least one field");
        goto done;
    }
    Py_ssize_t n = 0;
    for (const unsigned char *p = b; (p = memchr(p, '\n', (size_t)(b + size - p))) != NULL; p++)
        n++;
    if (n > max_rows + 1) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    int64_t *bounds;
    Py_ssize_t width = n_fields + 1;
    PyObject *out = new_array(n * width, sizeof(int64_t), (void **)&bounds);
    if (out == NULL) goto done;
    Py_ssize_t pos = 0;
    for (Py_ssize_t row = 0; row < n; row++) {
        int64_t *r = bounds + row * width;
        Py_ssize_t line_start = pos, found = 0;
        r[0] = pos - 1;
        for (;; pos++) {
            unsigned char c = b[pos];
            if (c == sep) {
                if (++found >= n_fields) goto not_sure;
                r[found] = pos;
            } else if (c < 0x20) {
                if (c == '\n') break;
                goto not_sure;
            }
        }
        if (found != n_fields - 1 || pos == line_start || pos - line_start > max_line_bytes)
            goto not_sure;
        r[n_fields] = pos++;
    }
    result = out;
    goto done;
not_sure:
    Py_DECREF(out);
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&data);
    return result;
}

/* ---------------------------------------------------------------- numbers */

static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#if LDBL_MANT_DIG == 64 && (defined(__x86_64__) || defined(__i386__))
/* x87 extended precision: 64-bit significands, so every integer below 2**64 and every power of
 * ten up to 10**27 (5**27 < 2**64) is exact. */
#define EXTENDED 1
static long double pow10_long(int k) {
    long double r = 1.0L;
    while (k--) r *= 10.0L; /* exact at every step, for k <= 27 */
    return r;
}
#else
#define EXTENDED 0
#endif

/* The grammar of a number literal: JSON's -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, or
 * float()'s syntax restricted to these characters: [+-]?(digits[.digits?]|.digits)(exponent)?
 * Also the literal's digits: *mantissa gets up to 19 significant ones, *exp10 the power of ten
 * that scales them, *many whether more were given; *integer_literal: no point, no exponent. */
static int parse_literal(const unsigned char *p, const unsigned char *end, int json,
                         uint64_t *mantissa, int64_t *exp10, int *many, int *negative,
                         int *integer_literal) {
    *mantissa = 0;
    *exp10 = 0;
    *many = 0;
    *negative = 0;
    int significant = 0, int_digits = 0, frac_digits = 0;
    if (p < end && (*p == '-' || (!json && *p == '+'))) *negative = *p++ == '-';
    const unsigned char *digits_start = p;
    while (p < end && *p >= '0' && *p <= '9') {
        if (significant || *p != '0') {
            if (significant < 19) {
                *mantissa = *mantissa * 10 + (uint64_t)(*p - '0');
                significant++;
            } else {
                *many = 1;
                (*exp10)++;
            }
        }
        p++;
        int_digits++;
    }
    if (json && (int_digits == 0 || (int_digits > 1 && *digits_start == '0'))) return 0;
    *integer_literal = 1;
    if (p < end && *p == '.') {
        *integer_literal = 0;
        p++;
        while (p < end && *p >= '0' && *p <= '9') {
            if (significant || *p != '0') {
                if (significant < 19) {
                    *mantissa = *mantissa * 10 + (uint64_t)(*p - '0');
                    significant++;
                    (*exp10)--;
                } else {
                    *many = 1;
                }
            } else {
                (*exp10)--; /* a leading zero after the point */
            }
            p++;
            frac_digits++;
        }
        if (json ? frac_digits == 0 : int_digits + frac_digits == 0) return 0;
    } else if (int_digits == 0) {
        return 0;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        *integer_literal = 0;
        p++;
        int exp_negative = 0;
        if (p < end && (*p == '+' || *p == '-')) exp_negative = *p++ == '-';
        if (p == end) return 0;
        int64_t e = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            if (e < 100000) e = e * 10 + (*p - '0');
            p++;
        }
        *exp10 += exp_negative ? -e : e;
    }
    return p == end;
}

/* The correctly rounded value of one literal, or 0 (not sure) when it breaks the grammar. */
static int literal_value(const unsigned char *p, size_t len, int json, double *out) {
    uint64_t m;
    int64_t e;
    int many, negative, integer_literal;
    if (len == 0 || !parse_literal(p, p + len, json, &m, &e, &many, &negative, &integer_literal))
        return 0;
    double v;
    if (m == 0) {
        v = 0.0; /* however many zeros, whatever the exponent */
    } else if (!many && m < (1ULL << 53) && e >= -22 && e <= 22) {
        /* Clinger's fast path: both operands exact, so one operation rounds correctly. */
        v = e < 0 ? (double)m / POW10[-e] : (double)m * POW10[e];
    } else {
        v = -1.0;
#if EXTENDED
        if (!many && e >= -27 && e <= 27) {
            /* One correctly rounded extended operation; rounding its result to double is then
             * correct unless it lies exactly halfway between two doubles (low 11 bits of the
             * 64-bit significand 10000000000), which goes to the exact conversion below. */
            long double q = e < 0 ? (long double)m / pow10_long((int)-e)
                                  : (long double)m * pow10_long((int)e);
            uint64_t significand;
            memcpy(&significand, &q, 8);
            if ((significand & 0x7FF) != 0x400) v = (double)q;
        }
#endif
        if (v < 0) {
            char text[512];
            if (len >= sizeof text) return 0;
            memcpy(text, p, len);
            text[len] = 0;
            char *stop;
            /* Python's own correctly rounded conversion (float() and json use it). */
            v = PyOS_string_to_double(text, &stop, NULL);
            if (v == -1.0 && PyErr_Occurred()) {
                PyErr_Clear();
                return 0;
            }
            if (stop != text + len) return 0;
            v = fabs(v); /* the sign is applied below, with json's rule for -0 */
        }
    }
    /* json reads "-0" as the integer 0, hence 0.0; float("-0") and "-0.0" are -0.0. */
    if (negative && !(json && integer_literal && v == 0.0)) v = -v;
    if (v - v != 0.0) return 0; /* infinite: the thorough path reports it */
    *out = v;
    return 1;
}

/* numbers(data, starts, ends, json) -> bytearray of float64, or None unless every span is a
 * number literal of its format (JSON's grammar when ``json``, else float()'s). */
static PyObject *numbers(PyObject *self, PyObject *args) {
    PyObject *d, *s, *e;
    int json;
    if (!PyArg_ParseTuple(args, "OOOp", &d, &s, &e, &json)) return NULL;
    Column c;
    if (get_column(d, s, e, &c) < 0) return NULL;
    double *values;
    PyObject *out = new_array(c.starts.n, sizeof(double), (void **)&values);
    PyObject *result = out;
    const unsigned char *base = c.data.buf;
    for (Py_ssize_t i = 0; out != NULL && i < c.starts.n; i++) {
        int64_t start = c.starts.at[i];
        if (!literal_value(base + start, (size_t)(c.ends.at[i] - start), json, &values[i])) {
            Py_DECREF(out);
            result = Py_NewRef(Py_None);
            break;
        }
    }
    release_column(&c);
    return result;
}

/* canonical_ints(data, starts, ends) -> bool: every span is a non-negative integer written as
 * str(int(it)) would (no sign, no leading zero), so that comparing ids as bytes compares the
 * thorough path's keys (JSON 7 and "7" are both the id "7"). */
static PyObject *canonical_ints(PyObject *self, PyObject *args) {
    Column c;
    if (column_args(args, &c) < 0) return NULL;
    const unsigned char *base = c.data.buf;
    int ok = c.starts.n > 0;
    for (Py_ssize_t i = 0; ok && i < c.starts.n; i++) {
        const unsigned char *p = base + c.starts.at[i], *end = base + c.ends.at[i];
        ok = p < end && (*p != '0' || end - p == 1);
        for (; ok && p < end; p++) ok = *p >= '0' && *p <= '9';
    }
    release_column(&c);
    return PyBool_FromLong(ok);
}

static PyMethodDef methods[] = {
    {"scan_bytes", scan_bytes, METH_VARARGS, "Forbidden (-1), non-ASCII (1) or ASCII (0)."},
    {"jsonl_spans", jsonl_spans, METH_VARARGS, "Value spans of a regular JSONL file, or None."},
    {"delimited_spans", delimited_spans, METH_VARARGS, "Field bounds of CSV/TSV/TXT, or None."},
    {"numbers", numbers, METH_VARARGS, "float64 values of number literals, or None."},
    {"canonical_ints", canonical_ints, METH_VARARGS, "Whether spans are canonical integers."},
    {"join", join, METH_VARARGS, "Gold row of each prediction row, or None."},
    {"distinct", distinct, METH_VARARGS, "Whether no two spans are equal."},
    {"factorize", factorize, METH_VARARGS, "Codes and distinct values of a column, or None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "scorers._spans", "The fast path's byte scanning (see _spans.c).",
    -1, methods,
};

PyMODINIT_FUNC PyInit__spans(void) {
    for (const char *c = "0123456789.eE+-"; *c; c++) NUMBER_CHAR[(unsigned char)*c] = 1;
    return PyModule_Create(&module);
}
