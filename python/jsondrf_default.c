// jsonfast's DRF renderer: DRF's JSONEncoder.default as a C function.
//
// The Go encoder calls default() through PyObject_Vectorcall. A default
// written in Go would be a C->Go callback nested inside that Go->C call,
// which costs several hundred ns per object; a C function costs what any
// builtin does. So the conversions a DRF response needs most — exact
// datetime, date, time, timedelta, Decimal and UUID — are done here, and
// everything else goes to DRF's own JSONEncoder().default, so lazy strings,
// QuerySets, ipaddress, bytes, numpy values, iterables and subclasses
// (which may override isoformat() or __str__) behave exactly as in DRF.
// jsonfast/encode_drf_default.go holds the same conversions in Go, for use
// inside the encoder once it has a hook for them.
#include "goaccel.h"
#include <datetime.h>

static PyObject *fallback;       // DRF's JSONEncoder().default
static PyObject *decimal_type;   // decimal.Decimal
static PyObject *uuid_type;      // uuid.UUID
static PyObject *str_utcoffset, *str_int;

static char *put2(char *p, int v) {
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

static char *put6(char *p, int v) {
    for (int i = 5; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + 6;
}

static char *put_date(char *p, int y, int m, int d) {
    p = put2(p, y / 100);
    p = put2(p, y % 100);
    *p++ = '-';
    p = put2(p, m);
    *p++ = '-';
    return put2(p, d);
}

// HH:MM:SS[.ffffff], as isoformat() writes a time of day.
static char *put_clock(char *p, int h, int m, int s, int us) {
    p = put2(p, h);
    *p++ = ':';
    p = put2(p, m);
    *p++ = ':';
    p = put2(p, s);
    if (us) {
        *p++ = '.';
        p = put6(p, us);
    }
    return p;
}

// A UTC offset as isoformat() writes it (+HH:MM, then :SS and .ffffff only
// when non-zero), with DRF's rule: "+00:00" becomes "Z".
static char *put_offset(char *p, PyObject *off) {
    long long total = ((long long)PyDateTime_DELTA_GET_DAYS(off) * 86400 +
                       PyDateTime_DELTA_GET_SECONDS(off)) * 1000000LL +
                      PyDateTime_DELTA_GET_MICROSECONDS(off);
    if (total == 0) {
        *p++ = 'Z';
        return p;
    }
    *p++ = total < 0 ? '-' : '+';
    if (total < 0) total = -total;
    int us = (int)(total % 1000000);
    long long secs = total / 1000000;
    p = put2(p, (int)(secs / 3600));
    *p++ = ':';
    p = put2(p, (int)(secs / 60 % 60));
    if (secs % 60 || us) {
        *p++ = ':';
        p = put2(p, (int)(secs % 60));
        if (us) {
            *p++ = '.';
            p = put6(p, us);
        }
    }
    return p;
}

static PyObject *ascii_str(const char *p, Py_ssize_t n) {
    PyObject *s = PyUnicode_New(n, 127);
    if (s != NULL) memcpy(PyUnicode_DATA(s), p, (size_t)n);
    return s;
}

// o.utcoffset() (the zone's own method, with datetime's checks); new ref.
static PyObject *utcoffset(PyObject *o) { return PyObject_CallMethodNoArgs(o, str_utcoffset); }

static PyObject *drf_datetime(PyObject *o) {
    char buf[64], *p = buf;
    p = put_date(p, PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o));
    *p++ = 'T';
    p = put_clock(p, PyDateTime_DATE_GET_HOUR(o), PyDateTime_DATE_GET_MINUTE(o),
                  PyDateTime_DATE_GET_SECOND(o), PyDateTime_DATE_GET_MICROSECOND(o));
    PyObject *tz = PyDateTime_DATE_GET_TZINFO(o);
    if (tz == PyDateTime_TimeZone_UTC) {
        *p++ = 'Z';
    } else if (tz != Py_None) {
        PyObject *off = utcoffset(o);
        if (off == NULL) return NULL;
        if (off != Py_None) p = put_offset(p, off);
        Py_DECREF(off);
    }
    return ascii_str(buf, p - buf);
}

static PyObject *drf_time(PyObject *o) {
    if (PyDateTime_TIME_GET_TZINFO(o) != Py_None) {
        // django.utils.timezone.is_aware: utcoffset() is not None.
        PyObject *off = utcoffset(o);
        if (off == NULL) return NULL;
        int aware = off != Py_None;
        Py_DECREF(off);
        if (aware) {
            PyErr_SetString(PyExc_ValueError, "JSON can't represent timezone-aware times.");
            return NULL;
        }
    }
    char buf[32], *p = buf;
    p = put_clock(p, PyDateTime_TIME_GET_HOUR(o), PyDateTime_TIME_GET_MINUTE(o),
                  PyDateTime_TIME_GET_SECOND(o), PyDateTime_TIME_GET_MICROSECOND(o));
    return ascii_str(buf, p - buf);
}

// str(td.total_seconds()): total_seconds() divides the exact microseconds
// by 10**6, correctly rounded; while the count fits a double exactly, one
// IEEE division is that. NULL without an error: leave it to DRF's default.
static PyObject *drf_timedelta(PyObject *o) {
    long long days = PyDateTime_DELTA_GET_DAYS(o);
    if (days > 100000000 || days < -100000000) return NULL;
    long long total = (days * 86400 + PyDateTime_DELTA_GET_SECONDS(o)) * 1000000LL +
                      PyDateTime_DELTA_GET_MICROSECONDS(o);
    if (total > (1LL << 53) || total < -(1LL << 53)) return NULL;
    PyObject *f = PyFloat_FromDouble((double)total / 1e6);
    if (f == NULL) return NULL;
    PyObject *s = PyFloat_Type.tp_repr(f);
    Py_DECREF(f);
    return s;
}

// str(uuid): uuid.int as 8-4-4-4-12 hex digits. NULL without an error:
// leave it to DRF's default.
static PyObject *drf_uuid(PyObject *o) {
    PyObject *v = PyObject_GetAttr(o, str_int);
    unsigned char b[16];
    int ok = v != NULL && PyLong_CheckExact(v) &&
             _PyLong_AsByteArray((PyLongObject *)v, b, 16, 0, 0) == 0;
    Py_XDECREF(v);
    if (!ok) {
        PyErr_Clear();
        return NULL;
    }
    static const char hex[] = "0123456789abcdef";
    char buf[36], *p = buf;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    return ascii_str(buf, 36);
}

// The last few values made here stay referenced a little longer: the Go
// encoder drops its reference by a plain decrement when that is not the
// last one, and only calls Py_DecRef (a Go->C call, ~50 ns) when it is.
// Each value is then freed here, in C, when its slot is reused.
#define KEEP 32
static PyObject *kept[KEEP];
static unsigned kept_next;

static PyObject *keep(PyObject *r) {
    if (r == NULL) return NULL;
    PyObject *old = kept[kept_next];
    kept[kept_next] = Py_NewRef(r);
    kept_next = (kept_next + 1) % KEEP;
    Py_XDECREF(old);
    return r;
}

static PyObject *attr_of(const char *module, const char *name);

// The types drf_default compares against, imported on its first call rather
// than when _goaccel is imported (uuid alone costs ~2 ms of import time).
static int drf_types_ready(void) {
    if (decimal_type != NULL) return 0;
    if (PyDateTimeAPI == NULL) {
        PyDateTime_IMPORT;
        if (PyDateTimeAPI == NULL) return -1;
    }
    PyObject *dec = attr_of("decimal", "Decimal");
    PyObject *uu = attr_of("uuid", "UUID");
    str_utcoffset = PyUnicode_InternFromString("utcoffset");
    str_int = PyUnicode_InternFromString("int");
    if (!dec || !uu || !str_utcoffset || !str_int) {
        Py_XDECREF(dec);
        Py_XDECREF(uu);
        return -1;
    }
    uuid_type = uu;
    decimal_type = dec;  // last: it marks the types as ready
    return 0;
}

static PyObject *drf_default(PyObject *self, PyObject *o) {
    if (drf_types_ready() < 0) return NULL;
    PyTypeObject *t = Py_TYPE(o);
    PyObject *r = NULL;
    if (t == PyDateTimeAPI->DateTimeType) return keep(drf_datetime(o));
    if (t == PyDateTimeAPI->DateType) {
        char buf[16];
        return keep(ascii_str(buf, put_date(buf, PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o),
                                            PyDateTime_GET_DAY(o)) - buf));
    }
    if (t == PyDateTimeAPI->TimeType) return keep(drf_time(o));
    if ((PyObject *)t == decimal_type) return keep(PyNumber_Float(o));  // DRF: float(obj)
    if (t == PyDateTimeAPI->DeltaType) r = drf_timedelta(o);
    else if ((PyObject *)t == uuid_type) r = drf_uuid(o);
    if (r != NULL) return keep(r);
    if (PyErr_Occurred()) return NULL;
    if (fallback == NULL) {
        PyErr_Format(PyExc_TypeError, "Object of type %s is not JSON serializable", _PyType_Name(t));
        return NULL;
    }
    return PyObject_CallOneArg(fallback, o);
}

static PyMethodDef drf_default_def = {
    "drf_default", (PyCFunction)drf_default, METH_O,
    "drf_default(obj): DRF's JSONEncoder.default (datetime, date, time, timedelta, Decimal and UUID "
    "done in C; the rest by DRF's own default, set by drf_setup)."};

static PyObject *attr_of(const char *module, const char *name) {
    PyObject *m = PyImport_ImportModule(module);
    if (m == NULL) return NULL;
    PyObject *a = PyObject_GetAttrString(m, name);
    Py_DECREF(m);
    return a;
}

// Makes the drf_default function (new reference); its types load on first use.
PyObject *jsondrf_new_default(PyObject *module) {
    PyObject *modname = PyModule_GetNameObject(module);
    if (modname == NULL) return NULL;
    PyObject *fn = PyCFunction_NewEx(&drf_default_def, NULL, modname);
    Py_DECREF(modname);
    return fn;
}

// Records DRF's own default (kept for the life of the process).
void jsondrf_set_fallback(PyObject *f) {
    Py_INCREF(f);
    Py_XSETREF(fallback, f);
}
