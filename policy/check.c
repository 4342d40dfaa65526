/*
 * Checks over a whole model once every file is read: references to roles
 * and action groups that are defined nowhere are warnings, as the peer
 * loads such configurations and ignores the dangling names.
 */
#define POL_INTERNAL
#include <glib.h>
#include <string.h>

#include "policy.h"

typedef struct checker {
	pol_model *m;
	GHashTable *roles, *groups;
	int rc;
} checker;

/* A permission that is neither an action name nor a pattern can only be
 * meant as an action group. */
static bool looks_like_group(const char *s)
{
	size_t n = strlen(s);

	return n && !strpbrk(s, ":*?") && !(n >= 2 && s[0] == '/' &&
					    s[n - 1] == '/');
}

static void check_perms(checker *c, const pol_strlist *l)
{
	for (size_t i = 0; !c->rc && i < l->n; i++)
		if (looks_like_group(l->v[i]) &&
		    !g_hash_table_contains(c->groups, l->v[i]))
			c->rc = pol_warn(c->m, &l->pos[i], "undefined action "
					 "group \"%s\"; taken as an action name",
					 l->v[i]);
}

static void check_role_ref(checker *c, const char *name, const pol_pos *pos,
			   const char *what)
{
	if (!c->rc && !g_hash_table_contains(c->roles, name))
		c->rc = pol_warn(c->m, pos, "%s names undefined role \"%s\"",
				 what, name);
}

static void check_roles(checker *c)
{
	const pol_model *m = c->m;

	for (size_t i = 0; i < m->nroles; i++) {
		const pol_role *r = &m->roles[i];

		check_perms(c, &r->cluster);
		for (size_t j = 0; j < r->nindex; j++)
			check_perms(c, &r->index[j].actions);
		for (size_t j = 0; j < r->ntenant; j++)
			check_perms(c, &r->tenant[j].actions);
	}
	for (size_t i = 0; i < m->ngroups; i++)
		check_perms(c, &m->groups[i].actions);
}

static void check_refs(checker *c)
{
	const pol_model *m = c->m;

	for (size_t i = 0; i < m->nmappings; i++)
		check_role_ref(c, m->mappings[i].role, &m->mappings[i].pos,
			       "role mapping");
	for (size_t i = 0; i < m->nusers; i++) {
		const pol_strlist *l = &m->users[i].roles;

		for (size_t j = 0; j < l->n; j++)
			check_role_ref(c, l->v[j], &l->pos[j], "internal user");
	}
}

/* nodes_dn.yml counts only when the node settings enable it. */
static int merge_nodes_dn(pol_model *m)
{
	pol_strlist *dst = &m->config.nodes_dn;
	const pol_strlist *src = &m->dyn_nodes_dn;
	size_t n = dst->n + src->n;
	char **v;
	pol_pos *pos;

	if (!m->config.nodes_dn_dynamic || !src->n)
		return 0;
	v = pol_pool_alloc(m->pool, (n + 1) * sizeof(char *));
	pos = pol_pool_alloc(m->pool, (n + 1) * sizeof(pol_pos));
	if (!v || !pos)
		return NG_ENOMEM;
	memcpy(v, dst->v, dst->n * sizeof(char *));
	memcpy(pos, dst->pos, dst->n * sizeof(pol_pos));
	memcpy(v + dst->n, src->v, src->n * sizeof(char *));
	memcpy(pos + dst->n, src->pos, src->n * sizeof(pol_pos));
	dst->v = v;
	dst->pos = pos;
	dst->n = n;
	return 0;
}

int pol_model_check(pol_model *m, ng_error *err)
{
	checker c = { m, g_hash_table_new(g_str_hash, g_str_equal),
		      g_hash_table_new(g_str_hash, g_str_equal), 0 };

	for (size_t i = 0; i < m->nroles; i++)
		g_hash_table_add(c.roles, m->roles[i].name);
	for (size_t i = 0; i < m->ngroups; i++)
		g_hash_table_add(c.groups, m->groups[i].name);
	check_roles(&c);
	check_refs(&c);
	g_hash_table_destroy(c.roles);
	g_hash_table_destroy(c.groups);
	if (!c.rc)
		c.rc = merge_nodes_dn(m);
	if (!c.rc)
		c.rc = pol_config_finish(m);
	if (c.rc)
		return pol_fail(err, c.rc, NULL, 0, 0, "out of memory");
	return 0;
}
