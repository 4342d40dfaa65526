/*
 * Reading configuration files into the plain model: one reader per file
 * kind, entities appended to the model, static entities kept on a clash.
 */
#define POL_INTERNAL
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "policy.h"

typedef yaml_node_t ynode;
typedef int (*entity_fn)(pol_ld *ld, const char *name, ynode *k, ynode *v);

#define EACH_PAIR(n, pr)                                                     \
	for (yaml_node_pair_t *pr = (n)->data.mapping.pairs.start;           \
	     pr < (n)->data.mapping.pairs.top; pr++)

static int nomem(const pol_ld *ld)
{
	return pol_fail(ld->err, NG_ENOMEM, ld->file, 0, 0, "out of memory");
}

static const char *key_of(const pol_ld *ld, yaml_node_pair_t *pr, ynode **k)
{
	*k = pol_ld_node(ld, pr->key);
	if (!*k || (*k)->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)(*k)->data.scalar.value;
}

static bool is_null(const ynode *n)
{
	bool sc;

	return !n || (pol_ld_scalar(n, &sc) == NULL && sc);
}

/* Grow a malloc'd array to hold `n` elements of `size` bytes. */
static int grow(void **arr, size_t n, size_t size)
{
	void *p = realloc(*arr, (n ? n : 1) * size);

	if (!p)
		return NG_ENOMEM;
	*arr = p;
	return 0;
}

static int push_owned(pol_strlist *l, char *s, pol_pos pos)
{
	if (!s || grow((void **)&l->v, l->n + 1, sizeof(char *)) ||
	    grow((void **)&l->pos, l->n + 1, sizeof(pol_pos)))
		return NG_ENOMEM;
	l->v[l->n] = s;
	l->pos[l->n++] = pos;
	return 0;
}

int pol_warn(pol_model *m, const pol_pos *pos, const char *fmt, ...)
{
	char msg[512], *line;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pol_oneline(msg, sizeof(msg));
	/* a warning about the directory as a whole has no position */
	line = !pos->file ? g_strdup(msg)
	       : pos->line ? g_strdup_printf("%s:%d:%d: %s", pos->file,
					     pos->line, pos->col, msg)
	       : g_strdup_printf("%s: %s", pos->file, msg);
	if (!line)
		return NG_ENOMEM;
	char *owned = pol_pool_strdup(m->pool, line);

	g_free(line);
	return push_owned(&m->warnings, owned, *pos);
}

/* ---------------------------------------------------------------------
 * Patterns are checked when read, so that a bad regular expression is
 * reported at its own line.
 */
static int check_patterns(const pol_ld *ld, const pol_strlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *t = l->v[i];
		pol_pattern p;
		ng_error e = { 0 };

		if (*t == '-')
			t++;
		if (pol_pattern_is_literal(t) || strstr(t, "${"))
			continue;
		if (pol_pattern_compile(&p, t, 0, &e))
			return pol_fail(ld->err, e.code, l->pos[i].file,
					l->pos[i].line, l->pos[i].col, "%s",
					e.message);
		pol_pattern_clear(&p);
	}
	return 0;
}

static int read_list(const pol_ld *ld, ynode *v, const char *key,
		     pol_strlist *out)
{
	int rc = pol_ld_strlist(ld, v, key, false, out);

	return rc ? rc : check_patterns(ld, out);
}

static int expect_map(const pol_ld *ld, ynode *v, const char *what,
		      const char *name)
{
	if (v && v->type == YAML_MAPPING_NODE)
		return 0;
	return pol_ld_fail(ld, v, NG_ESCHEMA,
			   "expected a mapping for %s \"%s\"", what, name);
}

static int unknown_key(const pol_ld *ld, ynode *k, const char *key,
		       const char *where)
{
	return pol_ld_warn(ld, k, "unknown key \"%s\" in %s; ignored", key,
			   where);
}

/* ---------------------------------------------------------------------
 * Entity slots. Roles and action groups have static built-ins: a dynamic
 * entry of the same name is dropped with a warning, as in the peer.
 */
static size_t find_slot(pol_ld *ld, const char *name, size_t n)
{
	gpointer v = g_hash_table_lookup(ld->names, name);

	return v ? GPOINTER_TO_SIZE(v) - 1 : n;
}

/* A second definition of a name: a static built-in stays (*skip), any
 * other earlier definition gives way to the later one. */
static int clash(pol_ld *ld, ynode *k, const char *what, const char *name,
		 bool was_static, bool *skip)
{
	*skip = was_static && !ld->is_static;
	if (*skip)
		return pol_ld_warn(ld, k, "%s \"%s\" is a static built-in; "
				   "the built-in definition is kept", what, name);
	return pol_ld_warn(ld, k, "%s \"%s\" is defined again; the later "
			   "definition is used", what, name);
}

static void index_names(pol_ld *ld, const void *arr, size_t n, size_t size)
{
	ld->names = g_hash_table_new(g_str_hash, g_str_equal);
	for (size_t i = 0; i < n; i++) {
		char *name = *(char *const *)((const char *)arr + i * size);

		g_hash_table_insert(ld->names, name, GSIZE_TO_POINTER(i + 1));
	}
}

/* Read each key of a mapping with `fn`; keys must be strings. */
typedef int (*field_fn)(pol_ld *ld, void *obj, const char *key, ynode *k,
			ynode *v);

static int read_fields(pol_ld *ld, void *obj, ynode *map, field_fn fn)
{
	ynode *k;
	int rc;

	EACH_PAIR(map, pr) {
		const char *key = key_of(ld, pr, &k);

		rc = key ? fn(ld, obj, key, k, pol_ld_node(ld, pr->value))
			 : pol_ld_fail(ld, k, NG_ESCHEMA, "expected a string key");
		if (rc)
			return rc;
	}
	return 0;
}

static bool is_one_of(const char *key, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(key, *set))
			return true;
	return false;
}

/* Flags every entity may carry; none affects evaluation. */
static int common_field(pol_ld *ld, const char *key, ynode *k, ynode *v,
			const char *where)
{
	static const char *const flags[] = {
		"reserved", "hidden", "static", NULL
	};
	bool flag;

	if (is_one_of(key, flags))
		return pol_ld_bool(ld, v, key, &flag);
	if (!strcmp(key, "description"))
		return 0;
	return unknown_key(ld, k, key, where);
}

/* ---------------------------------------------------------------------
 * roles.yml
 */
/* The sections that become index-permission entries: each has its own
 * key for the patterns, and the same actions, DLS, FLS and masking. */
typedef struct perm_section {
	const char *key;          /* the role's key for the section */
	const char *patterns;     /* the section's key for the patterns */
	pol_perm_section id;
} perm_section;

static const perm_section perm_sections[] = {
	{ "index_permissions", "index_patterns", POL_SEC_INDEX },
	{ "alias_permissions", "alias_patterns", POL_SEC_ALIAS },
	{ "data_stream_permissions", "data_stream_patterns",
	  POL_SEC_DATA_STREAM },
};

static const perm_section *find_section(const char *key)
{
	for (size_t i = 0; i < sizeof(perm_sections) / sizeof(*perm_sections);
	     i++)
		if (!strcmp(key, perm_sections[i].key))
			return &perm_sections[i];
	return NULL;
}

/* One key of an item of any section; ip->section is already set. */
static int index_perm_field(pol_ld *ld, void *obj, const char *key,
			    ynode *k, ynode *v)
{
	pol_index_perm *ip = obj;
	const perm_section *sec = &perm_sections[ip->section];

	if (!strcmp(key, sec->patterns))
		return read_list(ld, v, key, &ip->patterns);
	if (!strcmp(key, "allowed_actions"))
		return read_list(ld, v, key, &ip->actions);
	if (!strcmp(key, "fls"))
		return pol_ld_strlist(ld, v, key, false, &ip->fls);
	if (!strcmp(key, "masked_fields"))
		return pol_ld_strlist(ld, v, key, false, &ip->masked);
	/* refused, not ignored: a restriction under a misspelled key
	 * ("dsl", "fls_fields") would leave the entry granting without it */
	if (strcmp(key, "dls"))
		return pol_ld_fail(ld, k, NG_ESCHEMA, "unknown key \"%s\" in "
				   "%s: an entry is read whole or refused, "
				   "as a misspelled dls, fls or masked_fields "
				   "would grant without its restriction",
				   key, sec->key);
	ip->dls_pos = pol_ld_pos(ld, v);
	return pol_ld_str(ld, v, key, &ip->dls);
}

static int tenant_perm_field(pol_ld *ld, void *obj, const char *key,
			     ynode *k, ynode *v)
{
	pol_tenant_perm *tp = obj;

	if (!strcmp(key, "tenant_patterns"))
		return pol_ld_strlist(ld, v, key, false, &tp->patterns);
	if (!strcmp(key, "allowed_actions"))
		return read_list(ld, v, key, &tp->actions);
	return unknown_key(ld, k, key, "tenant_permissions");
}

/* One element per sequence item, each a mapping read with `fn`; a null
 * value is no items. `pos_off` is the offset of the element's pol_pos.
 * The *n elements already in *out stay in front of the new ones, and *n
 * counts both. Each new element starts as a copy of `proto`. */
static int read_items(pol_ld *ld, ynode *v, const char *key, size_t size,
		      size_t pos_off, field_fn fn, const void *proto,
		      void **out, size_t *n)
{
	size_t keep = *n, add;
	char *arr;
	int rc = 0;

	if (is_null(v))
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return pol_ld_fail(ld, v, NG_ESCHEMA,
				   "expected a list for \"%s\"", key);
	add = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (!(arr = pol_pool_alloc(ld->m->pool, (keep + add + 1) * size)))
		return nomem(ld);
	if (keep)
		memcpy(arr, *out, keep * size);
	*out = arr;
	for (size_t i = 0; !rc && i < add; i++) {
		char *elem = arr + (keep + i) * size;
		ynode *item = pol_ld_node(ld, v->data.sequence.items.start[i]);

		memcpy(elem, proto, size);
		*(pol_pos *)(elem + pos_off) = pol_ld_pos(ld, item);
		*n = keep + i + 1;
		if (!item || item->type != YAML_MAPPING_NODE)
			return pol_ld_fail(ld, item, NG_ESCHEMA,
					   "expected a mapping in \"%s\"", key);
		rc = read_fields(ld, elem, item, fn);
	}
	return rc;
}

/* index_permissions, alias_permissions and data_stream_permissions all
 * append to r->index, in the order the file gives them. */
static int read_perm_section(pol_ld *ld, pol_role *r,
			     const perm_section *sec, ynode *v)
{
	pol_index_perm proto = { .section = sec->id };

	return read_items(ld, v, sec->key, sizeof(*r->index),
			  offsetof(pol_index_perm, pos), index_perm_field,
			  &proto, (void **)&r->index, &r->nindex);
}

static const char *const legacy_role_keys[] = {
	"cluster", "indices", "readonly", "tenants", NULL
};
/* Search Guard's exclusions remove actions from what a role grants; the
 * compiled entries cannot express that (docs/limitations.md). */
static const char *const sg_role_keys[] = {
	"exclude_cluster_permissions", "exclude_index_permissions", NULL
};

static int role_field(pol_ld *ld, void *obj, const char *key, ynode *k,
		      ynode *v)
{
	static const pol_tenant_perm tenant_proto;
	pol_role *r = obj;
	const perm_section *sec = find_section(key);

	if (!strcmp(key, "cluster_permissions"))
		return read_list(ld, v, key, &r->cluster);
	if (sec)
		return read_perm_section(ld, r, sec, v);
	if (!strcmp(key, "tenant_permissions"))
		return read_items(ld, v, key, sizeof(*r->tenant),
				  offsetof(pol_tenant_perm, pos),
				  tenant_perm_field, &tenant_proto,
				  (void **)&r->tenant, &r->ntenant);
	if (!strcmp(key, "reserved"))
		return pol_ld_bool(ld, v, key, &r->reserved);
	if (!strcmp(key, "hidden"))
		return pol_ld_bool(ld, v, key, &r->hidden);
	if (is_one_of(key, legacy_role_keys))
		return pol_ld_legacy(ld, k, "role");
	if (is_one_of(key, sg_role_keys))
		return pol_ld_warn(ld, k, "\"%s\" is not supported; ignored",
				   key);
	return common_field(ld, key, k, v, "a role");
}

/* The body of an entity: null is empty, anything else must be a map. */
static int read_body(pol_ld *ld, void *obj, ynode *v, const char *what,
		     const char *name, field_fn fn)
{
	int rc;

	if (is_null(v))
		return 0;
	if ((rc = expect_map(ld, v, what, name)))
		return rc;
	return read_fields(ld, obj, v, fn);
}

static int read_role(pol_ld *ld, const char *name, ynode *k, ynode *v)
{
	pol_model *m = ld->m;
	size_t slot = find_slot(ld, name, m->nroles);
	bool skip = false;
	int rc = 0;

	if (slot < m->nroles)
		rc = clash(ld, k, "role", name, m->roles[slot].is_static, &skip);
	if (rc || skip)
		return rc;
	pol_role *r = &m->roles[slot];

	memset(r, 0, sizeof(*r));
	r->name = pol_pool_strdup(m->pool, name);
	r->pos = pol_ld_pos(ld, k);
	r->is_static = ld->is_static;
	if (!r->name)
		return nomem(ld);
	if (slot == m->nroles)
		g_hash_table_insert(ld->names, r->name,
				    GSIZE_TO_POINTER(++m->nroles));
	return read_body(ld, r, v, "role", name, role_field);
}

/* ---------------------------------------------------------------------
 * action_groups.yml
 */
static int group_field(pol_ld *ld, void *obj, const char *key, ynode *k,
		       ynode *v)
{
	pol_group *g = obj;

	if (!strcmp(key, "allowed_actions"))
		return read_list(ld, v, key, &g->actions);
	if (!strcmp(key, "type"))
		return pol_ld_str(ld, v, key, &g->type);
	if (!strcmp(key, "permissions") || !strcmp(key, "readonly"))
		return pol_ld_legacy(ld, k, "action group");
	return common_field(ld, key, k, v, "an action group");
}

static int read_group(pol_ld *ld, const char *name, ynode *k, ynode *v)
{
	pol_model *m = ld->m;
	size_t slot = find_slot(ld, name, m->ngroups);
	bool skip = false;
	int rc = 0;

	/* Version 1 wrote a group as a bare list of actions. */
	if (v && v->type == YAML_SEQUENCE_NODE)
		return pol_ld_legacy(ld, v, "action group");
	if (slot < m->ngroups)
		rc = clash(ld, k, "action group", name,
			   m->groups[slot].is_static, &skip);
	if (rc || skip)
		return rc;
	pol_group *g = &m->groups[slot];

	memset(g, 0, sizeof(*g));
	g->name = pol_pool_strdup(m->pool, name);
	g->pos = pol_ld_pos(ld, k);
	g->is_static = ld->is_static;
	if (!g->name)
		return nomem(ld);
	if (slot == m->ngroups)
		g_hash_table_insert(ld->names, g->name,
				    GSIZE_TO_POINTER(++m->ngroups));
	return read_body(ld, g, v, "action group", name, group_field);
}

/* ---------------------------------------------------------------------
 * roles_mapping.yml
 */
static int mapping_field(pol_ld *ld, void *obj, const char *key, ynode *k,
			 ynode *v)
{
	pol_mapping *mp = obj;

	if (!strcmp(key, "users"))
		return read_list(ld, v, key, &mp->users);
	if (!strcmp(key, "backend_roles"))
		return read_list(ld, v, key, &mp->backend_roles);
	if (!strcmp(key, "and_backend_roles"))
		return read_list(ld, v, key, &mp->and_backend_roles);
	if (!strcmp(key, "hosts"))
		return read_list(ld, v, key, &mp->hosts);
	if (!strcmp(key, "backendroles") || !strcmp(key, "readonly"))
		return pol_ld_legacy(ld, k, "role mapping");
	return common_field(ld, key, k, v, "a role mapping");
}

static int read_mapping(pol_ld *ld, const char *name, ynode *k, ynode *v)
{
	pol_model *m = ld->m;
	pol_mapping *mp = &m->mappings[m->nmappings++];

	memset(mp, 0, sizeof(*mp));
	mp->role = pol_pool_strdup(m->pool, name);
	mp->pos = pol_ld_pos(ld, k);
	if (!mp->role)
		return nomem(ld);
	return read_body(ld, mp, v, "role mapping", name, mapping_field);
}

/* ---------------------------------------------------------------------
 * internal_users.yml
 */
static int alloc_list(pol_ld *ld, pol_strlist *l, size_t n)
{
	l->n = 0;
	l->v = pol_pool_alloc(ld->m->pool, (n + 1) * sizeof(char *));
	l->pos = pol_pool_alloc(ld->m->pool, (n + 1) * sizeof(pol_pos));
	return l->v && l->pos ? 0 : nomem(ld);
}

/* One attribute; values that are not strings are skipped. */
static int attribute(pol_ld *ld, void *obj, const char *key, ynode *k,
		     ynode *v)
{
	static const char prefix[] = "attr.internal.";
	pol_internal_user *u = obj;
	bool sc;
	const char *text = pol_ld_scalar(v, &sc);
	size_t i = u->attr_keys.n, n = strlen(key);
	char *name;

	if (!sc)
		return pol_ld_warn(ld, v, "attribute \"%s\" is not a string; "
				   "ignored", key);
	u->attr_keys.v[i] = pol_pool_strdup(ld->m->pool, key);
	u->attr_values.v[i] = pol_pool_strdup(ld->m->pool, text ? text : "");
	name = pol_pool_alloc(ld->m->pool, sizeof(prefix) + n);
	if (!u->attr_keys.v[i] || !u->attr_values.v[i] || !name)
		return nomem(ld);
	memcpy(name, prefix, sizeof(prefix) - 1);
	memcpy(name + sizeof(prefix) - 1, key, n + 1);
	u->attr_names[i] = name;
	u->attr_keys.pos[i] = pol_ld_pos(ld, k);
	u->attr_values.pos[i] = pol_ld_pos(ld, v);
	u->attr_keys.n = u->attr_values.n = i + 1;
	return 0;
}

static int read_attributes(pol_ld *ld, pol_internal_user *u, ynode *v)
{
	size_t n;
	int rc;

	if (is_null(v))
		return 0;
	if (v->type != YAML_MAPPING_NODE)
		return pol_ld_fail(ld, v, NG_ESCHEMA,
				   "expected a mapping for \"attributes\"");
	n = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start);
	if ((rc = alloc_list(ld, &u->attr_keys, n)) ||
	    (rc = alloc_list(ld, &u->attr_values, n)))
		return rc;
	u->attr_names = pol_pool_alloc(ld->m->pool, (n + 1) * sizeof(char *));
	if (!u->attr_names)
		return nomem(ld);
	return read_fields(ld, u, v, attribute);
}

static const char *const user_ignored_keys[] = {
	"hash", "password", "service", "enabled",
	"opendistro_security_attributes", NULL
};

static int user_field(pol_ld *ld, void *obj, const char *key, ynode *k,
		      ynode *v)
{
	pol_internal_user *u = obj;

	if (!strcmp(key, "backend_roles"))
		return read_list(ld, v, key, &u->backend_roles);
	if (!strcmp(key, "opendistro_security_roles") ||
	    !strcmp(key, "search_guard_roles"))
		return read_list(ld, v, key, &u->roles);
	if (!strcmp(key, "attributes"))
		return read_attributes(ld, u, v);
	if (is_one_of(key, user_ignored_keys))
		return 0;
	return common_field(ld, key, k, v, "an internal user");
}

static int read_user(pol_ld *ld, const char *name, ynode *k, ynode *v)
{
	pol_model *m = ld->m;
	pol_internal_user *u = &m->users[m->nusers++];

	memset(u, 0, sizeof(*u));
	u->name = pol_pool_strdup(m->pool, name);
	u->pos = pol_ld_pos(ld, k);
	if (!u->name)
		return nomem(ld);
	return read_body(ld, u, v, "internal user", name, user_field);
}

/* ---------------------------------------------------------------------
 * tenants.yml and nodes_dn.yml
 */
static int read_tenant(pol_ld *ld, const char *name, ynode *k, ynode *v)
{
	pol_model *m = ld->m;

	if (!is_null(v) && v->type != YAML_MAPPING_NODE)
		return expect_map(ld, v, "tenant", name);
	for (size_t i = 0; i < m->tenants.n; i++)
		if (!strcmp(m->tenants.v[i], name))
			return 0;
	if (push_owned(&m->tenants, pol_pool_strdup(m->pool, name),
		       pol_ld_pos(ld, k)))
		return nomem(ld);
	return 0;
}

static int nodes_dn_field(pol_ld *ld, void *obj, const char *key, ynode *k,
			  ynode *v)
{
	pol_strlist l;
	int rc;

	if (strcmp(key, "nodes_dn"))
		return common_field(ld, key, k, v, "nodes_dn.yml");
	rc = pol_ld_strlist(ld, v, key, false, &l);
	for (size_t i = 0; !rc && i < l.n; i++)
		if (push_owned(&ld->m->dyn_nodes_dn, l.v[i], l.pos[i]))
			rc = nomem(ld);
	return rc;
}

static int read_nodes_dn(pol_ld *ld, const char *name, ynode *k, ynode *v)
{
	return read_body(ld, NULL, v, "nodes_dn entry", name, nodes_dn_field);
}

/* ---------------------------------------------------------------------
 * Files: the kind of a file comes from its name, without the "sg_"
 * (Search Guard) or "static_" (built-in) prefix.
 */
enum kind_id { K_GROUPS, K_ROLES, K_MAPPINGS, K_USERS, K_TENANTS, K_NODES,
	       K_CONFIG, K_NODE_SETTINGS };

typedef struct file_kind {
	const char *base;
	enum kind_id id;
	const char *meta;    /* expected _meta.type */
	entity_fn fn;        /* NULL: read as a whole */
} file_kind;

static const file_kind kinds[] = {
	{ "action_groups.yml", K_GROUPS, "actiongroups", read_group },
	{ "roles.yml", K_ROLES, "roles", read_role },
	{ "roles_mapping.yml", K_MAPPINGS, "rolesmapping", read_mapping },
	{ "internal_users.yml", K_USERS, "internalusers", read_user },
	{ "tenants.yml", K_TENANTS, "tenants", read_tenant },
	{ "nodes_dn.yml", K_NODES, "nodesdn", read_nodes_dn },
	{ "config.yml", K_CONFIG, "config", NULL },
	{ "opensearch.yml", K_NODE_SETTINGS, NULL, NULL },
	{ "elasticsearch.yml", K_NODE_SETTINGS, NULL, NULL },
};

static const file_kind *find_kind(const char *name, bool *is_static,
				  bool *sg)
{
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;

	*is_static = !strncmp(base, "static_", 7);
	if (*is_static)
		base += 7;
	*sg = !strncmp(base, "sg_", 3);
	if (*sg)
		base += 3;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(base, kinds[i].base))
			return &kinds[i];
	return NULL;
}

/* Room for `n` more entities, and the names already there. */
static int prepare(pol_ld *ld, enum kind_id id, size_t n)
{
	pol_model *m = ld->m;
	int rc = 0;

	if (id == K_ROLES) {
		rc = grow((void **)&m->roles, m->nroles + n, sizeof(pol_role));
		index_names(ld, m->roles, m->nroles, sizeof(pol_role));
	} else if (id == K_GROUPS) {
		rc = grow((void **)&m->groups, m->ngroups + n, sizeof(pol_group));
		index_names(ld, m->groups, m->ngroups, sizeof(pol_group));
	} else if (id == K_MAPPINGS) {
		rc = grow((void **)&m->mappings, m->nmappings + n,
			  sizeof(pol_mapping));
	} else if (id == K_USERS) {
		rc = grow((void **)&m->users, m->nusers + n,
			  sizeof(pol_internal_user));
	}
	return rc ? nomem(ld) : 0;
}

static int read_entities(pol_ld *ld, const file_kind *fk, ynode *root)
{
	size_t n;
	int rc;
	ynode *k;

	if (root->type != YAML_MAPPING_NODE)
		return pol_ld_fail(ld, root, NG_ESCHEMA,
				   "expected a mapping at the top level");
	n = (size_t)(root->data.mapping.pairs.top -
		     root->data.mapping.pairs.start);
	if ((rc = prepare(ld, fk->id, n)))
		return rc;
	EACH_PAIR(root, pr) {
		const char *key = key_of(ld, pr, &k);
		ynode *v = pol_ld_node(ld, pr->value);

		if (!key)
			rc = pol_ld_fail(ld, k, NG_ESCHEMA, "expected a string key");
		else if (!strcmp(key, "_meta") || !strcmp(key, "_sg_meta"))
			rc = pol_ld_meta(ld, v, fk->meta);
		else
			rc = fk->fn(ld, key, k, v);
		if (rc)
			return rc;
	}
	return 0;
}

/* The digest chains every file read: sha256(previous, name, text). */
static void chain_digest(pol_model *m, const char *file, const char *text,
			 size_t len)
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);

	g_checksum_update(c, (const guchar *)m->digest, strlen(m->digest));
	g_checksum_update(c, (const guchar *)file, strlen(file) + 1);
	g_checksum_update(c, (const guchar *)text, len);
	snprintf(m->digest, sizeof(m->digest), "sha256:%s",
		 g_checksum_get_string(c));
	g_checksum_free(c);
}

static int load_kind(pol_model *m, const file_kind *fk, const char *file,
		     const char *text, size_t len, bool is_static,
		     ng_error *err)
{
	yaml_document_t doc;
	pol_ld ld = { m, pol_pool_strdup(m->pool, file), &doc, err,
		      is_static, NULL };
	ynode *root;
	int rc;

	if (!ld.file)
		return pol_fail(err, NG_ENOMEM, file, 0, 0, "out of memory");
	if ((rc = pol_ld_parse(&ld, text, len)))
		return rc;
	root = pol_ld_root(&ld);
	if (is_null(root))
		rc = 0;   /* an empty file, or one of comments only */
	else if (fk->fn)
		rc = read_entities(&ld, fk, root);
	else if (fk->id == K_CONFIG)
		rc = pol_read_config(&ld, root);
	else
		rc = pol_read_node_settings(&ld, root);
	yaml_document_delete(&doc);
	if (ld.names)
		g_hash_table_destroy(ld.names);
	if (!rc)
		chain_digest(m, ld.file, text, len);
	return rc;
}

int pol_model_load_text(pol_model *m, const char *kind, const char *text,
			size_t len, ng_error *err)
{
	bool is_static, sg;
	const file_kind *fk = kind ? find_kind(kind, &is_static, &sg) : NULL;

	if (!m || !text || !fk)
		return pol_fail(err, NG_EINVAL, kind ? kind : "", 0, 0,
				"unknown configuration file \"%s\"",
				kind ? kind : "");
	if (sg && !is_static)
		m->config.search_guard = true;
	return load_kind(m, fk, kind, text, len, is_static, err);
}

/* ---------------------------------------------------------------------
 * Models as a whole.
 */
typedef struct static_file {
	const char *name;    /* "static_" + the kind: its positions' file */
	const char *text;
} static_file;

/* The built-in files of each pol_builtins value, in loading order. */
static const static_file builtin_files[][3] = {
	[POL_BUILTINS_OPENSEARCH] = {
		{ "static_action_groups.yml", pol_static_action_groups },
		{ "static_roles.yml", pol_static_roles },
		{ "static_tenants.yml", pol_static_tenants },
	},
	[POL_BUILTINS_SEARCH_GUARD] = {
		{ "static_sg_action_groups.yml", pol_sg_static_action_groups },
		{ "static_sg_roles.yml", pol_sg_static_roles },
		{ "static_sg_tenants.yml", pol_sg_static_tenants },
	},
};

static int load_builtins(pol_model *m, pol_builtins which, ng_error *err)
{
	int rc = 0;

	/* POL_BUILTINS_NONE, or a value outside the enum: no built-ins. */
	if ((size_t)which >= sizeof(builtin_files) / sizeof(*builtin_files))
		return 0;
	for (size_t i = 0; !rc && i < 3; i++) {
		const static_file *f = &builtin_files[which][i];

		rc = pol_model_load_text(m, f->name, f->text, strlen(f->text),
					 err);
	}
	m->config.search_guard = which == POL_BUILTINS_SEARCH_GUARD;
	return rc;
}

int pol_model_new_builtins(pol_model **out, pol_builtins which,
			   ng_error *err)
{
	pol_model *m = calloc(1, sizeof(*m));
	int rc = 0;

	*out = NULL;
	if (!m || !(m->pool = pol_pool_new())) {
		free(m);
		return pol_fail(err, NG_ENOMEM, NULL, 0, 0, "out of memory");
	}
	pol_config_defaults(&m->config);
	m->config.security_index = pol_pool_strdup(m->pool, ".opendistro_security");
	m->config.salt = pol_pool_strdup(m->pool, "e1ukloTsQlOgPquJ");
	if (!m->config.security_index || !m->config.salt)
		rc = pol_fail(err, NG_ENOMEM, NULL, 0, 0, "out of memory");
	if (!rc)
		rc = load_builtins(m, which, err);
	if (rc) {
		pol_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int pol_model_new_empty(pol_model **out, ng_error *err)
{
	return pol_model_new_builtins(out, POL_BUILTINS_OPENSEARCH, err);
}

void pol_model_free(pol_model *m)
{
	if (!m)
		return;
	free(m->roles);
	free(m->mappings);
	free(m->groups);
	free(m->users);
	free(m->tenants.v);
	free(m->tenants.pos);
	free(m->warnings.v);
	free(m->warnings.pos);
	free(m->dyn_nodes_dn.v);
	free(m->dyn_nodes_dn.pos);
	pol_pool_free(m->pool);
	free(m);
}

/* ---------------------------------------------------------------------
 * Files: regular files only, their size bounded while reading too, so
 * that a file that grows after its size is taken costs at most one byte
 * past the limit.
 */

/* Grow the buffer, to at most max + 1 bytes (and the terminator). */
static char *grow_buf(char *buf, size_t *cap, size_t max)
{
	size_t want = *cap * 2 + 4096;
	char *p;

	if (want > max + 1)
		want = max + 1;
	p = realloc(buf, want + 1);
	if (!p)
		free(buf);
	else
		*cap = want;
	return p;
}

/* Read to the end, or to max + 1 bytes: 0, NG_ENOMEM, NG_ELIMIT, or
 * NG_EIO with errno set. `cap` (at most max + 1) is the first buffer
 * size; one more than the expected size finds the end without growing. */
static int read_bounded(int fd, size_t cap, size_t max, char **out,
			size_t *len)
{
	char *buf = malloc(cap + 1);
	size_t n = 0;
	ssize_t got = 1;
	int saved;

	while (buf && got > 0 && n <= max) {
		if (n == cap && !(buf = grow_buf(buf, &cap, max)))
			break;
		got = read(fd, buf + n, cap - n);
		if (got > 0)
			n += (size_t)got;
		else if (got < 0 && errno == EINTR)
			got = 1;
	}
	if (!buf)
		return NG_ENOMEM;
	if (got < 0 || n > max) {
		saved = errno;
		free(buf);
		errno = saved;
		return got < 0 ? NG_EIO : NG_ELIMIT;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

static int too_large(const char *shown, ng_error *err)
{
	return pol_fail(err, NG_ELIMIT, shown, 0, 0,
			"file is larger than %u bytes", POL_MAX_FILE_BYTES);
}

static int cannot_read(const char *shown, const char *why, ng_error *err)
{
	return pol_fail(err, NG_EIO, shown, 0, 0, "cannot read the file: %s",
			why);
}

/* Only a regular file, after links, is a configuration file. A named
 * pipe without a writer would read as empty and a device as whatever it
 * yields, so either could silently replace a policy; both are refused.
 * The descriptor was opened without blocking, so that a pipe cannot
 * stall the open; a regular file's reads ignore the flag. */
static int check_type(int fd, const char *shown, size_t *hint,
		      ng_error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return cannot_read(shown, g_strerror(errno), err);
	if (S_ISDIR(st.st_mode))
		return cannot_read(shown, "it is a directory", err);
	if (!S_ISREG(st.st_mode))
		return cannot_read(shown, "not a regular file", err);
	if ((uintmax_t)st.st_size > POL_MAX_FILE_BYTES)
		return too_large(shown, err);
	*hint = (size_t)st.st_size;
	return 0;
}

/* The file's bytes, `hint` of them expected, with the error named. */
static int read_whole(int fd, size_t hint, const char *shown, char **text,
		      size_t *len, ng_error *err)
{
	size_t max = POL_MAX_FILE_BYTES;
	int rc = read_bounded(fd, (hint < max ? hint : max) + 1, max, text, len);

	if (rc == NG_ENOMEM)
		return pol_fail(err, rc, shown, 0, 0, "out of memory");
	if (rc == NG_ELIMIT)
		return too_large(shown, err);
	if (rc)
		return cannot_read(shown, g_strerror(errno), err);
	return 0;
}

int pol_read_file(const char *path, const char *shown, char **text,
		  size_t *len, ng_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	size_t hint = 0;
	int rc;

	struct stat st;

	*text = NULL;
	*len = 0;
	/* Absent, unless the name is there as a link to nothing: a file the
	 * operator meant to be read (node settings that protect the system
	 * indices, say) must not silently count as absent. */
	if (fd < 0 && errno == ENOENT && lstat(path, &st) == 0)
		return cannot_read(shown, "it is a link to a file that does "
				   "not exist", err);
	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0)
		return cannot_read(shown, g_strerror(errno), err);
	rc = check_type(fd, shown, &hint, err);
	if (!rc)
		rc = read_whole(fd, hint, shown, text, len, err);
	close(fd);
	return rc;
}

/* Load `dir/name` as the kind `fk`; *found false when it is absent. */
static int load_path(pol_model *m, const char *dir, const char *name,
		     const file_kind *fk, bool *found, ng_error *err)
{
	char *path = dir ? g_build_filename(dir, name, NULL) : g_strdup(name);
	/* a file of the directory by its name, one given alone (the node
	 * settings) by its path as given */
	const char *base = dir && strrchr(name, '/') ? strrchr(name, '/') + 1
						     : name;
	char *text = NULL;
	size_t len = 0;
	int rc = pol_read_file(path, base, &text, &len, err);

	g_free(path);
	*found = rc != 1;
	if (rc)
		return rc == 1 ? 0 : rc;
	rc = load_kind(m, fk, base, text, len, false, err);
	free(text);
	return rc;
}

static int load_settings(pol_model *m, const char *dir, const char *path,
			 ng_error *err)
{
	const file_kind *fk = &kinds[K_NODE_SETTINGS];
	bool found;
	int rc;

	if (path) {
		rc = load_path(m, NULL, path, fk, &found, err);
		if (!rc && !found)
			rc = pol_fail(err, NG_EIO, path, 0, 0,
				      "node settings file not found");
		return rc;
	}
	rc = load_path(m, dir, "opensearch.yml", fk, &found, err);
	if (!rc && !found)
		rc = load_path(m, dir, "elasticsearch.yml", fk, &found, err);
	return rc;
}

bool pol_dir_has(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL);
	struct stat st;
	bool found = lstat(path, &st) == 0;

	g_free(path);
	return found;
}

bool pol_dir_is_search_guard(const char *dir)
{
	for (size_t i = 0; dir && kinds[i].id != K_NODE_SETTINGS; i++) {
		char sg[64];

		snprintf(sg, sizeof(sg), "sg_%s", kinds[i].base);
		if (!pol_dir_has(dir, kinds[i].base) && pol_dir_has(dir, sg))
			return true;
	}
	return false;
}

/* The files of one directory, OpenSearch names first, then sg_ names.
 * A directory without any of them is most likely the wrong one: it
 * loads (the built-ins alone, which grant no one anything) with a
 * warning that says so. */
static int load_files(pol_model *m, const char *dir, ng_error *err)
{
	bool any = false;
	int rc = 0;

	for (size_t i = 0; !rc && kinds[i].id != K_NODE_SETTINGS; i++) {
		char sg[64];
		bool found;

		rc = load_path(m, dir, kinds[i].base, &kinds[i], &found, err);
		any = any || found;
		snprintf(sg, sizeof(sg), "sg_%s", kinds[i].base);
		/* both names: the node reads one, and the other is no part
		 * of the policy, whatever it says */
		if (!rc && found && pol_dir_has(dir, sg))
			rc = pol_warn(m, &(pol_pos){ pol_pool_strdup(m->pool, sg),
						    0, 0 },
				      "not read: %s is read instead, and a "
				      "node reads only one of the two",
				      kinds[i].base);
		if (rc || found)
			continue;
		rc = load_path(m, dir, sg, &kinds[i], &found, err);
		any = any || found;
		if (found)
			m->config.search_guard = true;
	}
	if (!rc && !any)
		rc = pol_warn(m, &(pol_pos){ NULL, 0, 0 }, "no configuration "
			      "file (roles.yml, roles_mapping.yml, ... or their "
			      "sg_ names) in the directory, so nothing is "
			      "granted");
	return rc;
}

int pol_check_dir(const char *dir, ng_error *err)
{
	struct stat st;

	if (!dir || !*dir)
		return pol_fail(err, NG_EIO, "", 0, 0,
				"no configuration directory given");
	if (stat(dir, &st) != 0 && errno == ENOENT)
		return pol_fail(err, NG_EIO, dir, 0, 0, "no such directory");
	if (stat(dir, &st) != 0)
		return pol_fail(err, NG_EIO, dir, 0, 0,
				"cannot read the directory: %s",
				strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return pol_fail(err, NG_EIO, dir, 0, 0, "not a directory");
	return 0;
}

int pol_model_load_dir(const char *dir, const char *node_settings,
		       pol_model **out, ng_error *err)
{
	pol_model *m = NULL;
	int rc;

	*out = NULL;
	rc = pol_check_dir(dir, err);
	if (rc)
		return rc;
	rc = pol_model_new_builtins(&m, pol_dir_is_search_guard(dir)
					? POL_BUILTINS_SEARCH_GUARD
					: POL_BUILTINS_OPENSEARCH, err);
	if (rc)
		return rc;
	rc = load_files(m, dir, err);
	if (!rc)
		rc = load_settings(m, dir, node_settings, err);
	if (!rc)
		rc = pol_model_check(m, err);
	if (rc) {
		pol_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}
