/* Ids matched one to one (join) and checked for duplicates (distinct). */
#include "spans.h"

/* Ids are matched without a plain hash table: one slot per row in a table of tens of
 * megabytes costs a cache and TLB miss per access, some 200 ns a row. Instead the rows are
 * grouped by the top bits of their 64-bit hash into partitions small enough for the CPU's
 * cache, and each partition is matched there (a radix-partitioned hash join). Each entry
 * carries its id's first 16 bytes, so that a match by hash is confirmed on the bytes without
 * reading the file at a random place again (only ids longer than 16 bytes are, once per
 * match). Two different ids with one hash make the answer "not sure". */
#define KEY_BYTES 16

typedef struct {
    uint64_t hash;
    uint64_t key[KEY_BYTES / 8]; /* the id's first bytes, zero-padded */
    uint32_t length;
    uint32_t row; /* EMPTY_ROW: an empty slot */
} Entry;

#define EMPTY_ROW UINT32_MAX
#define ROWS_PER_PARTITION 2048

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
 * entries[offsets[p] .. offsets[p + 1]). offsets has 2**bits + 1 items. The rows are read in
 * order, so their bytes are read sequentially. */
static Entry *partition_rows(const Column *c, const uint64_t *hashes, int bits,
                             Py_ssize_t *offsets) {
    Py_ssize_t n = c->starts.n;
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
    const unsigned char *base = c->data.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        Entry *e = &entries[fill[bits ? hashes[i] >> shift : 0]++];
        int64_t start = c->starts.at[i];
        size_t length = (size_t)(c->ends.at[i] - start);
        e->hash = hashes[i];
        e->key[0] = e->key[1] = 0;
        memcpy(e->key, base + start, length < KEY_BYTES ? length : KEY_BYTES);
        /* Lengths past 32 bits (none the limits allow) still differ or go to same_span. */
        e->length = length < UINT32_MAX ? (uint32_t)length : UINT32_MAX;
        e->row = (uint32_t)i;
    }
    PyMem_Free(fill);
    return entries;
}

/* A column's rows grouped by partition (partition_rows): 1 done, 0 an empty id, -1 error.
 * ``given``: the rows' hashes as the JSONL scan computed them (it refused empty ids), or NULL. */
static int partitioned(const Column *c, const uint64_t *given, int bits, Py_ssize_t *offsets,
                       Entry **entries) {
    int empty;
    uint64_t *hashes = given ? NULL : column_hashes(c, &empty);
    if (given == NULL && hashes == NULL) return empty ? 0 : -1;
    *entries = partition_rows(c, given ? given : hashes, bits, offsets);
    PyMem_Free(hashes);
    return *entries == NULL ? -1 : 1;
}

/* A partition's table: open addressing on the low bits of the hash, row -1 for empty. */
static Entry *slot_of(Entry *table, size_t mask, uint64_t hash) {
    size_t slot = hash & mask;
    while (table[slot].row != EMPTY_ROW && table[slot].hash != hash) slot = (slot + 1) & mask;
    return &table[slot];
}

static int same_span(const Column *a, Py_ssize_t i, const Column *b, Py_ssize_t j) {
    int64_t sa = a->starts.at[i], sb = b->starts.at[j];
    size_t len = (size_t)(a->ends.at[i] - sa);
    return len == (size_t)(b->ends.at[j] - sb) &&
           memcmp((const unsigned char *)a->data.buf + sa, (const unsigned char *)b->data.buf + sb,
                  len) == 0;
}

/* Whether a gold entry and a prediction entry of the same hash hold the same id. */
static int same_id(const Entry *g, const Entry *p, const Column *gold, const Column *pred) {
    if (g->length != p->length || g->key[0] != p->key[0] || g->key[1] != p->key[1]) return 0;
    if (g->length <= KEY_BYTES) return 1;
    return same_span(gold, g->row, pred, p->row);
}

static size_t table_size(Py_ssize_t rows) {
    size_t size = 16;
    while (size < (size_t)rows * 2) size <<= 1;
    return size;
}


/* For each prediction row its gold row: 1 found, 0 not one to one (or not sure), -1 error.
 * ``pred`` NULL: only check that the gold rows are distinct. The hashes are given or NULL. */
static int match_rows(const Column *gold, const uint64_t *gold_hashes, const Column *pred,
                      const uint64_t *pred_hashes, int64_t *gold_row) {
    int result = -1;
    Py_ssize_t n = gold->starts.n;
    if ((uint64_t)n >= EMPTY_ROW) return 0; /* rows are numbered in 32 bits */
    int bits = partition_bits(n);
    size_t parts = (size_t)1 << bits;
    Entry *ge = NULL, *pe = NULL, *table = NULL;
    Py_ssize_t *g_off = PyMem_Malloc((parts + 1) * sizeof(Py_ssize_t));
    Py_ssize_t *p_off = PyMem_Malloc((parts + 1) * sizeof(Py_ssize_t));
    if (g_off == NULL || p_off == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    result = partitioned(gold, gold_hashes, bits, g_off, &ge);
    if (result == 1 && pred != NULL) result = partitioned(pred, pred_hashes, bits, p_off, &pe);
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
            if (slot->row != EMPTY_ROW) { /* a duplicate id, or two ids with one hash */
                result = 0;
                goto done;
            }
            *slot = ge[i];
        }
        if (pred == NULL) continue;
        for (Py_ssize_t i = p_off[p]; i < p_off[p + 1]; i++) {
            Entry *slot = slot_of(table, mask, pe[i].hash);
            /* No such gold id, a prediction given twice, or two ids with one hash. */
            if (slot->row == EMPTY_ROW || !same_id(slot, &pe[i], gold, pred)) {
                result = 0;
                goto done;
            }
            gold_row[pe[i].row] = slot->row;
            slot->hash = ~pe[i].hash; /* taken: a second equal prediction finds no match */
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

/* A column's hashes from the Python side: None, or a buffer of one uint64 per row. */
static int get_hashes(PyObject *obj, Py_ssize_t rows, Py_buffer *view, const uint64_t **out) {
    *out = NULL;
    if (obj == Py_None) return 0;
    if (PyObject_GetBuffer(obj, view, PyBUF_SIMPLE) < 0) return -1;
    if (view->len != rows * 8 || (uintptr_t)view->buf % 8) {
        PyBuffer_Release(view);
        PyErr_SetString(PyExc_ValueError, "hashes must hold one aligned uint64 per row");
        return -1;
    }
    *out = view->buf;
    return 0;
}

/* join(gold_data, gold_starts, gold_ends, gold_hashes, pred_data, pred_starts, pred_ends,
 *      pred_hashes) -> bytearray of int64: for each prediction row its gold row; None unless
 * the ids match one to one (same count, no duplicate on either side, no empty id, every
 * prediction found). The hashes are None or the JSONL scan's: they are trusted to be
 * hash_bytes of the spans (a duplicate is found by its hash). */
PyObject *spans_join(PyObject *self, PyObject *args) {
    PyObject *gd, *gs, *ge, *gh, *pd, *ps, *pe, *ph;
    if (!PyArg_ParseTuple(args, "OOOOOOOO", &gd, &gs, &ge, &gh, &pd, &ps, &pe, &ph)) return NULL;
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
    Py_buffer g_view, p_view;
    const uint64_t *g_hashes = NULL, *p_hashes = NULL;
    if (get_hashes(gh, n, &g_view, &g_hashes) < 0) goto done;
    if (get_hashes(ph, p.starts.n, &p_view, &p_hashes) < 0) goto release_gold_hashes;
    if (n != p.starts.n || n == 0) {
        result = Py_NewRef(Py_None);
        goto release_hashes;
    }
    out = new_array(n, sizeof(int64_t), (void **)&gold_row);
    if (out == NULL) goto release_hashes;
    /* Predictions in gold order (a common case): a sequential comparison, then only the gold
     * ids' distinctness to check. */
    Py_ssize_t same = 0;
    while (same < n && g.ends.at[same] > g.starts.at[same] && same_span(&g, same, &p, same))
        same++;
    int found = same == n ? match_rows(&g, g_hashes, NULL, NULL, gold_row)
                          : match_rows(&g, g_hashes, &p, p_hashes, gold_row);
    if (found == 1 && same == n)
        for (Py_ssize_t i = 0; i < n; i++) gold_row[i] = i;
    if (found >= 0) result = Py_NewRef(found ? out : Py_None);
release_hashes:
    if (p_hashes != NULL) PyBuffer_Release(&p_view);
release_gold_hashes:
    if (g_hashes != NULL) PyBuffer_Release(&g_view);
done:
    Py_XDECREF(out);
    release_column(&g);
    release_column(&p);
    return result;
}

/* distinct(data, starts, ends, hashes) -> bool: no two spans hold the same bytes, and none is
 * empty (False also when unsure: two values with one hash). */
PyObject *spans_distinct(PyObject *self, PyObject *args) {
    PyObject *d, *s, *e, *h;
    if (!PyArg_ParseTuple(args, "OOOO", &d, &s, &e, &h)) return NULL;
    Column c;
    if (get_column(d, s, e, &c) < 0) return NULL;
    Py_buffer view;
    const uint64_t *hashes;
    int found = -1;
    if (get_hashes(h, c.starts.n, &view, &hashes) == 0) {
        found = match_rows(&c, hashes, NULL, NULL, NULL);
        if (hashes != NULL) PyBuffer_Release(&view);
    }
    release_column(&c);
    return found < 0 ? NULL : PyBool_FromLong(found);
}
