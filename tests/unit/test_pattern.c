/*
 * Patterns: globs, regular expressions, exact names and the escapes used
 * by rendered templates.
 */
#include <CUnit/CUnit.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "policy.h"
#include "suites.h"

static pol_pattern compile_ok(const char *text, unsigned flags)
{
	pol_pattern p;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL_FATAL(pol_pattern_compile(&p, text, flags, &e), 0);
	return p;
}

static bool matches(const char *pat, unsigned flags, const char *s)
{
	pol_pattern p = compile_ok(pat, flags);
	bool hit = pol_pattern_match(&p, s, strlen(s));

	pol_pattern_clear(&p);
	return hit;
}

static void star_matches_everything(void)
{
	pol_pattern p = compile_ok("*", 0);

	CU_ASSERT_EQUAL(p.kind, POL_PAT_ANY);
	CU_ASSERT_TRUE(pol_pattern_match(&p, "", 0));
	CU_ASSERT_TRUE(pol_pattern_match(&p, "anything", 8));
	pol_pattern_clear(&p);
}

static void empty_pattern_matches_nothing(void)
{
	pol_pattern p = compile_ok("", 0);

	CU_ASSERT_EQUAL(p.kind, POL_PAT_NONE);
	CU_ASSERT_FALSE(pol_pattern_match(&p, "", 0));
	CU_ASSERT_FALSE(pol_pattern_match(&p, "x", 1));
	pol_pattern_clear(&p);
	CU_ASSERT_EQUAL(pol_pattern_compile(&p, NULL, 0, NULL), 0);
	CU_ASSERT_FALSE(pol_pattern_match(&p, "x", 1));
	pol_pattern_clear(&p);
}

static void exact_pattern_matches_only_itself(void)
{
	pol_pattern p = compile_ok("logs-1", 0);

	CU_ASSERT_EQUAL(p.kind, POL_PAT_EXACT);
	CU_ASSERT_TRUE(pol_pattern_match(&p, "logs-1", 6));
	CU_ASSERT_FALSE(pol_pattern_match(&p, "logs-10", 7));
	CU_ASSERT_FALSE(pol_pattern_match(&p, "logs-", 5));
	CU_ASSERT_FALSE(pol_pattern_match(&p, "Logs-1", 6));
	pol_pattern_clear(&p);
}

static void trailing_star_is_a_prefix_test(void)
{
	pol_pattern p = compile_ok("logs-*", 0);

	CU_ASSERT_EQUAL(p.kind, POL_PAT_PREFIX);
	CU_ASSERT_STRING_EQUAL(p.lit, "logs-");
	CU_ASSERT_TRUE(pol_pattern_match(&p, "logs-", 5));
	CU_ASSERT_TRUE(pol_pattern_match(&p, "logs-2026", 9));
	CU_ASSERT_FALSE(pol_pattern_match(&p, "log", 3));
	pol_pattern_clear(&p);
}

static void glob_stars_and_question_marks(void)
{
	CU_ASSERT_TRUE(matches("*beat*", 0, "filebeat-7"));
	CU_ASSERT_TRUE(matches("a*b*c", 0, "aXXbYYc"));
	CU_ASSERT_TRUE(matches("a*b*c", 0, "abc"));
	CU_ASSERT_FALSE(matches("a*b*c", 0, "aXXbYY"));
	CU_ASSERT_TRUE(matches("?kibana", 0, ".kibana"));
	CU_ASSERT_FALSE(matches("?kibana", 0, "kibana"));
	CU_ASSERT_TRUE(matches("log?-*", 0, "logs-1"));
	CU_ASSERT_TRUE(matches("*.example.com", 0, "n1.example.com"));
	CU_ASSERT_FALSE(matches("*.example.com", 0, "n1.example.org"));
}

static void question_mark_matches_one_utf8_character(void)
{
	CU_ASSERT_TRUE(matches("caf?", 0, "caf\xc3\xa9"));
	CU_ASSERT_TRUE(matches("?-x", 0, "\xe2\x82\xac-x"));
	CU_ASSERT_FALSE(matches("??", 0, "\xc3\xa9"));
}

static void brackets_in_action_names_are_literal(void)
{
	CU_ASSERT_TRUE(matches("indices:data/write/bulk*", 0,
			       "indices:data/write/bulk[s]"));
	CU_ASSERT_TRUE(matches("indices:data/write/bulk[s]", 0,
			       "indices:data/write/bulk[s]"));
	CU_ASSERT_FALSE(matches("indices:data/write/bulk[s]", 0,
				"indices:data/write/bulks"));
}

static void glob_on_long_subject_is_not_exponential(void)
{
	size_t n = 20000;
	char *s = malloc(n + 1);
	clock_t t0 = clock();

	memset(s, 'a', n);
	s[n] = '\0';
	CU_ASSERT_FALSE(matches("*a*a*a*a*a*a*a*a*a*b", 0, s));
	CU_ASSERT_TRUE(matches("*a*a*a*a*a*a*a*a*a*", 0, s));
	CU_ASSERT_TRUE((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	free(s);
}

static void regex_must_match_the_whole_string(void)
{
	pol_pattern p = compile_ok("/logs-[0-9]+/", 0);

	CU_ASSERT_EQUAL(p.kind, POL_PAT_REGEX);
	CU_ASSERT_TRUE(pol_pattern_match(&p, "logs-12", 7));
	CU_ASSERT_FALSE(pol_pattern_match(&p, "xlogs-12", 8));
	CU_ASSERT_FALSE(pol_pattern_match(&p, "logs-12x", 8));
	pol_pattern_clear(&p);
	CU_ASSERT_FALSE(matches("/foo|bar/", 0, "foobar"));
	CU_ASSERT_TRUE(matches("/foo|bar/", 0, "bar"));
	CU_ASSERT_TRUE(matches("/(?!special)(\\S|\\s)*/", 0, "normal"));
	CU_ASSERT_FALSE(matches("/(?!special)(\\S|\\s)*/", 0, "special-1"));
}

static void invalid_regex_is_a_pattern_error(void)
{
	pol_pattern p;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(pol_pattern_compile(&p, "/logs-[0-9+/", 0, &e),
			NG_EPATTERN);
	CU_ASSERT_EQUAL(e.code, NG_EPATTERN);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "invalid regular expression"));
	CU_ASSERT_PTR_NULL(p.text);
}

static void pathological_regex_does_not_match(void)
{
	char s[64];
	clock_t t0 = clock();

	memset(s, 'a', 40);
	s[40] = '\0';
	CU_ASSERT_FALSE(matches("/(a|a)*b/", 0, s));
	CU_ASSERT_FALSE(matches("/(a+)+b/", 0, s));
	CU_ASSERT_TRUE((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
}

static void icase_folds_both_sides(void)
{
	CU_ASSERT_TRUE(matches("CN=Node*.Example.com", POL_PAT_ICASE,
			       "cn=node1.example.COM"));
	CU_ASSERT_TRUE(matches("ABC", POL_PAT_ICASE, "abc"));
	CU_ASSERT_TRUE(matches("/ab+c/", POL_PAT_ICASE, "ABBC"));
	CU_ASSERT_FALSE(matches("ABC", 0, "abc"));
}

static void escapes_quote_wildcards(void)
{
	pol_pattern p = compile_ok("a\\*b", POL_PAT_ESCAPES);

	CU_ASSERT_EQUAL(p.kind, POL_PAT_EXACT);
	CU_ASSERT_TRUE(pol_pattern_match(&p, "a*b", 3));
	CU_ASSERT_FALSE(pol_pattern_match(&p, "aXb", 3));
	pol_pattern_clear(&p);
	CU_ASSERT_TRUE(matches("\\*", POL_PAT_ESCAPES, "*"));
	CU_ASSERT_FALSE(matches("\\*", POL_PAT_ESCAPES, "x"));
	CU_ASSERT_TRUE(matches("x\\?-*", POL_PAT_ESCAPES, "x?-1"));
	CU_ASSERT_FALSE(matches("x\\?-*", POL_PAT_ESCAPES, "xy-1"));
	CU_ASSERT_TRUE(matches("*\\\\", POL_PAT_ESCAPES, "a\\"));
}

static void backslash_is_literal_without_escapes(void)
{
	CU_ASSERT_TRUE(matches("a\\b", 0, "a\\b"));
	CU_ASSERT_TRUE(matches("a\\*", 0, "a\\xyz"));
	CU_ASSERT_FALSE(matches("a\\*", 0, "a*"));
}

static void literal_test_recognises_wildcards_and_regex(void)
{
	CU_ASSERT_TRUE(pol_pattern_is_literal("logs-1"));
	CU_ASSERT_TRUE(pol_pattern_is_literal("/"));
	CU_ASSERT_FALSE(pol_pattern_is_literal("logs-*"));
	CU_ASSERT_FALSE(pol_pattern_is_literal("log?"));
	CU_ASSERT_FALSE(pol_pattern_is_literal("/re/"));
}

typedef struct thread_arg {
	const pol_pattern *p;
	int hits;
} thread_arg;

static void *match_many(void *arg)
{
	thread_arg *a = arg;

	for (int i = 0; i < 2000; i++) {
		a->hits += pol_pattern_match(a->p, "metrics-42", 10);
		a->hits -= pol_pattern_match(a->p, "metrics-x", 9);
	}
	return NULL;
}

static void regex_matching_is_thread_safe(void)
{
	pol_pattern p = compile_ok("/metrics-[0-9]+/", 0);
	pthread_t t[4];
	thread_arg a[4];

	for (int i = 0; i < 4; i++) {
		a[i] = (thread_arg){ &p, 0 };
		CU_ASSERT_EQUAL_FATAL(pthread_create(&t[i], NULL, match_many,
						     &a[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CU_ASSERT_EQUAL(a[i].hits, 2000);
	}
	pol_pattern_clear(&p);
}

void suite_pattern(void)
{
	NG_ADD_SUITE("pattern",
		NG_TEST(star_matches_everything),
		NG_TEST(empty_pattern_matches_nothing),
		NG_TEST(exact_pattern_matches_only_itself),
		NG_TEST(trailing_star_is_a_prefix_test),
		NG_TEST(glob_stars_and_question_marks),
		NG_TEST(question_mark_matches_one_utf8_character),
		NG_TEST(brackets_in_action_names_are_literal),
		NG_TEST(glob_on_long_subject_is_not_exponential),
		NG_TEST(regex_must_match_the_whole_string),
		NG_TEST(invalid_regex_is_a_pattern_error),
		NG_TEST(pathological_regex_does_not_match),
		NG_TEST(icase_folds_both_sides),
		NG_TEST(escapes_quote_wildcards),
		NG_TEST(backslash_is_literal_without_escapes),
		NG_TEST(literal_test_recognises_wildcards_and_regex),
		NG_TEST(regex_matching_is_thread_safe));
}
