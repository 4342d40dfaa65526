/*
 * Lint: every rule has a failing and a passing input under
 * tests/data/lint/<rule>/{bad,good}; the reported-fault cases get the
 * rule ids they call for.
 */
#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nodeguard.h"
#include "suites.h"

static ng_lint_result *lint(const char *dir, const char *metadata)
{
	ng_lint_result *r = NULL;

	CU_ASSERT_EQUAL(ng_lint_run(dir, metadata, &r), 0);
	return r;
}

static size_t count_rule(const ng_lint_result *r, const char *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < ng_lint_count(r); i++)
		n += strcmp(ng_lint_rule(r, i), rule) == 0;
	return n;
}

/* Lint data/lint/<rule>/<kind>, with its metadata.json when there is one. */
static size_t hits(const char *rule, const char *kind)
{
	char dir[256], md[256];
	ng_lint_result *r;
	size_t n;

	snprintf(dir, sizeof(dir), "data/lint/%s/%s", rule, kind);
	snprintf(md, sizeof(md), "data/lint/%s/metadata.json", rule);
	r = lint(dir, access(md, R_OK) == 0 ? md : NULL);
	if (!r)
		return (size_t)-1;
	n = count_rule(r, rule);
	ng_lint_result_free(r);
	return n;
}

static void every_rule_flags_its_bad_input(void)
{
	for (size_t i = 0; i < ng_lint_rule_count(); i++) {
		const char *rule = ng_lint_rule_id(i);
		size_t n = hits(rule, "bad");

		if (n == 0 || n == (size_t)-1)
			fprintf(stderr, "\nrule %s: bad input not flagged\n", rule);
		CU_ASSERT(n > 0 && n != (size_t)-1);
	}
}

static void every_rule_passes_its_good_input(void)
{
	for (size_t i = 0; i < ng_lint_rule_count(); i++) {
		const char *rule = ng_lint_rule_id(i);
		size_t n = hits(rule, "good");

		if (n != 0)
			fprintf(stderr, "\nrule %s: good input flagged\n", rule);
		CU_ASSERT_EQUAL(n, 0);
	}
}

static void typo_gets_a_suggestion(void)
{
	ng_lint_result *r = lint("data/lint/unknown-action-group/bad", NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (size_t i = 0; i < ng_lint_count(r); i++) {
		if (strcmp(ng_lint_rule(r, i), "unknown-action-group"))
			continue;
		CU_ASSERT_PTR_NOT_NULL(strstr(ng_lint_message(r, i),
					      "did you mean \"read\"?"));
		CU_ASSERT_EQUAL(ng_lint_severity(r, i), NG_SEVERITY_ERROR);
		CU_ASSERT(ng_lint_line(r, i) > 0 && ng_lint_column(r, i) > 0);
		CU_ASSERT_PTR_NOT_NULL(strstr(ng_lint_file(r, i), "roles.yml"));
	}
	ng_lint_result_free(r);
}

/* Search Guard directories are linted against Search Guard's built-ins:
 * a migrated v6 group name points at its SGS_ spelling, SGS_ roles are
 * the built-ins, and alias_permissions is read. */
static void search_guard_directory_uses_the_sgs_builtins(void)
{
	ng_lint_result *r = lint("data/policy/sg-lint", NULL);
	const char *msg;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL_FATAL(ng_lint_count(r), 2);
	CU_ASSERT_STRING_EQUAL(ng_lint_rule(r, 0), "unknown-action-group");
	msg = ng_lint_message(r, 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "did you mean \"SGS_INDICES_ALL\"?"));
	CU_ASSERT_STRING_EQUAL(ng_lint_rule(r, 1), "static-redefined");
	CU_ASSERT_PTR_NOT_NULL(strstr(ng_lint_message(r, 1), "SGS_READALL"));
	CU_ASSERT_EQUAL(count_rule(r, "schema-unknown-key"), 0);
	CU_ASSERT_EQUAL(count_rule(r, "mapping-undefined-role"), 0);
	ng_lint_result_free(r);
}

static void findings_are_sorted_by_position(void)
{
	ng_lint_result *r = lint("data/lint/action-group-cycle/bad", NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	for (size_t i = 1; i < ng_lint_count(r); i++) {
		int d = strcmp(ng_lint_file(r, i - 1), ng_lint_file(r, i));

		CU_ASSERT(d < 0 || (d == 0 && ng_lint_line(r, i - 1) <=
					      ng_lint_line(r, i)));
	}
	ng_lint_result_free(r);
}

static void missing_directory_is_an_error(void)
{
	ng_lint_result *r = NULL;

	CU_ASSERT_EQUAL(ng_lint_run("data/lint/no-such-dir", NULL, &r), NG_EIO);
	CU_ASSERT_PTR_NULL(r);
	ng_lint_result_free(NULL);
}

static void unreadable_metadata_is_an_error(void)
{
	ng_lint_result *r = NULL;

	CU_ASSERT_NOT_EQUAL(ng_lint_run("data/lint/cluster-wildcard/good",
					"data/lint/no-such.json", &r), 0);
	CU_ASSERT_PTR_NULL(r);
}

/* Bad inputs holding several forms of their mistake flag each form. */
static void every_form_of_a_mistake_is_flagged(void)
{
	static const struct { const char *rule; size_t n; } forms[] = {
		/* a cycle of two groups, a group including itself */
		{ "action-group-cycle", 2 },
		/* not JSON, JSON but no query clause, a JSON array, a query
		 * with text after it */
		{ "dls-invalid", 4 },
		/* a string for a list; attributes that are a list and a
		 * mapping, which loading skips */
		{ "schema-type", 3 },
		/* hosts "*", users "*" */
		{ "mapping-everyone", 2 },
		/* "~", "!", "" */
		{ "fls-empty", 3 },
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		CU_ASSERT_EQUAL(hits(forms[i].rule, "bad"), forms[i].n);
}

/* A mistake at a YAML anchor, used through aliases, is one finding, at
 * the anchor: not one per use. */
static void a_mistake_used_through_aliases_is_one_finding(void)
{
	ng_lint_result *r = lint("data/lint/schema-type/through-aliases", NULL);

	CU_ASSERT_EQUAL(count_rule(r, "schema-type"), 1);
	CU_ASSERT_EQUAL(ng_lint_count(r), 1);
	if (ng_lint_count(r) == 1)
		CU_ASSERT_EQUAL(ng_lint_line(r, 0), 8);
	ng_lint_result_free(r);
}

static bool one_line(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20)
			return false;
	return true;
}

/* A name holding a newline cannot split a message into two lines, the
 * second forged to look like another finding. */
static void control_characters_in_names_are_escaped(void)
{
	char dir[] = "/tmp/ng-lint-XXXXXX", path[128];
	static const char mapping[] =
		"_meta: {type: rolesmapping, config_version: 2}\n"
		"\"evil\\nroles.yml:1:1: error: fake\":\n  users: [x]\n";
	ng_lint_result *r;
	ng_policy *p = NULL;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/roles_mapping.yml", dir);
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(mapping, f);
	fclose(f);
	r = lint(dir, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(count_rule(r, "mapping-undefined-role"), 1);
	for (size_t i = 0; i < ng_lint_count(r); i++) {
		CU_ASSERT_TRUE(one_line(ng_lint_message(r, i)));
		CU_ASSERT_TRUE(one_line(ng_lint_file(r, i)));
	}
	ng_lint_result_free(r);
	CU_ASSERT_EQUAL_FATAL(ng_policy_load(dir, NULL, &p), 0);
	CU_ASSERT(ng_policy_warning_count(p) > 0);
	for (size_t i = 0; i < ng_policy_warning_count(p); i++) {
		CU_ASSERT_TRUE(one_line(ng_policy_warning(p, i)));
		CU_ASSERT_PTR_NOT_NULL(strstr(ng_policy_warning(p, i),
					      "evil\\nroles.yml"));
	}
	ng_policy_release(p);
	unlink(path);
	rmdir(dir);
}

/* The reported-fault cases of the shared corpus, when it is present. */
static void fault_cases_get_their_rules(void)
{
	static const struct { const char *dir, *rule; } cases[] = {
		{ "B23", "mapping-everyone" },
		{ "B25", "action-group-cycle" },
		{ "B26", "scroll-without-clear" },
		{ "B27", "index-action-in-cluster" },
		{ "B29", "dls-with-write" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char dir[256];
		ng_lint_result *r;

		snprintf(dir, sizeof(dir), "../../shared/cases/%s/policy",
			 cases[i].dir);
		if (access(dir, R_OK) != 0)
			continue;
		r = lint(dir, NULL);
		CU_ASSERT(r && count_rule(r, cases[i].rule) > 0);
		ng_lint_result_free(r);
	}
}

void suite_lint(void)
{
	NG_ADD_SUITE("lint",
		NG_TEST(every_rule_flags_its_bad_input),
		NG_TEST(every_rule_passes_its_good_input),
		NG_TEST(every_form_of_a_mistake_is_flagged),
		NG_TEST(a_mistake_used_through_aliases_is_one_finding),
		NG_TEST(control_characters_in_names_are_escaped),
		NG_TEST(typo_gets_a_suggestion),
		NG_TEST(search_guard_directory_uses_the_sgs_builtins),
		NG_TEST(findings_are_sorted_by_position),
		NG_TEST(missing_directory_is_an_error),
		NG_TEST(unreadable_metadata_is_an_error),
		NG_TEST(fault_cases_get_their_rules));
}
