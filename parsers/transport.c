/*
 * Transport requests: an action and the index names it carries, as they
 * arrive from another node or a client on the transport layer.
 *
 * There is no path to route and no body to read: the request is one op at
 * the top level. Each name is checked as text like any index expression
 * element (an empty element or a lone '-' is malformed). An empty list
 * means all indices, as the peer resolves a request with no indices.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "parsers.h"

typedef struct action_row {
	const char *action;
	size_t len;
	bool prefix;           /* names every action starting with it */
	unsigned flags;
} action_row;

#define EXACT(s, f) { s, sizeof(s) - 1, false, f }
#define PREFIX(s, f) { s, sizeof(s) - 1, true, f }

/* Flags for the actions whose handling depends on them; others get
 * PRS_EMPTY_ALL only. The first row that names an action gives its
 * flags. */
static const action_row action_flags[] = {
	EXACT("indices:data/read/search", PRS_REDUCIBLE | PRS_REMOTE_OK),
	EXACT("indices:data/read/field_caps", PRS_REDUCIBLE | PRS_REMOTE_OK),
	EXACT("indices:admin/resolve/index", PRS_REDUCIBLE | PRS_REMOTE_OK),
	PREFIX("indices:admin/mappings/fields/get", PRS_REDUCIBLE),
	EXACT("indices:admin/shards/search_shards", PRS_REDUCIBLE),
	EXACT("indices:monitor/settings/get", PRS_REDUCIBLE),
	EXACT("indices:monitor/stats", PRS_REDUCIBLE),
	EXACT("indices:admin/aliases/get", PRS_REDUCIBLE),
	EXACT("indices:data/read/get", PRS_DOC),
	EXACT("indices:data/read/mget[shard]", PRS_DOC),
	EXACT("indices:data/write/index", PRS_DOC | PRS_WRITE | PRS_CREATES),
	EXACT("indices:data/write/update", PRS_DOC | PRS_WRITE | PRS_CREATES),
	EXACT("indices:data/write/delete", PRS_DOC | PRS_WRITE),
	EXACT("indices:data/write/bulk[s]", PRS_WRITE),
	EXACT("indices:admin/create", PRS_CREATES),
	EXACT("indices:admin/auto_create", PRS_CREATES),
	EXACT("indices:data/write/delete/byquery", PRS_V4_REDUCIBLE),
	EXACT("indices:data/write/update/byquery", PRS_V4_REDUCIBLE),
	EXACT("indices:admin/close", PRS_V4_REDUCIBLE),
	EXACT("indices:admin/open", PRS_V4_REDUCIBLE),
	EXACT("indices:admin/aliases", PRS_V4_REDUCIBLE),
};

#define NROWS (sizeof(action_flags) / sizeof(action_flags[0]))
#define LEN_MAX 64

_Static_assert(NROWS < 255, "rows are numbered in a byte");

/* The exact rows by length, built once, so that finding the row of an
 * action compares the text of the few rows of its length only; the
 * others (prefixes, long names) are compared in turn. Read-only once
 * built, so threads share it. */
static struct {
	unsigned char first[LEN_MAX];  /* 1 + the first row of a length */
	unsigned char next[NROWS];     /* 1 + the next row of that length */
	unsigned char scan[NROWS];     /* the rows not filed by length */
	size_t nscan;
	size_t scan_len;               /* the shortest of them */
} rows_ix;
static pthread_once_t rows_ix_once = PTHREAD_ONCE_INIT;

static void rows_ix_build(void)
{
	for (size_t i = NROWS; i-- > 0;) {
		const action_row *w = &action_flags[i];

		if (w->prefix || w->len >= LEN_MAX)
			continue;
		rows_ix.next[i] = rows_ix.first[w->len];
		rows_ix.first[w->len] = (unsigned char)(i + 1);
	}
	rows_ix.scan_len = SIZE_MAX;
	for (size_t i = 0; i < NROWS; i++) {
		const action_row *w = &action_flags[i];

		if (!w->prefix && w->len < LEN_MAX)
			continue;
		rows_ix.scan[rows_ix.nscan++] = (unsigned char)i;
		if (w->len < rows_ix.scan_len)
			rows_ix.scan_len = w->len;
	}
}

static bool row_names(const action_row *w, const char *a, size_t n)
{
	return (w->prefix ? n >= w->len : n == w->len) &&
	       memcmp(w->action, a, w->len) == 0;
}

/* The first row naming the action of n bytes, or NULL. */
static const action_row *action_row_of(const char *a, size_t n)
{
	size_t best = NROWS;

	pthread_once(&rows_ix_once, rows_ix_build);
	for (size_t k = n < LEN_MAX ? rows_ix.first[n] : 0; k;
	     k = rows_ix.next[k - 1])
		if (memcmp(action_flags[k - 1].action, a, n) == 0) {
			best = k - 1;
			break;
		}
	for (size_t j = 0; n >= rows_ix.scan_len && j < rows_ix.nscan &&
			   rows_ix.scan[j] < best; j++)
		if (row_names(&action_flags[rows_ix.scan[j]], a, n))
			return &action_flags[rows_ix.scan[j]];
	return best < NROWS ? &action_flags[best] : NULL;
}

/* An action a node can send: "kind:path" in printable ASCII, as every
 * action name is, with no pattern characters ('*', '?', a /regex/) and no
 * space. A pattern would be matched by the roles' action patterns as if
 * it were a name. */
static bool valid_action(const char *a)
{
	if (a[0] == '/' || !strchr(a, ':'))
		return false;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '*' || *p == '?')
			return false;
	return true;
}

#define PLAIN_MAX 16

/* Is every name one element that splitting would keep as it is (no
 * comma, not empty, not a lone '-', within the length limit)? Their
 * lengths go to lens[], their total size with terminators to *size. */
static bool plain_names(const prs_limits *lim, const char *const *ix,
			size_t n, size_t *lens, size_t *size)
{
	*size = 0;
	if (n > PLAIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *end = ix[i] ? strchrnul(ix[i], ',') : NULL;
		size_t len = end ? (size_t)(end - ix[i]) : 0;

		if (len == 0 || *end || len > lim->max_expr_len ||
		    (len == 1 && ix[i][0] == '-'))
			return false;
		lens[i] = len;
		*size += len + 1;
	}
	return true;
}

/* A context for prs_fail and prs_op_expr, made only when one is needed. */
static prs_ctx *ctx_of(prs_ctx *c, prs_request *r, ng_arena *a,
		       const prs_limits *lim)
{
	memset(c, 0, sizeof(*c));
	c->r = r;
	c->a = a;
	c->lim = lim;
	c->opts.ignore_unavailable = -1;
	c->opts.allow_no_indices = -1;
	c->opts.expand = -1;
	return c;
}

/* The names as op's elements. The usual plain names are copied in one
 * allocation; any other list is split name by name, as expressions are,
 * and reports the first name at fault. */
static int add_names(prs_request *r, ng_arena *a, const prs_limits *lim,
		     prs_op *op, const char *const *ix, size_t n)
{
	size_t lens[PLAIN_MAX], size;
	const char **v;
	prs_ctx c;
	char *p;
	int rc = 0;

	if (n == 0)             /* all indices (PRS_EMPTY_ALL) */
		return 0;
	if (plain_names(lim, ix, n, lens, &size)) {
		v = ng_arena_alloc(a, n * sizeof(*v) + size);
		if (!v)
			return NG_ENOMEM;
		p = (char *)(v + n);
		for (size_t i = 0; i < n; i++) {
			memcpy(p, ix[i], lens[i] + 1);
			v[i] = p;
			p += lens[i] + 1;
		}
		op->exprs = v;
		op->nexprs = n;
		return 0;
	}
	ctx_of(&c, r, a, lim);
	for (size_t i = 0; i < n && rc == 0 && !r->status; i++) {
		if (!ix[i] || !*ix[i])
			return prs_fail(&c, NG_EBADREQ, -1, "transport request "
					"index %zu is empty", i);
		rc = prs_op_expr(&c, op, ix[i], strlen(ix[i]));
	}
	return rc;
}

size_t prs_transport_nrows(void)
{
	return NROWS;
}

/* A prefix row names no one action: NULL. */
const char *prs_transport_row(size_t k)
{
	return k < NROWS && !action_flags[k].prefix ? action_flags[k].action
						    : NULL;
}

bool prs_transport_action(const char *action, unsigned *flags)
{
	const action_row *row = action_row_of(action, strlen(action));

	*flags = (row ? row->flags : 0) | PRS_EMPTY_ALL;
	return *action && ((row && !row->prefix) || valid_action(action));
}

int prs_transport(prs_request *r, ng_arena *a, const prs_limits *lim,
		  const char *action, const char *const *indices, size_t n)
{
	const action_row *row;
	size_t alen;
	prs_op *op;
	prs_ctx c;

	memset(r, 0, sizeof(*r));
	r->api = "transport";
	r->error_item = -1;
	if (!action || !*action)
		return prs_fail(ctx_of(&c, r, a, lim), NG_EBADREQ, -1,
				"transport request has no action");
	alen = strlen(action);
	row = action_row_of(action, alen);
	/* a row's whole text is a valid action; a prefix row's is not all */
	if ((!row || row->prefix) && !valid_action(action))
		return prs_fail(ctx_of(&c, r, a, lim), NG_EBADREQ, -1,
				"transport action [%s] is not an action name",
				action);
	if (n && !indices)
		return prs_fail(ctx_of(&c, r, a, lim), NG_EBADREQ, -1,
				"transport request has no index list");
	if (n > lim->max_expr_parts)
		return prs_fail(ctx_of(&c, r, a, lim), NG_ELIMIT, -1,
				"transport request names more than %zu "
				"indices", lim->max_expr_parts);
	/* the text of a row outlives any decision, like a copy in `a` */
	r->action = row && !row->prefix ? row->action
					: ng_arena_strndup(a, action, alen);
	if (row && !row->prefix)
		r->action_row = (unsigned)(row - action_flags) + 1;
	op = r->action ? prs_add_op(r, a, -1, r->action) : NULL;
	if (!op)
		return NG_ENOMEM;
	op->flags = (row ? row->flags : 0) | PRS_EMPTY_ALL;
	op->opts.expand_default = (unsigned char)prs_action_expand(r->action);
	return add_names(r, a, lim, op, indices, n);
}
