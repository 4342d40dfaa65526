/*
 * REST requests: routing and the query string.
 *
 * The path is split on '/' before anything is decoded, so that "%2F" stays
 * inside its segment; empty segments are dropped, which collapses doubled
 * slashes and ignores a trailing one. Literal template segments compare
 * with the raw segment, as the peer's path trie does; parts take the
 * decoded text. An index part is split on ',' only after decoding, so
 * "%2C" separates names like ',' and "%2A" is a wildcard like '*'.
 *
 * A request that matches no route is unknown (403, never an allow); so is a
 * method the route does not take, HEAD included: the peer answers 405 and
 * does not serve HEAD from a GET route. A path or query string that cannot
 * be decoded is malformed (400).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "parsers.h"

#define MSG_MAX 200

typedef struct seg {
	const char *raw;
	size_t len;
} seg;

/* ---------------------------------------------------------------------
 * Helpers shared with bodies.c.
 */

/* Copy a message for r->error: one line, printable, bounded. */
static const char *msg_dup(ng_arena *a, const char *s)
{
	char *m = ng_arena_strndup(a, s, strnlen(s, MSG_MAX));

	if (!m)
		return "out of memory while reporting an error";
	for (char *p = m; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return m;
}

int prs_fail(prs_ctx *c, int code, int item, const char *fmt, ...)
{
	char buf[MSG_MAX + 1];
	va_list ap;

	if (c->r->status)
		return 0;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	c->r->status = code == NG_EUNKNOWNAPI ? 403 : 400;
	c->r->code = code;
	c->r->error = msg_dup(c->a, buf);
	c->r->error_item = item;
	return 0;
}

/* The peer's handlers read path parts and query parameters from one map,
 * where the path part wins: "/_search?index=x" searches x. */
const char *prs_part(const prs_ctx *c, const char *name)
{
	const char *t = c->route->path;
	size_t i = 0, n = strlen(name);

	/* Walk the template's segments alongside the request's. */
	while (*t && i < c->nsegs) {
		const char *end;

		while (*t == '/')
			t++;
		end = strchr(t, '/');
		if (!end)
			end = t + strlen(t);
		if (*t == '{' && (size_t)(end - t) == n + 2 &&
		    memcmp(t + 1, name, n) == 0)
			return c->segs[i];
		t = end;
		i++;
	}
	return prs_param_get(c, name);
}

/* The last occurrence wins: the peer decodes the query string into a map,
 * so "?a=1&a=2" means a=2. */
const char *prs_param_get(const prs_ctx *c, const char *key)
{
	for (size_t i = c->nparams; i-- > 0;)
		if (strcmp(c->params[i].key, key) == 0)
			return c->params[i].value;
	return NULL;
}

prs_op *prs_op_new(prs_ctx *c, int item, const char *action, unsigned flags,
		   const char *role)
{
	prs_op *op = prs_add_op(c->r, c->a, item, action);

	if (!op)
		return NULL;
	op->opts = c->opts;
	op->flags = flags;
	op->role = role;
	return op;
}

void prs_op_also(prs_op *op, const char *action)
{
	if (op->nactions < PRS_MAX_ACTIONS)
		op->actions[op->nactions++] = action;
}

int prs_op_expr(prs_ctx *c, prs_op *op, const char *s, size_t n)
{
	prs_op tmp;
	const char **all;
	int rc;

	/* Split into a scratch op, then append, whatever prs_split_expr does
	 * with elements already there. */
	memset(&tmp, 0, sizeof(tmp));
	tmp.item = op->item;
	rc = prs_split_expr(c->r, c->a, c->lim, s, n, &tmp);
	if (rc != 0 || c->r->status || tmp.nexprs == 0)
		return rc;
	if (op->nexprs == 0) {
		op->exprs = tmp.exprs;
		op->nexprs = tmp.nexprs;
		return 0;
	}
	if (op->nexprs + tmp.nexprs > c->lim->max_expr_parts)
		return prs_fail(c, NG_ELIMIT, op->item,
				"index expression has more than %zu elements",
				c->lim->max_expr_parts);
	all = ng_arena_alloc(c->a, (op->nexprs + tmp.nexprs) * sizeof(*all));
	if (!all)
		return NG_ENOMEM;
	memcpy(all, op->exprs, op->nexprs * sizeof(*all));
	memcpy(all + op->nexprs, tmp.exprs, tmp.nexprs * sizeof(*all));
	op->exprs = all;
	op->nexprs += tmp.nexprs;
	return 0;
}

static const struct {
	const char *name;
	int bits;
} expand_words[] = {
	{ "open", PRS_EXPAND_OPEN },
	{ "closed", PRS_EXPAND_CLOSED },
	{ "hidden", PRS_EXPAND_HIDDEN },
	{ "all", PRS_EXPAND_OPEN | PRS_EXPAND_CLOSED | PRS_EXPAND_HIDDEN },
	{ "none", 0 },
};

static int expand_word(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(expand_words) / sizeof(expand_words[0]);
	     i++)
		if (strlen(expand_words[i].name) == n &&
		    memcmp(expand_words[i].name, s, n) == 0)
			return expand_words[i].bits;
	return -1;
}

int prs_parse_expand(const char *s, size_t n)
{
	int bits = 0;
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		int b;

		if (i < n && s[i] != ',')
			continue;
		b = expand_word(s + start, i - start);
		if (b < 0)
			return -1;
		bits |= b;
		start = i + 1;
	}
	return bits;
}

/* ---------------------------------------------------------------------
 * Methods and paths.
 */

static const struct {
	const char *name;
	unsigned bit;
} methods[] = {
	{ "GET", PRS_M_GET },   { "HEAD", PRS_M_HEAD },
	{ "POST", PRS_M_POST }, { "PUT", PRS_M_PUT },
	{ "DELETE", PRS_M_DELETE }, { "PATCH", PRS_M_PATCH },
};

/* Methods are case-sensitive (RFC 9110); anything else routes nowhere. */
static unsigned method_bit(const char *m, size_t n)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strlen(methods[i].name) == n &&
		    memcmp(methods[i].name, m, n) == 0)
			return methods[i].bit;
	return 0;
}

/* Split the path (query string already cut off) into raw segments. */
static size_t split_path(const char *p, size_t n, seg *out, size_t cap)
{
	size_t k = 0, i = 0;

	while (i < n) {
		size_t start;

		while (i < n && p[i] == '/')
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && p[i] != '/')
			i++;
		if (k == cap)
			return cap + 1;
		out[k].raw = p + start;
		out[k].len = i - start;
		k++;
	}
	return k;
}

/* Decode a path segment or query component into the arena. A NUL byte
 * would cut the name short of what the peer sees, so it is refused.
 * Returns NULL with *bad set when the text cannot be decoded. */
static char *decode(ng_arena *a, const char *s, size_t n, bool plus,
		    bool *bad)
{
	char *d = ng_arena_strndup(a, s, n);
	long len;

	*bad = false;
	if (!d)
		return NULL;
	for (size_t i = 0; plus && i < n; i++)
		if (d[i] == '+')
			d[i] = ' ';
	len = prs_percent_decode(d, n);
	if (len < 0 || memchr(d, '\0', (size_t)len)) {
		*bad = true;
		return NULL;
	}
	d[len] = '\0';
	return d;
}

static bool is_index_part(const char *name, size_t n)
{
	static const char *const names[] = { "index", "alias", "target",
					     "new_index" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
			return true;
	return false;
}

/* Length of a literal template segment equal to the raw segment, or 0. */
static size_t literal_eq(const char *t, const seg *sg)
{
	size_t k = 0;

	while (t[k] && t[k] != '/') {
		if (k >= sg->len || t[k] != sg->raw[k])
			return 0;
		k++;
	}
	return k == sg->len ? k : 0;
}

/* Length of a {part} template segment that may take the decoded segment
 * `d`, or 0: an index part never takes "_name" other than "_all". */
static size_t part_ok(const char *t, const char *d)
{
	size_t k = 0;

	while (t[k] && t[k] != '/')
		k++;
	if (d[0] == '_' && strcmp(d, "_all") != 0 &&
	    is_index_part(t + 1, k - 2))
		return 0;
	return k;
}

/* Does the template match the segments? On a match, *score has a bit set
 * for each literal segment, the first segment highest, so that the larger
 * score is the route a path trie would pick. */
static bool match(const char *t, const seg *sg, char *const *dec, size_t ns,
		  unsigned *score)
{
	size_t i = 0, len;

	*score = 0;
	for (;; i++, t += len) {
		while (*t == '/')
			t++;
		if (!*t || i == ns)
			return !*t && i == ns;
		if (*t == '{') {
			len = part_ok(t, dec[i]);
		} else {
			len = literal_eq(t, &sg[i]);
			*score |= 1u << (PRS_MAX_SEGS - 1 - i);
		}
		if (len == 0)
			return false;
	}
}

/* The routes grouped by their number of segments, built once: a request
 * is matched only against the routes of its length, and a compact entry
 * (methods, first character of a literal first segment) rejects most of
 * them without reading the route. Read-only once built, so threads share
 * it; a table larger than the index is scanned whole. */
#define INDEX_CAP 1024

typedef struct route_ix {
	unsigned short id;
	unsigned char methods;
	char first;                /* 0 when the first segment is a part */
} route_ix;

static struct {
	route_ix e[PRS_MAX_SEGS + 1][INDEX_CAP];
	size_t n[PRS_MAX_SEGS + 1];
	bool ok;
} by_len;
static pthread_once_t by_len_once = PTHREAD_ONCE_INIT;

static size_t template_segs(const char *t)
{
	size_t n = 0;

	for (; *t; t++)
		if (*t != '/' && (t[1] == '/' || !t[1]))
			n++;
	return n;
}

static void by_len_build(void)
{
	if (prs_nroutes > INDEX_CAP)
		return;
	for (size_t i = 0; i < prs_nroutes; i++) {
		const char *t = prs_routes[i].path;
		size_t n = template_segs(t);
		route_ix *e;

		if (n > PRS_MAX_SEGS)
			return;
		while (*t == '/')
			t++;
		e = &by_len.e[n][by_len.n[n]++];
		e->id = (unsigned short)i;
		e->methods = (unsigned char)prs_routes[i].methods;
		e->first = *t == '{' ? 0 : *t;
	}
	by_len.ok = true;
}

/* The best route among the candidates (see match). */
static const prs_route *route_pick(const route_ix *e, size_t n,
				   unsigned mbit, const seg *sg,
				   char *const *dec, size_t ns)
{
	const prs_route *best = NULL;
	unsigned best_score = 0, score;
	char first = ns ? sg[0].raw[0] : 0;

	for (size_t k = 0; k < n; k++) {
		const prs_route *rt = &prs_routes[e ? e[k].id : k];

		if (e && (!(e[k].methods & mbit) ||
			  (e[k].first && e[k].first != first)))
			continue;
		if (!(rt->methods & mbit) ||
		    !match(rt->path, sg, dec, ns, &score))
			continue;
		if (!best || score > best_score) {
			best = rt;
			best_score = score;
		}
	}
	return best;
}

static const prs_route *route_find(unsigned mbit, const seg *sg,
				   char *const *dec, size_t ns)
{
	pthread_once(&by_len_once, by_len_build);
	if (!by_len.ok)
		return route_pick(NULL, prs_nroutes, mbit, sg, dec, ns);
	return route_pick(by_len.e[ns], by_len.n[ns], mbit, sg, dec, ns);
}

/* ---------------------------------------------------------------------
 * The query string.
 */

/* Where the next parameter ends: at '&' or ';', as for the peer. */
static size_t param_end(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] != '&' && s[i] != ';')
		i++;
	return i;
}

/* Parameters are separated by '&' or ';' and the query string ends at
 * '#'. Keys and values are percent-decoded, '+' meaning a space. */
static int parse_query(prs_ctx *c, const char *q, size_t n)
{
	const char *hash = memchr(q, '#', n);
	size_t cap = 1, k = 0, i = 0;
	prs_param *ps;

	n = hash ? (size_t)(hash - q) : n;
	for (size_t j = 0; j < n; j++)
		cap += q[j] == '&' || q[j] == ';';
	ps = ng_arena_alloc(c->a, cap * sizeof(*ps));
	if (!ps)
		return NG_ENOMEM;
	while (i <= n) {
		const char *s = q + i;
		size_t len = param_end(s, n - i);
		const char *eq = memchr(s, '=', len);
		size_t klen = eq ? (size_t)(eq - s) : len;
		bool bad = false;

		i += len + 1;
		if (klen == 0)
			continue;
		ps[k].key = decode(c->a, s, klen, true, &bad);
		ps[k].value = !bad && eq ? decode(c->a, eq + 1, len - klen - 1,
						  true, &bad)
					 : "";
		if (bad)
			return prs_fail(c, NG_EBADREQ, -1, "bad query string: "
					"invalid percent-encoding");
		if (!ps[k].key || !ps[k].value)
			return NG_ENOMEM;
		k++;
	}
	c->params = ps;
	c->nparams = k;
	return 0;
}

/* "true", "false", or absent/empty for "not given"; anything else is the
 * 400 the peer answers. */
static int bool_param(prs_ctx *c, const char *key, signed char *out)
{
	const char *v = prs_param_get(c, key);

	if (!v || !*v)
		return 0;
	if (strcmp(v, "true") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0)
		*out = 0;
	else
		return prs_fail(c, NG_EBADREQ, -1,
				"bad query parameter %s: %s", key, v);
	return 0;
}

static int query_opts(prs_ctx *c)
{
	const char *v = prs_param_get(c, "expand_wildcards");

	c->opts.ignore_unavailable = -1;
	c->opts.allow_no_indices = -1;
	c->opts.expand = -1;
	bool_param(c, "ignore_unavailable", &c->opts.ignore_unavailable);
	bool_param(c, "allow_no_indices", &c->opts.allow_no_indices);
	if (v && *v) {
		int bits = prs_parse_expand(v, strlen(v));

		if (bits < 0)
			return prs_fail(c, NG_EBADREQ, -1,
					"bad query parameter expand_wildcards: "
					"%s", v);
		c->opts.expand = (signed char)bits;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Entry point.
 */

static void request_init(prs_request *r)
{
	memset(r, 0, sizeof(*r));
	r->api = "unknown";
	r->error_item = -1;
}

static int unknown(prs_ctx *c, const char *m, size_t ml, const char *p,
		   size_t pl)
{
	return prs_fail(c, NG_EUNKNOWNAPI, -1, "unknown api: %.*s %.*s",
			(int)(ml > 16 ? 16 : ml), m,
			(int)(pl > 150 ? 150 : pl), p);
}

/* Decode every segment; returns 0 (check r->status) or NG_ENOMEM. */
static int decode_path(prs_ctx *c, const seg *sg, size_t ns, char **dec)
{
	for (size_t i = 0; i < ns; i++) {
		bool bad;

		dec[i] = decode(c->a, sg[i].raw, sg[i].len, false, &bad);
		if (bad)
			return prs_fail(c, NG_EBADREQ, -1,
					"bad path: invalid percent-encoding in "
					"segment %zu", i + 1);
		if (!dec[i])
			return NG_ENOMEM;
		c->segs[i] = dec[i];
	}
	c->nsegs = ns;
	return 0;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* Route the request; leaves c->route NULL for an unknown api. */
static int route(prs_ctx *c, const char *method, size_t mlen,
		 const char *path, size_t plen)
{
	seg sg[PRS_MAX_SEGS];
	char *dec[PRS_MAX_SEGS];
	unsigned mbit = method_bit(method, mlen);
	size_t ns;
	int rc;

	if (plen == 0 || path[0] != '/')
		return prs_fail(c, NG_EBADREQ, -1, "bad path: must start "
				"with '/'");
	ns = split_path(path, plen, sg, PRS_MAX_SEGS);
	if (ns > PRS_MAX_SEGS || mbit == 0)
		return unknown(c, method, mlen, path, plen);
	rc = decode_path(c, sg, ns, dec);
	if (rc != 0 || c->r->status)
		return rc;
	c->route = route_find(mbit, sg, dec, ns);
	if (!c->route)
		return unknown(c, method, mlen, path, plen);
	return 0;
}

/* Start a request: r emptied, the body kept unless it is blank. */
static int ctx_init(prs_ctx *c, prs_request *r, ng_arena *a,
		    const prs_limits *lim, const char *body, size_t blen)
{
	request_init(r);
	memset(c, 0, sizeof(*c));
	c->r = r;
	c->a = a;
	c->lim = lim;
	if (body && blen > lim->max_body)
		return prs_fail(c, NG_ELIMIT, -1, "body of %zu bytes exceeds "
				"the limit of %zu", blen, lim->max_body);
	if (body && !blank(body, blen)) {
		c->body = body;
		c->blen = blen;
	}
	return 0;
}

static bool json_type(const char *t)
{
	return strncasecmp(t, "application/json", 16) == 0 ||
	       strncasecmp(t, "application/x-ndjson", 20) == 0;
}

/* Without a body, the peer's handlers read one from ?source= (typed by
 * ?source_content_type=): a search there may look up terms like any
 * other. A type other than JSON cannot be checked here, so it is 400. */
static int source_param(prs_ctx *c)
{
	const char *src = prs_param_get(c, "source");
	const char *type = prs_param_get(c, "source_content_type");
	size_t n = src ? strlen(src) : 0;

	if (c->body || !src || blank(src, n))
		return 0;
	if (type && !json_type(type))
		return prs_fail(c, NG_EBADREQ, -1, "source parameter of type "
				"%s cannot be read", type);
	if (n > c->lim->max_body)
		return prs_fail(c, NG_ELIMIT, -1, "source parameter of %zu "
				"bytes exceeds the limit of %zu", n,
				c->lim->max_body);
	c->body = src;
	c->blen = n;
	return 0;
}

int prs_rest(prs_request *r, ng_arena *a, const prs_limits *lim,
	     const char *method, size_t mlen, const char *path, size_t plen,
	     const char *body, size_t blen)
{
	prs_ctx c;
	const char *q;
	size_t pathlen;
	int rc = ctx_init(&c, r, a, lim, body, blen);

	if (rc != 0 || r->status)
		return rc;
	q = path ? memchr(path, '?', plen) : NULL;
	pathlen = q ? (size_t)(q - path) : plen;
	rc = route(&c, method ? method : "", method ? mlen : 0,
		   path ? path : "", path ? pathlen : 0);
	if (rc != 0 || r->status)
		return rc;
	r->api = c.route->api;
	r->action = c.route->action;

	if (q)
		rc = parse_query(&c, q + 1, plen - pathlen - 1);
	if (rc == 0 && !r->status)
		rc = query_opts(&c);
	if (rc == 0 && !r->status)
		rc = source_param(&c);
	if (rc != 0 || r->status)
		return rc;
	return prs_build_ops(&c);
}
