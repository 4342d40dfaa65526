/*
 * Index expressions as text: decoding, name rules, splitting (B10),
 * remote names and date math (B09), and growing the list of operations.
 */
#include <string.h>

#include <glib.h>

#include "parsers.h"
#include "suites.h"

/* Milliseconds since the epoch of an ISO 8601 instant. */
static int64_t at(const char *iso)
{
	GDateTime *t = g_date_time_new_from_iso8601(iso, NULL);
	int64_t ms;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	ms = g_date_time_to_unix(t) * 1000 +
	     g_date_time_get_microsecond(t) / 1000;
	g_date_time_unref(t);
	return ms;
}

/* ---------------------------------------------------------------------
 * Percent decoding.
 */

static char *decode(char *buf, const char *s, long *len)
{
	strcpy(buf, s);
	*len = prs_percent_decode(buf, strlen(buf));
	return buf;
}

static void percent_decode_takes_either_case_of_hex(void)
{
	char buf[64];
	long n;

	CU_ASSERT_STRING_EQUAL(decode(buf, "%3Clogs-%7bnow%2Fd%7D%3e", &n),
			       "<logs-{now/d}>");
	CU_ASSERT_EQUAL(n, 14);
	CU_ASSERT_STRING_EQUAL(decode(buf, "plain+text", &n), "plain+text");
	CU_ASSERT_EQUAL(n, 10);
	CU_ASSERT_STRING_EQUAL(decode(buf, "%c3%A9", &n), "\xc3\xa9");
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_STRING_EQUAL(decode(buf, "", &n), "");
	CU_ASSERT_EQUAL(n, 0);
}

static void percent_decode_rejects_bad_escapes(void)
{
	const char *bad[] = {
		"%", "a%4", "%zz", "%G1", "%4g", "x%00y", "%%41"
	};
	char buf[16];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(buf, bad[i]);
		CU_ASSERT_EQUAL(prs_percent_decode(buf, strlen(buf)), -1);
	}
}

static void percent_decode_stops_at_the_given_length(void)
{
	char buf[] = "ab%41%4";

	CU_ASSERT_EQUAL(prs_percent_decode(buf, 5), 3);
	CU_ASSERT_STRING_EQUAL(buf, "abA");
}

/* ---------------------------------------------------------------------
 * Index names.
 */

static const char *why_invalid(const char *name)
{
	const char *why = NULL;

	CU_ASSERT_FALSE(prs_valid_index_name(name, strlen(name), &why));
	return why ? why : "";
}

static void valid_index_names_are_accepted(void)
{
	const char *why = "unset";

	CU_ASSERT_TRUE(prs_valid_index_name("logs-2026.03.23", 15, &why));
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT_TRUE(prs_valid_index_name(".kibana_1", 9, NULL));
	CU_ASSERT_TRUE(prs_valid_index_name("caf\xc3\xa9", 5, NULL));
	CU_ASSERT_TRUE(prs_valid_index_name("a...b", 5, NULL));
}

static void invalid_index_names_say_why(void)
{
	char longname[257];

	CU_ASSERT_STRING_EQUAL(why_invalid(""), "must not be empty");
	CU_ASSERT_STRING_EQUAL(why_invalid("Logs"), "must be lowercase");
	CU_ASSERT_STRING_EQUAL(why_invalid("\xc3\x89t\xc3\xa9"),
			       "must be lowercase");
	CU_ASSERT_STRING_EQUAL(why_invalid("a b"), "must not contain a space");
	CU_ASSERT_STRING_EQUAL(why_invalid("eu:logs"), "must not contain ':'");
	CU_ASSERT_STRING_EQUAL(why_invalid("a#b"), "must not contain '#'");
	CU_ASSERT_STRING_EQUAL(why_invalid("a,b"), "must not contain ','");
	CU_ASSERT_STRING_EQUAL(why_invalid("a\\b"), "must not contain '\\'");
	CU_ASSERT_STRING_EQUAL(why_invalid("a/b"), "must not contain '/'");
	CU_ASSERT_STRING_EQUAL(why_invalid("a*"), "must not contain '*'");
	CU_ASSERT_STRING_EQUAL(why_invalid("a?"), "must not contain '?'");
	CU_ASSERT_STRING_EQUAL(why_invalid("\"a\""), "must not contain '\"'");
	CU_ASSERT_STRING_EQUAL(why_invalid("<a>"), "must not contain '<'");
	CU_ASSERT_STRING_EQUAL(why_invalid("a|b"), "must not contain '|'");
	CU_ASSERT_STRING_EQUAL(why_invalid("_all"),
			       "must not start with '_', '-' or '+'");
	CU_ASSERT_STRING_EQUAL(why_invalid("-a"),
			       "must not start with '_', '-' or '+'");
	CU_ASSERT_STRING_EQUAL(why_invalid("+a"),
			       "must not start with '_', '-' or '+'");
	CU_ASSERT_STRING_EQUAL(why_invalid("."), "must not be '.' or '..'");
	CU_ASSERT_STRING_EQUAL(why_invalid(".."), "must not be '.' or '..'");
	CU_ASSERT_STRING_EQUAL(why_invalid("a\xff"), "is not valid UTF-8");

	memset(longname, 'a', 256);
	longname[256] = '\0';
	CU_ASSERT_STRING_EQUAL(why_invalid(longname), "is longer than 255 bytes");
	CU_ASSERT_TRUE(prs_valid_index_name(longname, 255, NULL));
}

/* The cluster expands only '*' in a request's names. */
static void only_the_star_is_a_wildcard(void)
{
	CU_ASSERT_TRUE(prs_has_wildcard("logs-*"));
	CU_ASSERT_FALSE(prs_has_wildcard("log?"));
	CU_ASSERT_FALSE(prs_has_wildcard("logs-1"));
	CU_ASSERT_FALSE(prs_has_wildcard(""));
	CU_ASSERT_FALSE(prs_has_wildcard(NULL));
}

/* ---------------------------------------------------------------------
 * Splitting.
 */

typedef struct split_fixture {
	ng_arena a;
	prs_request r;
	prs_limits lim;
	prs_op *op;
} split_fixture;

static void split_setup(split_fixture *f)
{
	prs_limits lim = PRS_LIMITS_DEFAULT;

	ng_arena_init(&f->a);
	memset(&f->r, 0, sizeof(f->r));
	f->r.error_item = -1;
	f->lim = lim;
	f->op = prs_add_op(&f->r, &f->a, 3, "indices:data/read/search");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->op);
}

static int split(split_fixture *f, const char *s)
{
	return prs_split_expr(&f->r, &f->a, &f->lim, s, strlen(s), f->op);
}

static void split_keeps_every_element_and_exclusion(void)
{
	split_fixture f;

	split_setup(&f);
	CU_ASSERT_EQUAL(split(&f, "logs-*,-logs-old,metrics"), 0);
	CU_ASSERT_EQUAL(f.r.status, 0);
	CU_ASSERT_EQUAL_FATAL(f.op->nexprs, 3);
	CU_ASSERT_STRING_EQUAL(f.op->exprs[0], "logs-*");
	CU_ASSERT_STRING_EQUAL(f.op->exprs[1], "-logs-old");
	CU_ASSERT_STRING_EQUAL(f.op->exprs[2], "metrics");
	ng_arena_free(&f.a);
}

static void split_of_nothing_gives_no_elements(void)
{
	split_fixture f;

	split_setup(&f);
	CU_ASSERT_EQUAL(split(&f, ""), 0);
	CU_ASSERT_EQUAL(f.r.status, 0);
	CU_ASSERT_EQUAL(f.op->nexprs, 0);
	ng_arena_free(&f.a);
}

static void split_appends_to_the_elements_already_there(void)
{
	split_fixture f;

	split_setup(&f);
	CU_ASSERT_EQUAL(split(&f, "a,b"), 0);
	CU_ASSERT_EQUAL(split(&f, "c"), 0);
	CU_ASSERT_EQUAL_FATAL(f.op->nexprs, 3);
	CU_ASSERT_STRING_EQUAL(f.op->exprs[0], "a");
	CU_ASSERT_STRING_EQUAL(f.op->exprs[2], "c");
	ng_arena_free(&f.a);
}

static void split_keeps_a_date_math_group_whole(void)
{
	split_fixture f;

	split_setup(&f);
	CU_ASSERT_EQUAL(split(&f, "<logs-{now/d{yyyy,MM|+01:00}}>,"
				  "<a-\\{x,y\\}-{now}>,b"), 0);
	CU_ASSERT_EQUAL(f.r.status, 0);
	CU_ASSERT_EQUAL_FATAL(f.op->nexprs, 4);
	CU_ASSERT_STRING_EQUAL(f.op->exprs[0], "<logs-{now/d{yyyy,MM|+01:00}}>");
	/* escaped braces open no group: the comma between them splits */
	CU_ASSERT_STRING_EQUAL(f.op->exprs[1], "<a-\\{x");
	CU_ASSERT_STRING_EQUAL(f.op->exprs[2], "y\\}-{now}>");
	CU_ASSERT_STRING_EQUAL(f.op->exprs[3], "b");
	ng_arena_free(&f.a);
}

/* B10: "*,-" and "logs-1," once became "everything"; both are 400. */
static void trailing_dash_or_comma_is_a_bad_request(void)
{
	split_fixture f;

	split_setup(&f);
	CU_ASSERT_EQUAL(split(&f, "*,-"), 0);
	CU_ASSERT_EQUAL(f.r.status, 400);
	CU_ASSERT_EQUAL(f.r.code, NG_EBADREQ);
	CU_ASSERT_EQUAL(f.r.error_item, 3);
	CU_ASSERT_STRING_EQUAL(f.r.error, "index expression \"*,-\": "
			       "'-' without a name to exclude");
	ng_arena_free(&f.a);

	split_setup(&f);
	CU_ASSERT_EQUAL(split(&f, "logs-1,"), 0);
	CU_ASSERT_EQUAL(f.r.status, 400);
	CU_ASSERT_EQUAL(f.r.code, NG_EBADREQ);
	CU_ASSERT_STRING_EQUAL(f.r.error,
			       "index expression \"logs-1,\": empty element");
	ng_arena_free(&f.a);
}

static void empty_elements_anywhere_are_bad_requests(void)
{
	const char *bad[] = { ",", ",a", "a,,b", "-", "a,-,b" };
	split_fixture f;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		split_setup(&f);
		CU_ASSERT_EQUAL(split(&f, bad[i]), 0);
		CU_ASSERT_EQUAL(f.r.status, 400);
		CU_ASSERT_EQUAL(f.r.code, NG_EBADREQ);
		ng_arena_free(&f.a);
	}
}

static void error_message_stays_on_one_line(void)
{
	split_fixture f;

	split_setup(&f);
	CU_ASSERT_EQUAL(split(&f, "a\n\"b\","), 0);
	CU_ASSERT_STRING_EQUAL(f.r.error, "index expression \"a\\x0a\\\"b\\\",\": "
			       "empty element");
	ng_arena_free(&f.a);
}

static void expression_length_limit_is_exact(void)
{
	split_fixture f;
	char s[32];

	split_setup(&f);
	f.lim.max_expr_len = 10;
	strcpy(s, "abcdefghij");
	CU_ASSERT_EQUAL(split(&f, s), 0);
	CU_ASSERT_EQUAL(f.r.status, 0);
	strcpy(s, "abcdefghijk");
	CU_ASSERT_EQUAL(split(&f, s), 0);
	CU_ASSERT_EQUAL(f.r.status, 400);
	CU_ASSERT_EQUAL(f.r.code, NG_ELIMIT);
	CU_ASSERT_STRING_EQUAL(f.r.error, "index expression \"abcdefghijk\": "
			       "longer than 10 bytes");
	ng_arena_free(&f.a);
}

static void expression_element_limit_is_exact(void)
{
	split_fixture f;

	split_setup(&f);
	f.lim.max_expr_parts = 3;
	CU_ASSERT_EQUAL(split(&f, "a,b,c"), 0);
	CU_ASSERT_EQUAL(f.r.status, 0);
	CU_ASSERT_EQUAL(split(&f, "a,b,c,d"), 0);
	CU_ASSERT_EQUAL(f.r.status, 400);
	CU_ASSERT_EQUAL(f.r.code, NG_ELIMIT);
	CU_ASSERT_STRING_EQUAL(f.r.error, "index expression \"a,b,c,d\": "
			       "more than 3 elements");
	ng_arena_free(&f.a);
}

static void long_expression_is_quoted_shortened(void)
{
	split_fixture f;
	char s[201];

	memset(s, 'x', 200);
	s[200] = '\0';
	split_setup(&f);
	f.lim.max_expr_len = 100;
	CU_ASSERT_EQUAL(split(&f, s), 0);
	CU_ASSERT_EQUAL(f.r.code, NG_ELIMIT);
	CU_ASSERT_PTR_NOT_NULL(strstr(f.r.error, "xxx...\": longer than 100"));
	CU_ASSERT_TRUE(strlen(f.r.error) < 130);
	ng_arena_free(&f.a);
}

static void split_reports_an_exhausted_arena(void)
{
	split_fixture f;

	split_setup(&f);
	f.a.limit = f.a.total + 16;
	CU_ASSERT_EQUAL(split(&f, "a,b,c,d,e"), NG_ENOMEM);
	ng_arena_free(&f.a);
}

/* ---------------------------------------------------------------------
 * Operations.
 */

static void added_ops_start_with_defaults_and_survive_growth(void)
{
	ng_arena a;
	prs_request r;

	ng_arena_init(&a);
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < 9; i++) {
		prs_op *op = prs_add_op(&r, &a, i - 1, i ? "write" : NULL);

		CU_ASSERT_PTR_NOT_NULL_FATAL(op);
		op->flags = (unsigned)i;
	}
	CU_ASSERT_EQUAL(r.nops, 9);
	CU_ASSERT_EQUAL(r.capops, 16);
	CU_ASSERT_EQUAL(r.ops[0].item, -1);
	CU_ASSERT_EQUAL(r.ops[0].nactions, 0);
	CU_ASSERT_EQUAL(r.ops[8].item, 7);
	CU_ASSERT_EQUAL(r.ops[8].flags, 8);
	CU_ASSERT_EQUAL(r.ops[4].nactions, 1);
	CU_ASSERT_STRING_EQUAL(r.ops[4].actions[0], "write");
	CU_ASSERT_EQUAL(r.ops[4].opts.ignore_unavailable, -1);
	CU_ASSERT_EQUAL(r.ops[4].opts.allow_no_indices, -1);
	CU_ASSERT_EQUAL(r.ops[4].opts.expand, -1);
	CU_ASSERT_PTR_NULL(r.ops[4].exprs);
	CU_ASSERT_PTR_NULL(r.ops[4].role);
	ng_arena_free(&a);
}

/* ---------------------------------------------------------------------
 * Remote names.
 */

static void remote_separator_is_found_outside_date_math(void)
{
	CU_ASSERT_EQUAL(prs_remote_sep("eu:logs-*", 9), 2);
	CU_ASSERT_EQUAL(prs_remote_sep("-eu:logs-*", 10), 3);
	CU_ASSERT_EQUAL(prs_remote_sep("logs-*", 6), -1);
	CU_ASSERT_EQUAL(prs_remote_sep(":logs", 5), -1);
	CU_ASSERT_EQUAL(prs_remote_sep("-:logs", 6), -1);
	CU_ASSERT_EQUAL(prs_remote_sep("<logs-{now{HH:mm}}>", 19), -1);
	CU_ASSERT_EQUAL(prs_remote_sep("-<logs-{now{HH:mm}}>", 20), -1);
}

/* B09: the ':' of the "+12:00" offset once made the element look like
 * "cluster:index". The name is local, and the offset moves the day. */
static void date_math_offset_colon_is_not_a_remote_cluster(void)
{
	char path[] = "%3Clogs-%7Bnow%2Fd%7Byyyy.MM.dd%7C%2B12%3A00%7D%7D%3E";
	int64_t noon = at("2024-03-22T12:00:00Z");
	split_fixture f;
	const char *why;
	char out[256];
	long n;

	n = prs_percent_decode(path, strlen(path));
	CU_ASSERT_EQUAL_FATAL(n, 33);
	split_setup(&f);
	CU_ASSERT_EQUAL(prs_split_expr(&f.r, &f.a, &f.lim, path, (size_t)n,
				       f.op), 0);
	CU_ASSERT_EQUAL(f.r.status, 0);
	CU_ASSERT_EQUAL_FATAL(f.op->nexprs, 1);
	CU_ASSERT_EQUAL(prs_remote_sep(f.op->exprs[0], (size_t)n), -1);

	CU_ASSERT_EQUAL(prs_datemath(f.op->exprs[0], (size_t)n, noon, out,
				     sizeof(out), &why), 0);
	CU_ASSERT_STRING_EQUAL(out, "logs-2024.03.23");
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT_EQUAL(prs_datemath("<logs-{now/d}>", 14, noon, out,
				     sizeof(out), &why), 0);
	CU_ASSERT_STRING_EQUAL(out, "logs-2024.03.22");
	ng_arena_free(&f.a);
}

/* ---------------------------------------------------------------------
 * Date math.
 */

/* `expr` at `iso` must resolve to `want`. */
static void resolves(const char *expr, const char *iso, const char *want)
{
	const char *why = "unset";
	char out[256];
	int rc;

	rc = prs_datemath(expr, strlen(expr), at(iso), out, sizeof(out), &why);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc == 0)
		CU_ASSERT_STRING_EQUAL(out, want);
	CU_ASSERT_PTR_NULL(why);
}

/* `expr` must be refused with `reason`. */
static void refused(const char *expr, const char *reason)
{
	const char *why = NULL;
	char out[64];

	CU_ASSERT_EQUAL(prs_datemath(expr, strlen(expr), 0, out, sizeof(out),
				     &why), NG_EBADREQ);
	CU_ASSERT_STRING_EQUAL(why ? why : "", reason);
}

#define LATE "2026-03-23T23:30:00Z"

static void date_math_rounds_in_the_given_zone(void)
{
	resolves("<logs-{now/d{yyyy.MM.dd|+01:00}}>", LATE, "logs-2026.03.24");
	resolves("<logs-{now/d{yyyy.MM.dd|-05:00}}>", LATE, "logs-2026.03.23");
	resolves("<logs-{now/d{yyyy.MM.dd|UTC}}>", LATE, "logs-2026.03.23");
	resolves("<logs-{now/d{yyyy.MM.dd|Z}}>", LATE, "logs-2026.03.23");
	resolves("<logs-{now/d{yyyy.MM.dd|+1}}>", LATE, "logs-2026.03.24");
	resolves("<logs-{now/d{yyyy.MM.dd|GMT+0130}}>", LATE, "logs-2026.03.24");
	resolves("<logs-{now{HH:mm|-03:30}}>", LATE, "logs-20:00");
	resolves("<l-{now{HH:mm:ss|+01:02:03}}>", LATE, "l-00:32:03");
	resolves("<l-{now{HH:mm:ss|-010203}}>", LATE, "l-22:27:57");
}

static void date_math_uses_the_default_format_in_utc(void)
{
	resolves("<logs-{now/d}>", LATE, "logs-2026.03.23");
	resolves("<logs-{now}>", LATE, "logs-2026.03.23");
	resolves("<{now/d}-logs>", LATE, "2026.03.23-logs");
	resolves("<a-{now/d}-b-{now/M{yyyy.MM}}>", LATE, "a-2026.03.23-b-2026.03");
}

static void date_math_adds_and_rounds_each_unit(void)
{
	resolves("<l-{now-1d/d}>", LATE, "l-2026.03.22");
	resolves("<l-{now+2h/M}>", LATE, "l-2026.03.01");
	resolves("<l-{now+2h/d}>", LATE, "l-2026.03.24");
	resolves("<l-{now+1y{yyyy}}>", LATE, "l-2027");
	resolves("<l-{now-1M{yyyy.MM}}>", LATE, "l-2026.02");
	resolves("<l-{now-3w/d}>", LATE, "l-2026.03.02");
	resolves("<l-{now-2d/w}>", LATE, "l-2026.03.16");	/* a Monday */
	resolves("<l-{now/y}>", LATE, "l-2026.01.01");
	resolves("<l-{now+45m/H{HH.mm}}>", LATE, "l-00.00");
	resolves("<l-{now-90s/m{HH.mm.ss}}>", LATE, "l-23.28.00");
	resolves("<l-{now+1d+1d-1d/d}>", LATE, "l-2026.03.24");
	resolves("<l-{now+d}>", LATE, "l-2026.03.24");
}

static void month_arithmetic_clamps_to_the_month_end(void)
{
	resolves("<l-{now+1M}>", "2026-01-31T10:00:00Z", "l-2026.02.28");
}

static void date_format_letters_print_like_java(void)
{
	resolves("<l-{now{yy.M.d H:m:s}}>", "2026-03-05T04:03:02Z",
		 "l-26.3.5 4:3:2");
	resolves("<l-{now{uuuu-MM-dd'T'HH}}>", LATE, "l-2026-03-23T23");
	resolves("<l-{now{yyyy_MMM_MMMM}}>", LATE, "l-2026_Mar_March");
	resolves("<l-{now{''yyyy''}}>", LATE, "l-'2026'");
	resolves("<l-{now{'it''s' yyyy}}>", LATE, "l-it's 2026");
	resolves("<l-{now{ss.SSS}}>", "2026-03-23T23:30:07.250Z", "l-07.250");
	resolves("<l-{now{yyyy/MM}}>", LATE, "l-2026/03");
}

static void named_time_zones_follow_their_rules(void)
{
	GTimeZone *tz = g_time_zone_new_identifier("Europe/Berlin");

	/* needs the system's zone data; offsets need nothing */
	if (!tz)
		return;
	g_time_zone_unref(tz);
	resolves("<l-{now/d{yyyy.MM.dd|Europe/Berlin}}>", LATE, "l-2026.03.24");
	resolves("<l-{now{HH|Europe/Berlin}}>", "2026-07-01T12:00:00Z", "l-14");
}

static void escaped_braces_are_literal(void)
{
	resolves("<logs-\\{x\\}-{now/d}>", LATE, "logs-{x}-2026.03.23");
	resolves("<logs-\\\\-{now/d}>", LATE, "logs-\\-2026.03.23");
	resolves("<logs\\-a>", LATE, "logs-a");
}

static void a_name_without_angle_brackets_is_copied(void)
{
	resolves("logs-{now/d}", LATE, "logs-{now/d}");
	resolves("<logs", LATE, "<logs");
	resolves("<logs>", LATE, "logs");
}

static void bad_date_math_is_refused_with_a_reason(void)
{
	refused("<logs-{now/d>", "date math placeholder is open ended");
	refused("<logs-}>", "'{' and '}' in a name must be escaped with '\\'");
	refused("<l-{now/2d}>", "rounding '/' takes a single unit");
	refused("<l-{now+1x}>", "unit not supported in date math");
	refused("<l-{now*1d}>", "operator not supported in date math");
	refused("<l-{now+}>", "truncated date math");
	refused("<l-{now+12}>", "truncated date math");
	refused("<l-{now+99999999999d}>", "number too large in date math");
	refused("<l-{yesterday}>", "date math must start with 'now'");
	refused("<l-{now{}}>", "missing date format");
	refused("<l-{now{|+01:00}}>", "missing date format");
	refused("<l-{now{yyyy}x}>", "missing closing '}' for date format");
	refused("<l-{now{yyyy{MM}}}>",
		"invalid character in date math placeholder");
	refused("<l-{now{yyyy|Mars/Olympus_Mons}}>", "unknown time zone");
	refused("<l-{now{yyyy|+25:00}}>", "unknown time zone");
	refused("<l-{now{yyyy|+1:00}}>", "unknown time zone");
	refused("<l-{now{yyyy|+123}}>", "unknown time zone");
	refused("<l-{now{yyyy|+01:60}}>", "unknown time zone");
	refused("<l-{now{yyyy|+}}>", "unknown time zone");
	refused("<l-{now{yyyy|}}>", "unknown time zone");
	refused("<l-{now{yyyy.QQ}}>", "unsupported letter in date format");
	refused("<l-{now{ddd}}>", "too many pattern letters in date format");
	refused("<l-{now{YYYY.MM}}>", "unsupported letter 'Y' (week-based year) in "
		"date format; 'y' is the year");
	refused("<l-{now{QQQ}}>", "unsupported letter in date format");
	refused("<l-{now{yyyy[MM]}}>", "unsupported character in date format");
	refused("<l-{now{'abc}}>", "unterminated quote in date format");
	refused("<>", "date math resolves to an empty name");
	refused("<l-{now+10000y}>", "date out of range");
}

static void resolved_name_must_fit_the_buffer(void)
{
	const char *why = NULL;
	char out[8];

	CU_ASSERT_EQUAL(prs_datemath("<logs-{now/d}>", 14, 0, out, sizeof(out),
				     &why), NG_EBADREQ);
	CU_ASSERT_STRING_EQUAL(why, "resolved name is too long");
	CU_ASSERT_TRUE(strlen(out) < sizeof(out));
	CU_ASSERT_EQUAL(prs_datemath("abcdefgh", 8, 0, out, sizeof(out),
				     &why), NG_EBADREQ);
	CU_ASSERT_EQUAL(prs_datemath("abcdefg", 7, 0, out, sizeof(out),
				     &why), 0);
	CU_ASSERT_STRING_EQUAL(out, "abcdefg");
}

static void instants_before_1970_resolve(void)
{
	resolves("<l-{now{yyyy.MM.dd HH:mm:ss.SSS}}>", "1969-12-31T23:59:59.500Z",
		 "l-1969.12.31 23:59:59.500");
}

/* A small arena starts small and doubles; every piece stays intact,
 * one larger than any chunk included (ASan catches an overrun). */
static void small_arena_grows_and_keeps_every_piece(void)
{
	ng_arena a;
	char *p[12];

	ng_arena_init_small(&a, 64);
	for (int i = 0; i < 12; i++) {
		size_t n = i == 7 ? 100000 : (size_t)(40 + 30 * i);

		p[i] = ng_arena_alloc(&a, n);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p[i]);
		memset(p[i], 'a' + i, n);
		p[i][n - 1] = '\0';
	}
	for (int i = 0; i < 12; i++) {
		size_t n = i == 7 ? 100000 : (size_t)(40 + 30 * i);

		CU_ASSERT_EQUAL(strlen(p[i]), n - 1);
		CU_ASSERT_EQUAL(p[i][0], 'a' + i);
	}
	CU_ASSERT_EQUAL(a.total, 102304);     /* each rounded up to 16 */
	ng_arena_free(&a);
	CU_ASSERT_PTR_NULL(a.first);
	CU_ASSERT_EQUAL(a.grow, 0);
}

/* An arena inside its owner's allocation: its own chunk is used first,
 * then chunks it allocates, which it frees; its own it leaves alone (the
 * owner's block is on the stack here, so freeing it would fail). */
static void arena_within_uses_and_keeps_the_given_chunk(void)
{
	_Alignas(16) unsigned char block[16 + 64];
	ng_arena a;
	char *p, *q, *r;

	ng_arena_init_within(&a, block, sizeof(block));
	p = ng_arena_alloc(&a, 40);
	q = ng_arena_alloc(&a, 16);
	CU_ASSERT_TRUE((unsigned char *)p > block &&
		       (unsigned char *)q + 16 <= block + sizeof(block));
	CU_ASSERT_PTR_EQUAL(q, p + 48);
	r = ng_arena_alloc(&a, 32);          /* no room left: a new chunk */
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE((unsigned char *)r < block ||
		       (unsigned char *)r >= block + sizeof(block));
	memset(r, 'x', 32);
	CU_ASSERT_EQUAL(a.total, 96);
	ng_arena_free(&a);
	CU_ASSERT_PTR_NULL(a.first);
	/* a block too small for a chunk: an ordinary arena */
	ng_arena_init_within(&a, block, 8);
	CU_ASSERT_PTR_NULL(a.first);
	p = ng_arena_alloc(&a, 8);
	CU_ASSERT_PTR_NOT_NULL(p);
	CU_ASSERT_TRUE((unsigned char *)p < block ||
		       (unsigned char *)p >= block + sizeof(block));
	ng_arena_free(&a);
}

void suite_expr(void)
{
	NG_ADD_SUITE("expr",
		NG_TEST(percent_decode_takes_either_case_of_hex),
		NG_TEST(arena_within_uses_and_keeps_the_given_chunk),
		NG_TEST(percent_decode_rejects_bad_escapes),
		NG_TEST(percent_decode_stops_at_the_given_length),
		NG_TEST(valid_index_names_are_accepted),
		NG_TEST(invalid_index_names_say_why),
		NG_TEST(only_the_star_is_a_wildcard),
		NG_TEST(split_keeps_every_element_and_exclusion),
		NG_TEST(split_of_nothing_gives_no_elements),
		NG_TEST(split_appends_to_the_elements_already_there),
		NG_TEST(split_keeps_a_date_math_group_whole),
		NG_TEST(trailing_dash_or_comma_is_a_bad_request),
		NG_TEST(empty_elements_anywhere_are_bad_requests),
		NG_TEST(error_message_stays_on_one_line),
		NG_TEST(expression_length_limit_is_exact),
		NG_TEST(expression_element_limit_is_exact),
		NG_TEST(long_expression_is_quoted_shortened),
		NG_TEST(split_reports_an_exhausted_arena),
		NG_TEST(added_ops_start_with_defaults_and_survive_growth),
		NG_TEST(remote_separator_is_found_outside_date_math),
		NG_TEST(date_math_offset_colon_is_not_a_remote_cluster),
		NG_TEST(date_math_rounds_in_the_given_zone),
		NG_TEST(date_math_uses_the_default_format_in_utc),
		NG_TEST(date_math_adds_and_rounds_each_unit),
		NG_TEST(month_arithmetic_clamps_to_the_month_end),
		NG_TEST(date_format_letters_print_like_java),
		NG_TEST(named_time_zones_follow_their_rules),
		NG_TEST(escaped_braces_are_literal),
		NG_TEST(a_name_without_angle_brackets_is_copied),
		NG_TEST(bad_date_math_is_refused_with_a_reason),
		NG_TEST(resolved_name_must_fit_the_buffer),
		NG_TEST(instants_before_1970_resolve),
		NG_TEST(small_arena_grows_and_keeps_every_piece));
}
