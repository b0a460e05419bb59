/* The buffers every function reads: a file's bytes and columns of positions into them. */
#include "spans.h"

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
    if ((uintptr_t)out->view.buf % 8) { /* numpy's own arrays always are aligned */
        PyBuffer_Release(&out->view);
        PyErr_SetString(PyExc_TypeError, "positions must be aligned to 8 bytes");
        return -1;
    }
    out->at = (const int64_t *)out->view.buf;
    out->n = out->view.len / 8;
    return 0;
}

void release_column(Column *c) {
    if (c->held > 2) PyBuffer_Release(&c->ends.view);
    if (c->held > 1) PyBuffer_Release(&c->starts.view);
    if (c->held > 0) PyBuffer_Release(&c->data);
    c->held = 0;
}

/* Every span must lie inside the data: a check of the caller's arrays, not of the file. */
int get_column(PyObject *data, PyObject *starts, PyObject *ends, Column *c) {
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
int column_args(PyObject *args, Column *c) {
    PyObject *d, *s, *e;
    if (!PyArg_ParseTuple(args, "OOO", &d, &s, &e)) return -1;
    return get_column(d, s, e, c);
}

PyObject *new_array(Py_ssize_t n, size_t itemsize, void **out) {
    if (n < 0 || (size_t)n > (size_t)PY_SSIZE_T_MAX / itemsize) {
        PyErr_SetString(PyExc_MemoryError, "an array too large to make");
        return NULL;
    }
    PyObject *a = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)((size_t)n * itemsize));
    if (a != NULL) *out = PyByteArray_AS_STRING(a);
    return a;
}
