/*
 * Lint, first pass: every configuration file as raw YAML against the
 * schema of its kind. Unlike loading, it goes on after a finding, so that
 * one run reports every unknown key, wrong type and bad expression.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "lint.h"

typedef yaml_node_t ynode;

typedef enum vtype {
	T_STR, T_BOOL, T_LIST, T_MAP, T_ATTRS, T_INDEX_PERMS, T_ALIAS_PERMS,
	T_STREAM_PERMS, T_TENANT_PERMS,
	T_IGNORED,     /* known to the peer, not read by nodeguard */
	T_LEGACY       /* a config_version 1 key */
} vtype;

typedef struct field {
	const char *key;
	vtype type;
} field;

static const field index_perm_fields[] = {
	{ "index_patterns", T_LIST }, { "allowed_actions", T_LIST },
	{ "dls", T_STR }, { "fls", T_LIST }, { "masked_fields", T_LIST },
	{ NULL, T_STR }
};

static const field alias_perm_fields[] = {
	{ "alias_patterns", T_LIST }, { "allowed_actions", T_LIST },
	{ "dls", T_STR }, { "fls", T_LIST }, { "masked_fields", T_LIST },
	{ NULL, T_STR }
};

static const field stream_perm_fields[] = {
	{ "data_stream_patterns", T_LIST }, { "allowed_actions", T_LIST },
	{ "dls", T_STR }, { "fls", T_LIST }, { "masked_fields", T_LIST },
	{ NULL, T_STR }
};

static const field tenant_perm_fields[] = {
	{ "tenant_patterns", T_LIST }, { "allowed_actions", T_LIST },
	{ NULL, T_STR }
};

static const field role_fields[] = {
	{ "cluster_permissions", T_LIST },
	{ "index_permissions", T_INDEX_PERMS },
	{ "tenant_permissions", T_TENANT_PERMS },
	{ "reserved", T_BOOL }, { "hidden", T_BOOL }, { "static", T_BOOL },
	{ "description", T_STR },
	{ "exclude_cluster_permissions", T_IGNORED },
	{ "exclude_index_permissions", T_IGNORED },
	{ "alias_permissions", T_ALIAS_PERMS },
	{ "data_stream_permissions", T_STREAM_PERMS },
	{ "cluster", T_LEGACY }, { "indices", T_LEGACY },
	{ "readonly", T_LEGACY }, { "tenants", T_LEGACY },
	{ NULL, T_STR }
};

static const field group_fields[] = {
	{ "allowed_actions", T_LIST }, { "type", T_STR },
	{ "reserved", T_BOOL }, { "hidden", T_BOOL }, { "static", T_BOOL },
	{ "description", T_STR }, { "permissions", T_LEGACY },
	{ "readonly", T_LEGACY },
	{ NULL, T_STR }
};

static const field mapping_fields[] = {
	{ "users", T_LIST }, { "backend_roles", T_LIST },
	{ "and_backend_roles", T_LIST }, { "hosts", T_LIST },
	{ "reserved", T_BOOL }, { "hidden", T_BOOL },
	{ "description", T_STR }, { "backendroles", T_LEGACY },
	{ NULL, T_STR }
};

static const field user_fields[] = {
	{ "hash", T_STR }, { "password", T_STR },
	{ "backend_roles", T_LIST }, { "opendistro_security_roles", T_LIST },
	{ "search_guard_roles", T_LIST }, { "attributes", T_ATTRS },
	{ "opendistro_security_attributes", T_ATTRS },
	{ "reserved", T_BOOL }, { "hidden", T_BOOL }, { "static", T_BOOL },
	{ "service", T_BOOL }, { "enabled", T_BOOL },
	{ "description", T_STR }, { "roles", T_LEGACY },
	{ NULL, T_STR }
};

static const field tenant_fields[] = {
	{ "reserved", T_BOOL }, { "hidden", T_BOOL }, { "static", T_BOOL },
	{ "description", T_STR }, { NULL, T_STR }
};

static const field nodes_dn_fields[] = {
	{ "nodes_dn", T_LIST }, { NULL, T_STR }
};

typedef struct sfile {
	const char *base;
	const char *meta;            /* expected _meta.type */
	const char *what;            /* an entity, for messages */
	const field *fields;         /* NULL: only "config" at the top */
	bool has_statics;            /* names may clash with built-ins */
} sfile;

static const sfile files[] = {
	{ "roles.yml", "roles", "a role", role_fields, true },
	{ "action_groups.yml", "actiongroups", "an action group",
	  group_fields, true },
	{ "roles_mapping.yml", "rolesmapping", "a role mapping",
	  mapping_fields, false },
	{ "internal_users.yml", "internalusers", "an internal user",
	  user_fields, false },
	{ "tenants.yml", "tenants", "a tenant", tenant_fields, false },
	{ "nodes_dn.yml", "nodesdn", "a nodes_dn entry", nodes_dn_fields,
	  false },
	{ "config.yml", "config", NULL, NULL, false },
	{ "audit.yml", "audit", NULL, NULL, false },
	{ "allowlist.yml", "allowlist", NULL, NULL, false },
	{ "whitelist.yml", "whitelist", NULL, NULL, false },
};

/* One file being checked. */
typedef struct sdoc {
	lint_ctx *c;
	pol_ld ld;
	yaml_document_t doc;
	const sfile *kind;
	bool legacy;                 /* reported once per file */
} sdoc;

#define EACH_PAIR(n, pr)                                                     \
	for (yaml_node_pair_t *pr = (n)->data.mapping.pairs.start;           \
	     pr < (n)->data.mapping.pairs.top; pr++)

static ynode *node(const sdoc *d, int id)
{
	return yaml_document_get_node((yaml_document_t *)&d->doc, id);
}

static pol_pos pos_of(const sdoc *d, const ynode *n)
{
	return pol_ld_pos(&d->ld, n);
}

static const char *scalar(const ynode *n)
{
	return n && n->type == YAML_SCALAR_NODE ?
		(const char *)n->data.scalar.value : NULL;
}

static bool is_null(const ynode *n)
{
	bool sc;

	return !n || (pol_ld_scalar(n, &sc) == NULL && sc);
}

static void type_error(sdoc *d, const ynode *n, const char *key,
		       const char *want)
{
	pol_pos p = pos_of(d, n);

	lint_add(d->c, "schema-type", POL_SEV_ERROR, &p,
		 "expected %s for \"%s\"", want, key);
}

/* Attributes: a mapping of texts. Loading skips, with a warning, a value
 * that is no text; lint says so at the same place. */
static void check_attributes(sdoc *d, const ynode *v, const char *key)
{
	if (is_null(v))
		return;
	if (v->type != YAML_MAPPING_NODE) {
		type_error(d, v, key, "a mapping");
		return;
	}
	EACH_PAIR(v, pr) {
		const ynode *val = node(d, pr->value);
		const char *name = scalar(node(d, pr->key));
		pol_pos at = pos_of(d, val);

		if (val && val->type != YAML_SCALAR_NODE)
			lint_add(d->c, "schema-type", POL_SEV_WARNING, &at,
				 "attribute \"%s\" is not a string; ignored",
				 name ? name : "");
	}
}

/* A "/regex/" among the strings must compile. */
static void check_regex(sdoc *d, const ynode *item, const char *text)
{
	pol_pattern p;
	ng_error e = { 0 };
	size_t n = strlen(text);

	if (*text == '-')
		text++, n--;
	if (n < 2 || text[0] != '/' || text[n - 1] != '/' || strstr(text, "${"))
		return;
	if (pol_pattern_compile(&p, text, 0, &e) == 0) {
		pol_pattern_clear(&p);
		return;
	}
	pol_pos pos = pos_of(d, item);

	lint_add(d->c, "invalid-regex", POL_SEV_ERROR, &pos, "%s", e.message);
}

/* The loader refuses a null item, which it would otherwise drop. */
static void null_item(sdoc *d, const ynode *item, const char *key)
{
	pol_pos p = pos_of(d, item);

	lint_add(d->c, "schema-type", POL_SEV_ERROR, &p,
		 "expected a string, got null, in \"%s\"", key);
}

static void check_list(sdoc *d, const ynode *v, const char *key)
{
	if (is_null(v))
		return;
	if (v->type != YAML_SEQUENCE_NODE) {
		type_error(d, v, key, "a list of strings");
		return;
	}
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		ynode *item = node(d, *it);
		const char *s = scalar(item);

		if (!s) {
			type_error(d, item, key, "a list of strings");
			continue;
		}
		if (is_null(item)) {
			null_item(d, item, key);
			continue;
		}
		if (strcmp(key, "fls") && strcmp(key, "masked_fields"))
			check_regex(d, item, s);
	}
}

static void check_bool(sdoc *d, const ynode *v, const char *key)
{
	static const char *const ok[] = { "true", "false", "yes", "no",
					  "on", "off" };
	const char *s = scalar(v);

	if (is_null(v))
		return;
	for (size_t i = 0; s && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcasecmp(s, ok[i]))
			return;
	type_error(d, v, key, "true or false");
}

static void check_fields(sdoc *d, const ynode *map, const field *fields,
			 const char *where);

/* A v1 file would give a finding on every entry: one is enough. */
static void legacy(sdoc *d, const ynode *at, const char *what)
{
	pol_pos p = pos_of(d, at);

	if (d->legacy)
		return;
	d->legacy = true;
	lint_add(d->c, "schema-meta", POL_SEV_ERROR, &p,
		 "file is in the legacy config_version 1 format (%s); migrate "
		 "it to config_version 2", what);
}

static void check_perms(sdoc *d, const ynode *v, const char *key,
			const field *fields)
{
	if (is_null(v))
		return;
	if (v->type != YAML_SEQUENCE_NODE) {
		type_error(d, v, key, "a list");
		return;
	}
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++) {
		ynode *item = node(d, *it);

		if (!item || item->type != YAML_MAPPING_NODE)
			type_error(d, item, key, "a list of mappings");
		else
			check_fields(d, item, fields, key);
	}
}

static void check_value(sdoc *d, const ynode *k, const ynode *v,
			const field *f)
{
	pol_pos p = pos_of(d, k);

	switch (f->type) {
	case T_STR:
		if (!is_null(v) && v->type != YAML_SCALAR_NODE)
			type_error(d, v, f->key, "a string");
		break;
	case T_BOOL:
		check_bool(d, v, f->key);
		break;
	case T_LIST:
		check_list(d, v, f->key);
		break;
	case T_MAP:
		if (!is_null(v) && v->type != YAML_MAPPING_NODE)
			type_error(d, v, f->key, "a mapping");
		break;
	case T_ATTRS:
		check_attributes(d, v, f->key);
		break;
	case T_INDEX_PERMS:
		check_perms(d, v, f->key, index_perm_fields);
		break;
	case T_ALIAS_PERMS:
		check_perms(d, v, f->key, alias_perm_fields);
		break;
	case T_STREAM_PERMS:
		check_perms(d, v, f->key, stream_perm_fields);
		break;
	case T_TENANT_PERMS:
		check_perms(d, v, f->key, tenant_perm_fields);
		break;
	case T_IGNORED:
		lint_add(d->c, "schema-unknown-key", POL_SEV_WARNING, &p,
			 "\"%s\" is not supported by nodeguard; ignored",
			 f->key);
		break;
	case T_LEGACY:
		legacy(d, k, f->key);
		break;
	}
}

static const field *find_field(const field *fields, const char *key)
{
	for (; fields->key; fields++)
		if (!strcmp(fields->key, key))
			return fields;
	return NULL;
}

static void check_fields(sdoc *d, const ynode *map, const field *fields,
			 const char *where)
{
	EACH_PAIR(map, pr) {
		ynode *k = node(d, pr->key);
		const char *key = scalar(k);
		const field *f = key ? find_field(fields, key) : NULL;
		pol_pos p = pos_of(d, k);

		if (f) {
			check_value(d, k, node(d, pr->value), f);
			continue;
		}
		lint_add(d->c, "schema-unknown-key", POL_SEV_ERROR, &p,
			 "unknown key \"%s\" in %s", key ? key : "", where);
	}
}

/* ---------------------------------------------------------------------
 * _meta and the top level.
 */

static void check_meta(sdoc *d, const ynode *k, const ynode *v)
{
	const char *type = NULL, *version = NULL;
	pol_pos p = pos_of(d, v ? v : k);

	if (!v || v->type != YAML_MAPPING_NODE) {
		lint_add(d->c, "schema-meta", POL_SEV_ERROR, &p,
			 "expected a mapping for \"_meta\"");
		return;
	}
	EACH_PAIR(v, pr) {
		const char *key = scalar(node(d, pr->key));
		const char *val = scalar(node(d, pr->value));

		if (key && !strcmp(key, "type"))
			type = val ? val : "";
		else if (key && !strcmp(key, "config_version"))
			version = val ? val : "";
	}
	if (!type || strcasecmp(type, d->kind->meta))
		lint_add(d->c, "schema-meta", POL_SEV_ERROR, &p,
			 "_meta.type is \"%s\", expected \"%s\"",
			 type ? type : "", d->kind->meta);
	if (!version || strcmp(version, "2"))
		lint_add(d->c, "schema-meta", POL_SEV_ERROR, &p,
			 "_meta.config_version is \"%s\", expected 2",
			 version ? version : "");
}

static bool is_meta_key(const char *key)
{
	return !strcmp(key, "_meta") || !strcmp(key, "_sg_meta");
}

static void check_static_clash(sdoc *d, const ynode *k, const char *name)
{
	const pol_model *s = d->c->statics;
	bool roles = !strcmp(d->kind->base, "roles.yml");
	pol_pos p = pos_of(d, k);

	for (size_t i = 0; roles && i < s->nroles; i++)
		if (!strcmp(s->roles[i].name, name))
			goto clash;
	for (size_t i = 0; !roles && i < s->ngroups; i++)
		if (!strcmp(s->groups[i].name, name))
			goto clash;
	return;
clash:
	lint_add(d->c, "static-redefined", POL_SEV_WARNING, &p,
		 "%s \"%s\" is a built-in; this definition is ignored",
		 roles ? "role" : "action group", name);
}

static void check_entity(sdoc *d, const ynode *k, const char *name,
			 const ynode *v)
{
	pol_pos p = pos_of(d, v ? v : k);

	if (!d->kind->fields) {
		if (strcmp(name, "config") && strcmp(name, "sg_config"))
			lint_add(d->c, "schema-unknown-key", POL_SEV_ERROR, &p,
				 "unknown top-level key \"%s\"", name);
		return;
	}
	if (d->kind->has_statics)
		check_static_clash(d, k, name);
	if (is_null(v))
		return;
	if (v->type == YAML_MAPPING_NODE)
		check_fields(d, v, d->kind->fields, d->kind->what);
	else if (v->type == YAML_SEQUENCE_NODE)
		legacy(d, v, "a list where a mapping belongs");
	else
		type_error(d, v, name, "a mapping");
}

static void check_root(sdoc *d, const ynode *root, bool sg)
{
	bool has_meta = false;
	pol_pos p = pos_of(d, root);

	if (root->type != YAML_MAPPING_NODE) {
		lint_add(d->c, "schema-type", POL_SEV_ERROR, &p,
			 "expected a mapping at the top level");
		return;
	}
	EACH_PAIR(root, pr) {
		ynode *k = node(d, pr->key);
		const char *key = scalar(k);

		if (!key)
			type_error(d, k, "key", "a string");
		else if (is_meta_key(key)) {
			has_meta = true;
			check_meta(d, k, node(d, pr->value));
		} else
			check_entity(d, k, key, node(d, pr->value));
	}
	/* Search Guard FLX files have no _sg_meta, and are valid so */
	if (!has_meta && !sg && !d->legacy) {
		p.line = 1;
		p.col = 1;
		lint_add(d->c, "schema-meta", POL_SEV_ERROR, &p,
			 "missing \"_meta\"; expected type \"%s\" and "
			 "config_version 2", d->kind->meta);
	}
}

/* ---------------------------------------------------------------------
 * Files.
 */

static void lint_file(lint_ctx *c, const sfile *kind, const char *name,
		      const char *text, size_t len, bool sg)
{
	sdoc d = { .c = c, .kind = kind };
	ng_error e = { 0 };
	ynode *root;

	d.ld.file = name;
	d.ld.doc = &d.doc;
	d.ld.err = &e;
	if (pol_ld_parse(&d.ld, text, len)) {
		pol_pos p = { name, e.line, e.column };

		lint_add(c, "yaml-syntax", POL_SEV_ERROR, &p, "%s", e.message);
		return;
	}
	root = yaml_document_get_root_node(&d.doc);
	if (!is_null(root))
		check_root(&d, root, sg);
	yaml_document_delete(&d.doc);
}

/* The OpenSearch name first, then the Search Guard one. A file past the
 * size limit is reported here, once: loading the model stops at the same
 * error, which lint.c does not repeat. Any other read error is left to
 * the loader's report. */
static void lint_kind(lint_ctx *c, const sfile *kind)
{
	for (int sg = 0; sg < 2; sg++) {
		char name[64];
		char *path, *text = NULL;
		size_t len = 0;
		ng_error e = { 0 };
		pol_pos p = { name, 0, 0 };
		int rc;

		snprintf(name, sizeof(name), "%s%s", sg ? "sg_" : "",
			 kind->base);
		path = g_build_filename(c->dir, name, NULL);
		rc = pol_read_file(path, name, &text, &len, &e);
		g_free(path);
		if (rc == 1 || rc == NG_EIO)
			continue;
		if (rc == NG_ENOMEM)
			c->rc = rc;
		else if (rc)
			lint_add(c, "file-unreadable", POL_SEV_ERROR, &p, "%s",
				 e.message);
		else
			lint_file(c, kind, name, text, len, sg);
		free(text);
		return;
	}
}

/* ---------------------------------------------------------------------
 * The directory: YAML files a node does not read, and no file at all.
 */

/* The kind a file name is read as (with or without "sg_"), or NULL. The
 * node settings files are read too, though not linted here. */
static const char *known_base(const char *name)
{
	const char *base = strncmp(name, "sg_", 3) ? name : name + 3;

	if (!strcmp(name, "opensearch.yml") || !strcmp(name, "elasticsearch.yml"))
		return name;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!strcmp(base, files[i].base))
			return files[i].base;
	return NULL;
}

/* The kind whose stem starts a fragment name such as
 * "roles_mapping.wazuh.yml" (stem, a dot, more), or NULL. */
static const char *fragment_of(const char *name)
{
	const char *base = strncmp(name, "sg_", 3) ? name : name + 3;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t stem = strlen(files[i].base) - strlen(".yml");

		if (!strncmp(base, files[i].base, stem) && base[stem] == '.' &&
		    strcmp(base + stem, ".yml") != 0)
			return files[i].base;
	}
	return NULL;
}

static bool yaml_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && !strcmp(name + n - 4, ".yml")) ||
	       (n > 5 && !strcmp(name + n - 5, ".yaml"));
}

static void lint_ignored(lint_ctx *c, const char *name)
{
	const char *kind = fragment_of(name);
	pol_pos p = { name, 0, 0 };

	if (kind)
		lint_add(c, "file-ignored", POL_SEV_WARNING, &p,
			 "not read: a node reads only %s%s; merge this "
			 "fragment into it", strncmp(name, "sg_", 3) ? ""
			 : "sg_", kind);
	else
		lint_add(c, "file-ignored", POL_SEV_INFO, &p,
			 "not read: not a configuration file name");
}

static void lint_dir_files(lint_ctx *c)
{
	GDir *d = g_dir_open(c->dir, 0, NULL);
	const char *name;
	bool any = false;
	pol_pos p = { "", 0, 0 };

	while (d && (name = g_dir_read_name(d)) != NULL) {
		if (known_base(name))
			any = true;
		else if (yaml_name(name))
			lint_ignored(c, name);
		if (!strncmp(name, "sg_", 3) && known_base(name) &&
		    pol_dir_has(c->dir, name + 3))
			lint_add(c, "file-ignored", POL_SEV_WARNING,
				 &(pol_pos){ name, 0, 0 },
				 "not read: %s is read instead, and a node "
				 "reads only one of the two", name + 3);
	}
	if (d)
		g_dir_close(d);
	if (!any)
		lint_add(c, "config-missing", POL_SEV_WARNING, &p,
			 "no configuration file: only the built-in roles and "
			 "action groups apply");
}

void lint_schema(lint_ctx *c)
{
	lint_dir_files(c);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		lint_kind(c, &files[i]);
}
