/*
 * The direct path (engine/direct.c) against the general one: every
 * request of the decision cases and the samples, and transport requests
 * made up over each case's users, actions and names (plain indices,
 * aliases, data streams, patterns, date math, remote and unknown names,
 * given backend roles, certificates), decided both ways must give the
 * same decision, byte for byte. The direct path must also have taken a
 * good part of them, or the comparison would prove nothing.
 * The runner starts in tests/.
 */
#include <CUnit/CUnit.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "decide.h"
#include "suites.h"

typedef struct tally {
	size_t requests;       /* decided both ways */
	size_t direct;         /* of them, taken by the direct path */
	size_t differ;         /* decided differently */
} tally;

static ng_engine *engine_at(const char *dir)
{
	char *policy = g_build_filename(dir, "policy", NULL);
	char *md = g_build_filename(dir, "metadata.json", NULL);
	ng_policy *p = NULL;
	ng_metadata *m = NULL;
	ng_engine *e = NULL;

	if (ng_policy_load(policy, NULL, &p) == 0 &&
	    ng_metadata_load(md, &m) == 0)
		ng_engine_new(p, m, &e);
	ng_policy_release(p);
	ng_metadata_release(m);
	g_free(policy);
	g_free(md);
	return e;
}

/* Decide `r` every way and compare; the first difference is printed. */
static void compare(const ng_engine *e, const ng_request *r, tally *t)
{
	ng_decision *any = NULL, *general = NULL, *direct = NULL;
	int rc = dc_decide(e, r, DC_PATH_DIRECT, &direct);

	CU_ASSERT_EQUAL_FATAL(dc_decide(e, r, DC_PATH_ANY, &any), 0);
	CU_ASSERT_EQUAL_FATAL(dc_decide(e, r, DC_PATH_GENERAL, &general), 0);
	CU_ASSERT_TRUE(rc == 0 || rc == 1);
	t->requests++;
	t->direct += rc == 0;
	if (strcmp(ng_decision_json(any), ng_decision_json(general)) ||
	    (direct && strcmp(ng_decision_json(direct),
			      ng_decision_json(general)))) {
		if (!t->differ++)
			printf("\n  direct:  %s\n  general: %s\n",
			       ng_decision_json(any), ng_decision_json(general));
	}
	ng_decision_free(any);
	ng_decision_free(general);
	ng_decision_free(direct);
}

static void compare_file(const ng_engine *e, const char *path, tally *t)
{
	char *text = NULL, **lines;

	CU_ASSERT_TRUE_FATAL(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		ng_request *r = NULL;

		if (**l && ng_request_from_json(*l, strlen(*l), &r) == 0)
			compare(e, r, t);
		ng_request_free(r);
	}
	g_strfreev(lines);
	g_free(text);
}

/* Names to put in made-up requests: some of the metadata's indices,
 * aliases and data streams, and names resolution treats otherwise. */
static GPtrArray *names_of(const ng_engine *e, size_t *nix)
{
	static const char *const odd[] = {
		"*", "_all", "nosuch", "-nosuch", "logs-*", "<logs-{now/d}>",
		"remote:logs", "a,b", "", "-", ".security", ".kibana",
	};
	const ng_metadata *m = e->md;
	GPtrArray *v = g_ptr_array_new();

	for (size_t i = 0; i < m->nindices && i < 12; i++)
		g_ptr_array_add(v, (gpointer)m->indices[i].name);
	*nix = v->len;
	for (size_t i = 0; i < m->naliases && i < 4; i++)
		g_ptr_array_add(v, (gpointer)m->aliases[i].name);
	for (size_t i = 0; i < m->nstreams && i < 2; i++)
		g_ptr_array_add(v, (gpointer)m->streams[i].name);
	for (size_t i = 0; i < G_N_ELEMENTS(odd); i++)
		g_ptr_array_add(v, (gpointer)odd[i]);
	return v;
}

static const char *const actions[] = {
	"indices:data/read/search", "indices:data/read/get",
	"indices:data/write/index", "indices:data/write/delete",
	"indices:data/write/bulk[s]", "indices:data/write/update",
	"indices:admin/mappings/get", "indices:admin/create",
	"indices:admin/auto_create", "indices:admin/delete",
	"indices:monitor/stats", "indices:admin/aliases",
	"indices:admin/aliases/get", "indices:data/read/field_caps",
	"indices:data/write/delete/byquery", "indices:admin/close",
	"cluster:monitor/health", "indices:data/read/msearch",
	"indices:data/read/search[phase/query]", "internal:transport/x",
	"indices:data/read/custom", "indices:data/read/sea*",
};

/* One made-up request: the user, action a, names picked by `pick` from
 * `names` (whose first `nix` are indices), and now and then a node's or
 * an admin's certificate, backend roles, roles or an address given. */
static ng_request *made_up(const char *user, size_t a, GPtrArray *names,
			   size_t nix, guint32 pick, unsigned extra)
{
	ng_request *r = NULL;
	size_t n = 1 + pick % 3;

	ng_request_new(&r);
	ng_request_set_user(r, user, strlen(user));
	ng_request_set_transport(r, actions[a], strlen(actions[a]),
				 extra == 1 ? "CN=node-1" : NULL,
				 extra == 1 ? 9 : 0);
	for (size_t i = 0; i < n; i++) {
		guint32 b = pick >> (4 + 8 * i);
		/* indices three times in four, as most requests name them */
		guint32 of = b % 4 && nix ? nix : names->len;
		const char *s = g_ptr_array_index(names, (b >> 2) % of);

		ng_request_add_transport_index(r, s, strlen(s));
	}
	if (extra == 2)
		ng_request_set_cert_dn(r, "CN=admin", 8);
	if (extra == 3)
		ng_request_add_backend_role(r, "ops", 3);
	if (extra == 4)
		ng_request_add_role(r, "readall", 7);
	if (extra == 5)
		ng_request_set_address(r, "10.0.0.1", 8);
	return r;
}

static void compare_made_up(const ng_engine *e, tally *t)
{
	ng_names *users = NULL;
	size_t nix;
	GPtrArray *names = names_of(e, &nix);
	GRand *rand = g_rand_new_with_seed(42);

	CU_ASSERT_EQUAL_FATAL(ng_policy_users(e->policy, &users), 0);
	for (size_t u = 0; u <= ng_names_count(users); u++) {
		const char *user = u < ng_names_count(users) ?
				   ng_names_get(users, u) : "nobody";

		for (size_t a = 0; a < G_N_ELEMENTS(actions); a++)
			for (int k = 0; k < 12; k++) {
				guint32 pick = g_rand_int(rand);
				ng_request *r = made_up(user, a, names, nix,
							pick, (pick & 15) % 8);

				compare(e, r, t);
				ng_request_free(r);
			}
	}
	g_rand_free(rand);
	g_ptr_array_free(names, TRUE);
	ng_names_free(users);
}

/* Every decision case: its recorded requests, or made-up ones. */
static void each_case(bool made_up, tally *t)
{
	GDir *dir = g_dir_open("cases", 0, NULL);
	const char *name;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	while ((name = g_dir_read_name(dir))) {
		char *d = g_build_filename("cases", name, NULL);
		char *reqs = g_build_filename(d, "requests.ndjson", NULL);
		ng_engine *e = engine_at(d);

		CU_ASSERT_PTR_NOT_NULL(e);
		if (e && made_up)
			compare_made_up(e, t);
		else if (e)
			compare_file(e, reqs, t);
		ng_engine_release(e);
		g_free(reqs);
		g_free(d);
	}
	g_dir_close(dir);
}

static void cases_decide_alike_both_ways(void)
{
	tally t = { 0 };

	each_case(false, &t);
	CU_ASSERT_EQUAL(t.differ, 0);
	CU_ASSERT_TRUE(t.requests > 200);
	CU_ASSERT_TRUE(t.direct > 5);
}

static void samples_decide_alike_both_ways(void)
{
	ng_engine *e = engine_at("../samples");
	tally t = { 0 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	compare_file(e, "../samples/requests.ndjson", &t);
	compare_made_up(e, &t);
	CU_ASSERT_EQUAL(t.differ, 0);
	CU_ASSERT_TRUE(t.direct > t.requests / 4);
	ng_engine_release(e);
}

static void made_up_transport_requests_decide_alike(void)
{
	tally t = { 0 };

	each_case(true, &t);
	CU_ASSERT_EQUAL(t.differ, 0);
	CU_ASSERT_TRUE(t.direct > t.requests / 4);
}

/* What the direct path takes and leaves, on the case of callers known
 * by name: ann reads logs-a; an unknown name, an action outside the
 * dictionary, a certificate go the general way. */
static void direct_path_takes_plain_names_only(void)
{
	ng_engine *e = engine_at("cases/callers-known-by-name");
	const char *search = "indices:data/read/search";
	const char *const takes[] = { "logs-a", "pat-1" };
	const char *const leaves[] = { "logs-*", "nosuch", "_all" };
	ng_decision *d = NULL;
	ng_request *r = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	for (size_t i = 0; i < 2 + 3; i++) {
		const char *ix = i < 2 ? takes[i] : leaves[i - 2];

		ng_request_new(&r);
		ng_request_set_user(r, "ann", 3);
		ng_request_set_transport(r, search, strlen(search), NULL, 0);
		ng_request_add_transport_index(r, ix, strlen(ix));
		CU_ASSERT_EQUAL(dc_decide(e, r, DC_PATH_DIRECT, &d), i < 2 ? 0 : 1);
		if (i == 0)
			CU_ASSERT_EQUAL(ng_decision_status(d), 200);
		if (i == 1)
			CU_ASSERT_EQUAL(ng_decision_status(d), 403);
		ng_decision_free(d);
		d = NULL;
		ng_request_free(r);
	}
	ng_request_new(&r);
	ng_request_set_user(r, "ann", 3);
	ng_request_set_transport(r, search, strlen(search), NULL, 0);
	ng_request_add_transport_index(r, "logs-a", 6);
	ng_request_set_cert_dn(r, "CN=admin", 8);
	CU_ASSERT_EQUAL(dc_decide(e, r, DC_PATH_DIRECT, &d), 1);
	CU_ASSERT_PTR_NULL(d);
	ng_request_free(r);
	ng_engine_release(e);
}

void suite_direct(void)
{
	NG_ADD_SUITE("direct",
		     NG_TEST(direct_path_takes_plain_names_only),
		     NG_TEST(cases_decide_alike_both_ways),
		     NG_TEST(samples_decide_alike_both_ways),
		     NG_TEST(made_up_transport_requests_decide_alike));
}
