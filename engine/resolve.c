/*
 * Index resolution: an operation's expression elements, resolved against
 * the metadata snapshot into rows (indices, aliases, data streams, names
 * that do not exist, remote names).
 *
 * Elements are taken in order. "_all", "*" and an empty expression (where
 * the API reads it as all) select every visible index and data stream. A
 * wildcard selects by range over the sorted names. "-x" after a wildcard
 * removes what it matches from the rows so far (indices and aliases; the
 * peer does not remove data streams this way). A date-math element is
 * evaluated at the request's instant, then taken as a name.
 *
 * The modern semantics honour the request's expand_wildcards and
 * ignore_unavailable; the legacy ones resolve with fixed options (hidden
 * expanded, closed not, nothing ignored) and check aliases through their
 * member indices.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"

#define NAME_MAX_BYTES 1024

typedef struct rs_ctx {
	const ng_engine *e;
	const prs_op *op;
	ng_arena *a;
	rs_result *out;
	unsigned expand;      /* PRS_EXPAND_* */
	bool ignore_unavailable;
	bool legacy;
	bool literal;         /* modern, expand_wildcards=none */
	bool wildcard_seen;
} rs_ctx;

/* ---------------------------------------------------------------------
 * Rows already present, by (kind, id): a linear look while the result is
 * small, then an open-addressing set in the arena, so that a wildcard
 * over n names costs O(n) rather than O(n^2). The set is rebuilt when the
 * rows were changed behind its back (seen_n != nrows).
 */
#define RS_LINEAR 16

static uint64_t row_key(const rs_row *r)
{
	return ((uint64_t)r->kind << 32 | r->id) + 1;
}

/* Put `k` in the set; true when it was there already. */
static bool seen_put(rs_result *o, uint64_t k)
{
	size_t m = o->seencap - 1;
	size_t h = (size_t)((k * 0x9e3779b97f4a7c15ull) >> 17) & m;

	for (; o->seen[h]; h = (h + 1) & m)
		if (o->seen[h] == k)
			return true;
	o->seen[h] = k;
	return false;
}

static int seen_rebuild(ng_arena *a, rs_result *o)
{
	size_t cap = o->seencap ? o->seencap : 64;

	while (cap < 2 * (o->nrows + 1))
		cap *= 2;
	o->seen = ng_arena_calloc(a, cap * sizeof(*o->seen));
	if (!o->seen)
		return NG_ENOMEM;
	o->seencap = cap;
	for (size_t i = 0; i < o->nrows; i++)
		if (o->rows[i].kind != MD_NONE)
			seen_put(o, row_key(&o->rows[i]));
	o->seen_n = o->nrows;
	return 0;
}

/* Is the row there already? Keeps the set in step with the rows. */
static int row_seen(ng_arena *a, rs_result *o, const rs_row *row, bool *seen)
{
	*seen = false;
	if (row->kind == MD_NONE)
		return 0;
	if (o->nrows < RS_LINEAR) {
		for (size_t i = 0; i < o->nrows && !*seen; i++)
			*seen = o->rows[i].kind == row->kind &&
				o->rows[i].id == row->id;
		return 0;
	}
	if (!o->seen || o->seen_n != o->nrows || 2 * (o->nrows + 1) > o->seencap)
		if (seen_rebuild(a, o) != 0)
			return NG_ENOMEM;
	*seen = seen_put(o, row_key(row));
	return 0;
}

/* Room for `more` rows past the last (the arena keeps the old array until
 * reset): a wildcard reserves its whole range at once. */
static int reserve_rows(ng_arena *a, rs_result *o, size_t more)
{
	size_t cap;
	rs_row *rows;

	if (o->cap - o->nrows >= more)
		return 0;
	cap = o->cap ? o->cap * 2 : 16;
	if (cap - o->nrows < more)
		cap = o->nrows + more;
	rows = ng_arena_alloc(a, cap * sizeof(*rows));
	if (!rows)
		return NG_ENOMEM;
	if (o->nrows)
		memcpy(rows, o->rows, o->nrows * sizeof(*rows));
	o->rows = rows;
	o->cap = cap;
	return 0;
}

static int grow_rows(ng_arena *a, rs_result *o)
{
	return o->nrows < o->cap ? 0 : reserve_rows(a, o, 1);
}

int rs_add_row(ng_arena *a, rs_result *o, const rs_row *row)
{
	bool seen;

	if (row_seen(a, o, row, &seen) != 0)
		return NG_ENOMEM;
	if (seen)
		return 0;
	if (grow_rows(a, o) != 0)
		return NG_ENOMEM;
	o->rows[o->nrows++] = *row;
	if (o->seen && o->seen_n == o->nrows - 1)
		o->seen_n = o->nrows;
	return 0;
}

/* Glob with '*' only, as the cluster expands a request's names ('?' is
 * a character like any other there, and no index name holds one); no
 * escapes; linear with one backtrack point. */
static bool glob(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;

	while (*s) {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == *s) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

/* As add_names, when rows came before: each added without repeats. */
static int add_names_again(rs_ctx *c, size_t first, size_t end,
			   unsigned skip, const char *pat)
{
	const md_name *names = c->e->md->names;
	int rc = 0;

	for (size_t i = first; i < end && !rc; i++) {
		const md_name *n = &names[i];
		rs_row row = { n->name, n->kind, n->id, false, false };

		if ((n->flags & skip) || (pat && !glob(pat, n->name)))
			continue;
		rc = rs_add_row(c->a, c->out, &row);
	}
	return rc;
}

/* Add names [first, end) of the sorted list, but those with a flag in
 * `skip` or, given `pat`, not matching it. The rows are reserved first.
 * When the result was empty before, they are appended: the rows of one
 * pass over the sorted names are distinct, so they need no look in the
 * set, which is marked stale and rebuilt on its next use. */
static int add_names(rs_ctx *c, size_t first, size_t end, unsigned skip,
		     const char *pat)
{
	const md_name *names = c->e->md->names;
	rs_result *o = c->out;
	rs_row *r;
	int rc;

	if (first == end)       /* and o->rows may be NULL */
		return 0;
	rc = reserve_rows(c->a, o, end - first);
	if (rc || o->nrows)
		return rc ? rc : add_names_again(c, first, end, skip, pat);
	r = o->rows;
	for (size_t i = first; i < end; i++) {
		const md_name *n = &names[i];

		if ((n->flags & skip) || (pat && !glob(pat, n->name)))
			continue;
		*r++ = (rs_row){ n->name, n->kind, n->id, false, false };
	}
	o->nrows = (size_t)(r - o->rows);
	o->seen_n = SIZE_MAX;
	return 0;
}

static int add_row(rs_ctx *c, const char *name, md_kind kind, uint32_t id,
		   bool remote)
{
	rs_row row = { name, kind, id, remote, false };

	return rs_add_row(c->a, c->out, &row);
}

/* The modern semantics with expand_wildcards=none take "_all", "*" and
 * patterns as plain names, which no index has. */
static int add_literal(rs_ctx *c, const char *name, bool all)
{
	rs_row row = { name, MD_NONE, 0, false, all };

	if (c->ignore_unavailable)
		return 0;
	return rs_add_row(c->a, c->out, &row);
}

/* The flags of the names that a wildcard (or "all") with these options
 * does not select: closed or open indices as expand_wildcards says,
 * hidden names unless the pattern starts with a dot (then every name it
 * can match does), and for the data-stream APIs all but streams. */
static unsigned unselected(const rs_ctx *c, bool dot_pattern)
{
	unsigned m = 0;

	if (!(c->expand & PRS_EXPAND_CLOSED))
		m |= MD_NAME_CLOSED;
	if (!(c->expand & PRS_EXPAND_OPEN))
		m |= MD_NAME_OPEN;
	if (!(c->expand & PRS_EXPAND_HIDDEN) && !dot_pattern)
		m |= MD_NAME_HIDDEN;
	if (c->op->flags & PRS_DATA_STREAM)
		m |= MD_NAME_OPEN | MD_NAME_CLOSED | MD_NAME_ALIAS;
	return m;
}

static int select_all(rs_ctx *c)
{
	if (c->literal)
		return add_literal(c, "_all", true);
	c->out->pattern = true;
	c->wildcard_seen = true;
	return add_names(c, 0, c->e->md->nnames,
			 unselected(c, false) | MD_NAME_ALIAS, NULL);
}

/* The names in the prefix range of "prefix*" all match it: only a
 * pattern with more to it is globbed. */
static int select_wildcard(rs_ctx *c, const char *pat)
{
	size_t plen = strcspn(pat, "*"), first, count;
	bool prefix_only = pat[plen] == '*' && pat[plen + 1] == '\0';

	if (c->literal)
		return add_literal(c, pat, false);
	c->out->pattern = true;
	c->wildcard_seen = true;
	md_prefix_range(c->e->md, pat, plen, &first, &count);
	return add_names(c, first, first + count, unselected(c, pat[0] == '.'),
			 prefix_only ? NULL : pat);
}

/* How many backing indices of the stream the exclusion matches. */
static size_t stream_excluded(const rs_ctx *c, uint32_t id, const char *pat)
{
	const ng_metadata *m = c->e->md;
	const md_stream *ds = &m->streams[id];
	size_t k = 0;

	for (size_t i = 0; i < ds->nindices; i++)
		k += glob(pat, m->indices[ds->indices[i]].name);
	return k;
}

/* Keep the backing indices of a stream that the exclusion spares. */
static int stream_rest(rs_ctx *c, uint32_t id, const char *pat)
{
	const ng_metadata *m = c->e->md;
	const md_stream *ds = &m->streams[id];
	int rc = 0;

	for (size_t i = 0; i < ds->nindices && !rc; i++) {
		const md_index *ix = &m->indices[ds->indices[i]];

		if (!glob(pat, ix->name))
			rc = add_row(c, ix->name, MD_INDEX, ds->indices[i], false);
	}
	return rc;
}

/* "-pat" after a wildcard. A data stream goes by its name only for the
 * data-stream APIs; elsewhere, as in the peer, by its backing indices:
 * "-.ds-logs*" removes the stream "logs", and a stream only partly
 * excluded stays as the backing indices that remain. */
static int exclude(rs_ctx *c, const char *pat)
{
	rs_result *o = c->out;
	bool by_name = (c->op->flags & PRS_DATA_STREAM) != 0;
	uint32_t split[64];
	size_t k = 0, nsplit = 0;
	int rc = 0;

	for (size_t i = 0; i < o->nrows; i++) {
		const rs_row *r = &o->rows[i];
		bool drop = glob(pat, r->name);

		if (r->kind == MD_DATA_STREAM && !by_name) {
			size_t hit = stream_excluded(c, r->id, pat);
			size_t all = c->e->md->streams[r->id].nindices;

			drop = hit > 0 && (hit == all || nsplit < 64);
			if (hit > 0 && hit < all && nsplit < 64)
				split[nsplit++] = r->id;
		}
		if (!drop)
			o->rows[k++] = *r;
	}
	o->nrows = k;
	for (size_t i = 0; i < nsplit && !rc; i++)
		rc = stream_rest(c, split[i], pat);
	return rc;
}

static int fail(rs_ctx *c, int status, const char *fmt, const char *what)
{
	char buf[512];

	snprintf(buf, sizeof(buf), fmt, what);
	c->out->status = status;
	c->out->error = ng_arena_strdup(c->a, buf);
	return 0;
}

static bool is_remote(rs_ctx *c, const char *s)
{
	const char *colon = strchr(s, ':');

	if (!colon || !(c->op->flags & PRS_REMOTE_OK))
		return false;
	/* only a cluster the metadata names is remote: an unknown prefix is
	 * a local name (which cannot exist), so it is checked, not waved
	 * through as someone else's business */
	return md_is_remote_cluster(c->e->md, s, (size_t)(colon - s));
}

static int select_name(rs_ctx *c, const char *name)
{
	const md_name *n = md_lookup(c->e->md, name, strlen(name));
	const char *why;

	if (n)
		return add_row(c, n->name, n->kind, n->id, false);
	if ((c->op->flags & PRS_CREATES) &&
	    !prs_valid_index_name(name, strlen(name), &why))
		return fail(c, 400, "invalid index name [%s]", name);
	if (c->ignore_unavailable && !(c->op->flags & PRS_CREATES))
		return 0;
	return add_row(c, name, MD_NONE, 0, false);
}

/* Evaluate date math into the arena; NULL and a 400 on bad syntax. */
static const char *date_math(rs_ctx *c, const char *el, int64_t now_ms)
{
	char buf[NAME_MAX_BYTES];
	const char *why = NULL;

	if (el[0] != '<')
		return el;
	if (prs_datemath(el, strlen(el), now_ms, buf, sizeof(buf), &why) != 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s in [%%s]", why ? why : "bad date math");
		fail(c, 400, msg, el);
		return NULL;
	}
	return ng_arena_strdup(c->a, buf);
}

static int element(rs_ctx *c, const char *el, int64_t now_ms)
{
	/* the source of a reindex from a remote cluster names its indices */
	if (c->op->flags & PRS_REMOTE_SRC)
		return add_row(c, el, MD_NONE, 0, true);
	if (strcmp(el, "_all") == 0 || strcmp(el, "*") == 0)
		return select_all(c);
	if (el[0] == '-' && c->wildcard_seen && el[1])
		return exclude(c, el + 1);
	el = date_math(c, el, now_ms);
	if (!el)
		return 0;
	if (is_remote(c, el))
		return add_row(c, el, MD_NONE, 0, true);
	if (prs_has_wildcard(el)) {
		if (c->op->flags & PRS_NO_WILDCARD)
			return fail(c, 400, "wildcards are not allowed in [%s]", el);
		return select_wildcard(c, el);
	}
	return select_name(c, el);
}

static void set_options(rs_ctx *c)
{
	const pol_config *cfg = c->e->pc->config;
	const prs_opts *o = &c->op->opts;

	c->legacy = cfg->mode == POL_MODE_LEGACY;
	c->expand = prs_opts_expand(o);
	c->ignore_unavailable = o->ignore_unavailable == 1;
	if (c->legacy && !cfg->respect_request_options) {
		/* the peer's fixed options; but the closed indices that the
		 * API, or the request's own expand_wildcards, reaches are
		 * checked as well: nothing the node reaches goes unchecked
		 * (docs/compatibility.md) */
		c->expand = PRS_EXPAND_OPEN | PRS_EXPAND_HIDDEN |
			    (c->expand & PRS_EXPAND_CLOSED);
		c->ignore_unavailable = false;
	}
	c->literal = !c->legacy && o->expand == 0;
}

int rs_resolve(const ng_engine *e, const prs_op *op, int64_t now_ms,
	       ng_arena *a, rs_result *out)
{
	rs_ctx c = { .e = e, .op = op, .a = a, .out = out };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	set_options(&c);
	if (op->nexprs == 0)
		return (op->flags & PRS_EMPTY_ALL) ? select_all(&c) : 0;
	for (size_t i = 0; i < op->nexprs && !rc && !out->status; i++)
		rc = element(&c, op->exprs[i], now_ms);
	return rc;
}
