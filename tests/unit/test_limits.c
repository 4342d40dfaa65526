/*
 * Explicit limits, at their default values, end to end: a request just
 * under each limit is decided as usual, one just over it is refused with
 * 400 and a reason naming the limit, never allowed. Policy limits: the
 * number of index patterns, and the PCRE2 bounds that keep a pathological
 * regular expression from stalling a node.
 *
 * The parsers' own tests (test_rest.c, test_expr.c) check the same limits
 * with small values; these check the values a node runs with.
 * The runner starts in tests/, so the sample files are in ../samples.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parsers.h"
#include "policy.h"
#include "suites.h"

static const prs_limits lim = PRS_LIMITS_DEFAULT;

/* A growing text; aborts the test run when memory runs out. */
typedef struct text {
	char *s;
	size_t len, cap;
} text;

static void put(text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		if (!t->s)
			abort();
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void puts_(text *t, const char *s)
{
	put(t, s, strlen(s));
}

static void fill(text *t, char c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(t, &c, 1);
}

/* The sample engine, built once for the suite. */
static ng_engine *engine(void)
{
	static ng_engine *e;
	ng_policy *p = NULL;
	ng_metadata *m = NULL;

	if (e)
		return e;
	if (ng_policy_load("../samples/policy", NULL, &p) == 0 &&
	    ng_metadata_load("../samples/metadata.json", &m) == 0)
		ng_engine_new(p, m, &e);
	ng_policy_release(p);
	ng_metadata_release(m);
	return e;
}

/* Decide a REST request for a sample user; returns the status. A 400 must
 * come with a denial. */
static int decide(const char *method, const char *path, const text *body)
{
	ng_request *r = NULL;
	ng_decision *d = NULL;
	int status = -1;

	CU_ASSERT_PTR_NOT_NULL_FATAL(engine());
	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
	ng_request_set_user(r, "ada", 3);
	ng_request_set_rest(r, method, strlen(method), path, strlen(path),
			    body ? body->s : NULL, body ? body->len : 0);
	if (ng_decide(engine(), r, &d) == 0) {
		status = ng_decision_status(d);
		if (status == 400)
			CU_ASSERT_EQUAL(ng_decision_verdict(d), NG_DENY);
	}
	ng_decision_free(d);
	ng_request_free(r);
	return status;
}

/* Under: decided as usual (not a 400). Over: a 400 naming the limit. */
static void under_over(const char *method, const char *path,
		       const text *under, const text *over, const char *what)
{
	static char why[256];
	ng_request *r = NULL;
	ng_decision *d = NULL;

	CU_ASSERT_NOT_EQUAL(decide(method, path, under), 400);
	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
	ng_request_set_user(r, "ada", 3);
	ng_request_set_rest(r, method, strlen(method), path, strlen(path),
			    over->s, over->len);
	CU_ASSERT_EQUAL_FATAL(ng_decide(engine(), r, &d), 0);
	CU_ASSERT_EQUAL(ng_decision_status(d), 400);
	CU_ASSERT_EQUAL(ng_decision_verdict(d), NG_DENY);
	snprintf(why, sizeof(why), "%s", ng_decision_reason(d));
	if (!strstr(why, what))
		fprintf(stderr, "\n  reason \"%s\" lacks \"%s\"\n", why, what);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, what));
	ng_decision_free(d);
	ng_request_free(r);
}

static void defaults_are_the_documented_values(void)
{
	CU_ASSERT_EQUAL(lim.max_body, 100u << 20);
	CU_ASSERT_EQUAL(lim.max_line, 1u << 20);
	CU_ASSERT_EQUAL(lim.max_items, 100000);
	CU_ASSERT_EQUAL(lim.max_depth, 64);
	CU_ASSERT_EQUAL(lim.max_expr_len, 4096);
	CU_ASSERT_EQUAL(lim.max_expr_parts, 1024);
	CU_ASSERT_EQUAL(POL_MAX_PATTERNS, 65536);
}

static void body_of_max_bytes_is_read_one_more_refused(void)
{
	text under = { 0 }, over = { 0 };

	puts_(&under, "{\"query\":{\"match_all\":{}}}");
	fill(&under, ' ', lim.max_body - under.len);
	put(&over, under.s, under.len);
	puts_(&over, " ");
	CU_ASSERT_EQUAL(under.len, lim.max_body);
	under_over("POST", "/logs-*/_search", &under, &over, "exceeds the limit");
	free(under.s);
	free(over.s);
}

/* A bulk request whose action line has `n` bytes (a long _id). A source
 * line is not parsed and is bounded by the body size only. */
static void bulk_line(text *t, size_t n)
{
	static const char head[] = "{\"index\":{\"_index\":\"logs-2026.03.22\","
				   "\"_id\":\"";

	puts_(t, head);
	fill(t, 'x', n - (sizeof(head) - 1) - 3);
	puts_(t, "\"}}\n{\"f\":1}\n");
}

static void ndjson_line_of_max_bytes_is_read_one_more_refused(void)
{
	text under = { 0 }, over = { 0 };

	bulk_line(&under, lim.max_line);
	bulk_line(&over, lim.max_line + 1);
	under_over("POST", "/_bulk", &under, &over, "longer than");
	free(under.s);
	free(over.s);
}

static void items(text *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		puts_(t, "{\"delete\":{\"_index\":\"logs-2026.03.22\",\"_id\":\"1\"}}\n");
}

static void max_sub_requests_are_read_one_more_refused(void)
{
	text under = { 0 }, over = { 0 };

	items(&under, lim.max_items);
	items(&over, lim.max_items + 1);
	under_over("POST", "/_bulk", &under, &over, "more than");
	free(under.s);
	free(over.s);
}

static void nested(text *t, size_t depth)
{
	puts_(t, "{\"query\":");
	for (size_t i = 1; i < depth - 1; i++)
		puts_(t, "[");
	puts_(t, "{}");
	for (size_t i = 1; i < depth - 1; i++)
		puts_(t, "]");
	puts_(t, "}");
}

static void json_nested_max_deep_is_read_one_more_refused(void)
{
	text under = { 0 }, over = { 0 };

	nested(&under, lim.max_depth);
	nested(&over, lim.max_depth + 1);
	under_over("POST", "/logs-*/_search", &under, &over, "nested deeper");
	free(under.s);
	free(over.s);
}

/* GET /<expr>/_search for an expression text. */
static int search(const text *expr)
{
	text p = { 0 };
	int st;

	puts_(&p, "/");
	put(&p, expr->s, expr->len);
	puts_(&p, "/_search");
	st = decide("GET", p.s, NULL);
	free(p.s);
	return st;
}

static void expression_of_max_bytes_is_read_one_more_refused(void)
{
	text e = { 0 };

	puts_(&e, "logs-");
	fill(&e, 'x', lim.max_expr_len - e.len);
	CU_ASSERT_NOT_EQUAL(search(&e), 400);
	puts_(&e, "x");
	CU_ASSERT_EQUAL(search(&e), 400);
	free(e.s);
}

static void expression_of_max_parts_is_read_one_more_refused(void)
{
	text e = { 0 };

	for (size_t i = 0; i < lim.max_expr_parts; i++)
		puts_(&e, i ? ",l" : "l");
	CU_ASSERT_TRUE(e.len <= lim.max_expr_len);
	CU_ASSERT_NOT_EQUAL(search(&e), 400);
	puts_(&e, ",l");
	CU_ASSERT_EQUAL(search(&e), 400);
	free(e.s);
}

/* roles.yml with one role of n index patterns, compiled. */
static int compile_patterns(size_t n)
{
	text y = { 0 };
	char line[64];
	pol_model *m = NULL;
	pol_compiled *pc = NULL;
	ng_error err;
	int rc;

	puts_(&y, "r:\n  index_permissions:\n  - allowed_actions: [read]\n"
		  "    index_patterns:\n");
	for (size_t i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "    - i%zu\n", i);
		puts_(&y, line);
	}
	CU_ASSERT_EQUAL_FATAL(pol_model_new_empty(&m, &err), 0);
	rc = pol_model_load_text(m, "roles.yml", y.s, y.len, &err);
	CU_ASSERT_EQUAL(rc, 0);
	rc = pol_compile(m, &pc, &err);
	if (rc) {
		/* at the first pattern past the limit: here the last one */
		CU_ASSERT_PTR_NOT_NULL(strstr(err.message, "index patterns"));
		CU_ASSERT_STRING_EQUAL(err.file, "roles.yml");
		CU_ASSERT_EQUAL(err.line, (int)(4 + n));
		CU_ASSERT_EQUAL(err.column, 7);
	}
	pol_compiled_free(pc);
	free(y.s);
	return rc;
}

static void max_index_patterns_compile_one_more_refused(void)
{
	size_t builtin;
	pol_model *m = NULL;
	ng_error err;

	/* the built-in static roles hold some patterns of their own */
	CU_ASSERT_EQUAL_FATAL(pol_model_new_empty(&m, &err), 0);
	builtin = 0;
	for (size_t r = 0; r < m->nroles; r++)
		for (size_t i = 0; i < m->roles[r].nindex; i++)
			builtin += m->roles[r].index[i].patterns.n;
	pol_model_free(m);
	CU_ASSERT_EQUAL(compile_patterns(POL_MAX_PATTERNS - builtin), 0);
	CU_ASSERT_EQUAL(compile_patterns(POL_MAX_PATTERNS - builtin + 1),
			NG_ELIMIT);
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool re_match(const char *re, const char *s, size_t n, double *took)
{
	pol_pattern p;
	double t0;
	bool hit;

	CU_ASSERT_EQUAL_FATAL(pol_pattern_compile(&p, re, 0, NULL), 0);
	t0 = seconds();
	hit = pol_pattern_match(&p, s, n);
	*took = seconds() - t0;
	pol_pattern_clear(&p);
	return hit;
}

/* Catastrophic backtracking: (a+)+ over "aaa...ab". A modest input stays
 * under the match limit and is decided; a long one hits the limit, does
 * not match (fail closed) and returns quickly. */
static void regex_backtracking_is_bounded_and_fails_closed(void)
{
	char s[64];
	double took;

	memset(s, 'a', sizeof(s));
	CU_ASSERT_TRUE(re_match("/(a+)+c?a/", s, 12, &took));
	CU_ASSERT_FALSE(re_match("/(a+)+b/", s, 12, &took));
	CU_ASSERT_FALSE(re_match("/(a+)+b/", s, sizeof(s), &took));
	CU_ASSERT_TRUE(took < 2.0);
	/* the same expression on a short name still matches */
	s[9] = 'b';
	CU_ASSERT_TRUE(re_match("/(a+)+b/", s, 10, &took));
}

/* Where a match refuses (an exclusion, a protected list), a regex that
 * hits the limit counts as matching; a plain miss is still a miss. */
static void regex_at_the_limit_refuses_where_a_match_refuses(void)
{
	char s[40];
	pol_pattern p;

	/* Forty x match the second branch, but only after the first has
	 * backtracked past the match limit: the regex cannot tell. */
	memset(s, 'x', sizeof(s));
	CU_ASSERT_EQUAL_FATAL(pol_pattern_compile(&p, "/^(x+x+)+y$|^x+$/", 0,
						  NULL), 0);
	CU_ASSERT_FALSE(pol_pattern_match(&p, s, sizeof(s)));
	CU_ASSERT_TRUE(pol_pattern_refuses(&p, s, sizeof(s)));
	CU_ASSERT_TRUE(pol_pattern_match(&p, s, 3));
	CU_ASSERT_TRUE(pol_pattern_refuses(&p, s, 3));
	CU_ASSERT_FALSE(pol_pattern_match(&p, "xyz", 3));
	CU_ASSERT_FALSE(pol_pattern_refuses(&p, "xyz", 3));
	pol_pattern_clear(&p);
}

/* Nesting: a group repeated once per character. A short input matches; a
 * very long one exceeds the depth (or JIT stack) bound and does not. */
static void regex_depth_is_bounded_and_fails_closed(void)
{
	size_t n = 1u << 20;
	char *s = malloc(n);
	double took;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	memset(s, 'a', n);
	CU_ASSERT_TRUE(re_match("/(a|b)*/", s, 100, &took));
	CU_ASSERT_FALSE(re_match("/(a|b)*/", s, n, &took));
	CU_ASSERT_TRUE(took < 2.0);
	free(s);
}

/* Fuzz finding: a date format field of more letters than the number
 * buffer holds was read past that buffer. It is now a 400. */
static void datemath_field_wider_than_its_buffer_is_refused(void)
{
	char expr[128], out[512];
	const char *why = NULL;

	snprintf(expr, sizeof(expr), "<logs-{now/d{%.72s}}>",
		 "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
	CU_ASSERT_EQUAL(prs_datemath(expr, strlen(expr), 1774260000000, out,
				     sizeof(out), &why), NG_EBADREQ);
	CU_ASSERT_PTR_NOT_NULL(why);
	snprintf(expr, sizeof(expr), "<logs-{now/d{yyyy.MM.dd}}>");
	CU_ASSERT_EQUAL(prs_datemath(expr, strlen(expr), 1774260000000, out,
				     sizeof(out), &why), 0);
	CU_ASSERT_STRING_EQUAL(out, "logs-2026.03.23");
}

void suite_limits(void)
{
	NG_ADD_SUITE("limits",
		     NG_TEST(defaults_are_the_documented_values),
		     NG_TEST(body_of_max_bytes_is_read_one_more_refused),
		     NG_TEST(ndjson_line_of_max_bytes_is_read_one_more_refused),
		     NG_TEST(max_sub_requests_are_read_one_more_refused),
		     NG_TEST(json_nested_max_deep_is_read_one_more_refused),
		     NG_TEST(expression_of_max_bytes_is_read_one_more_refused),
		     NG_TEST(expression_of_max_parts_is_read_one_more_refused),
		     NG_TEST(max_index_patterns_compile_one_more_refused),
		     NG_TEST(regex_backtracking_is_bounded_and_fails_closed),
		     NG_TEST(regex_at_the_limit_refuses_where_a_match_refuses),
		     NG_TEST(regex_depth_is_bounded_and_fails_closed),
		     NG_TEST(datemath_field_wider_than_its_buffer_is_refused));
}
