/*
 * Everything a name can mean to the role mapping, under one key: the role
 * of that name, the internal user of that name (with its roles resolved
 * to ids), and the roles that roles_mapping.yml maps to it as a user and
 * as a backend role. Mapping a user then costs one probe for its name and
 * one for each backend role, whatever tables the name is needed from.
 */
#define POL_INTERNAL
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "strtab.h"

/* While building: `role` belongs on list `list` of name `name`. */
typedef struct name_link {
	uint32_t name;
	uint32_t list;
	uint32_t role;
} name_link;

enum { LIST_USER_ROLES, LIST_BY_USERS, LIST_BY_BACKEND };

struct pol_names {
	pol_strtab *tab;       /* name -> index in v */
	pol_name *v;
	const char **keys;     /* the name of each record of v */
	size_t n, cap;
	uint32_t *ids;         /* the lists of v, back to back */
	GArray *links;         /* until pol_names_finish */
};

/* The record of `name`, added when new; NULL only past the capacity. */
static pol_name *record(pol_names *t, const char *name, uint32_t *index)
{
	uint32_t *slot = pol_strtab_put(t->tab, name);

	if (!slot)
		return NULL;
	if (*slot == POL_STRTAB_NONE) {
		if (t->n == t->cap)
			return NULL;
		*slot = (uint32_t)t->n++;
		t->v[*slot].role = -1;
		t->keys[*slot] = name;
	}
	if (index)
		*index = *slot;
	return &t->v[*slot];
}

/* Keys the mappings may add: every literal in users and backend_roles. */
static size_t mapping_keys(const pol_model *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nmappings; i++)
		n += m->mappings[i].users.n + m->mappings[i].backend_roles.n;
	return n;
}

/* As the hash tables before it: when a name is given twice, the last
 * role or user of that name is the one found. */
static int add_model(pol_names *t, const pol_model *m)
{
	for (size_t r = 0; r < m->nroles; r++) {
		pol_name *nm = record(t, m->roles[r].name, NULL);

		if (!nm)
			return NG_ENOMEM;
		nm->role = (int32_t)r;
	}
	for (size_t i = 0; i < m->nusers; i++) {
		pol_name *nm = record(t, m->users[i].name, NULL);

		if (!nm)
			return NG_ENOMEM;
		nm->user = &m->users[i];
	}
	return 0;
}

int pol_names_new(const pol_model *m, pol_names **out)
{
	pol_names *t = calloc(1, sizeof(*t));
	size_t keys = m->nroles + m->nusers + mapping_keys(m);

	*out = NULL;
	if (!t)
		return NG_ENOMEM;
	t->cap = keys;
	t->tab = pol_strtab_new(keys);
	t->v = calloc(keys + 1, sizeof(pol_name));
	t->keys = calloc(keys + 1, sizeof(*t->keys));
	t->links = g_array_new(FALSE, FALSE, sizeof(name_link));
	if (!t->tab || !t->v || !t->keys || add_model(t, m)) {
		pol_names_free(t);
		return NG_ENOMEM;
	}
	*out = t;
	return 0;
}

static int add_link(pol_names *t, const char *name, uint32_t list,
		    uint32_t role)
{
	name_link l = { 0, list, role };

	if (!record(t, name, &l.name))
		return NG_ENOMEM;
	g_array_append_val(t->links, l);
	return 0;
}

int pol_names_map(pol_names *t, const char *name, bool as_user,
		  uint32_t role)
{
	return add_link(t, name, as_user ? LIST_BY_USERS : LIST_BY_BACKEND,
			role);
}

/* An internal user's roles that exist; names that are no role are left
 * out, as mapping them would ignore them. */
static void add_user_roles(pol_names *t)
{
	for (size_t i = 0, n = t->n; i < n; i++) {
		const pol_strlist *l = t->v[i].user ? &t->v[i].user->roles : NULL;

		for (size_t j = 0; l && j < l->n; j++) {
			int r = pol_names_role(t, l->v[j]);
			name_link k = { (uint32_t)i, LIST_USER_ROLES, (uint32_t)r };

			if (r >= 0)
				g_array_append_val(t->links, k);
		}
	}
}

static int cmp_link(const void *pa, const void *pb)
{
	const name_link *a = pa, *b = pb;

	if (a->name != b->name)
		return a->name < b->name ? -1 : 1;
	if (a->list != b->list)
		return a->list < b->list ? -1 : 1;
	return a->role < b->role ? -1 : a->role > b->role;
}

/* Point list `l` of `nm` at the n ids from `ids`. */
static void set_list(pol_name *nm, uint32_t l, const uint32_t *ids, uint32_t n)
{
	if (l == LIST_USER_ROLES) {
		nm->user_roles = ids;
		nm->nuser_roles = n;
	} else if (l == LIST_BY_USERS) {
		nm->by_users = ids;
		nm->nby_users = n;
	} else {
		nm->by_backend = ids;
		nm->nby_backend = n;
	}
}

/* The links v[0..n), sorted, into t->ids: one run per list, without
 * repeats. */
static void lay_out(pol_names *t, const name_link *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0, j; i < n; i = j) {
		size_t start = k;

		for (j = i; j < n && v[j].name == v[i].name &&
			    v[j].list == v[i].list; j++)
			if (k == start || t->ids[k - 1] != v[j].role)
				t->ids[k++] = v[j].role;
		set_list(&t->v[v[i].name], v[i].list, t->ids + start,
			 (uint32_t)(k - start));
	}
}

/* Each list sorted and without repeats: the roles of one list are granted
 * for the same reason, so their order and repeats do not matter. */
int pol_names_finish(pol_names *t)
{
	name_link *v;
	size_t n;

	add_user_roles(t);
	v = (name_link *)(void *)t->links->data;
	n = t->links->len;
	if (n)
		qsort(v, n, sizeof(*v), cmp_link);
	t->ids = malloc((n + 1) * sizeof(uint32_t));
	if (!t->ids)
		return NG_ENOMEM;
	lay_out(t, v, n);
	g_array_free(t->links, TRUE);
	t->links = NULL;
	return 0;
}

const pol_name *pol_names_find(const pol_names *t, const char *name)
{
	uint32_t i = name ? pol_strtab_get(t->tab, name) : POL_STRTAB_NONE;

	return i == POL_STRTAB_NONE ? NULL : &t->v[i];
}

int pol_names_role(const pol_names *t, const char *name)
{
	const pol_name *nm = pol_names_find(t, name);

	return nm ? nm->role : -1;
}

size_t pol_names_count(const pol_names *t)
{
	return t->n;
}

const char *pol_names_key(const pol_names *t, size_t i)
{
	return t->keys[i];
}

pol_name *pol_names_at(pol_names *t, size_t i)
{
	return &t->v[i];
}

void pol_names_free(pol_names *t)
{
	if (!t)
		return;
	pol_strtab_free(t->tab);
	free(t->v);
	free(t->keys);
	free(t->ids);
	if (t->links)
		g_array_free(t->links, TRUE);
	free(t);
}
