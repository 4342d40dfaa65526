/*
 * Role mapping: users, backend roles, and_backend_roles and hosts to the
 * roles that roles_mapping.yml assigns them. Exact names are looked up in
 * hash tables, so their cost does not grow with the number of roles; only
 * patterns are tried one by one.
 */
#define POL_INTERNAL
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

typedef struct pat_role {
	pol_pattern p;
	uint32_t role;
} pat_role;

typedef struct and_rule {
	uint32_t role;
	pol_pattern *pats;
	size_t n;
} and_rule;

typedef struct pat_list {
	pat_role *v;
	size_t n;
} pat_list;

struct pol_maptab {
	GHashTable *users;     /* exact user name -> GArray of uint32 role */
	GHashTable *backend;   /* exact backend role -> GArray of uint32 role */
	pat_list user_pats, backend_pats, host_pats;
	and_rule *and_rules;
	size_t nand;
};

static void array_free(gpointer a)
{
	g_array_unref(a);
}

static void add_exact(GHashTable *h, const char *name, uint32_t role)
{
	GArray *a = g_hash_table_lookup(h, name);

	if (!a) {
		a = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		g_hash_table_insert(h, (gpointer)name, a);
	}
	g_array_append_val(a, role);
}

static int pattern_at(pol_pattern *p, const pol_strlist *l, size_t i,
		      unsigned flags, ng_error *err)
{
	int rc = pol_pattern_compile(p, l->v[i], flags, err);

	if (rc && err) {
		snprintf(err->file, sizeof(err->file), "%s", l->pos[i].file);
		err->line = l->pos[i].line;
		err->column = l->pos[i].col;
	}
	return rc;
}

static int add_pattern(pat_list *pl, const pol_strlist *l, size_t i,
		       uint32_t role, ng_error *err)
{
	pat_role *v = realloc(pl->v, (pl->n + 1) * sizeof(*v));
	int rc;

	if (!v)
		return pol_fail(err, NG_ENOMEM, NULL, 0, 0, "out of memory");
	pl->v = v;
	rc = pattern_at(&v[pl->n].p, l, i, 0, err);
	if (!rc)
		v[pl->n++].role = role;
	return rc;
}

/* Literal names into `exact` (when given), patterns into `pl`. Blank
 * entries match nothing, as in the peer. */
static int add_list(GHashTable *exact, pat_list *pl, const pol_strlist *l,
		    uint32_t role, ng_error *err)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < l->n; i++) {
		if (!*l->v[i])
			continue;
		if (exact && pol_pattern_is_literal(l->v[i]))
			add_exact(exact, l->v[i], role);
		else
			rc = add_pattern(pl, l, i, role, err);
	}
	return rc;
}

static int add_and_rule(pol_maptab *t, const pol_strlist *l, uint32_t role,
			ng_error *err)
{
	and_rule *v = realloc(t->and_rules, (t->nand + 1) * sizeof(*v));
	and_rule *r;
	int rc = 0;

	if (!v)
		return pol_fail(err, NG_ENOMEM, NULL, 0, 0, "out of memory");
	t->and_rules = v;
	r = &v[t->nand++];
	r->role = role;
	r->n = 0;
	r->pats = calloc(l->n, sizeof(pol_pattern));
	if (!r->pats)
		return pol_fail(err, NG_ENOMEM, NULL, 0, 0, "out of memory");
	for (size_t i = 0; !rc && i < l->n; i++)
		if (!(rc = pattern_at(&r->pats[i], l, i, 0, err)))
			r->n++;
	return rc;
}

static int add_mapping(pol_maptab *t, const pol_mapping *mp, uint32_t role,
		       ng_error *err)
{
	int rc = add_list(t->users, &t->user_pats, &mp->users, role, err);

	if (!rc)
		rc = add_list(t->backend, &t->backend_pats, &mp->backend_roles,
			      role, err);
	if (!rc)
		rc = add_list(NULL, &t->host_pats, &mp->hosts, role, err);
	if (!rc && mp->and_backend_roles.n)
		rc = add_and_rule(t, &mp->and_backend_roles, role, err);
	return rc;
}

int pol_maptab_new(const pol_model *m, void *role_ids, pol_maptab **out,
		   ng_error *err)
{
	pol_maptab *t = calloc(1, sizeof(*t));
	int rc = 0;

	*out = NULL;
	if (!t)
		return pol_fail(err, NG_ENOMEM, NULL, 0, 0, "out of memory");
	t->users = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					 array_free);
	t->backend = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					   array_free);
	/* Mappings of roles that do not exist grant nothing. */
	for (size_t i = 0; !rc && i < m->nmappings; i++) {
		gpointer id = g_hash_table_lookup(role_ids, m->mappings[i].role);

		if (id)
			rc = add_mapping(t, &m->mappings[i],
					 (uint32_t)(GPOINTER_TO_SIZE(id) - 1), err);
	}
	if (rc) {
		pol_maptab_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

static void free_pats(pat_list *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		pol_pattern_clear(&pl->v[i].p);
	free(pl->v);
}

void pol_maptab_free(pol_maptab *t)
{
	if (!t)
		return;
	g_hash_table_destroy(t->users);
	g_hash_table_destroy(t->backend);
	free_pats(&t->user_pats);
	free_pats(&t->backend_pats);
	free_pats(&t->host_pats);
	for (size_t i = 0; i < t->nand; i++) {
		for (size_t j = 0; j < t->and_rules[i].n; j++)
			pol_pattern_clear(&t->and_rules[i].pats[j]);
		free(t->and_rules[i].pats);
	}
	free(t->and_rules);
	free(t);
}

/* ---------------------------------------------------------------------
 * Applying the tables to one user.
 */
static void grant(pol_word *roles, const char **why, uint32_t r,
		  const char *reason)
{
	if (pol_bit(roles, r))
		return;
	pol_setbit(roles, r);
	if (why)
		why[r] = reason;
}

static void grant_exact(GHashTable *h, const char *name, pol_word *roles,
			const char **why, const char *reason)
{
	GArray *a = name ? g_hash_table_lookup(h, name) : NULL;

	for (guint i = 0; a && i < a->len; i++)
		grant(roles, why, g_array_index(a, uint32_t, i), reason);
}

static void grant_pats(const pat_list *pl, const char *s, pol_word *roles,
		       const char **why, const char *reason)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < pl->n; i++)
		if (!pol_bit(roles, pl->v[i].role) &&
		    pol_pattern_match(&pl->v[i].p, s, n))
			grant(roles, why, pl->v[i].role, reason);
}

static bool any_backend_matches(const pol_pattern *p, const pol_user *u)
{
	for (size_t i = 0; i < u->nbackend; i++)
		if (pol_pattern_match(p, u->backend_roles[i],
				      strlen(u->backend_roles[i])))
			return true;
	return false;
}

static void grant_and_rules(const pol_maptab *t, const pol_user *u,
			    pol_word *roles, const char **why)
{
	for (size_t i = 0; i < t->nand; i++) {
		const and_rule *r = &t->and_rules[i];
		size_t j = 0;

		while (j < r->n && any_backend_matches(&r->pats[j], u))
			j++;
		if (r->n && j == r->n)
			grant(roles, why, r->role, "and_backend_roles");
	}
}

void pol_maptab_apply(const pol_maptab *t, const pol_user *u,
		      pol_word *roles, const char **why)
{
	if (u->name) {
		grant_exact(t->users, u->name, roles, why, "users");
		grant_pats(&t->user_pats, u->name, roles, why, "users");
	}
	for (size_t i = 0; i < u->nbackend; i++) {
		const char *br = u->backend_roles[i];

		grant_exact(t->backend, br, roles, why, "backend_roles");
		grant_pats(&t->backend_pats, br, roles, why, "backend_roles");
	}
	grant_and_rules(t, u, roles, why);
	if (u->address)
		grant_pats(&t->host_pats, u->address, roles, why, "hosts");
}
