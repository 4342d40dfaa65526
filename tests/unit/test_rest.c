/*
 * REST decomposition: routing, the query string, body readers, limits.
 * Fixtures are read from data/rest/ (the runner starts in tests/).
 */
#include <CUnit/CUnit.h>
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

static void head_uses_the_head_route_or_falls_back_to_get(void)
{
	prs_request *r = rest("HEAD", "/movies/_doc/1", NULL);

	expect_ok(r, "exists", "indices:data/read/get");
	expect_op(r, -1, "indices:data/read/get", "", "movies");
	expect_ok(rest("HEAD", "/movies", NULL), "indices.exists",
		  "indices:admin/get");
	expect_ok(rest("HEAD", "/_cluster/health", NULL), "cluster.health",
		  "cluster:monitor/health");
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
		NG_TEST(unknown_api_is_403_and_names_the_request),
		NG_TEST(unusual_methods_are_unknown),
		NG_TEST(index_part_never_takes_an_underscore_name),
		NG_TEST(literal_segment_wins_over_a_part),
		NG_TEST(head_uses_the_head_route_or_falls_back_to_get),
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
		NG_TEST(item_limit_is_exact));
}
