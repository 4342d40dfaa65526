/*
 * config.yml's dynamic section and the node settings (opensearch.yml,
 * elasticsearch.yml) that change how requests are authorized.
 */
#define POL_INTERNAL
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "policy.h"

typedef yaml_node_t ynode;

#define SETTINGS_DEPTH 32

void pol_config_defaults(pol_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = POL_MODE_V4;
	c->ignore_unauthorized = true;
	c->mapping_resolution = POL_MAP_MAPPING_ONLY;
}

static int dyn_string(const pol_ld *ld, const char *key, ynode *v)
{
	pol_config *c = &ld->m->config;
	char *s;
	int rc = pol_ld_str(ld, v, key, &s);

	if (rc || !s)
		return rc;
	if (!strcmp(key, "privileges_evaluation_type")) {
		c->mode = strcasecmp(s, "v4") ? POL_MODE_LEGACY : POL_MODE_V4;
		c->mode_explicit = true;
	} else
		c->filtered_alias_disallow = !strcasecmp(s, "disallow");
	return 0;
}

/* Keys that only the legacy evaluator reads: given without a type, they
 * say the configuration was written for it. */
static bool legacy_key(const char *key)
{
	return !strncmp(key, "do_not_fail_on_forbidden", 24) ||
	       !strcmp(key, "respect_request_indices_options") ||
	       !strcmp(key, "filtered_alias_mode");
}

/* One key of config.dynamic; the others (authc, authz, kibana, ...) do
 * not concern authorization and are skipped silently. */
static int dynamic_key(const pol_ld *ld, const char *key, ynode *v)
{
	pol_config *c = &ld->m->config;

	if (legacy_key(key) && !c->mode_explicit)
		c->mode = POL_MODE_LEGACY;

	if (!strcmp(key, "privileges_evaluation_type") ||
	    !strcmp(key, "filtered_alias_mode"))
		return dyn_string(ld, key, v);
	if (!strcmp(key, "do_not_fail_on_forbidden"))
		return pol_ld_bool(ld, v, key, &c->dnfof);
	if (!strcmp(key, "do_not_fail_on_forbidden_empty"))
		return pol_ld_bool(ld, v, key, &c->dnfof_empty);
	if (!strcmp(key, "privileges_evaluation_ignore_unauthorized_indices"))
		return pol_ld_bool(ld, v, key, &c->ignore_unauthorized);
	if (!strcmp(key, "respect_request_indices_options"))
		return pol_ld_bool(ld, v, key, &c->respect_request_options);
	return 0;
}

static int read_mapping_keys(const pol_ld *ld, ynode *map,
			     int (*fn)(const pol_ld *, const char *, ynode *))
{
	int rc = 0;

	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
	     !rc && pr < map->data.mapping.pairs.top; pr++) {
		ynode *k = pol_ld_node(ld, pr->key);

		if (k && k->type == YAML_SCALAR_NODE)
			rc = fn(ld, (const char *)k->data.scalar.value,
				pol_ld_node(ld, pr->value));
	}
	return rc;
}

static int config_key(const pol_ld *ld, const char *key, ynode *v)
{
	bool sc;

	if (strcmp(key, "dynamic"))
		return 0;
	if (!v || (pol_ld_scalar(v, &sc) == NULL && sc))
		return 0;
	if (v->type != YAML_MAPPING_NODE)
		return pol_ld_fail(ld, v, NG_ESCHEMA,
				   "expected a mapping for \"dynamic\"");
	return read_mapping_keys(ld, v, dynamic_key);
}

static int config_root_key(const pol_ld *ld, const char *key, ynode *v)
{
	bool sc;

	if (!strcmp(key, "_meta") || !strcmp(key, "_sg_meta"))
		return pol_ld_meta(ld, v, "config");
	if (!strcmp(key, "opendistro_security") || !strcmp(key, "searchguard"))
		return pol_ld_legacy(ld, v, "config");
	if (strcmp(key, "config") && strcmp(key, "sg_config"))
		return pol_ld_warn(ld, v, "unknown key \"%s\" in config; "
				   "ignored", key);
	if (!v || (pol_ld_scalar(v, &sc) == NULL && sc))
		return 0;
	if (v->type != YAML_MAPPING_NODE)
		return pol_ld_fail(ld, v, NG_ESCHEMA,
				   "expected a mapping for \"%s\"", key);
	return read_mapping_keys(ld, v, config_key);
}

int pol_read_config(const pol_ld *ld, const void *root)
{
	const ynode *r = root;

	if (r->type != YAML_MAPPING_NODE)
		return pol_ld_fail(ld, r, NG_ESCHEMA,
				   "expected a mapping at the top level");
	return read_mapping_keys(ld, (ynode *)r, config_root_key);
}

/* ---------------------------------------------------------------------
 * Node settings. Keys may be written flat ("plugins.security.x.y: v") or
 * nested; both are flattened to dotted names first.
 */
static const char *const prefixes[] = {
	"plugins.security.", "opendistro_security.", "searchguard.", NULL
};

static int set_string(const pol_ld *ld, const char *key, ynode *v,
		      char **out)
{
	char *s;
	int rc = pol_ld_str(ld, v, key, &s);

	if (!rc && s)
		*out = s;
	return rc;
}

static int set_resolution(const pol_ld *ld, const char *key, ynode *v)
{
	static const char *const names[] = {
		"MAPPING_ONLY", "BACKENDROLES_ONLY", "BOTH"
	};
	char *s = NULL;
	int rc = pol_ld_str(ld, v, key, &s);

	for (size_t i = 0; !rc && s && i < 3; i++) {
		if (!strcasecmp(s, names[i])) {
			ld->m->config.mapping_resolution = (pol_mapping_resolution)i;
			return 0;
		}
	}
	if (rc || !s)
		return rc;
	return pol_ld_fail(ld, v, NG_ESCHEMA, "unknown value \"%s\" for "
			   "\"%s\"; expected MAPPING_ONLY, BACKENDROLES_ONLY "
			   "or BOTH", s, key);
}

/* A list setting may also be written as one string, as the peer's
 * settings reader accepts. */
static int set_list(const pol_ld *ld, const char *key, ynode *v,
		    pol_strlist *out)
{
	return pol_ld_strlist(ld, v, key, true, out);
}

bool pol_dn_normalise(const char *in, char *out, size_t cap)
{
	const char *eq;
	size_t k = 0;
	bool after_sep = true;

	if (strlen(in) >= cap)
		return false;
	for (const char *p = in; *p; p++) {
		char ch = *p;

		if (ch == ' ' && after_sep)
			continue;
		if ((ch == ',' || ch == '=') && k > 0 && out[k - 1] == ' ')
			k--;
		after_sep = ch == ',' || ch == '=';
		out[k++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
	}
	while (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = '\0';
	/* an attribute: text on both sides of an '=' */
	for (eq = strchr(out, '='); eq; eq = strchr(eq + 1, '='))
		if (eq > out && eq[-1] != ',' && eq[1] && eq[1] != ',')
			return true;
	return false;
}

/* The admin certificates' names as written, and as they are compared
 * (pol_dn_normalise, in `cmp`), so that a request normalises only its
 * own. One without an attribute (blank, a lone ",") names no certificate,
 * nor does one past POL_DN_MAX bytes: left out of `cmp`, and said, not
 * silently. */
static int set_admin_dn(const pol_ld *ld, const char *key, ynode *v,
			pol_strlist *out, pol_strlist *cmp)
{
	int rc = set_list(ld, key, v, out);
	size_t kept = 0;

	cmp->v = rc ? NULL : pol_pool_alloc(ld->m->pool,
					    (out->n + 1) * sizeof(char *));
	cmp->n = 0;
	if (!rc && !cmp->v)
		return pol_fail(ld->err, NG_ENOMEM, ld->file, 0, 0,
				"out of memory");

	for (size_t i = 0; !rc && i < out->n; i++) {
		char dn[POL_DN_MAX + 1];

		if (strlen(out->v[i]) > POL_DN_MAX)
			rc = pol_ld_warn(ld, v, "%s entry %zu is longer than %d "
					 "bytes and names no certificate; "
					 "ignored", key, i + 1, POL_DN_MAX);
		else if (!pol_dn_normalise(out->v[i], dn, sizeof(dn)))
			rc = pol_ld_warn(ld, v, "%s entry %zu holds no "
					 "attribute (TYPE=value) and names no "
					 "certificate; ignored", key, i + 1);
		else if (!(cmp->v[kept++] = pol_pool_strdup(ld->m->pool, dn)))
			rc = pol_fail(ld->err, NG_ENOMEM, ld->file, 0, 0,
				      "out of memory");
	}
	if (!rc)
		cmp->n = kept;
	return rc;
}

/* The security index's name: an empty one would protect no index. */
static int set_index_name(const pol_ld *ld, const char *key, ynode *v,
			  char **out)
{
	char *s = NULL;
	int rc = pol_ld_str(ld, v, key, &s);

	if (rc || !s)
		return rc;
	if (!*s)
		return pol_ld_fail(ld, v, NG_ESCHEMA, "%s is empty", key);
	*out = s;
	return 0;
}

/* The families of settings that decide what is protected and who is an
 * administrator, with every member a node knows: a name in a family that
 * is none of them is a typo (system_indices.enable) that would leave the
 * default in force, and a node refuses a setting it does not know. */
static const struct {
	const char *family, *members;
} families[] = {
	{ "system_indices.", "enabled, indices, permission.enabled, "
			     "additional_control.enabled" },
	{ "protected_indices.", "enabled, indices, roles" },
	{ "authcz.", "admin_dn, impersonation_dn, rest_impersonation_user" },
	{ "dls.", "write_blocked, mode" },
};

/* Settings of those families that the node reads for what nodeguard does
 * not decide, each with what may follow its name. */
static bool read_elsewhere(const char *key)
{
	static const char *const names[] = {
		"authcz.impersonation_dn", "authcz.rest_impersonation_user",
		"system_indices.additional_control.enabled", "dls.mode",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = strlen(names[i]);

		if (!strncmp(key, names[i], n) &&
		    (key[n] == '\0' || key[n] == '.'))
			return true;
	}
	return false;
}

static int unknown_setting(const pol_ld *ld, const char *key,
			   const char *full, ynode *v)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		size_t n = strlen(families[i].family);

		/* the members nodeguard reads were handled before */
		if (strncmp(key, families[i].family, n) != 0 ||
		    read_elsewhere(key))
			continue;
		return pol_ld_warn(ld, v, "unknown setting %s, ignored; the "
				   "%.*s settings are %s", full, (int)n - 1,
				   families[i].family, families[i].members);
	}
	return 0;
}

static int setting(const pol_ld *ld, const char *key, const char *full,
		   ynode *v)
{
	pol_config *c = &ld->m->config;

	if (!strcmp(key, "authcz.admin_dn"))
		return set_admin_dn(ld, full, v, &c->admin_dn,
				    &c->admin_dn_cmp);
	if (!strcmp(key, "nodes_dn"))
		return set_list(ld, full, v, &c->nodes_dn);
	if (!strcmp(key, "nodes_dn_dynamic_config_enabled"))
		return pol_ld_bool(ld, v, full, &c->nodes_dn_dynamic);
	if (!strcmp(key, "roles_mapping_resolution"))
		return set_resolution(ld, full, v);
	if (!strcmp(key, "system_indices.enabled"))
		return pol_ld_bool(ld, v, full, &c->system_indices_enabled);
	if (!strcmp(key, "system_indices.indices"))
		return set_list(ld, full, v, &c->system_indices);
	if (!strcmp(key, "system_indices.permission.enabled"))
		return pol_ld_bool(ld, v, full, &c->system_index_permission);
	if (!strcmp(key, "protected_indices.enabled"))
		return pol_ld_bool(ld, v, full, &c->protected_enabled);
	if (!strcmp(key, "protected_indices.indices"))
		return set_list(ld, full, v, &c->protected_indices);
	if (!strcmp(key, "protected_indices.roles"))
		return set_list(ld, full, v, &c->protected_roles);
	if (!strcmp(key, "config_index_name"))
		return set_index_name(ld, full, v, &c->security_index);
	if (!strcmp(key, "filter_securityindex_from_all_requests"))
		return pol_ld_bool(ld, v, full, &c->filter_security_index);
	if (!strcmp(key, "dfm_empty_overrides_all"))
		return pol_ld_bool(ld, v, full, &c->dfm_empty_overrides_all);
	if (!strcmp(key, "dls.write_blocked"))
		return pol_ld_bool(ld, v, full, &c->dls_write_blocked);
	if (!strcmp(key, "compliance.salt"))
		return set_string(ld, full, v, &c->salt);
	return unknown_setting(ld, key, full, v);
}

static int leaf(const pol_ld *ld, const char *full, ynode *v)
{
	for (size_t i = 0; prefixes[i]; i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(full, prefixes[i], n))
			return setting(ld, full + n, full, v);
	}
	return 0;
}

/* A walk over the settings: the dotted name so far, and the key node of
 * every setting met, by name. */
typedef struct walk {
	const pol_ld *ld;
	GString *key;
	GHashTable *seen;
} walk;

/* A setting given twice, nested or flat, is refused as a node refuses it:
 * reading the last one would let a later line override an earlier one
 * (an admin_dn) without a word. `at` is the setting's innermost key. */
static int claim(walk *w, const ynode *at)
{
	const ynode *first = g_hash_table_lookup(w->seen, w->key->str);

	if (first)
		return pol_ld_fail(w->ld, at, NG_ESYNTAX,
				   "setting %s is given twice; first at "
				   "line %d", w->key->str,
				   pol_ld_pos(w->ld, first).line);
	g_hash_table_insert(w->seen, g_strdup(w->key->str), (gpointer)at);
	return 0;
}

static int flatten(walk *w, ynode *n, const ynode *at, int depth);

/* The pairs of one mapping, each under its dotted name. */
static int flatten_map(walk *w, ynode *n, int depth)
{
	int rc = 0;

	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
	     !rc && pr < n->data.mapping.pairs.top; pr++) {
		ynode *k = pol_ld_node(w->ld, pr->key);
		size_t keep = w->key->len;

		if (!k || k->type != YAML_SCALAR_NODE)
			return pol_ld_fail(w->ld, k, NG_ESCHEMA,
					   "expected a string key");
		if (keep)
			g_string_append_c(w->key, '.');
		g_string_append(w->key, (const char *)k->data.scalar.value);
		rc = flatten(w, pol_ld_node(w->ld, pr->value), k, depth + 1);
		g_string_truncate(w->key, keep);
	}
	return rc;
}

static int flatten(walk *w, ynode *n, const ynode *at, int depth)
{
	int rc;

	if (depth > SETTINGS_DEPTH)
		return pol_ld_fail(w->ld, n, NG_ELIMIT,
				   "settings nested deeper than %d levels",
				   SETTINGS_DEPTH);
	if (n && n->type == YAML_MAPPING_NODE)
		return flatten_map(w, n, depth);
	if ((rc = claim(w, at)))
		return rc;
	return leaf(w->ld, w->key->str, n);
}

int pol_read_node_settings(const pol_ld *ld, const void *root)
{
	walk w = { ld, g_string_new(NULL),
		   g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					 NULL) };
	int rc;

	if (((const ynode *)root)->type != YAML_MAPPING_NODE)
		rc = pol_ld_fail(ld, root, NG_ESCHEMA,
				 "expected a mapping at the top level");
	else
		rc = flatten_map(&w, (ynode *)root, 0);
	g_string_free(w.key, TRUE);
	g_hash_table_destroy(w.seen);
	return rc;
}

/* Defaults that depend on the whole configuration. */
int pol_config_finish(pol_model *m)
{
	pol_config *c = &m->config;

	if (!c->search_guard || strcmp(c->security_index, ".opendistro_security"))
		return 0;
	c->security_index = pol_pool_strdup(m->pool, ".searchguard");
	return c->security_index ? 0 : NG_ENOMEM;
}
