/*
 * The public face of lint: the policy module lints the directory; the
 * engine adds the names of a cluster's metadata for the rule on patterns
 * that match no index.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "errors.h"

struct ng_lint_result {
	pol_lint *lint;
};

/* Every index, alias and data stream name; borrowed from the metadata. */
static const char **metadata_names(const ng_metadata *m)
{
	const char **v = calloc(m->nnames + 1, sizeof(*v));

	for (size_t i = 0; v && i < m->nnames; i++)
		v[i] = m->names[i].name;
	return v;
}

static int lint_with(const char *dir, const ng_metadata *m, pol_lint **out)
{
	const char **names = m ? metadata_names(m) : NULL;
	ng_error e = { 0 };
	int rc;

	if (m && !names)
		return ng_fail(NG_ENOMEM, "out of memory linting");
	rc = pol_lint_dir(dir, names, m ? m->nnames : 0, out, &e);
	free(names);
	if (rc)
		ng_set_last_error(&e);
	return rc;
}

int ng_lint_run(const char *dir, const char *metadata_path,
		ng_lint_result **out)
{
	ng_metadata *m = NULL;
	ng_lint_result *r;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !dir)
		return ng_fail(NG_EINVAL, "ng_lint_run: null argument");
	if (metadata_path && (rc = ng_metadata_load(metadata_path, &m)))
		return rc;
	r = calloc(1, sizeof(*r));
	if (!r) {
		ng_metadata_release(m);
		return ng_fail(NG_ENOMEM, "out of memory linting");
	}
	rc = lint_with(dir, m, &r->lint);
	ng_metadata_release(m);
	if (rc) {
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void ng_lint_result_free(ng_lint_result *r)
{
	if (!r)
		return;
	pol_lint_free(r->lint);
	free(r);
}

size_t ng_lint_count(const ng_lint_result *r)
{
	return r ? r->lint->n : 0;
}

static const pol_finding *at(const ng_lint_result *r, size_t i)
{
	return r && i < r->lint->n ? &r->lint->v[i] : NULL;
}

const char *ng_lint_rule(const ng_lint_result *r, size_t i)
{
	return at(r, i) ? at(r, i)->rule : NULL;
}

ng_severity ng_lint_severity(const ng_lint_result *r, size_t i)
{
	return at(r, i) ? (ng_severity)at(r, i)->sev : NG_SEVERITY_ERROR;
}

const char *ng_lint_file(const ng_lint_result *r, size_t i)
{
	return at(r, i) ? at(r, i)->file : NULL;
}

int ng_lint_line(const ng_lint_result *r, size_t i)
{
	return at(r, i) ? at(r, i)->line : 0;
}

int ng_lint_column(const ng_lint_result *r, size_t i)
{
	return at(r, i) ? at(r, i)->col : 0;
}

const char *ng_lint_message(const ng_lint_result *r, size_t i)
{
	return at(r, i) ? at(r, i)->message : NULL;
}

size_t ng_lint_rule_count(void)
{
	return pol_lint_nrules;
}

const char *ng_lint_rule_id(size_t i)
{
	return i < pol_lint_nrules ? pol_lint_rules[i].id : NULL;
}

const char *ng_lint_rule_summary(size_t i)
{
	return i < pol_lint_nrules ? pol_lint_rules[i].summary : NULL;
}

ng_severity ng_lint_rule_severity(size_t i)
{
	return i < pol_lint_nrules ? (ng_severity)pol_lint_rules[i].sev
				   : NG_SEVERITY_ERROR;
}
