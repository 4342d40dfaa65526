/*
 * Lint: the rule table, the list of findings and the order of the passes.
 *
 * The raw YAML is checked first (syntax and schema, every file, every
 * finding), then the configuration is loaded as a node would load it. The
 * rules over roles, groups and mappings run only on a configuration that
 * loads, since they need the model.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"

const pol_lint_rule pol_lint_rules[] = {
	{ "file-unreadable", POL_SEV_ERROR,
	  "a configuration file that exists but cannot be read" },
	{ "config-missing", POL_SEV_WARNING,
	  "a directory with no configuration file a node reads" },
	{ "file-ignored", POL_SEV_WARNING,
	  "a yaml file a node does not read, such as a fragment of one" },
	{ "yaml-syntax", POL_SEV_ERROR,
	  "malformed yaml, duplicate keys, or more than one document" },
	{ "limit-exceeded", POL_SEV_ERROR,
	  "a policy past a limit a node holds to, such as the number of "
	  "index patterns; it does not load" },
	{ "schema-unknown-key", POL_SEV_ERROR,
	  "a key the file kind does not have" },
	{ "schema-type", POL_SEV_ERROR,
	  "a value of the wrong type" },
	{ "schema-meta", POL_SEV_ERROR,
	  "missing or wrong _meta, or the legacy v1 format" },
	{ "static-redefined", POL_SEV_WARNING,
	  "a role or action group named like a built-in; it is ignored" },
	{ "unknown-action", POL_SEV_WARNING,
	  "an action name that does not exist; it grants nothing" },
	{ "unknown-action-group", POL_SEV_ERROR,
	  "an action group that is defined nowhere" },
	{ "index-action-in-cluster", POL_SEV_WARNING,
	  "an index action in cluster_permissions grants nothing there" },
	{ "cluster-action-in-index", POL_SEV_WARNING,
	  "a cluster action in index_permissions grants nothing there" },
	{ "action-group-cycle", POL_SEV_ERROR,
	  "an action group that includes itself, directly or not" },
	{ "invalid-regex", POL_SEV_ERROR,
	  "a /regular expression/ that does not compile" },
	{ "dls-invalid", POL_SEV_ERROR,
	  "a dls query that is not json or not a query" },
	{ "dls-with-write", POL_SEV_WARNING,
	  "a role filters reads with dls and grants writes on the same "
	  "indices" },
	{ "fls-mixed", POL_SEV_WARNING,
	  "an fls list mixing included and excluded fields" },
	{ "fls-empty", POL_SEV_WARNING,
	  "an fls entry naming no field: it hides every field, or none" },
	{ "empty-permission", POL_SEV_WARNING,
	  "a permission entry without patterns or actions grants nothing" },
	{ "mapping-everyone", POL_SEV_WARNING,
	  "a role mapping that maps every caller" },
	{ "mapping-undefined-role", POL_SEV_ERROR,
	  "a mapping or internal user naming a role defined nowhere" },
	{ "role-unmapped", POL_SEV_INFO,
	  "a role that no mapping or internal user gives to anyone" },
	{ "group-unused", POL_SEV_INFO,
	  "an action group that no role or group uses" },
	{ "pattern-no-index", POL_SEV_WARNING,
	  "an index pattern that matches no index of the metadata" },
	{ "grant-security-index", POL_SEV_WARNING,
	  "a grant that reaches the security index or a system index" },
	{ "cluster-wildcard", POL_SEV_WARNING,
	  "\"*\" cluster permissions outside an admin role" },
	{ "scroll-without-clear", POL_SEV_WARNING,
	  "a role that can open scrolls but not clear them" },
	{ "shadowed-permission", POL_SEV_INFO,
	  "a permission already granted by a broader one of the same role" },
};

const size_t pol_lint_nrules = sizeof(pol_lint_rules) /
			       sizeof(pol_lint_rules[0]);

/* ---------------------------------------------------------------------
 * Findings.
 */

/* The file of a finding, joined to the directory, on one line. */
static char *join_path(const lint_ctx *c, const char *file)
{
	char buf[1024];
	char *p;

	if (!file || !*file)
		p = g_strdup(c->dir);
	else if (file[0] == '/' || !strcmp(c->dir, "."))
		p = g_strdup(file);
	else
		p = g_build_filename(c->dir, file, NULL);
	if (p) {
		snprintf(buf, sizeof(buf), "%s", p);
		pol_oneline(buf, sizeof(buf));
		g_free(p);
		p = g_strdup(buf);
	}
	return p;
}

static bool grow_findings(pol_lint *l)
{
	size_t cap = l->cap ? l->cap * 2 : 32;
	pol_finding *v;

	if (l->n < l->cap)
		return true;
	v = realloc(l->v, cap * sizeof(*v));
	if (!v)
		return false;
	l->v = v;
	l->cap = cap;
	return true;
}

void lint_add(lint_ctx *c, const char *rule, pol_severity sev,
	      const pol_pos *pos, const char *fmt, ...)
{
	pol_finding *f;
	char msg[1024];
	va_list ap;

	if (c->rc || !grow_findings(c->out)) {
		c->rc = NG_ENOMEM;
		return;
	}
	f = &c->out->v[c->out->n++];
	f->rule = rule;
	f->sev = sev;
	f->file = join_path(c, pos ? pos->file : NULL);
	f->line = pos ? pos->line : 0;
	f->col = pos ? pos->col : 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pol_oneline(msg, sizeof(msg));
	f->message = g_strdup(msg);
}

static int cmp_finding(const void *pa, const void *pb)
{
	const pol_finding *a = pa, *b = pb;
	int d = strcmp(a->file, b->file);

	if (d)
		return d;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	if ((d = strcmp(a->rule, b->rule)))
		return d;
	return strcmp(a->message, b->message);
}

/* Sorted, and each finding once: a YAML alias repeats what its anchor
 * holds, and a mistake there is found once per use, at the same place. */
static void sort_findings(pol_lint *l)
{
	size_t k = 0;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(pol_finding), cmp_finding);
	for (size_t i = 1; i < l->n; i++) {
		if (cmp_finding(&l->v[k], &l->v[i]) == 0) {
			g_free(l->v[i].file);
			g_free(l->v[i].message);
			continue;
		}
		l->v[++k] = l->v[i];
	}
	l->n = k + 1;
}

void pol_lint_free(pol_lint *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		g_free(l->v[i].file);
		g_free(l->v[i].message);
	}
	free(l->v);
	free(l);
}

/* ---------------------------------------------------------------------
 * Did you mean: the edit distance, bounded so that only typos qualify.
 */

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row, best;

	if (la > 200 || lb > 200)
		return (size_t)-1;
	row = malloc((lb + 1) * sizeof(*row));
	if (!row)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t sub = diag + (a[i - 1] != b[j - 1]);
			size_t del = row[j] + 1, ins = row[j - 1] + 1;

			row[j] = sub < del ? (sub < ins ? sub : ins)
					   : (del < ins ? del : ins);
			diag = up;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

const char *lint_suggest(const char *s, const char *const *cands, size_t n)
{
	size_t len = strlen(s), limit = len < 4 ? 1 : len < 12 ? 2 : 3;
	size_t best = limit + 1;
	const char *hit = NULL;

	for (size_t i = 0; i < n; i++) {
		size_t d = distance(s, cands[i]);

		if (d && d < best) {
			best = d;
			hit = cands[i];
		}
	}
	return hit;
}

const char *lint_hint(const char *suggestion, char *buf, size_t cap)
{
	if (!suggestion)
		return "";
	snprintf(buf, cap, "; did you mean \"%s\"?", suggestion);
	return buf;
}

/* ---------------------------------------------------------------------
 * Actions and permissions.
 */

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool in_list(const char *a, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(a, *list))
			return true;
	return false;
}

/* The same split as the engine's: a few index-named actions are checked
 * at cluster level, and the set differs between the two modes. */
bool lint_is_cluster_action(const lint_ctx *c, const char *a)
{
	static const char *const legacy[] = {
		"indices:data/write/bulk", "indices:data/read/mget",
		"indices:data/read/mtv", "indices:data/write/reindex",
		"indices:data/read/search/template/render", NULL
	};
	static const char *const v4[] = {
		"indices:data/read/mget", "indices:data/write/bulk",
		"indices:data/read/scroll", "indices:data/read/msearch",
		"indices:data/read/mtv", "indices:data/read/scroll/clear",
		"indices:data/read/msearch/template",
		"indices:data/write/reindex",
		"indices:data/read/search/template/render",
		"indices:data/read/point_in_time/readall", NULL
	};
	bool is_v4 = c->m && c->m->config.mode == POL_MODE_V4;

	if (!starts(a, "indices:") || starts(a, "indices:admin/template/") ||
	    starts(a, "indices:admin/index_template/"))
		return true;
	if (is_v4)
		return in_list(a, v4);
	return starts(a, "indices:data/read/scroll") ||
	       starts(a, "indices:data/read/msearch") || in_list(a, legacy);
}

bool lint_is_pattern(const char *s)
{
	size_t n = strlen(s);

	return strpbrk(s, "*?") || (n >= 2 && s[0] == '/' && s[n - 1] == '/');
}

bool lint_covers(const char *perm, const char *action)
{
	pol_pattern p;
	bool hit;

	if (!strcmp(perm, action))
		return true;
	if (!lint_is_pattern(perm))
		return false;
	if (pol_pattern_compile(&p, perm, 0, NULL))
		return false;
	hit = pol_pattern_match(&p, action, strlen(action));
	pol_pattern_clear(&p);
	return hit;
}

const pol_group *lint_group(const lint_ctx *c, const char *name)
{
	return c->group_by_name ? g_hash_table_lookup(c->group_by_name, name)
				: NULL;
}

GPtrArray *lint_expand(const lint_ctx *c, const pol_strlist *perms)
{
	GPtrArray *out = g_ptr_array_new();

	pol_groups_resolve(c->groups, perms, out);
	return out;
}

GPtrArray *lint_expand_one(const lint_ctx *c, const char *perm)
{
	char *v[1] = { (char *)perm };
	pol_pos pos[1] = { { 0 } };
	pol_strlist one = { v, pos, 1 };

	return lint_expand(c, &one);
}

static bool in_names(const char *name, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(name, *names))
			return true;
	return false;
}

bool lint_sg_builtin_role(const lint_ctx *c, const char *name)
{
	static const char *const roles[] = {
		"SGS_ALL_ACCESS", "SGS_KIBANA_USER_NO_GLOBAL_TENANT",
		"SGS_KIBANA_USER_NO_MT", "SGS_KIBANA_USER_NO_DEFAULT_TENANT",
		"SGS_KIBANA_USER", "SGS_OWN_INDEX", "SGS_XP_MONITORING",
		"SGS_MANAGE_SNAPSHOTS", "SGS_XP_ALERTING",
		"SGS_XP_MACHINE_LEARNING", "SGS_KIBANA_SERVER", "SGS_LOGSTASH",
		"SGS_READALL_AND_MONITOR", "SGS_READALL", NULL
	};

	return c->m->config.search_guard && in_names(name, roles);
}

/* Search Guard's static action groups are all SGS_ names; the list
 * changes between versions, so the prefix is what counts. */
bool lint_sg_builtin_group(const lint_ctx *c, const char *name)
{
	return c->m->config.search_guard && !strncmp(name, "SGS_", 4);
}

/* ---------------------------------------------------------------------
 * The run.
 */

static const char *rule_for_code(const ng_error *e)
{
	switch (e->code) {
	case NG_EIO:
		return "file-unreadable";
	case NG_ELIMIT:
		/* a file past the size limit is as good as unreadable; a
		 * limit inside it (nesting) is at a position */
		return e->line ? "yaml-syntax" : "file-unreadable";
	case NG_EPATTERN:
		return "invalid-regex";
	case NG_ESCHEMA:
		return strstr(e->message, "_meta") ||
		       strstr(e->message, "legacy") ||
		       strstr(e->message, "config_version") ? "schema-meta"
							    : "schema-type";
	default:
		return "yaml-syntax";
	}
}

/* A load error already reported by the schema pass is not repeated. */
static void add_load_error(lint_ctx *c, const ng_error *e)
{
	pol_pos pos = { e->file, e->line, e->column };
	char *file = join_path(c, e->file);
	bool dup = false;

	for (size_t i = 0; i < c->out->n && !dup; i++) {
		const pol_finding *f = &c->out->v[i];

		dup = f->sev == POL_SEV_ERROR && f->line == e->line &&
		      !strcmp(f->file, file);
	}
	g_free(file);
	if (!dup)
		lint_add(c, rule_for_code(e), POL_SEV_ERROR, &pos, "%s",
			 e->message);
}

static void index_model(lint_ctx *c)
{
	pol_model *m = c->m;

	c->roles = g_hash_table_new(g_str_hash, g_str_equal);
	c->group_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	for (size_t i = 0; i < m->nroles; i++)
		g_hash_table_insert(c->roles, m->roles[i].name, &m->roles[i]);
	for (size_t i = 0; i < m->ngroups; i++)
		g_hash_table_insert(c->group_by_name, m->groups[i].name,
				    &m->groups[i]);
	if (pol_groups_new(m, &c->groups))
		c->rc = NG_ENOMEM;
}

/* A policy that reads may still not compile: a limit of the compiled
 * tables (the number of index patterns) or a regex. The compiler takes a
 * model of its own, loaded again; an error it shares with a finding
 * already made (an invalid regex) is not repeated. */
static void compile_check(lint_ctx *c)
{
	pol_model *m = NULL;
	pol_compiled *pc = NULL;
	ng_error e = { 0 };
	int rc = pol_model_load_dir(c->dir, NULL, &m, &e);

	if (!rc)
		rc = pol_compile(m, &pc, &e);   /* owns m from here on */
	else
		pol_model_free(m);
	pol_compiled_free(pc);
	if (rc == NG_ENOMEM)
		c->rc = NG_ENOMEM;
	else if (rc == NG_ELIMIT)
		lint_add(c, "limit-exceeded", POL_SEV_ERROR,
			 &(pol_pos){ e.file, e.line, e.column }, "%s",
			 e.message);
	else if (rc)
		add_load_error(c, &e);
}

static bool node_settings_file(const char *file)
{
	const char *base = strrchr(file, '/');

	base = base ? base + 1 : file;
	return !strcmp(base, "opensearch.yml") ||
	       !strcmp(base, "elasticsearch.yml");
}

/* The node settings are not linted key by key (a node has hundreds of
 * settings, most about what nodeguard does not decide); what loading them
 * warns about, an unknown name in a family of settings that decides what
 * is protected, or an empty admin_dn entry, is a finding too. A warning
 * reads "file:line:col: text". */
static void settings_warnings(lint_ctx *c)
{
	for (size_t i = 0; i < c->m->warnings.n; i++) {
		const pol_pos *p = &c->m->warnings.pos[i];
		const char *text = strstr(c->m->warnings.v[i], ": ");

		if (!p->file || !p->line || !text ||
		    !node_settings_file(p->file))
			continue;
		text += 2;
		lint_add(c, strncmp(text, "unknown setting ", 16) == 0
			    ? "schema-unknown-key" : "schema-type",
			 POL_SEV_WARNING, p, "%s", text);
	}
}

static void run_model_rules(lint_ctx *c)
{
	ng_error e = { 0 };

	if (pol_model_load_dir(c->dir, NULL, &c->m, &e)) {
		if (e.code == NG_ENOMEM)
			c->rc = NG_ENOMEM;
		else
			add_load_error(c, &e);
		return;
	}
	index_model(c);
	if (c->rc)
		return;
	settings_warnings(c);
	lint_actions(c);
	lint_roles(c);
	lint_mappings(c);
	if (!c->rc)
		compile_check(c);
}

static void ctx_clear(lint_ctx *c)
{
	pol_groups_free(c->groups);
	if (c->roles)
		g_hash_table_destroy(c->roles);
	if (c->group_by_name)
		g_hash_table_destroy(c->group_by_name);
	pol_model_free(c->m);
	pol_model_free((pol_model *)c->statics);
}

int pol_lint_dir(const char *dir, const char *const *names, size_t nnames,
		 pol_lint **out, ng_error *err)
{
	lint_ctx c = { 0 };
	pol_model *statics = NULL;
	int rc;

	*out = NULL;
	rc = pol_check_dir(dir, err);
	if (rc)
		return rc;
	rc = pol_model_new_builtins(&statics, pol_dir_is_search_guard(dir)
				    ? POL_BUILTINS_SEARCH_GUARD
				    : POL_BUILTINS_OPENSEARCH, err);
	if (rc)
		return rc;
	c.out = calloc(1, sizeof(*c.out));
	c.dir = dir;
	c.statics = statics;
	c.names = names;
	c.nnames = nnames;
	if (!c.out)
		c.rc = NG_ENOMEM;
	if (!c.rc)
		lint_schema(&c);
	if (!c.rc)
		run_model_rules(&c);
	ctx_clear(&c);
	if (c.rc) {
		pol_lint_free(c.out);
		return pol_fail(err, c.rc, dir, 0, 0, "out of memory");
	}
	sort_findings(c.out);
	*out = c.out;
	return 0;
}
