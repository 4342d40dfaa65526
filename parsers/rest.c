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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

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

static bool ascii_text(const char *s, size_t n);

int prs_op_expr(prs_ctx *c, prs_op *op, const char *s, size_t n)
{
	const char **exprs = op->exprs;
	prs_op tmp;
	const char **all;
	int rc;

	/* no index is named by bytes that are not UTF-8, from a path (where
	 * decode refuses them) or from a body (mget, msearch, bulk) */
	if (!ascii_text(s, n) && !g_utf8_validate(s, (gssize)n, NULL))
		return prs_fail(c, NG_EBADREQ, op->item,
				"index expression is not valid UTF-8");
	/* The first elements go straight in; on a failure the op keeps what
	 * it had, as with the scratch op below. */
	if (op->nexprs == 0) {
		rc = prs_split_expr(c->r, c->a, c->lim, s, n, op);
		if (rc != 0 || c->r->status) {
			op->exprs = exprs;
			op->nexprs = 0;
		}
		return rc;
	}
	/* Split into a scratch op, then append, so that the total is
	 * checked against the limit as one expression. */
	memset(&tmp, 0, sizeof(tmp));
	tmp.item = op->item;
	rc = prs_split_expr(c->r, c->a, c->lim, s, n, &tmp);
	if (rc != 0 || c->r->status || tmp.nexprs == 0)
		return rc;
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
	const char *slash;
	size_t k = 0, i = 0;

	while (i < n) {
		size_t start;

		while (i < n && p[i] == '/')
			i++;
		if (i == n)
			break;
		start = i;
		slash = memchr(p + i, '/', n - i);
		i = slash ? (size_t)(slash - p) : n;
		if (k == cap)
			return cap + 1;
		out[k].raw = p + start;
		out[k].len = i - start;
		k++;
	}
	return k;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Does one of the 8 bytes of w equal ch? Exact, whatever the others. */
static bool has_byte(uint64_t w, unsigned char ch)
{
	w ^= ONES * ch;
	return ((w - ONES) & ~w & HIGHS) != 0;
}

/* Are the 8 bytes of w ASCII without NUL, '%' or '+'? */
static bool plain_word(uint64_t w)
{
	return !(w & HIGHS) && !has_byte(w, 0) && !has_byte(w, '%') &&
	       !has_byte(w, '+');
}

/* Is s[0..n) ASCII (so UTF-8 too)? 8 bytes at a time, as plain_text. */
static bool ascii_text(const char *s, size_t n)
{
	uint64_t w = 0;

	if (n < 8) {
		memcpy(&w, s, n);
		return !(w & HIGHS);
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&w, s + i, 8);
		if (w & HIGHS)
			return false;
	}
	memcpy(&w, s + n - 8, 8);
	return !(w & HIGHS);
}

/* Is the text its own decoding, and valid: ASCII without NUL, '%' or
 * '+'? Most segments and parameters are. Read 8 bytes at a time, the
 * last word overlapping the one before it. */
static bool plain_text(const char *s, size_t n)
{
	uint64_t w = ONES * 'a';

	if (n < 8) {
		memcpy(&w, s, n);
		return plain_word(w);
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&w, s + i, 8);
		if (!plain_word(w))
			return false;
	}
	memcpy(&w, s + n - 8, 8);
	return plain_word(w);
}

/* Decode a path segment or query component into the arena. A NUL byte
 * would cut the name short of what the peer sees, so it is refused, and
 * so are bytes that are not UTF-8 (%FF): no name holds them, and the
 * decision JSON must not. Returns NULL with *bad set when the text cannot
 * be decoded. */
static char *decode(ng_arena *a, const char *s, size_t n, bool plus,
		    bool *bad)
{
	char *d = ng_arena_strndup(a, s, n);
	long len;

	*bad = false;
	if (!d || plain_text(s, n))
		return d;
	for (size_t i = 0; plus && i < n; i++)
		if (d[i] == '+')
			d[i] = ' ';
	len = prs_percent_decode(d, n);
	if (len < 0 || memchr(d, '\0', (size_t)len) ||
	    !g_utf8_validate(d, len, NULL)) {
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

/* The routes indexed by one literal segment each, built once: a route
 * matches a path only when every literal segment of its template equals
 * the path's raw segment there, so it is looked up under one of them (the
 * one the fewest other routes share) by (number of segments, position,
 * text), hashed. A request is then matched only against the routes filed under
 * one of its own segments, and against the routes of its length without
 * any literal segment. The rows of prs_routes stay as they are; this is
 * an index over them. Read-only once built, so threads share it; when it
 * cannot be built, the whole table is scanned. */
static size_t template_segs(const char *t)
{
	size_t n = 0;

	for (; *t; t++)
		if (*t != '/' && (t[1] == '/' || !t[1]))
			n++;
	return n;
}

typedef struct lit_key {
	unsigned char nsegs, pos;
	unsigned short id;
	unsigned short len;
	const char *text;          /* the template segment, not terminated */
} lit_key;

static struct {
	lit_key *keys;             /* sorted by lit_cmp */
	size_t nkeys;
	unsigned short *slots;     /* 1 + the first key of each literal,
	                            * hashed (see lit_slot); 0: free */
	size_t mask;               /* slots - 1, slots a power of two */
	unsigned short *bare[PRS_MAX_SEGS + 1];  /* routes without a literal */
	size_t nbare[PRS_MAX_SEGS + 1];
	unsigned char *expand;     /* prs_api_expand of each route's api */
	bool ok;
} route_ix;
static pthread_once_t route_ix_once = PTHREAD_ONCE_INIT;

static int lit_cmp(const void *x, const void *y)
{
	const lit_key *a = x, *b = y;
	int d;

	if (a->nsegs != b->nsegs)
		return a->nsegs < b->nsegs ? -1 : 1;
	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	d = memcmp(a->text, b->text, a->len);
	if (d)
		return d;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The literal segments of a route's template into out[]; returns their
 * number, or (size_t)-1 when the template has too many segments. */
static size_t route_literals(size_t id, lit_key *out)
{
	const char *t = prs_routes[id].path;
	lit_key k[PRS_MAX_SEGS];
	size_t n = 0, nl = 0;

	while (*t) {
		size_t len;

		while (*t == '/')
			t++;
		if (!*t)
			break;
		len = strcspn(t, "/");
		if (n == PRS_MAX_SEGS || len > 0xffff)
			return (size_t)-1;
		if (*t != '{')
			k[nl++] = (lit_key){ 0, (unsigned char)n,
					     (unsigned short)id,
					     (unsigned short)len, t };
		n++;
		t += len;
	}
	for (size_t i = 0; i < nl; i++) {
		out[i] = k[i];
		out[i].nsegs = (unsigned char)n;
	}
	return nl;
}

/* How many routes file a literal equal to *k (same length, position and
 * text), in the sorted array of every literal. */
static size_t lit_share(const lit_key *all, size_t n, const lit_key *k)
{
	lit_key lo = *k;
	size_t a = 0, b = n, c;

	lo.id = 0;
	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (lit_cmp(&all[m], &lo) < 0)
			a = m + 1;
		else
			b = m;
	}
	for (c = a; c < n && all[c].nsegs == k->nsegs &&
		    all[c].pos == k->pos && all[c].len == k->len &&
		    memcmp(all[c].text, k->text, k->len) == 0; c++)
		;
	return c - a;
}

/* Every literal of every route, sorted; NULL when one route is too long
 * or out of memory. */
static lit_key *all_literals(size_t *n)
{
	lit_key *all = malloc(prs_nroutes * PRS_MAX_SEGS * sizeof(*all));

	*n = 0;
	for (size_t i = 0; all && i < prs_nroutes; i++) {
		size_t k = route_literals(i, all + *n);

		if (k == (size_t)-1 || i > 0xffff) {
			free(all);
			return NULL;
		}
		*n += k;
	}
	if (all)
		qsort(all, *n, sizeof(*all), lit_cmp);
	return all;
}

/* File each route under its least shared literal, or as bare. */
static void file_routes(const lit_key *all, size_t nall)
{
	for (size_t i = 0; i < prs_nroutes; i++) {
		lit_key k[PRS_MAX_SEGS];
		size_t nl = route_literals(i, k), best = 0, share = SIZE_MAX;

		for (size_t j = 0; j < nl; j++) {
			size_t s = lit_share(all, nall, &k[j]);

			if (s < share) {
				share = s;
				best = j;
			}
		}
		if (nl) {
			route_ix.keys[route_ix.nkeys++] = k[best];
			continue;
		}
		k[0].nsegs = (unsigned char)template_segs(prs_routes[i].path);
		route_ix.bare[k[0].nsegs][route_ix.nbare[k[0].nsegs]++] =
			(unsigned short)i;
	}
}

static bool same_literal(const lit_key *a, const lit_key *b)
{
	return a->nsegs == b->nsegs && a->pos == b->pos && a->len == b->len &&
	       memcmp(a->text, b->text, a->len) == 0;
}

#define HASH_MUL 0x9e3779b97f4a7c15ull

/* The first slot to look for the literal in: a hash of its position and
 * text, read 8 bytes at a time, the last word overlapping the one before
 * it. */
static size_t lit_slot(const lit_key *k)
{
	uint64_t h = ((uint64_t)k->nsegs << 16 | (uint64_t)k->pos << 8) ^
		     k->len, w = 0;
	size_t i = 0;

	if (k->len < 8) {
		memcpy(&w, k->text, k->len);
	} else {
		for (; i + 8 < k->len; i += 8) {
			memcpy(&w, k->text + i, 8);
			h = (h ^ w) * HASH_MUL;
		}
		memcpy(&w, k->text + k->len - 8, 8);
	}
	h = (h ^ w) * HASH_MUL;
	return (size_t)(h ^ h >> 32) & route_ix.mask;
}

/* Hash the sorted keys: one slot per literal, for the first of its run
 * of keys. False when out of memory. */
static bool hash_keys(void)
{
	size_t n = 16;

	while (n < 2 * (route_ix.nkeys + 1))
		n *= 2;
	route_ix.slots = calloc(n, sizeof(*route_ix.slots));
	route_ix.mask = n - 1;
	if (!route_ix.slots)
		return false;
	for (size_t i = 0; i < route_ix.nkeys; i++) {
		size_t s = lit_slot(&route_ix.keys[i]);

		if (i > 0 && same_literal(&route_ix.keys[i - 1],
					  &route_ix.keys[i]))
			continue;
		while (route_ix.slots[s])
			s = (s + 1) & route_ix.mask;
		route_ix.slots[s] = (unsigned short)(i + 1);
	}
	return true;
}

static void route_ix_build(void)
{
	size_t nall;
	lit_key *all = all_literals(&nall);

	route_ix.keys = malloc((prs_nroutes + 1) * sizeof(*route_ix.keys));
	for (size_t n = 0; n <= PRS_MAX_SEGS; n++)
		route_ix.bare[n] = malloc((prs_nroutes + 1) *
					  sizeof(*route_ix.bare[n]));
	route_ix.ok = all && route_ix.keys;
	for (size_t n = 0; n <= PRS_MAX_SEGS; n++)
		route_ix.ok = route_ix.ok && route_ix.bare[n];
	if (route_ix.ok) {
		file_routes(all, nall);
		qsort(route_ix.keys, route_ix.nkeys, sizeof(*route_ix.keys),
		      lit_cmp);
		route_ix.ok = route_ix.nkeys < 0xffff && hash_keys();
	}
	free(all);
	route_ix.expand = malloc(prs_nroutes + 1);
	for (size_t i = 0; route_ix.expand && i < prs_nroutes; i++)
		route_ix.expand[i] =
			(unsigned char)prs_api_expand(prs_routes[i].api);
}

/* The best route so far (see match): the higher score wins, then the
 * earlier row, as a scan of the table in order would have it. */
typedef struct pick {
	unsigned mbit;
	const seg *sg;
	char *const *dec;
	size_t ns;
	const prs_route *best;
	unsigned best_score;
} pick;

static void consider(pick *p, size_t id)
{
	const prs_route *rt = &prs_routes[id];
	unsigned score;

	if (!(rt->methods & p->mbit) ||
	    !match(rt->path, p->sg, p->dec, p->ns, &score))
		return;
	if (!p->best || score > p->best_score ||
	    (score == p->best_score && rt < p->best)) {
		p->best = rt;
		p->best_score = score;
	}
}

/* The routes filed under the request's segment at `pos`. */
static void consider_filed(pick *p, size_t pos)
{
	lit_key k = { (unsigned char)p->ns, (unsigned char)pos, 0,
		      (unsigned short)p->sg[pos].len, p->sg[pos].raw };
	size_t s, a;

	if (p->sg[pos].len > 0xffff)
		return;
	for (s = lit_slot(&k); route_ix.slots[s]; s = (s + 1) & route_ix.mask)
		if (same_literal(&route_ix.keys[route_ix.slots[s] - 1], &k))
			break;
	for (a = route_ix.slots[s]; a && a <= route_ix.nkeys &&
	     same_literal(&route_ix.keys[a - 1], &k); a++)
		consider(p, route_ix.keys[a - 1].id);
}

static const prs_route *route_find(unsigned mbit, const seg *sg,
				   char *const *dec, size_t ns)
{
	pick p = { mbit, sg, dec, ns, NULL, 0 };

	pthread_once(&route_ix_once, route_ix_build);
	if (!route_ix.ok) {
		for (size_t i = 0; i < prs_nroutes; i++)
			if (template_segs(prs_routes[i].path) == ns)
				consider(&p, i);
		return p.best;
	}
	for (size_t i = 0; i < ns; i++)
		consider_filed(&p, i);
	for (size_t i = 0; i < route_ix.nbare[ns]; i++)
		consider(&p, route_ix.bare[ns][i]);
	return p.best;
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
					"invalid percent-encoding or UTF-8");
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

/* The APIs whose wildcards reach more than the open indices when the
 * request does not say, and the transport action each sends with those
 * indices options: open reaches the closed ones; deleting an index and
 * changing its settings or mapping act on closed indices too (their
 * requests' defaults); the reads listed take all of them. */
#define ALL_IX (PRS_EXPAND_OPEN | PRS_EXPAND_CLOSED | PRS_EXPAND_HIDDEN)
#define OPEN_CLOSED (PRS_EXPAND_OPEN | PRS_EXPAND_CLOSED)

static const struct {
	const char *api, *action;    /* action NULL: none of its own */
	unsigned expand;
} api_expand[] = {
	{ "cat.aliases", NULL, ALL_IX },
	{ "cat.indices", NULL, ALL_IX },
	{ "cluster.health", "cluster:monitor/health", ALL_IX },
	{ "indices.delete", "indices:admin/delete", OPEN_CLOSED },
	{ "indices.exists_alias", NULL, ALL_IX },
	{ "indices.get_alias", "indices:admin/aliases/get", ALL_IX },
	{ "indices.get_settings", "indices:monitor/settings/get", ALL_IX },
	{ "indices.open", "indices:admin/open", PRS_EXPAND_CLOSED },
	{ "indices.put_mapping", "indices:admin/mapping/put", OPEN_CLOSED },
	{ "indices.put_settings", "indices:admin/settings/update",
	  OPEN_CLOSED },
};

unsigned prs_api_expand(const char *api)
{
	for (size_t i = 0; i < sizeof(api_expand) / sizeof(api_expand[0]); i++)
		if (strcmp(api_expand[i].api, api) == 0)
			return api_expand[i].expand;
	return 0;
}

unsigned prs_action_expand(const char *action)
{
	for (size_t i = 0; i < sizeof(api_expand) / sizeof(api_expand[0]); i++)
		if (api_expand[i].action &&
		    strcmp(api_expand[i].action, action) == 0)
			return api_expand[i].expand;
	return 0;
}

static int query_opts(prs_ctx *c)
{
	const char *v = prs_param_get(c, "expand_wildcards");

	c->opts.ignore_unavailable = -1;
	c->opts.allow_no_indices = -1;
	c->opts.expand = -1;
	/* the route index, built by route_find, has it for every route */
	c->opts.expand_default = route_ix.expand
		? route_ix.expand[c->route - prs_routes]
		: (unsigned char)prs_api_expand(c->route->api);
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
					"bad path: invalid percent-encoding or "
					"UTF-8 in segment %zu", i + 1);
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
