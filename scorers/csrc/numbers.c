/* Number literals: their grammar, and their value to the last bit as float() and json give it. */
#include <float.h>
#include <math.h>

#include "spans.h"

static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Clinger's fast path needs double operations rounded once, to double (SSE2, as on x86-64);
 * where intermediate results are kept wider (FLT_EVAL_METHOD != 0, as with i386's x87), every
 * literal takes Python's conversion. */
#define CLINGER (FLT_EVAL_METHOD == 0)

#if LDBL_MANT_DIG == 64 && defined(__x86_64__)
/* x87 extended precision: 64-bit significands, so every integer below 2**64 and every power of
 * ten up to 10**27 (5**27 < 2**64) is exact, as long as the x87's precision control is set to
 * 64 bits (Linux's default; a library may change it, so it is read at each call). */
#define EXTENDED 1
static long double pow10_long(int k) {
    long double r = 1.0L;
    while (k--) r *= 10.0L; /* exact at every step, for k <= 27 */
    return r;
}

static int extended_now = 0;

void numbers_begin(void) {
    unsigned short control;
    __asm__ volatile("fnstcw %0" : "=m"(control));
    extended_now = ((control >> 8) & 3) == 3; /* precision control: 64-bit significands */
}
#else
#define EXTENDED 0
void numbers_begin(void) {}
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
int literal_value(const unsigned char *p, size_t len, int json, double *out) {
    uint64_t m;
    int64_t e;
    int many, negative, integer_literal;
    if (len == 0 || !parse_literal(p, p + len, json, &m, &e, &many, &negative, &integer_literal))
        return 0;
    double v;
    if (m == 0) {
        v = 0.0; /* however many zeros, whatever the exponent */
    } else if (CLINGER && !many && m < (1ULL << 53) && e >= -22 && e <= 22) {
        /* Clinger's fast path: both operands exact, so one operation rounds correctly. */
        v = e < 0 ? (double)m / POW10[-e] : (double)m * POW10[e];
    } else {
        v = -1.0;
#if EXTENDED
        if (extended_now && !many && e >= -27 && e <= 27) {
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
PyObject *spans_numbers(PyObject *self, PyObject *args) {
    PyObject *d, *s, *e;
    int json;
    if (!PyArg_ParseTuple(args, "OOOp", &d, &s, &e, &json)) return NULL;
    Column c;
    if (get_column(d, s, e, &c) < 0) return NULL;
    double *values;
    PyObject *out = new_array(c.starts.n, sizeof(double), (void **)&values);
    PyObject *result = out;
    const unsigned char *base = c.data.buf;
    numbers_begin();
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

/* canonical_ints(data, starts, ends, max_digits) -> bool: every span is a non-negative integer
 * written as str(int(it)) would (no sign, no leading zero) of at most max_digits digits (json
 * refuses longer ones: sys.get_int_max_str_digits), so that comparing ids as bytes compares the
 * thorough path's keys (JSON 7 and "7" are both the id "7"). */
PyObject *spans_canonical_ints(PyObject *self, PyObject *args) {
    PyObject *d, *s, *e;
    Py_ssize_t max_digits;
    if (!PyArg_ParseTuple(args, "OOOn", &d, &s, &e, &max_digits)) return NULL;
    Column c;
    if (get_column(d, s, e, &c) < 0) return NULL;
    const unsigned char *base = c.data.buf;
    int ok = c.starts.n > 0;
    for (Py_ssize_t i = 0; ok && i < c.starts.n; i++) {
        const unsigned char *p = base + c.starts.at[i], *end = base + c.ends.at[i];
        ok = p < end && end - p <= max_digits && (*p != '0' || end - p == 1);
        for (; ok && p < end; p++) ok = *p >= '0' && *p <= '9';
    }
    release_column(&c);
    return PyBool_FromLong(ok);
}
