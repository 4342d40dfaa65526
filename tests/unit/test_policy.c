/*
 * policy/: loading configuration directories and texts, action groups,
 * the compiled tables, role mapping, templates and settings.
 */
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "policy.h"
#include "strtab.h"
#include "suites.h"

#define DATA "data/policy/"
#define SHARED "../../shared"

/* ---------------------------------------------------------------------
 * Helpers.
 */
static pol_model *load_dir_ok(const char *dir)
{
	pol_model *m = NULL;
	ng_error e = { 0 };
	int rc = pol_model_load_dir(dir, NULL, &m, &e);

	if (rc)
		fprintf(stderr, "\n%s: %s:%d:%d: %s\n", dir, e.file, e.line,
			e.column, e.message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	return m;
}

static pol_compiled *compile_dir(const char *dir)
{
	pol_compiled *pc = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL_FATAL(pol_compile(load_dir_ok(dir), &pc, &e), 0);
	return pc;
}

/* A model from one text of kind `kind` on top of the built-ins `b`. */
static int load_text_on(pol_builtins b, const char *kind, const char *text,
			pol_model **out, ng_error *e)
{
	int rc = pol_model_new_builtins(out, b, e);

	if (!rc)
		rc = pol_model_load_text(*out, kind, text, strlen(text), e);
	if (!rc)
		rc = pol_model_check(*out, e);
	if (rc) {
		pol_model_free(*out);
		*out = NULL;
	}
	return rc;
}

/* The same on top of the OpenSearch built-ins. */
static int load_text(const char *kind, const char *text, pol_model **out,
		     ng_error *e)
{
	return load_text_on(POL_BUILTINS_OPENSEARCH, kind, text, out, e);
}

static pol_compiled *compile_text_on(pol_builtins b, const char *kind,
				     const char *text)
{
	pol_model *m = NULL;
	pol_compiled *pc = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL_FATAL(load_text_on(b, kind, text, &m, &e), 0);
	CU_ASSERT_EQUAL_FATAL(pol_compile(m, &pc, &e), 0);
	return pc;
}

static pol_compiled *compile_text(const char *kind, const char *text)
{
	return compile_text_on(POL_BUILTINS_OPENSEARCH, kind, text);
}

static const pol_role *find_role(const pol_model *m, const char *name)
{
	for (size_t i = 0; i < m->nroles; i++)
		if (!strcmp(m->roles[i].name, name))
			return &m->roles[i];
	return NULL;
}

static bool has_warning(const pol_model *m, const char *needle)
{
	for (size_t i = 0; i < m->warnings.n; i++)
		if (strstr(m->warnings.v[i], needle))
			return true;
	return false;
}

static const pol_entry *entry_of(const pol_compiled *pc, const char *role,
				 uint32_t index)
{
	int r = pol_role_id(pc, role);

	for (size_t i = 0; i < pc->nentries; i++)
		if ((int)pc->entries[i].role == r &&
		    pc->entries[i].index == index)
			return &pc->entries[i];
	return NULL;
}

static bool entry_grants(const pol_compiled *pc, const pol_entry *e,
			 const char *action)
{
	return pol_entry_grants(pc, e, pol_action_id(pc, action), action);
}

static bool role_has_cluster(const pol_compiled *pc, const char *role,
			     const char *action)
{
	pol_word set[8] = { 0 };
	int r = pol_role_id(pc, role), got = -1;

	CU_ASSERT_FATAL(r >= 0 && pc->nwords <= 8);
	pol_setbit(set, (size_t)r);
	if (!pol_cluster_allowed(pc, set, pol_action_id(pc, action), action,
				 &got))
		return false;
	CU_ASSERT_EQUAL(got, r);
	return true;
}

/* Map a user and tell whether `role` is among the result. */
static bool maps_to(const pol_compiled *pc, const pol_user *u,
		    const char *role, const char **why_out)
{
	pol_word set[8];
	const char *why[512];
	int r = pol_role_id(pc, role);

	CU_ASSERT_FATAL(pc->nwords <= 8 && pc->nroles <= 512);
	pol_map_roles(pc, u, set, why);
	if (r < 0 || !pol_bit(set, (size_t)r))
		return false;
	if (why_out)
		*why_out = why[r];
	return true;
}

static int fail_at(const char *dir, ng_error *e)
{
	pol_model *m = (pol_model *)1;
	int rc = pol_model_load_dir(dir, NULL, &m, e);

	CU_ASSERT_PTR_NULL(m);
	return rc;
}

/* ---------------------------------------------------------------------
 * Loading.
 */
static void static_groups_and_roles_are_always_present(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };
	const pol_role *r;

	CU_ASSERT_EQUAL_FATAL(pol_model_new_empty(&m, &e), 0);
	r = find_role(m, "own_index");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(r->is_static);
	CU_ASSERT_STRING_EQUAL(r->index[0].patterns.v[0], "${user_name}");
	CU_ASSERT_PTR_NOT_NULL(find_role(m, "all_access"));
	CU_ASSERT_EQUAL(m->ngroups, 26);
	CU_ASSERT_EQUAL(m->nroles, 8);
	CU_ASSERT_EQUAL(m->tenants.n, 1);
	CU_ASSERT_STRING_EQUAL(m->tenants.v[0], "global_tenant");
	CU_ASSERT_EQUAL(m->warnings.n, 0);
	pol_model_free(m);
}

static void static_definition_wins_on_name_clash(void)
{
	pol_model *m = load_dir_ok(DATA "basic");
	const pol_role *r = find_role(m, "all_access");

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(r->is_static);
	CU_ASSERT_EQUAL(r->cluster.n, 1);
	CU_ASSERT_STRING_EQUAL(r->cluster.v[0], "*");
	CU_ASSERT_TRUE(has_warning(m, "roles.yml:28:1: role \"all_access\" is "
				   "a static built-in"));
	pol_model_free(m);
}

static void positions_are_kept_for_every_string(void)
{
	pol_model *m = load_dir_ok(DATA "basic");
	const pol_role *r = find_role(m, "logs_reader");
	const pol_strlist *pats = &r->index[0].patterns;

	CU_ASSERT_STRING_EQUAL(r->pos.file, "roles.yml");
	CU_ASSERT_EQUAL(r->pos.line, 5);
	CU_ASSERT_EQUAL(r->pos.col, 1);
	CU_ASSERT_EQUAL(pats->n, 4);
	CU_ASSERT_STRING_EQUAL(pats->v[1], "-logs-secret*");
	CU_ASSERT_EQUAL(pats->pos[1].line, 8);
	CU_ASSERT_EQUAL(pats->pos[1].col, 34);
	CU_ASSERT_STRING_EQUAL(r->index[0].dls,
			       "{\"term\": {\"owner\": \"${user.name}\"}}");
	CU_ASSERT_EQUAL(r->index[0].dls_pos.line, 10);
	pol_model_free(m);
}

static void unknown_keys_and_undefined_names_are_warnings(void)
{
	pol_model *m = load_dir_ok(DATA "basic");

	CU_ASSERT_TRUE(has_warning(m, "roles.yml:23:3: unknown key "
				   "\"unknown_field\""));
	CU_ASSERT_TRUE(has_warning(m, "roles_mapping.yml:11:1: role mapping "
				   "names undefined role \"nowhere_role\""));
	CU_ASSERT_FALSE(has_warning(m, "\"kibana_all_*\""));
	pol_model_free(m);
}

static void malformed_yaml_is_a_syntax_error_with_position(void)
{
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(fail_at(DATA "bad-syntax", &e), NG_ESYNTAX);
	CU_ASSERT_STRING_EQUAL(e.file, "roles.yml");
	CU_ASSERT_EQUAL(e.line, 6);
	CU_ASSERT_EQUAL(e.column, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "flow sequence"));
}

static void duplicate_key_is_an_error_at_the_second_key(void)
{
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(fail_at(DATA "dup-key", &e), NG_ESYNTAX);
	CU_ASSERT_STRING_EQUAL(e.file, "roles_mapping.yml");
	CU_ASSERT_EQUAL(e.line, 6);
	CU_ASSERT_EQUAL(e.column, 1);
	CU_ASSERT_STRING_EQUAL(e.message, "duplicate key \"readall\"");
}

static void mapping_where_a_list_is_needed_is_a_schema_error(void)
{
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(fail_at(DATA "wrong-type", &e), NG_ESCHEMA);
	CU_ASSERT_STRING_EQUAL(e.file, "roles.yml");
	CU_ASSERT_EQUAL(e.line, 8);
	CU_ASSERT_EQUAL(e.column, 9);
	CU_ASSERT_STRING_EQUAL(e.message, "expected a list of strings for "
			       "\"allowed_actions\"");
}

static void string_where_a_role_list_is_needed_is_refused(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(load_text("roles.yml", "r:\n  cluster_permissions: "
				  "read\n", &m, &e), NG_ESCHEMA);
	CU_ASSERT_EQUAL(e.line, 2);
	CU_ASSERT_EQUAL(e.column, 24);
	CU_ASSERT_PTR_NULL(m);
}

/* A null item of a string list was dropped without a word; each
 * spelling of it is refused at its position. A quoted "null" is a
 * string, and a list that is null as a whole is still empty. */
static void null_in_a_string_list_is_a_schema_error(void)
{
	static const char *const texts[] = {
		"r:\n  index_permissions:\n  - index_patterns: [logs, null]\n",
		"r:\n  index_permissions:\n  - index_patterns: [logs, ~]\n",
		"r:\n  index_permissions:\n  - index_patterns:\n    - logs\n"
		"    -\n",
	};
	static const int lines[] = { 3, 3, 5 }, cols[] = { 28, 28, 6 };
	pol_model *m = NULL;
	ng_error e = { 0 };

	for (size_t i = 0; i < 3; i++) {
		CU_ASSERT_EQUAL(load_text("roles.yml", texts[i], &m, &e),
				NG_ESCHEMA);
		CU_ASSERT_PTR_NULL(m);
		CU_ASSERT_EQUAL(e.line, lines[i]);
		CU_ASSERT_EQUAL(e.column, cols[i]);
		CU_ASSERT_STRING_EQUAL(e.message, "expected a string, got "
				       "null, in \"index_patterns\"");
	}
	CU_ASSERT_EQUAL(load_text("roles_mapping.yml",
				  "r:\n  users: [~]\n", &m, &e), NG_ESCHEMA);
	CU_ASSERT_EQUAL(e.line, 2);
	CU_ASSERT_EQUAL_FATAL(load_text("roles.yml", "r:\n  cluster_"
					"permissions: ['null']\n"
					"s:\n  cluster_permissions: ~\n",
					&m, &e), 0);
	pol_model_free(m);
}

static void invalid_regex_is_an_error_at_its_position(void)
{
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(fail_at(DATA "bad-regex", &e), NG_EPATTERN);
	CU_ASSERT_STRING_EQUAL(e.file, "roles.yml");
	CU_ASSERT_EQUAL(e.line, 6);
	CU_ASSERT_EQUAL(e.column, 32);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "/logs-[0-9+/"));
}

static void legacy_v1_format_is_refused(void)
{
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(fail_at(DATA "legacy-v1", &e), NG_ESCHEMA);
	CU_ASSERT_EQUAL(e.line, 2);
	CU_ASSERT_EQUAL(e.column, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "config_version 1"));
}

static void meta_of_the_wrong_type_is_refused(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(load_text("roles.yml", "_meta:\n  type: config\n"
				  "  config_version: 2\n", &m, &e), NG_ESCHEMA);
	CU_ASSERT_EQUAL(e.line, 2);
	CU_ASSERT_EQUAL(e.column, 9);
	CU_ASSERT_STRING_EQUAL(e.message, "_meta.type is \"config\", expected "
			       "\"roles\"");
	CU_ASSERT_EQUAL(load_text("roles.yml", "_meta: {type: roles, "
				  "config_version: 1}\n", &m, &e), NG_ESCHEMA);
	CU_ASSERT_EQUAL(load_text("roles.yml", "_meta: {type: roles, "
				  "config_version: 3}\n", &m, &e), NG_ESCHEMA);
}

static void empty_and_comment_only_files_are_empty_sections(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(load_text("roles.yml", "", &m, &e), 0);
	CU_ASSERT_EQUAL(m->nroles, 8);
	pol_model_free(m);
	CU_ASSERT_EQUAL(load_text("sg_tenants.yml", "---\n# nothing\n", &m, &e),
			0);
	CU_ASSERT_TRUE(m->config.search_guard);
	pol_model_free(m);
}

static void missing_directory_is_an_io_error(void)
{
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(fail_at(DATA "no-such-dir", &e), NG_EIO);
}

static void digest_covers_the_files_read(void)
{
	pol_model *a = load_dir_ok(DATA "basic");
	pol_model *b = load_dir_ok(DATA "basic");
	pol_model *c = load_dir_ok(DATA "cycles");

	CU_ASSERT_EQUAL(strlen(a->digest), 71);
	CU_ASSERT_EQUAL(strncmp(a->digest, "sha256:", 7), 0);
	CU_ASSERT_STRING_EQUAL(a->digest, b->digest);
	CU_ASSERT_STRING_NOT_EQUAL(a->digest, c->digest);
	pol_model_free(a);
	pol_model_free(b);
	pol_model_free(c);
}

/* ---------------------------------------------------------------------
 * Action groups and compiled permissions.
 */
static void cyclic_action_groups_terminate(void)
{
	pol_compiled *pc = compile_dir(DATA "cycles");
	const pol_entry *e = entry_of(pc, "looper", 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE(entry_grants(pc, e, "indices:data/write/index"));
	CU_ASSERT_TRUE(entry_grants(pc, e, "indices:data/write/delete"));
	CU_ASSERT_TRUE(entry_grants(pc, e, "indices:admin/create"));
	CU_ASSERT_TRUE(entry_grants(pc, e, "indices:data/read/search"));
	CU_ASSERT_FALSE(entry_grants(pc, e, "indices:admin/delete"));
	CU_ASSERT_TRUE(role_has_cluster(pc, "looper", "indices:admin/create"));
	pol_compiled_free(pc);
}

static void case_b25_self_including_group_loads(void)
{
	const char *dir = SHARED "/cases/B25/policy";
	pol_compiled *pc;

	if (access(dir, R_OK) != 0) {
		CU_PASS("shared cases are absent; skipped");
		return;
	}
	pc = compile_dir(dir);
	CU_ASSERT_TRUE(entry_grants(pc, entry_of(pc, "ro_dashboards", 0),
				    "indices:data/read/search"));
	CU_ASSERT_TRUE(role_has_cluster(pc, "ro_dashboards",
					"indices:data/read/mget"));
	pol_compiled_free(pc);
}

static void group_names_are_kept_and_never_globbed(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");
	const pol_entry *e = entry_of(pc, "own_alias", 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	/* "kibana_all_*" is an action pattern, not a set of groups. */
	CU_ASSERT_FALSE(entry_grants(pc, e, "kibana:saved_objects/*/read"));
	CU_ASSERT_TRUE(entry_grants(pc, e, "kibana_all_read"));
	CU_ASSERT_TRUE(entry_grants(pc, e, "my_group"));
	CU_ASSERT_TRUE(entry_grants(pc, e, "indices:data/write/delete"));
	CU_ASSERT_TRUE(entry_grants(pc, e, "custom:action/x"));
	pol_compiled_free(pc);
}

static void undefined_group_stays_a_literal_action(void)
{
	pol_compiled *pc = compile_text("roles.yml",
		"r:\n  cluster_permissions: [no_such_group]\n");

	CU_ASSERT_TRUE(has_warning(pc->model, "roles.yml:2:25: undefined "
				   "action group \"no_such_group\""));
	CU_ASSERT_TRUE(role_has_cluster(pc, "r", "no_such_group"));
	CU_ASSERT_FALSE(role_has_cluster(pc, "r", "cluster:monitor/health"));
	pol_compiled_free(pc);
}

static void action_pattern_sets_every_matching_dictionary_bit(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");
	const pol_entry *e = entry_of(pc, "logs_reader", 0);
	int search = pol_action_id(pc, "indices:data/read/search");

	CU_ASSERT_FATAL(search >= 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE(pol_bit(e->actions, (size_t)search));
	CU_ASSERT_TRUE(entry_grants(pc, e, "indices:data/read/mget[shard]"));
	CU_ASSERT_TRUE(entry_grants(pc, e, "indices:data/read/not_known"));
	CU_ASSERT_FALSE(entry_grants(pc, e, "indices:data/write/index"));
	CU_ASSERT_STRING_EQUAL(pol_action_name(pc, search),
			       "indices:data/read/search");
	CU_ASSERT_EQUAL(pol_action_id(pc, "no:such/action"), -1);
	pol_compiled_free(pc);
}

static void index_entry_splits_static_dynamic_and_excluded(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");
	const pol_entry *e = entry_of(pc, "logs_reader", 0);

	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->ninc, 1);
	CU_ASSERT_EQUAL(e->nexc, 1);
	CU_ASSERT_EQUAL(e->ndyn, 2);
	CU_ASSERT_STRING_EQUAL(e->dyn[0], "team_${user.name}");
	CU_ASSERT_STRING_EQUAL(e->dyn[1], "<audit-{now/d}>");
	CU_ASSERT_FALSE(e->any);
	CU_ASSERT_TRUE(pol_entry_matches_static(e, "logs-1", 6));
	CU_ASSERT_FALSE(pol_entry_matches_static(e, "logs-secret-1", 13));
	CU_ASSERT_FALSE(pol_entry_matches_static(e, "other", 5));
	CU_ASSERT_PTR_NOT_NULL(e->dls);
	CU_ASSERT_EQUAL(e->nfls, 1);
	CU_ASSERT_STRING_EQUAL(e->fls[0], "~secret");
	CU_ASSERT_EQUAL(e->nmasked, 1);
	CU_ASSERT_PTR_NOT_NULL(e->src);
	pol_compiled_free(pc);
}

static void system_index_permission_needs_more_than_a_star(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");
	const pol_entry *sys = entry_of(pc, "system_reader", 0);
	const pol_entry *star = entry_of(pc, "system_reader", 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(sys);
	CU_ASSERT_PTR_NOT_NULL_FATAL(star);
	CU_ASSERT_TRUE(sys->explicit_system);
	CU_ASSERT_FALSE(star->explicit_system);
	CU_ASSERT_TRUE(star->any == false && star->ninc == 1);
	CU_ASSERT_TRUE(entry_grants(pc, star, "indices:data/write/index"));
	CU_ASSERT_FALSE(entry_grants(pc, star, "system:admin/system_index"));
	pol_compiled_free(pc);
}

static void cluster_permissions_use_the_dictionary_and_patterns(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");

	CU_ASSERT_TRUE(role_has_cluster(pc, "logs_reader",
					"indices:data/read/mget"));
	CU_ASSERT_FALSE(role_has_cluster(pc, "logs_reader",
					 "indices:data/write/bulk"));
	CU_ASSERT_TRUE(role_has_cluster(pc, "logs_reader",
			"cluster:admin/opendistro/alerting/monitor/get"));
	CU_ASSERT_TRUE(role_has_cluster(pc, "star_only", "cluster:monitor/main"));
	CU_ASSERT_TRUE(role_has_cluster(pc, "star_only", "plugin:any/thing"));
	pol_compiled_free(pc);
}

static void star_does_not_grant_security_rest_api(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");

	CU_ASSERT_FALSE(role_has_cluster(pc, "star_only", "restapi:admin/roles"));
	CU_ASSERT_FALSE(role_has_cluster(pc, "star_only",
					 "restapi:admin/not_in_dictionary"));
	CU_ASSERT_TRUE(role_has_cluster(pc, "rest_admin", "restapi:admin/roles"));
	CU_ASSERT_TRUE(role_has_cluster(pc, "rest_admin",
					"restapi:admin/not_in_dictionary"));
	pol_compiled_free(pc);
}

static void role_set_without_roles_grants_nothing(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");
	pol_word none[8] = { 0 };
	int role = 12345;

	CU_ASSERT_FALSE(pol_cluster_allowed(pc, none, -1, "cluster:monitor/main",
					    &role));
	CU_ASSERT_EQUAL(role, 12345);
	CU_ASSERT_EQUAL(pol_role_id(pc, "no_such_role"), -1);
	pol_compiled_free(pc);
}

/* ---------------------------------------------------------------------
 * Role mapping.
 */
static void users_map_by_exact_name_and_pattern(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");
	pol_user alice = { .name = "alice" }, svc = { .name = "svc-backup" };
	pol_user bob = { .name = "bob" };
	const char *why = NULL;

	CU_ASSERT_TRUE(maps_to(pc, &alice, "logs_reader", &why));
	CU_ASSERT_STRING_EQUAL(why, "users");
	CU_ASSERT_TRUE(maps_to(pc, &svc, "logs_reader", NULL));
	CU_ASSERT_FALSE(maps_to(pc, &bob, "logs_reader", NULL));
	pol_compiled_free(pc);
}

static void backend_roles_map_by_name_and_regex(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");
	const char *ldap[] = { "x", "ldap-logs" }, *team[] = { "team-red" };
	pol_user a = { .name = "u", .backend_roles = ldap, .nbackend = 2 };
	pol_user b = { .name = "u", .backend_roles = team, .nbackend = 1 };
	const char *why = NULL;

	CU_ASSERT_TRUE(maps_to(pc, &a, "logs_reader", &why));
	CU_ASSERT_STRING_EQUAL(why, "backend_roles");
	CU_ASSERT_TRUE(maps_to(pc, &b, "logs_reader", NULL));
	pol_compiled_free(pc);
}

static void and_backend_roles_need_every_pattern(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");
	const char *both[] = { "dept-a", "senior-dev" }, *one[] = { "dept-a" };
	pol_user a = { .name = "u", .backend_roles = both, .nbackend = 2 };
	pol_user b = { .name = "u", .backend_roles = one, .nbackend = 1 };
	const char *why = NULL;

	CU_ASSERT_TRUE(maps_to(pc, &a, "system_reader", &why));
	CU_ASSERT_STRING_EQUAL(why, "and_backend_roles");
	CU_ASSERT_FALSE(maps_to(pc, &b, "system_reader", NULL));
	pol_compiled_free(pc);
}

static void hosts_match_the_address_string(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");
	pol_user in = { .name = "u", .address = "10.0.0.7" };
	pol_user out = { .name = "u", .address = "10.0.1.7" };
	pol_user none = { .name = "u" };

	CU_ASSERT_TRUE(maps_to(pc, &in, "rest_admin", NULL));
	CU_ASSERT_FALSE(maps_to(pc, &out, "rest_admin", NULL));
	CU_ASSERT_FALSE(maps_to(pc, &none, "rest_admin", NULL));
	pol_compiled_free(pc);
}

static void direct_and_internal_user_roles_are_mapped(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");
	const char *direct[] = { "own_alias", "not_a_role" };
	pol_user u = { .name = "dave", .roles = direct, .nroles = 2 };
	pol_user carol = { .name = "carol" };
	const char *why = NULL;

	CU_ASSERT_TRUE(maps_to(pc, &u, "own_alias", &why));
	CU_ASSERT_STRING_EQUAL(why, "direct");
	CU_ASSERT_TRUE(maps_to(pc, &carol, "star_only", &why));
	CU_ASSERT_STRING_EQUAL(why, "direct");
	CU_ASSERT_PTR_NOT_NULL(pol_find_user(pc, "carol"));
	CU_ASSERT_PTR_NULL(pol_find_user(pc, "dave"));
	pol_compiled_free(pc);
}

static void resolution_both_uses_backend_role_names(void)
{
	pol_compiled *pc = compile_dir(DATA "basic");
	const char *br[] = { "readall", "ldap-logs" };
	pol_user u = { .name = "u", .backend_roles = br, .nbackend = 2 };
	const char *why = NULL;

	CU_ASSERT_EQUAL(pc->config->mapping_resolution, POL_MAP_BOTH);
	CU_ASSERT_TRUE(maps_to(pc, &u, "readall", &why));
	CU_ASSERT_STRING_EQUAL(why, "backend role name");
	CU_ASSERT_TRUE(maps_to(pc, &u, "logs_reader", NULL));
	pol_compiled_free(pc);
}

static void resolution_backendroles_only_skips_mappings(void)
{
	pol_compiled *pc = compile_dir(DATA "sg-basic");
	const char *br[] = { "readers", "sg_reader" };
	pol_user u = { .name = "u", .backend_roles = br, .nbackend = 1 };

	CU_ASSERT_EQUAL(pc->config->mapping_resolution,
			POL_MAP_BACKENDROLES_ONLY);
	CU_ASSERT_FALSE(maps_to(pc, &u, "sg_reader", NULL));
	u.nbackend = 2;
	CU_ASSERT_TRUE(maps_to(pc, &u, "sg_reader", NULL));
	pol_compiled_free(pc);
}

static void many_exact_user_mappings_load_and_map(void)
{
	GString *roles = g_string_new(NULL), *maps = g_string_new(NULL);
	pol_model *m = NULL;
	pol_compiled *pc = NULL;
	ng_error e = { 0 };
	pol_user u = { .name = "user-2999" };
	pol_word *set;

	for (int i = 0; i < 3000; i++) {
		g_string_append_printf(roles, "r%d: {cluster_permissions: "
				       "[cluster_monitor]}\n", i);
		g_string_append_printf(maps, "r%d: {users: [user-%d]}\n", i, i);
	}
	CU_ASSERT_EQUAL_FATAL(pol_model_new_empty(&m, &e), 0);
	CU_ASSERT_EQUAL(pol_model_load_text(m, "roles.yml", roles->str,
					    roles->len, &e), 0);
	CU_ASSERT_EQUAL(pol_model_load_text(m, "roles_mapping.yml", maps->str,
					    maps->len, &e), 0);
	CU_ASSERT_EQUAL_FATAL(pol_compile(m, &pc, &e), 0);
	set = calloc(pc->nwords, sizeof(pol_word));
	pol_map_roles(pc, &u, set, NULL);
	CU_ASSERT_TRUE(pol_bit(set, (size_t)pol_role_id(pc, "r2999")));
	CU_ASSERT_FALSE(pol_bit(set, (size_t)pol_role_id(pc, "r2998")));
	CU_ASSERT_TRUE(pol_cluster_allowed(pc, set, -1, "cluster:monitor/health",
					   NULL));
	free(set);
	pol_compiled_free(pc);
	g_string_free(roles, TRUE);
	g_string_free(maps, TRUE);
}

/* A model from several texts (kind, text, kind, text, ..., NULL) on top
 * of no built-ins, compiled under mapping resolution `res`. */
static pol_compiled *compile_texts(pol_mapping_resolution res, ...)
{
	pol_model *m = NULL;
	pol_compiled *pc = NULL;
	ng_error e = { 0 };
	const char *kind;
	va_list ap;

	CU_ASSERT_EQUAL_FATAL(pol_model_new_builtins(&m, POL_BUILTINS_NONE, &e),
			      0);
	va_start(ap, res);
	while ((kind = va_arg(ap, const char *))) {
		const char *text = va_arg(ap, const char *);

		CU_ASSERT_EQUAL(pol_model_load_text(m, kind, text, strlen(text),
						    &e), 0);
	}
	va_end(ap);
	CU_ASSERT_EQUAL(pol_model_check(m, &e), 0);
	m->config.mapping_resolution = res;
	CU_ASSERT_EQUAL_FATAL(pol_compile(m, &pc, &e), 0);
	return pc;
}

static const char *why_of(const pol_compiled *pc, const pol_user *u,
			  const char *role)
{
	const char *why = NULL;

	return maps_to(pc, u, role, &why) ? why : NULL;
}

static void one_name_can_be_a_role_a_user_and_mapped(void)
{
	pol_compiled *pc = compile_texts(POL_MAP_BOTH,
		"roles.yml", "ops: {}\nr1: {}\nr2: {}\nr3: {}\nr4: {}\n",
		"internal_users.yml", "ops: {hash: x, opendistro_security_roles: "
				      "[r2, r4, no_such_role]}\n",
		"roles_mapping.yml", "r1: {users: [ops]}\n"
				     "r3: {backend_roles: [ops]}\n"
				     "r4: {users: [ops]}\n", NULL);
	const char *br[] = { "ops" };
	pol_user u = { .name = "ops", .backend_roles = br, .nbackend = 1 };
	pol_user other = { .name = "dev", .backend_roles = br, .nbackend = 1 };

	CU_ASSERT_PTR_NOT_NULL(pol_find_user(pc, "ops"));
	CU_ASSERT_PTR_NULL(pol_find_user(pc, "r1"));
	CU_ASSERT_EQUAL(pol_role_id(pc, "ops"), 0);
	CU_ASSERT_STRING_EQUAL(why_of(pc, &u, "r2"), "direct");
	CU_ASSERT_STRING_EQUAL(why_of(pc, &u, "r4"), "direct");
	CU_ASSERT_STRING_EQUAL(why_of(pc, &u, "ops"), "backend role name");
	CU_ASSERT_STRING_EQUAL(why_of(pc, &u, "r1"), "users");
	CU_ASSERT_STRING_EQUAL(why_of(pc, &u, "r3"), "backend_roles");
	CU_ASSERT_PTR_NULL(why_of(pc, &other, "r1"));
	CU_ASSERT_PTR_NULL(why_of(pc, &other, "r2"));
	CU_ASSERT_STRING_EQUAL(why_of(pc, &other, "r3"), "backend_roles");
	pol_compiled_free(pc);
}

/* The first backend roles are looked up once for both of their uses;
 * the ones after them are looked up again, with the same answers. */
static void every_backend_role_maps_however_many_there_are(void)
{
	pol_compiled *pc = compile_texts(POL_MAP_BOTH,
		"roles.yml", "r1: {}\nr2: {}\nr3: {}\n",
		"roles_mapping.yml", "r1: {backend_roles: [b39]}\n"
				     "r2: {backend_roles: [b0]}\n", NULL);
	const char *br[40];
	char names[40][8];
	pol_user u = { .name = "u", .backend_roles = br, .nbackend = 40 };

	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "b%d", i);
		br[i] = names[i];
	}
	br[38] = "r3";
	CU_ASSERT_STRING_EQUAL(why_of(pc, &u, "r1"), "backend_roles");
	CU_ASSERT_STRING_EQUAL(why_of(pc, &u, "r2"), "backend_roles");
	CU_ASSERT_STRING_EQUAL(why_of(pc, &u, "r3"), "backend role name");
	pol_compiled_free(pc);
}

static void find_caller(const pol_compiled *pc, const char *name,
			pol_caller *k)
{
	size_t n = strlen(name);

	pol_find_caller(pc, name, n, pol_str_hash(name, n), k);
}

/* The roles of a name alone (pol_find_caller), made when compiling, are
 * those mapped at request time to a caller of that name who brings no
 * backend roles and no roles: the internal user's are taken. */
static void expect_alone(const pol_compiled *pc, const char *name,
			 const char *const *want, size_t nwant)
{
	pol_caller k;
	const pol_internal_user *iu = pol_find_user(pc, name);
	pol_user u = { .name = name };
	pol_word set[1];
	uint32_t ids[8];
	size_t n;

	find_caller(pc, name, &k);
	CU_ASSERT_PTR_EQUAL(k.user, iu);
	CU_ASSERT_TRUE_FATAL(k.known);
	if (iu) {
		u.backend_roles = (const char *const *)iu->backend_roles.v;
		u.nbackend = iu->backend_roles.n;
		u.roles = (const char *const *)iu->roles.v;
		u.nroles = iu->roles.n;
	}
	n = pol_map_roles_list(pc, &u, set, NULL, ids, 8);
	CU_ASSERT_EQUAL_FATAL(k.nroles, n);
	CU_ASSERT_EQUAL_FATAL(n, nwant);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(k.roles[i], ids[i]);
		CU_ASSERT_STRING_EQUAL(pc->role_names[k.roles[i]], want[i]);
	}
}

static void a_name_alone_maps_as_at_request_time(void)
{
	pol_compiled *pc = compile_texts(POL_MAP_BOTH,
		"roles.yml", "ops: {}\nr1: {}\nr2: {}\nr3: {}\nr4: {}\n"
			     "r5: {}\n",
		"internal_users.yml", "ops: {hash: x, backend_roles: [b1], "
				      "opendistro_security_roles: [r2]}\n",
		"roles_mapping.yml", "r1: {users: [ops, ann]}\n"
				     "r3: {backend_roles: [b1]}\n"
				     "r4: {and_backend_roles: [b1]}\n"
				     "r5: {hosts: [\"10.*\"]}\n", NULL);
	const char *ops[] = { "r1", "r2", "r3", "r4" }, *ann[] = { "r1" };
	pol_caller k;

	expect_alone(pc, "ops", ops, 4);
	expect_alone(pc, "ann", ann, 1);
	expect_alone(pc, "r3", NULL, 0);
	expect_alone(pc, "b1", NULL, 0);
	/* unknown: no user pattern, so no role */
	expect_alone(pc, "zed", NULL, 0);
	/* a mapping names hosts: an address needs the mapping */
	find_caller(pc, "ann", &k);
	CU_ASSERT_TRUE(pol_caller_alone(pc, &k, false, false, NULL));
	CU_ASSERT_FALSE(pol_caller_alone(pc, &k, false, false, "10.0.0.1"));
	CU_ASSERT_FALSE(pol_caller_alone(pc, &k, true, false, NULL));
	CU_ASSERT_FALSE(pol_caller_alone(pc, &k, false, true, NULL));
	pol_compiled_free(pc);
	pc = compile_texts(POL_MAP_BOTH, "roles.yml", "r1: {}\n",
			   "roles_mapping.yml", "r1: {users: [\"a*\"]}\n",
			   NULL);
	/* a user pattern: an unknown name is mapped at request time */
	find_caller(pc, "alice", &k);
	CU_ASSERT_FALSE(k.known);
	CU_ASSERT_FALSE(pol_caller_alone(pc, &k, false, false, NULL));
	expect_alone(pc, "r1", NULL, 0);
	find_caller(pc, "r1", &k);
	CU_ASSERT_TRUE(pol_caller_alone(pc, &k, false, false, "10.0.0.1"));
	pol_compiled_free(pc);
}

/* n roles r0..r{n-1}, mapped to backend role "all" in reverse order, and
 * r{n-1} also to user "u". */
static pol_compiled *compile_reversed(int n)
{
	GString *roles = g_string_new(NULL), *maps = g_string_new(NULL);
	pol_compiled *pc;

	for (int i = 0; i < n; i++)
		g_string_append_printf(roles, "r%d: {}\n", i);
	for (int i = n - 1; i >= 0; i--)
		g_string_append_printf(maps, "r%d: {backend_roles: [all]%s}\n",
				       i, i == n - 1 ? ", users: [u]" : "");
	pc = compile_texts(POL_MAP_MAPPING_ONLY, "roles.yml", roles->str,
			   "roles_mapping.yml", maps->str, NULL);
	g_string_free(roles, TRUE);
	g_string_free(maps, TRUE);
	return pc;
}

static void check_list(const pol_compiled *pc, const pol_user *u, size_t cap)
{
	pol_word set[4], set2[4];
	const char *why[200] = { 0 }, *why2[200] = { 0 };
	uint32_t ids[200];
	size_t n, k = 0;

	CU_ASSERT_FATAL(pc->nwords <= 4 && pc->nroles <= 200 && cap <= 200);
	pol_map_roles(pc, u, set, why);
	memset(set2, 0xff, sizeof(set2));
	n = pol_map_roles_list(pc, u, set2, why2, ids, cap);
	CU_ASSERT_EQUAL(memcmp(set, set2, pc->nwords * sizeof(pol_word)), 0);
	CU_ASSERT_EQUAL(memcmp(why, why2, pc->nroles * sizeof(*why)), 0);
	for (size_t r = 0; r < pc->nroles; r++) {
		if (!pol_bit(set, r))
			continue;
		if (k < cap)
			CU_ASSERT_EQUAL(ids[k], r);
		k++;
	}
	CU_ASSERT_EQUAL(n, k);
}

static void mapped_role_list_is_sorted_and_cut_at_its_capacity(void)
{
	const char *br[] = { "all" };
	pol_user u = { .name = "u", .backend_roles = br, .nbackend = 1 };
	pol_user none = { .name = "v" };
	pol_compiled *pc = compile_reversed(5);

	check_list(pc, &u, 200);
	check_list(pc, &u, 5);
	check_list(pc, &u, 2);
	check_list(pc, &u, 0);
	check_list(pc, &none, 3);
	CU_ASSERT_EQUAL(pol_map_roles_list(pc, &u, (pol_word[1]){ 0 }, NULL,
					   NULL, 0), 5);
	pol_compiled_free(pc);
	pc = compile_reversed(150);
	check_list(pc, &u, 200);
	check_list(pc, &u, 150);
	check_list(pc, &u, 40);
	check_list(pc, &u, 3);
	pol_compiled_free(pc);
}

static void action_ids_are_the_dictionary_positions(void)
{
	pol_compiled *pc = compile_texts(POL_MAP_MAPPING_ONLY, NULL);
	char longer[256];

	CU_ASSERT_FATAL(pc->nactions > 100);
	for (size_t a = 0; a < pc->nactions; a++) {
		const char *name = pol_action_name(pc, (int)a);

		CU_ASSERT_EQUAL(pol_action_id(pc, name), (int)a);
		snprintf(longer, sizeof(longer), "%s/", name);
		CU_ASSERT_EQUAL(pol_action_id(pc, longer), -1);
		snprintf(longer, sizeof(longer), "%.*s", (int)strlen(name) - 1,
			 name);
		CU_ASSERT_EQUAL(pol_action_id(pc, longer), -1);
	}
	CU_ASSERT_EQUAL(pol_action_id(pc, ""), -1);
	CU_ASSERT_EQUAL(pol_action_id(pc, NULL), -1);
	CU_ASSERT_EQUAL(pol_action_id(pc, "indices:data/read/searcH"), -1);
	pol_compiled_free(pc);
}

/* Keys of every length up to 40, and keys that agree on their first and
 * last eight bytes: each is found, and no string that differs in one
 * byte or in length is. */
static void string_table_finds_exactly_its_keys(void)
{
	static char keys[82][48];
	pol_strtab *t = pol_strtab_new(82);
	char probe[48];

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	for (int i = 0; i < 41; i++) {
		memset(keys[i], 'a' + i % 26, (size_t)i);
		snprintf(keys[41 + i], sizeof(keys[0]), "abcdefgh%02d%.*s12345678",
			 i, i % 5, "xyzzy");
	}
	for (uint32_t i = 0; i < 82; i++)
		*pol_strtab_put(t, keys[i]) = i;
	CU_ASSERT_PTR_NULL(pol_strtab_put(t, "one too many"));
	for (uint32_t i = 0; i < 82; i++) {
		size_t n = strlen(keys[i]);

		CU_ASSERT_EQUAL(pol_strtab_get(t, keys[i]), i);
		CU_ASSERT_EQUAL(*pol_strtab_put(t, keys[i]), i);
		for (size_t j = 0; j < n; j++) {
			memcpy(probe, keys[i], n + 1);
			probe[j] ^= 0x20;
			CU_ASSERT_EQUAL(pol_strtab_get(t, probe), POL_STRTAB_NONE);
		}
		memcpy(probe, keys[i], n + 1);
		strcat(probe, "!");
		CU_ASSERT_EQUAL(pol_strtab_get(t, probe), POL_STRTAB_NONE);
	}
	pol_strtab_free(t);
}

/* ---------------------------------------------------------------------
 * Templates.
 */
static bool render(const char *tmpl, const pol_user *u, char *out, size_t cap)
{
	return pol_render_template(tmpl, u, out, cap);
}

static bool rendered_matches(const char *tmpl, const pol_user *u,
			     const char *name)
{
	char buf[256];
	pol_pattern p;
	bool hit;

	CU_ASSERT_FATAL(render(tmpl, u, buf, sizeof(buf)));
	CU_ASSERT_EQUAL_FATAL(pol_pattern_compile(&p, buf, POL_PAT_ESCAPES,
						  NULL), 0);
	hit = pol_pattern_match(&p, name, strlen(name));
	pol_pattern_clear(&p);
	return hit;
}

static void user_name_renders_in_both_spellings(void)
{
	pol_user u = { .name = "bob" };
	char buf[64];

	CU_ASSERT_TRUE(render("team_${user.name}", &u, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "team_bob");
	CU_ASSERT_TRUE(render("${user_name}-*", &u, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "bob-*");
	CU_ASSERT_TRUE(rendered_matches("${user_name}-*", &u, "bob-1"));
}

static void user_named_star_matches_only_literal_star(void)
{
	pol_user star = { .name = "*" }, re = { .name = "/.*/" };

	CU_ASSERT_TRUE(rendered_matches("${user_name}", &star, "*"));
	CU_ASSERT_FALSE(rendered_matches("${user_name}", &star, "logs"));
	CU_ASSERT_TRUE(rendered_matches("${user.name}", &re, "/.*/"));
	CU_ASSERT_FALSE(rendered_matches("${user.name}", &re, "logs"));
	CU_ASSERT_FALSE(rendered_matches("x-${user.name}", &star, "x-abc"));
}

static void regex_template_quotes_the_value(void)
{
	pol_user u = { .name = "a.b\\Ec" };
	char buf[128];

	CU_ASSERT_TRUE(render("/${user.name}-[0-9]+/", &u, buf, sizeof(buf)));
	CU_ASSERT_TRUE(rendered_matches("/${user.name}-[0-9]+/", &u,
					"a.b\\Ec-12"));
	CU_ASSERT_FALSE(rendered_matches("/${user.name}-[0-9]+/", &u,
					 "aXb\\Ec-12"));
}

static void user_roles_are_quoted_and_joined(void)
{
	const char *br[] = { "r1", "r*2" };
	pol_user u = { .name = "u", .backend_roles = br, .nbackend = 2 };
	char buf[64];

	CU_ASSERT_TRUE(render("${user.roles}", &u, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "\"r1\",\"r\\*2\"");
	CU_ASSERT_TRUE(rendered_matches("${user.roles}", &u, "\"r1\",\"r*2\""));
}

static void attributes_render_with_dots_or_underscores(void)
{
	const char *k[] = { "attr.internal.dept", "attr.ldap.cost_center" };
	const char *v[] = { "it", "42" };
	pol_user u = { .name = "u", .attr_keys = k, .attr_values = v,
		       .nattrs = 2 };
	char buf[64];

	CU_ASSERT_TRUE(render("${attr.internal.dept}-*", &u, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "it-*");
	CU_ASSERT_TRUE(render("${attr_internal_dept}", &u, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "it");
	CU_ASSERT_TRUE(render("${attr.ldap.cost_center}", &u, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "42");
	CU_ASSERT_TRUE(render("${attr_ldap_cost_center}", &u, buf, sizeof(buf)));
	CU_ASSERT_FALSE(render("${attr.internal.team}", &u, buf, sizeof(buf)));
}

static void undefined_variable_renders_nothing(void)
{
	pol_user u = { .name = "u" };
	char buf[64];

	CU_ASSERT_FALSE(render("${env.HOME}", &u, buf, sizeof(buf)));
	CU_ASSERT_FALSE(render("${user.securityRoles}", &u, buf, sizeof(buf)));
	CU_ASSERT_FALSE(render("${user.name", &u, buf, sizeof(buf)));
	CU_ASSERT_TRUE(render("${attr.internal.x:-none}", &u, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "none");
	CU_ASSERT_TRUE(render("$${user.name}", &u, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "${user.name}");
}

static void security_roles_render_when_known(void)
{
	const char *mapped[] = { "a", "b" };
	pol_user u = { .name = "u", .mapped_roles = mapped, .nmapped = 2 };
	char buf[64];

	CU_ASSERT_TRUE(render("${user.securityRoles}", &u, buf, sizeof(buf)));
	CU_ASSERT_STRING_EQUAL(buf, "\"a\",\"b\"");
}

static void rendering_past_the_buffer_fails(void)
{
	pol_user u = { .name = "a-rather-long-user-name" };
	char buf[8];

	CU_ASSERT_FALSE(render("${user.name}", &u, buf, sizeof(buf)));
	CU_ASSERT_FALSE(render("abcdefgh", &u, buf, sizeof(buf)));
	CU_ASSERT_TRUE(render("abcdefg", &u, buf, sizeof(buf)));
}

/* ---------------------------------------------------------------------
 * config.yml and node settings.
 */
static void config_defaults_without_files(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };
	const pol_config *c;

	CU_ASSERT_EQUAL_FATAL(pol_model_new_empty(&m, &e), 0);
	c = &m->config;
	CU_ASSERT_EQUAL(c->mode, POL_MODE_V4);
	CU_ASSERT_TRUE(c->ignore_unauthorized);
	CU_ASSERT_FALSE(c->dnfof);
	CU_ASSERT_EQUAL(c->mapping_resolution, POL_MAP_MAPPING_ONLY);
	CU_ASSERT_STRING_EQUAL(c->security_index, ".opendistro_security");
	CU_ASSERT_STRING_EQUAL(c->salt, "e1ukloTsQlOgPquJ");
	CU_ASSERT_FALSE(c->search_guard);
	pol_model_free(m);
}

static void config_dynamic_keys_are_read(void)
{
	pol_model *m = load_dir_ok(DATA "basic");
	const pol_config *c = &m->config;

	CU_ASSERT_EQUAL(c->mode, POL_MODE_V4);
	CU_ASSERT_TRUE(c->dnfof);
	CU_ASSERT_TRUE(c->dnfof_empty);
	CU_ASSERT_FALSE(c->ignore_unauthorized);
	CU_ASSERT_TRUE(c->respect_request_options);
	CU_ASSERT_TRUE(c->filtered_alias_disallow);
	pol_model_free(m);
}

static void node_settings_flat_and_nested_are_read(void)
{
	pol_model *m = load_dir_ok(DATA "basic");
	const pol_config *c = &m->config;

	CU_ASSERT_EQUAL_FATAL(c->admin_dn.n, 1);
	CU_ASSERT_STRING_EQUAL(c->admin_dn.v[0], "CN=admin,O=test");
	CU_ASSERT_EQUAL_FATAL(c->nodes_dn.n, 2);
	CU_ASSERT_STRING_EQUAL(c->nodes_dn.v[1], "CN=dynamic.example.com");
	CU_ASSERT_TRUE(c->system_indices_enabled);
	CU_ASSERT_EQUAL(c->system_indices.n, 2);
	CU_ASSERT_TRUE(c->system_index_permission);
	CU_ASSERT_TRUE(c->protected_enabled);
	CU_ASSERT_STRING_EQUAL(c->protected_indices.v[0], "protected*");
	CU_ASSERT_STRING_EQUAL(c->protected_roles.v[0], "protector");
	CU_ASSERT_STRING_EQUAL(c->security_index, ".my_security");
	CU_ASSERT_TRUE(c->filter_security_index);
	CU_ASSERT_TRUE(c->dfm_empty_overrides_all);
	CU_ASSERT_TRUE(c->dls_write_blocked);
	CU_ASSERT_STRING_EQUAL(c->salt, "0123456789abcdef");
	pol_model_free(m);
}

static void search_guard_names_and_settings_are_read(void)
{
	pol_model *m = load_dir_ok(DATA "sg-basic");
	const pol_config *c = &m->config;

	CU_ASSERT_TRUE(c->search_guard);
	CU_ASSERT_TRUE(c->dnfof);
	CU_ASSERT_STRING_EQUAL(c->security_index, ".searchguard");
	CU_ASSERT_EQUAL(c->admin_dn.n, 1);
	CU_ASSERT_PTR_NOT_NULL(find_role(m, "sg_reader"));
	CU_ASSERT_TRUE(has_warning(m, "\"exclude_index_permissions\" is not "
				   "supported"));
	pol_model_free(m);
}

static void explicit_node_settings_file_replaces_the_directory_one(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL_FATAL(pol_model_load_dir(DATA "basic",
		DATA "sg-basic/elasticsearch.yml", &m, &e), 0);
	CU_ASSERT_STRING_EQUAL(m->config.admin_dn.v[0],
			       "CN=kirk,OU=client,O=client,L=test,C=de");
	CU_ASSERT_EQUAL(m->config.nodes_dn.n, 0);
	pol_model_free(m);
	CU_ASSERT_EQUAL(pol_model_load_dir(DATA "basic", DATA "nope.yml", &m,
					   &e), NG_EIO);
}

static void bad_setting_values_are_positioned_errors(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(load_text("opensearch.yml",
		"plugins.security.roles_mapping_resolution: SOMETIMES\n", &m,
		&e), NG_ESCHEMA);
	CU_ASSERT_EQUAL(e.line, 1);
	CU_ASSERT_EQUAL(e.column, 44);
	CU_ASSERT_EQUAL(load_text("config.yml", "config:\n  dynamic:\n"
		"    do_not_fail_on_forbidden: maybe\n", &m, &e), NG_ESCHEMA);
	CU_ASSERT_EQUAL(e.line, 3);
	CU_ASSERT_STRING_EQUAL(e.message, "expected true or false for "
			       "\"do_not_fail_on_forbidden\"");
}

/* ---------------------------------------------------------------------
 * Reading files: the size and nesting limits, encodings, NUL characters.
 */

/* A fresh directory under the system's temporary one. */
static char *tmp_dir(void)
{
	char *dir = g_dir_make_tmp("ng-policy-XXXXXX", NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	return dir;
}

static void put_file(const char *dir, const char *name, const char *text,
		     size_t len)
{
	char *path = g_build_filename(dir, name, NULL);

	CU_ASSERT_TRUE_FATAL(g_file_set_contents(path, text, (gssize)len,
						 NULL));
	g_free(path);
}

static void put_link(const char *dir, const char *name, const char *to)
{
	char *path = g_build_filename(dir, name, NULL);

	CU_ASSERT_EQUAL_FATAL(symlink(to, path), 0);
	g_free(path);
}

/* Remove the directory, its entries first, and free its name. */
static void rm_dir(char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d)) != NULL) {
		char *path = g_build_filename(dir, name, NULL);

		unlink(path);
		g_free(path);
	}
	if (d)
		g_dir_close(d);
	rmdir(dir);
	g_free(dir);
}

/* `head`, then a comment of 'x' to make `n` bytes (and a terminator). */
static char *padded(const char *head, size_t n)
{
	size_t h = strlen(head);
	char *t = malloc(n + 1);

	CU_ASSERT_FATAL(t != NULL && n > h + 1);
	memcpy(t, head, h);
	t[h] = '#';
	memset(t + h + 1, 'x', n - h - 1);
	t[n] = '\0';
	return t;
}

static void file_of_max_bytes_loads_one_more_is_refused(void)
{
	char *dir = tmp_dir();
	char *text = padded("_meta: {type: roles, config_version: 2}\n"
			    "padded: {cluster_permissions: [read]}\n",
			    POL_MAX_FILE_BYTES + 1);
	pol_model *m;
	ng_error e = { 0 };

	put_file(dir, "roles.yml", text, POL_MAX_FILE_BYTES);
	m = load_dir_ok(dir);
	CU_ASSERT_PTR_NOT_NULL(find_role(m, "padded"));
	pol_model_free(m);
	put_file(dir, "roles.yml", text, POL_MAX_FILE_BYTES + 1);
	CU_ASSERT_EQUAL(fail_at(dir, &e), NG_ELIMIT);
	CU_ASSERT_STRING_EQUAL(e.file, "roles.yml");
	CU_ASSERT_STRING_EQUAL(e.message, "file is larger than 67108864 bytes");
	free(text);
	rm_dir(dir);
}

/* A device is no configuration file, however it reads: an endless one
 * and an empty one, as a policy file or as the node settings. */
static void device_is_refused_as_not_a_regular_file(void)
{
	char *dir = tmp_dir();
	pol_model *m = (pol_model *)1;
	ng_error e = { 0 };

	put_link(dir, "roles.yml", "/dev/zero");
	CU_ASSERT_EQUAL(fail_at(dir, &e), NG_EIO);
	CU_ASSERT_STRING_EQUAL(e.file, "roles.yml");
	CU_ASSERT_STRING_EQUAL(e.message,
			       "cannot read the file: not a regular file");
	rm_dir(dir);
	CU_ASSERT_EQUAL(pol_model_load_dir(DATA "basic", "/dev/null", &m, &e),
			NG_EIO);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_STRING_EQUAL(e.file, "/dev/null");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "not a regular file"));
}

/* Load DATA "basic" with the node settings read from a pipe that a child
 * process writes `text` into. */
static int load_piped_settings(const char *text, pol_model **m,
			       ng_error *e)
{
	char path[32];
	int fds[2], rc;
	pid_t pid;

	CU_ASSERT_EQUAL_FATAL(pipe(fds), 0);
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		_exit(write(fds[1], text, strlen(text)) < 0);
	}
	close(fds[1]);
	snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
	rc = pol_model_load_dir(DATA "basic", path, m, e);
	close(fds[0]);
	waitpid(pid, NULL, 0);
	return rc;
}

static void pipe_with_a_writer_is_refused(void)
{
	pol_model *m = (pol_model *)1;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(load_piped_settings("plugins.security.nodes_dn: "
					    "[\"CN=piped\"]\n", &m, &e),
			NG_EIO);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "not a regular file"));
}

/* A named pipe without a writer once read as empty, dropping every role
 * of the file; it is refused without waiting for a writer. */
static void pipe_without_a_writer_is_refused(void)
{
	char *dir = tmp_dir(), *path = g_build_filename(dir, "roles.yml", NULL);
	ng_error e = { 0 };

	CU_ASSERT_EQUAL_FATAL(mkfifo(path, 0600), 0);
	CU_ASSERT_EQUAL(fail_at(dir, &e), NG_EIO);
	CU_ASSERT_STRING_EQUAL(e.file, "roles.yml");
	CU_ASSERT_STRING_EQUAL(e.message,
			       "cannot read the file: not a regular file");
	g_free(path);
	rm_dir(dir);
}

/* A link to nothing is an error, not an absent file: node settings that
 * protect the system indices, or a roles file, must not drop out of the
 * policy because the file they point at is gone. The same in the
 * Search Guard form of the directory. */
static void dangling_link_is_refused_not_absent(void)
{
	static const char *const names[] = { "opensearch.yml", "roles.yml",
					     "sg_roles.yml" };
	ng_error e = { 0 };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char *dir = tmp_dir();

		put_file(dir, i == 2 ? "sg_config.yml" : "config.yml",
			 "_meta: {type: config, config_version: 2}\n"
			 "config: {dynamic: {}}\n", 63);
		put_link(dir, names[i], "/nonexistent/file.yml");
		CU_ASSERT_EQUAL(fail_at(dir, &e), NG_EIO);
		CU_ASSERT_STRING_EQUAL(e.file, names[i]);
		CU_ASSERT_STRING_EQUAL(e.message, "cannot read the file: it is "
				       "a link to a file that does not exist");
		rm_dir(dir);
	}
}

/* A directory without any configuration file loads, granting nothing,
 * with a warning that the directory is probably the wrong one. One with
 * a file has no such warning. */
static void directory_without_configuration_files_warns(void)
{
	char *dir = tmp_dir();
	pol_model *m = load_dir_ok(dir);

	CU_ASSERT_EQUAL_FATAL(m->warnings.n, 1);
	CU_ASSERT_STRING_EQUAL(m->warnings.v[0], "no configuration file "
			       "(roles.yml, roles_mapping.yml, ... or their sg_ "
			       "names) in the directory, so nothing is granted");
	pol_model_free(m);
	put_file(dir, "sg_config.yml", "_meta: {type: config, "
		 "config_version: 2}\nconfig: {dynamic: {}}\n", 63);
	m = load_dir_ok(dir);
	CU_ASSERT_EQUAL(m->warnings.n, 0);
	pol_model_free(m);
	rm_dir(dir);
}

/* A link to a regular file is read as the file. */
static void link_to_a_regular_file_loads(void)
{
	char *dir = tmp_dir(), *to = realpath(DATA "basic/roles.yml", NULL);
	pol_model *m;

	CU_ASSERT_PTR_NOT_NULL_FATAL(to);
	put_link(dir, "roles.yml", to);
	m = load_dir_ok(dir);
	CU_ASSERT_PTR_NOT_NULL(find_role(m, "logs_reader"));
	pol_model_free(m);
	free(to);
	rm_dir(dir);
}

static size_t findings_in(const pol_lint *l, const char *name,
			  const char **rule)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		const char *f = strrchr(l->v[i].file, '/');

		if (f && !strcmp(f + 1, name)) {
			*rule = l->v[i].rule;
			n++;
		}
	}
	return n;
}

/* Lint's own pass and the model's load meet the same errors. */
static void lint_reports_a_file_past_a_limit_once(void)
{
	char *dir = tmp_dir();
	GString *deep = g_string_new("_meta: {type: rolesmapping, "
				     "config_version: 2}\nr:\n  users: ");
	const char *rule = NULL;
	pol_lint *l = NULL;
	ng_error e = { 0 };
	char *big = g_build_filename(dir, "roles.yml", NULL);

	for (int i = 0; i < 100000; i++)
		g_string_append_c(deep, '[');
	put_file(dir, "roles.yml", "", 0);
	CU_ASSERT_EQUAL_FATAL(truncate(big, POL_MAX_FILE_BYTES + 1), 0);
	g_free(big);
	put_file(dir, "roles_mapping.yml", deep->str, deep->len);
	CU_ASSERT_EQUAL_FATAL(pol_lint_dir(dir, NULL, 0, &l, &e), 0);
	CU_ASSERT_EQUAL(findings_in(l, "roles.yml", &rule), 1);
	CU_ASSERT_STRING_EQUAL(rule, "file-unreadable");
	CU_ASSERT_EQUAL(findings_in(l, "roles_mapping.yml", &rule), 1);
	CU_ASSERT_STRING_EQUAL(rule, "yaml-syntax");
	pol_lint_free(l);
	g_string_free(deep, TRUE);
	rm_dir(dir);
}

/* Lint refuses a named pipe as the loader does: one finding. */
static void lint_reports_a_pipe_as_unreadable(void)
{
	char *dir = tmp_dir(), *path = g_build_filename(dir, "roles.yml", NULL);
	const char *rule = NULL;
	pol_lint *l = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL_FATAL(mkfifo(path, 0600), 0);
	CU_ASSERT_EQUAL_FATAL(pol_lint_dir(dir, NULL, 0, &l, &e), 0);
	CU_ASSERT_EQUAL(findings_in(l, "roles.yml", &rule), 1);
	CU_ASSERT_STRING_EQUAL(rule, "file-unreadable");
	pol_lint_free(l);
	g_free(path);
	rm_dir(dir);
}

static void null_in_a_string_list_is_a_lint_error(void)
{
	char *dir = tmp_dir();
	static const char text[] = "_meta: {type: rolesmapping, "
				   "config_version: 2}\n"
				   "r:\n  backend_roles: [admins, null]\n";
	const char *rule = NULL;
	pol_lint *l = NULL;
	ng_error e = { 0 };

	put_file(dir, "roles_mapping.yml", text, sizeof(text) - 1);
	CU_ASSERT_EQUAL_FATAL(pol_lint_dir(dir, NULL, 0, &l, &e), 0);
	CU_ASSERT_EQUAL(findings_in(l, "roles_mapping.yml", &rule), 1);
	CU_ASSERT_STRING_EQUAL(rule, "schema-type");
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].rule, "schema-type"))
			continue;
		CU_ASSERT_EQUAL(l->v[i].line, 3);
		CU_ASSERT_EQUAL(l->v[i].col, 27);
		CU_ASSERT_STRING_EQUAL(l->v[i].message, "expected a string, "
				       "got null, in \"backend_roles\"");
	}
	pol_lint_free(l);
	rm_dir(dir);
}

/* Nested keys are joined into dotted names first; a name met twice is
 * refused at the second, whichever way each is written. */
static void setting_given_twice_is_refused_at_the_second(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(load_text("opensearch.yml",
		"plugins:\n  security:\n    authcz:\n"
		"      admin_dn: [\"CN=admin\"]\n"
		"plugins.security.authcz.admin_dn: [\"CN=lena\"]\n", &m, &e),
		NG_ESYNTAX);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(e.line, 5);
	CU_ASSERT_EQUAL(e.column, 1);
	CU_ASSERT_STRING_EQUAL(e.message, "setting plugins.security.authcz."
			       "admin_dn is given twice; first at line 4");
	CU_ASSERT_EQUAL(load_text("opensearch.yml",
		"plugins.security.nodes_dn: [\"CN=a\"]\n"
		"plugins:\n  security.nodes_dn: [\"CN=b\"]\n", &m, &e),
		NG_ESYNTAX);
	CU_ASSERT_EQUAL(e.line, 3);
	CU_ASSERT_EQUAL(e.column, 3);
	CU_ASSERT_STRING_EQUAL(e.message, "setting plugins.security.nodes_dn "
			       "is given twice; first at line 1");
	CU_ASSERT_EQUAL(load_text("opensearch.yml",
		"plugins.security.nodes_dn: [\"CN=a\"]\n"
		"plugins.security.nodes_dn: [\"CN=b\"]\n", &m, &e),
		NG_ESYNTAX);
	CU_ASSERT_EQUAL(e.line, 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "duplicate key"));
}

/* A typo in a setting that decides what is protected leaves the default
 * in force: it is a warning naming the family's settings. The settings
 * of the family a node reads for what nodeguard does not decide pass. */
static void unknown_protection_setting_is_a_warning(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL_FATAL(load_text("opensearch.yml",
		"plugins.security.system_indices.enable: true\n"
		"plugins:\n  security:\n    protected_indices.index: [a]\n"
		"plugins.security.authcz.impersonation_dn:\n"
		"  \"CN=x\": [u]\n"
		"plugins.security.system_indices.additional_control.enabled: "
		"true\n"
		"plugins.security.dls.mode: adaptive\n"
		"plugins.security.authcz.rest_impersonation_user: {}\n",
		&m, &e), 0);
	CU_ASSERT_TRUE(has_warning(m, "opensearch.yml:1:41: unknown setting "
		"plugins.security.system_indices.enable, ignored; the "
		"system_indices settings are enabled, indices, "
		"permission.enabled"));
	CU_ASSERT_TRUE(has_warning(m, ":4:30: unknown setting "
		"plugins.security.protected_indices.index, ignored"));
	CU_ASSERT_EQUAL(m->warnings.n, 2);
	CU_ASSERT_FALSE(m->config.system_indices_enabled);
	pol_model_free(m);
}

static void empty_security_index_name_is_refused(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(load_text("opensearch.yml",
		"plugins.security.config_index_name: ''\n", &m, &e),
		NG_ESCHEMA);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(e.line, 1);
	CU_ASSERT_STRING_EQUAL(e.message,
			       "plugins.security.config_index_name is empty");
}

static void setting_given_twice_is_a_lint_error(void)
{
	char *dir = tmp_dir();
	static const char text[] = "searchguard.nodes_dn: [\"CN=a\"]\n"
				   "searchguard:\n  nodes_dn: [\"CN=b\"]\n";
	const char *rule = NULL;
	pol_lint *l = NULL;
	ng_error e = { 0 };

	put_file(dir, "elasticsearch.yml", text, sizeof(text) - 1);
	CU_ASSERT_EQUAL_FATAL(pol_lint_dir(dir, NULL, 0, &l, &e), 0);
	CU_ASSERT_EQUAL(findings_in(l, "elasticsearch.yml", &rule), 1);
	CU_ASSERT_STRING_EQUAL(rule, "yaml-syntax");
	pol_lint_free(l);
	rm_dir(dir);
}

/* Load `len` bytes as `kind` over the built-ins. A failure must leave the
 * model as it was: no role, group or warning added, the digest kept. */
static int load_bytes(const char *kind, const char *text, size_t len,
		      ng_error *e)
{
	pol_model *m = NULL;
	char digest[sizeof(m->digest)];
	size_t roles, groups;
	int rc;

	CU_ASSERT_EQUAL_FATAL(pol_model_new_empty(&m, e), 0);
	roles = m->nroles;
	groups = m->ngroups;
	memcpy(digest, m->digest, sizeof(digest));
	rc = pol_model_load_text(m, kind, text, len, e);
	if (rc) {
		CU_ASSERT_EQUAL(m->nroles, roles);
		CU_ASSERT_EQUAL(m->ngroups, groups);
		CU_ASSERT_EQUAL(m->warnings.n, 0);
		CU_ASSERT_STRING_EQUAL(m->digest, digest);
	}
	pol_model_free(m);
	return rc;
}

typedef struct bad_text {
	const char *text;
	size_t len;           /* 0: strlen(text) */
	int line, col;
	const char *message;
} bad_text;

static void check_bad_texts(const bad_text *cases, size_t n, int code)
{
	for (size_t i = 0; i < n; i++) {
		const bad_text *c = &cases[i];
		size_t len = c->len ? c->len : strlen(c->text);
		ng_error e = { 0 };

		CU_ASSERT_EQUAL(load_bytes("roles.yml", c->text, len, &e), code);
		CU_ASSERT_STRING_EQUAL(e.file, "roles.yml");
		CU_ASSERT_EQUAL(e.line, c->line);
		CU_ASSERT_EQUAL(e.column, c->col);
		CU_ASSERT_STRING_EQUAL(e.message, c->message);
		if (e.line != c->line || e.column != c->col)
			fprintf(stderr, "\ncase %zu: %d:%d: %s\n", i, e.line,
				e.column, e.message);
	}
}

/* `k` flow sequences in an unknown key of a role: k + 2 levels deep, with
 * the top mapping and the role's. */
static char *nested_roles(size_t k, const char *before)
{
	GString *s = g_string_new(before);

	g_string_append(s, "r:\n  x: ");
	for (size_t i = 0; i < k; i++)
		g_string_append_c(s, '[');
	for (size_t i = 0; i < k; i++)
		g_string_append_c(s, ']');
	g_string_append_c(s, '\n');
	return g_string_free(s, FALSE);
}

/* "r:", "  x:", then mappings one more level in on each line: `depth`
 * levels in all, the last holding one key. */
static char *block_nested(size_t depth)
{
	GString *s = g_string_new("r:\n  x:\n");

	for (size_t d = 3; d <= depth; d++)
		g_string_append_printf(s, "%*s%s\n", (int)(2 * (d - 1)), "",
				       d < depth ? "a:" : "a: 1");
	return g_string_free(s, FALSE);
}

static void nesting_of_max_depth_loads_one_more_is_refused(void)
{
	char *flow_ok = nested_roles(POL_MAX_YAML_DEPTH - 2, "");
	char *flow_over = nested_roles(POL_MAX_YAML_DEPTH - 1, "");
	char *block_ok = block_nested(POL_MAX_YAML_DEPTH);
	char *block_over = block_nested(POL_MAX_YAML_DEPTH + 1);
	const char *msg = "nested deeper than 64 levels";
	const bad_text over[] = {
		{ flow_over, 0, 2, 6 + POL_MAX_YAML_DEPTH - 2, msg },
		{ block_over, 0, POL_MAX_YAML_DEPTH + 1,
		  2 * POL_MAX_YAML_DEPTH + 1, msg },
	};
	pol_model *m = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL(POL_MAX_YAML_DEPTH, 64);
	CU_ASSERT_EQUAL(load_text("roles.yml", flow_ok, &m, &e), 0);
	CU_ASSERT_PTR_NOT_NULL(m ? find_role(m, "r") : NULL);
	pol_model_free(m);
	CU_ASSERT_EQUAL(load_text("roles.yml", block_ok, &m, &e), 0);
	pol_model_free(m);
	check_bad_texts(over, 2, NG_ELIMIT);
	g_free(flow_ok);
	g_free(flow_over);
	g_free(block_ok);
	g_free(block_over);
}

/* 100000 brackets took libyaml about a minute to build; the first pass
 * stops at the 65th, in the first document or in a later one. */
static void deep_nesting_is_refused_without_building_it(void)
{
	char *one = nested_roles(100000, "");
	char *second = nested_roles(100000, "a: {}\n---\n");
	clock_t t0 = clock();
	const bad_text over[] = {
		{ one, 0, 2, 68, "nested deeper than 64 levels" },
		{ second, 0, 4, 68, "nested deeper than 64 levels" },
	};

	check_bad_texts(over, 2, NG_ELIMIT);
	CU_ASSERT((clock() - t0) / CLOCKS_PER_SEC < 2);
	g_free(one);
	g_free(second);
}

static void bad_encoding_is_reported_at_its_line_and_column(void)
{
	static const bad_text cases[] = {
		{ "_meta:\n  type: roles\n  config_version: 2\nr:\n"
		  "  description: caf\xe9\n", 0, 5, 19,
		  "invalid UTF-8 byte 0xe9" },
		{ "r:\n\n\n\n  description: \"h\xc3\xa9llo \xff\"\n", 0, 5, 23,
		  "invalid UTF-8 byte 0xff" },
		{ "r:\r\n  description: x\r\n  \xc3", 0, 3, 3,
		  "invalid UTF-8 byte 0xc3" },
		{ "\xef\xbb\xbfr: {description: \xe2\x82\xac\x80}\n", 0, 1, 19,
		  "invalid UTF-8 byte 0x80" },
		{ "r:\n  description: a\0b\n", 22, 2, 17,
		  "NUL byte in the file" },
		{ "r:\n  description: \"a\x01\"\n", 0, 2, 18,
		  "control characters are not allowed (U+0001)" },
	};

	check_bad_texts(cases, sizeof(cases) / sizeof(cases[0]), NG_ESYNTAX);
}

/* libyaml decodes UTF-16 given its byte order mark; so it stays. */
static void utf16_with_a_byte_order_mark_still_loads(void)
{
	const char *u8 = "r: {cluster_permissions: [read]}\n";
	gsize n = 0;
	char *u16 = g_convert(u8, -1, "UTF-16", "UTF-8", NULL, &n, NULL);
	pol_model *m = NULL;
	ng_error e = { 0 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(u16);
	CU_ASSERT_EQUAL_FATAL(pol_model_new_empty(&m, &e), 0);
	CU_ASSERT_EQUAL(pol_model_load_text(m, "roles.yml", u16, n, &e), 0);
	CU_ASSERT_PTR_NOT_NULL(find_role(m, "r"));
	pol_model_free(m);
	g_free(u16);
}

/* A string cut at its NUL would be read as another name ("re\"ad"). */
static void string_holding_nul_is_refused_at_its_position(void)
{
	static const bad_text cases[] = {
		{ "r:\n  cluster_permissions: [\"re\\\"ad\\u0000x\"]\n", 0, 2,
		  25, "string holds a NUL character" },
		{ "r:\n  description: \"a\\0\"\n", 0, 2, 16,
		  "string holds a NUL character" },
		{ "\"r\\0x\": {}\n\"r\\0y\": {}\n", 0, 1, 1,
		  "string holds a NUL character" },
	};

	check_bad_texts(cases, sizeof(cases) / sizeof(cases[0]), NG_ESYNTAX);
}

/* ---------------------------------------------------------------------
 * Search Guard: its built-ins and its role sections.
 */
#define SG_REF SHARED "/reference/real-configs/31-sg-flx-static-builtins/"

static const pol_group *find_group(const pol_model *m, const char *name)
{
	for (size_t i = 0; i < m->ngroups; i++)
		if (!strcmp(m->groups[i].name, name))
			return &m->groups[i];
	return NULL;
}

static size_t count_warnings(const pol_model *m, const char *needle)
{
	size_t n = 0;

	for (size_t i = 0; i < m->warnings.n; i++)
		n += strstr(m->warnings.v[i], needle) != NULL;
	return n;
}

static void search_guard_layout_gets_the_sgs_builtins(void)
{
	pol_model *m = load_dir_ok(DATA "sg-basic");
	const pol_role *r = find_role(m, "SGS_READALL");

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(r->is_static);
	CU_ASSERT_STRING_EQUAL(r->pos.file, "static_sg_roles.yml");
	CU_ASSERT_PTR_NOT_NULL(find_role(m, "SGS_ALL_ACCESS"));
	CU_ASSERT_PTR_NOT_NULL(find_group(m, "SGS_CLUSTER_COMPOSITE_OPS"));
	CU_ASSERT_PTR_NULL(find_role(m, "all_access"));
	CU_ASSERT_PTR_NULL(find_group(m, "read"));
	CU_ASSERT_EQUAL(m->ngroups, 51);
	CU_ASSERT_EQUAL(m->nroles, 14 + 1);
	CU_ASSERT_EQUAL(m->tenants.n, 1);
	CU_ASSERT_STRING_EQUAL(m->tenants.v[0], "SGS_GLOBAL_TENANT");
	CU_ASSERT_EQUAL(count_warnings(m, "undefined"), 0);
	pol_model_free(m);
}

static void opensearch_layout_keeps_sgs_names_undefined(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL_FATAL(load_text("roles.yml", "r:\n  cluster_permissions:"
					" [SGS_CLUSTER_COMPOSITE_OPS]\n", &m, &e),
			      0);
	CU_ASSERT_FALSE(m->config.search_guard);
	CU_ASSERT_PTR_NULL(find_role(m, "SGS_ALL_ACCESS"));
	CU_ASSERT_TRUE(has_warning(m, "roles.yml:2:25: undefined action group "
				   "\"SGS_CLUSTER_COMPOSITE_OPS\""));
	pol_model_free(m);
}

static void sgs_builtins_grant_what_they_should(void)
{
	pol_compiled *pc = compile_text_on(POL_BUILTINS_SEARCH_GUARD,
		"sg_roles.yml", "crud:\n  cluster_permissions: "
		"[SGS_CLUSTER_COMPOSITE_OPS]\n  index_permissions:\n"
		"  - {index_patterns: ['logs-*'], allowed_actions: [SGS_CRUD]}\n");
	const pol_entry *all = entry_of(pc, "SGS_ALL_ACCESS", 0);
	const pol_entry *ra = entry_of(pc, "SGS_READALL", 0);
	const pol_entry *crud = entry_of(pc, "crud", 0);

	CU_ASSERT_FATAL(all && ra && crud);
	CU_ASSERT_TRUE(role_has_cluster(pc, "SGS_ALL_ACCESS",
					"cluster:monitor/health"));
	CU_ASSERT_TRUE(entry_grants(pc, all, "indices:admin/delete"));
	CU_ASSERT_TRUE(role_has_cluster(pc, "SGS_READALL",
					"indices:data/read/mget"));
	CU_ASSERT_FALSE(role_has_cluster(pc, "SGS_READALL",
					 "indices:data/write/bulk"));
	CU_ASSERT_TRUE(entry_grants(pc, ra, "indices:data/read/search"));
	CU_ASSERT_FALSE(entry_grants(pc, ra, "indices:data/write/index"));
	CU_ASSERT_TRUE(ra->any);
	CU_ASSERT_TRUE(role_has_cluster(pc, "crud", "indices:data/write/bulk"));
	CU_ASSERT_TRUE(entry_grants(pc, crud, "indices:data/write/index"));
	CU_ASSERT_TRUE(entry_grants(pc, crud, "indices:data/read/get"));
	CU_ASSERT_FALSE(entry_grants(pc, crud, "indices:admin/delete"));
	pol_compiled_free(pc);
}

static void static_sgs_definition_wins_on_name_clash(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };
	const pol_role *r;

	CU_ASSERT_EQUAL_FATAL(load_text_on(POL_BUILTINS_SEARCH_GUARD,
		"sg_roles.yml", "SGS_READALL:\n  cluster_permissions: ['*']\n",
		&m, &e), 0);
	r = find_role(m, "SGS_READALL");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_TRUE(r->is_static);
	CU_ASSERT_STRING_EQUAL(r->cluster.v[0], "SGS_CLUSTER_COMPOSITE_OPS_RO");
	CU_ASSERT_TRUE(has_warning(m, "sg_roles.yml:1:1: role \"SGS_READALL\" "
				   "is a static built-in"));
	pol_model_free(m);
}

static void same_strlist(const pol_strlist *a, const pol_strlist *b)
{
	CU_ASSERT_EQUAL_FATAL(a->n, b->n);
	for (size_t i = 0; i < a->n; i++)
		CU_ASSERT_STRING_EQUAL(a->v[i], b->v[i]);
}

static void same_role(const pol_role *a, const pol_role *b)
{
	same_strlist(&a->cluster, &b->cluster);
	CU_ASSERT_EQUAL_FATAL(a->nindex, b->nindex);
	for (size_t j = 0; j < a->nindex; j++) {
		CU_ASSERT_EQUAL(a->index[j].section, b->index[j].section);
		same_strlist(&a->index[j].patterns, &b->index[j].patterns);
		same_strlist(&a->index[j].actions, &b->index[j].actions);
	}
	CU_ASSERT_EQUAL_FATAL(a->ntenant, b->ntenant);
	for (size_t j = 0; j < a->ntenant; j++) {
		same_strlist(&a->tenant[j].patterns, &b->tenant[j].patterns);
		same_strlist(&a->tenant[j].actions, &b->tenant[j].actions);
	}
}

/* The reference files, read as a Search Guard directory's own files. */
static pol_model *load_sg_reference(void)
{
	static const char *const files[][2] = {
		{ "static_action_groups.yml", "sg_action_groups.yml" },
		{ "static_roles.yml", "sg_roles.yml" },
		{ "static_tenants.yml", "sg_tenants.yml" },
	};
	pol_model *m = NULL;
	ng_error e = { 0 };

	CU_ASSERT_EQUAL_FATAL(pol_model_new_builtins(&m, POL_BUILTINS_NONE,
						     &e), 0);
	for (size_t i = 0; i < 3; i++) {
		char *text = NULL;
		gsize len;
		char *path = g_strconcat(SG_REF, files[i][0], NULL);

		CU_ASSERT_FATAL(g_file_get_contents(path, &text, &len, NULL));
		CU_ASSERT_EQUAL(pol_model_load_text(m, files[i][1], text, len,
						    &e), 0);
		g_free(text);
		g_free(path);
	}
	return m;
}

static void sgs_builtins_match_the_reference_files(void)
{
	pol_model *ref, *m = NULL;
	ng_error e = { 0 };

	if (access(SG_REF, R_OK) != 0) {
		CU_PASS("shared reference configurations are absent; skipped");
		return;
	}
	ref = load_sg_reference();
	CU_ASSERT_EQUAL_FATAL(pol_model_new_builtins(&m,
		POL_BUILTINS_SEARCH_GUARD, &e), 0);
	CU_ASSERT_EQUAL(ref->warnings.n, 0);
	CU_ASSERT_EQUAL_FATAL(m->ngroups, ref->ngroups);
	for (size_t i = 0; i < ref->ngroups; i++) {
		const pol_group *g = find_group(m, ref->groups[i].name);

		CU_ASSERT_PTR_NOT_NULL_FATAL(g);
		CU_ASSERT_STRING_EQUAL(g->type, ref->groups[i].type);
		same_strlist(&g->actions, &ref->groups[i].actions);
	}
	CU_ASSERT_EQUAL_FATAL(m->nroles, ref->nroles);
	for (size_t i = 0; i < ref->nroles; i++) {
		const pol_role *r = find_role(m, ref->roles[i].name);

		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		same_role(r, &ref->roles[i]);
	}
	same_strlist(&m->tenants, &ref->tenants);
	pol_model_free(ref);
	pol_model_free(m);
}

static const char alias_roles[] =
	"_sg_meta: {type: roles, config_version: 2}\n"
	"viewer:\n"
	"  alias_permissions:\n"
	"  - alias_patterns: ['orders*']\n"
	"    allowed_actions: [SGS_READ]\n"
	"    dls: '{\"term\": {\"open\": true}}'\n"
	"  index_permissions:\n"
	"  - {index_patterns: [refunds], allowed_actions: [SGS_GET]}\n"
	"  data_stream_permissions:\n"
	"  - data_stream_patterns: [metrics, '-metrics-secret']\n"
	"    allowed_actions: [SGS_SEARCH]\n";

static void alias_and_data_stream_sections_become_entries(void)
{
	pol_compiled *pc = compile_text_on(POL_BUILTINS_SEARCH_GUARD,
					   "sg_roles.yml", alias_roles);
	const pol_entry *alias = entry_of(pc, "viewer", 0);
	const pol_entry *index = entry_of(pc, "viewer", 1);
	const pol_entry *stream = entry_of(pc, "viewer", 2);

	CU_ASSERT_FATAL(alias && index && stream);
	CU_ASSERT_EQUAL(alias->src->section, POL_SEC_ALIAS);
	CU_ASSERT_EQUAL(alias->src->pos.line, 4);
	CU_ASSERT_EQUAL(index->src->section, POL_SEC_INDEX);
	CU_ASSERT_EQUAL(stream->src->section, POL_SEC_DATA_STREAM);
	CU_ASSERT_TRUE(pol_entry_matches_static(alias, "orders", 6));
	CU_ASSERT_TRUE(entry_grants(pc, alias, "indices:data/read/search"));
	CU_ASSERT_FALSE(entry_grants(pc, alias, "indices:data/write/index"));
	CU_ASSERT_STRING_EQUAL(alias->dls, "{\"term\": {\"open\": true}}");
	CU_ASSERT_TRUE(entry_grants(pc, index, "indices:data/read/get"));
	CU_ASSERT_TRUE(pol_entry_matches_static(stream, "metrics", 7));
	CU_ASSERT_FALSE(pol_entry_matches_static(stream, "metrics-secret", 14));
	CU_ASSERT_EQUAL(stream->nexc, 1);
	CU_ASSERT_TRUE(entry_grants(pc, stream, "indices:data/read/search"));
	CU_ASSERT_EQUAL(count_warnings(pc->model, "not supported"), 0);
	pol_compiled_free(pc);
}

static void section_keys_are_checked_per_section(void)
{
	pol_model *m = NULL;
	ng_error e = { 0 };

	/* an entry's key of another section: refused, as any key an entry
	 * does not have (a misspelled restriction would be lost) */
	CU_ASSERT_EQUAL(load_text_on(POL_BUILTINS_SEARCH_GUARD,
		"sg_roles.yml", "r:\n  alias_permissions:\n"
		"  - {index_patterns: [a], allowed_actions: [SGS_READ]}\n",
		&m, &e), NG_ESCHEMA);
	CU_ASSERT_EQUAL(e.line, 3);
	CU_ASSERT_EQUAL(e.column, 6);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "unknown key "
				      "\"index_patterns\" in alias_permissions"));
	CU_ASSERT_EQUAL(load_text_on(POL_BUILTINS_SEARCH_GUARD,
		"sg_roles.yml", "r:\n  index_permissions:\n"
		"  - {index_patterns: [a], allowed_actions: [SGS_READ],\n"
		"     dsl: '{\"term\": {\"a\": 1}}'}\n", &m, &e), NG_ESCHEMA);
	CU_ASSERT_EQUAL(e.line, 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.message, "unknown key \"dsl\" in "
				      "index_permissions"));
	CU_ASSERT_EQUAL_FATAL(load_text_on(POL_BUILTINS_SEARCH_GUARD,
		"sg_roles.yml", "r:\n  alias_permissions:\n"
		"  - {alias_patterns: [a], allowed_actions: [SGS_READ]}\n"
		"  exclude_cluster_permissions: [SGS_CLUSTER_ALL]\n", &m, &e), 0);
	CU_ASSERT_TRUE(has_warning(m, "sg_roles.yml:4:3: "
				   "\"exclude_cluster_permissions\" is not "
				   "supported"));
	CU_ASSERT_EQUAL(find_role(m, "r")->index[0].patterns.n, 1);
	pol_model_free(m);
	CU_ASSERT_EQUAL(load_text_on(POL_BUILTINS_SEARCH_GUARD, "sg_roles.yml",
		"r:\n  data_stream_permissions: {a: b}\n", &m, &e),
			NG_ESCHEMA);
	CU_ASSERT_STRING_EQUAL(e.message, "expected a list for "
			       "\"data_stream_permissions\"");
}

/* Sets 13 to 18 name SGS_ roles and groups; since the built-ins are
 * merged, only the names defined nowhere are reported (INDEX.md). */
static void search_guard_sets_warn_only_about_real_dangling_names(void)
{
	static const struct { const char *dir; size_t undefined; } sets[] = {
		{ "13-sg-classic-demo", 0 }, { "15-sg-classic-tests", 12 },
		{ "16-sg-flx-demo", 0 }, { "17-sg-flx-frontend-test", 0 },
		{ "18-sg-flx-signals-test", 0 },
	};
	char dir[512];

	if (access(SG_REF, R_OK) != 0) {
		CU_PASS("shared reference configurations are absent; skipped");
		return;
	}
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		snprintf(dir, sizeof(dir), "%s/reference/real-configs/%s",
			 SHARED, sets[i].dir);
		pol_model *m = load_dir_ok(dir);

		CU_ASSERT_TRUE(m->config.search_guard);
		CU_ASSERT_EQUAL(count_warnings(m, "undefined"), sets[i].undefined);
		CU_ASSERT_EQUAL(count_warnings(m, "SGS_"), 0);
		pol_model_free(m);
	}
}

/* ---------------------------------------------------------------------
 * Real configurations and the shared policy directories.
 */
static bool expected_invalid(const char *dir)
{
	static const char *const bad[] = {
		"10-os-test-invalid-roles", "11-os-test-invalid-config",
		"14-sg-classic-invalid-dupkey", "29-khezen-sg-v1",
		"30-chef-odfe-v1", NULL
	};

	for (size_t i = 0; bad[i]; i++)
		if (strstr(dir, bad[i]))
			return true;
	return false;
}

static void check_real_config(const char *dir)
{
	pol_model *m = NULL;
	pol_compiled *pc = NULL;
	ng_error e = { 0 };
	int rc = pol_model_load_dir(dir, NULL, &m, &e);

	if (expected_invalid(dir)) {
		CU_ASSERT_TRUE(rc < 0 && e.line > 0 && e.message[0]);
		CU_ASSERT_PTR_NULL(m);
		return;
	}
	if (rc)
		fprintf(stderr, "\n%s: %s:%d:%d: %s\n", dir, e.file, e.line,
			e.column, e.message);
	CU_ASSERT_EQUAL(rc, 0);
	if (!rc)
		CU_ASSERT_EQUAL(pol_compile(m, &pc, &e), 0);
	pol_compiled_free(pc);
}

/* Every directory matching `pattern`; false when there is none. */
static bool check_dirs(const char *pattern)
{
	glob_t g;
	bool any;

	if (glob(pattern, GLOB_ONLYDIR, NULL, &g) != 0)
		return false;
	for (size_t i = 0; i < g.gl_pathc; i++)
		check_real_config(g.gl_pathv[i]);
	any = g.gl_pathc > 0;
	globfree(&g);
	return any;
}

static void real_configurations_load_or_fail_as_expected(void)
{
	if (!check_dirs(SHARED "/reference/real-configs/[0-9]*"))
		CU_PASS("shared reference configurations are absent; skipped");
}

static void shared_policy_directories_load(void)
{
	if (!check_dirs(SHARED "/conformance/opensearch/*/*/policy"))
		CU_PASS("shared conformance suites are absent; skipped");
	check_dirs(SHARED "/cases/*/policy");
	check_dirs(SHARED "/cases/*/variant-*/policy");
}

static void wazuh_fragments_load_as_their_kinds(void)
{
	static const char *const files[][2] = {
		{ "action_groups.wazuh.yml", "action_groups.yml" },
		{ "roles.wazuh.yml", "roles.yml" },
		{ "roles_mapping.wazuh.yml", "roles_mapping.yml" },
		{ "internal_users.wazuh.yml", "internal_users.yml" },
	};
	const char *dir = SHARED "/reference/real-configs/27-wazuh-indexer/";
	pol_model *m = NULL;
	ng_error e = { 0 };

	if (access(dir, R_OK) != 0) {
		CU_PASS("shared reference configurations are absent; skipped");
		return;
	}
	CU_ASSERT_EQUAL_FATAL(pol_model_new_empty(&m, &e), 0);
	for (size_t i = 0; i < 4; i++) {
		char path[512], *text = NULL;
		gsize len;

		snprintf(path, sizeof(path), "%s%s", dir, files[i][0]);
		CU_ASSERT_FATAL(g_file_get_contents(path, &text, &len, NULL));
		CU_ASSERT_EQUAL(pol_model_load_text(m, files[i][1], text, len,
						    &e), 0);
		g_free(text);
	}
	CU_ASSERT_EQUAL(pol_model_check(m, &e), 0);
	CU_ASSERT_EQUAL(m->nroles, 8 + 7);
	CU_ASSERT_EQUAL(m->nmappings, 7);
	pol_model_free(m);
}

void suite_policy(void)
{
	NG_ADD_SUITE("policy",
		NG_TEST(static_groups_and_roles_are_always_present),
		NG_TEST(static_definition_wins_on_name_clash),
		NG_TEST(positions_are_kept_for_every_string),
		NG_TEST(unknown_keys_and_undefined_names_are_warnings),
		NG_TEST(malformed_yaml_is_a_syntax_error_with_position),
		NG_TEST(duplicate_key_is_an_error_at_the_second_key),
		NG_TEST(mapping_where_a_list_is_needed_is_a_schema_error),
		NG_TEST(string_where_a_role_list_is_needed_is_refused),
		NG_TEST(null_in_a_string_list_is_a_schema_error),
		NG_TEST(invalid_regex_is_an_error_at_its_position),
		NG_TEST(legacy_v1_format_is_refused),
		NG_TEST(meta_of_the_wrong_type_is_refused),
		NG_TEST(empty_and_comment_only_files_are_empty_sections),
		NG_TEST(missing_directory_is_an_io_error),
		NG_TEST(digest_covers_the_files_read),
		NG_TEST(cyclic_action_groups_terminate),
		NG_TEST(case_b25_self_including_group_loads),
		NG_TEST(group_names_are_kept_and_never_globbed),
		NG_TEST(undefined_group_stays_a_literal_action),
		NG_TEST(action_pattern_sets_every_matching_dictionary_bit),
		NG_TEST(index_entry_splits_static_dynamic_and_excluded),
		NG_TEST(system_index_permission_needs_more_than_a_star),
		NG_TEST(cluster_permissions_use_the_dictionary_and_patterns),
		NG_TEST(star_does_not_grant_security_rest_api),
		NG_TEST(role_set_without_roles_grants_nothing),
		NG_TEST(users_map_by_exact_name_and_pattern),
		NG_TEST(backend_roles_map_by_name_and_regex),
		NG_TEST(and_backend_roles_need_every_pattern),
		NG_TEST(hosts_match_the_address_string),
		NG_TEST(direct_and_internal_user_roles_are_mapped),
		NG_TEST(resolution_both_uses_backend_role_names),
		NG_TEST(resolution_backendroles_only_skips_mappings),
		NG_TEST(many_exact_user_mappings_load_and_map),
		NG_TEST(one_name_can_be_a_role_a_user_and_mapped),
		NG_TEST(every_backend_role_maps_however_many_there_are),
		NG_TEST(a_name_alone_maps_as_at_request_time),
		NG_TEST(mapped_role_list_is_sorted_and_cut_at_its_capacity),
		NG_TEST(action_ids_are_the_dictionary_positions),
		NG_TEST(string_table_finds_exactly_its_keys),
		NG_TEST(user_name_renders_in_both_spellings),
		NG_TEST(user_named_star_matches_only_literal_star),
		NG_TEST(regex_template_quotes_the_value),
		NG_TEST(user_roles_are_quoted_and_joined),
		NG_TEST(attributes_render_with_dots_or_underscores),
		NG_TEST(undefined_variable_renders_nothing),
		NG_TEST(security_roles_render_when_known),
		NG_TEST(rendering_past_the_buffer_fails),
		NG_TEST(config_defaults_without_files),
		NG_TEST(config_dynamic_keys_are_read),
		NG_TEST(node_settings_flat_and_nested_are_read),
		NG_TEST(unknown_protection_setting_is_a_warning),
		NG_TEST(empty_security_index_name_is_refused),
		NG_TEST(search_guard_names_and_settings_are_read),
		NG_TEST(search_guard_layout_gets_the_sgs_builtins),
		NG_TEST(opensearch_layout_keeps_sgs_names_undefined),
		NG_TEST(sgs_builtins_grant_what_they_should),
		NG_TEST(static_sgs_definition_wins_on_name_clash),
		NG_TEST(sgs_builtins_match_the_reference_files),
		NG_TEST(alias_and_data_stream_sections_become_entries),
		NG_TEST(section_keys_are_checked_per_section),
		NG_TEST(search_guard_sets_warn_only_about_real_dangling_names),
		NG_TEST(explicit_node_settings_file_replaces_the_directory_one),
		NG_TEST(setting_given_twice_is_refused_at_the_second),
		NG_TEST(setting_given_twice_is_a_lint_error),
		NG_TEST(bad_setting_values_are_positioned_errors),
		NG_TEST(file_of_max_bytes_loads_one_more_is_refused),
		NG_TEST(device_is_refused_as_not_a_regular_file),
		NG_TEST(pipe_with_a_writer_is_refused),
		NG_TEST(pipe_without_a_writer_is_refused),
		NG_TEST(dangling_link_is_refused_not_absent),
		NG_TEST(directory_without_configuration_files_warns),
		NG_TEST(link_to_a_regular_file_loads),
		NG_TEST(lint_reports_a_file_past_a_limit_once),
		NG_TEST(lint_reports_a_pipe_as_unreadable),
		NG_TEST(null_in_a_string_list_is_a_lint_error),
		NG_TEST(nesting_of_max_depth_loads_one_more_is_refused),
		NG_TEST(deep_nesting_is_refused_without_building_it),
		NG_TEST(bad_encoding_is_reported_at_its_line_and_column),
		NG_TEST(utf16_with_a_byte_order_mark_still_loads),
		NG_TEST(string_holding_nul_is_refused_at_its_position),
		NG_TEST(real_configurations_load_or_fail_as_expected),
		NG_TEST(shared_policy_directories_load),
		NG_TEST(wazuh_fragments_load_as_their_kinds));
}
