/*
 * The engine through the public API: document- and field-level rules,
 * admin certificates, reloads that fail, malformed request lines.
 * Fixtures: tests/data/engine (the runner starts in tests/).
 */
#include <CUnit/CUnit.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodeguard.h"
#include "suites.h"

#define DATA "data/engine/"

static ng_engine *open_engine_on(const char *policy, const char *metadata)
{
	ng_policy *p = NULL;
	ng_metadata *m = NULL;
	ng_engine *e = NULL;

	CU_ASSERT_EQUAL_FATAL(ng_policy_load(policy, NULL, &p), 0);
	CU_ASSERT_EQUAL_FATAL(ng_metadata_load(metadata, &m), 0);
	CU_ASSERT_EQUAL(ng_engine_new(p, m, &e), 0);
	ng_policy_release(p);
	ng_metadata_release(m);
	return e;
}

static ng_engine *open_engine(const char *policy)
{
	return open_engine_on(policy, DATA "metadata.json");
}

/* Decide one recorded-request line; returns the decision as JSON. */
static cJSON *decide_line(const ng_engine *e, const char *line)
{
	ng_request *r = NULL;
	ng_decision *d = NULL;
	cJSON *out;

	CU_ASSERT_EQUAL_FATAL(ng_request_from_json(line, strlen(line), &r), 0);
	CU_ASSERT_EQUAL_FATAL(ng_decide(e, r, &d), 0);
	out = cJSON_Parse(ng_decision_json(d));
	CU_ASSERT_PTR_NOT_NULL(out);
	ng_decision_free(d);
	ng_request_free(r);
	return out;
}

static int status_of(const cJSON *d)
{
	return cJSON_GetObjectItem(d, "status")->valueint;
}

static char *field_text(const cJSON *d, const char *key, const char *index)
{
	return cJSON_PrintUnformatted(
		cJSON_GetObjectItem(cJSON_GetObjectItem(d, key), index));
}

#define SEARCH_PEOPLE(user, roles, attrs)                                    \
	"{\"id\":\"t\",\"user\":{\"name\":\"" user "\",\"backend_roles\":" roles \
	",\"attributes\":" attrs "},\"rest\":{\"method\":\"GET\","            \
	"\"path\":\"/people/_search\"}}"

static void dls_queries_of_two_roles_are_ored(void)
{
	ng_engine *e = open_engine(DATA "dls");
	cJSON *d = decide_line(e, SEARCH_PEOPLE("ann", "[\"own\",\"dept\"]",
						"{\"attr.internal.dept\":\"ops\"}"));
	char *dls = field_text(d, "dls", "people");

	CU_ASSERT_EQUAL(status_of(d), 200);
	CU_ASSERT_STRING_EQUAL(dls,
		"{\"bool\":{\"should\":[{\"term\":{\"owner\":\"ann\"}},"
		"{\"term\":{\"dept\":\"ops\"}}],\"minimum_should_match\":1}}");
	cJSON_free(dls);
	cJSON_Delete(d);
	ng_engine_release(e);
}

static void fls_mixing_includes_and_excludes_keeps_the_excludes(void)
{
	ng_engine *e = open_engine(DATA "dls");
	cJSON *d = decide_line(e, SEARCH_PEOPLE("ann", "[\"own\",\"dept\"]",
						"{\"attr.internal.dept\":\"ops\"}"));
	char *fls = field_text(d, "fls", "people");
	char *masked = field_text(d, "masked", "people");

	CU_ASSERT_STRING_EQUAL(fls, "[\"~salary\"]");
	CU_ASSERT_STRING_EQUAL(masked, "[\"email\"]");
	cJSON_free(fls);
	cJSON_free(masked);
	cJSON_Delete(d);
	ng_engine_release(e);
}

static void restricted_role_wins_over_an_open_one_by_default(void)
{
	ng_engine *e = open_engine(DATA "dls");
	cJSON *d = decide_line(e, SEARCH_PEOPLE("ann", "[\"own\",\"open\"]", "{}"));
	char *dls = field_text(d, "dls", "people");

	CU_ASSERT_STRING_EQUAL(dls, "{\"term\":{\"owner\":\"ann\"}}");
	cJSON_free(dls);
	cJSON_Delete(d);
	ng_engine_release(e);
}

static void open_role_lifts_restrictions_when_empty_overrides_all(void)
{
	ng_engine *e = open_engine(DATA "dls-override");
	cJSON *d = decide_line(e, SEARCH_PEOPLE("ann", "[\"own\",\"open\"]", "{}"));

	CU_ASSERT_EQUAL(status_of(d), 200);
	CU_ASSERT_PTR_NULL(cJSON_GetObjectItem(cJSON_GetObjectItem(d, "dls"),
					       "people"));
	cJSON_Delete(d);
	ng_engine_release(e);
}

static void user_name_cannot_break_out_of_a_dls_query(void)
{
	ng_engine *e = open_engine(DATA "dls");
	cJSON *d = decide_line(e, SEARCH_PEOPLE(
		"x\\\"}},{\\\"match_all\\\":{}}", "[\"own\"]", "{}"));
	cJSON *dls = cJSON_GetObjectItem(cJSON_GetObjectItem(d, "dls"), "people");
	cJSON *owner = cJSON_GetObjectItem(cJSON_GetObjectItem(dls, "term"),
					   "owner");

	CU_ASSERT_EQUAL(status_of(d), 200);
	CU_ASSERT_TRUE(cJSON_IsString(owner));
	CU_ASSERT_STRING_EQUAL(owner->valuestring, "x\"}},{\"match_all\":{}}");
	cJSON_Delete(d);
	ng_engine_release(e);
}

/* Outside a JSON string ${user.roles} and ${user.securityRoles} are lists
 * of strings, as in "[${user.roles}]"; an attribute is a number when it is
 * one and a string otherwise, so that it cannot add to the query. */
static void dls_variables_outside_strings_are_json_values(void)
{
	ng_engine *e = open_engine(DATA "dls-lists");
	cJSON *d = decide_line(e, SEARCH_PEOPLE("ann", "[\"g1\",\"a\\\"b\"]",
		"{\"attr.internal.level\":\"3\"}"));
	char *dls = field_text(d, "dls", "people");

	CU_ASSERT_EQUAL(status_of(d), 200);
	CU_ASSERT_STRING_EQUAL(dls, "{\"bool\":{\"filter\":[{\"terms\":"
			       "{\"group\":[\"g1\",\"a\\\"b\"]}},{\"range\":"
			       "{\"level\":{\"lte\":3}}}]}}");
	cJSON_free(dls);
	cJSON_Delete(d);
	d = decide_line(e, SEARCH_PEOPLE("ann", "[\"g1\"]",
		"{\"attr.internal.level\":\"3}}]},{\\\"match_all\\\":{}\"}"));
	dls = field_text(d, "dls", "people");
	CU_ASSERT_EQUAL(status_of(d), 200);
	CU_ASSERT_STRING_EQUAL(dls, "{\"bool\":{\"filter\":[{\"terms\":"
			       "{\"group\":[\"g1\"]}},{\"range\":{\"level\":"
			       "{\"lte\":\"3}}]},{\\\"match_all\\\":{}\"}}}]}}");
	cJSON_free(dls);
	cJSON_Delete(d);
	d = decide_line(e, "{\"id\":\"t\",\"user\":{\"name\":\"ann\","
			"\"backend_roles\":[\"g1\"]},\"rest\":{\"method\":"
			"\"GET\",\"path\":\"/other/_search\"}}");
	dls = field_text(d, "dls", "other");
	CU_ASSERT_EQUAL(status_of(d), 200);
	CU_ASSERT_STRING_EQUAL(dls, "{\"terms\":{\"role\":[\"by_groups\","
			       "\"by_roles\"]}}");
	cJSON_free(dls);
	cJSON_Delete(d);
	ng_engine_release(e);
}

static void undefined_dls_variable_denies(void)
{
	ng_engine *e = open_engine(DATA "dls");
	cJSON *d = decide_line(e, SEARCH_PEOPLE("ann", "[\"dept\"]", "{}"));

	CU_ASSERT_EQUAL(status_of(d), 403);
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(d, "decision")->valuestring,
			       "deny");
	cJSON_Delete(d);
	ng_engine_release(e);
}

static void admin_certificate_matches_despite_case_and_spaces(void)
{
	ng_engine *e = open_engine(DATA "dls");
	cJSON *d = decide_line(e,
		"{\"id\":\"a\",\"user\":{\"name\":\"x\",\"cert_dn\":"
		"\"cn=Admin, ou=OPS, o=example\"},\"rest\":{\"method\":\"GET\","
		"\"path\":\"/other/_search\"}}");

	CU_ASSERT_EQUAL(status_of(d), 200);
	CU_ASSERT_STRING_EQUAL(cJSON_GetObjectItem(d, "reason")->valuestring,
			       "admin certificate");
	cJSON_Delete(d);
	ng_engine_release(e);
}

static void unknown_api_is_denied(void)
{
	ng_engine *e = open_engine(DATA "dls");
	cJSON *d = decide_line(e,
		"{\"id\":\"u\",\"user\":{\"name\":\"ann\",\"backend_roles\":"
		"[\"open\"]},\"rest\":{\"method\":\"GET\",\"path\":\"/_no_such\"}}");

	CU_ASSERT_EQUAL(status_of(d), 403);
	CU_ASSERT_PTR_NOT_NULL(strstr(
		cJSON_GetObjectItem(d, "reason")->valuestring, "unknown api"));
	cJSON_Delete(d);
	ng_engine_release(e);
}

static void failed_reload_keeps_the_previous_policy(void)
{
	ng_node *n = NULL;
	ng_metadata *m = NULL;
	ng_engine *before, *after;

	CU_ASSERT_EQUAL_FATAL(ng_node_new(&n), 0);
	CU_ASSERT_PTR_NULL(ng_node_acquire(n));
	CU_ASSERT_EQUAL(ng_last_error()->code, NG_ENOTREADY);
	CU_ASSERT_EQUAL(ng_metadata_load(DATA "metadata.json", &m), 0);
	CU_ASSERT_EQUAL(ng_node_set_metadata(n, m), 0);
	CU_ASSERT_EQUAL(ng_node_load_policy(n, DATA "dls", NULL), 0);
	before = ng_node_acquire(n);
	CU_ASSERT_PTR_NOT_NULL(before);
	CU_ASSERT_EQUAL(ng_node_load_policy(n, "data/policy/bad-syntax", NULL),
			NG_ESYNTAX);
	CU_ASSERT_STRING_EQUAL(ng_last_error()->file,
			       "data/policy/bad-syntax/roles.yml");
	CU_ASSERT_TRUE(ng_last_error()->line > 0);
	after = ng_node_acquire(n);
	CU_ASSERT_PTR_EQUAL(before, after);
	ng_engine_release(before);
	ng_engine_release(after);
	ng_metadata_release(m);
	ng_node_free(n);
}

static void refresh_keeps_the_engine_until_a_reload(void)
{
	ng_node *n = NULL;
	ng_metadata *m = NULL;
	ng_engine *cached = NULL, *first;

	CU_ASSERT_EQUAL_FATAL(ng_node_new(&n), 0);
	CU_ASSERT_EQUAL(ng_node_refresh(n, &cached), NG_ENOTREADY);
	CU_ASSERT_PTR_NULL(cached);
	CU_ASSERT_EQUAL(ng_metadata_load(DATA "metadata.json", &m), 0);
	CU_ASSERT_EQUAL(ng_node_set_metadata(n, m), 0);
	CU_ASSERT_EQUAL(ng_node_load_policy(n, DATA "dls", NULL), 0);
	CU_ASSERT_EQUAL(ng_node_refresh(n, &cached), 0);
	first = cached;
	CU_ASSERT_PTR_NOT_NULL(first);
	CU_ASSERT_EQUAL(ng_node_refresh(n, &cached), 0);
	CU_ASSERT_PTR_EQUAL(cached, first);
	CU_ASSERT_EQUAL(ng_node_load_policy(n, DATA "dls-override", NULL), 0);
	CU_ASSERT_EQUAL(ng_node_refresh(n, &cached), 0);
	CU_ASSERT_PTR_NOT_EQUAL(cached, first);
	ng_engine_release(cached);
	ng_metadata_release(m);
	ng_node_free(n);
}

static void malformed_request_line_is_a_syntax_error(void)
{
	ng_request *r = NULL;

	CU_ASSERT_EQUAL(ng_request_from_json("{\"id\": ", 7, &r), NG_ESYNTAX);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_PTR_NOT_NULL(strstr(ng_last_error()->message, "column"));
}

/* ---------------------------------------------------------------------
 * A request object used again, and setters that fail.
 */

static ng_engine *samples(void)
{
	return open_engine_on("../samples/policy", "../samples/metadata.json");
}

static int status_now(const ng_engine *e, const ng_request *r,
		      const char **reason)
{
	static char why[256];
	ng_decision *d = NULL;
	int status;

	CU_ASSERT_EQUAL_FATAL(ng_decide(e, r, &d), 0);
	status = ng_decision_status(d);
	snprintf(why, sizeof(why), "%s", ng_decision_reason(d));
	if (reason)
		*reason = why;
	ng_decision_free(d);
	return status;
}

#define NODE_DN "CN=node-1.kestrel.example,OU=Platform,O=Kestrel,C=NL"

/* Setting a new call replaces the previous one whole: a NULL peer DN or
 * body is none, not the last one given, and indices start again. */
static void new_call_on_a_used_request_replaces_the_old(void)
{
	static const char bulk[] = "indices:data/write/bulk[s]";
	static const char msearch[] = "{}\n{\"query\":{}}\n";
	ng_engine *e = samples();
	ng_request *r = NULL;

	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
	ng_request_set_user(r, "lena", 4);
	ng_request_set_transport(r, "internal:x", 10, NODE_DN,
				 strlen(NODE_DN));
	CU_ASSERT_EQUAL(status_now(e, r, NULL), 200);
	CU_ASSERT_EQUAL(ng_request_set_transport(r, bulk, strlen(bulk), NULL,
						 0), 0);
	ng_request_add_transport_index(r, "hr-employees", 12);
	CU_ASSERT_EQUAL(status_now(e, r, NULL), 403);
	/* the indices of the earlier transport call are gone */
	ng_request_set_transport(r, "indices:data/read/search", 24, NULL, 0);
	ng_request_add_transport_index(r, "logs-2026.03.23", 15);
	CU_ASSERT_EQUAL(status_now(e, r, NULL), 200);

	CU_ASSERT_EQUAL(ng_request_set_rest(r, "POST", 4, "/_msearch", 9,
					    msearch, strlen(msearch)), 0);
	CU_ASSERT_EQUAL(status_now(e, r, NULL), 200);
	ng_request_set_rest(r, "POST", 4, "/_msearch", 9, NULL, 0);
	CU_ASSERT_EQUAL(status_now(e, r, NULL), 400);
	ng_request_free(r);
	ng_engine_release(e);
}

/* A setter that fails spoils the request: it is answered 400, never as
 * what the calls before left in place, and the keys and values of
 * attributes stay in step. */
static void failed_setter_makes_the_request_a_400(void)
{
	ng_engine *e = samples();
	ng_request *r = NULL;
	const char *why;

	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
	ng_request_set_user(r, "lena", 4);
	ng_request_set_rest(r, "GET", 3, "/logs-*/_search", 15, NULL, 0);
	CU_ASSERT_EQUAL(status_now(e, r, NULL), 200);
	CU_ASSERT_EQUAL(ng_request_set_rest(r, "DEL\xff", 4, "/hr-payroll", 11,
					    NULL, 0), NG_EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(ng_last_error()->message, "UTF-8"));
	CU_ASSERT_EQUAL(status_now(e, r, &why), 400);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "a value given for it was refused"));
	ng_request_free(r);

	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
	ng_request_set_user(r, "bianca", 6);
	CU_ASSERT_EQUAL(ng_request_add_attribute(r, "attr.internal.team", 18,
						 "bill\xff", 5), NG_EINVAL);
	ng_request_set_rest(r, "GET", 3, "/app-billing-*/_search", 22, NULL, 0);
	CU_ASSERT_EQUAL(status_now(e, r, NULL), 400);
	ng_request_free(r);

	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
	ng_request_set_rest(r, "POST", 4, "/_search", 8, "{}", 2);
	CU_ASSERT_EQUAL(ng_request_set_rest(r, "POST", 4, "/_search", 8,
					    "{\0}", 3), NG_EINVAL);
	CU_ASSERT_EQUAL(status_now(e, r, NULL), 400);
	ng_request_free(r);
	ng_engine_release(e);
}

/* NULL where a handle or an out pointer belongs is NG_EINVAL. */
static void null_arguments_are_refused(void)
{
	ng_request *r = NULL;
	ng_decision *d = NULL;
	ng_engine *e = samples();

	CU_ASSERT_EQUAL(ng_request_new(NULL), NG_EINVAL);
	CU_ASSERT_EQUAL(ng_node_new(NULL), NG_EINVAL);
	CU_ASSERT_EQUAL(ng_policy_load("../samples/policy", NULL, NULL),
			NG_EINVAL);
	CU_ASSERT_EQUAL(ng_engine_new(NULL, NULL, NULL), NG_EINVAL);
	CU_ASSERT_EQUAL(ng_request_from_json("{}", 2, NULL), NG_EINVAL);
	CU_ASSERT_EQUAL(ng_request_from_json(NULL, 10, &r), NG_EINVAL);
	CU_ASSERT_PTR_NULL(r);
	CU_ASSERT_EQUAL(ng_request_set_user(NULL, "a", 1), NG_EINVAL);
	CU_ASSERT_EQUAL(ng_request_set_rest(NULL, "GET", 3, "/", 1, NULL, 0),
			NG_EINVAL);
	CU_ASSERT_EQUAL(ng_request_set_transport(NULL, "x", 1, NULL, 0),
			NG_EINVAL);
	CU_ASSERT_EQUAL(ng_request_add_attribute(NULL, "k", 1, "v", 1),
			NG_EINVAL);
	CU_ASSERT_EQUAL(ng_request_add_transport_index(NULL, "i", 1),
			NG_EINVAL);
	{
		/* an index before the transport call would be dropped by it,
		 * leaving a request for all indices: refused, and spoilt */
		ng_request *q = NULL;
		ng_decision *d = NULL;

		CU_ASSERT_EQUAL_FATAL(ng_request_new(&q), 0);
		ng_request_set_user(q, "lena", 4);
		CU_ASSERT_EQUAL(ng_request_add_transport_index(q, "hr-employees",
							       12), NG_EINVAL);
		CU_ASSERT_EQUAL(ng_request_set_transport(q, "indices:data/read/"
							 "search", 24, NULL, 0),
				0);
		CU_ASSERT_EQUAL(ng_decide(e, q, &d), 0);
		CU_ASSERT_EQUAL(ng_decision_status(d), 400);
		ng_decision_free(d);
		ng_request_set_rest(q, "GET", 3, "/", 1, NULL, 0);
		CU_ASSERT_EQUAL(ng_request_add_transport_index(q, "a", 1),
				NG_EINVAL);
		ng_request_free(q);
	}
	CU_ASSERT_EQUAL(ng_request_set_time(NULL, 0), NG_EINVAL);
	CU_ASSERT_PTR_NULL(ng_node_acquire(NULL));
	CU_ASSERT_EQUAL(ng_last_error()->code, NG_EINVAL);
	{
		/* outputs left from before are cleared, not kept */
		static char stale[] = "stale";
		ng_lint_result *l = (ng_lint_result *)(void *)stale;
		char *json = stale;

		CU_ASSERT_EQUAL(ng_lint_run(NULL, NULL, &l), NG_EINVAL);
		CU_ASSERT_PTR_NULL(l);
		CU_ASSERT_EQUAL(ng_explain(e, NULL, &json), NG_EINVAL);
		CU_ASSERT_PTR_NULL(json);
	}
	{
		ng_names *rules = (ng_names *)(void *)"stale";

		CU_ASSERT_EQUAL(ng_policy_mapping_rules(NULL, &rules),
				NG_EINVAL);
		CU_ASSERT_PTR_NULL(rules);
		CU_ASSERT_EQUAL(ng_policy_mapping_rules(ng_engine_policy(e),
							NULL), NG_EINVAL);
	}
	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
	CU_ASSERT_EQUAL(ng_decide(e, r, NULL), NG_EINVAL);
	CU_ASSERT_EQUAL(ng_decide(e, NULL, &d), NG_EINVAL);
	CU_ASSERT_PTR_NULL(d);
	ng_request_free(r);
	ng_engine_release(e);
}

/* Past the JSON reader's nesting limit the line is refused as too deep,
 * not as malformed; just under it, it is read. */
static void deep_request_line_is_named_too_deep(void)
{
	static char line[4096];
	ng_request *r = NULL;
	size_t n;

	for (int depth = 999; depth <= 1000; depth++) {
		n = (size_t)snprintf(line, sizeof(line), "{\"x\":");
		for (int i = 0; i < depth; i++)
			line[n++] = '[';
		for (int i = 0; i < depth; i++)
			line[n++] = ']';
		line[n++] = '}';
		line[n] = '\0';
		if (depth == 999) {
			CU_ASSERT_EQUAL(ng_request_from_json(line, n, &r), 0);
			ng_request_free(r);
			r = NULL;
			continue;
		}
		CU_ASSERT_EQUAL(ng_request_from_json(line, n, &r), NG_ELIMIT);
		CU_ASSERT_PTR_NULL(r);
		CU_ASSERT_PTR_NOT_NULL(strstr(ng_last_error()->message,
					      "JSON nested deeper than 1000 "
					      "levels at column"));
	}
	CU_ASSERT_EQUAL(ng_request_from_json("{\"x\":[[1,]]}", 12, &r),
			NG_ESYNTAX);
	CU_ASSERT_PTR_NOT_NULL(strstr(ng_last_error()->message,
				      "invalid JSON at column 10"));
}

static const char *text_of(const cJSON *d, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(d, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* A line is one JSON object: text after it, or another JSON value, is no
 * request, whatever a lenient reader would make of it. */
static void request_line_is_one_object_and_nothing_more(void)
{
	ng_request *r0 = NULL;
	static const char *const bad[] = {
		"{\"id\":\"a\",\"user\":{\"name\":\"ann\"},\"rest\":{\"method\":"
		"\"GET\",\"path\":\"/people/_search\"}} xyz",
		"{\"id\":\"a\",\"user\":{\"name\":\"ann\"}},",
		"{\"id\":\"a\",\"user\":{\"name\":\"ann\"}} {\"id\":\"b\"}",
		"[1, 2]", "null", "\"text\"",
		"{\"id\":\"a\",\"user\":{\"name\":\"ann\xff\"}}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ng_request *r = NULL;

		CU_ASSERT_EQUAL(ng_request_from_json(bad[i], strlen(bad[i]), &r),
				NG_ESYNTAX);
		CU_ASSERT_PTR_NULL(r);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(ng_last_error()->message,
				      "not valid UTF-8 at column 30"));
	CU_ASSERT_EQUAL(ng_request_from_json("[1]", 3, &r0), NG_ESYNTAX);
	CU_ASSERT_PTR_NOT_NULL(strstr(ng_last_error()->message,
				      "not a JSON object"));
	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r0), 0);
	CU_ASSERT_EQUAL(ng_request_set_user(r0, "ann\xff", 4), NG_EINVAL);
	CU_ASSERT_EQUAL(ng_request_set_user(r0, "ann\xc3\xa9", 5), 0);
	ng_request_free(r0);
}

/* Each line is decided 400 with its id: a repeated key (readers differ on
 * which copy counts), an optional member of the wrong type, an instant
 * that is no date. */
static void request_line_members_are_checked(void)
{
	static const struct { const char *line, *reason; } bad[] = {
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\",\"name\":\"bob\"},"
		  "\"rest\":{\"method\":\"GET\",\"path\":\"/people\"}}",
		  "key \"name\" is given twice" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\"},\"rest\":{\"method\":"
		  "\"GET\",\"path\":\"/people\",\"path\":\"/other\"}}",
		  "key \"path\" is given twice" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\",\"cert_dn\":[\"CN=a\"]},"
		  "\"rest\":{\"method\":\"GET\",\"path\":\"/people\"}}",
		  "user.cert_dn: expected a string" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\",\"address\":5},"
		  "\"rest\":{\"method\":\"GET\",\"path\":\"/people\"}}",
		  "user.address: expected a string" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\"},\"transport\":"
		  "{\"action\":\"indices:data/read/get\",\"peer_dn\":5}}",
		  "transport.peer_dn: expected a string" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\"},\"time\":5,"
		  "\"rest\":{\"method\":\"GET\",\"path\":\"/people\"}}",
		  "time: expected a string" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\"},\"time\":"
		  "\"2026-02-30T10:00:00Z\",\"rest\":{\"method\":\"GET\",\"path\":"
		  "\"/people\"}}", "time: expected an ISO-8601 instant" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\"},\"time\":"
		  "\"2026-03-23T25:61:61Z\",\"rest\":{\"method\":\"GET\",\"path\":"
		  "\"/people\"}}", "time: expected an ISO-8601 instant" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\"},\"time\":"
		  "\"2026-03-22T23:59:60Z\",\"rest\":{\"method\":\"GET\",\"path\":"
		  "\"/people\"}}", "time: expected an ISO-8601 instant" },
		/* short tails after the seconds, once read past their end */
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\"},\"time\":"
		  "\"2026-03-23T10:00:00d\",\"rest\":{\"method\":\"GET\",\"path\":"
		  "\"/people\"}}", "time: expected an ISO-8601 instant" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\"},\"time\":"
		  "\"2026-03-23T10:00:00+0\",\"rest\":{\"method\":\"GET\",\"path\":"
		  "\"/people\"}}", "time: expected an ISO-8601 instant" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\"},\"time\":"
		  "\"2026-03-23T10:00:00+01:0\",\"rest\":{\"method\":\"GET\","
		  "\"path\":\"/people\"}}", "time: expected an ISO-8601 instant" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\"},\"time\":"
		  "\"2026-03-23T10:00:00+01-00\",\"rest\":{\"method\":\"GET\","
		  "\"path\":\"/people\"}}", "time: expected an ISO-8601 instant" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\"},\"rest\":{\"method\":"
		  "\"GET\",\"path\":\"/people\"},\"transport\":{\"action\":"
		  "\"indices:data/read/get\"}}", "gives both" },
		{ "{\"id\":\"d\",\"user\":{\"name\":\"ann\"},\"rest\":{\"method\":"
		  "\"GET\",\"path\":\"/people-%FF/_search\"}}",
		  "invalid percent-encoding or UTF-8" },
	};
	ng_engine *e = open_engine(DATA "dls");
	ng_request *r = NULL;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cJSON *d = decide_line(e, bad[i].line);

		CU_ASSERT_EQUAL(status_of(d), 400);
		CU_ASSERT_STRING_EQUAL(text_of(d, "id"), "d");
		CU_ASSERT_PTR_NOT_NULL(strstr(text_of(d, "reason"),
					      bad[i].reason));
		cJSON_Delete(d);
	}
	CU_ASSERT_EQUAL_FATAL(ng_request_from_json("{\"id\":5}", 8, &r), 0);
	CU_ASSERT_STRING_EQUAL(ng_request_id(r), "");
	ng_request_free(r);
	ng_engine_release(e);
}

/* The instant of a line, seen through the date math it is the "now" of:
 * with a fraction, an offset either way, a leap day. */
static void request_time_is_read_exactly(void)
{
	static const struct { const char *t, *day; } ok[] = {
		{ "2026-03-23T10:00:00Z", "logs-2026.03.23" },
		{ "2026-03-23T00:30:00+02:00", "logs-2026.03.22" },
		{ "2026-03-22T22:30:00-0300", "logs-2026.03.23" },
		{ "2026-03-23T23:59:59.999Z", "logs-2026.03.23" },
		{ "2024-02-29T12:00:00Z", "logs-2024.02.29" },
		{ "2026-03-23T10:00:00", "logs-2026.03.23" },
	};
	ng_engine *e = open_engine(DATA "dls");

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		char line[256], *json;
		cJSON *d;

		snprintf(line, sizeof(line), "{\"user\":{\"name\":\"a\"},\"time\":"
			 "\"%s\",\"rest\":{\"method\":\"GET\",\"path\":"
			 "\"/%%3Clogs-%%7Bnow%%2Fd%%7D%%3E/_search\"}}", ok[i].t);
		d = decide_line(e, line);
		json = cJSON_PrintUnformatted(d);
		CU_ASSERT_NOT_EQUAL(status_of(d), 400);
		CU_ASSERT_PTR_NOT_NULL(strstr(json, ok[i].day));
		free(json);
		cJSON_Delete(d);
	}
	ng_engine_release(e);
}

static void request_without_rest_or_transport_is_a_bad_request(void)
{
	ng_engine *e = open_engine(DATA "dls");
	cJSON *d = decide_line(e, "{\"id\":\"n\",\"user\":{\"name\":\"ann\"}}");

	CU_ASSERT_EQUAL(status_of(d), 400);
	cJSON_Delete(d);
	ng_engine_release(e);
}


/* cJSON would cut "admin\u0000evil" to "admin": a line holding a NUL is a
 * 400 that keeps its id and names the string; with the NUL in the id
 * itself there is no id to answer with, and the line is a syntax error. */
static void nul_inside_a_value_is_refused(void)
{
	static const char dn[] = "CN=admin,OU=ops,O=example\0evil";
	static const char line[] = "{\"id\":\"z\",\"user\":{\"name\":\"x\","
		"\"cert_dn\":\"CN=admin,OU=ops,O=example\\u0000evil\"},"
		"\"rest\":{\"method\":\"GET\",\"path\":\"/other/_search\"}}";
	static const char in_id[] = "{\"id\":\"z\\u0000\",\"user\":{\"name\":"
		"\"x\"},\"rest\":{\"method\":\"GET\",\"path\":\"/people\"}}";
	ng_engine *e = open_engine(DATA "dls");
	ng_request *r = NULL;
	cJSON *d;

	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
	CU_ASSERT_EQUAL(ng_request_set_cert_dn(r, dn, sizeof(dn) - 1), NG_EINVAL);
	ng_request_free(r);
	d = decide_line(e, line);
	CU_ASSERT_EQUAL(status_of(d), 400);
	CU_ASSERT_STRING_EQUAL(text_of(d, "id"), "z");
	CU_ASSERT_STRING_EQUAL(text_of(d, "decision"), "deny");
	CU_ASSERT_PTR_NOT_NULL(strstr(text_of(d, "reason"), "user.cert_dn: a "
				      "string holds a NUL character"));
	cJSON_Delete(d);
	d = decide_line(e, "{\"id\":\"k\",\"user\":{\"name\":\"x\"},\"rest\":"
			"{\"method\":\"GET\",\"path\":\"/people/_search\","
			"\"body\":{\"aggs\":[{\"f\\u0000x\":1}]}}}");
	CU_ASSERT_EQUAL(status_of(d), 400);
	CU_ASSERT_STRING_EQUAL(text_of(d, "id"), "k");
	CU_ASSERT_PTR_NOT_NULL(strstr(text_of(d, "reason"), "rest.body.aggs[0].f:"));
	cJSON_Delete(d);
	r = NULL;
	CU_ASSERT_EQUAL(ng_request_from_json(in_id, strlen(in_id), &r),
			NG_ESYNTAX);
	CU_ASSERT_PTR_NULL(r);
	ng_engine_release(e);
}

/* The JSON text "\\u0000" is a backslash and "u0000", no NUL: the line
 * is decided as any other, whether the body is JSON or a string. A real
 * NUL inside a body given as a string is the body's 400. */
static void escaped_backslash_before_u0000_is_no_nul(void)
{
	ng_engine *e = open_engine(DATA "dls");
	cJSON *d = decide_line(e, "{\"id\":\"b\",\"user\":{\"name\":\"x\","
			       "\"backend_roles\":[\"open\"]},\"rest\":{"
			       "\"method\":\"POST\",\"path\":\"/people/_search\","
			       "\"body\":{\"query\":{\"regexp\":{\"name\":"
			       "\"[\\\\u0000-\\\\u024F]+\"}}}}}");

	CU_ASSERT_EQUAL(status_of(d), 200);
	CU_ASSERT_STRING_EQUAL(text_of(d, "id"), "b");
	cJSON_Delete(d);
	d = decide_line(e, "{\"id\":\"s\",\"user\":{\"name\":\"x\","
			"\"backend_roles\":[\"open\"]},\"rest\":{\"method\":"
			"\"POST\",\"path\":\"/people/_search\",\"body\":"
			"\"{\\\"query\\\":{\\\"term\\\":{\\\"n\\\":"
			"\\\"\\\\u0000\\\"}}}\"}}");
	CU_ASSERT_EQUAL(status_of(d), 400);
	CU_ASSERT_STRING_EQUAL(text_of(d, "id"), "s");
	CU_ASSERT_PTR_NOT_NULL(strstr(text_of(d, "reason"),
				      "query body: a string holds \\u0000"));
	cJSON_Delete(d);
	ng_engine_release(e);
}

static void request_without_method_or_action_is_a_bad_request(void)
{
	ng_engine *e = open_engine(DATA "dls");
	ng_request *r = NULL;
	ng_decision *d = NULL;

	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
	CU_ASSERT_EQUAL(ng_request_set_user(r, "ann", 3), 0);
	CU_ASSERT_EQUAL_FATAL(ng_decide(e, r, &d), 0);
	CU_ASSERT_EQUAL(ng_decision_status(d), 400);
	CU_ASSERT_EQUAL(ng_decision_verdict(d), NG_DENY);
	ng_decision_free(d);
	ng_request_free(r);
	ng_engine_release(e);
}

static void every_error_code_has_a_text(void)
{
	for (int code = NG_OK; code >= NG_ENOTREADY; code--)
		CU_ASSERT_STRING_NOT_EQUAL(ng_strerror(code),
					   "unknown error code");
	CU_ASSERT_STRING_EQUAL(ng_strerror(-999), "unknown error code");
}

/* A load error names a file the caller can open: inside the directory,
 * or the node settings file as it was given. */
static void load_errors_name_a_path_to_the_file(void)
{
	char dir[] = "/tmp/ng-settings-XXXXXX", path[128];
	ng_policy_options o = NG_POLICY_OPTIONS_INIT;
	ng_policy *p = NULL;
	FILE *f;

	CU_ASSERT_EQUAL(ng_policy_load("data/policy/bad-regex", NULL, &p),
			NG_EPATTERN);
	CU_ASSERT_STRING_EQUAL(ng_last_error()->file,
			       "data/policy/bad-regex/roles.yml");
	CU_ASSERT_EQUAL(ng_policy_load("data/policy/bad-regex//", NULL, &p),
			NG_EPATTERN);
	CU_ASSERT_STRING_EQUAL(ng_last_error()->file,
			       "data/policy/bad-regex/roles.yml");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/opensearch.yml", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("plugins.security.nodes_dn: [\"CN=a\"]\n"
	      "plugins.security.nodes_dn: [\"CN=b\"]\n", f);
	fclose(f);
	o.node_settings = path;
	CU_ASSERT_EQUAL(ng_policy_load("data/policy/basic", &o, &p),
			NG_ESYNTAX);
	CU_ASSERT_STRING_EQUAL(ng_last_error()->file, path);
	CU_ASSERT_EQUAL(ng_last_error()->line, 2);
	CU_ASSERT_PTR_NULL(p);
	remove(path);
	remove(dir);
}

void suite_engine(void)
{
	NG_ADD_SUITE("engine",
		     NG_TEST(load_errors_name_a_path_to_the_file),
		     NG_TEST(dls_queries_of_two_roles_are_ored),
		     NG_TEST(dls_variables_outside_strings_are_json_values),
		     NG_TEST(fls_mixing_includes_and_excludes_keeps_the_excludes),
		     NG_TEST(restricted_role_wins_over_an_open_one_by_default),
		     NG_TEST(open_role_lifts_restrictions_when_empty_overrides_all),
		     NG_TEST(user_name_cannot_break_out_of_a_dls_query),
		     NG_TEST(undefined_dls_variable_denies),
		     NG_TEST(admin_certificate_matches_despite_case_and_spaces),
		     NG_TEST(unknown_api_is_denied),
		     NG_TEST(failed_reload_keeps_the_previous_policy),
		     NG_TEST(refresh_keeps_the_engine_until_a_reload),
		     NG_TEST(malformed_request_line_is_a_syntax_error),
		     NG_TEST(deep_request_line_is_named_too_deep),
		     NG_TEST(new_call_on_a_used_request_replaces_the_old),
		     NG_TEST(failed_setter_makes_the_request_a_400),
		     NG_TEST(null_arguments_are_refused),
		     NG_TEST(request_without_rest_or_transport_is_a_bad_request),
		     NG_TEST(request_line_is_one_object_and_nothing_more),
		     NG_TEST(request_line_members_are_checked),
		     NG_TEST(request_time_is_read_exactly),
		     NG_TEST(nul_inside_a_value_is_refused),
		     NG_TEST(escaped_backslash_before_u0000_is_no_nul),
		     NG_TEST(request_without_method_or_action_is_a_bad_request),
		     NG_TEST(every_error_code_has_a_text));
}
