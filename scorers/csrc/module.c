/* scorers._spans: the fast path's byte scanning, in C.
 *
 * Every function answers either the result or None ("not sure"); none of them ever decides that
 * a file is invalid. On None the thorough path (scorers/readers.py, validate.py) reads the file
 * again and reports each problem with its line, so the rules here only need to be narrower than
 * the thorough path's, never wider: a line that is not exactly of the expected shape, a control
 * character, an escape, a number outside the grammar, a duplicate or an unmatched id all give
 * None.
 *
 * Data is a bytes-like object holding a file's bytes, ending with a newline (scorers.fastpath
 * pads it); positions are C-contiguous int64 arrays. Results are bytearrays that the Python
 * side (scorers.bytecols) views with numpy.frombuffer, so no numpy headers are needed.
 *
 *   lines.c    the JSONL walk (values' spans, factorised labels, numbers in one pass), the
 *              fields of CSV/TSV/TXT, a whole file's bytes
 *   numbers.c  number literals: grammar and correctly rounded values
 *   factor.c   few distinct values into codes
 *   join.c     ids matched one to one, or checked distinct
 *   columns.c  the buffers the functions read
 *   mapping.c  a file's bytes mapped into memory, with the padding the scanner reads
 */
#include "spans.h"

static PyMethodDef methods[] = {
    {"map_file", spans_map_file, METH_VARARGS, "A file's bytes, then at least 9 zero bytes."},
    {"scan_bytes", spans_scan_bytes, METH_VARARGS, "Forbidden (-1), non-ASCII (1) or ASCII (0)."},
    {"jsonl_columns", spans_jsonl_columns, METH_VARARGS, "Values of a regular JSONL file, or None."},
    {"delimited_spans", spans_delimited, METH_VARARGS, "Field bounds of CSV/TSV/TXT, or None."},
    {"numbers", spans_numbers, METH_VARARGS, "float64 values of number literals, or None."},
    {"canonical_ints", spans_canonical_ints, METH_VARARGS, "Whether spans are canonical integers."},
    {"join", spans_join, METH_VARARGS, "Gold row of each prediction row, or None."},
    {"distinct", spans_distinct, METH_VARARGS, "Whether no two spans are equal."},
    {"factorize", spans_factorize, METH_VARARGS, "Codes and sorted distinct values, or None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "scorers._spans", "The fast path's byte scanning (scorers/csrc/).",
    -1, methods,
};

PyMODINIT_FUNC PyInit__spans(void) {
    if (mapping_ready() < 0) return NULL;
    return PyModule_Create(&module);
}
