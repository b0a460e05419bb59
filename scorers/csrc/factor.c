/* Factorising a column of few distinct values (labels, languages, partitions) into codes.
 *
 * A value of at most 7 bytes is its own key (its bytes and its length in one word), so labels
 * and languages are placed without a hash or a comparison of bytes; longer values are keyed by
 * their hash (top bit set, so the two kinds never meet) and compared with the value's first
 * occurrence on a match. Values end up sorted by their bytes, which for UTF-8 is the order of
 * Python's str comparison, and the codes are renumbered in that order. */
#include "spans.h"

#define FACTOR_SLOTS 1024 /* a power of two, over twice the most values */
#define MAX_VALUES (FACTOR_SLOTS / 2)

typedef struct {
    uint64_t key;
    int64_t code; /* -1: empty */
} Slot;

struct Factorizer {
    Slot table[FACTOR_SLOTS];
    const unsigned char *value[MAX_VALUES]; /* each value's first occurrence */
    size_t length[MAX_VALUES];
    Py_ssize_t n_values, max_values;
    const unsigned char *limit; /* the end of the readable data (for eight-byte loads) */
};

Factorizer *factor_new(Py_ssize_t max_values, const unsigned char *limit) {
    if (max_values < 1 || max_values > MAX_VALUES) {
        PyErr_SetString(PyExc_ValueError, "a factor holds between 1 and 512 values");
        return NULL;
    }
    Factorizer *f = PyMem_Malloc(sizeof(Factorizer));
    if (f == NULL) {
        PyErr_NoMemory();
        return NULL;
    }
    memset(f->table, 0xFF, sizeof f->table);
    f->n_values = 0;
    f->max_values = max_values;
    f->limit = limit;
    return f;
}

void factor_free(Factorizer *f) { PyMem_Free(f); }

static uint64_t value_key(const unsigned char *p, size_t len, const unsigned char *limit) {
    if (len >= 8) return hash_bytes(p, len) | (1ULL << 63);
    uint64_t w = 0;
    if (limit - p >= 8) {
        w = load_word(p) & (len ? ~0ULL >> (64 - 8 * len) : 0); /* bytes past the value off */
    } else {
        memcpy(&w, p, len);
    }
    return w | ((uint64_t)len << 56);
}

int64_t factor_add(Factorizer *f, const unsigned char *p, size_t len) {
    uint64_t key = value_key(p, len, f->limit);
    for (size_t slot = (key ^ (key >> 29) ^ (key >> 47)) & (FACTOR_SLOTS - 1);;
         slot = (slot + 1) & (FACTOR_SLOTS - 1)) {
        Slot *s = &f->table[slot];
        if (s->key == key && s->code >= 0) {
            int64_t code = s->code;
            if (len < 8 || (f->length[code] == len && memcmp(f->value[code], p, len) == 0))
                return code;
            return -2; /* two long values with one hash: not sure */
        }
        if (s->code < 0) {
            if (f->n_values == f->max_values) return -1;
            s->key = key;
            s->code = f->n_values;
            f->value[f->n_values] = p;
            f->length[f->n_values] = len;
            return f->n_values++;
        }
    }
}

static const Factorizer *sorting; /* qsort has no context argument */

static int compare_codes(const void *a, const void *b) {
    int64_t ca = *(const int64_t *)a, cb = *(const int64_t *)b;
    size_t la = sorting->length[ca], lb = sorting->length[cb];
    int c = memcmp(sorting->value[ca], sorting->value[cb], la < lb ? la : lb);
    return c ? c : (la > lb) - (la < lb);
}

PyObject *factor_finish(Factorizer *f, int64_t *codes, Py_ssize_t n) {
    int64_t order[MAX_VALUES], rank[MAX_VALUES];
    for (Py_ssize_t k = 0; k < f->n_values; k++) order[k] = k;
    sorting = f;
    qsort(order, (size_t)f->n_values, sizeof(int64_t), compare_codes);
    PyObject *values = PyList_New(f->n_values);
    if (values == NULL) return NULL;
    for (Py_ssize_t k = 0; k < f->n_values; k++) {
        int64_t code = order[k];
        PyObject *v = PyBytes_FromStringAndSize((const char *)f->value[code],
                                                (Py_ssize_t)f->length[code]);
        if (v == NULL) {
            Py_DECREF(values);
            return NULL;
        }
        PyList_SET_ITEM(values, k, v);
        rank[code] = k;
    }
    for (Py_ssize_t i = 0; i < n; i++) codes[i] = rank[codes[i]];
    return values;
}

/* factorize(data, starts, ends, max_distinct) -> (bytearray of int64 codes, [bytes values]),
 * the values sorted; None when there are more than max_distinct values. */
PyObject *spans_factorize(PyObject *self, PyObject *args) {
    PyObject *d, *s, *e;
    Py_ssize_t max_distinct;
    if (!PyArg_ParseTuple(args, "OOOn", &d, &s, &e, &max_distinct)) return NULL;
    Column c;
    if (get_column(d, s, e, &c) < 0) return NULL;
    PyObject *result = NULL, *values = NULL, *out = NULL;
    const unsigned char *base = c.data.buf;
    Factorizer *f = factor_new(max_distinct, base + c.data.len);
    int64_t *codes;
    if (f == NULL || (out = new_array(c.starts.n, sizeof(int64_t), (void **)&codes)) == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < c.starts.n; i++) {
        int64_t start = c.starts.at[i];
        codes[i] = factor_add(f, base + start, (size_t)(c.ends.at[i] - start));
        if (codes[i] < 0) {
            result = Py_NewRef(Py_None);
            goto done;
        }
    }
    values = factor_finish(f, codes, c.starts.n);
    if (values != NULL) result = PyTuple_Pack(2, out, values);
done:
    Py_XDECREF(values);
    Py_XDECREF(out);
    if (f != NULL) factor_free(f);
    release_column(&c);
    return result;
}
