/* A file's bytes mapped into memory, with room for a newline and 8 bytes after them.
 *
 * Reading a large file into a fresh buffer costs the kernel twice: it zeroes every new page,
 * then copies the file into it. Mapping the file instead shows its pages from the page cache
 * as they are (copy-on-write, so the process may still write the final newline). The mapping
 * lies at the start of a slightly longer anonymous region, whose pages read as zeros: the
 * padding the scanner's eight-byte loads need, even when the file fills its last page. Where
 * a file cannot be mapped, it is read into that region instead. (A job's files are private
 * copies that nothing truncates or rewrites while they are scored: a page of a mapped file
 * that vanished would be a SIGBUS, not an error.) */
#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spans.h"

typedef struct {
    PyObject_HEAD
    void *base;
    size_t length;
} Mapping;

static int mapping_getbuffer(PyObject *self, Py_buffer *view, int flags) {
    Mapping *m = (Mapping *)self;
    return PyBuffer_FillInfo(view, self, m->base, (Py_ssize_t)m->length, 0, flags);
}

static void mapping_dealloc(PyObject *self) {
    Mapping *m = (Mapping *)self;
    if (m->base != NULL) munmap(m->base, m->length);
    Py_TYPE(self)->tp_free(self);
}

static PyBufferProcs mapping_as_buffer = {mapping_getbuffer, NULL};

static PyTypeObject MappingType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "scorers._spans.Mapping",
    .tp_basicsize = sizeof(Mapping),
    .tp_dealloc = mapping_dealloc,
    .tp_as_buffer = &mapping_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A file's bytes in memory, followed by at least 9 zero bytes (a buffer).",
};

int mapping_ready(void) { return PyType_Ready(&MappingType); }

/* Read size bytes of fd into p; 0 when the file ended early or could not be read. */
static int read_all(int fd, unsigned char *p, size_t size) {
    for (size_t done = 0; done < size;) {
        ssize_t got = pread(fd, p + done, size - done, (off_t)done);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return 0;
        done += (size_t)got;
    }
    return 1;
}

/* map_file(fd, size) -> a buffer of the file's first ``size`` bytes then at least 9 zero bytes;
 * None when the file holds fewer bytes. */
PyObject *spans_map_file(PyObject *self, PyObject *args) {
    int fd;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "in", &fd, &size)) return NULL;
    if (size < 0) {
        PyErr_SetString(PyExc_ValueError, "size must not be negative");
        return NULL;
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t length = ((size_t)size + 9 + page - 1) / page * page;
    void *base = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return PyErr_SetFromErrno(PyExc_OSError);
    int ok = 1;
    if (size > 0 && mmap(base, (size_t)size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd,
                         0) == MAP_FAILED) {
        /* Not mappable (a pipe, some network file systems): read it. A failed MAP_FIXED may
         * have unmapped part of the range, so the anonymous pages are mapped there again. */
        if (mmap(base, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
                 0) == MAP_FAILED) {
            PyErr_SetFromErrno(PyExc_OSError);
            munmap(base, length);
            return NULL;
        }
        ok = read_all(fd, base, (size_t)size);
    }
    /* A file shorter than its stat said: bytes past its end would read as zeros, not data.
     * (A job's files are private copies; none is truncated while it is scored.) */
    struct stat st;
    if (ok && size > 0) ok = fstat(fd, &st) == 0 && st.st_size >= (off_t)size;
    if (!ok) {
        munmap(base, length);
        Py_RETURN_NONE;
    }
    Mapping *m = PyObject_New(Mapping, &MappingType);
    if (m == NULL) {
        munmap(base, length);
        return NULL;
    }
    m->base = base;
    m->length = length;
    return (PyObject *)m;
}
