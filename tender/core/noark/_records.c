/* SAX2 callbacks that turn libxml2's validating parse into compact records of the units a content
 * handler asked for, so that the content checks need no second parse of the file.
 *
 * tender.core.noark.libxml2 runs xmlSchemaValidateStream on a worker thread with these functions as the
 * user's SAX handler (the schema validator forwards every event to them). They run in C, without the
 * GIL, once per element; Python sees one record per unit ("mappe", "registrering", ...) when it calls
 * Recorder.take() on its own thread. A record carries what the checks read: the unit's start line, its
 * xsi:type, its parent, how many child elements it had, whether it held text, and the text and line of
 * each child the handler asked for ("systemID", "saksstatus", ...).
 *
 * The libxml2 functions we need (the parser context of the validation, its line number) come in as
 * function pointers from the library the ctypes side loaded, so this file needs no libxml2 headers: only
 * the SAX2 callback signatures, which are part of libxml2's stable ABI.
 *
 * Memory: the stack holds one entry per open element (libxml2 limits the depth); captured texts are
 * cut at TEXT_CAP bytes and a unit keeps at most FIELD_CAP children; records wait in `out` only until
 * the next take(), and the caller bounds how far the parser may run ahead of it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

typedef unsigned char xmlChar;
typedef void *(*get_parser_fn)(void *vctxt);
typedef int (*get_line_fn)(void *pctxt);

#define NAME_COPY 128
#define CACHE_SIZE 64
/* children kept per unit: a hostile unit with millions of repeated children must not grow memory
 * (real units repeat a child a handful of times; libxml2 still validates every one) */
#define FIELD_CAP 10000
#define TEXT_CAP (64 * 1024)
static const char XSI_NS[] = "http://www.w3.org/2001/XMLSchema-instance";

/* ------------------------------------------------------------------ growable byte buffer */

typedef struct {
    char *data;
    size_t len, cap;
} Buf;

static int buf_reserve(Buf *b, size_t extra) {
    if (b->len + extra <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (p == NULL)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static int buf_put(Buf *b, const void *src, size_t n) {
    if (buf_reserve(b, n) < 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, src, n);
    b->len += n;
    return 0;
}

static int put_u32(Buf *b, uint32_t v) { return buf_put(b, &v, sizeof v); }

static int put_u64(Buf *b, uint64_t v) { return buf_put(b, &v, sizeof v); }

static int put_str(Buf *b, const char *s, size_t n) {
    if (put_u32(b, (uint32_t)n) < 0)
        return -1;
    return buf_put(b, s, n);
}

/* ------------------------------------------------------------------ configured names */

typedef struct {
    char *uri;
    char *local;
} Name;

/* a "light" unit's record is skipped (only counted) when every child it captured holds an allowed value */
typedef struct {
    int n; /* -1: a child in this slot always makes a record */
    char **values;
    size_t *lens;
} Allowed;

typedef struct {
    int n_slots;
    Allowed *slots;
} Light;

typedef struct {
    int name;     /* configured name id, or -1 */
    int unit;     /* unit index, or -1 */
    int slot;     /* slot in the parent unit when its text is captured, else -1 */
    uint32_t line, n_children;
    uint64_t serial; /* element number in document order: 64 bits, a file may hold billions */
    int has_text; /* direct text other than XML white space */
    int any_text; /* any direct character data at all (white space included) */
    int capture;  /* still collecting text (until the first child element) */
    size_t local_len, xsi_len;
    char local[NAME_COPY];
    char xsi[NAME_COPY]; /* local part of xsi:type */
    Buf text;            /* captured text (fields) */
    Buf fields;          /* units: encoded (slot, line, text) of their captured children */
    uint32_t n_fields;
    Buf empties;         /* units: encoded (local, line) of child leaves without text */
    uint32_t n_empties;
} Entry;

typedef struct {
    PyObject_HEAD
    /* configuration (set once, read by the worker) */
    Name *names;
    int n_names;
    int *table; /* open addressing over local names: name id + 1, 0 = free */
    size_t table_size;
    int *unit_of; /* name id -> unit index or -1 */
    int n_units;
    int *slot_of; /* unit * n_names + name id -> slot or -1 */
    int *n_slots; /* unit -> how many child names it asked for */
    Light **light; /* unit -> its allowed values, or NULL: every occurrence gets a record */
    uint64_t *skipped; /* unit -> occurrences counted without a record (parse thread; read after it) */
    int empty_leaves; /* 0: none; 1: child leaves without text; 2: only those holding white space */
    /* the parse (worker thread) */
    void *vctxt, *pctxt;
    get_parser_fn get_parser;
    get_line_fn get_line;
    Entry *stack;
    size_t depth, stack_cap;
    uint64_t serial;
    int failed; /* out of memory: records stop, take() raises */
    int has_closed;
    uint32_t closed_line;
    size_t closed_local_len, closed_xsi_len;
    char closed_local[NAME_COPY];
    char closed_xsi[NAME_COPY];
    /* records handed over to take() */
    pthread_mutex_t lock;
    Buf out;
    uint32_t n_out;
    /* take() only (holds the GIL): the same few names come back in every record */
    struct {
        size_t len;
        char bytes[NAME_COPY];
        PyObject *obj;
    } names_seen[CACHE_SIZE];
} Recorder;

static uint64_t hash_str(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL;
    }
    return h;
}

static int lookup(Recorder *r, const xmlChar *local, const xmlChar *uri) {
    if (r->table_size == 0 || local == NULL)
        return -1;
    const char *l = (const char *)local;
    const char *u = uri ? (const char *)uri : "";
    size_t mask = r->table_size - 1;
    for (size_t i = hash_str(l) & mask;; i = (i + 1) & mask) {
        int v = r->table[i];
        if (v == 0)
            return -1;
        Name *n = &r->names[v - 1];
        if (strcmp(n->local, l) == 0 && strcmp(n->uri, u) == 0)
            return v - 1;
    }
}

static void copy_name(char *dst, size_t *dst_len, const char *src, size_t n) {
    if (n > NAME_COPY)
        n = NAME_COPY;
    memcpy(dst, src, n);
    *dst_len = n;
}

static int is_space(xmlChar c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* ------------------------------------------------------------------ SAX2 callbacks (worker thread) */

typedef struct {
    const char *p, *end;
} Reader;

static int rd_u32(Reader *rd, uint32_t *v) {
    if (rd->end - rd->p < 4)
        return -1;
    memcpy(v, rd->p, 4);
    rd->p += 4;
    return 0;
}

static int rd_u64(Reader *rd, uint64_t *v) {
    if (rd->end - rd->p < 8)
        return -1;
    memcpy(v, rd->p, 8);
    rd->p += 8;
    return 0;
}

static int rd_bytes(Reader *rd, const char **s, uint32_t *n) {
    if (rd_u32(rd, n) < 0 || (size_t)(rd->end - rd->p) < *n)
        return -1;
    *s = rd->p;
    rd->p += *n;
    return 0;
}

/* whether the unit's record can be left out: a light unit, not empty, no empty children, each child it
 * captured present once and holding (after XML white space is trimmed) one of the allowed values */
static int can_skip(Recorder *r, Entry *e) {
    Light *l = r->light != NULL ? r->light[e->unit] : NULL;
    if (l == NULL || e->n_empties || (e->n_children == 0 && !e->has_text))
        return 0;
    uint64_t seen = 0;
    Reader rd = {e->fields.data, e->fields.data + e->fields.len};
    for (uint32_t i = 0; i < e->n_fields; i++) {
        uint32_t slot, line, n;
        const char *s;
        if (rd_u32(&rd, &slot) < 0 || rd_u32(&rd, &line) < 0 || rd_bytes(&rd, &s, &n) < 0)
            return 0;
        if (slot >= 64 || (int)slot >= l->n_slots || ((seen >> slot) & 1))
            return 0;
        seen |= (uint64_t)1 << slot;
        Allowed *a = &l->slots[slot];
        while (n && is_space((xmlChar)*s)) {
            s++;
            n--;
        }
        while (n && is_space((xmlChar)s[n - 1]))
            n--;
        int ok = 0;
        for (int k = 0; n && k < a->n && !ok; k++)
            ok = a->lens[k] == n && memcmp(a->values[k], s, n) == 0;
        if (!ok)
            return 0;
    }
    return 1;
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
                     const xmlChar **attributes) {
    (void)prefix; (void)nb_namespaces; (void)namespaces; (void)nb_defaulted;
    Recorder *r = (Recorder *)ctx;
    if (r->failed)
        return;
    if (r->pctxt == NULL && r->get_parser != NULL)
        r->pctxt = r->get_parser(r->vctxt);
    uint32_t line = (r->pctxt && r->get_line) ? (uint32_t)r->get_line(r->pctxt) : 0;
    if (r->depth == r->stack_cap) {
        size_t cap = r->stack_cap ? r->stack_cap * 2 : 64;
        Entry *s = realloc(r->stack, cap * sizeof(Entry));
        if (s == NULL) {
            r->failed = 1;
            return;
        }
        memset(s + r->stack_cap, 0, (cap - r->stack_cap) * sizeof(Entry));
        r->stack = s;
        r->stack_cap = cap;
    }
    Entry *parent = r->depth ? &r->stack[r->depth - 1] : NULL;
    if (parent != NULL) {
        parent->n_children++;
        parent->capture = 0; /* like lxml's .text: only the text before the first child */
    }
    Entry *e = &r->stack[r->depth++];
    e->name = lookup(r, localname, uri);
    e->unit = e->name >= 0 ? r->unit_of[e->name] : -1;
    e->slot = (parent != NULL && parent->unit >= 0 && e->name >= 0)
                  ? r->slot_of[(size_t)parent->unit * (size_t)r->n_names + (size_t)e->name]
                  : -1;
    e->line = line;
    e->serial = ++r->serial;
    e->n_children = 0;
    e->has_text = 0;
    e->any_text = 0;
    e->capture = e->slot >= 0;
    e->text.len = 0;
    e->fields.len = 0;
    e->n_fields = 0;
    e->empties.len = 0;
    e->n_empties = 0;
    copy_name(e->local, &e->local_len, (const char *)localname, strlen((const char *)localname));
    e->xsi_len = 0;
    for (int i = 0; i < nb_attributes; i++) {
        const xmlChar **a = attributes + 5 * i;
        if (a[2] != NULL && strcmp((const char *)a[0], "type") == 0 && strcmp((const char *)a[2], XSI_NS) == 0) {
            const char *v = (const char *)a[3], *end = (const char *)a[4];
            while (v < end && is_space((xmlChar)*v))
                v++;
            while (end > v && is_space((xmlChar)end[-1]))
                end--;
            const char *colon = NULL;
            for (const char *p = v; p < end; p++)
                if (*p == ':')
                    colon = p;
            if (colon != NULL)
                v = colon + 1;
            copy_name(e->xsi, &e->xsi_len, v, (size_t)(end - v));
        }
    }
}

static void on_text(void *ctx, const xmlChar *ch, int len) {
    Recorder *r = (Recorder *)ctx;
    if (r->failed || r->depth == 0 || len <= 0)
        return;
    Entry *e = &r->stack[r->depth - 1];
    e->any_text = 1;
    if (!e->has_text) {
        for (int i = 0; i < len; i++)
            if (!is_space(ch[i])) {
                e->has_text = 1;
                break;
            }
    }
    if (e->capture && e->text.len < TEXT_CAP) {
        size_t n = (size_t)len;
        if (n > TEXT_CAP - e->text.len)
            n = TEXT_CAP - e->text.len;
        if (buf_put(&e->text, ch, n) < 0)
            r->failed = 1;
    }
}

static int emit(Recorder *r, Entry *e, Entry *parent) {
    Buf *b = &r->out;
    int bad = 0;
    pthread_mutex_lock(&r->lock);
    bad |= put_u32(b, (uint32_t)e->unit);
    bad |= put_u64(b, e->serial);
    bad |= put_u32(b, e->line);
    bad |= put_u64(b, parent ? parent->serial : 0);
    bad |= put_u32(b, e->n_children);
    bad |= put_u32(b, (uint32_t)e->has_text);
    bad |= put_str(b, e->xsi, e->xsi_len);
    bad |= put_str(b, parent ? parent->local : "", parent ? parent->local_len : 0);
    bad |= put_str(b, parent ? parent->xsi : "", parent ? parent->xsi_len : 0);
    bad |= put_u32(b, e->n_fields);
    bad |= buf_put(b, e->fields.data, e->fields.len);
    bad |= put_u32(b, e->n_empties);
    bad |= buf_put(b, e->empties.data, e->empties.len);
    if (!bad)
        r->n_out++;
    pthread_mutex_unlock(&r->lock);
    return bad ? -1 : 0;
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri) {
    (void)localname; (void)prefix; (void)uri;
    Recorder *r = (Recorder *)ctx;
    if (r->failed || r->depth == 0)
        return;
    Entry *e = &r->stack[r->depth - 1];
    Entry *parent = r->depth > 1 ? &r->stack[r->depth - 2] : NULL;
    if (parent != NULL && parent->unit >= 0) {
        if (e->slot >= 0 && parent->n_fields < FIELD_CAP) {
            if (put_u32(&parent->fields, (uint32_t)e->slot) < 0 || put_u32(&parent->fields, e->line) < 0 ||
                put_str(&parent->fields, e->text.data ? e->text.data : "", e->text.len) < 0)
                r->failed = 1;
            parent->n_fields++;
        }
        /* mode 2 leaves out elements with no character data at all (<x/>, <x></x>): a schema whose
         * strings have minLength 1 refuses those already, but not white space */
        if (r->empty_leaves && e->n_children == 0 && !e->has_text && (r->empty_leaves == 1 || e->any_text) &&
            parent->n_empties < FIELD_CAP) {
            if (put_str(&parent->empties, e->local, e->local_len) < 0 || put_u32(&parent->empties, e->line) < 0)
                r->failed = 1;
            parent->n_empties++;
        }
    }
    if (e->unit >= 0 && !r->failed) {
        if (can_skip(r, e))
            r->skipped[e->unit]++;
        else if (emit(r, e, parent) < 0)
            r->failed = 1;
    }
    r->has_closed = 1;
    r->closed_line = e->line;
    memcpy(r->closed_local, e->local, e->local_len);
    r->closed_local_len = e->local_len;
    memcpy(r->closed_xsi, e->xsi, e->xsi_len);
    r->closed_xsi_len = e->xsi_len;
    r->depth--;
}

/* ------------------------------------------------------------------ Python side */

static void free_config(Recorder *r) {
    for (int i = 0; i < r->n_names; i++) {
        free(r->names[i].uri);
        free(r->names[i].local);
    }
    free(r->names);
    free(r->table);
    free(r->unit_of);
    free(r->slot_of);
    free(r->n_slots);
    for (int u = 0; r->light != NULL && u < r->n_units; u++)
        if (r->light[u] != NULL) {
            for (int k = 0; k < r->light[u]->n_slots; k++) {
                Allowed *a = &r->light[u]->slots[k];
                for (int v = 0; v < a->n; v++)
                    free(a->values[v]);
                free(a->values);
                free(a->lens);
            }
            free(r->light[u]->slots);
            free(r->light[u]);
        }
    free(r->light);
    free(r->skipped);
    r->light = NULL;
    r->skipped = NULL;
    r->n_units = 0;
    r->names = NULL;
    r->table = NULL;
    r->unit_of = NULL;
    r->slot_of = NULL;
    r->n_slots = NULL;
    r->n_names = 0;
    r->table_size = 0;
}

static void Recorder_dealloc(Recorder *r) {
    free_config(r);
    for (int i = 0; i < CACHE_SIZE; i++)
        Py_XDECREF(r->names_seen[i].obj);
    for (size_t i = 0; i < r->stack_cap; i++) {
        free(r->stack[i].text.data);
        free(r->stack[i].fields.data);
        free(r->stack[i].empties.data);
    }
    free(r->stack);
    free(r->out.data);
    pthread_mutex_destroy(&r->lock);
    Py_TYPE(r)->tp_free((PyObject *)r);
}

static int split_clark(PyObject *tag, char **uri, char **local) {
    const char *s = PyUnicode_AsUTF8(tag);
    if (s == NULL)
        return -1;
    const char *u = "", *l = s;
    size_t ulen = 0;
    if (s[0] == '{') {
        const char *close = strchr(s, '}');
        if (close == NULL) {
            PyErr_Format(PyExc_ValueError, "not a Clark name: %s", s);
            return -1;
        }
        u = s + 1;
        ulen = (size_t)(close - s - 1);
        l = close + 1;
    }
    *uri = malloc(ulen + 1);
    *local = strdup(l);
    if (*uri == NULL || *local == NULL) {
        free(*uri);
        free(*local);
        PyErr_NoMemory();
        return -1;
    }
    memcpy(*uri, u, ulen);
    (*uri)[ulen] = 0;
    return 0;
}

/* the id of a Clark name, adding it to the table when new (the table is rebuilt after all are known) */
static int name_id(Recorder *r, PyObject *tag) {
    char *uri, *local;
    if (split_clark(tag, &uri, &local) < 0)
        return -1;
    for (int i = 0; i < r->n_names; i++)
        if (strcmp(r->names[i].local, local) == 0 && strcmp(r->names[i].uri, uri) == 0) {
            free(uri);
            free(local);
            return i;
        }
    Name *n = realloc(r->names, (size_t)(r->n_names + 1) * sizeof(Name));
    if (n == NULL) {
        free(uri);
        free(local);
        PyErr_NoMemory();
        return -1;
    }
    r->names = n;
    r->names[r->n_names].uri = uri;
    r->names[r->n_names].local = local;
    return r->n_names++;
}

/* the allowed values of unit ``u``: {slot: [values]}; slots not listed always make a record */
static int set_light(Recorder *r, int u, PyObject *mapping) {
    Light *l = calloc(1, sizeof(Light));
    if (l == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    r->light[u] = l; /* freed by free_config from here on, whatever happens below */
    l->n_slots = r->n_slots[u];
    l->slots = calloc((size_t)(l->n_slots ? l->n_slots : 1), sizeof(Allowed));
    if (l->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (int k = 0; k < l->n_slots; k++)
        l->slots[k].n = -1;
    PyObject *key, *values;
    Py_ssize_t pos = 0;
    while (PyDict_Next(mapping, &pos, &key, &values)) {
        long slot = PyLong_AsLong(key);
        if (slot == -1 && PyErr_Occurred())
            return -1;
        if (slot < 0 || slot >= l->n_slots) {
            PyErr_Format(PyExc_ValueError, "slot %ld out of range", slot);
            return -1;
        }
        PyObject *seq = PySequence_Fast(values, "allowed values must be a sequence of strings");
        if (seq == NULL)
            return -1;
        Allowed *a = &l->slots[slot];
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        a->values = calloc((size_t)n + 1, sizeof(char *));
        a->lens = calloc((size_t)n + 1, sizeof(size_t));
        a->n = 0;
        if (a->values == NULL || a->lens == NULL) {
            Py_DECREF(seq);
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t v = 0; v < n; v++) {
            Py_ssize_t len;
            const char *text = PyUnicode_AsUTF8AndSize(PySequence_Fast_GET_ITEM(seq, v), &len);
            if (text == NULL || (a->values[v] = malloc((size_t)len + 1)) == NULL) {
                Py_DECREF(seq);
                if (text != NULL)
                    PyErr_NoMemory();
                return -1;
            }
            memcpy(a->values[v], text, (size_t)len + 1);
            a->lens[v] = (size_t)len;
            a->n++;
        }
        Py_DECREF(seq);
    }
    return 0;
}

static int Recorder_init(Recorder *r, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"units", "empty_leaves", NULL};
    PyObject *units;
    int empty_leaves = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|i", kwlist, &units, &empty_leaves))
        return -1;
    if (empty_leaves < 0 || empty_leaves > 2) {
        PyErr_SetString(PyExc_ValueError, "empty_leaves must be 0, 1 or 2");
        return -1;
    }
    PyObject *seq = PySequence_Fast(units, "units must be a sequence of (tag, [child tags])");
    if (seq == NULL)
        return -1;
    free_config(r);
    r->empty_leaves = empty_leaves;
    Py_ssize_t n_units = PySequence_Fast_GET_SIZE(seq);
    int *unit_name = calloc((size_t)n_units + 1, sizeof(int));
    PyObject **children = calloc((size_t)n_units + 1, sizeof(PyObject *));
    PyObject **allowed = calloc((size_t)n_units + 1, sizeof(PyObject *)); /* borrowed */
    int ok = unit_name != NULL && children != NULL && allowed != NULL;
    if (!ok)
        PyErr_NoMemory();
    for (Py_ssize_t i = 0; ok && i < n_units; i++) {
        PyObject *tag, *kids, *light = Py_None;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(seq, i), "UO|O;a unit is (tag, [child tags], allowed values)",
                              &tag, &kids, &light)) {
            ok = 0;
            break;
        }
        if (light != Py_None && !PyDict_Check(light)) {
            PyErr_SetString(PyExc_TypeError, "allowed values must be None or a dict {slot: [values]}");
            ok = 0;
            break;
        }
        allowed[i] = light;
        unit_name[i] = name_id(r, tag);
        children[i] = PySequence_Fast(kids, "child tags must be a sequence");
        ok = unit_name[i] >= 0 && children[i] != NULL;
        for (Py_ssize_t j = 0; ok && j < PySequence_Fast_GET_SIZE(children[i]); j++) {
            PyObject *child = PySequence_Fast_GET_ITEM(children[i], j);
            if (!PyUnicode_Check(child)) {
                PyErr_SetString(PyExc_TypeError, "child tags must be strings");
                ok = 0;
            } else if (name_id(r, child) < 0) {
                ok = 0;
            }
        }
    }
    if (ok) {
        r->n_units = (int)n_units;
        r->unit_of = malloc((size_t)(r->n_names ? r->n_names : 1) * sizeof(int));
        r->slot_of = malloc((size_t)(n_units ? n_units : 1) * (size_t)(r->n_names ? r->n_names : 1) * sizeof(int));
        r->table_size = 16;
        while (r->table_size < (size_t)r->n_names * 2)
            r->table_size *= 2;
        r->table = calloc(r->table_size, sizeof(int));
        r->n_slots = calloc((size_t)n_units + 1, sizeof(int));
        r->light = calloc((size_t)n_units + 1, sizeof(Light *));
        r->skipped = calloc((size_t)n_units + 1, sizeof(uint64_t));
        ok = r->unit_of != NULL && r->slot_of != NULL && r->table != NULL && r->n_slots != NULL && r->light != NULL &&
             r->skipped != NULL;
        if (!ok)
            PyErr_NoMemory();
    }
    if (ok) {
        for (int i = 0; i < r->n_names; i++)
            r->unit_of[i] = -1;
        for (size_t i = 0; i < (size_t)n_units * (size_t)r->n_names; i++)
            r->slot_of[i] = -1;
        for (Py_ssize_t i = 0; i < n_units; i++) {
            r->unit_of[unit_name[i]] = (int)i;
            r->n_slots[i] = (int)PySequence_Fast_GET_SIZE(children[i]);
            for (Py_ssize_t j = 0; j < PySequence_Fast_GET_SIZE(children[i]); j++) {
                int id = name_id(r, PySequence_Fast_GET_ITEM(children[i], j)); /* already known: no growth */
                r->slot_of[(size_t)i * (size_t)r->n_names + (size_t)id] = (int)j;
            }
            if (ok && allowed[i] != Py_None && set_light(r, (int)i, allowed[i]) < 0)
                ok = 0;
        }
        size_t mask = r->table_size - 1;
        for (int i = 0; i < r->n_names; i++) {
            size_t k = hash_str(r->names[i].local) & mask;
            while (r->table[k] != 0)
                k = (k + 1) & mask;
            r->table[k] = i + 1;
        }
    }
    for (Py_ssize_t i = 0; i < n_units; i++)
        if (children != NULL)
            Py_XDECREF(children[i]);
    free(children);
    free(allowed);
    free(unit_name);
    Py_DECREF(seq);
    if (!ok) {
        free_config(r);
        return -1;
    }
    return 0;
}

static PyObject *Recorder_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    (void)args; (void)kwds;
    Recorder *r = (Recorder *)type->tp_alloc(type, 0);
    if (r != NULL)
        pthread_mutex_init(&r->lock, NULL);
    return (PyObject *)r;
}

static PyObject *Recorder_callbacks(Recorder *r, PyObject *unused) {
    (void)unused;
    return Py_BuildValue("(KKKK)", (unsigned long long)(uintptr_t)on_start, (unsigned long long)(uintptr_t)on_end,
                         (unsigned long long)(uintptr_t)on_text, (unsigned long long)(uintptr_t)r);
}

static PyObject *Recorder_begin(Recorder *r, PyObject *args) {
    unsigned long long vctxt, get_parser, get_line;
    if (!PyArg_ParseTuple(args, "KKK", &vctxt, &get_parser, &get_line))
        return NULL;
    r->vctxt = (void *)(uintptr_t)vctxt;
    r->pctxt = NULL;
    r->get_parser = (get_parser_fn)(uintptr_t)get_parser;
    r->get_line = (get_line_fn)(uintptr_t)get_line;
    r->depth = 0;
    r->serial = 0;
    r->failed = 0;
    r->has_closed = 0;
    for (int u = 0; u < r->n_units; u++)
        r->skipped[u] = 0;
    Py_RETURN_NONE;
}

/* a new reference to the text as str */
static PyObject *rd_text(Reader *rd) {
    const char *s;
    uint32_t n;
    if (rd_bytes(rd, &s, &n) < 0)
        return NULL;
    return PyUnicode_DecodeUTF8(s, n, "replace");
}

/* a new reference to a name as str (None when empty), shared with earlier records where it can be */
static PyObject *rd_name(Recorder *r, Reader *rd) {
    const char *s;
    uint32_t n;
    if (rd_bytes(rd, &s, &n) < 0)
        return NULL;
    if (n == 0)
        Py_RETURN_NONE;
    if (n > NAME_COPY)
        return PyUnicode_DecodeUTF8(s, n, "replace");
    uint64_t h = 1469598103934665603ULL;
    for (uint32_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    size_t k = h % CACHE_SIZE;
    if (r->names_seen[k].obj != NULL && r->names_seen[k].len == n && memcmp(r->names_seen[k].bytes, s, n) == 0) {
        Py_INCREF(r->names_seen[k].obj);
        return r->names_seen[k].obj;
    }
    PyObject *obj = PyUnicode_DecodeUTF8(s, n, "replace");
    if (obj == NULL)
        return NULL;
    Py_XSETREF(r->names_seen[k].obj, obj);
    Py_INCREF(obj);
    memcpy(r->names_seen[k].bytes, s, n);
    r->names_seen[k].len = n;
    return obj;
}

static PyObject *pair(PyObject *a, PyObject *b) {
    /* steals both */
    if (a == NULL || b == NULL) {
        Py_XDECREF(a);
        Py_XDECREF(b);
        return NULL;
    }
    PyObject *t = PyTuple_New(2);
    if (t == NULL) {
        Py_DECREF(a);
        Py_DECREF(b);
        return NULL;
    }
    PyTuple_SET_ITEM(t, 0, a);
    PyTuple_SET_ITEM(t, 1, b);
    return t;
}

/* (unit, serial, line, xsi, parent serial, parent local, parent xsi, n children, has text, slots, extra,
 * empties): see records.py */
static PyObject *decode_record(Recorder *r, Reader *rd) {
    enum { N_ITEMS = 12 };
    uint32_t unit, line, n_children, has_text, n_fields, n_empties;
    uint64_t serial, parent_serial;
    if (rd_u32(rd, &unit) < 0 || rd_u64(rd, &serial) < 0 || rd_u32(rd, &line) < 0 || rd_u64(rd, &parent_serial) < 0 ||
        rd_u32(rd, &n_children) < 0 || rd_u32(rd, &has_text) < 0 || unit >= (uint32_t)r->n_units)
        return NULL;
    PyObject *rec = PyTuple_New(N_ITEMS);
    if (rec == NULL)
        return NULL;
    PyObject *item;
#define SET(i, expr)                      \
    do {                                  \
        if ((item = (expr)) == NULL)      \
            goto fail;                    \
        PyTuple_SET_ITEM(rec, (i), item); \
    } while (0)
    SET(0, PyLong_FromUnsignedLong(unit));
    SET(1, PyLong_FromUnsignedLongLong(serial));
    SET(2, PyLong_FromUnsignedLong(line));
    SET(3, rd_name(r, rd));
    SET(4, PyLong_FromUnsignedLongLong(parent_serial));
    SET(5, rd_name(r, rd));
    SET(6, rd_name(r, rd));
    SET(7, PyLong_FromUnsignedLong(n_children));
    SET(8, PyBool_FromLong(has_text));
    int n_slots = r->n_slots[unit];
    PyObject *slots = PyTuple_New(n_slots);
    if (slots == NULL)
        goto fail;
    PyTuple_SET_ITEM(rec, 9, slots);
    for (int i = 0; i < n_slots; i++) {
        Py_INCREF(Py_None);
        PyTuple_SET_ITEM(slots, i, Py_None);
    }
    PyObject *extra = NULL; /* list, made on the first repeated child */
    if (rd_u32(rd, &n_fields) < 0)
        goto fail;
    for (uint32_t i = 0; i < n_fields; i++) {
        uint32_t slot, fline;
        if (rd_u32(rd, &slot) < 0 || rd_u32(rd, &fline) < 0 || slot >= (uint32_t)n_slots)
            goto fail_extra;
        PyObject *text = rd_text(rd);
        if (text == NULL)
            goto fail_extra;
        if (PyTuple_GET_ITEM(slots, slot) == Py_None) {
            PyObject *t = pair(text, PyLong_FromUnsignedLong(fline));
            if (t == NULL)
                goto fail_extra;
            Py_DECREF(Py_None);
            PyTuple_SET_ITEM(slots, slot, t);
        } else {
            PyObject *t = PyTuple_New(3);
            if (t == NULL) {
                Py_DECREF(text);
                goto fail_extra;
            }
            PyTuple_SET_ITEM(t, 1, text);
            PyObject *a = PyLong_FromUnsignedLong(slot), *b = PyLong_FromUnsignedLong(fline);
            if (a == NULL || b == NULL) {
                Py_XDECREF(a);
                Py_XDECREF(b);
                Py_DECREF(t);
                goto fail_extra;
            }
            PyTuple_SET_ITEM(t, 0, a);
            PyTuple_SET_ITEM(t, 2, b);
            if (extra == NULL && (extra = PyList_New(0)) == NULL) {
                Py_DECREF(t);
                goto fail;
            }
            int bad = PyList_Append(extra, t);
            Py_DECREF(t);
            if (bad < 0)
                goto fail_extra;
        }
    }
    if (extra == NULL) {
        Py_INCREF(Py_None);
        PyTuple_SET_ITEM(rec, 10, Py_None);
    } else {
        PyObject *t = PyList_AsTuple(extra);
        Py_DECREF(extra);
        extra = NULL;
        if (t == NULL)
            goto fail;
        PyTuple_SET_ITEM(rec, 10, t);
    }
    if (rd_u32(rd, &n_empties) < 0)
        goto fail;
    if (n_empties == 0) {
        Py_INCREF(Py_None);
        PyTuple_SET_ITEM(rec, 11, Py_None);
    } else {
        PyObject *empties = PyTuple_New(n_empties);
        if (empties == NULL)
            goto fail;
        PyTuple_SET_ITEM(rec, 11, empties);
        for (uint32_t i = 0; i < n_empties; i++) {
            PyObject *local = rd_name(r, rd);
            uint32_t eline;
            if (local == NULL || rd_u32(rd, &eline) < 0) {
                Py_XDECREF(local);
                goto fail;
            }
            PyObject *t = pair(local, PyLong_FromUnsignedLong(eline));
            if (t == NULL)
                goto fail;
            PyTuple_SET_ITEM(empties, i, t);
        }
    }
    return rec;
#undef SET
fail_extra:
    Py_XDECREF(extra);
fail:
    Py_DECREF(rec); /* a tuple with NULL items is freed safely */
    return NULL;
}

static PyObject *Recorder_take(Recorder *r, PyObject *unused) {
    (void)unused;
    Buf buf;
    uint32_t n;
    pthread_mutex_lock(&r->lock);
    buf = r->out;
    n = r->n_out;
    r->out.data = NULL;
    r->out.len = r->out.cap = 0;
    r->n_out = 0;
    pthread_mutex_unlock(&r->lock);
    if (r->failed) {
        free(buf.data);
        return PyErr_NoMemory();
    }
    PyObject *list = PyList_New(n);
    if (list == NULL) {
        free(buf.data);
        return NULL;
    }
    Reader rd = {buf.data, buf.data + buf.len};
    for (uint32_t i = 0; i < n; i++) {
        PyObject *rec = decode_record(r, &rd);
        if (rec == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_RuntimeError, "damaged record buffer");
            Py_DECREF(list);
            free(buf.data);
            return NULL;
        }
        PyList_SET_ITEM(list, i, rec);
    }
    free(buf.data);
    return list;
}

static PyObject *entry_tuple(const char *local, size_t local_len, const char *xsi, size_t xsi_len, uint32_t line) {
    PyObject *l = PyUnicode_DecodeUTF8(local, (Py_ssize_t)local_len, "replace");
    if (l == NULL)
        return NULL;
    PyObject *x;
    if (xsi_len) {
        x = PyUnicode_DecodeUTF8(xsi, (Py_ssize_t)xsi_len, "replace");
        if (x == NULL) {
            Py_DECREF(l);
            return NULL;
        }
    } else {
        x = Py_None;
        Py_INCREF(x);
    }
    return Py_BuildValue("(NNI)", l, x, line);
}

/* the open elements, outermost first, and the element that closed last: (local, xsi type, line).
 * Only meaningful on the parsing thread while it is inside a callback (an error report). */
static PyObject *Recorder_where(Recorder *r, PyObject *unused) {
    (void)unused;
    PyObject *open = PyList_New((Py_ssize_t)r->depth);
    if (open == NULL)
        return NULL;
    for (size_t i = 0; i < r->depth; i++) {
        Entry *e = &r->stack[i];
        PyObject *t = entry_tuple(e->local, e->local_len, e->xsi, e->xsi_len, e->line);
        if (t == NULL) {
            Py_DECREF(open);
            return NULL;
        }
        PyList_SET_ITEM(open, (Py_ssize_t)i, t);
    }
    PyObject *closed;
    if (r->has_closed) {
        closed = entry_tuple(r->closed_local, r->closed_local_len, r->closed_xsi, r->closed_xsi_len, r->closed_line);
        if (closed == NULL) {
            Py_DECREF(open);
            return NULL;
        }
    } else {
        closed = Py_None;
        Py_INCREF(closed);
    }
    return Py_BuildValue("(NN)", open, closed);
}

static PyObject *Recorder_skipped(Recorder *r, PyObject *unused) {
    (void)unused;
    PyObject *list = PyList_New(r->n_units);
    for (int u = 0; list != NULL && u < r->n_units; u++) {
        PyObject *n = PyLong_FromUnsignedLongLong(r->skipped[u]);
        if (n == NULL) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, u, n);
    }
    return list;
}

static PyMethodDef Recorder_methods[] = {
    {"callbacks", (PyCFunction)Recorder_callbacks, METH_NOARGS,
     "Addresses of the startElementNs, endElementNs and characters callbacks, and of the user data."},
    {"begin", (PyCFunction)Recorder_begin, METH_VARARGS,
     "begin(vctxt, xmlSchemaValidCtxtGetParserCtxt, xmlSAX2GetLineNumber): reset for a new parse."},
    {"take", (PyCFunction)Recorder_take, METH_NOARGS, "The records finished since the last call, in document order."},
    {"skipped", (PyCFunction)Recorder_skipped, METH_NOARGS,
     "Per unit, the occurrences counted without a record (all their values allowed); read after the parse."},
    {"where", (PyCFunction)Recorder_where, METH_NOARGS,
     "(open elements outermost first, last closed element), each (local, xsi type, line)."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RecorderType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "tender.core.noark._records.Recorder",
    .tp_basicsize = sizeof(Recorder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Recorder(units, empty_leaves=0): SAX callbacks that record units for the content checks.",
    .tp_new = Recorder_new,
    .tp_init = (initproc)Recorder_init,
    .tp_dealloc = (destructor)Recorder_dealloc,
    .tp_methods = Recorder_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_records",
    .m_doc = "Unit records from libxml2's validating parse.",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__records(void) {
    if (PyType_Ready(&RecorderType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&RecorderType);
    if (PyModule_AddObject(m, "Recorder", (PyObject *)&RecorderType) < 0) {
        Py_DECREF(&RecorderType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
