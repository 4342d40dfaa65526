/*
 * Deciding, end to end through the public API: an engine built from the
 * fixtures in tests/data (policy/decide, policy/decide-legacy,
 * metadata/decide.json), requests decided, statuses and index sets read
 * back from the decision. One user, "wes", holds read, write, delete and
 * alias changes on "web-*"; "CN=root,O=decide" is the admin certificate.
 * The runner starts in tests/, so the fixtures are under data/.
 */
#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "nodeguard.h"
#include "suites.h"

static ng_engine *build_on(const char *policy_dir, const char *metadata)
{
	ng_policy *p = NULL;
	ng_metadata *m = NULL;
	ng_engine *e = NULL;

	if (ng_policy_load(policy_dir, NULL, &p) == 0 &&
	    ng_metadata_load(metadata, &m) == 0)
		ng_engine_new(p, m, &e);
	ng_policy_release(p);
	ng_metadata_release(m);
	return e;
}

static ng_engine *build(const char *policy_dir)
{
	return build_on(policy_dir, "data/metadata/decide.json");
}

static ng_engine *modern(void)
{
	static ng_engine *e;

	if (!e)
		e = build("data/policy/decide");
	return e;
}

static ng_engine *legacy(void)
{
	static ng_engine *e;

	if (!e)
		e = build("data/policy/decide-legacy");
	return e;
}

/* The decision JSON of the last request, for index-set checks. */
static char json[8192];

static int decide_as(ng_engine *e, const char *user, const char *dn,
		     const char *method, const char *path, const char *body)
{
	ng_request *r = NULL;
	ng_decision *d = NULL;
	int status = -1;

	json[0] = '\0';
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
	ng_request_set_user(r, user, strlen(user));
	if (dn)
		ng_request_set_cert_dn(r, dn, strlen(dn));
	ng_request_set_rest(r, method, strlen(method), path, strlen(path),
			    body, body ? strlen(body) : 0);
	if (ng_decide(e, r, &d) == 0) {
		status = ng_decision_status(d);
		snprintf(json, sizeof(json), "%s", ng_decision_json(d));
	}
	ng_decision_free(d);
	ng_request_free(r);
	return status;
}

static int decide(ng_engine *e, const char *method, const char *path,
		  const char *body)
{
	return decide_as(e, "wes", NULL, method, path, body);
}

static bool reported(const char *name)
{
	char quoted[128];

	snprintf(quoted, sizeof(quoted), "\"%s\"", name);
	return strstr(json, quoted) != NULL;
}

static void by_query_runs_on_what_the_wildcard_kept(void)
{
	CU_ASSERT_EQUAL(decide(modern(), "POST", "/*-1/_delete_by_query",
			       "{\"query\":{\"match_all\":{}}}"), 200);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"decision\":\"partial\""));
	CU_ASSERT_PTR_NULL(strstr(json, "\"indices\":[\"db-1\""));
}

static void by_query_on_a_named_foreign_index_is_refused(void)
{
	CU_ASSERT_EQUAL(decide(modern(), "POST", "/web-1,db-1/_delete_by_query",
			       "{\"query\":{\"match_all\":{}}}"), 403);
}

static void alias_pattern_narrows_to_granted_members(void)
{
	CU_ASSERT_EQUAL(decide(modern(), "GET", "/mix*/_search", NULL), 200);
	CU_ASSERT_TRUE(reported("web-1"));
}

static void named_alias_is_not_narrowed_in_modern_mode(void)
{
	CU_ASSERT_EQUAL(decide(modern(), "GET", "/mixed/_search", NULL), 403);
}

static void named_alias_is_narrowed_by_legacy_dnfof(void)
{
	CU_ASSERT_EQUAL(decide(legacy(), "GET", "/mixed/_search", NULL), 200);
	CU_ASSERT_TRUE(reported("web-1"));
}

static void expand_none_takes_patterns_as_names(void)
{
	CU_ASSERT_EQUAL(decide(modern(), "GET",
			       "/_search?expand_wildcards=none", NULL), 403);
	CU_ASSERT_EQUAL(decide(modern(), "GET",
			       "/web-*,db-*/_search?expand_wildcards=none",
			       NULL), 403);
}

static void admin_still_gets_404_for_a_missing_index(void)
{
	CU_ASSERT_EQUAL(decide_as(modern(), "root", "CN=root,O=decide", "GET",
				  "/nowhere/_search", NULL), 404);
	CU_ASSERT_EQUAL(decide_as(modern(), "root", "CN=root,O=decide", "GET",
				  "/web-1/_search", NULL), 200);
}

static void write_to_alias_without_write_index(void)
{
	/* authorized: the cluster's own 400; not authorized: 403 first */
	CU_ASSERT_EQUAL(decide(modern(), "PUT", "/web-all/_doc/1", "{}"), 400);
	CU_ASSERT_EQUAL(decide(modern(), "PUT", "/mixed/_doc/1", "{}"), 403);
}

static void point_in_time_over_no_granted_index_is_refused(void)
{
	CU_ASSERT_EQUAL(decide(modern(), "POST",
			       "/db-*/_search/point_in_time?keep_alive=1m",
			       NULL), 403);
}

static void new_alias_name_is_not_an_index_touched(void)
{
	CU_ASSERT_EQUAL(decide(modern(), "POST", "/_aliases",
			       "{\"actions\":[{\"add\":{\"index\":\"web-1\","
			       "\"alias\":\"web-new\"}}]}"), 200);
	CU_ASSERT_FALSE(reported("web-new") &&
			strstr(json, "\"indices\":[\"web-new\""));
	CU_ASSERT_EQUAL(decide(modern(), "POST", "/_aliases",
			       "{\"actions\":[{\"add\":{\"index\":\"db-1\","
			       "\"alias\":\"web-new\"}}]}"), 403);
}

static void alias_removal_by_wildcard_is_narrowed(void)
{
	CU_ASSERT_EQUAL(decide(modern(), "POST", "/_aliases",
			       "{\"actions\":[{\"remove\":{\"index\":\"*\","
			       "\"alias\":\"web-all\"}}]}"), 200);
}

static void stream_excluded_through_its_backing_indices(void)
{
	CU_ASSERT_EQUAL(decide_as(modern(), "root", "CN=root,O=decide", "GET",
				  "/clicks,web-*,-.ds-clicks-000001/_search",
				  NULL), 200);
}

static void legacy_keys_without_a_type_select_legacy(void)
{
	/* legacy dnfof narrows named indices; the modern default refuses */
	CU_ASSERT_EQUAL(decide(legacy(), "GET", "/web-1,db-1/_search", NULL),
			200);
	CU_ASSERT_EQUAL(decide(modern(), "GET", "/web-1,db-1/_search", NULL),
			403);
}

/* A regex that cannot decide a name within the PCRE2 match limit counts
 * as matching where a match refuses: an exclusion still excludes, a
 * system index pattern still protects. Short names are decided by the
 * regex itself, long runs of one letter hit the limit. */
static void regex_at_its_limit_still_excludes_and_protects(void)
{
	static const char x40[] = "/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/_search";
	static const char z40[] = "/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz/_search";
	ng_engine *e = build_on("data/policy/regex-limit",
				"data/metadata/regex-limit.json");

	CU_ASSERT_EQUAL(decide_as(e, "rex", NULL, "GET", "/web-1/_search",
				  NULL), 200);
	CU_ASSERT_EQUAL(decide_as(e, "rex", NULL, "GET", "/xxx/_search",
				  NULL), 403);
	CU_ASSERT_EQUAL(decide_as(e, "rex", NULL, "GET", x40, NULL), 403);
	CU_ASSERT_EQUAL(decide_as(e, "rex", NULL, "GET", "/*/_search", NULL),
			200);
	CU_ASSERT_PTR_NOT_NULL(strstr(json, "\"indices\":[\"web-1\"]"));
	CU_ASSERT_EQUAL(decide_as(e, "ada", NULL, "GET", "/zzz/_search",
				  NULL), 403);
	CU_ASSERT_EQUAL(decide_as(e, "ada", NULL, "GET", z40, NULL), 403);
	CU_ASSERT_EQUAL(decide_as(e, "ada", NULL, "GET", "/web-1/_search",
				  NULL), 200);
	ng_engine_release(e);
}

/* The reason of a refusal is the peer's text: the actions lacking, then
 * the user, whose part is cut at 1,023 bytes, the whole at 2,047. */
static void denial_text_names_the_action_and_the_user(void)
{
	static const char want[] = "no permissions for [indices:data/read/"
		"search] and User [name=wes, backend_roles=[ops, dev], "
		"requestedTenant=null]";
	static const char head[] = "no permissions for [indices:data/read/"
		"search] and User [name=";
	const char *search = "indices:data/read/search";
	char name[3000];
	ng_request *r = NULL;
	ng_decision *d = NULL;
	const char *why;

	memset(name, 'u', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (int k = 0; k < 2; k++) {
		const char *user = k ? name : "wes";

		CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
		ng_request_set_user(r, user, strlen(user));
		ng_request_add_backend_role(r, "ops", 3);
		ng_request_add_backend_role(r, "dev", 3);
		ng_request_set_transport(r, search, strlen(search), NULL, 0);
		ng_request_add_transport_index(r, "db-1", 4);
		CU_ASSERT_EQUAL_FATAL(ng_decide(modern(), r, &d), 0);
		CU_ASSERT_EQUAL(ng_decision_status(d), 403);
		why = ng_decision_reason(d);
		if (!k) {
			CU_ASSERT_STRING_EQUAL(why, want);
		} else {
			CU_ASSERT_EQUAL(strlen(why), sizeof(head) - 1 - 11 + 1023);
			CU_ASSERT_EQUAL(strncmp(why, head, sizeof(head) - 1), 0);
			CU_ASSERT_EQUAL(why[strlen(why) - 1], 'u');
		}
		ng_decision_free(d);
		ng_request_free(r);
	}
}

/* The denial of user `user` (backend roles `roles`, given when `given`)
 * searching db-1, over transport or REST. */
static const char *denial_of(ng_engine *e, const char *user,
			     const char *const *roles, size_t n, bool given,
			     bool rest)
{
	static char out[256];
	const char *search = "indices:data/read/search";
	ng_request *r = NULL;
	ng_decision *d = NULL;

	out[0] = '\0';
	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
	ng_request_set_user(r, user, strlen(user));
	for (size_t i = 0; given && i < n; i++)
		ng_request_add_backend_role(r, roles[i], strlen(roles[i]));
	if (rest)
		ng_request_set_rest(r, "GET", 3, "/db-1/_search", 13, NULL, 0);
	else {
		ng_request_set_transport(r, search, strlen(search), NULL, 0);
		ng_request_add_transport_index(r, "db-1", 4);
	}
	if (ng_decide(e, r, &d) == 0 && ng_decision_status(d) == 403)
		snprintf(out, sizeof(out), "%s", ng_decision_reason(d));
	ng_decision_free(d);
	ng_request_free(r);
	return out;
}

/* The user part of a denial names the backend roles the caller has: those
 * the request gives, else those of internal_users.yml, else none. The
 * part is made once per engine for the names the policy knows; it must
 * read as the one made per request. */
static void denial_text_names_the_backend_roles_held(void)
{
	static const char *const x[] = { "x", "y" };
	static const char head[] = "no permissions for [indices:data/read/"
		"search] and ";
	ng_engine *e = build_on("data/policy/basic",
				"data/metadata/decide.json");
	char want[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	for (int rest = 0; rest < 2; rest++) {
		snprintf(want, sizeof(want), "%sUser [name=carol, backend_roles="
			 "[ldap-logs], requestedTenant=null]", head);
		CU_ASSERT_STRING_EQUAL(denial_of(e, "carol", x, 2, false,
						 rest), want);
		snprintf(want, sizeof(want), "%sUser [name=carol, backend_roles="
			 "[x, y], requestedTenant=null]", head);
		CU_ASSERT_STRING_EQUAL(denial_of(e, "carol", x, 2, true, rest),
				       want);
		/* in roles_mapping.yml only, and a name the policy lacks */
		snprintf(want, sizeof(want), "%sUser [name=alice, backend_roles="
			 "[], requestedTenant=null]", head);
		CU_ASSERT_STRING_EQUAL(denial_of(e, "alice", x, 0, false, rest),
				       want);
		snprintf(want, sizeof(want), "%sUser [name=zed, backend_roles="
			 "[x, y], requestedTenant=null]", head);
		CU_ASSERT_STRING_EQUAL(denial_of(e, "zed", x, 2, true, rest),
				       want);
	}
	ng_engine_release(e);
}

/* The address is the caller's IP, which the role mapping's hosts match:
 * anything else is refused by the setter, and the request is a 400. */
static void address_must_be_an_ip(void)
{
	static const struct { const char *addr; int rc, status; } v[] = {
		{ "10.0.0.7", 0, 403 }, { "fe80::1", 0, 403 },
		{ "::ffff:10.0.0.7", 0, 403 }, { "not-an-ip", NG_EINVAL, 400 },
		{ "10.0.0.7 ", NG_EINVAL, 400 }, { "10.0.0", NG_EINVAL, 400 },
		{ "", NG_EINVAL, 400 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ng_request *r = NULL;
		ng_decision *d = NULL;

		CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
		ng_request_set_user(r, "zed", 3);
		CU_ASSERT_EQUAL(ng_request_set_address(r, v[i].addr,
						       strlen(v[i].addr)),
				v[i].rc);
		ng_request_set_rest(r, "GET", 3, "/web-1/_search", 14, NULL, 0);
		CU_ASSERT_EQUAL_FATAL(ng_decide(modern(), r, &d), 0);
		CU_ASSERT_EQUAL(ng_decision_status(d), v[i].status);
		ng_decision_free(d);
		ng_request_free(r);
	}
}

/* An attribute has one value: a name given twice is refused, not kept
 * beside the first (which the lookups would take), and the request is a
 * 400. */
static void attribute_given_twice_is_refused(void)
{
	ng_request *r = NULL;
	ng_decision *d = NULL;

	CU_ASSERT_EQUAL_FATAL(ng_request_new(&r), 0);
	ng_request_set_user(r, "zed", 3);
	CU_ASSERT_EQUAL(ng_request_add_attribute(r, "attr.x", 6, "a", 1), 0);
	CU_ASSERT_EQUAL(ng_request_add_attribute(r, "attr.y", 6, "a", 1), 0);
	CU_ASSERT_EQUAL(ng_request_add_attribute(r, "attr.x", 6, "b", 1),
			NG_EINVAL);
	CU_ASSERT_STRING_EQUAL(ng_last_error()->message,
			       "attribute name given twice");
	ng_request_set_rest(r, "GET", 3, "/web-1/_search", 14, NULL, 0);
	CU_ASSERT_EQUAL_FATAL(ng_decide(modern(), r, &d), 0);
	CU_ASSERT_EQUAL(ng_decision_status(d), 400);
	ng_decision_free(d);
	ng_request_free(r);
}

void suite_decide(void)
{
	NG_ADD_SUITE("decide",
		     NG_TEST(regex_at_its_limit_still_excludes_and_protects),
		     NG_TEST(by_query_runs_on_what_the_wildcard_kept),
		     NG_TEST(by_query_on_a_named_foreign_index_is_refused),
		     NG_TEST(alias_pattern_narrows_to_granted_members),
		     NG_TEST(named_alias_is_not_narrowed_in_modern_mode),
		     NG_TEST(named_alias_is_narrowed_by_legacy_dnfof),
		     NG_TEST(expand_none_takes_patterns_as_names),
		     NG_TEST(admin_still_gets_404_for_a_missing_index),
		     NG_TEST(write_to_alias_without_write_index),
		     NG_TEST(point_in_time_over_no_granted_index_is_refused),
		     NG_TEST(new_alias_name_is_not_an_index_touched),
		     NG_TEST(alias_removal_by_wildcard_is_narrowed),
		     NG_TEST(stream_excluded_through_its_backing_indices),
		     NG_TEST(legacy_keys_without_a_type_select_legacy),
		     NG_TEST(denial_text_names_the_action_and_the_user),
		     NG_TEST(denial_text_names_the_backend_roles_held),
		     NG_TEST(address_must_be_an_ip),
		     NG_TEST(attribute_given_twice_is_refused));
}
