/*
 * Compiled PlainBuffer codec: the fast path behind tablestore/wire/plainbuffer.py.
 *
 * The pure-Python codec in plainbuffer.py is the reference. This module accepts
 * exactly the buffers the reference accepts and returns the same objects; for
 * anything else it returns NotImplemented and plainbuffer.py asks the reference,
 * which then raises the diagnosis (OTSDecodeError with message and offset, or
 * OTSClientError naming the column) or, for inputs this module does not handle
 * (subclasses of the value types, iterables other than list/tuple), encodes them.
 *
 * Memory safety: every length read from the wire is checked against the bytes
 * left before it is used (all arithmetic in Py_ssize_t on values < 2^32); every
 * object created is owned by exactly one reference and released on every path.
 *
 * Layout (little-endian): see plainbuffer.py.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define TAG_ROW_PK 0x01
#define TAG_ROW_DATA 0x02
#define TAG_CELL 0x03
#define TAG_CELL_NAME 0x04
#define TAG_CELL_VALUE 0x05
#define TAG_CELL_TYPE 0x06
#define TAG_CELL_TIMESTAMP 0x07
#define TAG_DELETE_ROW_MARKER 0x08
#define TAG_ROW_CHECKSUM 0x09
#define TAG_CELL_CHECKSUM 0x0A

#define VT_INTEGER 0x0
#define VT_DOUBLE 0x1
#define VT_BOOLEAN 0x2
#define VT_STRING 0x3
#define VT_BLOB 0x7
#define VT_INF_MIN 0x9
#define VT_INF_MAX 0xA
#define VT_AUTO_INCREMENT 0xB

#define OP_DELETE_ALL_VERSIONS 1
#define OP_DELETE_ONE_VERSION 3
#define OP_INCREMENT 4

#define MAX_LENGTH 0x7FFFFFFF
#define NAME_SLOTS 64

static uint8_t crc_table[256];

/* Set once by configure(): the Python objects the codec returns or recognises. */
static PyObject *plain_row_type = NULL; /* PlainRow (a tuple subclass) */
static PyObject *inf_min = NULL, *inf_max = NULL, *auto_increment = NULL;
static PyObject *cell_op_type = NULL;
static PyObject *ops[5] = {NULL, NULL, NULL, NULL, NULL}; /* CellOp members by value */

static void
make_crc_table(void)
{
    for (int byte = 0; byte < 256; byte++) {
        uint8_t crc = (uint8_t)byte;
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 0x80) ? (uint8_t)((crc << 1) ^ 0x07) : (uint8_t)(crc << 1);
        }
        crc_table[byte] = crc;
    }
}

static inline uint8_t
crc8(const uint8_t *data, Py_ssize_t size, uint8_t crc)
{
    for (Py_ssize_t i = 0; i < size; i++) {
        crc = crc_table[crc ^ data[i]];
    }
    return crc;
}

static inline uint32_t
read_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t
read_u64(const uint8_t *p)
{
    return (uint64_t)read_u32(p) | ((uint64_t)read_u32(p + 4) << 32);
}

static inline void
write_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void
write_u64(uint8_t *p, uint64_t v)
{
    write_u32(p, (uint32_t)v);
    write_u32(p + 4, (uint32_t)(v >> 32));
}

static int
check_configured(void)
{
    if (plain_row_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_plainbuffer.configure() was not called");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ decoding */

/* A column name seen at the same position of the previous row (rows of a page repeat
 * their columns): its wire bytes (in the buffer being decoded), str object and CRC. */
typedef struct {
    const uint8_t *raw;
    Py_ssize_t size;
    PyObject *name; /* owned */
    uint8_t crc;
} NameSlot;

typedef struct {
    const uint8_t *buf;
    Py_ssize_t end;
    int verify;
    int columns; /* rows as (primary_key, [(name, value, timestamp)]) pairs */
    NameSlot pk_names[NAME_SLOTS];
    NameSlot cell_names[NAME_SLOTS];
    int64_t last_ts;
    PyObject *last_ts_obj; /* owned, or NULL */
} Decoder;

static void
decoder_clear(Decoder *d)
{
    for (int i = 0; i < NAME_SLOTS; i++) {
        Py_CLEAR(d->pk_names[i].name);
        Py_CLEAR(d->cell_names[i].name);
    }
    Py_CLEAR(d->last_ts_obj);
}

/* Result codes of the decoding steps: OK, MALFORMED (the reference must answer),
 * ERROR (a Python exception is set, e.g. MemoryError). */
#define OK 0
#define MALFORMED 1
#define ERROR (-1)

/* The name of the cell whose name bytes are raw[0:size]: a new reference in *name,
 * its CRC-8 in *crc. Invalid UTF-8 -> MALFORMED. */
static int
cell_name(Decoder *d, NameSlot *slot, const uint8_t *raw, Py_ssize_t size,
          PyObject **name, uint8_t *crc)
{
    if (slot != NULL && slot->name != NULL && slot->size == size &&
        memcmp(slot->raw, raw, (size_t)size) == 0) {
        Py_INCREF(slot->name);
        *name = slot->name;
        *crc = slot->crc;
        return OK;
    }
    PyObject *text = PyUnicode_DecodeUTF8((const char *)raw, size, "strict");
    if (text == NULL) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
            PyErr_Clear();
            return MALFORMED;
        }
        return ERROR;
    }
    uint8_t name_crc = crc8(raw, size, 0);
    if (slot != NULL) {
        Py_XDECREF(slot->name);
        Py_INCREF(text);
        slot->name = text;
        slot->raw = raw;
        slot->size = size;
        slot->crc = name_crc;
    }
    *name = text;
    *crc = name_crc;
    return OK;
}

/* A STRING value: UTF-8 bytes raw[0:size]. NULL with no exception set = invalid. */
static PyObject *
decode_text(const uint8_t *raw, Py_ssize_t size)
{
    PyObject *text = PyUnicode_DecodeUTF8((const char *)raw, size, "strict");
    if (text == NULL && PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
        PyErr_Clear();
    }
    return text;
}

/* A cell's head from *pos (at TAG_CELL): name, and, if a value follows, its total
 * length and type. On OK *pos is after the type byte and the value's bytes
 * [*pos, *pos + total - 1) are inside the buffer with at least 2 more bytes after
 * them; or, when *kind is -1 (no value), *pos is after the name with at least 1 more
 * byte after it. */
static int
read_head(Decoder *d, Py_ssize_t *pos, int in_pk, NameSlot *slot,
          PyObject **name, uint8_t *crc, int *kind, Py_ssize_t *total)
{
    const uint8_t *buf = d->buf;
    Py_ssize_t end = d->end;
    Py_ssize_t at = *pos;
    if (end - at < 6 || buf[at + 1] != TAG_CELL_NAME) {
        return MALFORMED;
    }
    Py_ssize_t stop = at + 6;
    uint32_t name_size = read_u32(buf + at + 2);
    if ((uint64_t)name_size >= (uint64_t)(end - stop)) { /* the name, then 1+ more byte */
        return MALFORMED;
    }
    Py_ssize_t size = (Py_ssize_t)name_size;
    const uint8_t *raw = buf + stop;
    stop += size;
    if (buf[stop] != TAG_CELL_VALUE) {
        if (in_pk) {
            return MALFORMED;
        }
        int status = cell_name(d, slot, raw, size, name, crc);
        if (status != OK) {
            return status;
        }
        *kind = -1;
        *total = 0;
        *pos = stop;
        return OK;
    }
    if (end - stop < 6) {
        return MALFORMED;
    }
    uint32_t wire_total = read_u32(buf + stop + 1);
    if ((uint64_t)wire_total > (uint64_t)(end - stop)) { /* cannot fit: keeps it < 2^31 */
        return MALFORMED;
    }
    Py_ssize_t value_total = (Py_ssize_t)wire_total;
    int value_kind = buf[stop + 5];
    switch (value_kind) {
    case VT_INTEGER:
        if (value_total != 9) return MALFORMED;
        break;
    case VT_DOUBLE:
        if (in_pk || value_total != 9) return MALFORMED;
        break;
    case VT_BOOLEAN:
        if (value_total != 2) return MALFORMED;
        break;
    case VT_STRING:
    case VT_BLOB:
        if (value_total < 5) return MALFORMED;
        break;
    case VT_INF_MIN:
    case VT_INF_MAX:
    case VT_AUTO_INCREMENT:
        if (!in_pk || value_total != 1) return MALFORMED;
        break;
    default:
        return MALFORMED;
    }
    Py_ssize_t value_at = stop + 6;
    /* The value (total - 1 bytes after the type), then a tag and one more byte. */
    if (value_total - 1 > end - value_at - 2) {
        return MALFORMED;
    }
    uint8_t name_crc;
    int status = cell_name(d, slot, raw, size, name, &name_crc);
    if (status != OK) {
        return status;
    }
    *crc = crc_table[name_crc ^ (uint8_t)value_kind];
    *kind = value_kind;
    *total = value_total;
    *pos = value_at;
    return OK;
}

/* The value of type ``kind`` at buf[pos:pos + total - 1] (bounds already checked by
 * read_head). A new reference, or NULL: MALFORMED if no exception is set. */
static PyObject *
read_value(Decoder *d, Py_ssize_t pos, int kind, Py_ssize_t total)
{
    const uint8_t *p = d->buf + pos;
    switch (kind) {
    case VT_INTEGER:
        return PyLong_FromLongLong((long long)(int64_t)read_u64(p));
    case VT_DOUBLE: {
        uint64_t bits = read_u64(p);
        double value;
        memcpy(&value, &bits, sizeof value);
        return PyFloat_FromDouble(value);
    }
    case VT_BOOLEAN:
        if (p[0] > 1) return NULL;
        if (p[0]) Py_RETURN_TRUE;
        Py_RETURN_FALSE;
    case VT_STRING:
    case VT_BLOB:
        if ((Py_ssize_t)read_u32(p) != total - 5) return NULL;
        if (kind == VT_STRING) return decode_text(p + 4, total - 5);
        return PyByteArray_FromStringAndSize((const char *)p + 4, total - 5);
    case VT_INF_MIN:
        Py_INCREF(inf_min);
        return inf_min;
    case VT_INF_MAX:
        Py_INCREF(inf_max);
        return inf_max;
    default: /* VT_AUTO_INCREMENT: read_head admits no other type */
        Py_INCREF(auto_increment);
        return auto_increment;
    }
}

/* What read_primary_key does with each key column it has read and checked (name: a new
 * reference it takes; the value of type ``kind`` at buf[at:at + total - 1]): append a
 * (name, value) pair to a list (decoding), or write the column's storage form (the
 * emulator's BatchGetRow keys). OK, MALFORMED or ERROR. */
typedef int (*KeySink)(void *sink, Decoder *d, int index, PyObject *name, int kind, Py_ssize_t at,
                       Py_ssize_t total);

/* KeySink of decoding: ``sink`` is the list of (name, value) pairs. */
static int
append_key_column(void *sink, Decoder *d, int index, PyObject *name, int kind, Py_ssize_t at, Py_ssize_t total)
{
    (void)index;
    PyObject *value = read_value(d, at, kind, total);
    if (value == NULL) {
        Py_DECREF(name);
        return PyErr_Occurred() ? ERROR : MALFORMED;
    }
    PyObject *pair = PyTuple_New(2);
    if (pair == NULL) {
        Py_DECREF(name);
        Py_DECREF(value);
        return ERROR;
    }
    PyTuple_SET_ITEM(pair, 0, name);
    PyTuple_SET_ITEM(pair, 1, value);
    int appended = PyList_Append((PyObject *)sink, pair);
    Py_DECREF(pair);
    return appended < 0 ? ERROR : OK;
}

/* The primary key at *pos (after TAG_ROW_PK), each column given to ``emit``; the row CRC so far. */
static int
read_primary_key(Decoder *d, Py_ssize_t *pos, KeySink emit, void *sink, uint8_t *row_crc)
{
    const uint8_t *buf = d->buf;
    Py_ssize_t end = d->end;
    Py_ssize_t at = *pos;
    uint8_t row = 0;
    for (int index = 0;; index++) {
        if (at >= end) return MALFORMED;
        if (buf[at] != TAG_CELL) break;
        PyObject *name = NULL;
        uint8_t crc = 0;
        int kind;
        Py_ssize_t total;
        NameSlot *slot = index < NAME_SLOTS ? &d->pk_names[index] : NULL;
        int status = read_head(d, &at, 1, slot, &name, &crc, &kind, &total);
        if (status != OK) return status;
        Py_ssize_t stop = at + total - 1; /* read_head: 2 bytes remain */
        if (d->verify) crc = crc8(buf + at, total - 1, crc);
        if (buf[stop] != TAG_CELL_CHECKSUM || (d->verify && buf[stop + 1] != crc)) {
            Py_DECREF(name);
            return MALFORMED;
        }
        status = emit(sink, d, index, name, kind, at, total);
        if (status != OK) return status;
        row = crc_table[row ^ crc];
        at = stop + 2;
    }
    *pos = at;
    *row_crc = row;
    return OK;
}

/* A timestamp object for ``ts``: the previous one when equal (cells of a row share it). */
static PyObject *
timestamp_object(Decoder *d, int64_t ts)
{
    if (d->last_ts_obj == NULL || ts != d->last_ts) {
        PyObject *obj = PyLong_FromLongLong((long long)ts);
        if (obj == NULL) return NULL;
        Py_XSETREF(d->last_ts_obj, obj);
        d->last_ts = ts;
    }
    Py_INCREF(d->last_ts_obj);
    return d->last_ts_obj;
}

/* The attribute cells at *pos (after TAG_ROW_DATA), appended to ``cells``. */
static int
read_cells(Decoder *d, Py_ssize_t *pos, PyObject *cells, uint8_t *row_crc)
{
    const uint8_t *buf = d->buf;
    Py_ssize_t end = d->end;
    Py_ssize_t at = *pos;
    uint8_t row = *row_crc;
    for (int index = 0;; index++) {
        if (at >= end) return MALFORMED;
        if (buf[at] != TAG_CELL) break;
        PyObject *name = NULL, *value = NULL, *timestamp = NULL, *op = NULL;
        uint8_t crc = 0;
        int kind;
        Py_ssize_t total;
        NameSlot *slot = index < NAME_SLOTS ? &d->cell_names[index] : NULL;
        int status = read_head(d, &at, 0, slot, &name, &crc, &kind, &total);
        if (status != OK) return status;
        if (kind >= 0) {
            value = read_value(d, at, kind, total);
            if (value == NULL) {
                status = PyErr_Occurred() ? ERROR : MALFORMED;
                goto fail;
            }
            if (d->verify) crc = crc8(buf + at, total - 1, crc);
            at += total - 1;
        }
        /* read_head: at < end here (at < end - 1 after a value) */
        uint8_t tag = buf[at];
        int op_value = 0;
        if (tag == TAG_CELL_TYPE) {
            if (end - at < 2) {
                status = MALFORMED;
                goto fail;
            }
            op_value = buf[at + 1];
            if (op_value != OP_DELETE_ALL_VERSIONS && op_value != OP_DELETE_ONE_VERSION &&
                op_value != OP_INCREMENT) {
                status = MALFORMED;
                goto fail;
            }
            at += 2;
            if (at >= end) {
                status = MALFORMED;
                goto fail;
            }
            tag = buf[at];
        }
        uint8_t stored;
        if (tag == TAG_CELL_TIMESTAMP) {
            if (end - at < 11) {
                status = MALFORMED;
                goto fail;
            }
            timestamp = timestamp_object(d, (int64_t)read_u64(buf + at + 1));
            if (timestamp == NULL) {
                status = ERROR;
                goto fail;
            }
            if (d->verify) crc = crc8(buf + at + 1, 8, crc);
            tag = buf[at + 9];
            stored = buf[at + 10];
            at += 9;
        } else {
            if (end - at < 2) {
                status = MALFORMED;
                goto fail;
            }
            stored = buf[at + 1];
        }
        if (op_value) crc = crc_table[crc ^ (uint8_t)op_value];
        if (tag != TAG_CELL_CHECKSUM || (d->verify && stored != crc)) {
            status = MALFORMED;
            goto fail;
        }
        /* The encoder's op rules. */
        if (op_value || value == NULL) {
            int valid;
            if (op_value == 0) {
                valid = 0;
            } else if (op_value == OP_INCREMENT) {
                valid = kind == VT_INTEGER;
            } else if (value != NULL) {
                valid = 0;
            } else if (op_value == OP_DELETE_ONE_VERSION) {
                valid = timestamp != NULL;
            } else {
                valid = timestamp == NULL;
            }
            if (!valid) {
                status = MALFORMED;
                goto fail;
            }
        }
        PyObject *cell = PyTuple_New(d->columns ? 3 : 4);
        if (cell == NULL) {
            status = ERROR;
            goto fail;
        }
        if (value == NULL) {
            Py_INCREF(Py_None);
            value = Py_None;
        }
        if (timestamp == NULL) {
            Py_INCREF(Py_None);
            timestamp = Py_None;
        }
        PyTuple_SET_ITEM(cell, 0, name);
        PyTuple_SET_ITEM(cell, 1, value);
        PyTuple_SET_ITEM(cell, 2, timestamp);
        if (!d->columns) {
            op = op_value ? ops[op_value] : Py_None;
            Py_INCREF(op);
            PyTuple_SET_ITEM(cell, 3, op);
        }
        int appended = PyList_Append(cells, cell);
        Py_DECREF(cell);
        if (appended < 0) return ERROR;
        row = crc_table[row ^ crc];
        at += 2;
        continue;
    fail:
        Py_XDECREF(name);
        Py_XDECREF(value);
        Py_XDECREF(timestamp);
        return status;
    }
    *pos = at;
    *row_crc = row;
    return OK;
}

/* The rest of a row after its primary key (read_primary_key left *pos < end): its cells
 * appended to ``cells``, the delete marker (*deleted) and the row checksum. */
static int
read_row_end(Decoder *d, Py_ssize_t *pos, PyObject *cells, uint8_t row_crc, int *deleted)
{
    const uint8_t *buf = d->buf;
    Py_ssize_t end = d->end;
    Py_ssize_t at = *pos;
    if (buf[at] == TAG_ROW_DATA) {
        at++;
        int status = read_cells(d, &at, cells, &row_crc);
        if (status != OK) return status;
    }
    *deleted = buf[at] == TAG_DELETE_ROW_MARKER;
    if (*deleted) at++;
    row_crc = crc_table[row_crc ^ (*deleted ? 1 : 0)];
    if (end - at < 2 || buf[at] != TAG_ROW_CHECKSUM || (d->verify && buf[at + 1] != row_crc)) {
        return MALFORMED;
    }
    *pos = at + 2;
    return OK;
}

/* One row at *pos (at TAG_ROW_PK): a new PlainRow in *out, or with ``columns`` a new
 * (primary_key, [(name, value, timestamp)]) pair (cell ops and delete marker dropped). */
static int
read_row(Decoder *d, Py_ssize_t *pos, PyObject **out)
{
    Py_ssize_t at = *pos;
    if (d->buf[at] != TAG_ROW_PK) return MALFORMED;
    at++;
    PyObject *cells = NULL;
    uint8_t row_crc = 0;
    PyObject *primary_key = PyList_New(0);
    if (primary_key == NULL) return ERROR;
    int status = read_primary_key(d, &at, append_key_column, primary_key, &row_crc);
    if (status != OK) goto fail;
    cells = PyList_New(0);
    if (cells == NULL) {
        status = ERROR;
        goto fail;
    }
    int deleted;
    status = read_row_end(d, &at, cells, row_crc, &deleted);
    if (status != OK) goto fail;
    PyObject *row;
    if (d->columns) {
        row = PyTuple_New(2);
    } else {
        row = ((PyTypeObject *)plain_row_type)->tp_alloc((PyTypeObject *)plain_row_type, 3);
    }
    if (row == NULL) {
        status = ERROR;
        goto fail;
    }
    PyTuple_SET_ITEM(row, 0, primary_key);
    PyTuple_SET_ITEM(row, 1, cells);
    if (!d->columns) {
        PyObject *flag = deleted ? Py_True : Py_False;
        Py_INCREF(flag);
        PyTuple_SET_ITEM(row, 2, flag);
    }
    *out = row;
    *pos = at;
    return OK;
fail:
    Py_XDECREF(primary_key);
    Py_XDECREF(cells);
    return status;
}

/* decode(data: bytes, single: bool, verify: bool, columns: bool)
 *     -> list[PlainRow] | list[(primary_key, columns)] | NotImplemented
 *
 * ``data`` is a non-empty buffer. With ``single`` it must hold exactly one row.
 * NotImplemented: the buffer is malformed; the reference decoder says why. */
static PyObject *
pb_decode(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_configured() < 0) return NULL;
    if (nargs != 4 || !PyBytes_CheckExact(args[0])) {
        PyErr_SetString(PyExc_TypeError, "decode(data: bytes, single: bool, verify: bool, columns: bool)");
        return NULL;
    }
    int single = PyObject_IsTrue(args[1]);
    int verify = PyObject_IsTrue(args[2]);
    int columns = PyObject_IsTrue(args[3]);
    if (single < 0 || verify < 0 || columns < 0) return NULL;
    Decoder d;
    memset(&d, 0, sizeof d);
    d.buf = (const uint8_t *)PyBytes_AS_STRING(args[0]);
    d.end = PyBytes_GET_SIZE(args[0]);
    d.verify = verify;
    d.columns = columns;
    if (d.end < 4 || memcmp(d.buf, "\x75\x00\x00\x00", 4) != 0 || (single && d.end == 4)) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    PyObject *rows = PyList_New(0);
    if (rows == NULL) return NULL;
    Py_ssize_t pos = 4;
    int status = OK;
    while (pos < d.end) {
        PyObject *row = NULL;
        status = read_row(&d, &pos, &row);
        if (status != OK) break;
        int appended = PyList_Append(rows, row);
        Py_DECREF(row);
        if (appended < 0) {
            status = ERROR;
            break;
        }
        if (single) {
            if (pos != d.end) status = MALFORMED;
            break;
        }
    }
    decoder_clear(&d);
    if (status == OK) return rows;
    Py_DECREF(rows);
    if (status == ERROR) return NULL;
    Py_RETURN_NOTIMPLEMENTED;
}

/* ------------------------------------------------------------------------ encoding */

typedef struct {
    uint8_t *data;
    Py_ssize_t size;
    Py_ssize_t capacity;
} Out;

/* Room for ``extra`` more bytes; -1 with MemoryError set if impossible. */
static int
out_reserve(Out *out, Py_ssize_t extra)
{
    if (extra <= out->capacity - out->size) return 0;
    if (extra > PY_SSIZE_T_MAX / 2 - out->size) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t capacity = out->capacity ? out->capacity : 256;
    while (capacity - out->size < extra) capacity *= 2;
    uint8_t *data = PyMem_Realloc(out->data, (size_t)capacity);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    out->data = data;
    out->capacity = capacity;
    return 0;
}

/* Shapes of the cells given to write_cells (as in plainbuffer.py). */
#define SHAPE_PK 0     /* (name, value) */
#define SHAPE_PUT 1    /* (name, value) or (name, value, timestamp) */
#define SHAPE_UPDATE 2 /* (name, value, timestamp, op) */

/* UTF-8 of a str: a pointer into the object (ASCII) or into *holder (a new bytes).
 * 1 = not encodable (lone surrogates): the reference must answer. */
static int
utf8_of(PyObject *text, const char **raw, Py_ssize_t *size, PyObject **holder)
{
    *holder = NULL;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) return -1; /* legacy (wstr) strings before 3.12 */
#endif
    if (PyUnicode_IS_ASCII(text)) {
        *raw = (const char *)PyUnicode_DATA(text);
        *size = PyUnicode_GET_LENGTH(text);
        return 0;
    }
    PyObject *bytes = PyUnicode_AsUTF8String(text);
    if (bytes == NULL) {
        if (PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
            PyErr_Clear();
            return 1;
        }
        return -1;
    }
    *holder = bytes;
    *raw = PyBytes_AS_STRING(bytes);
    *size = PyBytes_GET_SIZE(bytes);
    return 0;
}

/* An int64 from an exact int; 1 = out of range (the reference must answer). */
static int
int64_of(PyObject *number, int64_t *result)
{
    int overflow = 0;
    long long value = PyLong_AsLongLongAndOverflow(number, &overflow);
    if (overflow) return 1;
    if (value == -1 && PyErr_Occurred()) return -1;
    *result = (int64_t)value;
    return 0;
}

/* Encoding runs no Python code on its success path (it allocates no object the
 * cyclic GC tracks, so no finalizer can run), so borrowed references to the items of
 * the given lists stay valid throughout. Every path that allocates an exception
 * object returns at once. */

/* Write one cell. 0 ok, 1 = the reference must answer, -1 = error set. */
static int
write_cell(Out *out, PyObject *cell, int shape, uint8_t *row_crc)
{
    if (!PyTuple_CheckExact(cell) && !PyList_CheckExact(cell)) return 1;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(cell);
    PyObject **items = PySequence_Fast_ITEMS(cell);
    PyObject *timestamp = Py_None, *op = Py_None;
    if (count == 2 && shape != SHAPE_UPDATE) {
    } else if (count == 3 && shape == SHAPE_PUT) {
        timestamp = items[2];
    } else if (count == 4 && shape == SHAPE_UPDATE) {
        timestamp = items[2];
        op = items[3];
    } else {
        return 1;
    }
    PyObject *name = items[0], *value = items[1];
    if (!PyUnicode_CheckExact(name)) return 1;

    long op_value = 0;
    if (op != Py_None) {
        if (!PyLong_CheckExact(op) && (PyObject *)Py_TYPE(op) != cell_op_type) return 1;
        int overflow = 0;
        op_value = PyLong_AsLongAndOverflow(op, &overflow);
        if (op_value == -1 && PyErr_Occurred()) return -1;
        if (overflow) return 1;
        if (op_value == OP_INCREMENT) {
            if (!PyLong_CheckExact(value)) return 1;
        } else if (op_value == OP_DELETE_ONE_VERSION) {
            if (value != Py_None || timestamp == Py_None) return 1;
        } else if (op_value == OP_DELETE_ALL_VERSIONS) {
            if (value != Py_None || timestamp != Py_None) return 1;
        } else {
            return 1;
        }
    } else if (value == Py_None) {
        return 1;
    }
    int64_t ts = 0;
    if (timestamp != Py_None) {
        if (!PyLong_CheckExact(timestamp)) return 1;
        int status = int64_of(timestamp, &ts);
        if (status != 0) return status;
    }

    /* The value: type byte and payload (fixed-size ones in ``fixed``). */
    int kind = -1;
    uint8_t fixed[8];
    Py_ssize_t fixed_size = 0;
    const char *raw = NULL;
    Py_ssize_t raw_size = 0;
    PyObject *holder = NULL, *name_holder = NULL;
    if (value == Py_None) {
    } else if (value == Py_True || value == Py_False) {
        kind = VT_BOOLEAN;
        fixed[0] = value == Py_True;
        fixed_size = 1;
    } else if (PyLong_CheckExact(value)) {
        int64_t number;
        int status = int64_of(value, &number);
        if (status != 0) return status;
        kind = VT_INTEGER;
        write_u64(fixed, (uint64_t)number);
        fixed_size = 8;
    } else if (PyFloat_CheckExact(value)) {
        if (shape == SHAPE_PK) return 1;
        double number = PyFloat_AS_DOUBLE(value);
        uint64_t bits;
        memcpy(&bits, &number, sizeof bits);
        kind = VT_DOUBLE;
        write_u64(fixed, bits);
        fixed_size = 8;
    } else if (PyUnicode_CheckExact(value)) {
        int status = utf8_of(value, &raw, &raw_size, &holder);
        if (status != 0) return status;
        kind = VT_STRING;
    } else if (PyBytes_CheckExact(value)) {
        raw = PyBytes_AS_STRING(value);
        raw_size = PyBytes_GET_SIZE(value);
        kind = VT_BLOB;
    } else if (PyByteArray_CheckExact(value)) {
        raw = PyByteArray_AS_STRING(value);
        raw_size = PyByteArray_GET_SIZE(value);
        kind = VT_BLOB;
    } else if (shape == SHAPE_PK && (value == inf_min || value == inf_max || value == auto_increment)) {
        kind = value == inf_min ? VT_INF_MIN : value == inf_max ? VT_INF_MAX : VT_AUTO_INCREMENT;
    } else {
        return 1;
    }
    int result = 1;
    if (raw != NULL && raw_size > MAX_LENGTH - 5) goto done;

    const char *name_raw;
    Py_ssize_t name_size;
    result = utf8_of(name, &name_raw, &name_size, &name_holder);
    if (result != 0) goto done;
    result = 1;
    if (name_size > MAX_LENGTH) goto done;

    /* head 6 + name + value (5 + type + 4 + payload) + op 2 + timestamp 9 + checksum 2 */
    Py_ssize_t payload = raw != NULL ? 4 + raw_size : fixed_size;
    result = -1;
    if (out_reserve(out, 6 + name_size + 6 + payload + 2 + 9 + 2) < 0) goto done;
    uint8_t *p = out->data + out->size;
    *p++ = TAG_CELL;
    *p++ = TAG_CELL_NAME;
    write_u32(p, (uint32_t)name_size);
    p += 4;
    memcpy(p, name_raw, (size_t)name_size);
    p += name_size;
    uint8_t crc = crc8((const uint8_t *)name_raw, name_size, 0);
    if (kind >= 0) {
        *p++ = TAG_CELL_VALUE;
        write_u32(p, (uint32_t)(1 + payload));
        p += 4;
        uint8_t *typed = p;
        *p++ = (uint8_t)kind;
        if (raw != NULL) {
            write_u32(p, (uint32_t)raw_size);
            p += 4;
            memcpy(p, raw, (size_t)raw_size);
            p += raw_size;
        } else {
            memcpy(p, fixed, (size_t)fixed_size);
            p += fixed_size;
        }
        crc = crc8(typed, p - typed, crc);
    }
    if (op_value) {
        *p++ = TAG_CELL_TYPE;
        *p++ = (uint8_t)op_value;
    }
    if (timestamp != Py_None) {
        *p++ = TAG_CELL_TIMESTAMP;
        write_u64(p, (uint64_t)ts);
        crc = crc8(p, 8, crc);
        p += 8;
    }
    if (op_value) crc = crc_table[crc ^ (uint8_t)op_value];
    *p++ = TAG_CELL_CHECKSUM;
    *p++ = crc;
    out->size = p - out->data;
    *row_crc = crc_table[*row_crc ^ crc];
    result = 0;
done:
    Py_XDECREF(holder);
    Py_XDECREF(name_holder);
    return result;
}

/* Write one row: TAG_ROW_PK, the key, [TAG_ROW_DATA cells], [delete marker], checksum. */
static int
write_row(Out *out, PyObject *primary_key, PyObject *cells, int shape, int deleted)
{
    if (!PyList_CheckExact(primary_key) && !PyTuple_CheckExact(primary_key)) return 1;
    if (cells != Py_None && !PyList_CheckExact(cells) && !PyTuple_CheckExact(cells)) return 1;
    if (out_reserve(out, 1) < 0) return -1;
    out->data[out->size++] = TAG_ROW_PK;
    uint8_t row_crc = 0;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(primary_key);
    PyObject **items = PySequence_Fast_ITEMS(primary_key);
    for (Py_ssize_t i = 0; i < count; i++) {
        int status = write_cell(out, items[i], SHAPE_PK, &row_crc);
        if (status != 0) return status;
    }
    if (cells != Py_None && PySequence_Fast_GET_SIZE(cells) > 0) {
        if (out_reserve(out, 1) < 0) return -1;
        out->data[out->size++] = TAG_ROW_DATA;
        count = PySequence_Fast_GET_SIZE(cells);
        items = PySequence_Fast_ITEMS(cells);
        for (Py_ssize_t i = 0; i < count; i++) {
            int status = write_cell(out, items[i], shape, &row_crc);
            if (status != 0) return status;
        }
    }
    if (out_reserve(out, 3) < 0) return -1;
    if (deleted) out->data[out->size++] = TAG_DELETE_ROW_MARKER;
    out->data[out->size++] = TAG_ROW_CHECKSUM;
    out->data[out->size++] = crc_table[row_crc ^ (deleted ? 1 : 0)];
    return 0;
}

static PyObject *
finish(Out *out, int status)
{
    PyObject *result = NULL;
    if (status == 0) {
        result = PyBytes_FromStringAndSize((const char *)out->data, out->size);
    } else if (status == 1) {
        result = Py_NotImplemented;
        Py_INCREF(result);
    }
    PyMem_Free(out->data);
    return result;
}

/* encode_row(primary_key, cells | None, shape: int, deleted: bool) -> bytes | NotImplemented
 *
 * The header and one row. NotImplemented: the reference encoder must answer (it
 * raises the error naming the column, or encodes what this module does not take). */
static PyObject *
pb_encode_row(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_configured() < 0) return NULL;
    if (nargs != 4 || !PyLong_CheckExact(args[2])) {
        PyErr_SetString(PyExc_TypeError, "encode_row(primary_key, cells, shape, deleted)");
        return NULL;
    }
    long shape = PyLong_AsLong(args[2]);
    if (shape < SHAPE_PK || shape > SHAPE_UPDATE) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "unknown shape");
        return NULL;
    }
    int deleted = PyObject_IsTrue(args[3]);
    if (deleted < 0) return NULL;
    Out out = {NULL, 0, 0};
    if (out_reserve(&out, 4) < 0) return NULL;
    memcpy(out.data, "\x75\x00\x00\x00", 4);
    out.size = 4;
    return finish(&out, write_row(&out, args[0], args[1], (int)shape, deleted));
}

/* encode_rows(rows: list | tuple) -> bytes | NotImplemented: rows as a server returns them. */
static PyObject *
pb_encode_rows(PyObject *module, PyObject *rows)
{
    if (check_configured() < 0) return NULL;
    if (!PyList_CheckExact(rows) && !PyTuple_CheckExact(rows)) Py_RETURN_NOTIMPLEMENTED;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(rows);
    if (count == 0) return PyBytes_FromStringAndSize(NULL, 0);
    PyObject **items = PySequence_Fast_ITEMS(rows);
    Out out = {NULL, 0, 0};
    if (out_reserve(&out, 4) < 0) return NULL;
    memcpy(out.data, "\x75\x00\x00\x00", 4);
    out.size = 4;
    int status = 0;
    for (Py_ssize_t i = 0; i < count && status == 0; i++) {
        PyObject *row = items[i];
        if ((!PyTuple_CheckExact(row) && (PyObject *)Py_TYPE(row) != plain_row_type) ||
            PyTuple_GET_SIZE(row) != 3) {
            status = 1;
            break;
        }
        PyObject *deleted = PyTuple_GET_ITEM(row, 2);
        if (deleted != Py_True && deleted != Py_False) {
            status = 1;
            break;
        }
        status = write_row(&out, PyTuple_GET_ITEM(row, 0), PyTuple_GET_ITEM(row, 1), SHAPE_UPDATE,
                           deleted == Py_True);
    }
    return finish(&out, status);
}

/* configure(PlainRow, INF_MIN, INF_MAX, AUTO_INCREMENT, CellOp): the objects to use. */
static PyObject *
pb_configure(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5 || !PyType_Check(args[0]) ||
        !PyType_IsSubtype((PyTypeObject *)args[0], &PyTuple_Type) || !PyType_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError, "configure(PlainRow, INF_MIN, INF_MAX, AUTO_INCREMENT, CellOp)");
        return NULL;
    }
    PyObject *members[5] = {NULL, NULL, NULL, NULL, NULL};
    static const int values[3] = {OP_DELETE_ALL_VERSIONS, OP_DELETE_ONE_VERSION, OP_INCREMENT};
    for (int i = 0; i < 3; i++) {
        PyObject *number = PyLong_FromLong(values[i]);
        if (number == NULL) goto fail;
        members[values[i]] = PyObject_CallOneArg(args[4], number);
        Py_DECREF(number);
        if (members[values[i]] == NULL) goto fail;
    }
    Py_INCREF(args[0]);
    Py_XSETREF(plain_row_type, args[0]);
    Py_INCREF(args[1]);
    Py_XSETREF(inf_min, args[1]);
    Py_INCREF(args[2]);
    Py_XSETREF(inf_max, args[2]);
    Py_INCREF(args[3]);
    Py_XSETREF(auto_increment, args[3]);
    Py_INCREF(args[4]);
    Py_XSETREF(cell_op_type, args[4]);
    for (int i = 0; i < 5; i++) Py_XSETREF(ops[i], members[i]);
    Py_RETURN_NONE;
fail:
    for (int i = 0; i < 5; i++) Py_XDECREF(members[i]);
    return NULL;
}

/* ----------------------------------------------------- the emulator's BatchGetRow */

/* Two batch steps of the emulator's BatchGetRow (emulator/tablestore/codec.py holds
 * their pure-Python references, which these match byte for byte): the storage keys
 * of the request's PlainBuffer keys, and a table's part of the response from the
 * stored rows' PlainBuffer bytes. Anything they do not take is None: the emulator's
 * full path then answers (and raises the service's errors, in their order). */

#define KEY_TAG_INTEGER 0x10
#define KEY_TAG_STRING 0x20
#define KEY_TAG_BINARY 0x30

/* raw[0:size] in the emulator's sortable key form: each 0x00 as 00 FF, then 00 01. */
static int
key_escaped(Out *out, const uint8_t *raw, Py_ssize_t size)
{
    if (size > (PY_SSIZE_T_MAX - 2) / 2 || out_reserve(out, size * 2 + 2) < 0) return -1;
    uint8_t *p = out->data + out->size;
    for (Py_ssize_t i = 0; i < size; i++) {
        *p++ = raw[i];
        if (raw[i] == 0) *p++ = 0xFF;
    }
    *p++ = 0;
    *p++ = 1;
    out->size = p - out->data;
    return 0;
}

/* The key columns a table's storage key is made of, and that key as it is written. */
typedef struct {
    PyObject *names; /* tuple of str */
    const uint8_t *kinds;
    Py_ssize_t max_size;
    Out *out;
    Py_ssize_t columns; /* written so far */
} KeyForm;

/* KeySink of storage keys: column ``index`` must be the table's (name, type, size); its
 * storage form is appended to the KeyForm's buffer. */
static int
put_key_column(void *sink, Decoder *d, int index, PyObject *name, int kind, Py_ssize_t at, Py_ssize_t total)
{
    KeyForm *form = (KeyForm *)sink;
    if (index >= PyTuple_GET_SIZE(form->names)) {
        Py_DECREF(name);
        return MALFORMED;
    }
    int same = PyUnicode_Compare(name, PyTuple_GET_ITEM(form->names, index));
    Py_DECREF(name);
    if (same != 0) return same == -1 && PyErr_Occurred() ? ERROR : MALFORMED;
    const uint8_t *p = d->buf + at;
    uint8_t tag = form->kinds[index];
    Out *out = form->out;
    if (tag == KEY_TAG_INTEGER) {
        if (kind != VT_INTEGER) return MALFORMED;
        if (out_reserve(out, 9) < 0) return ERROR;
        out->data[out->size++] = KEY_TAG_INTEGER;
        uint64_t biased = read_u64(p) ^ ((uint64_t)1 << 63);
        for (int shift = 56; shift >= 0; shift -= 8) out->data[out->size++] = (uint8_t)(biased >> shift);
        form->columns++;
        return OK;
    }
    if (!(tag == KEY_TAG_STRING && kind == VT_STRING) && !(tag == KEY_TAG_BINARY && kind == VT_BLOB)) {
        return MALFORMED;
    }
    Py_ssize_t size = total - 5;
    if ((Py_ssize_t)read_u32(p) != size || size > form->max_size) return MALFORMED;
    if (kind == VT_STRING) { /* UTF-8 as the decoder requires it */
        PyObject *text = decode_text(p + 4, size);
        if (text == NULL) return PyErr_Occurred() ? ERROR : MALFORMED;
        Py_DECREF(text);
    }
    if (out_reserve(out, 1) < 0) return ERROR;
    out->data[out->size++] = tag;
    if (key_escaped(out, p + 4, size) < 0) return ERROR;
    form->columns++;
    return OK;
}

/* The storage key of one PlainBuffer key buffer: OK (a new bytearray in *key), MALFORMED
 * (not a well-formed key of the table: None for the whole call) or ERROR. ``d`` is
 * shared by the call's buffers (its name slots point into earlier ones, all alive);
 * the key is written in ``form``'s buffer, which is emptied first. */
static int
storage_key(Decoder *d, PyObject *buffer, KeyForm *form, PyObject **key)
{
    if (!PyBytes_CheckExact(buffer)) return MALFORMED;
    d->buf = (const uint8_t *)PyBytes_AS_STRING(buffer);
    d->end = PyBytes_GET_SIZE(buffer);
    if (d->end <= 5 || memcmp(d->buf, "\x75\x00\x00\x00", 4) != 0 || d->buf[4] != TAG_ROW_PK) return MALFORMED;
    Py_ssize_t pos = 5;
    uint8_t row_crc = 0;
    form->out->size = 0;
    form->columns = 0;
    int status = read_primary_key(d, &pos, put_key_column, form, &row_crc);
    if (status != OK) return status;
    /* every column, then the rest of a row as the decoder takes it (cells, if any, are ignored) */
    PyObject *cells = PyList_New(0);
    if (cells == NULL) return ERROR;
    int deleted;
    status = read_row_end(d, &pos, cells, row_crc, &deleted);
    Py_DECREF(cells);
    if (status != OK) return status;
    if (pos != d->end || form->columns != PyTuple_GET_SIZE(form->names)) return MALFORMED;
    *key = PyByteArray_FromStringAndSize((const char *)form->out->data, form->out->size);
    return *key == NULL ? ERROR : OK;
}

/* storage_keys(buffers, names: tuple[str], kinds: bytes, max_size: int) -> list[bytearray] | None
 *
 * The storage keys of PlainBuffer key buffers when each holds one row whose primary
 * key has the columns ``names`` in order, with values of the types ``kinds`` (one key
 * tag byte per column: 0x10 INTEGER, 0x20 STRING, 0x30 BINARY) of at most ``max_size``
 * bytes; else None. Bytearrays: sqlite3 binds them without the adapter lookup of bytes. */
static PyObject *
pb_storage_keys(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (check_configured() < 0) return NULL;
    if (nargs != 4 || !PyTuple_CheckExact(args[1]) || !PyBytes_CheckExact(args[2]) ||
        PyBytes_GET_SIZE(args[2]) != PyTuple_GET_SIZE(args[1]) || !PyLong_CheckExact(args[3])) {
        PyErr_SetString(PyExc_TypeError, "storage_keys(buffers, names: tuple, kinds: bytes, max_size: int)");
        return NULL;
    }
    PyObject *names = args[1];
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(names); i++) {
        if (!PyUnicode_CheckExact(PyTuple_GET_ITEM(names, i))) {
            PyErr_SetString(PyExc_TypeError, "storage_keys: names must be str");
            return NULL;
        }
    }
    Py_ssize_t max_size = PyLong_AsSsize_t(args[3]);
    if (max_size == -1 && PyErr_Occurred()) return NULL;
    PyObject *buffers = PySequence_Fast(args[0], "storage_keys: buffers must be a sequence");
    if (buffers == NULL) return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(buffers);
    PyObject *keys = PyList_New(count);
    if (keys == NULL) {
        Py_DECREF(buffers);
        return NULL;
    }
    Out out = {NULL, 0, 0};
    KeyForm form = {names, (const uint8_t *)PyBytes_AS_STRING(args[2]), max_size, &out, 0};
    Decoder d;
    memset(&d, 0, sizeof d);
    d.verify = 1;
    int status = OK;
    for (Py_ssize_t i = 0; i < count && status == OK; i++) {
        PyObject *key = NULL;
        status = storage_key(&d, PySequence_Fast_GET_ITEM(buffers, i), &form, &key);
        if (status == OK) PyList_SET_ITEM(keys, i, key);
    }
    decoder_clear(&d);
    PyMem_Free(out.data);
    Py_DECREF(buffers);
    if (status == OK) return keys;
    Py_DECREF(keys);
    if (status == ERROR) return NULL;
    Py_RETURN_NONE;
}

static Py_ssize_t
varint_size(uint64_t value)
{
    Py_ssize_t size = 1;
    while (value > 0x7F) {
        value >>= 7;
        size++;
    }
    return size;
}

static void
put_varint(Out *out, uint64_t value) /* room already reserved */
{
    while (value > 0x7F) {
        out->data[out->size++] = (uint8_t)((value & 0x7F) | 0x80);
        value >>= 7;
    }
    out->data[out->size++] = (uint8_t)value;
}

/* One row of a table's part: its capacity's read units and the stored bytes (NULL: absent). */
typedef struct {
    uint64_t read;
    int found;
    const char *wire; /* inside the found bytes (wire_size of them) */
    Py_ssize_t wire_size;
} BatchRow;

/* Bytes of a row entry's fields after its tag and length: is_ok, consumed, row. */
static Py_ssize_t
row_entry_size(const BatchRow *row)
{
    Py_ssize_t units = 1 + varint_size(row->read) + 2;  /* read (1), write (2) = 0 */
    Py_ssize_t consumed = 1 + varint_size((uint64_t)units) + units;
    Py_ssize_t data = row->found ? 4 + row->wire_size : 0;
    return 2 + 1 + varint_size((uint64_t)consumed) + consumed + 1 + varint_size((uint64_t)data) + data;
}

/* The next integer of a comma-separated decimal list (SQLite's group_concat of integers):
 * ``-``? digits, then a comma or the end. 0 and the value on success, -1 if malformed or
 * past the int64 range. */
static int
next_listed(const char **at, const char *end, long long *value)
{
    const char *p = *at;
    int negative = p < end && *p == '-';
    if (negative) p++;
    if (p == end || *p < '0' || *p > '9') return -1;
    unsigned long long magnitude = 0;
    while (p < end && *p >= '0' && *p <= '9') {
        unsigned digit = (unsigned)(*p++ - '0');
        if (magnitude > (9223372036854775808ULL - digit) / 10) return -1;
        magnitude = magnitude * 10 + digit;
    }
    if (!negative && magnitude > 9223372036854775807ULL) return -1;
    if (p < end) {
        if (*p != ',') return -1;
        p++;
        if (p == end) return -1; /* a trailing comma */
    }
    *value = negative ? (long long)(0 - magnitude) : (long long)magnitude;
    *at = p;
    return 0;
}

/* batch_rows(name: str, count: int, found: FoundWires, cu_bytes: int) -> bytes | None
 *
 * A TableInBatchGetRowResponse field (its tag, length and message) for ``count`` keys from
 * ``found``, the keys found as one SQLite row: (positions, lengths, sizes, wires), three
 * aligned comma-separated integer lists and the serving bytes concatenated (all None: no
 * key found; wires None: none serves). A key found is its bytes under the PlainBuffer header
 * with max(1, ceil(size / cu_bytes)) read units, a key not found empty with 1. None when a
 * key found has no bytes that serve (length -1: it must be re-encoded). TypeError /
 * ValueError on malformed lists, a position out of range or lengths that do not add up. */
static PyObject *
pb_batch_rows(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyUnicode_CheckExact(args[0]) || !PyLong_CheckExact(args[1]) ||
        !PyTuple_CheckExact(args[2]) || PyTuple_GET_SIZE(args[2]) != 4 || !PyLong_CheckExact(args[3])) {
        PyErr_SetString(PyExc_TypeError, "batch_rows(name: str, count: int, found: tuple, cu_bytes: int)");
        return NULL;
    }
    int overflow;
    long long count = PyLong_AsLongLongAndOverflow(args[1], &overflow);
    long long cu_bytes = PyLong_AsLongLong(args[3]);
    if (cu_bytes == -1 && PyErr_Occurred()) return NULL;
    if (overflow || count < 0 || count > PY_SSIZE_T_MAX / (Py_ssize_t)sizeof(BatchRow) || cu_bytes <= 0) {
        PyErr_SetString(PyExc_ValueError, "batch_rows: count out of range or cu_bytes zero or less");
        return NULL;
    }
    Py_ssize_t name_size;
    const char *name = PyUnicode_AsUTF8AndSize(args[0], &name_size);
    if (name == NULL) return NULL;
    PyObject *found = args[2], *wires = PyTuple_GET_ITEM(found, 3);
    for (int i = 0; i < 4; i++) {
        PyObject *item = PyTuple_GET_ITEM(found, i);
        if (item != Py_None && !(i < 3 ? PyUnicode_CheckExact(item) : PyBytes_CheckExact(item))) {
            PyErr_SetString(PyExc_TypeError, "batch_rows: found is (str, str, str, bytes) or Nones");
            return NULL;
        }
    }
    const char *lists[3], *ends[3];
    for (int i = 0; i < 3; i++) { /* SQLite's lists: ASCII, never empty */
        PyObject *text = PyTuple_GET_ITEM(found, i);
        lists[i] = ends[i] = NULL;
        if (text == Py_None) continue;
        if (!PyUnicode_IS_ASCII(text) || PyUnicode_GET_LENGTH(text) == 0) {
            PyErr_SetString(PyExc_ValueError, "batch_rows: the found lists are malformed or unaligned");
            return NULL;
        }
        lists[i] = (const char *)PyUnicode_DATA(text);
        ends[i] = lists[i] + PyUnicode_GET_LENGTH(text);
    }
    if ((lists[0] == NULL) != (lists[1] == NULL) || (lists[0] == NULL) != (lists[2] == NULL) ||
        (lists[0] == NULL && wires != Py_None)) {
        PyErr_SetString(PyExc_ValueError, "batch_rows: the found lists are all None or none is");
        return NULL;
    }
    const char *wire = wires == Py_None ? NULL : PyBytes_AS_STRING(wires);
    Py_ssize_t wire_left = wires == Py_None ? 0 : PyBytes_GET_SIZE(wires);
    PyObject *result = NULL;
    Out out = {NULL, 0, 0};
    BatchRow *batch = PyMem_Calloc(count ? (size_t)count : 1, sizeof(BatchRow));
    if (batch == NULL) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < count; i++) batch[i].read = 1;
    int serves = 1;
    while (lists[0] != NULL && lists[0] < ends[0]) {
        long long position, length, bytes;
        if (next_listed(&lists[0], ends[0], &position) < 0 || next_listed(&lists[1], ends[1], &length) < 0 ||
            next_listed(&lists[2], ends[2], &bytes) < 0) {
            PyErr_SetString(PyExc_ValueError, "batch_rows: the found lists are malformed or unaligned");
            goto done;
        }
        if (position < 0 || position >= count) {
            PyErr_SetString(PyExc_ValueError, "batch_rows: a row's position is out of range");
            goto done;
        }
        if (length < -1 || length > wire_left || bytes < 0) {
            PyErr_SetString(PyExc_ValueError, "batch_rows: a row's length or size is out of range");
            goto done;
        }
        if (length == -1) {
            serves = 0; /* its bytes are not stored: the full path answers (after the lists are checked) */
            continue;
        }
        batch[position].read = bytes > cu_bytes ? (uint64_t)((bytes + cu_bytes - 1) / cu_bytes) : 1;
        batch[position].found = 1;
        batch[position].wire = wire;
        batch[position].wire_size = (Py_ssize_t)length;
        wire += length;
        wire_left -= length;
    }
    if ((lists[0] != NULL && (lists[1] != ends[1] || lists[2] != ends[2])) || wire_left != 0) {
        PyErr_SetString(PyExc_ValueError, "batch_rows: the found lists or bytes do not add up");
        goto done;
    }
    if (!serves) {
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    Py_ssize_t body = 1 + varint_size((uint64_t)name_size) + name_size;
    for (Py_ssize_t i = 0; i < count; i++) {
        Py_ssize_t entry = row_entry_size(&batch[i]);
        body += 1 + varint_size((uint64_t)entry) + entry;
    }
    if (out_reserve(&out, 1 + varint_size((uint64_t)body) + body) < 0) goto done;
    out.data[out.size++] = 0x0A; /* tables (1) */
    put_varint(&out, (uint64_t)body);
    out.data[out.size++] = 0x0A; /* table_name (1) */
    put_varint(&out, (uint64_t)name_size);
    memcpy(out.data + out.size, name, (size_t)name_size);
    out.size += name_size;
    for (Py_ssize_t i = 0; i < count; i++) {
        const BatchRow *row = &batch[i];
        Py_ssize_t units = 1 + varint_size(row->read) + 2;
        Py_ssize_t consumed = 1 + varint_size((uint64_t)units) + units;
        Py_ssize_t data = row->found ? 4 + row->wire_size : 0;
        out.data[out.size++] = 0x12; /* rows (2) */
        put_varint(&out, (uint64_t)row_entry_size(row));
        out.data[out.size++] = 0x08; /* is_ok (1) = true */
        out.data[out.size++] = 0x01;
        out.data[out.size++] = 0x1A; /* consumed (3) */
        put_varint(&out, (uint64_t)consumed);
        out.data[out.size++] = 0x0A; /* capacity_unit (1) */
        put_varint(&out, (uint64_t)units);
        out.data[out.size++] = 0x08; /* read (1) */
        put_varint(&out, row->read);
        out.data[out.size++] = 0x10; /* write (2) = 0 */
        out.data[out.size++] = 0x00;
        out.data[out.size++] = 0x22; /* row (4) */
        put_varint(&out, (uint64_t)data);
        if (row->found) {
            memcpy(out.data + out.size, "\x75\x00\x00\x00", 4);
            if (row->wire_size) memcpy(out.data + out.size + 4, row->wire, (size_t)row->wire_size);
            out.size += data;
        }
    }
    result = PyBytes_FromStringAndSize((const char *)out.data, out.size);
done:
    PyMem_Free(batch);
    PyMem_Free(out.data);
    return result;
}

static PyMethodDef methods[] = {
    {"configure", (PyCFunction)(void (*)(void))pb_configure, METH_FASTCALL,
     "configure(PlainRow, INF_MIN, INF_MAX, AUTO_INCREMENT, CellOp): the objects to return."},
    {"decode", (PyCFunction)(void (*)(void))pb_decode, METH_FASTCALL,
     "decode(data, single, verify, columns) -> list of rows, or NotImplemented if malformed."},
    {"encode_row", (PyCFunction)(void (*)(void))pb_encode_row, METH_FASTCALL,
     "encode_row(primary_key, cells, shape, deleted) -> bytes, or NotImplemented."},
    {"encode_rows", (PyCFunction)pb_encode_rows, METH_O,
     "encode_rows(rows) -> bytes, or NotImplemented."},
    {"storage_keys", (PyCFunction)(void (*)(void))pb_storage_keys, METH_FASTCALL,
     "storage_keys(buffers, names, kinds, max_size) -> the emulator's storage keys, or None."},
    {"batch_rows", (PyCFunction)(void (*)(void))pb_batch_rows, METH_FASTCALL,
     "batch_rows(name, count, found, cu_bytes) -> a BatchGetRow response's table, or None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "_plainbuffer",
    "Compiled PlainBuffer codec; plainbuffer.py is the interface and the reference.",
    -1,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC
PyInit__plainbuffer(void)
{
    make_crc_table();
    return PyModule_Create(&module_def);
}
