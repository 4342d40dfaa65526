/*
 * Builders: the operations of a routed request, from its path parts and
 * its body.
 *
 * Every op of the top-level request has item -1. A compound request
 * (_bulk, _mget, _mtermvectors, _msearch) has a cluster op for its own
 * action and one op per sub-request, numbered from 0 in body order.
 *
 * Requests that the peer runs as further requests of the same user carry
 * ops for those too, all with item -1, told apart by their role:
 *   single-document index/create/delete: the item action plus
 *     indices:data/write/bulk[s] on the index, and a cluster op
 *     indices:data/write/bulk (role "bulk"): the peer wraps the document
 *     in a one-item bulk;
 *   _delete_by_query / _update_by_query: the by-query action on the path
 *     indices, a search of them (role "source"), the delete or index with
 *     bulk[s] on the same indices (role "dest") and the cluster bulk op
 *     (role "bulk"); the internal scroll and clear-scroll are not listed;
 *   _reindex: the cluster reindex op, a search of source.index (role
 *     "source", PRS_REMOTE_SRC when source.remote is set), an index with
 *     bulk[s] of dest.index (role "dest", PRS_CREATES) and the cluster
 *     bulk op (role "bulk");
 *   a query clause that reads another index (a terms lookup, a
 *     pre-indexed shape, a percolated document, a more-like-this item):
 *     indices:data/read/get on that index, with the item of the search it
 *     is in (roles "terms_lookup", "indexed_shape", "percolate",
 *     "like_item"; see lookups[]);
 *   alias changes: indices:admin/aliases on the indices (role "index",
 *     or "remove_index" with indices:admin/delete) and on the alias names
 *     (role "alias", PRS_ALIAS_NAMES); an index created with aliases
 *     (create, clone/shrink/split, rollover) also needs
 *     indices:admin/aliases, and its alias names get an op;
 *   clone/shrink/split and rollover: the action on the source and on the
 *     new index (role "target", PRS_CREATES) when the request names it;
 *   snapshot restore: indices:admin/create and indices:data/write/index on
 *     the restored names (role "restore"; the request carries the rename
 *     pattern), PRS_GLOBAL_STATE when the global state is restored;
 *   handlers that send further requests (_cat/indices, search template,
 *     ...): see the route table (role "also").
 *
 * The peer's JSON parser refuses a repeated key, so every body with one is
 * a 400 here too: otherwise cJSON (first wins) and the peer's readers
 * (last wins) could see different indices.
 *
 * Source lines of _bulk are skipped by looking for the next '\n'; they are
 * never parsed. A last line without '\n' is still a line. A body that does
 * not fit its API is a 400 naming the part (and the NDJSON line) at fault.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers.h"

#define A_BULK "indices:data/write/bulk"
#define A_BULK_SHARD "indices:data/write/bulk[s]"
#define A_INDEX "indices:data/write/index"
#define A_UPDATE "indices:data/write/update"
#define A_DELETE "indices:data/write/delete"
#define A_SEARCH "indices:data/read/search"
#define A_GET "indices:data/read/get"
#define A_MGET_SHARD "indices:data/read/mget[shard]"
#define A_MTV_SHARD "indices:data/read/mtv[shard]"
#define A_ALIASES "indices:admin/aliases"
#define A_CREATE "indices:admin/create"
#define A_DELETE_INDEX "indices:admin/delete"

/* Flags of the ops a compound request is made of. */
#define F_SEARCH_ITEM (PRS_REDUCIBLE | PRS_EMPTY_ALL | PRS_REMOTE_OK)
#define F_DOC_WRITE (PRS_DOC | PRS_WRITE | PRS_CREATES | PRS_NO_WILDCARD)
#define F_DOC_DELETE (PRS_DOC | PRS_WRITE | PRS_NO_WILDCARD)
#define F_ALIAS_NEW (PRS_ALIAS_NAMES | PRS_CREATES)

/* ---------------------------------------------------------------------
 * JSON.
 */

enum { TEXT_OK, TEXT_DEEP, TEXT_NUL };

/* Check the JSON text before cJSON sees it: nesting within `max` (cJSON
 * has a fixed limit of its own), and no "\u0000" escape in a string (cJSON
 * would cut the string there, the peer would not). TEXT_DEEP wins over
 * TEXT_NUL. */
static int scan_text(const char *s, size_t n, size_t max)
{
	size_t depth = 0;
	bool str = false, nul = false;

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (str && ch == '\\') {
			if (i + 5 < n && memcmp(s + i + 1, "u0000", 5) == 0)
				nul = true;
			i++;
		} else if (ch == '"') {
			str = !str;
		} else if (!str && (ch == '{' || ch == '[')) {
			if (++depth > max)
				return TEXT_DEEP;
		} else if (!str && (ch == '}' || ch == ']') && depth > 0) {
			depth--;
		}
	}
	return nul ? TEXT_NUL : TEXT_OK;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

#define DUP_PAIRS 8

/* Does some object repeat a key? The peer's JSON parser refuses that, and
 * cJSON would keep the first where the peer's readers would keep the last,
 * so a repeated "_index" could name one index here and another there. */
static bool has_dup_keys(const cJSON *j, ng_arena *a)
{
	const cJSON *k;
	const char **keys;
	size_t n = 0, i = 0;

	cJSON_ArrayForEach(k, j) {
		n++;
		if ((cJSON_IsObject(k) || cJSON_IsArray(k)) &&
		    has_dup_keys(k, a))
			return true;
	}
	if (!cJSON_IsObject(j) || n < 2)
		return false;
	/* the usual few keys are compared pair by pair, without sorting */
	if (n <= DUP_PAIRS) {
		for (const cJSON *x = j->child; x; x = x->next)
			for (k = x->next; k; k = k->next)
				if (strcmp(x->string, k->string) == 0)
					return true;
		return false;
	}
	keys = ng_arena_alloc(a, n * sizeof(*keys));
	if (!keys)
		return true;
	cJSON_ArrayForEach(k, j)
		keys[i++] = k->string;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 1; i < n; i++)
		if (strcmp(keys[i - 1], keys[i]) == 0)
			return true;
	return false;
}

/* One JSON value filling [s, s+n), whitespace after it allowed; NULL when
 * the text is not that (or cJSON ran out of memory). */
static cJSON *parse_whole(const char *s, size_t n)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, false);

	if (j && end)
		while (end < s + n && strchr(" \t\r\n", *end) && *end)
			end++;
	if (j && end == s + n)
		return j;
	cJSON_Delete(j);
	return NULL;
}

/* Refuse a text that scan_text found too deep or holding "\u0000"; true
 * when it did. */
static bool text_refused(prs_ctx *c, int scan, const char *where, int item)
{
	if (scan == TEXT_DEEP)
		prs_fail(c, NG_ELIMIT, item, "%s: json nested deeper than %zu",
			 where, c->lim->max_depth);
	else if (scan == TEXT_NUL)
		prs_fail(c, NG_EBADREQ, item, "%s: a string holds \\u0000",
			 where);
	return scan != TEXT_OK;
}

/* Parse one JSON value that must fill [s, s+n). NULL with r->status set
 * when it is too deep, holds "\u0000", is not JSON, or repeats a key in
 * an object; `where` names the part for the message ("search body", "bulk
 * line 3"). A text held in a string of another (a search template's
 * source) sits `outer` levels deep, and its nesting counts on top of
 * those, so that the limit holds for the whole tree; `lenient` takes a
 * text that is not JSON (a mustache template) as NULL without a status. */
static cJSON *json_parse_at(prs_ctx *c, const char *s, size_t n,
			    const char *where, int item, size_t outer,
			    bool lenient)
{
	size_t max = c->lim->max_depth > outer ? c->lim->max_depth - outer : 0;
	int scan = scan_text(s, n, max);
	cJSON *j;

	/* too deep is refused before cJSON sees it, lenient or not */
	if ((scan == TEXT_DEEP || !lenient) && text_refused(c, scan, where, item))
		return NULL;
	j = parse_whole(s, n);
	if (!j) {
		if (!lenient)
			prs_fail(c, NG_EBADREQ, item, "%s: not valid json", where);
		return NULL;
	}
	if (text_refused(c, scan, where, item)) {
		cJSON_Delete(j);
		return NULL;
	}
	if (has_dup_keys(j, c->a)) {
		cJSON_Delete(j);
		prs_fail(c, NG_EBADREQ, item, "%s: a key is repeated in an "
			 "object", where);
		return NULL;
	}
	return j;
}

static cJSON *json_parse(prs_ctx *c, const char *s, size_t n,
			 const char *where, int item)
{
	return json_parse_at(c, s, n, where, item, 0, false);
}

/* The body as a JSON object; NULL with r->status set when it is not. */
static cJSON *body_object(prs_ctx *c, const char *where)
{
	cJSON *j = json_parse(c, c->body, c->blen, where, -1);

	if (j && !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		prs_fail(c, NG_EBADREQ, -1, "%s: not a json object", where);
		return NULL;
	}
	return j;
}

/* Append a JSON string or array of strings to op's expression. */
static int json_exprs(prs_ctx *c, prs_op *op, const cJSON *v,
		      const char *where)
{
	const cJSON *e;
	int rc;

	if (cJSON_IsString(v))
		return prs_op_expr(c, op, v->valuestring,
				   strlen(v->valuestring));
	if (!cJSON_IsArray(v))
		return prs_fail(c, NG_EBADREQ, op->item,
				"%s: not a string or an array of strings",
				where);
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e))
			return prs_fail(c, NG_EBADREQ, op->item,
					"%s: not a string or an array of "
					"strings", where);
		rc = prs_op_expr(c, op, e->valuestring,
				 strlen(e->valuestring));
		if (rc != 0 || c->r->status)
			return rc;
	}
	return 0;
}

/* The member named `snake` or `camel` that comes last: the peer reads
 * options under both spellings, and the later one wins. */
static const cJSON *option(const cJSON *o, const char *snake,
			   const char *camel)
{
	const cJSON *k, *v = NULL;

	cJSON_ArrayForEach(k, o)
		if (strcmp(k->string, snake) == 0 ||
		    strcmp(k->string, camel) == 0)
			v = k;
	return v;
}

/* A boolean option from a JSON object (msearch header, snapshot body). */
static int json_opt_bool(prs_ctx *c, const cJSON *v, signed char *out,
			 const char *where, int item)
{
	if (!v)
		return 0;
	if (cJSON_IsBool(v))
		*out = cJSON_IsTrue(v) ? 1 : 0;
	else if (cJSON_IsString(v) && strcmp(v->valuestring, "true") == 0)
		*out = 1;
	else if (cJSON_IsString(v) && strcmp(v->valuestring, "false") == 0)
		*out = 0;
	else
		return prs_fail(c, NG_EBADREQ, item, "%s: bad %s", where,
				v->string);
	return 0;
}

/* expand_wildcards as a comma list or an array of words; -1 if bad. */
static int json_expand(const cJSON *v)
{
	const cJSON *e;
	int bits = 0, b;

	if (cJSON_IsString(v))
		return prs_parse_expand(v->valuestring, strlen(v->valuestring));
	if (!cJSON_IsArray(v))
		return -1;
	cJSON_ArrayForEach(e, v) {
		b = cJSON_IsString(e) ? prs_parse_expand(e->valuestring,
							 strlen(e->valuestring))
				      : -1;
		if (b < 0)
			return -1;
		bits |= b;
	}
	return bits;
}

/* ignore_unavailable, allow_no_indices and expand_wildcards of a JSON
 * object override those of the query string. */
static int json_opts(prs_ctx *c, const cJSON *o, prs_opts *opts,
		     const char *where, int item)
{
	const cJSON *v = option(o, "expand_wildcards", "expandWildcards");
	int bits;

	json_opt_bool(c, option(o, "ignore_unavailable", "ignoreUnavailable"),
		      &opts->ignore_unavailable, where, item);
	json_opt_bool(c, option(o, "allow_no_indices", "allowNoIndices"),
		      &opts->allow_no_indices, where, item);
	if (!v || c->r->status)
		return 0;
	bits = json_expand(v);
	if (bits < 0)
		return prs_fail(c, NG_EBADREQ, item,
				"%s: bad expand_wildcards", where);
	opts->expand = (signed char)bits;
	return 0;
}

/* ---------------------------------------------------------------------
 * The top-level op and the further requests of the handler.
 */

static bool is_cluster_action(const char *a)
{
	return strncmp(a, "cluster:", 8) == 0;
}

/* Index actions join the top-level op, unless that is a cluster action
 * (then they get an op of their own on the same indices); cluster actions
 * get an op each. Ops may move when one is added: use indices. */
static int add_also(prs_ctx *c, size_t top)
{
	const prs_route *rt = c->route;
	const char *const *p;
	prs_op *op;

	p = rt->index_also;
	if (p && *p && is_cluster_action(c->r->ops[top].actions[0])) {
		op = prs_op_new(c, -1, *p++, c->r->ops[top].flags, "also");
		if (!op)
			return NG_ENOMEM;
		op->exprs = c->r->ops[top].exprs;
		op->nexprs = c->r->ops[top].nexprs;
		top = c->r->nops - 1;
	}
	for (; p && *p; p++)
		prs_op_also(&c->r->ops[top], *p);
	for (p = rt->cluster_also; p && *p; p++)
		if (!prs_op_new(c, -1, *p, 0, "also"))
			return NG_ENOMEM;
	return 0;
}

/* The top-level op with the route's action and flags on its index part.
 * *out is its position in r->ops, or (size_t)-1 for a route without an
 * action (help texts). */
static int top_op(prs_ctx *c, size_t *out)
{
	const prs_route *rt = c->route;
	const char *v = rt->index ? prs_part(c, rt->index) : NULL;
	prs_op *op;
	int rc;

	*out = (size_t)-1;
	if (!rt->action)
		return 0;
	op = prs_op_new(c, -1, rt->action, rt->flags, NULL);
	if (!op)
		return NG_ENOMEM;
	*out = c->r->nops - 1;
	if (v) {
		rc = prs_op_expr(c, op, v, strlen(v));
		if (rc != 0 || c->r->status)
			return rc;
	}
	return add_also(c, *out);
}

static int build_plain(prs_ctx *c)
{
	size_t top;

	return top_op(c, &top);
}

/* An op on the decoded text of a path part, if the path has it. */
static int part_op(prs_ctx *c, const char *part, const char *action,
		   unsigned flags, const char *role, prs_op **out)
{
	const char *v = prs_part(c, part);
	prs_op *op;

	*out = NULL;
	if (!v)
		return 0;
	op = prs_op_new(c, -1, action, flags, role);
	if (!op)
		return NG_ENOMEM;
	*out = op;
	return prs_op_expr(c, op, v, strlen(v));
}

/* Copy an op's expression into a new op. */
static prs_op *same_indices(prs_ctx *c, size_t from, const char *action,
			    unsigned flags, const char *role)
{
	prs_op *op = prs_op_new(c, -1, action, flags, role);

	if (op) {
		op->exprs = c->r->ops[from].exprs;
		op->nexprs = c->r->ops[from].nexprs;
	}
	return op;
}

/* ---------------------------------------------------------------------
 * Queries: clauses that read another index.
 *
 * Some clauses fetch a document of another index while the query runs,
 * as the caller: a terms lookup, a pre-indexed shape, the document to
 * percolate, a more-like-this item. Each read is an op with
 * indices:data/read/get on the index the clause names, with the item of
 * the search it is in and the clause's role. The whole body is walked: a
 * query may sit under query, post_filter, aggs, rescore, knn filters and
 * more, and an extra check is always safe. Queries given as text are read
 * too: the base64 query of a wrapper clause, and the source of a search
 * template. The nesting of a text counts on top of the value holding it,
 * so the depth limit holds for the whole tree and bounds the walk.
 */

/* Where a clause names the index it reads: from the clause's object,
 * `path` leads to the objects that name it, each step a member name, "*"
 * for every member (field names), or "[]" for the value or, when it is an
 * array, each of its elements. Such an object's member `index` names the
 * index; without that member, `fallback` is read (NULL: none). */
typedef struct lookup {
	const char *clause;
	const char *path[2];
	const char *index;
	const char *fallback;
	const char *role;
} lookup;

static const lookup lookups[] = {
	/* "terms": {"user": {"index": "users", "id": "1", "path": "p"}} */
	{ "terms", { "*" }, "index", NULL, "terms_lookup" },
	/* "geo_shape": {"area": {"indexed_shape": {"id": "de"}}}: the peer
	 * reads the index "shapes" when none is named */
	{ "geo_shape", { "*", "indexed_shape" }, "index", "shapes",
	  "indexed_shape" },
	{ "xy_shape", { "*", "indexed_shape" }, "index", "shapes",
	  "indexed_shape" },
	/* "like": ["text", {"_index": "a", "_id": "1"}]: an item without
	 * _index is a document of the searched indices, checked already */
	{ "more_like_this", { "like", "[]" }, "_index", NULL, "like_item" },
	{ "more_like_this", { "unlike", "[]" }, "_index", NULL, "like_item" },
	{ "mlt", { "like", "[]" }, "_index", NULL, "like_item" },
	{ "mlt", { "unlike", "[]" }, "_index", NULL, "like_item" },
	/* "percolate": {"field": "q", "index": "docs", "id": "1"} */
	{ "percolate", { NULL }, "index", NULL, "percolate" },
};

#define NLOOKUPS (sizeof(lookups) / sizeof(lookups[0]))

/* The read that an object at the end of a lookup's path names. An index
 * that is not a string is refused: the peer would read a number as a name
 * or refuse the request, and either way this one cannot be checked. */
static int lookup_read(prs_ctx *c, int item, const lookup *l,
		       const cJSON *o)
{
	const cJSON *idx = cJSON_GetObjectItemCaseSensitive(o, l->index);
	const char *name = cJSON_IsString(idx) ? idx->valuestring
					       : l->fallback;
	prs_op *op;

	if (!cJSON_IsObject(o))
		return 0;
	if (idx && !cJSON_IsString(idx))
		return prs_fail(c, NG_EBADREQ, item, "%s query: %s is not a "
				"string", l->clause, l->index);
	if (!name)
		return 0;
	op = prs_op_new(c, item, A_GET, PRS_DOC | PRS_LOOKUP, l->role);
	if (!op)
		return NG_ENOMEM;
	return prs_op_expr(c, op, name, strlen(name));
}

/* Follow l->path from `v`, which step `i` starts from. */
static int lookup_follow(prs_ctx *c, int item, const lookup *l,
			 const cJSON *v, size_t i)
{
	const char *step = i < 2 ? l->path[i] : NULL;
	bool each = step && (strcmp(step, "*") == 0 ||
			     (strcmp(step, "[]") == 0 && cJSON_IsArray(v)));
	const cJSON *k;
	int rc;

	if (!step)
		return lookup_read(c, item, l, v);
	if (strcmp(step, "[]") == 0 && !each)
		return lookup_follow(c, item, l, v, i + 1);
	if (!each) {
		k = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, step)
				      : NULL;
		return k ? lookup_follow(c, item, l, k, i + 1) : 0;
	}
	cJSON_ArrayForEach(k, v) {
		rc = lookup_follow(c, item, l, k, i + 1);
		if (rc != 0 || c->r->status)
			return rc;
	}
	return 0;
}

static int tree_reads(prs_ctx *c, const cJSON *j, int item, size_t depth);

/* The reads of a query held as text in a string inside a value `depth`
 * deep; json_parse_at says what `lenient` leaves alone. */
static int text_reads(prs_ctx *c, const char *s, size_t n, int item,
		      size_t depth, const char *where, bool lenient)
{
	cJSON *j = json_parse_at(c, s, n, where, item, depth, lenient);
	int rc;

	if (!j)
		return 0;
	rc = tree_reads(c, j, item, depth + 1);
	cJSON_Delete(j);
	return rc;
}

static int b64_value(char ch)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = ch ? strchr(set, ch) : NULL;

	return p ? (int)(p - set) : -1;
}

/* Decode base64 into the arena: a superset of what the peer's JSON parser
 * decodes, which skips control bytes and spaces and starts a new group
 * after padding, so that the same text gives the same bytes. NULL when a
 * byte is not base64 (the peer refuses such a text); *oom when memory ran
 * out. */
static char *b64_decode(ng_arena *a, const char *s, size_t n, size_t *len,
			bool *oom)
{
	unsigned char *out = ng_arena_alloc(a, n / 4 * 3 + 3);
	unsigned acc = 0, bits = 0;
	int v;

	*len = 0;
	*oom = !out;
	for (size_t i = 0; out && i < n; i++) {
		if ((unsigned char)s[i] <= ' ')
			continue;
		if (s[i] == '=') {
			bits = 0;
			continue;
		}
		v = b64_value(s[i]);
		if (v < 0)
			return NULL;
		acc = (acc << 6 | (unsigned)v) & 0xfff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[(*len)++] = (unsigned char)(acc >> bits);
		}
	}
	return (char *)out;
}

/* "wrapper": {"query": "<base64 of a query>"}: the peer decodes the query
 * and runs it. `depth` is the wrapper object's. Any other shape is no
 * wrapper query (the peer refuses one with other members), and neither is
 * a text that is not base64. The peer also reads YAML, CBOR and Smile
 * there: anything but JSON is refused. */
static int wrapper_reads(prs_ctx *c, const cJSON *w, int item, size_t depth)
{
	const cJSON *q = w->child;
	bool oom = false;
	size_t n = 0;
	char *text;

	if (!cJSON_IsString(q) || q->next || strcmp(q->string, "query") != 0)
		return 0;
	text = b64_decode(c->a, q->valuestring, strlen(q->valuestring), &n,
			  &oom);
	if (oom)
		return NG_ENOMEM;
	if (!text)
		return 0;
	if (memchr(text, '\0', n))
		return prs_fail(c, NG_EBADREQ, item, "wrapper query: not valid "
				"json");
	return text_reads(c, text, n, item, depth, "wrapper query", false);
}

/* The reads of clause `k`, `depth` deep. A body without any of these
 * clause names is not parsed at all (search_key). */
static int clause_reads(prs_ctx *c, const cJSON *k, int item, size_t depth)
{
	int rc;

	if (k->string[0] == 'w' && strcmp(k->string, "wrapper") == 0)
		return wrapper_reads(c, k, item, depth);
	for (size_t i = 0; i < NLOOKUPS; i++) {
		if (lookups[i].clause[0] != k->string[0] ||
		    strcmp(lookups[i].clause, k->string) != 0)
			continue;
		rc = lookup_follow(c, item, &lookups[i], k, 0);
		if (rc != 0 || c->r->status)
			return rc;
	}
	return 0;
}

/* The reads of every clause in the tree `j`, which is `depth` deep (1: a
 * body or a line). */
static int tree_reads(prs_ctx *c, const cJSON *j, int item, size_t depth)
{
	const cJSON *k;
	int rc = 0;

	cJSON_ArrayForEach(k, j) {
		if (cJSON_IsObject(k) && k->string)
			rc = clause_reads(c, k, item, depth + 1);
		if (rc == 0 && !c->r->status &&
		    (cJSON_IsObject(k) || cJSON_IsArray(k)))
			rc = tree_reads(c, k, item, depth + 1);
		if (rc != 0 || c->r->status)
			return rc;
	}
	return 0;
}

/* The reads of a body's queries. */
static int query_reads(prs_ctx *c, const cJSON *j, int item)
{
	return tree_reads(c, j, item, 1);
}

/* A template (a search template body, an _msearch/template item, a
 * rank_eval template) may give its source as text, under "source" or its
 * older names "inline" and "template" (an object there is walked with the
 * body). The peer renders the text and parses the result. A text without
 * a mustache tag is parsed as it is, so here too, and one that is not JSON
 * is refused as the peer refuses it. A text with tags is read when it is
 * JSON already (tags inside strings), and left alone when it is not
 * (docs/limitations.md). `depth` is the template's; `part` names the part
 * of the request it is in. */
static int template_reads(prs_ctx *c, const cJSON *tpl, int item,
			  size_t depth, const char *part)
{
	static const char *const names[] = { "source", "inline", "template" };
	const cJSON *src;
	char where[64];
	int rc;

	snprintf(where, sizeof(where), "%s: template source", part);
	for (size_t i = 0; i < 3; i++) {
		src = cJSON_IsObject(tpl) ? cJSON_GetObjectItemCaseSensitive(
						    tpl, names[i])
					  : NULL;
		if (!cJSON_IsString(src))
			continue;
		rc = text_reads(c, src->valuestring, strlen(src->valuestring),
				item, depth, where, strstr(src->valuestring, "{{") != NULL);
		if (rc != 0 || c->r->status)
			return rc;
	}
	return 0;
}

/* Is the body of this api (or each body of an _msearch/template) a
 * template, or a list of them? */
static bool templated_api(const char *api)
{
	return (api[0] == 's' && strcmp(api, "search_template") == 0) ||
	       (api[0] == 'm' && strcmp(api, "msearch_template") == 0) ||
	       (api[0] == 'r' && strcmp(api, "rank_eval") == 0);
}

/* The templates of a body: a search template body is one; a rank_eval
 * body lists them as templates[].template, 4 deep. */
static int body_templates(prs_ctx *c, const cJSON *j, int item,
			  const char *part)
{
	const char *api = c->route->api;
	const cJSON *t;
	int rc;

	if (strcmp(api, "search_template") == 0 ||
	    strcmp(api, "msearch_template") == 0)
		return template_reads(c, j, item, 1, part);
	if (strcmp(api, "rank_eval") != 0)
		return 0;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(j, "templates")) {
		rc = template_reads(c, cJSON_GetObjectItemCaseSensitive(
					       t, "template"), item, 4, part);
		if (rc != 0 || c->r->status)
			return rc;
	}
	return 0;
}

/* The peer's legacy model lets a search through whose body is exactly
 * this, narrowing it to the readable indices: no query, size 0, and one
 * aggregation, named "indices", a terms aggregation on _index without
 * sub-aggregations. (A body without "aggs" or "aggregations" is not
 * parsed: search_key.) */
static bool index_terms_agg(const cJSON *j)
{
	const cJSON *size, *aggs, *agg, *terms;

	if (cJSON_GetObjectItemCaseSensitive(j, "query"))
		return false;
	size = cJSON_GetObjectItemCaseSensitive(j, "size");
	aggs = option(j, "aggs", "aggregations");
	if (!cJSON_IsNumber(size) || size->valuedouble != 0 ||
	    !cJSON_IsObject(aggs) || cJSON_GetArraySize(aggs) != 1)
		return false;
	agg = aggs->child;
	terms = cJSON_GetObjectItemCaseSensitive(agg, "terms");
	terms = cJSON_GetObjectItemCaseSensitive(terms, "field");
	return strcmp(agg->string, "indices") == 0 && cJSON_IsString(terms) &&
	       strcmp(terms->valuestring, "_index") == 0 &&
	       !option(agg, "aggs", "aggregations");
}

/* The reads of a search body's queries and templates; for a search,
 * whether its body is only the _index terms aggregation. op is the
 * position of the search op; `part` names the body for messages. */
static int search_body(prs_ctx *c, const cJSON *j, int item, size_t op,
		       const char *part)
{
	int rc;

	if (index_terms_agg(j) && (strcmp(c->route->api, "search") == 0 ||
				   strcmp(c->route->api, "msearch") == 0))
		c->r->ops[op].flags |= PRS_INDEX_TERMS_AGG;
	rc = query_reads(c, j, item);
	if (rc == 0 && !c->r->status)
		rc = body_templates(c, j, item, part);
	return rc;
}

/* Is the key of n bytes (n > 0, no NUL) `name`? Its first two bytes rule
 * out most names before any call. */
static bool key_is(const char *k, size_t n, const char *name)
{
	return name[0] == k[0] && (n == 1 || name[1] == k[1]) &&
	       strncmp(k, name, n) == 0 && name[n] == '\0';
}

/* Does search_body read a member of this name, whatever its value: a
 * clause that reads another index, a wrapper query, the aggregations of
 * the _index terms aggregation? A body with none of these is skipped, so
 * every name search_body reads must be here. */
static bool search_key(const char *k, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < NLOOKUPS; i++)
		if (key_is(k, n, lookups[i].clause))
			return true;
	return key_is(k, n, "wrapper") || key_is(k, n, "aggs") ||
	       key_is(k, n, "aggregations");
}

/* A search body in which search_body has nothing to read, which
 * json_parse would take: the usual {"query":{"match_all":{}}}. It is
 * not parsed (see prs_json_plain). Templates are always parsed. */
static bool plain_search_body(prs_ctx *c, const char *s, size_t n)
{
	return !templated_api(c->route->api) &&
	       prs_json_plain(s, n, c->lim->max_depth, search_key);
}

static int body_terms(prs_ctx *c, size_t top)
{
	cJSON *j;
	int rc;

	if (!c->body || plain_search_body(c, c->body, c->blen))
		return 0;
	j = body_object(c, "query body");
	if (!j)
		return 0;
	rc = search_body(c, j, -1, top, "query body");
	cJSON_Delete(j);
	return rc;
}

static int build_search(prs_ctx *c)
{
	size_t top;
	int rc = top_op(c, &top);

	if (rc != 0 || c->r->status)
		return rc;
	return body_terms(c, top);
}

/* ---------------------------------------------------------------------
 * Single documents.
 */

/* index/create/delete run as a one-item bulk: the item action and
 * bulk[s] on the index, and the cluster bulk action. */
static int build_doc_write(prs_ctx *c)
{
	size_t top;
	int rc = top_op(c, &top);

	if (rc != 0 || c->r->status)
		return rc;
	prs_op_also(&c->r->ops[top], A_BULK_SHARD);
	return prs_op_new(c, -1, A_BULK, 0, "bulk") ? 0 : NG_ENOMEM;
}

/* ---------------------------------------------------------------------
 * NDJSON.
 */

typedef struct ndjson {
	const char *p, *end;
	size_t line;           /* number of the line last returned, from 1 */
} ndjson;

/* The next line, without its "\n" or "\r\n"; false at the end. */
static bool nd_next(ndjson *it, const char **s, size_t *n)
{
	const char *nl;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	*s = it->p;
	*n = (size_t)((nl ? nl : it->end) - it->p);
	it->p = nl ? nl + 1 : it->end;
	if (*n && (*s)[*n - 1] == '\r')
		(*n)--;
	it->line++;
	return true;
}

static bool blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r", s[i]) || !s[i])
			return false;
	return true;
}

/* "api line N", as messages name an NDJSON line, into where[cap]. It is
 * written for every line read, error or not, so without stdio. */
static const char *line_where(char *where, size_t cap, const char *api,
			      size_t line)
{
	char text[64], *p = text + sizeof(text);
	size_t alen = strlen(api), len;

	*--p = '\0';
	do {
		*--p = (char)('0' + line % 10);
		line /= 10;
	} while (line);
	p -= 6;
	memcpy(p, " line ", 6);
	if (alen > (size_t)(p - text))
		alen = (size_t)(p - text);
	p -= alen;
	memcpy(p, api, alen);
	len = (size_t)(text + sizeof(text) - 1 - p);
	if (len >= cap)
		len = cap - 1;
	memcpy(where, p, len);
	where[len] = '\0';
	return where;
}

/* Parse an NDJSON line that must be a JSON object. */
static cJSON *nd_object(prs_ctx *c, const char *api, const ndjson *it,
			const char *s, size_t n, int item)
{
	char where[48];
	cJSON *j;

	line_where(where, sizeof(where), api, it->line);
	if (n > c->lim->max_line) {
		prs_fail(c, NG_ELIMIT, item, "%s: longer than %zu bytes",
			 where, c->lim->max_line);
		return NULL;
	}
	j = json_parse(c, s, n, where, item);
	if (j && !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		prs_fail(c, NG_EBADREQ, item, "%s: not a json object", where);
		return NULL;
	}
	return j;
}

static int too_many(prs_ctx *c, const char *api, size_t n)
{
	if (n < c->lim->max_items)
		return 0;
	return prs_fail(c, NG_ELIMIT, (int)n, "%s: more than %zu items", api,
			c->lim->max_items);
}

/* The compound request's own op, with no index. */
static int compound_top(prs_ctx *c)
{
	c->r->compound = true;
	if (!prs_op_new(c, -1, c->route->action, 0, NULL))
		return NG_ENOMEM;
	return add_also(c, c->r->nops - 1);
}

/* ---------------------------------------------------------------------
 * _bulk
 */

static const struct {
	const char *op;
	const char *action;
	unsigned flags;
	bool source;           /* followed by a source line */
} bulk_ops[] = {
	{ "index", A_INDEX, F_DOC_WRITE, true },
	{ "create", A_INDEX, F_DOC_WRITE, true },
	{ "update", A_UPDATE, F_DOC_WRITE, true },
	{ "delete", A_DELETE, F_DOC_DELETE, false },
};

static int bulk_kind(const char *name)
{
	for (size_t i = 0; i < sizeof(bulk_ops) / sizeof(bulk_ops[0]); i++)
		if (strcmp(bulk_ops[i].op, name) == 0)
			return (int)i;
	return -1;
}

/* One action line: the item's op. *kind gets the bulk_ops row. */
static int bulk_item(prs_ctx *c, const ndjson *it, const cJSON *line,
		     int item, int *kind)
{
	const cJSON *act = line->child, *idx;
	const char *def = prs_part(c, "index");
	prs_op *op;

	*kind = act && !act->next ? bulk_kind(act->string) : -1;
	if (*kind < 0 || !cJSON_IsObject(act))
		return prs_fail(c, NG_EBADREQ, item, "bulk line %zu: expected "
				"one of index, create, update, delete with an "
				"object", it->line);
	op = prs_op_new(c, item, bulk_ops[*kind].action,
			bulk_ops[*kind].flags, NULL);
	if (!op)
		return NG_ENOMEM;
	prs_op_also(op, A_BULK_SHARD);
	idx = cJSON_GetObjectItemCaseSensitive(act, "_index");
	if (idx && !cJSON_IsString(idx))
		return prs_fail(c, NG_EBADREQ, item, "bulk line %zu: _index "
				"is not a string", it->line);
	if (idx)
		return prs_op_expr(c, op, idx->valuestring,
				   strlen(idx->valuestring));
	if (!def)
		return prs_fail(c, NG_EBADREQ, item, "bulk line %zu: index is "
				"missing", it->line);
	return prs_op_expr(c, op, def, strlen(def));
}

/* ---------------------------------------------------------------------
 * _bulk action lines, fast path. Almost every action line has the shape
 * {"index":{"_index":"logs","_id":"1"}}: one key whose value is an object
 * of plain strings. Such a line is read here without building a cJSON
 * tree. Anything else (escapes, control bytes, numbers, nesting, repeated
 * keys, an unknown op, an over-long line) is left to the general reader
 * above, which alone reports errors, so that both accept and reject
 * exactly the same lines with the same result.
 */

typedef struct bulk_scan {
	const char *p, *end;
} bulk_scan;

typedef struct span {
	const char *s;
	size_t n;
} span;

static void bs_space(bulk_scan *b)
{
	while (b->p < b->end && (*b->p == ' ' || *b->p == '\t'))
		b->p++;
}

static bool bs_char(bulk_scan *b, char ch)
{
	bs_space(b);
	if (b->p >= b->end || *b->p != ch)
		return false;
	b->p++;
	return true;
}

/* A string without escapes or control bytes. */
static bool bs_string(bulk_scan *b, span *out)
{
	if (!bs_char(b, '"'))
		return false;
	out->s = b->p;
	while (b->p < b->end && *b->p != '"') {
		if (*b->p == '\\' || (unsigned char)*b->p < 0x20)
			return false;
		b->p++;
	}
	if (b->p >= b->end)
		return false;
	out->n = (size_t)(b->p++ - out->s);
	return true;
}

static bool span_is(span a, const char *lit)
{
	return a.n == strlen(lit) && memcmp(a.s, lit, a.n) == 0;
}

#define BULK_FAST_KEYS 8

/* The inner object's members; *index gets "_index" (s NULL when absent). */
static bool bs_members(bulk_scan *b, span *index)
{
	span keys[BULK_FAST_KEYS], v;
	size_t nk = 0;

	index->s = NULL;
	if (bs_char(b, '}'))
		return true;
	do {
		if (nk == BULK_FAST_KEYS || !bs_string(b, &keys[nk]) ||
		    !bs_char(b, ':') || !bs_string(b, &v))
			return false;
		for (size_t i = 0; i < nk; i++)
			if (keys[i].n == keys[nk].n &&
			    !memcmp(keys[i].s, keys[nk].s, keys[i].n))
				return false;
		if (span_is(keys[nk], "_index"))
			*index = v;
		nk++;
	} while (bs_char(b, ','));
	return bs_char(b, '}');
}

/* Read a plain action line: its op and its "_index"; false otherwise. */
static bool bulk_fast_line(prs_ctx *c, const char *s, size_t n, span *op,
			   span *index)
{
	bulk_scan b = { s, s + n };

	if (n > c->lim->max_line || c->lim->max_depth < 3)
		return false;
	if (!bs_char(&b, '{') || !bs_string(&b, op) || !bs_char(&b, ':') ||
	    !bs_char(&b, '{') || !bs_members(&b, index) || !bs_char(&b, '}'))
		return false;
	bs_space(&b);
	return b.p == b.end;
}

#define BULK_SLOW 1         /* leave the line to the general reader */
#define BULK_STOP 2         /* the line is not an object: stop reading */

/* As bulk_item, for a line bulk_fast_line read; BULK_SLOW when the op is
 * not one of bulk_ops (the general reader then reports it). */
static int bulk_fast_item(prs_ctx *c, span opname, span index, int item,
			  int *kind)
{
	const char *def = prs_part(c, "index");
	prs_op *op;

	*kind = -1;
	for (size_t i = 0; i < sizeof(bulk_ops) / sizeof(bulk_ops[0]); i++)
		if (span_is(opname, bulk_ops[i].op))
			*kind = (int)i;
	if (*kind < 0 || (!index.s && !def))
		return BULK_SLOW;
	op = prs_op_new(c, item, bulk_ops[*kind].action,
			bulk_ops[*kind].flags, NULL);
	if (!op)
		return NG_ENOMEM;
	prs_op_also(op, A_BULK_SHARD);
	if (index.s)
		return prs_op_expr(c, op, index.s, index.n);
	return prs_op_expr(c, op, def, strlen(def));
}

/* One action line, by the fast path when it applies; BULK_STOP when it
 * is not a JSON object (the failure is recorded). */
static int bulk_line(prs_ctx *c, const ndjson *it, const char *s, size_t n,
		     int *kind)
{
	int item = (int)c->r->nitems, rc = BULK_SLOW;
	span op = { NULL, 0 }, index = { NULL, 0 };
	cJSON *line;

	if (bulk_fast_line(c, s, n, &op, &index))
		rc = bulk_fast_item(c, op, index, item, kind);
	if (rc != BULK_SLOW)
		return rc;
	line = nd_object(c, "bulk", it, s, n, item);
	if (!line)
		return BULK_STOP;
	rc = bulk_item(c, it, line, item, kind);
	cJSON_Delete(line);
	return rc;
}

static int build_bulk(prs_ctx *c)
{
	ndjson it = { c->body, c->body ? c->body + c->blen : NULL, 0 };
	const char *s;
	size_t n;
	int rc = compound_top(c), kind;

	if (rc == 0 && !c->body)
		return prs_fail(c, NG_EBADREQ, -1, "bulk body: missing");

	while (rc == 0 && !c->r->status && nd_next(&it, &s, &n)) {
		if (blank_line(s, n))
			continue;
		if (too_many(c, "bulk", c->r->nitems))
			break;
		rc = bulk_line(c, &it, s, n, &kind);
		if (rc == BULK_STOP) {
			rc = 0;
			break;
		}
		c->r->nitems++;
		if (rc == 0 && !c->r->status && bulk_ops[kind].source &&
		    !nd_next(&it, &s, &n))
			prs_fail(c, NG_EBADREQ, (int)c->r->nitems - 1,
				 "bulk line %zu: source line is missing",
				 it.line);
	}
	if (rc == 0 && !c->r->status && c->r->nitems == 0)
		prs_fail(c, NG_EBADREQ, -1, "bulk body: no requests");
	return rc;
}

/* ---------------------------------------------------------------------
 * _msearch and _msearch/template: header lines name the indices.
 */

static int msearch_item(prs_ctx *c, const ndjson *it, const cJSON *head,
			int item)
{
	const char *def = prs_part(c, "index");
	const cJSON *idx = option(head, "index", "indices");
	char where[48];
	prs_op *op = prs_op_new(c, item, A_SEARCH, F_SEARCH_ITEM, NULL);
	int rc;

	if (!op)
		return NG_ENOMEM;
	line_where(where, sizeof(where), "msearch", it->line);
	rc = json_opts(c, head, &op->opts, where, item);
	if (rc != 0 || c->r->status)
		return rc;
	if (idx)
		return json_exprs(c, op, idx, where);
	if (def)
		return prs_op_expr(c, op, def, strlen(def));
	return 0;
}

/* The body after a header: a search, or for _msearch/template a template
 * (see template_reads), whose queries may read other indices. */
static int msearch_body(prs_ctx *c, ndjson *it, int item)
{
	const char *s;
	char part[48];
	size_t n;
	cJSON *j;
	int rc;

	if (!nd_next(it, &s, &n))
		return prs_fail(c, NG_EBADREQ, item, "msearch line %zu: search "
				"body line is missing", it->line);
	if (blank_line(s, n) ||
	    (n <= c->lim->max_line && plain_search_body(c, s, n)))
		return 0;
	j = nd_object(c, "msearch", it, s, n, item);
	if (!j)
		return 0;
	line_where(part, sizeof(part), "msearch", it->line);
	rc = search_body(c, j, item, c->r->nops - 1, part);
	cJSON_Delete(j);
	return rc;
}

/* A header of the usual shape, {"index":"logs"} with a plain string, is
 * read without a cJSON tree, as bulk_fast_line reads action lines; any
 * other is left to nd_object and msearch_item, which alone report errors
 * and read it to the same op. */
static bool msearch_fast_head(prs_ctx *c, const char *s, size_t n,
			      span *index)
{
	bulk_scan b = { s, s + n };
	span key;

	if (n > c->lim->max_line || c->lim->max_depth < 1)
		return false;
	if (!bs_char(&b, '{') || !bs_string(&b, &key) ||
	    !span_is(key, "index") || !bs_char(&b, ':') ||
	    !bs_string(&b, index) || !bs_char(&b, '}'))
		return false;
	bs_space(&b);
	return b.p == b.end;
}

/* The search op of a header msearch_fast_head read. */
static int msearch_fast_item(prs_ctx *c, span index, int item)
{
	prs_op *op = prs_op_new(c, item, A_SEARCH, F_SEARCH_ITEM, NULL);

	return op ? prs_op_expr(c, op, index.s, index.n) : NG_ENOMEM;
}

/* An empty header line is an empty header, as for the peer. A header
 * with no index takes the path index; with neither, all indices. */
static int build_msearch(prs_ctx *c)
{
	ndjson it = { c->body, c->body ? c->body + c->blen : NULL, 0 };
	const char *s;
	size_t n;
	int rc = compound_top(c);

	if (rc == 0 && !c->body)
		return prs_fail(c, NG_EBADREQ, -1, "msearch body: missing");
	while (rc == 0 && !c->r->status && nd_next(&it, &s, &n)) {
		int item = (int)c->r->nitems;
		span index;
		cJSON *head;

		/* the peer skips an empty first line, and a blank line after
		 * the last search is no header */
		if ((it.line == 1 && n == 0) ||
		    (blank_line(s, n) && it.p >= it.end))
			continue;
		if (too_many(c, "msearch", c->r->nitems))
			break;
		if (!blank_line(s, n) && msearch_fast_head(c, s, n, &index)) {
			rc = msearch_fast_item(c, index, item);
		} else {
			head = blank_line(s, n)
				       ? cJSON_CreateObject()
				       : nd_object(c, "msearch", &it, s, n, item);
			if (!head)
				return c->r->status ? 0 : NG_ENOMEM;
			rc = msearch_item(c, &it, head, item);
			cJSON_Delete(head);
		}
		c->r->nitems++;
		if (rc == 0 && !c->r->status)
			rc = msearch_body(c, &it, item);
	}
	if (rc == 0 && !c->r->status && c->r->nitems == 0)
		prs_fail(c, NG_EBADREQ, -1, "msearch body: no requests");
	return rc;
}

/* ---------------------------------------------------------------------
 * _mget and _mtermvectors: docs[]._index, or ids on the path index.
 */

static int doc_item(prs_ctx *c, const char *action, const char *idx,
		    const char *api)
{
	int item = (int)c->r->nitems;
	prs_op *op;
	int rc;

	if (too_many(c, api, c->r->nitems))
		return 0;
	if (!idx)
		return prs_fail(c, NG_EBADREQ, item, "%s docs[%d]: index is "
				"missing", api, item);
	op = prs_op_new(c, item, action, PRS_DOC, NULL);
	if (!op)
		return NG_ENOMEM;
	c->r->nitems++;
	rc = prs_op_expr(c, op, idx, strlen(idx));
	return rc;
}

static int mget_docs(prs_ctx *c, const cJSON *docs, const char *action,
		     const char *api)
{
	const char *def = prs_part(c, "index");
	const cJSON *d, *idx;
	int rc = 0;

	if (!cJSON_IsArray(docs))
		return prs_fail(c, NG_EBADREQ, -1, "%s body: docs is not an "
				"array", api);
	cJSON_ArrayForEach(d, docs) {
		if (!cJSON_IsObject(d))
			return prs_fail(c, NG_EBADREQ, (int)c->r->nitems,
					"%s docs[%zu]: not an object", api,
					c->r->nitems);
		idx = cJSON_GetObjectItemCaseSensitive(d, "_index");
		if (idx && !cJSON_IsString(idx))
			return prs_fail(c, NG_EBADREQ, (int)c->r->nitems,
					"%s docs[%zu]: _index is not a string",
					api, c->r->nitems);
		rc = doc_item(c, action, idx ? idx->valuestring : def, api);
		if (rc != 0 || c->r->status)
			return rc;
	}
	return 0;
}

/* ids, from the body or the query string, all on the path index. */
static int mget_ids(prs_ctx *c, size_t n, const char *action,
		    const char *api)
{
	const char *def = prs_part(c, "index");
	int rc;

	for (size_t i = 0; i < n; i++) {
		rc = doc_item(c, action, def, api);
		if (rc != 0 || c->r->status)
			return rc;
	}
	return 0;
}

static size_t count_csv(const char *s)
{
	size_t n = *s ? 1 : 0;

	for (; *s; s++)
		n += *s == ',';
	return n;
}

/* The body's docs and ids, in the order they come: items are numbered
 * as the peer numbers them. */
static int mget_body(prs_ctx *c, const cJSON *j, const char *action,
		     const char *api)
{
	const cJSON *k;
	int rc = 0;

	cJSON_ArrayForEach(k, j) {
		if (strcmp(k->string, "docs") == 0)
			rc = mget_docs(c, k, action, api);
		else if (strcmp(k->string, "ids") == 0 && !cJSON_IsArray(k))
			rc = prs_fail(c, NG_EBADREQ, -1, "%s body: ids is not "
				      "an array", api);
		else if (strcmp(k->string, "ids") == 0)
			rc = mget_ids(c, (size_t)cJSON_GetArraySize(k), action,
				      api);
		else
			rc = prs_fail(c, NG_EBADREQ, -1, "%s body: unknown key "
				      "%s, expected docs or ids", api,
				      k->string);
		if (rc != 0 || c->r->status)
			return rc;
	}
	return 0;
}

static int multi_get(prs_ctx *c, const char *action, const char *api)
{
	const char *ids = prs_param_get(c, "ids");
	cJSON *j = NULL;
	int rc = compound_top(c);

	if (rc == 0 && ids && *ids)
		rc = mget_ids(c, count_csv(ids), action, api);
	if (rc == 0 && !c->r->status && c->body) {
		j = body_object(c, strcmp(api, "mget") ? "mtermvectors body"
						       : "mget body");
		if (j)
			rc = mget_body(c, j, action, api);
	}
	cJSON_Delete(j);
	if (rc == 0 && !c->r->status && c->r->nitems == 0)
		prs_fail(c, NG_EBADREQ, -1, "%s body: no documents", api);
	return rc;
}

static int build_mget(prs_ctx *c)
{
	return multi_get(c, A_MGET_SHARD, "mget");
}

static int build_mtv(prs_ctx *c)
{
	return multi_get(c, A_MTV_SHARD, "mtermvectors");
}

/* ---------------------------------------------------------------------
 * By query and reindex.
 */

static int build_by_query(prs_ctx *c)
{
	bool del = strcmp(c->route->api, "delete_by_query") == 0;
	size_t top;
	prs_op *op;
	int rc = top_op(c, &top);

	if (rc != 0 || c->r->status)
		return rc;
	if (!same_indices(c, top, A_SEARCH, PRS_EMPTY_ALL, "source"))
		return NG_ENOMEM;
	op = same_indices(c, top, del ? A_DELETE : A_INDEX, PRS_EMPTY_ALL,
			  "dest");
	if (!op)
		return NG_ENOMEM;
	prs_op_also(op, A_BULK_SHARD);
	if (!prs_op_new(c, -1, A_BULK, 0, "bulk"))
		return NG_ENOMEM;
	return body_terms(c, top);
}

static int reindex_source(prs_ctx *c, const cJSON *src)
{
	const cJSON *idx = cJSON_GetObjectItemCaseSensitive(src, "index");
	bool remote = cJSON_GetObjectItemCaseSensitive(src, "remote") != NULL;
	prs_op *op;

	if (!cJSON_IsObject(src))
		return prs_fail(c, NG_EBADREQ, -1, "reindex body: source is "
				"missing or not an object");
	if (!idx)
		return prs_fail(c, NG_EBADREQ, -1, "reindex body: "
				"source.index is missing");
	op = prs_op_new(c, -1, A_SEARCH, remote ? PRS_REMOTE_SRC : 0,
			"source");
	if (!op)
		return NG_ENOMEM;
	return json_exprs(c, op, idx, "reindex body: source.index");
}

static int reindex_dest(prs_ctx *c, const cJSON *dst)
{
	const cJSON *idx = cJSON_GetObjectItemCaseSensitive(dst, "index");
	prs_op *op;
	int rc;

	if (!cJSON_IsObject(dst) || !cJSON_IsString(idx))
		return prs_fail(c, NG_EBADREQ, -1, "reindex body: dest.index "
				"is missing or not a string");
	op = prs_op_new(c, -1, A_INDEX,
			PRS_WRITE | PRS_CREATES | PRS_NO_WILDCARD, "dest");
	if (!op)
		return NG_ENOMEM;
	prs_op_also(op, A_BULK_SHARD);
	rc = prs_op_expr(c, op, idx->valuestring, strlen(idx->valuestring));
	if (rc != 0 || c->r->status)
		return rc;
	return prs_op_new(c, -1, A_BULK, 0, "bulk") ? 0 : NG_ENOMEM;
}

static int build_reindex(prs_ctx *c)
{
	const cJSON *src;
	cJSON *j;
	size_t top;
	int rc = top_op(c, &top);

	if (rc != 0 || c->r->status)
		return rc;
	if (!c->body)
		return prs_fail(c, NG_EBADREQ, -1, "reindex body: missing");
	j = body_object(c, "reindex body");
	if (!j)
		return 0;
	rc = reindex_source(c, cJSON_GetObjectItemCaseSensitive(j, "source"));
	if (rc == 0 && !c->r->status)
		rc = reindex_dest(c,
				  cJSON_GetObjectItemCaseSensitive(j, "dest"));
	src = cJSON_GetObjectItemCaseSensitive(j, "source");
	/* a terms lookup of a remote source runs on the remote cluster */
	if (rc == 0 && !c->r->status &&
	    !cJSON_GetObjectItemCaseSensitive(src, "remote"))
		rc = tree_reads(c, src, -1, 2);
	cJSON_Delete(j);
	return rc;
}

/* ---------------------------------------------------------------------
 * Indices and aliases.
 */

/* An op on alias names (JSON string or array), role "alias". */
static int alias_names(prs_ctx *c, const cJSON *v, unsigned flags,
		       const char *where)
{
	prs_op *op = prs_op_new(c, -1, A_ALIASES, flags, "alias");

	if (!op)
		return NG_ENOMEM;
	return json_exprs(c, op, v, where);
}

/* Body "aliases" of a request that creates an index (create, clone,
 * shrink, split, rollover): the new index, at ops[target] (none: -1), also
 * needs indices:admin/aliases, and the alias names get an op of their
 * own. */
static int new_index_aliases(prs_ctx *c, size_t target, const char *where)
{
	const cJSON *al, *k;
	cJSON *j = body_object(c, where);
	prs_op *op;
	int rc = 0;

	al = cJSON_GetObjectItemCaseSensitive(j, "aliases");
	if (j && al && !cJSON_IsObject(al))
		rc = prs_fail(c, NG_EBADREQ, -1, "%s: aliases is not an object",
			      where);
	if (rc == 0 && !c->r->status && al && al->child) {
		if (target != (size_t)-1)
			prs_op_also(&c->r->ops[target], A_ALIASES);
		op = prs_op_new(c, -1, A_ALIASES, F_ALIAS_NEW, "alias");
		rc = op ? 0 : NG_ENOMEM;
		for (k = al->child; rc == 0 && !c->r->status && k; k = k->next)
			rc = prs_op_expr(c, op, k->string, strlen(k->string));
	}
	cJSON_Delete(j);
	return rc;
}

/* PUT /{index}: body aliases are created with the index. */
static int build_create_index(prs_ctx *c)
{
	size_t top;
	int rc = top_op(c, &top);

	if (rc != 0 || c->r->status || !c->body)
		return rc;
	return new_index_aliases(c, top, "create index body");
}

/* One action of POST /_aliases: {"add": {"index": ..., "alias": ...}}. */
static int alias_action(prs_ctx *c, const cJSON *a, size_t n)
{
	const cJSON *act = a->child, *ix = NULL, *al = NULL;
	const char *kind = act && act->string ? act->string : "";
	bool add = strcmp(kind, "add") == 0;
	bool rmi = strcmp(kind, "remove_index") == 0;
	prs_op *op;
	int rc;

	if (!cJSON_IsObject(a) || !act || act->next || !cJSON_IsObject(act) ||
	    (!add && !rmi && strcmp(kind, "remove") != 0))
		return prs_fail(c, NG_EBADREQ, -1, "aliases body: actions[%zu] "
				"is not one add, remove or remove_index", n);
	/* with both spellings, the later one wins, as for the peer */
	ix = option(act, "index", "indices");
	al = option(act, "alias", "aliases");
	if (!ix || (!al && !rmi))
		return prs_fail(c, NG_EBADREQ, -1, "aliases body: actions[%zu] "
				"needs index and alias", n);
	op = prs_op_new(c, -1, A_ALIASES, PRS_V4_REDUCIBLE,
			rmi ? "remove_index" : "index");
	if (!op)
		return NG_ENOMEM;
	if (rmi)
		prs_op_also(op, A_DELETE_INDEX);
	rc = json_exprs(c, op, ix, "aliases body: index");
	if (rc != 0 || c->r->status || rmi)
		return rc;
	return alias_names(c, al, add ? F_ALIAS_NEW : PRS_ALIAS_NAMES,
			   "aliases body: alias");
}

static int build_aliases(prs_ctx *c)
{
	const cJSON *acts, *a;
	cJSON *j;
	size_t n = 0;
	int rc = 0;

	if (!c->body)
		return prs_fail(c, NG_EBADREQ, -1, "aliases body: missing");
	j = body_object(c, "aliases body");
	if (!j)
		return 0;
	acts = cJSON_GetObjectItemCaseSensitive(j, "actions");
	if (!cJSON_IsArray(acts) || !acts->child)
		rc = prs_fail(c, NG_EBADREQ, -1, "aliases body: actions is not "
			      "a non-empty array");
	cJSON_ArrayForEach(a, acts) {
		if (rc != 0 || c->r->status)
			break;
		rc = alias_action(c, a, n++);
	}
	cJSON_Delete(j);
	return rc;
}

/* Alias names in the path part {name}, with `flags`. */
static int path_aliases(prs_ctx *c, unsigned flags)
{
	prs_op *op;

	return part_op(c, "name", c->route->action, flags | PRS_ALIAS_NAMES,
		       "alias", &op);
}

/* Drop the op at `i`, which no op added later refers to. */
static void drop_op(prs_request *r, size_t i)
{
	memmove(&r->ops[i], &r->ops[i + 1], (r->nops - i - 1) * sizeof(*r->ops));
	r->nops--;
}

/* get/exists/delete alias, _cat/aliases: the indices, then the names.
 * Reading aliases by pattern may narrow to the allowed ones, like the
 * indices; an explicit name stays all or nothing. A read that names
 * aliases but no index (GET /_alias/{name}) reads the members of those
 * aliases, which the alias op checks: it has no index op. */
static int build_alias_path(prs_ctx *c)
{
	size_t top, n;
	int rc = top_op(c, &top);

	if (rc != 0 || c->r->status)
		return rc;
	n = c->r->nops;
	rc = path_aliases(c, c->route->flags & PRS_REDUCIBLE);
	if (rc != 0 || c->r->status || c->r->nops == n)
		return rc;
	if (c->r->ops[n].nexprs > 0 && c->r->ops[top].nexprs == 0 &&
	    top == n - 1 && c->r->ops[top].nactions == 1 &&
	    strcmp(c->route->action, "indices:admin/aliases/get") == 0)
		drop_op(c->r, top);
	return 0;
}

/* The peer reads a put-alias body as a flat stream of tokens: each
 * "index" or "alias" value at any depth replaces the one before it and the
 * path's, except inside an object under "filter", which it reads whole. */
typedef struct alias_scan {
	const char *field;          /* the last field name seen */
	const cJSON *index, *alias; /* the last values seen */
	bool bad;                   /* one of them was not a string */
} alias_scan;

static void scan_value(const cJSON *v, alias_scan *st)
{
	bool ix = st->field && strcmp(st->field, "index") == 0;
	bool al = st->field && strcmp(st->field, "alias") == 0;

	if ((!ix && !al) || cJSON_IsNull(v))
		return;
	if (!cJSON_IsString(v))
		st->bad = true;
	else if (ix)
		st->index = v;
	else
		st->alias = v;
}

static void scan_tokens(const cJSON *j, alias_scan *st)
{
	const cJSON *k;

	cJSON_ArrayForEach(k, j) {
		if (k->string)
			st->field = k->string;
		if (cJSON_IsObject(k) && st->field &&
		    strcmp(st->field, "filter") == 0)
			continue;
		if (cJSON_IsObject(k) || cJSON_IsArray(k))
			scan_tokens(k, st);
		else
			scan_value(k, st);
	}
}

/* The indices and alias of a put-alias request, from the path or else the
 * body (see alias_scan). */
static int put_alias_ops(prs_ctx *c, const alias_scan *st)
{
	const char *ix = st->index ? st->index->valuestring
				   : prs_part(c, "index");
	const char *al = st->alias ? st->alias->valuestring
				   : prs_part(c, "name");
	prs_op *op;
	int rc;

	if (!ix || !*ix)
		return prs_fail(c, NG_EBADREQ, -1, "put alias: index is "
				"missing");
	if (!al || !*al)
		return prs_fail(c, NG_EBADREQ, -1, "put alias: alias is "
				"missing");
	op = prs_op_new(c, -1, c->route->action, c->route->flags, NULL);
	if (!op)
		return NG_ENOMEM;
	rc = prs_op_expr(c, op, ix, strlen(ix));
	if (rc != 0 || c->r->status)
		return rc;
	op = prs_op_new(c, -1, c->route->action, F_ALIAS_NEW, "alias");
	if (!op)
		return NG_ENOMEM;
	return prs_op_expr(c, op, al, strlen(al));
}

static int build_put_alias(prs_ctx *c)
{
	alias_scan st = { NULL, NULL, NULL, false };
	cJSON *j = NULL;
	int rc;

	if (c->body) {
		j = body_object(c, "alias body");
		if (!j)
			return 0;
		scan_tokens(j, &st);
	}
	if (st.bad)
		rc = prs_fail(c, NG_EBADREQ, -1, "alias body: index or alias "
			      "is not a string");
	else
		rc = put_alias_ops(c, &st);
	cJSON_Delete(j);
	return rc;
}

/* The op on the new index of a resize or rollover, if the request names
 * it, and the aliases the body gives that index. */
static int new_index_op(prs_ctx *c, const char *part, const char *where)
{
	size_t target = (size_t)-1;
	prs_op *op;
	int rc = part_op(c, part, c->route->action,
			 PRS_CREATES | PRS_NO_WILDCARD, "target", &op);

	if (rc != 0 || c->r->status || !c->body)
		return rc;
	if (op)
		target = c->r->nops - 1;
	return new_index_aliases(c, target, where);
}

/* clone/shrink/split: the action on the source and on the new target. */
static int build_resize(prs_ctx *c)
{
	size_t top;
	int rc = top_op(c, &top);

	if (rc != 0 || c->r->status)
		return rc;
	return new_index_op(c, "target", "resize body");
}

/* The alias (or data stream) rolled over, and the new index if named. */
static int build_rollover(prs_ctx *c)
{
	size_t top;
	int rc = top_op(c, &top);

	if (rc != 0 || c->r->status)
		return rc;
	return new_index_op(c, "new_index", "rollover body");
}

/* ---------------------------------------------------------------------
 * Cluster actions whose body names indices.
 */

/* A restore creates and writes its targets: the body's indices (none:
 * every index of the snapshot), renamed by rename_pattern and
 * rename_replacement, which the request passes on for the engine. */
static int restore_targets(prs_ctx *c, const cJSON *j, size_t top)
{
	const cJSON *pat = cJSON_GetObjectItemCaseSensitive(j, "rename_pattern");
	const cJSON *rep = cJSON_GetObjectItemCaseSensitive(
		j, "rename_replacement");
	const cJSON *gs = cJSON_GetObjectItemCaseSensitive(
		j, "include_global_state");
	prs_op *op;

	if (cJSON_IsTrue(gs) ||
	    (cJSON_IsString(gs) && strcmp(gs->valuestring, "true") == 0))
		c->r->ops[top].flags |= PRS_GLOBAL_STATE;
	if (cJSON_IsString(pat))
		c->r->rename_pattern = ng_arena_strdup(c->a, pat->valuestring);
	if (cJSON_IsString(rep))
		c->r->rename_replacement = ng_arena_strdup(c->a,
							   rep->valuestring);
	if ((cJSON_IsString(pat) && !c->r->rename_pattern) ||
	    (cJSON_IsString(rep) && !c->r->rename_replacement))
		return NG_ENOMEM;
	op = same_indices(c, top, A_CREATE, PRS_CREATES, "restore");
	if (!op)
		return NG_ENOMEM;
	prs_op_also(op, A_INDEX);
	return 0;
}

/* Snapshot create/clone/restore, remote store restore: body "indices"
 * (string, comma list or array) and the resolution options. */
static int build_body_indices(prs_ctx *c)
{
	bool restore = strcmp(c->route->api, "snapshot.restore") == 0;
	const cJSON *ix;
	cJSON *j = NULL;
	size_t top;
	int rc = top_op(c, &top);

	if (rc != 0 || c->r->status)
		return rc;
	if (c->body) {
		j = body_object(c, "snapshot body");
		if (!j)
			return 0;
		rc = json_opts(c, j, &c->r->ops[top].opts, "snapshot body", -1);
	}
	ix = cJSON_GetObjectItemCaseSensitive(j, "indices");
	if (rc == 0 && !c->r->status && ix)
		rc = json_exprs(c, &c->r->ops[top], ix, "snapshot body: indices");
	if (rc == 0 && !c->r->status && restore)
		rc = restore_targets(c, j, top);
	cJSON_Delete(j);
	return rc;
}

/* Allocation explain ("index") and painless execute
 * ("context_setup.index"). */
static int build_body_index(prs_ctx *c)
{
	const cJSON *o, *ix;
	cJSON *j;
	size_t top;
	int rc = top_op(c, &top);

	if (rc != 0 || c->r->status || !c->body)
		return rc;
	j = body_object(c, "request body");
	o = cJSON_GetObjectItemCaseSensitive(j, "context_setup");
	ix = cJSON_GetObjectItemCaseSensitive(o ? o : j, "index");
	if (cJSON_IsString(ix))
		rc = prs_op_expr(c, &c->r->ops[top], ix->valuestring,
				 strlen(ix->valuestring));
	cJSON_Delete(j);
	return rc;
}

/* commands[].<command>.index */
static int build_reroute(prs_ctx *c)
{
	const cJSON *cmds, *cmd, *ix;
	cJSON *j;
	size_t top;
	int rc = top_op(c, &top);

	if (rc != 0 || c->r->status || !c->body)
		return rc;
	j = body_object(c, "reroute body");
	cmds = cJSON_GetObjectItemCaseSensitive(j, "commands");
	cJSON_ArrayForEach(cmd, cmds) {
		ix = cmd->child ? cJSON_GetObjectItemCaseSensitive(cmd->child,
								   "index")
				: NULL;
		if (cJSON_IsString(ix))
			rc = prs_op_expr(c, &c->r->ops[top], ix->valuestring,
					 strlen(ix->valuestring));
		if (rc != 0 || c->r->status)
			break;
	}
	cJSON_Delete(j);
	return rc;
}

/* ---------------------------------------------------------------------
 * SQL and PPL: the indices are named in the query text.
 */

/* The sources of the query join the top-level op when its action is an
 * index action (SQL), with a search of each; else (PPL, whose action is
 * a cluster action) they get a search op of their own, role "source". */
static int query_sources(prs_ctx *c, bool ppl, const char *text, size_t top)
{
	const char **names, *why;
	size_t n;
	prs_op *op;
	int rc = prs_query_sources(c->a, ppl, text, strlen(text), &names, &n,
				   &why);

	if (rc == NG_ENOMEM)
		return rc;
	if (rc != 0)
		return prs_fail(c, NG_EBADREQ, -1, "%s query: %s",
				ppl ? "ppl" : "sql", why);
	if (n == 0)
		return 0;
	if (is_cluster_action(c->r->ops[top].actions[0])) {
		op = prs_op_new(c, -1, A_SEARCH, 0, "source");
		if (!op)
			return NG_ENOMEM;
	} else {
		op = &c->r->ops[top];
		prs_op_also(op, A_SEARCH);
	}
	for (size_t i = 0; i < n && rc == 0 && !c->r->status; i++)
		rc = prs_op_expr(c, op, names[i], strlen(names[i]));
	return rc;
}

/* Body {"query": "..."}; for SQL, {"cursor": "..."} instead continues an
 * earlier query, whose indices are inside the cursor. A "filter" is a
 * query of its own and may look up terms. */
static int build_query_lang(prs_ctx *c)
{
	bool ppl = strncmp(c->route->api, "ppl", 3) == 0;
	const char *lang = ppl ? "ppl" : "sql";
	const cJSON *q, *cur;
	cJSON *j;
	size_t top;
	int rc = top_op(c, &top);

	if (rc != 0 || c->r->status)
		return rc;
	if (!c->body)
		return prs_fail(c, NG_EBADREQ, -1, "%s body: missing", lang);
	j = body_object(c, ppl ? "ppl body" : "sql body");
	if (!j)
		return 0;
	q = cJSON_GetObjectItemCaseSensitive(j, "query");
	cur = cJSON_GetObjectItemCaseSensitive(j, "cursor");
	if (cJSON_IsString(q))
		rc = query_sources(c, ppl, q->valuestring, top);
	else if (!q && !ppl && cJSON_IsString(cur))
		rc = 0;
	else
		rc = prs_fail(c, NG_EBADREQ, -1, "%s body: query is missing or "
			      "not a string", lang);
	if (rc == 0 && !c->r->status)
		rc = query_reads(c, j, -1);
	cJSON_Delete(j);
	return rc;
}

int prs_build_ops(prs_ctx *c)
{
	static int (*const builders[PRS_B_COUNT])(prs_ctx *) = {
		[PRS_B_PLAIN] = build_plain,
		[PRS_B_SEARCH] = build_search,
		[PRS_B_DOC_WRITE] = build_doc_write,
		[PRS_B_BULK] = build_bulk,
		[PRS_B_MGET] = build_mget,
		[PRS_B_MTV] = build_mtv,
		[PRS_B_MSEARCH] = build_msearch,
		[PRS_B_BY_QUERY] = build_by_query,
		[PRS_B_REINDEX] = build_reindex,
		[PRS_B_CREATE_INDEX] = build_create_index,
		[PRS_B_ALIASES] = build_aliases,
		[PRS_B_PUT_ALIAS] = build_put_alias,
		[PRS_B_ALIAS_PATH] = build_alias_path,
		[PRS_B_RESIZE] = build_resize,
		[PRS_B_ROLLOVER] = build_rollover,
		[PRS_B_BODY_INDICES] = build_body_indices,
		[PRS_B_BODY_INDEX] = build_body_index,
		[PRS_B_REROUTE] = build_reroute,
		[PRS_B_QUERY_LANG] = build_query_lang,
	};
	prs_build b = c->route->build;

	if ((unsigned)b >= PRS_B_COUNT || !builders[b])
		return prs_fail(c, NG_EINTERNAL, -1, "route %s has no builder",
				c->route->api);
	return builders[b](c);
}
