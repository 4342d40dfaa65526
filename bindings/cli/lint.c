/*
 * nodeguard lint: every finding over a configuration directory, as text
 * (one "file:line:col: severity: message [rule]" per line), as a JSON
 * array, or as SARIF 2.1.0 for code-scanning tools. Exit status 1 when a
 * finding is an error.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct lint_opts {
	const char *dir;
	const char *metadata;
	const char *format;
} lint_opts;

static const char *const sev_names[] = { "info", "warning", "error" };
static const char *const sarif_levels[] = { "note", "warning", "error" };

static int parse_args(int argc, char **argv, lint_opts *o)
{
	bool rest = false;         /* after "--": arguments only */

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int k = 0;

		if (!rest && !strcmp(a, "--"))
			rest = true;
		else if (!rest &&
			 ((k = cli_option(argc, argv, &i, "lint", "--metadata",
					  &o->metadata)) ||
			  (k = cli_option(argc, argv, &i, "lint", "--format",
					  &o->format)))) {
			if (k < 0)
				return -1;
		} else if (!rest && a[0] == '-' && a[1])
			return fprintf(stderr, "lint: unknown option %s\n", a), -1;
		else if (!o->dir)
			o->dir = a;
		else
			return fprintf(stderr, "lint: more than one directory\n"),
			       -1;
	}
	if (!o->format)
		o->format = "text";
	if (strcmp(o->format, "text") && strcmp(o->format, "json") &&
	    strcmp(o->format, "sarif"))
		fprintf(stderr, "lint: unknown format %s\n", o->format);
	else if (cli_given("lint", "the directory", o->dir))
		return 0;
	fprintf(stderr, "usage: nodeguard lint DIR [--metadata FILE] "
			"[--format text|json|sarif]\n");
	return -1;
}

static void print_text(const ng_lint_result *r, size_t counts[3])
{
	for (size_t i = 0; i < ng_lint_count(r); i++) {
		/* a finding about a whole file has no line: "file: ..." */
		if (ng_lint_line(r, i))
			printf("%s:%d:%d: ", ng_lint_file(r, i),
			       ng_lint_line(r, i), ng_lint_column(r, i));
		else
			printf("%s: ", ng_lint_file(r, i));
		printf("%s: %s [%s]\n", sev_names[ng_lint_severity(r, i)],
		       ng_lint_message(r, i), ng_lint_rule(r, i));
	}
	/* The findings first, so that a shared terminal or pipe shows the
	 * summary after them. */
	fflush(stdout);
	fprintf(stderr, "%zu error%s, %zu warning%s, %zu note%s\n",
		counts[2], counts[2] == 1 ? "" : "s", counts[1],
		counts[1] == 1 ? "" : "s", counts[0], counts[0] == 1 ? "" : "s");
}

static cJSON *finding_json(const ng_lint_result *r, size_t i)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "rule", ng_lint_rule(r, i));
	cJSON_AddStringToObject(o, "severity",
				sev_names[ng_lint_severity(r, i)]);
	cJSON_AddStringToObject(o, "file", ng_lint_file(r, i));
	cJSON_AddNumberToObject(o, "line", ng_lint_line(r, i));
	cJSON_AddNumberToObject(o, "column", ng_lint_column(r, i));
	cJSON_AddStringToObject(o, "message", ng_lint_message(r, i));
	return o;
}

static cJSON *json_findings(const ng_lint_result *r)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < ng_lint_count(r); i++)
		cJSON_AddItemToArray(arr, finding_json(r, i));
	return arr;
}

static cJSON *sarif_rules(void)
{
	cJSON *rules = cJSON_CreateArray();

	for (size_t i = 0; i < ng_lint_rule_count(); i++) {
		cJSON *rule = cJSON_CreateObject();
		cJSON *desc = cJSON_AddObjectToObject(rule, "shortDescription");
		cJSON *conf = cJSON_AddObjectToObject(rule,
						      "defaultConfiguration");

		cJSON_AddStringToObject(rule, "id", ng_lint_rule_id(i));
		cJSON_AddStringToObject(desc, "text", ng_lint_rule_summary(i));
		cJSON_AddStringToObject(conf, "level",
					sarif_levels[ng_lint_rule_severity(i)]);
		cJSON_AddItemToArray(rules, rule);
	}
	return rules;
}

static cJSON *sarif_result(const ng_lint_result *r, size_t i)
{
	cJSON *res = cJSON_CreateObject();
	cJSON *locs = cJSON_AddArrayToObject(res, "locations");
	cJSON *loc = cJSON_CreateObject();
	cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
	cJSON *art = cJSON_AddObjectToObject(phys, "artifactLocation");
	cJSON *region = cJSON_AddObjectToObject(phys, "region");

	cJSON_AddStringToObject(res, "ruleId", ng_lint_rule(r, i));
	cJSON_AddStringToObject(res, "level",
				sarif_levels[ng_lint_severity(r, i)]);
	cJSON_AddStringToObject(cJSON_AddObjectToObject(res, "message"),
				"text", ng_lint_message(r, i));
	cJSON_AddStringToObject(art, "uri", ng_lint_file(r, i));
	cJSON_AddNumberToObject(region, "startLine",
				ng_lint_line(r, i) ? ng_lint_line(r, i) : 1);
	cJSON_AddNumberToObject(region, "startColumn",
				ng_lint_column(r, i) ? ng_lint_column(r, i) : 1);
	cJSON_AddItemToArray(locs, loc);
	return res;
}

static cJSON *sarif_log(const ng_lint_result *r)
{
	cJSON *log = cJSON_CreateObject();
	cJSON *runs = cJSON_AddArrayToObject(log, "runs");
	cJSON *run = cJSON_CreateObject();
	cJSON *tool = cJSON_AddObjectToObject(run, "tool");
	cJSON *driver = cJSON_AddObjectToObject(tool, "driver");
	cJSON *results = cJSON_AddArrayToObject(run, "results");

	cJSON_AddStringToObject(log, "$schema",
				"https://json.schemastore.org/sarif-2.1.0.json");
	cJSON_AddStringToObject(log, "version", "2.1.0");
	cJSON_AddStringToObject(driver, "name", "nodeguard");
	cJSON_AddStringToObject(driver, "version", NG_VERSION);
	cJSON_AddItemToObject(driver, "rules", sarif_rules());
	for (size_t i = 0; i < ng_lint_count(r); i++)
		cJSON_AddItemToArray(results, sarif_result(r, i));
	cJSON_AddItemToArray(runs, run);
	return log;
}

static void print_json(cJSON *doc)
{
	char *text = cJSON_Print(doc);

	if (text)
		puts(text);
	cJSON_free(text);
	cJSON_Delete(doc);
}

/* A file that could not be read: the input, not the policy, is at fault
 * (exit status 2). */
static bool unreadable(const ng_lint_result *r)
{
	for (size_t i = 0; i < ng_lint_count(r); i++)
		if (!strcmp(ng_lint_rule(r, i), "file-unreadable"))
			return true;
	return false;
}

int cli_lint(int argc, char **argv)
{
	lint_opts o = { 0 };
	ng_lint_result *r;
	size_t counts[3] = { 0 };
	int rc;

	if (parse_args(argc, argv, &o) != 0)
		return CLI_USAGE;
	if (ng_lint_run(o.dir, o.metadata, &r) != 0) {
		cli_print_error(o.dir);
		return CLI_USAGE;
	}
	for (size_t i = 0; i < ng_lint_count(r); i++)
		counts[ng_lint_severity(r, i)]++;
	if (!strcmp(o.format, "json"))
		print_json(json_findings(r));
	else if (!strcmp(o.format, "sarif"))
		print_json(sarif_log(r));
	else
		print_text(r, counts);
	rc = unreadable(r) ? CLI_USAGE :
	     counts[NG_SEVERITY_ERROR] ? CLI_FAILED : CLI_OK;
	ng_lint_result_free(r);
	return rc;
}
