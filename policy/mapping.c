/*
 * Role mapping: users, backend roles, and_backend_roles and hosts to the
 * roles that roles_mapping.yml assigns them. Exact names are looked up in
 * the policy's table of names (names.c), one probe per name of the user,
 * so their cost does not grow with the number of roles; only patterns are
 * tried one by one.
 */
#define POL_INTERNAL
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
	pol_names *names;      /* borrowed: the exact names */
	pat_list user_pats, backend_pats, host_pats;
	and_rule *and_rules;
	size_t nand;
};

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

/* Literal names into the table of names (when `kind` is a list of
 * names: LIST_USERS or LIST_BACKEND), patterns into `pl`. Blank entries
 * match nothing, as in the peer. */
enum { LIST_HOSTS, LIST_USERS, LIST_BACKEND };

static int add_list(pol_maptab *t, int kind, pat_list *pl,
		    const pol_strlist *l, uint32_t role, ng_error *err)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < l->n; i++) {
		if (!*l->v[i])
			continue;
		if (kind != LIST_HOSTS && pol_pattern_is_literal(l->v[i])) {
			if (pol_names_map(t->names, l->v[i], kind == LIST_USERS,
					  role))
				rc = pol_fail(err, NG_ENOMEM, NULL, 0, 0,
					      "out of memory");
		} else {
			rc = add_pattern(pl, l, i, role, err);
		}
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
	int rc = add_list(t, LIST_USERS, &t->user_pats, &mp->users, role, err);

	if (!rc)
		rc = add_list(t, LIST_BACKEND, &t->backend_pats,
			      &mp->backend_roles, role, err);
	if (!rc)
		rc = add_list(t, LIST_HOSTS, &t->host_pats, &mp->hosts, role,
			      err);
	if (!rc && mp->and_backend_roles.n)
		rc = add_and_rule(t, &mp->and_backend_roles, role, err);
	return rc;
}

int pol_maptab_new(const pol_model *m, pol_names *names, pol_maptab **out,
		   ng_error *err)
{
	pol_maptab *t = calloc(1, sizeof(*t));
	int rc = 0;

	*out = NULL;
	if (!t)
		return pol_fail(err, NG_ENOMEM, NULL, 0, 0, "out of memory");
	t->names = names;
	/* Mappings of roles that do not exist grant nothing. */
	for (size_t i = 0; !rc && i < m->nmappings; i++) {
		int id = pol_names_role(names, m->mappings[i].role);

		if (id >= 0)
			rc = add_mapping(t, &m->mappings[i], (uint32_t)id, err);
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

/* The roles mapped so far, with the reason each was first granted for;
 * the first `cap` of them also listed in ids[] in that order. */
typedef struct grant_ctx {
	pol_word *roles;
	const char **why;
	uint32_t *ids;
	size_t n, cap;
} grant_ctx;

/* Backend roles whose names are looked up once for both of their uses
 * (as role names and in the mappings); past that, looked up again. */
#define BACKEND_SEEN 16

static inline void grant(grant_ctx *g, uint32_t r, const char *reason)
{
	if (pol_bit(g->roles, r))
		return;
	pol_setbit(g->roles, r);
	if (g->why)
		g->why[r] = reason;
	if (g->n < g->cap)
		g->ids[g->n] = r;
	g->n++;
}

static void grant_ids(grant_ctx *g, const uint32_t *ids, size_t n,
		      const char *reason)
{
	for (size_t i = 0; i < n; i++)
		grant(g, ids[i], reason);
}

/* Roles named directly; names that are no role are ignored. */
static void grant_names(const pol_maptab *t, grant_ctx *g,
			const char *const *names, size_t n, const char *reason)
{
	for (size_t i = 0; i < n; i++) {
		int r = pol_names_role(t->names, names[i]);

		if (r >= 0)
			grant(g, (uint32_t)r, reason);
	}
}

static void match_pats(const pat_list *pl, const char *s, grant_ctx *g,
		       const char *reason)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < pl->n; i++)
		if (!pol_bit(g->roles, pl->v[i].role) &&
		    pol_pattern_match(&pl->v[i].p, s, n))
			grant(g, pl->v[i].role, reason);
}

/* Most policies map by exact names only: no call for an empty list. */
static inline void grant_pats(const pat_list *pl, const char *s,
			      grant_ctx *g, const char *reason)
{
	if (pl->n)
		match_pats(pl, s, g, reason);
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
			    grant_ctx *g)
{
	for (size_t i = 0; i < t->nand; i++) {
		const and_rule *r = &t->and_rules[i];
		size_t j = 0;

		while (j < r->n && any_backend_matches(&r->pats[j], u))
			j++;
		if (r->n && j == r->n)
			grant(g, r->role, "and_backend_roles");
	}
}

/* The name of backend role i, from seen[] (nseen entries) when it was
 * looked up already. */
static const pol_name *backend_name(const pol_maptab *t, const pol_user *u,
				    const pol_name *const *seen, size_t nseen,
				    size_t i)
{
	return i < nseen ? seen[i]
			 : pol_names_find(t->names, u->backend_roles[i]);
}

/* roles_mapping.yml: `self` is the user's name in the table of names. */
static void grant_mappings(const pol_maptab *t, const pol_user *u,
			   const pol_name *self, const pol_name *const *seen,
			   size_t nseen, grant_ctx *g)
{
	if (u->name) {
		if (self)
			grant_ids(g, self->by_users, self->nby_users, "users");
		grant_pats(&t->user_pats, u->name, g, "users");
	}
	for (size_t i = 0; i < u->nbackend; i++) {
		const pol_name *nm = backend_name(t, u, seen, nseen, i);

		if (nm)
			grant_ids(g, nm->by_backend, nm->nby_backend,
				  "backend_roles");
		grant_pats(&t->backend_pats, u->backend_roles[i], g,
			   "backend_roles");
	}
	grant_and_rules(t, u, g);
	if (u->address)
		grant_pats(&t->host_pats, u->address, g, "hosts");
}

/* Backend roles taken as role names, before any mapping. The names looked
 * up are kept in seen[] (at most BACKEND_SEEN) for the mappings. */
static size_t grant_backend_names(const pol_maptab *t, const pol_user *u,
				  const pol_name **seen, grant_ctx *g)
{
	size_t nseen = 0;

	for (size_t i = 0; i < u->nbackend; i++) {
		const pol_name *nm = pol_names_find(t->names, u->backend_roles[i]);

		if (nseen < BACKEND_SEEN)
			seen[nseen++] = nm;
		if (nm && nm->role >= 0)
			grant(g, (uint32_t)nm->role, "backend role name");
	}
	return nseen;
}

bool pol_maptab_user_patterns(const pol_maptab *t)
{
	return t->user_pats.n > 0;
}

bool pol_maptab_hosts(const pol_maptab *t)
{
	return t->host_pats.n > 0;
}

/* The order of the steps is the order of the reasons: a role keeps the
 * reason of the first step that grants it. */
size_t pol_maptab_map(const pol_maptab *t, pol_mapping_resolution res,
		      const pol_user *u, pol_word *roles, const char **why,
		      uint32_t *ids, size_t cap)
{
	grant_ctx g = { roles, why, ids, 0, cap };
	const pol_name *self = pol_names_find(t->names, u->name);
	const pol_name *seen[BACKEND_SEEN];
	size_t nseen = 0;

	grant_names(t, &g, u->roles, u->nroles, "direct");
	if (self)
		grant_ids(&g, self->user_roles, self->nuser_roles, "direct");
	if (res != POL_MAP_MAPPING_ONLY)
		nseen = grant_backend_names(t, u, seen, &g);
	if (res != POL_MAP_BACKENDROLES_ONLY)
		grant_mappings(t, u, self, seen, nseen, &g);
	return g.n;
}
