/*
 * REST decomposition: routing, the query string, body readers, limits.
 * Fixtures are read from data/rest/ (the runner starts in tests/).
 */
#include <CUnit/CUnit.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsers.h"
#include "suites.h"

static ng_arena arena;
static prs_request req;
static prs_limits limits = PRS_LIMITS_DEFAULT;

/* Decompose a request; the result lives until the next call. */
static prs_request *rest_n(const char *method, const char *path,
			   const char *body, size_t blen)
{
	int rc;

	ng_arena_reset(&arena);
	rc = prs_rest(&req, &arena, &limits, method, strlen(method), path,
		      strlen(path), body, blen);
	CU_ASSERT_EQUAL(rc, 0);
	return &req;
}

static prs_request *rest(const char *method, const char *path,
			 const char *body)
{
	return rest_n(method, path, body, body ? strlen(body) : 0);
}

/* The op's expression joined with '|', for comparing in one assert. */
static const char *exprs(const prs_op *op)
{
	static char buf[1024];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < op->nexprs && len < sizeof(buf) - 1; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					i ? "|" : "", op->exprs[i]);
	return buf;
}

static bool has_action(const prs_op *op, const char *action)
{
	for (unsigned i = 0; i < op->nactions; i++)
		if (strcmp(op->actions[i], action) == 0)
			return true;
	return false;
}

/* The first op of `item` with `action` among its actions and `role`
 * ("" for none), or NULL. */
static const prs_op *find(const prs_request *r, int item, const char *action,
			  const char *role)
{
	for (size_t i = 0; i < r->nops; i++) {
		const prs_op *op = &r->ops[i];
		const char *ro = op->role ? op->role : "";

		if (op->item == item && has_action(op, action) &&
		    strcmp(ro, role) == 0)
			return op;
	}
	return NULL;
}

/* Assert that such an op exists with these exprs, and return it. */
static const prs_op *expect_op(const prs_request *r, int item,
			       const char *action, const char *role,
			       const char *ex)
{
	const prs_op *op = find(r, item, action, role);

	CU_ASSERT_PTR_NOT_NULL_FATAL(op);
	if (strcmp(exprs(op), ex) != 0)
		fprintf(stderr, "\n  %s: exprs were \"%s\"\n", action,
			exprs(op));
	CU_ASSERT_STRING_EQUAL(exprs(op), ex);
	return op;
}

static void expect_ok(const prs_request *r, const char *api,
		      const char *action)
{
	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_PTR_NULL(r->error);
	CU_ASSERT_STRING_EQUAL(r->api, api);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->action);
	CU_ASSERT_STRING_EQUAL(r->action, action);
	CU_ASSERT_TRUE_FATAL(r->nops > 0);
	CU_ASSERT_EQUAL(r->ops[0].item, -1);
	CU_ASSERT_STRING_EQUAL(r->ops[0].actions[0], action);
}

static void expect_bad(const prs_request *r, int code, const char *msg)
{
	CU_ASSERT_EQUAL(r->status, 400);
	CU_ASSERT_EQUAL(r->code, code);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->error);
	if (!strstr(r->error, msg))
		fprintf(stderr, "\n  error was: %s\n", r->error);
	CU_ASSERT_PTR_NOT_NULL(strstr(r->error, msg));
	CU_ASSERT_PTR_NULL(strchr(r->error, '\n'));
}

static char *read_fixture(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "data/rest/%s", name);
	f = fopen(path, "rb");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	CU_ASSERT_FATAL(buf && fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* ---------------------------------------------------------------------
 * Search and routing.
 */

static void search_without_index_targets_all(void)
{
	prs_request *r = rest("GET", "/_search", NULL);
	const prs_op *op;

	expect_ok(r, "search", "indices:data/read/search");
	CU_ASSERT_EQUAL(r->nops, 1);
	op = expect_op(r, -1, "indices:data/read/search", "", "");
	CU_ASSERT_EQUAL(op->flags, PRS_REDUCIBLE | PRS_EMPTY_ALL |
				   PRS_REMOTE_OK);
	CU_ASSERT_FALSE(r->compound);
}

static void search_on_all_keeps_all_as_text(void)
{
	prs_request *r = rest("POST", "/_all/_search", "{}");

	expect_ok(r, "search", "indices:data/read/search");
	expect_op(r, -1, "indices:data/read/search", "", "_all");
}

static void search_percent_encoded_comma_and_star_act_like_plain(void)
{
	prs_request *r = rest("GET", "/logs%2Cmetrics%2A,-x/_search", NULL);

	expect_ok(r, "search", "indices:data/read/search");
	expect_op(r, -1, "indices:data/read/search", "", "logs|metrics*|-x");
}

static void search_percent_encoded_date_math_is_decoded(void)
{
	prs_request *r = rest("GET",
			      "/%3Clogs-%7Bnow%2Fd%7D%3E,%3Cm-%7Bnow%7D%3E"
			      "/_search", NULL);

	expect_ok(r, "search", "indices:data/read/search");
	expect_op(r, -1, "indices:data/read/search", "",
		  "<logs-{now/d}>|<m-{now}>");
}

static void encoded_slash_stays_inside_its_segment(void)
{
	prs_request *r = rest("GET", "/a%2Fb/_search", NULL);

	expect_ok(r, "search", "indices:data/read/search");
	expect_op(r, -1, "indices:data/read/search", "", "a/b");
}

static void doubled_and_trailing_slashes_collapse(void)
{
	prs_request *r = rest("GET", "//logs//_search/", NULL);

	expect_ok(r, "search", "indices:data/read/search");
	expect_op(r, -1, "indices:data/read/search", "", "logs");
	r = rest("PUT", "/ds_bwx1/", "{}");
	expect_ok(r, "indices.create", "indices:admin/create");
	expect_op(r, -1, "indices:admin/create", "", "ds_bwx1");
}

static void duplicate_query_parameter_last_one_wins(void)
{
	prs_request *r = rest("GET", "/x/_search?ignore_unavailable=false"
				     "&ignore_unavailable=true", NULL);

	expect_ok(r, "search", "indices:data/read/search");
	CU_ASSERT_EQUAL(r->ops[0].opts.ignore_unavailable, 1);
	r = rest("GET", "/x/_search?expand_wildcards=all"
			"&expand_wildcards=open", NULL);
	CU_ASSERT_EQUAL(r->ops[0].opts.expand, PRS_EXPAND_OPEN);
}

static void query_options_are_read(void)
{
	prs_request *r = rest("GET", "/x/_search?allow_no_indices=false&"
				     "expand_wildcards=open,hidden&q=a+b", NULL);

	CU_ASSERT_EQUAL(r->ops[0].opts.allow_no_indices, 0);
	CU_ASSERT_EQUAL(r->ops[0].opts.ignore_unavailable, -1);
	CU_ASSERT_EQUAL(r->ops[0].opts.expand,
			PRS_EXPAND_OPEN | PRS_EXPAND_HIDDEN);
	r = rest("GET", "/x/_search?expand_wildcards=none", NULL);
	CU_ASSERT_EQUAL(r->ops[0].opts.expand, 0);
	r = rest("GET", "/x/_search?ignore_unavailable", NULL);
	CU_ASSERT_EQUAL(r->ops[0].opts.ignore_unavailable, -1);
}

static void bad_query_values_are_400(void)
{
	expect_bad(rest("GET", "/x/_search?ignore_unavailable=yes", NULL),
		   NG_EBADREQ, "ignore_unavailable");
	expect_bad(rest("GET", "/x/_search?expand_wildcards=opn", NULL),
		   NG_EBADREQ, "expand_wildcards");
	expect_bad(rest("GET", "/x/_search?a=%zz", NULL), NG_EBADREQ,
		   "query string");
}

static void bad_percent_encoding_in_path_is_400(void)
{
	expect_bad(rest("GET", "/a%2/_search", NULL), NG_EBADREQ, "bad path");
	expect_bad(rest("GET", "/a%00b/_search", NULL), NG_EBADREQ,
		   "bad path");
	expect_bad(rest("GET", "_search", NULL), NG_EBADREQ, "bad path");
}

/* The index segment of "/{seg}/_search": `len` bytes of 'a' with `ins`
 * written over them from `at`; returns the path's length. */
static size_t index_path(char *path, size_t len, size_t at, const char *ins,
			 size_t ilen)
{
	size_t k = 0;

	path[k++] = '/';
	for (size_t i = 0; i < len; i++)
		path[k++] = 'a';
	memcpy(path + 1 + at, ins, ilen);
	memcpy(path + k, "/_search", 9);
	return k + 8;
}

/* Every byte of a segment counts, wherever it is and however long the
 * segment: it is decoded, or refused, as a whole. */
static void path_bytes_are_decoded_or_refused_anywhere(void)
{
	static const struct {
		const char *in, *out;
	} ok[] = { { "%41", "A" }, { "+", "+" }, { "\xc3\xa9", "\xc3\xa9" },
		   { "%2a", "*" }, { "~", "~" }, { "\x7f", "\x7f" } };
	static const char *const bad[] = { "%4g", "%00", "\xff", "\xc3",
					   "%ff", "%c3", "%zz" };
	char path[64], want[64];

	for (size_t len = 4; len <= 20; len++)
		for (size_t at = 0; at + 3 <= len; at++) {
			for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
				size_t n = index_path(path, len, at, ok[i].in,
						      strlen(ok[i].in));
				size_t w = at;

				memset(want, 'a', sizeof(want));
				memcpy(want + at, ok[i].out, strlen(ok[i].out));
				w += strlen(ok[i].out);
				w += len - at - strlen(ok[i].in);
				want[w] = '\0';
				ng_arena_reset(&arena);
				CU_ASSERT_EQUAL(prs_rest(&req, &arena, &limits,
							 "GET", 3, path, n,
							 NULL, 0), 0);
				CU_ASSERT_EQUAL_FATAL(req.status, 0);
				CU_ASSERT_STRING_EQUAL(exprs(&req.ops[0]), want);
			}
			for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
				size_t n = index_path(path, len, at, bad[i],
						      strlen(bad[i]));

				ng_arena_reset(&arena);
				prs_rest(&req, &arena, &limits, "GET", 3, path, n,
					 NULL, 0);
				expect_bad(&req, NG_EBADREQ, "bad path");
			}
			/* a NUL byte in the raw path */
			ng_arena_reset(&arena);
			prs_rest(&req, &arena, &limits, "GET", 3, path,
				 index_path(path, len, at, "", 1), NULL, 0);
			expect_bad(&req, NG_EBADREQ, "bad path");
		}
	/* in the query string, '+' is a space */
	expect_op(rest("GET", "/_search?index=a+b", NULL), -1,
		  "indices:data/read/search", "", "a b");
	expect_op(rest("GET", "/_search?index=a%2Bb", NULL), -1,
		  "indices:data/read/search", "", "a+b");
	expect_op(rest("GET", "/_search?index=abcdefgh%41", NULL), -1,
		  "indices:data/read/search", "", "abcdefghA");
	expect_bad(rest("GET", "/_search?index=abcdefgh\xff", NULL),
		   NG_EBADREQ, "query string");
}

static void unknown_api_is_403_and_names_the_request(void)
{
	prs_request *r = rest("GET", "/_foo?pretty", NULL);

	CU_ASSERT_EQUAL(r->status, 403);
	CU_ASSERT_EQUAL(r->code, NG_EUNKNOWNAPI);
	CU_ASSERT_STRING_EQUAL(r->error, "unknown api: GET /_foo");
	CU_ASSERT_STRING_EQUAL(r->api, "unknown");
	CU_ASSERT_EQUAL(r->nops, 0);
}

static void unusual_methods_are_unknown(void)
{
	CU_ASSERT_EQUAL(rest("get", "/_search", NULL)->status, 403);
	CU_ASSERT_EQUAL(rest("PATCH", "/x/_doc/1", "{}")->status, 403);
	CU_ASSERT_EQUAL(rest("OPTIONS", "/_search", NULL)->status, 403);
	CU_ASSERT_EQUAL(rest("", "/_search", NULL)->status, 403);
	/* a known path with a method it does not take */
	CU_ASSERT_EQUAL(rest("DELETE", "/_search", NULL)->status, 403);
	CU_ASSERT_EQUAL(rest("PUT", "/x/_search", NULL)->code,
			NG_EUNKNOWNAPI);
}

static void index_part_never_takes_an_underscore_name(void)
{
	CU_ASSERT_EQUAL(rest("GET", "/_foo/_search", NULL)->status, 403);
	CU_ASSERT_EQUAL(rest("PUT", "/_security", "{}")->status, 403);
	expect_ok(rest("DELETE", "/_all", NULL), "indices.delete",
		  "indices:admin/delete");
}

static void literal_segment_wins_over_a_part(void)
{
	expect_ok(rest("GET", "/_search/scroll", NULL), "scroll",
		  "indices:data/read/scroll");
	expect_ok(rest("GET", "/_snapshot/repo/_status", NULL),
		  "snapshot.status", "cluster:admin/snapshot/status");
	expect_ok(rest("POST", "/_index_template/_simulate", "{}"),
		  "indices.simulate_template",
		  "indices:admin/index_template/simulate");
	expect_ok(rest("GET", "/_nodes/stats/jvm", NULL), "nodes.stats",
		  "cluster:monitor/nodes/stats");
}

/* The peer answers 405 to HEAD on a GET-only route. */
static void head_takes_only_head_routes(void)
{
	prs_request *r = rest("HEAD", "/movies/_doc/1", NULL);

	expect_ok(r, "exists", "indices:data/read/get");
	expect_op(r, -1, "indices:data/read/get", "", "movies");
	expect_ok(rest("HEAD", "/movies", NULL), "indices.exists",
		  "indices:admin/get");
	expect_ok(rest("HEAD", "/", NULL), "ping", "cluster:monitor/main");
	r = rest("HEAD", "/_cluster/health", NULL);
	CU_ASSERT_EQUAL(r->status, 403);
	CU_ASSERT_STRING_EQUAL(r->error, "unknown api: HEAD /_cluster/health");
}

static void count_is_a_search(void)
{
	prs_request *r = rest("POST", "/a,b/_count", NULL);

	expect_ok(r, "count", "indices:data/read/search");
	expect_op(r, -1, "indices:data/read/search", "", "a|b");
}

static void terms_lookup_reads_the_lookup_index(void)
{
	prs_request *r = rest("GET", "/movies/_search",
			      "{\"query\":{\"bool\":{\"filter\":[{\"terms\":"
			      "{\"genre\":{\"index\":\"theater\",\"id\":\"1\","
			      "\"path\":\"g\"}}}]}},\"aggs\":{\"t\":{\"terms\":"
			      "{\"field\":\"f\"}}}}");
	const prs_op *op;

	expect_ok(r, "search", "indices:data/read/search");
	CU_ASSERT_EQUAL(r->nops, 2);
	expect_op(r, -1, "indices:data/read/search", "", "movies");
	op = expect_op(r, -1, "indices:data/read/get", "terms_lookup",
		       "theater");
	CU_ASSERT_TRUE(op->flags & PRS_DOC);
}

static void search_body_that_is_not_json_is_400(void)
{
	expect_bad(rest("POST", "/x/_search", "{\"query\":"), NG_EBADREQ,
		   "query body: not valid json");
	expect_bad(rest("POST", "/x/_search", "[1]"), NG_EBADREQ,
		   "not a json object");
	expect_bad(rest("POST", "/x/_search", "{} {}"), NG_EBADREQ,
		   "not valid json");
	expect_ok(rest("POST", "/x/_search", " \n"), "search",
		  "indices:data/read/search");
}

static void field_caps_is_a_reducible_remote_read(void)
{
	prs_request *r = rest("GET", "/a,eu:b/_field_caps?fields=x", NULL);
	const prs_op *op;

	expect_ok(r, "field_caps", "indices:data/read/field_caps");
	op = expect_op(r, -1, "indices:data/read/field_caps", "", "a|eu:b");
	CU_ASSERT_TRUE(op->flags & PRS_REMOTE_OK);
	CU_ASSERT_TRUE(op->flags & PRS_REDUCIBLE);
}

/* ---------------------------------------------------------------------
 * Documents.
 */

static void get_document_and_source_are_gets(void)
{
	prs_request *r = rest("GET", "/movies/_doc/1", NULL);
	const prs_op *op;

	expect_ok(r, "get", "indices:data/read/get");
	op = expect_op(r, -1, "indices:data/read/get", "", "movies");
	CU_ASSERT_EQUAL(op->flags, PRS_DOC);
	expect_ok(rest("GET", "/movies/_source/1", NULL), "get_source",
		  "indices:data/read/get");
	expect_ok(rest("HEAD", "/movies/_source/1", NULL), "exists_source",
		  "indices:data/read/get");
	r = rest("GET", "/b1/_doc/%3Cany%20doc%20id%3E", NULL);
	expect_op(r, -1, "indices:data/read/get", "", "b1");
}

static void index_document_runs_as_a_one_item_bulk(void)
{
	prs_request *r = rest("PUT", "/logs/_doc/1?op_type=create", "{}");
	const prs_op *op;

	expect_ok(r, "index", "indices:data/write/index");
	CU_ASSERT_EQUAL(r->nops, 2);
	op = expect_op(r, -1, "indices:data/write/index", "", "logs");
	CU_ASSERT_TRUE(has_action(op, "indices:data/write/bulk[s]"));
	CU_ASSERT_EQUAL(op->flags, PRS_DOC | PRS_WRITE | PRS_CREATES |
				   PRS_NO_WILDCARD);
	expect_op(r, -1, "indices:data/write/bulk", "bulk", "");
	r = rest("POST", "/logs/_doc/", "{}");
	expect_ok(r, "index", "indices:data/write/index");
	r = rest("PUT", "/logs/_create/7", "{}");
	expect_ok(r, "create", "indices:data/write/index");
	expect_op(r, -1, "indices:data/write/bulk", "bulk", "");
}

static void delete_document_never_creates(void)
{
	prs_request *r = rest("DELETE", "/logs/_doc/1", NULL);
	const prs_op *op;

	expect_ok(r, "delete", "indices:data/write/delete");
	op = expect_op(r, -1, "indices:data/write/delete", "", "logs");
	CU_ASSERT_FALSE(op->flags & PRS_CREATES);
	CU_ASSERT_TRUE(op->flags & PRS_WRITE);
	CU_ASSERT_TRUE(has_action(op, "indices:data/write/bulk[s]"));
	expect_op(r, -1, "indices:data/write/bulk", "bulk", "");
}

static void update_document_is_one_write(void)
{
	prs_request *r = rest("POST", "/logs/_update/1", "{\"doc\":{}}");
	const prs_op *op;

	expect_ok(r, "update", "indices:data/write/update");
	CU_ASSERT_EQUAL(r->nops, 1);
	op = expect_op(r, -1, "indices:data/write/update", "", "logs");
	CU_ASSERT_TRUE(op->flags & PRS_CREATES);
}

/* ---------------------------------------------------------------------
 * _mget
 */

static void mget_items_take_their_own_index_or_the_path_one(void)
{
	prs_request *r = rest("POST", "/def/_mget",
			      "{\"docs\":[{\"_index\":\"a\",\"_id\":\"1\"},"
			      "{\"_id\":\"2\"}],\"ids\":[\"3\",4]}");

	expect_ok(r, "mget", "indices:data/read/mget");
	CU_ASSERT_TRUE(r->compound);
	CU_ASSERT_EQUAL(r->nitems, 4);
	CU_ASSERT_EQUAL(r->ops[0].nexprs, 0);
	expect_op(r, 0, "indices:data/read/mget[shard]", "", "a");
	expect_op(r, 1, "indices:data/read/mget[shard]", "", "def");
	expect_op(r, 2, "indices:data/read/mget[shard]", "", "def");
	expect_op(r, 3, "indices:data/read/mget[shard]", "", "def");
}

static void mget_ids_in_the_query_string_use_the_path_index(void)
{
	prs_request *r = rest("GET", "/def/_mget?ids=1,2", NULL);

	expect_ok(r, "mget", "indices:data/read/mget");
	CU_ASSERT_EQUAL(r->nitems, 2);
	expect_op(r, 1, "indices:data/read/mget[shard]", "", "def");
}

static void mget_bodies_that_do_not_fit_are_400(void)
{
	prs_request *r;

	expect_bad(rest("POST", "/_mget", "{\"docs\":{\"_index\":\"a\"}}"),
		   NG_EBADREQ, "mget body: docs is not an array");
	r = rest("POST", "/_mget", "{\"docs\":[{\"_index\":\"a\"},"
				   "{\"_id\":\"1\"}]}");
	expect_bad(r, NG_EBADREQ, "mget docs[1]: index is missing");
	CU_ASSERT_EQUAL(r->error_item, 1);
	expect_bad(rest("POST", "/_mget", "{\"docs\":[]}"), NG_EBADREQ,
		   "no documents");
	expect_bad(rest("POST", "/_mget", "{\"docs\":[{\"_index\":1}]}"),
		   NG_EBADREQ, "_index is not a string");
	expect_bad(rest("POST", "/_mget", "docs"), NG_EBADREQ,
		   "not valid json");
}

/* ---------------------------------------------------------------------
 * _msearch
 */

static void msearch_headers_name_the_indices_of_each_search(void)
{
	size_t len;
	char *body = read_fixture("msearch_headers.ndjson", &len);
	prs_request *r = rest_n("POST", "/def/_msearch?ignore_unavailable=true",
				body, len);
	const prs_op *op;

	expect_ok(r, "msearch", "indices:data/read/msearch");
	CU_ASSERT_TRUE(r->compound);
	CU_ASSERT_EQUAL(r->nitems, 5);
	expect_op(r, 0, "indices:data/read/search", "", "a|b");
	expect_op(r, 1, "indices:data/read/search", "", "c|d*");
	op = expect_op(r, 2, "indices:data/read/search", "", "def");
	CU_ASSERT_EQUAL(op->opts.ignore_unavailable, 1);
	op = expect_op(r, 3, "indices:data/read/search", "", "e");
	CU_ASSERT_EQUAL(op->opts.ignore_unavailable, 0);
	CU_ASSERT_EQUAL(op->opts.expand, PRS_EXPAND_OPEN | PRS_EXPAND_CLOSED);
	CU_ASSERT_EQUAL(op->opts.allow_no_indices, 1);
	op = expect_op(r, 4, "indices:data/read/search", "", "def");
	CU_ASSERT_EQUAL(op->flags, PRS_REDUCIBLE | PRS_EMPTY_ALL |
				   PRS_REMOTE_OK);
	free(body);
}

static void msearch_without_any_index_targets_all(void)
{
	prs_request *r = rest("POST", "/_msearch", "{}\n{}\n\n{}\n");
	const prs_op *op;

	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(r->nitems, 2);
	op = expect_op(r, 1, "indices:data/read/search", "", "");
	CU_ASSERT_TRUE(op->flags & PRS_EMPTY_ALL);
}

static void msearch_without_final_newline_keeps_the_last_search(void)
{
	prs_request *r = rest("POST", "/_msearch",
			      "{\"index\":\"a\"}\n{}\n{\"index\":\"b\"}\n{}");

	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(r->nitems, 2);
	expect_op(r, 1, "indices:data/read/search", "", "b");
}

static void msearch_bad_header_names_its_line(void)
{
	prs_request *r = rest("POST", "/_msearch",
			      "{\"index\":\"a\"}\n{}\n[\"b\"]\n{}\n");

	expect_bad(r, NG_EBADREQ, "msearch line 3: not a json object");
	CU_ASSERT_EQUAL(r->error_item, 1);
	expect_bad(rest("POST", "/_msearch", "{\"index\":5}\n{}\n"),
		   NG_EBADREQ, "msearch line 1");
	expect_bad(rest("POST", "/_msearch", "{\"index\":\"a\"}\n"),
		   NG_EBADREQ, "search body line is missing");
	expect_bad(rest("POST", "/_msearch", NULL), NG_EBADREQ, "missing");
	expect_bad(rest("POST", "/_msearch",
			"{\"expand_wildcards\":\"x\"}\n{}\n"),
		   NG_EBADREQ, "expand_wildcards");
}

/* A header read by the fast path ({"index":"plain"}) gives the op the
 * general reader gives the same header written otherwise; what the fast
 * path does not read is left to the general reader and its errors. */
static void msearch_plain_headers_read_as_any_other(void)
{
	static const char *const same[] = {
		"{\"index\":\"a,b*\"}\n{}\n",
		"{ \"index\" : \"a,b*\" }\n{}\n",
		"{\"index\":\"a,\\u0062*\"}\n{}\n",      /* an escape */
		"{\"indices\":[\"a\",\"b*\"]}\n{}\n",
	};
	const prs_op *fast = NULL, *op;
	char general[64], plain[64];
	prs_request *r;

	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		r = rest("POST", "/_msearch", same[i]);
		CU_ASSERT_EQUAL(r->status, 0);
		CU_ASSERT_EQUAL(r->nitems, 1);
		op = expect_op(r, 0, "indices:data/read/search", "", "a|b*");
		if (!fast)
			fast = op;
		CU_ASSERT_EQUAL(op->flags, fast->flags);
		CU_ASSERT_EQUAL(op->opts.expand, fast->opts.expand);
		CU_ASSERT_EQUAL(op->opts.ignore_unavailable,
				fast->opts.ignore_unavailable);
	}
	r = rest("POST", "/_msearch",
		 "{\"index\":\"a\",\"ignore_unavailable\":true}\n{}\n");
	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(find(r, 0, "indices:data/read/search", "")
				->opts.ignore_unavailable, 1);
	expect_bad(rest("POST", "/_msearch",
			"{\"index\":\"a\",\"index\":\"b\"}\n{}\n"),
		   NG_EBADREQ, "msearch line 1: a key is repeated");
	/* an empty index names no index, by either reader */
	r = rest("POST", "/_msearch", "{\"indices\":\"\"}\n{}\n");
	CU_ASSERT_EQUAL(r->status, 0);
	op = find(r, 0, "indices:data/read/search", "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(op);
	snprintf(general, sizeof(general), "%zu:%s", op->nexprs, exprs(op));
	r = rest("POST", "/_msearch", "{\"index\":\"\"}\n{}\n");
	CU_ASSERT_EQUAL(r->status, 0);
	op = find(r, 0, "indices:data/read/search", "");
	CU_ASSERT_PTR_NOT_NULL_FATAL(op);
	snprintf(plain, sizeof(plain), "%zu:%s", op->nexprs, exprs(op));
	CU_ASSERT_STRING_EQUAL(plain, general);
	expect_bad(rest("POST", "/_msearch", "{\"index\":\"a\"} x\n{}\n"),
		   NG_EBADREQ, "msearch line 1: not valid json");
}

/* Line numbers of several digits, in the header and in the body. */
static void msearch_names_lines_past_nine(void)
{
	static char body[4096];
	size_t n = 0;

	for (int i = 0; i < 600; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "{}\n");
	snprintf(body + n, sizeof(body) - n, "[1]\n{}\n");
	expect_bad(rest("POST", "/_msearch", body), NG_EBADREQ,
		   "msearch line 601: not a json object");
	snprintf(body + n, sizeof(body) - n, "{}\n[1]\n");
	expect_bad(rest("POST", "/_msearch", body), NG_EBADREQ,
		   "msearch line 602: not a json object");
	snprintf(body + n, sizeof(body) - n, "{\"index\":7}\n{}\n");
	expect_bad(rest("POST", "/_msearch", body), NG_EBADREQ,
		   "msearch line 601: not a string or an array of strings");
}

/* ---------------------------------------------------------------------
 * _bulk
 */

static void bulk_items_map_to_their_write_actions(void)
{
	size_t len;
	char *body = read_fixture("bulk_mixed.ndjson", &len);
	prs_request *r = rest_n("POST", "/def/_bulk", body, len);
	const prs_op *op;

	expect_ok(r, "bulk", "indices:data/write/bulk");
	CU_ASSERT_TRUE(r->compound);
	CU_ASSERT_EQUAL(r->nitems, 5);
	CU_ASSERT_EQUAL(r->ops[0].nexprs, 0);
	op = expect_op(r, 0, "indices:data/write/index", "", "a");
	CU_ASSERT_TRUE(has_action(op, "indices:data/write/bulk[s]"));
	CU_ASSERT_TRUE(op->flags & PRS_CREATES);
	expect_op(r, 1, "indices:data/write/index", "", "def");
	op = expect_op(r, 2, "indices:data/write/delete", "", "b");
	CU_ASSERT_TRUE(has_action(op, "indices:data/write/bulk[s]"));
	CU_ASSERT_FALSE(op->flags & PRS_CREATES);
	expect_op(r, 3, "indices:data/write/update", "", "c");
	expect_op(r, 4, "indices:data/write/delete", "", "def");
	free(body);
}

/* The source lines of the fixture are not JSON: they are never parsed. */
static void bulk_source_lines_are_skipped_not_parsed(void)
{
	prs_request *r = rest("POST", "/_bulk",
			      "{\"index\":{\"_index\":\"a\"}}\n"
			      "not json {{{ \"_index\": \"secret\"\n"
			      "{\"create\":{\"_index\":\"b\"}}\n"
			      "{\"delete\":{\"_index\":\"c\"}}\n");

	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(r->nitems, 2);
	expect_op(r, 0, "indices:data/write/index", "", "a");
	expect_op(r, 1, "indices:data/write/index", "", "b");
	/* the line after "create" is its source, even a delete line */
	CU_ASSERT_PTR_NULL(find(r, 1, "indices:data/write/delete", ""));
	CU_ASSERT_PTR_NULL(find(r, 2, "indices:data/write/delete", ""));
}

static void bulk_last_line_without_newline_is_a_line(void)
{
	size_t len;
	char *body = read_fixture("bulk_no_final_newline.ndjson", &len);
	prs_request *r;

	CU_ASSERT_NOT_EQUAL(body[len - 1], '\n');
	r = rest_n("POST", "/_bulk", body, len);
	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(r->nitems, 2);
	expect_op(r, 1, "indices:data/write/delete", "", "last");
	free(body);
	r = rest("POST", "/_bulk", "{\"index\":{\"_index\":\"a\"}}\r\n{}");
	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(r->nitems, 1);
}

static void bulk_item_without_index_is_a_400_for_that_item(void)
{
	prs_request *r = rest("POST", "/_bulk",
			      "{\"delete\":{\"_index\":\"a\"}}\n"
			      "{\"delete\":{\"_id\":\"1\"}}\n");

	expect_bad(r, NG_EBADREQ, "bulk line 2: index is missing");
	CU_ASSERT_EQUAL(r->error_item, 1);
}

static void bulk_action_lines_that_do_not_fit_are_400(void)
{
	expect_bad(rest("POST", "/x/_bulk", "{\"upsert\":{}}\n{}\n"),
		   NG_EBADREQ, "bulk line 1: expected one of index");
	expect_bad(rest("POST", "/x/_bulk", "{\"index\":\"x\"}\n{}\n"),
		   NG_EBADREQ, "bulk line 1");
	expect_bad(rest("POST", "/x/_bulk",
			"{\"delete\":{}}\n[1]\n"),
		   NG_EBADREQ, "bulk line 2: not a json object");
	expect_bad(rest("POST", "/x/_bulk",
			"{\"delete\":{},\"index\":{}}\n"),
		   NG_EBADREQ, "bulk line 1");
	expect_bad(rest("POST", "/x/_bulk", "{\"index\":{}}\n"),
		   NG_EBADREQ, "bulk line 1: source line is missing");
	expect_bad(rest("POST", "/x/_bulk", "\n\n"), NG_EBADREQ,
		   "bulk body");
	expect_bad(rest("POST", "/x/_bulk",
			"{\"delete\":{\"_index\":[\"a\"]}}\n"),
		   NG_EBADREQ, "_index is not a string");
}

/* ---------------------------------------------------------------------
 * By query and reindex.
 */

static void delete_by_query_reads_and_deletes_the_path_indices(void)
{
	prs_request *r = rest("POST", "/a*,b/_delete_by_query",
			      "{\"query\":{\"match_all\":{}}}");
	const prs_op *op;

	expect_ok(r, "delete_by_query", "indices:data/write/delete/byquery");
	expect_op(r, -1, "indices:data/write/delete/byquery", "", "a*|b");
	expect_op(r, -1, "indices:data/read/search", "source", "a*|b");
	op = expect_op(r, -1, "indices:data/write/delete", "dest", "a*|b");
	CU_ASSERT_TRUE(has_action(op, "indices:data/write/bulk[s]"));
	expect_op(r, -1, "indices:data/write/bulk", "bulk", "");
}

static void update_by_query_writes_with_index(void)
{
	prs_request *r = rest("POST", "/a/_update_by_query", NULL);

	expect_ok(r, "update_by_query", "indices:data/write/update/byquery");
	expect_op(r, -1, "indices:data/read/search", "source", "a");
	expect_op(r, -1, "indices:data/write/index", "dest", "a");
}

static void reindex_reads_the_source_and_writes_the_dest(void)
{
	prs_request *r = rest("POST", "/_reindex",
			      "{\"source\":{\"index\":[\"s1\",\"s2,s3\"]},"
			      "\"dest\":{\"index\":\"d\"}}");
	const prs_op *op;

	expect_ok(r, "reindex", "indices:data/write/reindex");
	CU_ASSERT_EQUAL(r->ops[0].nexprs, 0);
	op = expect_op(r, -1, "indices:data/read/search", "source",
		       "s1|s2|s3");
	CU_ASSERT_FALSE(op->flags & PRS_REMOTE_SRC);
	op = expect_op(r, -1, "indices:data/write/index", "dest", "d");
	CU_ASSERT_TRUE(op->flags & PRS_CREATES);
	expect_op(r, -1, "indices:data/write/bulk", "bulk", "");
}

static void reindex_from_remote_flags_the_source(void)
{
	prs_request *r = rest("POST", "/_reindex",
			      "{\"source\":{\"index\":\"s\",\"remote\":"
			      "{\"host\":\"http://h:9200\"}},"
			      "\"dest\":{\"index\":\"d\"}}");
	const prs_op *op;

	op = expect_op(r, -1, "indices:data/read/search", "source", "s");
	CU_ASSERT_TRUE(op->flags & PRS_REMOTE_SRC);
}

static void reindex_bodies_that_do_not_fit_are_400(void)
{
	expect_bad(rest("POST", "/_reindex", "{\"source\":{},\"dest\":"
					     "{\"index\":\"d\"}}"),
		   NG_EBADREQ, "source.index is missing");
	expect_bad(rest("POST", "/_reindex", "{\"source\":{\"index\":\"s\"}}"),
		   NG_EBADREQ, "dest.index");
	expect_bad(rest("POST", "/_reindex", NULL), NG_EBADREQ, "missing");
	expect_bad(rest("POST", "/_reindex", "{\"source\":{\"index\":[1]},"
					     "\"dest\":{\"index\":\"d\"}}"),
		   NG_EBADREQ, "source.index");
}

/* ---------------------------------------------------------------------
 * Index administration and cluster.
 */

static void create_index_with_aliases_also_changes_aliases(void)
{
	prs_request *r = rest("PUT", "/new", "{\"aliases\":{\"al1\":{},"
					     "\"al2\":{\"filter\":{}}}}");
	const prs_op *op;

	expect_ok(r, "indices.create", "indices:admin/create");
	op = expect_op(r, -1, "indices:admin/create", "", "new");
	CU_ASSERT_TRUE(has_action(op, "indices:admin/aliases"));
	CU_ASSERT_TRUE(op->flags & PRS_CREATES);
	op = expect_op(r, -1, "indices:admin/aliases", "alias", "al1|al2");
	CU_ASSERT_TRUE(op->flags & PRS_ALIAS_NAMES);
	r = rest("PUT", "/new", NULL);
	expect_ok(r, "indices.create", "indices:admin/create");
	CU_ASSERT_EQUAL(r->nops, 1);
	expect_bad(rest("PUT", "/new", "settings"), NG_EBADREQ,
		   "create index body");
}

static void delete_index_and_cluster_health(void)
{
	prs_request *r = rest("DELETE", "/a,b", NULL);

	expect_ok(r, "indices.delete", "indices:admin/delete");
	expect_op(r, -1, "indices:admin/delete", "", "a|b");
	r = rest("GET", "/_cluster/health/index-*?level=indices", NULL);
	expect_ok(r, "cluster.health", "cluster:monitor/health");
	expect_op(r, -1, "cluster:monitor/health", "", "index-*");
}

static void cat_indices_reads_settings_stats_state_and_health(void)
{
	prs_request *r = rest("GET", "/_cat/indices/a*?format=json", NULL);
	const prs_op *op;

	expect_ok(r, "cat.indices", "indices:monitor/settings/get");
	op = expect_op(r, -1, "indices:monitor/settings/get", "", "a*");
	CU_ASSERT_TRUE(has_action(op, "indices:monitor/stats"));
	CU_ASSERT_TRUE(op->flags & PRS_REDUCIBLE);
	expect_op(r, -1, "cluster:monitor/state", "also", "");
	expect_op(r, -1, "cluster:monitor/health", "also", "");
	r = rest("GET", "/_cat/indices", NULL);
	op = expect_op(r, -1, "indices:monitor/settings/get", "", "");
	CU_ASSERT_TRUE(op->flags & PRS_EMPTY_ALL);
}

/* ---------------------------------------------------------------------
 * Limits.
 */

static void body_size_limit_is_exact(void)
{
	prs_request *r;

	limits.max_body = 10;
	r = rest("POST", "/x/_search", "{\"a\":1234}");
	CU_ASSERT_EQUAL(r->status, 0);
	r = rest("POST", "/x/_search", "{\"a\":12345}");
	expect_bad(r, NG_ELIMIT, "exceeds the limit");
	limits = (prs_limits)PRS_LIMITS_DEFAULT;
}

static void json_depth_limit_is_exact(void)
{
	prs_request *r;

	limits.max_depth = 3;
	r = rest("POST", "/x/_search", "{\"a\":{\"b\":[1]}}");
	CU_ASSERT_EQUAL(r->status, 0);
	r = rest("POST", "/x/_search", "{\"a\":{\"b\":[[1]]}}");
	expect_bad(r, NG_ELIMIT, "nested deeper than 3");
	r = rest("POST", "/x/_search", "{\"a\":\"[[[[{{{\"}");
	CU_ASSERT_EQUAL(r->status, 0);
	limits = (prs_limits)PRS_LIMITS_DEFAULT;
}

/* Deeper than cJSON's own limit: refused by ours, whatever cJSON does. */
static void very_deep_json_is_refused_before_cjson(void)
{
	size_t n = 5000;
	char *b = malloc(2 * n + 1);

	memset(b, '[', n);
	memset(b + n, ']', n);
	b[2 * n] = '\0';
	expect_bad(rest("POST", "/x/_search", b), NG_ELIMIT, "nested deeper");
	free(b);
}

static void ndjson_line_limit_is_exact(void)
{
	const char *line = "{\"delete\":{\"_index\":\"abc\"}}\n";
	prs_request *r;

	limits.max_line = strlen(line) - 1;
	r = rest("POST", "/_bulk", line);
	CU_ASSERT_EQUAL(r->status, 0);
	limits.max_line = strlen(line) - 2;
	r = rest("POST", "/_bulk", line);
	expect_bad(r, NG_ELIMIT, "bulk line 1: longer than");
	limits = (prs_limits)PRS_LIMITS_DEFAULT;
}

static void item_limit_is_exact(void)
{
	const char *two = "{\"delete\":{\"_index\":\"a\"}}\n"
			  "{\"delete\":{\"_index\":\"b\"}}\n";
	prs_request *r;

	limits.max_items = 2;
	r = rest("POST", "/_bulk", two);
	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(r->nitems, 2);
	limits.max_items = 1;
	expect_bad(rest("POST", "/_bulk", two), NG_ELIMIT, "more than 1");
	expect_bad(rest("POST", "/_msearch", "{}\n{}\n{}\n{}\n"), NG_ELIMIT,
		   "more than 1");
	expect_bad(rest("POST", "/x/_mget", "{\"ids\":[1,2]}"), NG_ELIMIT,
		   "more than 1");
	limits = (prs_limits)PRS_LIMITS_DEFAULT;
}

/* ---------------------------------------------------------------------
 * Query strings and JSON the way the peer reads them.
 */

static void query_semicolon_separates_and_hash_ends_the_query(void)
{
	prs_request *r = rest("GET", "/x/_search?q=a;expand_wildcards=all"
				     "#ignore_unavailable=true", NULL);

	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(r->ops[0].opts.expand, PRS_EXPAND_OPEN |
					       PRS_EXPAND_CLOSED |
					       PRS_EXPAND_HIDDEN);
	CU_ASSERT_EQUAL(r->ops[0].opts.ignore_unavailable, -1);
}

static void repeated_json_key_is_400(void)
{
	prs_request *r = rest("POST", "/_bulk",
			      "{\"delete\":{\"_index\":\"a\",\"_index\":\"b\"}}\n");

	expect_bad(r, NG_EBADREQ, "bulk line 1: a key is repeated");
	expect_bad(rest("POST", "/p/_msearch",
			"{\"index\":\"a\",\"index\":\"b\"}\n{}\n"),
		   NG_EBADREQ, "repeated");
	expect_bad(rest("POST", "/x/_search",
			"{\"query\":{},\"aggs\":{\"a\":{},\"a\":{}}}"),
		   NG_EBADREQ, "repeated");
	/* the same key after its escapes are decoded */
	expect_bad(rest("PUT", "/i", "{\"a\":1,\"\\u0061\":2}"), NG_EBADREQ,
		   "repeated");
}

/* An object of n keys k0..k(n-1), key `dup` (if below n) written again
 * as the last one, under "settings" of an index creation body. */
static const prs_request *keys_body(size_t n, size_t dup)
{
	static char body[512];
	size_t k = (size_t)snprintf(body, sizeof(body), "{\"settings\":{");

	for (size_t i = 0; i < n; i++)
		k += (size_t)snprintf(body + k, sizeof(body) - k, "%s\"k%zu\":%zu",
				      i ? "," : "", i, i);
	if (dup < n)
		k += (size_t)snprintf(body + k, sizeof(body) - k, ",\"k%zu\":0",
				      dup);
	snprintf(body + k, sizeof(body) - k, "}}");
	return rest("PUT", "/i", body);
}

/* However many keys an object has, a repeated one is found wherever it
 * is, and distinct ones are not taken for repeated. */
static void repeated_key_is_found_among_any_number(void)
{
	for (size_t n = 1; n <= 20; n++) {
		CU_ASSERT_EQUAL(keys_body(n, n)->status, 0);
		for (size_t d = 0; d < n; d++)
			expect_bad(keys_body(n, d), NG_EBADREQ, "repeated");
	}
}

static void escaped_nul_in_a_json_string_is_400(void)
{
	prs_request *r;

	expect_bad(rest("POST", "/_bulk",
			"{\"delete\":{\"_index\":\"a\\u0000b\"}}\n"),
		   NG_EBADREQ, "u0000");
	/* an escaped backslash before u0000 is no NUL */
	r = rest("PUT", "/i", "{\"settings\":{\"f\":\"[\\\\u0000-\\\\u024F]\"}}");
	CU_ASSERT_EQUAL(r->status, 0);
}

/* ---------------------------------------------------------------------
 * More of _msearch and _mget.
 */

static void msearch_reads_indices_and_camel_case_options(void)
{
	prs_request *r = rest("POST", "/p/_msearch",
			      "{\"index\":\"a\",\"indices\":[\"b\"],"
			      "\"ignoreUnavailable\":true,"
			      "\"expandWildcards\":[\"open\",\"hidden\"]}\n"
			      "{}\n");
	const prs_op *op;

	op = expect_op(r, 0, "indices:data/read/search", "", "b");
	CU_ASSERT_EQUAL(op->opts.ignore_unavailable, 1);
	CU_ASSERT_EQUAL(op->opts.expand, PRS_EXPAND_OPEN | PRS_EXPAND_HIDDEN);
}

/* The peer skips an empty first line; reading it as a header would shift
 * every header after it onto a body line, where it goes unchecked. */
static void msearch_empty_first_line_is_skipped(void)
{
	prs_request *r = rest("POST", "/p/_msearch",
			      "\n{}\n{}\n{\"index\":\"secret\"}\n{}\n");

	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(r->nitems, 2);
	expect_op(r, 0, "indices:data/read/search", "", "p");
	expect_op(r, 1, "indices:data/read/search", "", "secret");
}

static void msearch_terms_lookup_belongs_to_its_item(void)
{
	size_t len;
	char *body = read_fixture("msearch_headers.ndjson", &len);
	prs_request *r = rest_n("POST", "/def/_msearch", body, len);

	CU_ASSERT_EQUAL(r->status, 0);
	expect_op(r, 1, "indices:data/read/get", "terms_lookup", "other");
	CU_ASSERT_PTR_NULL(find(r, 0, "indices:data/read/get",
				"terms_lookup"));
	free(body);
	r = rest("POST", "/_msearch", "{}\n{\"query\":\n");
	expect_bad(r, NG_EBADREQ, "msearch line 2: not valid json");
}

static void msearch_template_items_are_searches(void)
{
	prs_request *r = rest("POST", "/p/_msearch/template",
			      "{\"index\":\"a\"}\n{\"id\":\"t\"}\n{}\n"
			      "{\"source\":\"{}\"}\n");

	expect_ok(r, "msearch_template", "indices:data/read/msearch/template");
	CU_ASSERT_EQUAL(r->nitems, 2);
	expect_op(r, 0, "indices:data/read/search", "", "a");
	expect_op(r, 1, "indices:data/read/search", "", "p");
	expect_op(r, -1, "indices:data/read/msearch", "also", "");
}

static void mget_items_are_numbered_in_body_order(void)
{
	prs_request *r = rest("POST", "/p/_mget",
			      "{\"ids\":[\"1\"],\"docs\":[{\"_index\":\"a\"}]}");

	CU_ASSERT_EQUAL(r->nitems, 2);
	expect_op(r, 0, "indices:data/read/mget[shard]", "", "p");
	expect_op(r, 1, "indices:data/read/mget[shard]", "", "a");
	expect_bad(rest("POST", "/p/_mget", "{\"doc\":[]}"), NG_EBADREQ,
		   "unknown key doc");
	expect_bad(rest("POST", "/p/_mget", "{\"ids\":\"1\"}"), NG_EBADREQ,
		   "ids is not an array");
}

static void mtermvectors_ids_use_the_path_index(void)
{
	prs_request *r = rest("POST", "/p/_mtermvectors?ids=1,2,3", NULL);

	expect_ok(r, "mtermvectors", "indices:data/read/mtv");
	CU_ASSERT_EQUAL(r->nitems, 3);
	expect_op(r, 2, "indices:data/read/mtv[shard]", "", "p");
}

/* ---------------------------------------------------------------------
 * Aliases.
 */

static void aliases_actions_check_indices_and_alias_names(void)
{
	prs_request *r = rest("POST", "/_aliases",
			      "{\"actions\":[{\"add\":{\"index\":\"i1\","
			      "\"alias\":\"a1\"}},{\"remove\":{\"indices\":"
			      "[\"i2\",\"i3\"],\"aliases\":[\"a2\"]}},"
			      "{\"remove_index\":{\"index\":\"i4\"}}]}");
	const prs_op *op;

	expect_ok(r, "indices.update_aliases", "indices:admin/aliases");
	CU_ASSERT_FALSE(r->compound);
	expect_op(r, -1, "indices:admin/aliases", "index", "i1");
	op = expect_op(r, -1, "indices:admin/aliases", "alias", "a1");
	CU_ASSERT_EQUAL(op->flags, PRS_ALIAS_NAMES | PRS_CREATES);
	op = &r->ops[3];
	CU_ASSERT_STRING_EQUAL(exprs(op), "a2");
	CU_ASSERT_EQUAL(op->flags, PRS_ALIAS_NAMES);
	CU_ASSERT_STRING_EQUAL(exprs(&r->ops[2]), "i2|i3");
	op = expect_op(r, -1, "indices:admin/delete", "remove_index", "i4");
	CU_ASSERT_TRUE(has_action(op, "indices:admin/aliases"));
	CU_ASSERT_EQUAL(r->nops, 5);
}

static void aliases_later_spelling_wins(void)
{
	prs_request *r = rest("POST", "/_aliases",
			      "{\"actions\":[{\"add\":{\"index\":\"i1\","
			      "\"indices\":[\"secret\"],\"alias\":\"a\"}}]}");

	expect_op(r, -1, "indices:admin/aliases", "index", "secret");
}

static void aliases_bodies_that_do_not_fit_are_400(void)
{
	expect_bad(rest("POST", "/_aliases", "{\"actions\":[]}"),
		   NG_EBADREQ, "actions is not a non-empty array");
	expect_bad(rest("POST", "/_aliases",
			"{\"actions\":[{\"add\":{\"index\":\"i\"},"
			"\"remove\":{\"index\":\"i\",\"alias\":\"a\"}}]}"),
		   NG_EBADREQ, "actions[0]");
	expect_bad(rest("POST", "/_aliases",
			"{\"actions\":[{\"add\":{\"index\":\"i\"}}]}"),
		   NG_EBADREQ, "needs index and alias");
	expect_bad(rest("POST", "/_aliases",
			"{\"actions\":[{\"rename\":{\"index\":\"i\"}}]}"),
		   NG_EBADREQ, "actions[0]");
}

static void put_alias_takes_path_or_body(void)
{
	prs_request *r = rest("PUT", "/i1,i2/_alias/a1", NULL);
	const prs_op *op;

	expect_ok(r, "indices.put_alias", "indices:admin/aliases");
	expect_op(r, -1, "indices:admin/aliases", "", "i1|i2");
	op = expect_op(r, -1, "indices:admin/aliases", "alias", "a1");
	CU_ASSERT_TRUE(op->flags & PRS_ALIAS_NAMES);
	r = rest("PUT", "/_alias", "{\"index\":\"i3\",\"alias\":\"a3\"}");
	expect_op(r, -1, "indices:admin/aliases", "", "i3");
	expect_op(r, -1, "indices:admin/aliases", "alias", "a3");
}

/* The peer reads every "index" in the body, at any depth, and the last one
 * replaces the path's; a filter object is read whole. */
static void put_alias_body_index_overrides_the_path_at_any_depth(void)
{
	prs_request *r = rest("PUT", "/public/_alias/a",
			      "{\"routing\":\"1\",\"x\":{\"index\":\"secret\"},"
			      "\"filter\":{\"term\":{\"index\":\"no\"}}}");

	expect_op(r, -1, "indices:admin/aliases", "", "secret");
	r = rest("PUT", "/public/_alias/a", "{\"alias\":[\"b\",\"c\"]}");
	expect_op(r, -1, "indices:admin/aliases", "alias", "c");
	expect_bad(rest("PUT", "/p/_alias/a", "{\"index\":5}"), NG_EBADREQ,
		   "not a string");
	expect_bad(rest("PUT", "/_alias/a", NULL), NG_EBADREQ,
		   "index is missing");
}

static void alias_reads_and_deletes_name_aliases_in_the_path(void)
{
	prs_request *r = rest("GET", "/_alias/al*", NULL);
	const prs_op *op;

	expect_ok(r, "indices.get_alias", "indices:admin/aliases/get");
	/* no index named: the aliases' members are what is read */
	CU_ASSERT_PTR_NULL(find(r, -1, "indices:admin/aliases/get", ""));
	op = expect_op(r, -1, "indices:admin/aliases/get", "alias", "al*");
	CU_ASSERT_EQUAL(op->flags, PRS_ALIAS_NAMES | PRS_REDUCIBLE);
	r = rest("DELETE", "/movies/_alias/film*", NULL);
	expect_ok(r, "indices.delete_alias", "indices:admin/aliases");
	expect_op(r, -1, "indices:admin/aliases", "", "movies");
	op = expect_op(r, -1, "indices:admin/aliases", "alias", "film*");
	CU_ASSERT_EQUAL(op->flags, PRS_ALIAS_NAMES);
	r = rest("GET", "/_cat/aliases/alias_a*", NULL);
	expect_ok(r, "cat.aliases", "indices:admin/aliases/get");
	expect_op(r, -1, "indices:admin/aliases/get", "alias", "alias_a*");
	expect_ok(rest("HEAD", "/i/_alias", NULL), "indices.exists_alias",
		  "indices:admin/aliases/get");
	expect_ok(rest("GET", "/_aliases", NULL), "indices.get_alias",
		  "indices:admin/aliases/get");
}

/* ---------------------------------------------------------------------
 * Index administration.
 */

static void resize_checks_source_and_target(void)
{
	prs_request *r = rest("POST", "/src/_clone/dst", NULL);
	const prs_op *op;

	expect_ok(r, "indices.clone", "indices:admin/resize");
	expect_op(r, -1, "indices:admin/resize", "", "src");
	op = expect_op(r, -1, "indices:admin/resize", "target", "dst");
	CU_ASSERT_TRUE(op->flags & PRS_CREATES);
	r = rest("PUT", "/src/_shrink/dst", "{\"aliases\":{\"al\":{}}}");
	expect_ok(r, "indices.shrink", "indices:admin/resize");
	op = expect_op(r, -1, "indices:admin/resize", "target", "dst");
	CU_ASSERT_TRUE(has_action(op, "indices:admin/aliases"));
	expect_op(r, -1, "indices:admin/aliases", "alias", "al");
	expect_ok(rest("PUT", "/src/_split/dst", NULL), "indices.split",
		  "indices:admin/resize");
}

static void rollover_checks_the_alias_and_the_new_index(void)
{
	prs_request *r = rest("POST", "/logs/_rollover/logs-2", "{}");

	expect_ok(r, "indices.rollover", "indices:admin/rollover");
	expect_op(r, -1, "indices:admin/rollover", "", "logs");
	expect_op(r, -1, "indices:admin/rollover", "target", "logs-2");
	r = rest("POST", "/logs/_rollover", NULL);
	CU_ASSERT_EQUAL(r->nops, 1);
	r = rest("POST", "/logs/_rollover", "{\"aliases\":{\"a2\":{}}}");
	CU_ASSERT_EQUAL(r->nops, 2);
	expect_op(r, -1, "indices:admin/aliases", "alias", "a2");
}

static void data_stream_routes_name_data_streams(void)
{
	prs_request *r = rest("PUT", "/_data_stream/ds1", NULL);
	const prs_op *op;

	expect_ok(r, "indices.create_data_stream",
		  "indices:admin/data_stream/create");
	op = expect_op(r, -1, "indices:admin/data_stream/create", "", "ds1");
	CU_ASSERT_TRUE(op->flags & PRS_DATA_STREAM);
	CU_ASSERT_TRUE(op->flags & PRS_CREATES);
	r = rest("GET", "/_data_stream/ds_*,-ds_b*/_stats", NULL);
	expect_ok(r, "indices.data_streams_stats",
		  "indices:monitor/data_stream/stats");
	expect_op(r, -1, "indices:monitor/data_stream/stats", "",
		  "ds_*|-ds_b*");
	r = rest("GET", "/_data_stream", NULL);
	op = expect_op(r, -1, "indices:admin/data_stream/get", "", "");
	CU_ASSERT_TRUE(op->flags & PRS_EMPTY_ALL);
	expect_ok(rest("DELETE", "/_data_stream/ds1", NULL),
		  "indices.delete_data_stream",
		  "indices:admin/data_stream/delete");
}

static void index_admin_routes_name_their_indices(void)
{
	expect_op(rest("POST", "/a/_close", NULL), -1, "indices:admin/close",
		  "", "a");
	expect_op(rest("POST", "/a,b/_open", NULL), -1, "indices:admin/open",
		  "", "a|b");
	expect_op(rest("POST", "/_cache/clear", NULL), -1,
		  "indices:admin/cache/clear", "", "");
	expect_op(rest("GET", "/a/_settings/index.*", NULL), -1,
		  "indices:monitor/settings/get", "", "a");
	expect_op(rest("PUT", "/a/_mapping", "{}"), -1,
		  "indices:admin/mapping/put", "", "a");
	expect_op(rest("GET", "/a/_mappings", NULL), -1,
		  "indices:admin/mappings/get", "", "a");
	expect_op(rest("GET", "/_stats/docs", NULL), -1,
		  "indices:monitor/stats", "", "");
	expect_op(rest("POST", "/_analyze", "{\"text\":\"x\"}"), -1,
		  "indices:admin/analyze", "", "");
	expect_op(rest("GET", "/_resolve/index/a*,eu:b", NULL), -1,
		  "indices:admin/resolve/index", "", "a*|eu:b");
}

static void cat_shards_reads_state_then_stats_of_its_indices(void)
{
	prs_request *r = rest("GET", "/_cat/shards/games", NULL);
	const prs_op *op;

	expect_ok(r, "cat.shards", "cluster:monitor/state");
	expect_op(r, -1, "cluster:monitor/state", "", "games");
	op = expect_op(r, -1, "indices:monitor/stats", "also", "games");
	CU_ASSERT_TRUE(op->flags & PRS_REDUCIBLE);
}

/* ---------------------------------------------------------------------
 * Searches of other kinds, scroll and PIT.
 */

static void search_template_also_searches(void)
{
	prs_request *r = rest("GET", "/a/_search/template", "{\"id\":\"t\"}");
	const prs_op *op;

	expect_ok(r, "search_template", "indices:data/read/search/template");
	op = expect_op(r, -1, "indices:data/read/search/template", "", "a");
	CU_ASSERT_TRUE(has_action(op, "indices:data/read/search"));
	r = rest("POST", "/_render/template", "{\"source\":\"{}\"}");
	expect_ok(r, "render_search_template",
		  "indices:data/read/search/template");
	CU_ASSERT_EQUAL(r->ops[0].nexprs, 0);
}

static void explain_and_validate_read_their_index(void)
{
	prs_request *r = rest("POST", "/a/_explain/1",
			      "{\"query\":{\"terms\":{\"f\":{\"index\":\"b\","
			      "\"id\":\"1\",\"path\":\"p\"}}}}");

	expect_ok(r, "explain", "indices:data/read/explain");
	expect_op(r, -1, "indices:data/read/get", "terms_lookup", "b");
	expect_ok(rest("GET", "/a/_validate/query?q=x", NULL),
		  "indices.validate_query", "indices:admin/validate/query");
	expect_ok(rest("GET", "/a/_termvectors/1", NULL), "termvectors",
		  "indices:data/read/tv");
	r = rest("POST", "/a/_rank_eval", "{\"requests\":[]}");
	expect_ok(r, "rank_eval", "indices:data/read/rank_eval");
	expect_op(r, -1, "indices:data/read/msearch", "also", "");
}

static void scroll_and_pit_routes(void)
{
	expect_ok(rest("POST", "/_search/scroll", "{\"scroll_id\":\"x\"}"),
		  "scroll", "indices:data/read/scroll");
	expect_ok(rest("DELETE", "/_search/scroll/abc", NULL), "clear_scroll",
		  "indices:data/read/scroll/clear");
	expect_op(rest("POST", "/a*/_search/point_in_time?keep_alive=1m",
		       NULL), -1, "indices:data/read/point_in_time/create",
		  "", "a*");
	expect_ok(rest("DELETE", "/_search/point_in_time",
		       "{\"pit_id\":[\"x\"]}"), "delete_pit",
		  "indices:data/read/point_in_time/delete");
	expect_ok(rest("DELETE", "/_search/point_in_time/_all", NULL),
		  "delete_all_pits", "indices:data/read/point_in_time/delete");
	expect_ok(rest("GET", "/_search/point_in_time/_all", NULL),
		  "get_all_pits", "indices:data/read/point_in_time/readall");
}

/* ---------------------------------------------------------------------
 * Cluster-level routes.
 */

static void snapshot_restore_creates_and_writes_its_targets(void)
{
	prs_request *r = rest("POST", "/_snapshot/repo/snap/_restore",
			      "{\"indices\":\"a,b*\",\"ignore_unavailable\":"
			      "true,\"include_global_state\":true,"
			      "\"rename_pattern\":\"(.+)\","
			      "\"rename_replacement\":\"r_$1\"}");
	const prs_op *op;

	expect_ok(r, "snapshot.restore", "cluster:admin/snapshot/restore");
	op = expect_op(r, -1, "cluster:admin/snapshot/restore", "", "a|b*");
	CU_ASSERT_TRUE(op->flags & PRS_GLOBAL_STATE);
	CU_ASSERT_EQUAL(op->opts.ignore_unavailable, 1);
	op = expect_op(r, -1, "indices:admin/create", "restore", "a|b*");
	CU_ASSERT_TRUE(has_action(op, "indices:data/write/index"));
	CU_ASSERT_STRING_EQUAL(r->rename_pattern, "(.+)");
	CU_ASSERT_STRING_EQUAL(r->rename_replacement, "r_$1");
	r = rest("POST", "/_snapshot/repo/snap/_restore", NULL);
	CU_ASSERT_FALSE(r->ops[0].flags & PRS_GLOBAL_STATE);
	expect_op(r, -1, "indices:admin/create", "restore", "");
	CU_ASSERT_PTR_NULL(r->rename_pattern);
}

static void snapshot_create_names_its_indices(void)
{
	prs_request *r = rest("PUT", "/_snapshot/repo/s1",
			      "{\"indices\":[\"a\",\"b\"]}");

	expect_ok(r, "snapshot.create", "cluster:admin/snapshot/create");
	expect_op(r, -1, "cluster:admin/snapshot/create", "", "a|b");
	CU_ASSERT_EQUAL(r->nops, 1);
}

static void cluster_bodies_name_indices(void)
{
	expect_op(rest("POST", "/_cluster/allocation/explain",
		       "{\"index\":\"g\",\"shard\":0}"), -1,
		  "cluster:monitor/allocation/explain", "", "g");
	expect_op(rest("POST", "/_cluster/reroute",
		       "{\"commands\":[{\"move\":{\"index\":\"m\"}},"
		       "{\"cancel\":{\"index\":\"n\"}}]}"), -1,
		  "cluster:admin/reroute", "", "m|n");
	expect_op(rest("POST", "/_scripts/painless/_execute",
		       "{\"context_setup\":{\"index\":\"p\"}}"), -1,
		  "cluster:admin/scripts/painless/execute", "", "p");
	expect_ok(rest("PUT", "/_cluster/settings", "{}"),
		  "cluster.put_settings", "cluster:admin/settings/update");
	expect_ok(rest("GET", "/_nodes/n1/stats/jvm", NULL), "nodes.stats",
		  "cluster:monitor/nodes/stats");
	expect_ok(rest("PUT", "/_search/pipeline/p1", "{}"),
		  "search_pipeline.put", "cluster:admin/search/pipeline/put");
}

static void help_routes_have_no_operation(void)
{
	prs_request *r = rest("GET", "/_cat", NULL);

	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_STRING_EQUAL(r->api, "cat.help");
	CU_ASSERT_PTR_NULL(r->action);
	CU_ASSERT_EQUAL(r->nops, 0);
}

/* Every (method, path) of the reference table, with sample values. */
static void routes_table_routes_every_api(void)
{
	size_t len, rows = 0;
	char *text = read_fixture("routes.tsv", &len), *save = NULL;

	for (char *ln = strtok_r(text, "\n", &save); ln;
	     ln = strtok_r(NULL, "\n", &save)) {
		char *f[6], *p = ln;
		const prs_op *top;
		prs_request *r;

		if (*ln == '#')
			continue;
		for (int i = 0; i < 6; i++)
			f[i] = strsep(&p, "\t");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f[5]);
		r = rest(f[0], f[1], NULL);
		if (strcmp(r->api, f[2]) != 0 || r->status != atoi(f[5]))
			fprintf(stderr, "\n  %s %s: %s %d\n", f[0], f[1],
				r->api, r->status);
		CU_ASSERT_STRING_EQUAL(r->api, f[2]);
		CU_ASSERT_EQUAL(r->status, atoi(f[5]));
		CU_ASSERT_FATAL(r->action && strcmp(r->action, f[3]) == 0);
		/* a read of aliases by name alone has no top-level op */
		top = find(r, -1, f[3], "");
		if (r->status == 0)
			CU_ASSERT_STRING_EQUAL(top ? exprs(top) : "", f[4]);
		rows++;
	}
	CU_ASSERT(rows > 300);
	free(text);
}

/* ---------------------------------------------------------------------
 * Transport requests.
 */

static prs_request *transport(const char *action, const char *const *ix,
			      size_t n)
{
	ng_arena_reset(&arena);
	CU_ASSERT_EQUAL(prs_transport(&req, &arena, &limits, action, ix, n),
			0);
	return &req;
}

static void transport_request_is_one_top_level_op(void)
{
	const char *ix[] = { "logs-*", "-logs-old", "eu:x" };
	prs_request *r = transport("indices:data/read/search", ix, 3);

	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_STRING_EQUAL(r->api, "transport");
	CU_ASSERT_STRING_EQUAL(r->action, "indices:data/read/search");
	CU_ASSERT_EQUAL(r->nops, 1);
	CU_ASSERT_STRING_EQUAL(exprs(&r->ops[0]), "logs-*|-logs-old|eu:x");
	CU_ASSERT_EQUAL(r->ops[0].flags, PRS_REDUCIBLE | PRS_REMOTE_OK |
					 PRS_EMPTY_ALL);
	r = transport("indices:data/write/index", ix, 1);
	CU_ASSERT_TRUE(r->ops[0].flags & PRS_WRITE);
	r = transport("cluster:monitor/health", NULL, 0);
	CU_ASSERT_EQUAL(r->ops[0].nexprs, 0);
	CU_ASSERT_TRUE(r->ops[0].flags & PRS_EMPTY_ALL);
}

/* Each action the parser knows by its whole name is numbered by its row,
 * the one text the request then names; others have no row. */
static void transport_actions_known_by_name_carry_their_row(void)
{
	size_t rows = 0;

	for (size_t k = 0; k < prs_transport_nrows(); k++) {
		const char *a = prs_transport_row(k);
		char copy[128];

		if (!a)
			continue;
		rows++;
		snprintf(copy, sizeof(copy), "%s", a);
		CU_ASSERT_EQUAL(transport(copy, NULL, 0)->action_row, k + 1);
		CU_ASSERT_PTR_EQUAL(req.action, a);
	}
	CU_ASSERT(rows >= 20);
	CU_ASSERT_PTR_NULL(prs_transport_row(prs_transport_nrows()));
	CU_ASSERT_STRING_EQUAL(prs_transport_row(0), "indices:data/read/search");
	CU_ASSERT_EQUAL(transport("cluster:monitor/health", NULL, 0)->action_row,
			0);
	/* a prefix row names a family, not one action */
	CU_ASSERT_EQUAL(transport("indices:admin/mappings/fields/get[index]",
				  NULL, 0)->action_row, 0);
	CU_ASSERT_TRUE(req.ops[0].flags & PRS_REDUCIBLE);
}

static void transport_request_that_does_not_fit_is_400(void)
{
	const char *ix[] = { "a", "" };

	expect_bad(transport("indices:data/read/search", ix, 2), NG_EBADREQ,
		   "index 1 is empty");
	expect_bad(transport("", ix, 1), NG_EBADREQ, "no action");
	/* a pattern is not a name: roles would match it as text */
	expect_bad(transport("indices:data/read/*", ix, 1), NG_EBADREQ,
		   "not an action name");
	expect_bad(transport("indices:data/read/searc?", ix, 1), NG_EBADREQ,
		   "not an action name");
	expect_bad(transport("/indices:.*/", ix, 1), NG_EBADREQ,
		   "not an action name");
	expect_bad(transport("search", ix, 1), NG_EBADREQ,
		   "not an action name");
	expect_bad(transport("indices:data/read/search\n", ix, 1), NG_EBADREQ,
		   "not an action name");
	expect_bad(transport("indices:data/read/\xc2\x85search", ix, 1),
		   NG_EBADREQ, "not an action name");
	expect_bad(transport("indices:data/read/search\xc3\xa9", ix, 1),
		   NG_EBADREQ, "not an action name");
	CU_ASSERT_EQUAL(transport("indices:data/write/bulk[s]", ix, 1)->status,
			0);
	limits.max_expr_parts = 1;
	expect_bad(transport("indices:data/read/search", ix, 2), NG_ELIMIT,
		   "more than 1");
	limits = (prs_limits)PRS_LIMITS_DEFAULT;
}

/* The names are split and checked as expressions are, whether they come
 * as plain names or not, and every name is a copy in the arena. */
static void transport_names_are_split_and_checked_in_order(void)
{
	const char *two[] = { "a,b", "c" }, *dash[] = { "x", "-" };
	const char *late[] = { "a", "b", "c,", "" }, *many[17];
	char name[] = "logs-1";
	const char *own[] = { name };
	prs_request *r = transport("indices:data/read/search", two, 2);

	CU_ASSERT_STRING_EQUAL(exprs(&r->ops[0]), "a|b|c");
	expect_bad(transport("indices:data/read/search", dash, 2), NG_EBADREQ,
		   "'-' without a name");
	/* the first name at fault is reported, as one by one */
	expect_bad(transport("indices:data/read/search", late, 4), NG_EBADREQ,
		   "empty element");
	for (size_t i = 0; i < 17; i++)
		many[i] = i % 2 ? "odd" : "even";
	r = transport("indices:data/read/search", many, 17);
	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(r->ops[0].nexprs, 17);
	CU_ASSERT_STRING_EQUAL(r->ops[0].exprs[16], "even");
	r = transport("indices:data/read/get", own, 1);
	name[0] = 'X';
	CU_ASSERT_STRING_EQUAL(exprs(&r->ops[0]), "logs-1");
	limits.max_expr_len = 5;
	expect_bad(transport("indices:data/read/get", own, 1), NG_ELIMIT,
		   "longer than 5 bytes");
	limits.max_expr_parts = 2;
	expect_bad(transport("indices:data/read/search", two, 2), NG_ELIMIT,
		   "more than 2 elements");
	limits = (prs_limits)PRS_LIMITS_DEFAULT;
}

/* Flags come from the first row naming the action; a prefix row names
 * the actions that start with it, which must still be action names. */
static void transport_action_flags_follow_the_table(void)
{
	char act[] = "indices:admin/mappings/fields/get[index]";
	prs_request *r = transport(act, NULL, 0);

	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(r->ops[0].flags, PRS_REDUCIBLE | PRS_EMPTY_ALL);
	act[0] = 'X';
	CU_ASSERT_STRING_EQUAL(r->action, "indices:admin/mappings/fields/"
			       "get[index]");
	expect_bad(transport("indices:admin/mappings/fields/get*", NULL, 0),
		   NG_EBADREQ, "not an action name");
	r = transport("indices:admin/mappings/fields/ge", NULL, 0);
	CU_ASSERT_EQUAL(r->ops[0].flags, PRS_EMPTY_ALL);
	r = transport("indices:data/read/searchx", NULL, 0);
	CU_ASSERT_EQUAL(r->ops[0].flags, PRS_EMPTY_ALL);
	r = transport("indices:data/read/get", NULL, 0);
	CU_ASSERT_EQUAL(r->ops[0].flags, PRS_DOC | PRS_EMPTY_ALL);
	r = transport("indices:admin/aliases", NULL, 0);
	CU_ASSERT_EQUAL(r->ops[0].flags, PRS_V4_REDUCIBLE | PRS_EMPTY_ALL);
	r = transport("indices:admin/aliases/get", NULL, 0);
	CU_ASSERT_EQUAL(r->ops[0].flags, PRS_REDUCIBLE | PRS_EMPTY_ALL);
	r = transport("indices:data/write/update/byquery", NULL, 0);
	CU_ASSERT_EQUAL(r->ops[0].flags, PRS_V4_REDUCIBLE | PRS_EMPTY_ALL);
	CU_ASSERT_STRING_EQUAL(r->action, "indices:data/write/update/byquery");
}

/* The peer reads "index" from the query string when the path has none. */
static void index_query_parameter_names_the_indices(void)
{
	prs_request *r = rest("GET", "/_search?index=secret", NULL);

	expect_op(r, -1, "indices:data/read/search", "", "secret");
	r = rest("GET", "/pub/_search?index=secret", NULL);
	expect_op(r, -1, "indices:data/read/search", "", "pub");
	r = rest("POST", "/_bulk?index=d", "{\"delete\":{\"_id\":\"1\"}}\n");
	expect_op(r, 0, "indices:data/write/delete", "", "d");
	r = rest("POST", "/_msearch?index=m", "{}\n{}\n");
	expect_op(r, 0, "indices:data/read/search", "", "m");
	r = rest("GET", "/_cat/indices?index=c", NULL);
	expect_op(r, -1, "indices:monitor/settings/get", "", "c");
	r = rest("PUT", "/_alias?index=i&name=a", NULL);
	expect_op(r, -1, "indices:admin/aliases", "", "i");
	expect_op(r, -1, "indices:admin/aliases", "alias", "a");
	r = rest("POST", "/al/_rollover?new_index=n", NULL);
	expect_op(r, -1, "indices:admin/rollover", "target", "n");
}

static void index_terms_aggregation_is_flagged(void)
{
	const char *agg = "{\"size\":0,\"aggs\":{\"indices\":{\"terms\":"
			  "{\"field\":\"_index\",\"size\":1000}}}}";
	prs_request *r = rest("POST", "/_search", agg);
	char body[256];

	CU_ASSERT_TRUE(r->ops[0].flags & PRS_INDEX_TERMS_AGG);
	snprintf(body, sizeof(body), "{}\n%s\n", agg);
	r = rest("POST", "/_msearch", body);
	CU_ASSERT_TRUE(r->ops[1].flags & PRS_INDEX_TERMS_AGG);
	r = rest("POST", "/_search", "{\"size\":0,\"query\":{},\"aggs\":"
				     "{\"indices\":{\"terms\":{\"field\":"
				     "\"_index\"}}}}");
	CU_ASSERT_FALSE(r->ops[0].flags & PRS_INDEX_TERMS_AGG);
	r = rest("POST", "/_search", "{\"size\":0,\"aggs\":{\"other\":"
				     "{\"terms\":{\"field\":\"_index\"}}}}");
	CU_ASSERT_FALSE(r->ops[0].flags & PRS_INDEX_TERMS_AGG);
}

/* The peer reads a missing body from ?source=. */
static void source_parameter_stands_for_the_body(void)
{
	prs_request *r = rest("GET", "/a/_search?source_content_type="
			      "application/json&source=%7B%22query%22%3A%7B"
			      "%22terms%22%3A%7B%22f%22%3A%7B%22index%22%3A"
			      "%22secret%22%2C%22id%22%3A%221%22%7D%7D%7D%7D",
			      NULL);

	expect_op(r, -1, "indices:data/read/get", "terms_lookup", "secret");
	r = rest("GET", "/_mget?source={\"docs\":[{\"_index\":\"m\"}]}",
		 NULL);
	expect_op(r, 0, "indices:data/read/mget[shard]", "", "m");
	expect_bad(rest("GET", "/a/_search?source=q:1&source_content_type="
			"application/yaml", NULL), NG_EBADREQ, "cannot be read");
	r = rest("POST", "/a/_search?source=%7B%7D", "{\"size\":1}");
	CU_ASSERT_EQUAL(r->status, 0);
}


/* ---------------------------------------------------------------------
 * Every route of the specification.
 */

#define REST_REF "../../shared/reference/rest-api/"

/* A file's text, or NULL when it cannot be read. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n)
		buf[n] = '\0';
	else
		free(buf), buf = NULL;
	fclose(f);
	return buf;
}

/* The template with each {part} replaced by a sample value: index parts
 * get a name an index may have, others "v1". */
static void instantiate(const char *t, char *out, size_t cap)
{
	size_t k = 0;

	while (*t && k + 8 < cap) {
		const char *end = *t == '{' ? strchr(t, '}') : NULL;

		if (!end) {
			out[k++] = *t++;
			continue;
		}
		k += (size_t)snprintf(out + k, cap - k, "%s",
				      strncmp(t, "{index}", 7) == 0 ? "idx"
								    : "v1");
		t = end + 1;
	}
	out[k] = '\0';
}

/* Route every (method, path) of one spec file; returns how many. A 1.x
 * path with {type} is left out: types are gone from OpenSearch 2. */
static size_t spec_file_routes(const char *api, const char *file)
{
	char *text = slurp(file), path[512];
	cJSON *j = text ? cJSON_Parse(text) : NULL, *p, *m;
	cJSON *paths = cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(j, api), "url"),
		"paths");
	size_t n = 0;

	cJSON_ArrayForEach(p, paths) {
		const char *t = cJSON_GetObjectItem(p, "path")->valuestring;

		if (strstr(t, "{type}"))
			continue;
		instantiate(t, path, sizeof(path));
		cJSON_ArrayForEach(m, cJSON_GetObjectItem(p, "methods")) {
			prs_request *r = rest(m->valuestring, path, NULL);

			if (r->code == NG_EUNKNOWNAPI || strcmp(r->api, api))
				fprintf(stderr, "\n  %s %s (%s): %s\n",
					m->valuestring, t, api, r->api);
			CU_ASSERT_NOT_EQUAL(r->code, NG_EUNKNOWNAPI);
			CU_ASSERT_STRING_EQUAL(r->api, api);
			n++;
		}
	}
	cJSON_Delete(j);
	free(text);
	return n;
}

/* Every (method, path template) of the specification files of every core
 * API of the reference table routes to that API; an API the table marks
 * as not OpenSearch's is left out. */
static void spec_routes_are_all_known(void)
{
	char *tsv = slurp(REST_REF "api-actions.tsv"), *save = NULL, f[256];
	size_t n = 0;

	if (!tsv) {
		CU_PASS("../shared is absent: spec routes not checked");
		return;
	}
	for (char *ln = strtok_r(tsv, "\n", &save); ln;
	     ln = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(ln, '\t');

		if (*ln == '#' || !tab || strncmp(ln, "api_name\t", 9) == 0 ||
		    strstr(ln, "not an OpenSearch API"))
			continue;
		*tab = '\0';
		snprintf(f, sizeof(f), REST_REF "api/%s.json", ln);
		n += spec_file_routes(ln, f);
		snprintf(f, sizeof(f), REST_REF "api/openapi-derived/%s.json", ln);
		n += spec_file_routes(ln, f);
	}
	CU_ASSERT(n > 500);
	free(tsv);
}

/* ---------------------------------------------------------------------
 * Plugin APIs, SQL and PPL.
 */

static void plugin_routes_decide_by_their_action(void)
{
	prs_request *r = rest("POST", "/_plugins/_ml/models/_register", "{}");

	expect_ok(r, "ml.register_model",
		  "cluster:admin/opensearch/ml/register_model");
	CU_ASSERT_EQUAL(r->nops, 1);
	CU_ASSERT_EQUAL(r->ops[0].nexprs, 0);
	expect_ok(rest("GET", "/_plugins/_ml/models/_search", NULL),
		  "ml.search_models", "cluster:admin/opensearch/ml/models/search");
	expect_ok(rest("GET", "/_plugins/_ml/models/m%2D1", NULL),
		  "ml.get_model", "cluster:admin/opensearch/ml/models/get");
	expect_ok(rest("POST", "/_plugins/_ism/add/logs-*", "{}"),
		  "ism.add_policy", "cluster:admin/opendistro/ism/managedindex/add");
	expect_ok(rest("GET", "/_plugins/_alerting/monitors/m1", NULL),
		  "alerting.get_monitor",
		  "cluster:admin/opendistro/alerting/monitor/get");
	expect_ok(rest("PATCH", "/_plugins/_security/api/roles/r1", "[]"),
		  "security.roles", "restapi:admin/roles");
	expect_ok(rest("DELETE", "/_plugins/_security/api/internalusers/u",
		       NULL), "security.internalusers",
		  "restapi:admin/internalusers");
}

/* A plugin route whose action is not known is refused, never allowed. */
static void plugin_routes_without_a_known_action_are_unknown(void)
{
	prs_request *r = rest("PUT", "/_plugins/_replication/f/_start", "{}");

	CU_ASSERT_EQUAL(r->status, 403);
	CU_ASSERT_EQUAL(r->code, NG_EUNKNOWNAPI);
	CU_ASSERT_EQUAL(r->nops, 0);
	CU_ASSERT_EQUAL(rest("GET", "/_ltr/_featureset/s", NULL)->status, 403);
	CU_ASSERT_EQUAL(rest("PATCH", "/_plugins/_ml/models/m", "{}")->status,
			403);
	CU_ASSERT_EQUAL(rest("POST", "/_plugins/_sql/close", "{}")->status,
			403);
}

static void asynchronous_search_searches_its_indices(void)
{
	prs_request *r = rest("POST", "/_plugins/_asynchronous_search?index="
			      "a%2Cb", "{}");

	expect_ok(r, "asynchronous_search.search",
		  "cluster:admin/opendistro/asynchronous_search/submit");
	expect_op(r, -1, "indices:data/read/search", "also", "a|b");
}

/* The SQL op, with the search it runs, on the tables of the query. */
static void expect_sql(const char *query, const char *ex)
{
	char body[512];
	prs_request *r;

	snprintf(body, sizeof(body), "{\"query\": \"%s\"}", query);
	r = rest("POST", "/_plugins/_sql", body);
	if (r->status)
		fprintf(stderr, "\n  %s: %s\n", query, r->error);
	expect_ok(r, "sql.query", "indices:data/read/sql");
	CU_ASSERT_EQUAL(r->nops, 1);
	if (*ex)
		expect_op(r, -1, "indices:data/read/search", "", ex);
	else
		CU_ASSERT_EQUAL(r->ops[0].nexprs, 0);
}

static void sql_reads_every_table_of_the_query(void)
{
	expect_sql("SELECT * FROM a, b WHERE x = 1", "a|b");
	expect_sql("select * from `my-index`, \\\"q.x\\\" AS t LIMIT 5",
		   "my-index|q.x");
	expect_sql("SELECT * FROM logs-2024.* l JOIN users u ON l.u = u.id",
		   "logs-2024.*|users");
	expect_sql("SELECT a FROM t1 WHERE b IN (SELECT c FROM t2)", "t1|t2");
	expect_sql("SELECT EXTRACT(YEAR FROM d) FROM t WHERE s = 'FROM x'",
		   "t");
	expect_sql("SHOW TABLES LIKE logs%", "logs*");
	expect_sql("SELECT 1 + 1", "");
	expect_ok(rest("POST", "/_opendistro/_sql/_explain",
		       "{\"query\":\"SELECT * FROM a\"}"),
		  "sql.explain", "indices:data/read/sql");
}

/* A subquery in a table's place is read, and so is the rest of its list
 * or join after it closes. */
static void sql_tables_beside_a_subquery_are_read(void)
{
	expect_sql("SELECT * FROM (SELECT * FROM a) t, b", "a|b");
	expect_sql("SELECT * FROM ((SELECT * FROM a)) AS t, b, c", "a|b|c");
	expect_sql("SELECT * FROM (SELECT x FROM a WHERE y IN (1, 2)) t "
		   "WHERE z = 1", "a");
	expect_sql("SELECT * FROM a t JOIN (SELECT * FROM b) u ON t.x = u.x "
		   "JOIN c ON 1 = 1", "a|b|c");
	expect_sql("SELECT * FROM (SELECT * FROM a) t JOIN b ON 1 = 1", "a|b");
}

/* A table name in parentheses, or a join inside them, is not read with
 * certainty: 400, never a query that seems to name no index. */
static void sql_table_in_parentheses_is_400(void)
{
	static const char *const queries[] = {
		"SELECT * FROM(b)",
		"SELECT * FROM ( b ) t",
		"SELECT count(*) FROM(b)",
		"SELECT * FROM a,(b)",
		"SELECT * FROM a LEFT JOIN (b) ON 1=1",
		"SELECT * FROM (a JOIN b)",
		"SELECT * FROM ((b))",
	};
	char body[128];

	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		snprintf(body, sizeof(body), "{\"query\":\"%s\"}", queries[i]);
		expect_bad(rest("POST", "/_plugins/_sql", body), NG_EBADREQ,
			   "sql query: a table in parentheses cannot be read");
	}
}

static void sql_cursor_names_no_index(void)
{
	prs_request *r = rest("POST", "/_plugins/_sql", "{\"cursor\":\"abc\"}");

	expect_ok(r, "sql.query", "indices:data/read/sql");
	CU_ASSERT_EQUAL(r->ops[0].nexprs, 0);
}

/* PPL's own action, then a search of the sources. */
static void expect_ppl(const char *query, const char *ex)
{
	char body[512];
	prs_request *r;

	snprintf(body, sizeof(body), "{\"query\": \"%s\"}", query);
	r = rest("POST", "/_plugins/_ppl", body);
	if (r->status)
		fprintf(stderr, "\n  %s: %s\n", query, r->error);
	expect_ok(r, "ppl.query", "cluster:admin/opensearch/ppl");
	expect_op(r, -1, "indices:data/read/search", "source", ex);
}

static void ppl_reads_every_source_of_the_query(void)
{
	prs_request *r;

	expect_ppl("source=a,b | where x > 1", "a|b");
	expect_ppl("search source = `my-index`, logs-* | fields a", "my-index|logs-*");
	expect_ppl("index=a | lookup b id | fields c", "a|b");
	expect_ppl("source=a | append [ search source=b ]", "a|b");
	expect_ppl("describe a", "a");
	r = rest("POST", "/_plugins/_ppl", "{\"query\":\"show datasources\"}");
	expect_ok(r, "ppl.query", "cluster:admin/opensearch/ppl");
	CU_ASSERT_EQUAL(r->nops, 1);
}

static void unreadable_queries_are_400(void)
{
	expect_bad(rest("POST", "/_plugins/_sql", "{\"query\":\"SELECT * "
			"FROM\"}"), NG_EBADREQ, "sql query: expected an index");
	expect_bad(rest("POST", "/_plugins/_sql", "{\"query\":\"SELECT * "
			"FROM `a\"}"), NG_EBADREQ, "not closed");
	expect_bad(rest("POST", "/_plugins/_sql", "{\"query\":\"DELETE FROM "
			"a\"}"), NG_EBADREQ, "only select");
	expect_bad(rest("POST", "/_plugins/_sql", "{\"query\":\"SELECT * "
			"FROM a 'b'\"}"), NG_EBADREQ, "unexpected text");
	expect_bad(rest("POST", "/_plugins/_ppl", "{\"query\":\"where x=1\"}"),
		   NG_EBADREQ, "ppl query: expected source=");
	expect_bad(rest("POST", "/_plugins/_ppl", "{\"query\":\"source=a | "
			"join on a.x = b.x b\"}"), NG_EBADREQ, "join");
	expect_bad(rest("POST", "/_plugins/_ppl", "{\"query\":1}"), NG_EBADREQ,
		   "ppl body: query is missing or not a string");
	expect_bad(rest("POST", "/_plugins/_sql", "SELECT 1"), NG_EBADREQ,
		   "sql body: not valid json");
	expect_bad(rest("POST", "/_plugins/_sql", NULL), NG_EBADREQ,
		   "sql body: missing");
}

/* A filter beside the query is a search query and may look up terms. */
static void sql_filter_terms_lookup_reads_the_lookup_index(void)
{
	prs_request *r = rest("POST", "/_plugins/_sql", "{\"query\":\"SELECT "
			      "* FROM a\",\"filter\":{\"terms\":{\"f\":"
			      "{\"index\":\"secret\",\"id\":\"1\",\"path\":"
			      "\"p\"}}}}");

	expect_op(r, -1, "indices:data/read/get", "terms_lookup", "secret");
}

/* ---------------------------------------------------------------------
 * What the engine narrows in the modern model only.
 */

static void replaceable_requests_are_flagged_for_v4(void)
{
	prs_request *r = rest("POST", "/a/_delete_by_query", "{}");

	CU_ASSERT_TRUE(r->ops[0].flags & PRS_V4_REDUCIBLE);
	CU_ASSERT_FALSE(r->ops[0].flags & PRS_REDUCIBLE);
	r = rest("POST", "/a*/_close", NULL);
	CU_ASSERT_TRUE(r->ops[0].flags & PRS_V4_REDUCIBLE);
	r = rest("POST", "/_aliases", "{\"actions\":[{\"add\":{\"index\":"
			 "\"a\",\"alias\":\"b\"}}]}");
	CU_ASSERT_TRUE(find(r, -1, "indices:admin/aliases", "index")->flags &
		       PRS_V4_REDUCIBLE);
	CU_ASSERT_FALSE(find(r, -1, "indices:admin/aliases", "alias")->flags &
			PRS_V4_REDUCIBLE);
	r = rest("GET", "/a/_search", NULL);
	CU_ASSERT_FALSE(r->ops[0].flags & PRS_V4_REDUCIBLE);
	r = transport("indices:admin/open", NULL, 0);
	CU_ASSERT_TRUE(r->ops[0].flags & PRS_V4_REDUCIBLE);
}

/* GET /_alias/{name} reads the named aliases' members: no index op. */
static void alias_read_by_name_has_no_index_op(void)
{
	prs_request *r = rest("GET", "/_alias/al1", NULL);

	expect_ok(r, "indices.get_alias", "indices:admin/aliases/get");
	CU_ASSERT_EQUAL(r->nops, 1);
	CU_ASSERT_STRING_EQUAL(r->ops[0].role, "alias");
	r = rest("GET", "/idx/_alias/al1", NULL);
	CU_ASSERT_EQUAL(r->nops, 2);
	r = rest("GET", "/_alias", NULL);
	CU_ASSERT_EQUAL(r->nops, 1);
	CU_ASSERT_PTR_NULL(r->ops[0].role);
}

/* ---------------------------------------------------------------------
 * Query clauses that read another index.
 */

#define GET "indices:data/read/get"
#define LOOKUP(ix) "{\"terms\":{\"f\":{\"index\":\"" ix "\",\"id\":\"1\"," \
		   "\"path\":\"p\"}}}"
/* the same inside a JSON string */
#define LOOKUP_TEXT(ix) "{\\\"terms\\\":{\\\"f\\\":{\\\"index\\\":\\\"" ix \
			"\\\",\\\"id\\\":\\\"1\\\",\\\"path\\\":\\\"p\\\"}}}"
/* base64 of LOOKUP("secret"), and of a wrapper query holding that */
#define B64_LOOKUP "eyJ0ZXJtcyI6eyJmIjp7ImluZGV4Ijoic2VjcmV0IiwiaWQiOiIxIiwi" \
		   "cGF0aCI6InAifX19"
#define B64_WRAPPED "eyJ3cmFwcGVyIjp7InF1ZXJ5IjoiZXlKMFpYSnRjeUk2ZXlKbUlq" \
		    "cDdJbWx1WkdWNElqb2ljMlZqY21WMElpd2lhV1FpT2lJeElpd2lj" \
		    "R0YwYUNJNkluQWlmWDE5In19"

/* The indices `item` reads through clauses of `role`, joined with '|' in
 * op order; each such op is a single-document lookup. */
static const char *reads(const prs_request *r, int item, const char *role)
{
	static char buf[512];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->nops; i++) {
		const prs_op *op = &r->ops[i];

		if (op->item != item || !op->role || strcmp(op->role, role) ||
		    !has_action(op, GET))
			continue;
		CU_ASSERT_EQUAL(op->flags & (PRS_DOC | PRS_LOOKUP),
				PRS_DOC | PRS_LOOKUP);
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					len ? "|" : "", exprs(op));
	}
	return buf;
}

static void indexed_shape_reads_its_index_or_shapes(void)
{
	prs_request *r = rest("POST", "/a/_search",
			      "{\"query\":{\"bool\":{\"filter\":[{\"geo_shape\":"
			      "{\"loc\":{\"indexed_shape\":{\"index\":\"s1\","
			      "\"id\":\"de\",\"path\":\"loc\"}},"
			      "\"ignore_unmapped\":true}},{\"geo_shape\":{\"b\":"
			      "{\"indexed_shape\":{\"id\":\"fr\"}}}},{\"xy_shape\":"
			      "{\"g\":{\"indexed_shape\":{\"index\":\"s2\","
			      "\"id\":\"r\"}}}},{\"geo_shape\":{\"c\":{\"shape\":"
			      "{\"type\":\"point\",\"coordinates\":[1,2]}}}}]}}}");

	expect_ok(r, "search", "indices:data/read/search");
	CU_ASSERT_STRING_EQUAL(reads(r, -1, "indexed_shape"), "s1|shapes|s2");
	CU_ASSERT_EQUAL(r->nops, 4);
}

static void more_like_this_items_with_an_index_are_reads(void)
{
	prs_request *r = rest("POST", "/a/_search",
			      "{\"query\":{\"more_like_this\":{\"fields\":[\"t\"],"
			      "\"like\":[\"text\",{\"_index\":\"b\",\"_id\":\"1\"},"
			      "{\"_id\":\"2\"},{\"_index\":\"c\",\"doc\":{\"t\":"
			      "\"x\"}}],\"unlike\":{\"_index\":\"d\",\"_id\":\"3\"}"
			      "}},\"post_filter\":{\"mlt\":{\"like\":{\"_index\":"
			      "\"e\",\"_id\":\"4\"}}}}");

	expect_ok(r, "search", "indices:data/read/search");
	CU_ASSERT_STRING_EQUAL(reads(r, -1, "like_item"), "b|c|d|e");
	r = rest("POST", "/a/_search", "{\"query\":{\"more_like_this\":{"
		 "\"like\":[\"text\",{\"_id\":\"2\"}]}}}");
	CU_ASSERT_EQUAL(r->nops, 1);
}

static void percolate_of_a_stored_document_reads_its_index(void)
{
	prs_request *r = rest("POST", "/q/_search",
			      "{\"query\":{\"constant_score\":{\"filter\":{"
			      "\"percolate\":{\"field\":\"query\",\"index\":"
			      "\"docs\",\"id\":\"1\"}}}}}");

	expect_ok(r, "search", "indices:data/read/search");
	CU_ASSERT_STRING_EQUAL(reads(r, -1, "percolate"), "docs");
	r = rest("POST", "/q/_search", "{\"query\":{\"percolate\":{\"field\":"
		 "\"query\",\"document\":{\"title\":\"x\"}}}}");
	CU_ASSERT_EQUAL(r->nops, 1);
}

/* The peer reads a number as a name, or refuses the request: neither can
 * be checked here. */
static void lookup_index_that_is_not_a_string_is_400(void)
{
	expect_bad(rest("POST", "/a/_search", "{\"query\":{\"terms\":{\"f\":"
			"{\"index\":7,\"id\":\"1\",\"path\":\"p\"}}}}"),
		   NG_EBADREQ, "terms query: index is not a string");
	expect_bad(rest("POST", "/a/_search", "{\"query\":{\"geo_shape\":{"
			"\"l\":{\"indexed_shape\":{\"index\":null}}}}}"),
		   NG_EBADREQ, "geo_shape query: index is not a string");
	expect_bad(rest("POST", "/a/_search", "{\"query\":{\"mlt\":{\"like\":"
			"[{\"_index\":[\"b\"]}]}}}"),
		   NG_EBADREQ, "mlt query: _index is not a string");
}

static void wrapper_query_is_decoded_and_read(void)
{
	prs_request *r = rest("POST", "/a/_search",
			      "{\"query\":{\"wrapper\":{\"query\":\"" B64_LOOKUP
			      "\"}}}");

	expect_ok(r, "search", "indices:data/read/search");
	CU_ASSERT_STRING_EQUAL(reads(r, -1, "terms_lookup"), "secret");
	r = rest("POST", "/a/_count", "{\"query\":{\"wrapper\":{\"query\":\""
		 B64_WRAPPED "\"}}}");
	CU_ASSERT_STRING_EQUAL(reads(r, -1, "terms_lookup"), "secret");
	r = rest("POST", "/a/_search", "{\"query\":{\"wrapper\":{\"query\":"
		 "\"eyJtYXRjaF9hbGwiOnt9fQ==\"}}}");
	CU_ASSERT_EQUAL(r->status, 0);
	/* "{]", and YAML: the peer runs both, or refuses the first */
	expect_bad(rest("POST", "/a/_search", "{\"query\":{\"wrapper\":{"
			"\"query\":\"e10=\"}}}"), NG_EBADREQ,
		   "wrapper query: not valid json");
	expect_bad(rest("POST", "/a/_search", "{\"query\":{\"wrapper\":{"
			"\"query\":\"LS0tCm1hdGNoX2FsbDoge30K\"}}}"),
		   NG_EBADREQ, "wrapper query: not valid json");
	/* not base64 (the peer refuses it), or not a wrapper query's shape:
	 * a field named wrapper */
	r = rest("POST", "/a/_search", "{\"query\":{\"bool\":{\"must\":["
		 "{\"wrapper\":{\"query\":\"eyJ*\"}},{\"match\":{"
		 "\"wrapper\":{\"query\":\"red\",\"operator\":\"and\"}}}]}}}");
	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(r->nops, 1);
}

static void search_template_source_text_is_read(void)
{
	prs_request *r = rest("POST", "/a/_search/template",
			      "{\"source\":\"{\\\"query\\\":" LOOKUP_TEXT("s\\\\u0041")
			      "}\",\"params\":{}}");

	expect_ok(r, "search_template", "indices:data/read/search/template");
	CU_ASSERT_STRING_EQUAL(reads(r, -1, "terms_lookup"), "sA");
	/* the older names of the source, and an object source */
	r = rest("POST", "/a/_search/template", "{\"inline\":\"" "{\\\"query\\\":"
		 "{\\\"percolate\\\":{\\\"index\\\":\\\"p\\\",\\\"id\\\":"
		 "\\\"1\\\"}}}\"}");
	CU_ASSERT_STRING_EQUAL(reads(r, -1, "percolate"), "p");
	r = rest("POST", "/a/_search/template", "{\"source\":{\"query\":"
		 LOOKUP("o") "}}");
	CU_ASSERT_STRING_EQUAL(reads(r, -1, "terms_lookup"), "o");
	/* a tag inside a string leaves the text JSON: the name is the tag */
	r = rest("POST", "/a/_search/template", "{\"source\":\"{\\\"query\\\":"
		 "{\\\"terms\\\":{\\\"f\\\":{\\\"index\\\":\\\"{{ix}}\\\"}}}}\","
		 "\"params\":{\"ix\":\"b\"}}");
	CU_ASSERT_STRING_EQUAL(reads(r, -1, "terms_lookup"), "{{ix}}");
	/* a tag outside strings: not JSON until rendered, left alone */
	r = rest("POST", "/a/_search/template", "{\"source\":\"{\\\"size\\\":"
		 "{{n}}}\",\"params\":{\"n\":1}}");
	CU_ASSERT_EQUAL(r->status, 0);
	CU_ASSERT_EQUAL(r->nops, 1);
	/* without a tag the peer parses the text as it is */
	expect_bad(rest("POST", "/a/_search/template",
			"{\"source\":\"{\\\"query\\\":\"}"), NG_EBADREQ,
		   "query body: template source: not valid json");
	expect_ok(rest("POST", "/a/_search/template", "{\"id\":\"stored\"}"),
		  "search_template", "indices:data/read/search/template");
}

/* Rendering runs no query, so nothing of the template is read. */
static void render_template_reads_nothing(void)
{
	prs_request *r = rest("POST", "/_render/template",
			      "{\"source\":\"{\\\"query\\\":" LOOKUP_TEXT("s") "}\"}");

	expect_ok(r, "render_search_template",
		  "indices:data/read/search/template");
	CU_ASSERT_EQUAL(r->nops, 1);
}

static void msearch_template_items_read_their_lookups(void)
{
	prs_request *r = rest("POST", "/p/_msearch/template",
			      "{}\n{\"id\":\"t\"}\n"
			      "{\"index\":\"a\"}\n{\"source\":{\"query\":"
			      LOOKUP("x") "}}\n"
			      "{}\n{\"source\":\"{\\\"query\\\":" LOOKUP_TEXT("y")
			      "}\",\"params\":{}}\n");

	expect_ok(r, "msearch_template", "indices:data/read/msearch/template");
	CU_ASSERT_EQUAL(r->nitems, 3);
	CU_ASSERT_STRING_EQUAL(reads(r, 0, "terms_lookup"), "");
	CU_ASSERT_STRING_EQUAL(reads(r, 1, "terms_lookup"), "x");
	CU_ASSERT_STRING_EQUAL(reads(r, 2, "terms_lookup"), "y");
	expect_bad(rest("POST", "/p/_msearch/template",
			"{}\n{\"source\":\"{\\\"query\\\":\"}\n"), NG_EBADREQ,
		   "msearch line 2: template source: not valid json");
}

/* ---------------------------------------------------------------------
 * Search bodies read without a tree: the scan must agree with the full
 * parse on every body it passes.
 */

typedef struct body_case {
	const char *s;
	size_t n;               /* 0: strlen */
	bool plain;             /* what the scan says */
	bool read;              /* a key that search bodies read; the scan
	                         * would pass it otherwise */
} body_case;

static const body_case body_cases[] = {
	{ "{\"query\":{\"match_all\":{}}}", 0, true, false },
	{ "{}", 0, true, false },
	{ " \t\r\n{ \"a\" : 1 , \"b\" : [ ] } \r\n\t ", 0, true, false },
	{ "{\"a\":[1,-2,3.5,-0,0.25e+10,1E-2,6e7],\"b\":null,\"c\":true,"
	  "\"d\":false,\"e\":\"x\\\"y\\\\z\\/\\b\\f\\n\\r\\t\"}", 0, true, false },
	{ "{\"caf\xc3\xa9\":\"\xe2\x82\xac \xff\"}", 0, true, false },
	{ "{\"a\":{\"a\":{\"a\":1}},\"b\":[{\"a\":1},{\"a\":2}]}", 0, true, false },
	{ "{\"term\":{\"termsx\":1},\"aggregation\":2,\"aggs_x\":3}", 0, true, false },
	{ "{\"a\":\"\\\\u0000\"}", 0, true, false },
	{ "{\"a\":12345678901234567890123456789012}", 0, true, false },
	/* valid, but left to the full parse */
	{ "{\"a\":123456789012345678901234567890123}", 0, false, false },
	{ "{\"a\":\"\\u0041\"}", 0, false, false },
	{ "{\"\\u0061\":1,\"a\":2}", 0, false, false },
	{ "{\"a\\n\":1}", 0, false, false },
	{ "{\"a\":\"x\ty\"}", 0, false, false },
	{ "\xef\xbb\xbf{}", 0, false, false },
	{ "\x0b{}", 0, false, false },
	{ "{}\x0c", 0, false, false },
	{ "{\"query\":{\"terms\":{\"user\":{\"index\":\"u\",\"id\":\"1\"}}}}",
	  0, false, true },
	{ "{\"query\":{\"terms\":{\"user\":[\"a\"]}}}", 0, false, true },
	{ "{\"query\":{\"wrapper\":{\"query\":\"e30=\"}}}", 0, false, true },
	{ "{\"size\":0,\"aggs\":{\"indices\":{\"terms\":{\"field\":\"_index\"}}}}",
	  0, false, true },
	{ "{\"aggregations\":{}}", 0, false, true },
	{ "{\"query\":{\"more_like_this\":{\"like\":[{\"_index\":\"o\"}]}}}", 0,
	  false, true },
	{ "{\"percolate\":1}", 0, false, true },
	/* not valid, or refused */
	{ "{\"a\":1,\"a\":2}", 0, false, false },
	{ "{\"a\":{\"b\":1,\"c\":2,\"b\":3}}", 0, false, false },
	{ "[]", 0, false, false },
	{ "\"a\"", 0, false, false },
	{ "{\"a\":1}x", 0, false, false },
	{ "{\"a\":1}{}", 0, false, false },
	{ "{\"a\":1}\0", 8, false, false },
	{ "{\"a\":\"\0\"}", 9, false, false },
	{ "{\"a\"\0:1}", 8, false, false },
	{ "{\"a\":01}", 0, false, false },
	{ "{\"a\":1.}", 0, false, false },
	{ "{\"a\":.5}", 0, false, false },
	{ "{\"a\":-}", 0, false, false },
	{ "{\"a\":+1}", 0, false, false },
	{ "{\"a\":1e}", 0, false, false },
	{ "{\"a\":1e+}", 0, false, false },
	{ "{\"a\":0x1}", 0, false, false },
	{ "{\"a\":1,}", 0, false, false },
	{ "{,}", 0, false, false },
	{ "{\"a\":[1,]}", 0, false, false },
	{ "{\"a\" 1}", 0, false, false },
	{ "{\"a\":tru}", 0, false, false },
	{ "{\"a\":truex}", 0, false, false },
	{ "{\"a\":nul}", 0, false, false },
	{ "{\"a\":\"\\x\"}", 0, false, false },
	{ "{\"a\":\"\\", 0, false, false },
	{ "{\"a\":\"x", 0, false, false },
	{ "{\"a\":", 0, false, false },
	{ "{", 0, false, false },
	{ "{\"a\":\"\\u0000\"}", 0, false, false },
};

/* {"a":[[...]]} nested `depth` deep, into buf. */
static size_t nested(char *buf, size_t depth)
{
	size_t k = 0;

	memcpy(buf, "{\"a\":", 5);
	k = 5;
	for (size_t i = 1; i < depth; i++)
		buf[k++] = '[';
	for (size_t i = 1; i < depth; i++)
		buf[k++] = ']';
	buf[k++] = '}';
	buf[k] = '\0';
	return k;
}

static void decompose_in(ng_arena *a, prs_request *r, const char *path,
			 const char *body, size_t n)
{
	ng_arena_reset(a);
	CU_ASSERT_EQUAL(prs_rest(r, a, &limits, "POST", 4, path, strlen(path),
				 body, n), 0);
}

static void same_op(const prs_op *x, const prs_op *y)
{
	CU_ASSERT_EQUAL(x->item, y->item);
	/* the legacy _index aggregation is told for search and msearch only */
	CU_ASSERT_EQUAL(x->flags & ~PRS_INDEX_TERMS_AGG,
			y->flags & ~PRS_INDEX_TERMS_AGG);
	CU_ASSERT_STRING_EQUAL(x->role ? x->role : "", y->role ? y->role : "");
	CU_ASSERT_EQUAL_FATAL(x->nexprs, y->nexprs);
	for (size_t i = 0; i < x->nexprs; i++)
		CU_ASSERT_STRING_EQUAL(x->exprs[i], y->exprs[i]);
}

/* The ops of r but the top-level one and those of the route's handler
 * ("also"), into out[]. */
static size_t body_ops(const prs_request *r, const prs_op **out, size_t cap)
{
	size_t k = 0;

	for (size_t i = 1; i < r->nops && k < cap; i++)
		if (!r->ops[i].role || strcmp(r->ops[i].role, "also") != 0)
			out[k++] = &r->ops[i];
	return k;
}

/* The same outcome, bar the top-level op's action and flags and the
 * handler's further ops. */
static void same_outcome(const prs_request *x, const prs_request *y)
{
	const prs_op *ox[16], *oy[16];
	size_t nx = body_ops(x, ox, 16), ny = body_ops(y, oy, 16);

	CU_ASSERT_EQUAL(x->status, y->status);
	CU_ASSERT_EQUAL(x->code, y->code);
	CU_ASSERT_STRING_EQUAL(x->error ? x->error : "",
			       y->error ? y->error : "");
	if (x->status)
		return;
	CU_ASSERT_EQUAL_FATAL(nx, ny);
	for (size_t i = 0; i < nx; i++)
		same_op(ox[i], oy[i]);
	CU_ASSERT_EQUAL_FATAL(x->ops[0].nexprs, y->ops[0].nexprs);
}

/* A search body and an _msearch search line decide as the same body of
 * a rank_eval request and an _msearch/template line, which are always
 * parsed in full. */
static void both_ways(ng_arena *other, const char *s, size_t n)
{
	prs_request parsed;
	char line[512];

	decompose_in(&arena, &req, "/x/_search", s, n);
	decompose_in(other, &parsed, "/x/_rank_eval", s, n);
	same_outcome(&req, &parsed);
	if (memchr(s, '\n', n) || n + 4 > sizeof(line))
		return;
	memcpy(line, "{}\n", 3);
	memcpy(line + 3, s, n);
	line[n + 3] = '\n';
	decompose_in(&arena, &req, "/_msearch", line, n + 4);
	decompose_in(other, &parsed, "/_msearch/template", line, n + 4);
	same_outcome(&req, &parsed);
}

static void plain_bodies_decide_as_parsed_ones(void)
{
	static ng_arena other;
	char text[256];

	for (size_t i = 0; i < sizeof(body_cases) / sizeof(body_cases[0]); i++) {
		const body_case *k = &body_cases[i];
		size_t n = k->n ? k->n : strlen(k->s);

		both_ways(&other, k->s, n);
	}
	/* around the scan's own depth limit, and the readers' */
	for (size_t d = 30; d <= 34; d++)
		both_ways(&other, text, nested(text, d));
	for (size_t d = 63; d <= 66; d++)
		both_ways(&other, text, nested(text, d));
	ng_arena_free(&other);
}

static bool no_key(const char *k, size_t n)
{
	return false;
}

static bool key_a(const char *k, size_t n)
{
	return n == 1 && k[0] == 'a';
}

/* What the scan passes: valid bodies of the plain subset, within the
 * depth limit, with no repeated key and no key the caller reads. */
static void json_scan_passes_the_plain_subset_only(void)
{
	char text[256];

	for (size_t i = 0; i < sizeof(body_cases) / sizeof(body_cases[0]); i++) {
		const body_case *k = &body_cases[i];
		size_t n = k->n ? k->n : strlen(k->s);

		if (prs_json_plain(k->s, n, 64, no_key) != (k->plain || k->read))
			fprintf(stderr, "\n  case %zu: %s\n", i, k->s);
		CU_ASSERT_EQUAL(prs_json_plain(k->s, n, 64, no_key),
				k->plain || k->read);
	}
	CU_ASSERT_FALSE(prs_json_plain("{\"b\":{\"a\":1}}", 13, 64, key_a));
	CU_ASSERT_TRUE(prs_json_plain("{\"b\":{\"ab\":1}}", 14, 64, key_a));
	/* the depth counts objects and arrays, as the readers count them */
	CU_ASSERT_TRUE(prs_json_plain("{\"a\":[{}]}", 10, 3, no_key));
	CU_ASSERT_FALSE(prs_json_plain("{\"a\":[{}]}", 10, 2, no_key));
	CU_ASSERT_FALSE(prs_json_plain("{}", 2, 0, no_key));
	CU_ASSERT_TRUE(prs_json_plain(text, nested(text, 32), 64, no_key));
	CU_ASSERT_FALSE(prs_json_plain(text, nested(text, 33), 64, no_key));
	CU_ASSERT_FALSE(prs_json_plain("", 0, 64, no_key));
	CU_ASSERT_FALSE(prs_json_plain(" ", 1, 64, no_key));
}

static void rank_eval_requests_read_their_lookups(void)
{
	prs_request *r = rest("POST", "/a/_rank_eval",
			      "{\"requests\":[{\"id\":\"q1\",\"request\":{"
			      "\"query\":" LOOKUP("x") "},\"ratings\":[{"
			      "\"_index\":\"a\",\"_id\":\"1\",\"rating\":1}]},"
			      "{\"id\":\"q2\",\"template_id\":\"t\",\"params\":{}}],"
			      "\"templates\":[{\"id\":\"t\",\"template\":{"
			      "\"source\":\"{\\\"query\\\":" LOOKUP_TEXT("y") "}\"}}],"
			      "\"metric\":{\"precision\":{\"k\":10}}}");

	expect_ok(r, "rank_eval", "indices:data/read/rank_eval");
	expect_op(r, -1, "indices:data/read/msearch", "also", "");
	CU_ASSERT_STRING_EQUAL(reads(r, -1, "terms_lookup"), "x|y");
}

/* A query held as text nests inside the value holding it: the depth
 * limit counts both, and a NUL in the text is refused like one in a
 * body. */
static void query_text_counts_toward_the_depth_limit(void)
{
	const char *at = "{\"source\":\"{\\\"a\\\":[1]}\"}";
	const char *over = "{\"source\":\"{\\\"a\\\":[[1]]}\"}";

	limits.max_depth = 3;
	CU_ASSERT_EQUAL(rest("POST", "/a/_search/template", at)->status, 0);
	expect_bad(rest("POST", "/a/_search/template", over), NG_ELIMIT,
		   "template source: json nested deeper than 3");
	limits = (prs_limits)PRS_LIMITS_DEFAULT;
	expect_bad(rest("POST", "/a/_search/template",
			"{\"source\":\"{\\\"a\\\":\\\"\\\\u0000\\\"}\"}"),
		   NG_EBADREQ, "template source: a string holds \\u0000");
	CU_ASSERT_EQUAL(rest("POST", "/a/_search/template",
			     "{\"source\":\"{\\\"a\\\":\\\"\\\\\\\\u0000\\\"}\"}")
			->status, 0);
}

void suite_rest(void)
{
	ng_arena_init(&arena);
	NG_ADD_SUITE("rest",
		NG_TEST(search_without_index_targets_all),
		NG_TEST(search_on_all_keeps_all_as_text),
		NG_TEST(search_percent_encoded_comma_and_star_act_like_plain),
		NG_TEST(search_percent_encoded_date_math_is_decoded),
		NG_TEST(encoded_slash_stays_inside_its_segment),
		NG_TEST(doubled_and_trailing_slashes_collapse),
		NG_TEST(duplicate_query_parameter_last_one_wins),
		NG_TEST(query_options_are_read),
		NG_TEST(bad_query_values_are_400),
		NG_TEST(bad_percent_encoding_in_path_is_400),
		NG_TEST(path_bytes_are_decoded_or_refused_anywhere),
		NG_TEST(unknown_api_is_403_and_names_the_request),
		NG_TEST(unusual_methods_are_unknown),
		NG_TEST(index_part_never_takes_an_underscore_name),
		NG_TEST(literal_segment_wins_over_a_part),
		NG_TEST(head_takes_only_head_routes),
		NG_TEST(count_is_a_search),
		NG_TEST(terms_lookup_reads_the_lookup_index),
		NG_TEST(search_body_that_is_not_json_is_400),
		NG_TEST(field_caps_is_a_reducible_remote_read),
		NG_TEST(get_document_and_source_are_gets),
		NG_TEST(index_document_runs_as_a_one_item_bulk),
		NG_TEST(delete_document_never_creates),
		NG_TEST(update_document_is_one_write),
		NG_TEST(mget_items_take_their_own_index_or_the_path_one),
		NG_TEST(mget_ids_in_the_query_string_use_the_path_index),
		NG_TEST(mget_bodies_that_do_not_fit_are_400),
		NG_TEST(msearch_headers_name_the_indices_of_each_search),
		NG_TEST(msearch_without_any_index_targets_all),
		NG_TEST(msearch_without_final_newline_keeps_the_last_search),
		NG_TEST(msearch_bad_header_names_its_line),
		NG_TEST(msearch_names_lines_past_nine),
		NG_TEST(msearch_plain_headers_read_as_any_other),
		NG_TEST(bulk_items_map_to_their_write_actions),
		NG_TEST(bulk_source_lines_are_skipped_not_parsed),
		NG_TEST(bulk_last_line_without_newline_is_a_line),
		NG_TEST(bulk_item_without_index_is_a_400_for_that_item),
		NG_TEST(bulk_action_lines_that_do_not_fit_are_400),
		NG_TEST(delete_by_query_reads_and_deletes_the_path_indices),
		NG_TEST(update_by_query_writes_with_index),
		NG_TEST(reindex_reads_the_source_and_writes_the_dest),
		NG_TEST(reindex_from_remote_flags_the_source),
		NG_TEST(reindex_bodies_that_do_not_fit_are_400),
		NG_TEST(create_index_with_aliases_also_changes_aliases),
		NG_TEST(delete_index_and_cluster_health),
		NG_TEST(cat_indices_reads_settings_stats_state_and_health),
		NG_TEST(body_size_limit_is_exact),
		NG_TEST(json_depth_limit_is_exact),
		NG_TEST(very_deep_json_is_refused_before_cjson),
		NG_TEST(ndjson_line_limit_is_exact),
		NG_TEST(item_limit_is_exact),
		NG_TEST(query_semicolon_separates_and_hash_ends_the_query),
		NG_TEST(repeated_json_key_is_400),
		NG_TEST(repeated_key_is_found_among_any_number),
		NG_TEST(escaped_nul_in_a_json_string_is_400),
		NG_TEST(msearch_reads_indices_and_camel_case_options),
		NG_TEST(msearch_empty_first_line_is_skipped),
		NG_TEST(msearch_terms_lookup_belongs_to_its_item),
		NG_TEST(msearch_template_items_are_searches),
		NG_TEST(mget_items_are_numbered_in_body_order),
		NG_TEST(mtermvectors_ids_use_the_path_index),
		NG_TEST(aliases_actions_check_indices_and_alias_names),
		NG_TEST(aliases_later_spelling_wins),
		NG_TEST(aliases_bodies_that_do_not_fit_are_400),
		NG_TEST(put_alias_takes_path_or_body),
		NG_TEST(put_alias_body_index_overrides_the_path_at_any_depth),
		NG_TEST(alias_reads_and_deletes_name_aliases_in_the_path),
		NG_TEST(resize_checks_source_and_target),
		NG_TEST(rollover_checks_the_alias_and_the_new_index),
		NG_TEST(data_stream_routes_name_data_streams),
		NG_TEST(index_admin_routes_name_their_indices),
		NG_TEST(cat_shards_reads_state_then_stats_of_its_indices),
		NG_TEST(search_template_also_searches),
		NG_TEST(explain_and_validate_read_their_index),
		NG_TEST(scroll_and_pit_routes),
		NG_TEST(snapshot_restore_creates_and_writes_its_targets),
		NG_TEST(snapshot_create_names_its_indices),
		NG_TEST(cluster_bodies_name_indices),
		NG_TEST(help_routes_have_no_operation),
		NG_TEST(routes_table_routes_every_api),
		NG_TEST(transport_request_is_one_top_level_op),
		NG_TEST(transport_actions_known_by_name_carry_their_row),
		NG_TEST(transport_request_that_does_not_fit_is_400),
		NG_TEST(transport_names_are_split_and_checked_in_order),
		NG_TEST(transport_action_flags_follow_the_table),
		NG_TEST(index_query_parameter_names_the_indices),
		NG_TEST(index_terms_aggregation_is_flagged),
		NG_TEST(source_parameter_stands_for_the_body),
		NG_TEST(spec_routes_are_all_known),
		NG_TEST(plugin_routes_decide_by_their_action),
		NG_TEST(plugin_routes_without_a_known_action_are_unknown),
		NG_TEST(asynchronous_search_searches_its_indices),
		NG_TEST(sql_reads_every_table_of_the_query),
		NG_TEST(sql_tables_beside_a_subquery_are_read),
		NG_TEST(sql_table_in_parentheses_is_400),
		NG_TEST(sql_cursor_names_no_index),
		NG_TEST(ppl_reads_every_source_of_the_query),
		NG_TEST(unreadable_queries_are_400),
		NG_TEST(sql_filter_terms_lookup_reads_the_lookup_index),
		NG_TEST(replaceable_requests_are_flagged_for_v4),
		NG_TEST(alias_read_by_name_has_no_index_op),
		NG_TEST(indexed_shape_reads_its_index_or_shapes),
		NG_TEST(more_like_this_items_with_an_index_are_reads),
		NG_TEST(percolate_of_a_stored_document_reads_its_index),
		NG_TEST(lookup_index_that_is_not_a_string_is_400),
		NG_TEST(wrapper_query_is_decoded_and_read),
		NG_TEST(search_template_source_text_is_read),
		NG_TEST(render_template_reads_nothing),
		NG_TEST(msearch_template_items_read_their_lookups),
		NG_TEST(rank_eval_requests_read_their_lookups),
		NG_TEST(plain_bodies_decide_as_parsed_ones),
		NG_TEST(json_scan_passes_the_plain_subset_only),
		NG_TEST(query_text_counts_toward_the_depth_limit));
}
