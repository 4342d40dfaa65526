/*
 * Enumerating what a policy and a metadata snapshot hold, for tools that
 * build requests of their own (diff, matrix).
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

struct ng_names {
	char **v;        /* NULL-terminated, g_strfreev */
	size_t n;
};

const ng_policy *ng_engine_policy(const ng_engine *e)
{
	return e ? e->policy : NULL;
}

const ng_metadata *ng_engine_metadata(const ng_engine *e)
{
	return e ? e->md : NULL;
}

size_t ng_policy_role_count(const ng_policy *p)
{
	return p ? p->pc->nroles : 0;
}

const char *ng_policy_role_name(const ng_policy *p, size_t i)
{
	return p && i < p->pc->nroles ? p->pc->role_names[i] : NULL;
}

const char *ng_metadata_index_name(const ng_metadata *m, size_t i)
{
	return m && i < m->nindices ? m->indices[i].name : NULL;
}

size_t ng_names_count(const ng_names *n)
{
	return n ? n->n : 0;
}

const char *ng_names_get(const ng_names *n, size_t i)
{
	return n && i < n->n ? n->v[i] : NULL;
}

void ng_names_free(ng_names *n)
{
	if (!n)
		return;
	g_strfreev(n->v);
	free(n);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The texts of a set, copied, sorted; NULL out of memory. The set is
 * destroyed. */
static ng_names *sorted_names(GHashTable *set)
{
	ng_names *n = calloc(1, sizeof(*n));

	if (n) {
		GList *keys = g_hash_table_get_keys(set);
		size_t i = 0;

		n->n = g_list_length(keys);
		n->v = g_new0(char *, n->n + 1);
		for (GList *k = keys; k; k = k->next)
			n->v[i++] = g_strdup(k->data);
		g_list_free(keys);
		qsort(n->v, n->n, sizeof(char *), cmp_str);
	}
	g_hash_table_destroy(set);
	return n;
}

static void add_rules(GHashTable *set, const char *role, const char *key,
		      const pol_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		g_hash_table_add(set, g_strdup_printf("%s: %s %s", role, key,
						      l->v[i]));
}

int ng_policy_mapping_rules(const ng_policy *p, ng_names **out)
{
	const pol_model *m;
	GHashTable *set;
	ng_names *n;

	if (out)
		*out = NULL;
	if (!p || !out)
		return ng_fail(NG_EINVAL,
			       "ng_policy_mapping_rules: null argument");
	m = p->pc->model;
	set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (size_t i = 0; i < m->nmappings; i++) {
		const pol_mapping *mp = &m->mappings[i];

		add_rules(set, mp->role, "users", &mp->users);
		add_rules(set, mp->role, "backend_roles", &mp->backend_roles);
		add_rules(set, mp->role, "hosts", &mp->hosts);
		if (mp->and_backend_roles.n) {
			/* all of them, in any order: one rule */
			size_t nb = mp->and_backend_roles.n;
			char **all = g_new(char *, nb);
			GString *s = g_string_new(NULL);

			memcpy(all, mp->and_backend_roles.v, nb * sizeof(*all));
			qsort(all, nb, sizeof(*all), cmp_str);
			g_string_printf(s, "%s: and_backend_roles ", mp->role);
			for (size_t k = 0; k < nb; k++)
				g_string_append_printf(s, "%s%s", k ? " + " : "",
						       all[k]);
			g_free(all);
			g_hash_table_add(set, g_string_free(s, FALSE));
		}
	}
	n = sorted_names(set);
	*out = n;
	return n ? 0 : ng_fail(NG_ENOMEM, "out of memory listing the mapping");
}

int ng_policy_users(const ng_policy *p, ng_names **out)
{
	const pol_model *m;
	GHashTable *seen;
	ng_names *n;

	if (out)
		*out = NULL;
	if (!p || !out)
		return ng_fail(NG_EINVAL, "ng_policy_users: null argument");
	m = p->pc->model;
	seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (size_t i = 0; i < m->nusers; i++)
		g_hash_table_add(seen, m->users[i].name);
	for (size_t i = 0; i < m->nmappings; i++)
		for (size_t k = 0; k < m->mappings[i].users.n; k++)
			if (pol_pattern_is_literal(m->mappings[i].users.v[k]))
				g_hash_table_add(seen, m->mappings[i].users.v[k]);
	n = sorted_names(seen);
	*out = n;
	return n ? 0 : ng_fail(NG_ENOMEM, "out of memory listing users");
}
