/* Lines: the JSONL walk, the fields of CSV/TSV/TXT, and the bytes of a whole file. */
#include "spans.h"

/* The characters a number literal may hold; numbers.c checks their grammar. */
static const unsigned char NUMBER_CHAR[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
    ['7'] = 1, ['8'] = 1, ['9'] = 1, ['.'] = 1, ['e'] = 1, ['E'] = 1, ['+'] = 1, ['-'] = 1,
};

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

/* scan_bytes(data, size, forbidden) -> (kind, newlines): kind -1 when one of the first ``size``
 * bytes is in ``forbidden`` (1 to 4 bytes), else 1 when a byte is not ASCII (the caller then
 * checks the UTF-8), else 0; and how many newlines they hold. One pass, in blocks of 255 bytes
 * whose byte-wide counters cannot overflow: plain loops that the compiler vectorises (-O3). */
PyObject *spans_scan_bytes(PyObject *self, PyObject *args) {
    Py_buffer data;
    Py_ssize_t size, n_forbidden;
    const char *forbidden;
    if (!PyArg_ParseTuple(args, "y*ny#", &data, &size, &forbidden, &n_forbidden)) return NULL;
    if (size < 0 || size > data.len || n_forbidden < 1 || n_forbidden > 4) {
        PyBuffer_Release(&data);
        PyErr_SetString(PyExc_ValueError, "size beyond the data, or not 1 to 4 forbidden bytes");
        return NULL;
    }
    unsigned char f[4];
    for (int j = 0; j < 4; j++) f[j] = (unsigned char)forbidden[j < n_forbidden ? j : 0];
    const unsigned char *b = data.buf;
    unsigned char high = 0, bad = 0;
    Py_ssize_t newlines = 0;
    for (Py_ssize_t i = 0; i < size && !bad; i += 255) {
        Py_ssize_t stop = size - i < 255 ? size : i + 255;
        unsigned char block_high = 0, block_bad = 0, block_newlines = 0;
        for (Py_ssize_t j = i; j < stop; j++) {
            unsigned char c = b[j];
            block_high |= c;
            block_newlines += c == '\n';
            block_bad |= (c == f[0]) | (c == f[1]) | (c == f[2]) | (c == f[3]);
        }
        high |= block_high;
        bad |= block_bad;
        newlines += block_newlines;
    }
    PyBuffer_Release(&data);
    return Py_BuildValue("(in)", bad ? -1 : high >> 7, newlines);
}

/* jsonl_columns(data, size, lines, pieces, kinds, actions, max_rows, max_line_bytes,
 *               max_distinct) -> a list with an item per value, or None.
 *
 * Each of the ``lines`` lines of the first ``size`` bytes (scan_bytes counted them) (data holds at least 8 bytes more, which are read but
 * never matched) must be pieces[0], value 0, pieces[1], value 1, ..., pieces[k] then a newline:
 * the pieces are the first line's fixed regions (keys, quotes, colons, separators). kinds[i] is
 * "s" for a string value, which ends at its first quote and holds no control character or
 * backslash, or "n" for a number, made of the characters of a number.
 *
 * What the scan makes of value i, in the same pass (actions[i]):
 *   "s"  its span: (starts, ends), bytearrays of int64;
 *   "i"  an id: (starts, ends, hashes), the hashes as join.c computes them (uint64); an empty
 *        id gives None;
 *   "f"  factorised: (codes, values), int64 codes into the sorted values (bytes), at most
 *        max_distinct of them;
 *   "n"  its number (JSON's grammar, correctly rounded): a bytearray of float64;
 *   "c"  only checked to be a JSON number (a column nobody reads must still be valid): None;
 *   "-"  skipped: None.
 * Any doubt (a line of another shape, a number outside the grammar, too many values) gives
 * None. */
typedef struct {
    char action;
    PyObject *first, *second, *third; /* the bytearrays made */
    int64_t *a, *b;                   /* starts and ends, or codes in a */
    uint64_t *h;
    double *x;
    Factorizer *factor;
} Output;

static int start_output(Output *o, char action, Py_ssize_t rows, Py_ssize_t max_distinct,
                        const unsigned char *limit) {
    o->action = action;
    switch (action) {
    case 's':
    case 'i':
        o->first = new_array(rows, sizeof(int64_t), (void **)&o->a);
        o->second = o->first ? new_array(rows, sizeof(int64_t), (void **)&o->b) : NULL;
        if (action == 's' || o->second == NULL) return o->second ? 0 : -1;
        o->third = new_array(rows, sizeof(uint64_t), (void **)&o->h);
        return o->third ? 0 : -1;
    case 'f':
        o->factor = factor_new(max_distinct, limit);
        o->first = o->factor ? new_array(rows, sizeof(int64_t), (void **)&o->a) : NULL;
        return o->first ? 0 : -1;
    case 'n':
        o->first = new_array(rows, sizeof(double), (void **)&o->x);
        return o->first ? 0 : -1;
    case 'c':
    case '-':
        return 0;
    }
    PyErr_SetString(PyExc_ValueError, "an action is one of s i f n c -");
    return -1;
}

/* The item of the result list for a finished output (a new reference), or NULL. */
static PyObject *output_item(Output *o, Py_ssize_t rows) {
    if (o->action == 'f') {
        PyObject *values = factor_finish(o->factor, o->a, rows);
        if (values == NULL) return NULL;
        PyObject *item = PyTuple_Pack(2, o->first, values);
        Py_DECREF(values);
        return item;
    }
    if (o->action == 's') return PyTuple_Pack(2, o->first, o->second);
    if (o->action == 'i') return PyTuple_Pack(3, o->first, o->second, o->third);
    if (o->action == 'n') return Py_NewRef(o->first);
    return Py_NewRef(Py_None);
}

static void free_output(Output *o) {
    Py_XDECREF(o->first);
    Py_XDECREF(o->second);
    Py_XDECREF(o->third);
    if (o->factor != NULL) factor_free(o->factor);
}

static int prepare_pieces(PyObject *pieces, Py_ssize_t k, Piece *piece) {
    for (Py_ssize_t i = 0; i <= k; i++) {
        PyObject *text = PyTuple_GET_ITEM(pieces, i);
        if (!PyBytes_Check(text)) {
            PyErr_SetString(PyExc_TypeError, "pieces must be bytes");
            return -1;
        }
        Py_ssize_t len = PyBytes_GET_SIZE(text);
        /* A piece holding a newline could match across a line's end. */
        if (memchr(PyBytes_AS_STRING(text), '\n', (size_t)len)) {
            PyErr_SetString(PyExc_ValueError, "pieces must not hold a newline");
            return -1;
        }
        if (len > MAX_PIECE - 1) return 0; /* a key of over 60 bytes: left to the thorough path */
        memcpy(piece[i].words, PyBytes_AS_STRING(text), (size_t)len);
        piece[i].len = len;
        piece[i].last_mask = len % 8 ? ~0ULL >> (64 - 8 * (len % 8)) : 0;
    }
    return 1;
}

PyObject *spans_jsonl_columns(PyObject *self, PyObject *args) {
    Py_buffer data;
    Py_ssize_t size, max_rows, max_line_bytes, max_distinct, k, n_actions;
    PyObject *pieces;
    const char *kinds, *actions;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*nnO!s#s#nnn", &data, &size, &n, &PyTuple_Type, &pieces, &kinds,
                          &k, &actions, &n_actions, &max_rows, &max_line_bytes, &max_distinct))
        return NULL;
    PyObject *result = NULL;
    Piece *piece = NULL;
    Output *out = NULL;
    const unsigned char *b = data.buf;
    /* The 8 bytes after the last newline let every word load stay inside the buffer. */
    if (size <= 0 || size > data.len - 8 || b[size - 1] != '\n' ||
        PyTuple_GET_SIZE(pieces) != k + 1 || n_actions != k) {
        PyErr_SetString(PyExc_ValueError, "data must hold a newline at size - 1 and 8 bytes "
                                          "after; a piece per gap, an action per value");
        goto done;
    }
    for (Py_ssize_t i = 0; i < k; i++) {
        if ((actions[i] == 'n' || actions[i] == 'c') && kinds[i] != 'n') {
            PyErr_SetString(PyExc_ValueError, "only a number value can be read as a number");
            goto done;
        }
    }
    piece = PyMem_Calloc((size_t)k + 1, sizeof(Piece));
    out = PyMem_Calloc((size_t)k + 1, sizeof(Output));
    if (piece == NULL || out == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    int ready = prepare_pieces(pieces, k, piece);
    if (ready <= 0) {
        if (ready == 0) result = Py_NewRef(Py_None);
        goto done;
    }
    /* Every line holds at least its newline: more lines than bytes is a wrong count. */
    if (n < 1 || n > size || n - 1 > max_rows) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    for (Py_ssize_t i = 0; i < k; i++)
        if (start_output(&out[i], actions[i], n, max_distinct, b + data.len) < 0) goto done;
    numbers_begin();
    /* Every read below stops at the line's newline at the latest (pieces hold none, a string
     * stops at a control character, a number at a byte that is not part of one), so no read
     * reaches past size - 1 + 8. */
    Py_ssize_t pos = 0;
    for (Py_ssize_t row = 0; row < n; row++) {
        if (pos >= size) goto not_sure; /* fewer lines than said */
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
            Output *o = &out[i];
            size_t len = (size_t)(pos - value_start);
            double unused;
            switch (o->action) {
            case 'i':
                if (len == 0) goto not_sure;
                o->h[row] = hash_bytes(b + value_start, len);
                o->a[row] = value_start;
                o->b[row] = pos;
                break;
            case 's':
                o->a[row] = value_start;
                o->b[row] = pos;
                break;
            case 'f':
                o->a[row] = factor_add(o->factor, b + value_start, len);
                if (o->a[row] < 0) goto not_sure;
                break;
            case 'n':
                if (!literal_value(b + value_start, len, 1, &o->x[row])) goto not_sure;
                break;
            case 'c':
                if (!literal_value(b + value_start, len, 1, &unused)) goto not_sure;
                break;
            }
        }
        if (b[pos] != '\n' || pos - line_start > max_line_bytes) goto not_sure;
        pos++;
    }
    if (pos != size) goto not_sure; /* more lines than said */
    result = PyList_New(k);
    for (Py_ssize_t i = 0; result != NULL && i < k; i++) {
        PyObject *item = output_item(&out[i], n);
        if (item == NULL) Py_CLEAR(result);
        else PyList_SET_ITEM(result, i, item);
    }
    goto done;
not_sure:
    result = Py_NewRef(Py_None);
done:
    for (Py_ssize_t i = 0; out != NULL && i < k; i++) free_output(&out[i]);
    PyMem_Free(out);
    PyMem_Free(piece);
    PyBuffer_Release(&data);
    return result;
}

/* Whether the code point is one of ``spaces`` (sorted, as few as Unicode has). */
static int is_space(uint32_t code, const uint32_t *spaces, Py_ssize_t n_spaces) {
    for (Py_ssize_t i = 0; i < n_spaces && spaces[i] <= code; i++)
        if (spaces[i] == code) return 1;
    return 0;
}

/* Whether a field of valid UTF-8 [p, end) starts or ends with a non-ASCII character of
 * ``spaces`` (str.strip() would remove it). Its bounds are ASCII separators or line ends, so
 * its first and last characters are whole. */
static int non_ascii_space_at_edge(const unsigned char *p, const unsigned char *end,
                                   const uint32_t *spaces, Py_ssize_t n_spaces) {
    if (p == end) return 0;
    if (*p >= 0xC0) {
        int extra = *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : 1;
        uint32_t code = *p & (0x3F >> extra);
        for (int k = 1; k <= extra && p + k < end; k++) code = code << 6 | (p[k] & 0x3F);
        if (is_space(code, spaces, n_spaces)) return 1;
    }
    if (end[-1] >= 0x80) {
        const unsigned char *q = end - 1;
        while (q > p && (*q & 0xC0) == 0x80 && end - q < 4) q--;
        int extra = (int)(end - q) - 1;
        uint32_t code = *q & (0x7F >> (extra + 1));
        for (int k = 1; k <= extra; k++) code = code << 6 | (q[k] & 0x3F);
        if (is_space(code, spaces, n_spaces)) return 1;
    }
    return 0;
}

/* delimited_spans(data, size, lines, sep, n_fields, max_rows, max_line_bytes, spaces)
 * -> bytearray of int64, ``lines`` rows of n_fields + 1 bounds, or None (scan_bytes counted the
 * lines). ``spaces``: the non-ASCII characters str.strip() removes (uint32 code points, sorted),
 * which no field may start or end with (the thorough path strips them); empty for an ASCII
 * file.
 *
 * Row r holds the position before its first field (its line's start - 1), each separator, and
 * its line's end: field c is [bounds[c] + 1, bounds[c + 1]). Every line must hold exactly
 * n_fields - 1 separators and no control character but the separator when it is a tab; no line
 * may be empty. ``sep`` -1: one field per line (TXT). */
PyObject *spans_delimited(PyObject *self, PyObject *args) {
    Py_buffer data;
    Py_buffer spaces_view;
    Py_ssize_t size, n, n_fields, max_rows, max_line_bytes;
    int sep;
    if (!PyArg_ParseTuple(args, "y*nninnny*", &data, &size, &n, &sep, &n_fields, &max_rows,
                          &max_line_bytes, &spaces_view))
        return NULL;
    PyObject *result = NULL;
    const uint32_t *spaces = spaces_view.buf;
    Py_ssize_t n_spaces = spaces_view.len / 4;
    if (spaces_view.len % 4 || (uintptr_t)spaces_view.buf % 4) {
        PyErr_SetString(PyExc_ValueError, "spaces must be aligned uint32 code points");
        goto done;
    }
    const unsigned char *b = data.buf;
    /* The separator: a printable ASCII byte or a tab (a byte above 127 would split UTF-8
     * characters, a newline would never end a line), or -1 for one field per line. */
    int sep_ok = sep == -1 ? n_fields == 1 : sep == '\t' || (sep >= 0x20 && sep < 0x7F);
    if (size <= 0 || size > data.len || b[size - 1] != '\n' || n_fields < 1 || !sep_ok) {
        PyErr_SetString(PyExc_ValueError,
                        "data must end with a newline; at least one field; a tab or printable "
                        "ASCII separator (-1: one field per line)");
        goto done;
    }
    /* A line holds at least its newline and its separators. */
    if (n < 1 || n > size || n - 1 > max_rows || n_fields - 1 > size ||
        n > PY_SSIZE_T_MAX / (n_fields + 1)) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    int64_t *bounds;
    Py_ssize_t width = n_fields + 1;
    PyObject *out = new_array(n * width, sizeof(int64_t), (void **)&bounds);
    if (out == NULL) goto done;
    Py_ssize_t pos = 0;
    for (Py_ssize_t row = 0; row < n; row++) {
        if (pos >= size) goto not_sure; /* fewer lines than said */
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
        for (Py_ssize_t f = 0; n_spaces && f < n_fields; f++)
            if (non_ascii_space_at_edge(b + r[f] + 1, b + r[f + 1], spaces, n_spaces))
                goto not_sure;
    }
    if (pos != size) goto not_sure; /* more lines than said */
    result = out;
    goto done;
not_sure:
    Py_DECREF(out);
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&spaces_view);
    PyBuffer_Release(&data);
    return result;
}

