/*
 * The compiler: a model into the tables the engine asks. Cluster
 * permissions become one role set per known action (plus per-role
 * patterns for other names); each index permission becomes a pol_entry
 * with compiled patterns and an action bitset over the dictionary.
 */
#define POL_INTERNAL
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "strtab.h"

typedef struct pat_vec {
	pol_pattern *v;
	size_t n;
} pat_vec;

typedef struct priv {
	pol_word *cluster;        /* nactions rows of nwords: roles per action */
	pat_vec *cluster_pats;    /* per role: patterns for other names */
	pol_names *names;         /* roles, internal users, mapped names */
	pol_strtab *actions;      /* dictionary name -> id */
	pol_maptab *maps;
	pol_groups *groups;       /* only while compiling */
	int sys_id;               /* system:admin/system_index */
	uint32_t *alone;          /* the `alone` lists of names, back to back */
	const char **alone_names; /* the same lists, by role name */
	struct caller_slot *callers;  /* names as callers (pol_find_caller) */
	size_t cmask;             /* slots of callers - 1 */
	bool unknown_alone;       /* an unknown name alone maps to no role */
	bool maps_hosts;          /* a mapping names hosts */
} priv;

static int oom(ng_error *err)
{
	return pol_fail(err, NG_ENOMEM, NULL, 0, 0, "out of memory");
}

static priv *priv_of(const pol_compiled *pc)
{
	return pc->priv;
}

/* Compile `text` into the next slot of `pv` (sized by the caller). A bad
 * pattern is reported at `pos`. */
static int push_pattern(pat_vec *pv, const char *text, const pol_pos *pos,
			ng_error *err)
{
	int rc = pol_pattern_compile(&pv->v[pv->n], text, 0, err);

	if (rc && err && pos) {
		snprintf(err->file, sizeof(err->file), "%s", pos->file);
		err->line = pos->line;
		err->column = pos->col;
	}
	if (!rc)
		pv->n++;
	return rc;
}

static void pat_vec_clear(pat_vec *pv)
{
	for (size_t i = 0; i < pv->n; i++)
		pol_pattern_clear(&pv->v[i]);
	free(pv->v);
	pv->v = NULL;
	pv->n = 0;
}

/* Mark action `a` as granted: with a stride, bit `col` of row `a` (the
 * cluster table, a role set per action); without, bit `a` of one set. */
static void mark(pol_word *bits, size_t stride, size_t col, size_t a)
{
	if (stride)
		pol_setbit(bits + a * stride, col);
	else
		pol_setbit(bits, a);
}

/* Mark every dictionary action the pattern grants. A bare "*" does not
 * grant the explicit actions. */
static void expand_over_dict(const pol_pattern *p, pol_word *bits,
			     size_t stride, size_t col)
{
	for (size_t a = 0; a < pol_dict_len; a++) {
		if (p->kind == POL_PAT_ANY && pol_action_is_explicit(pol_dict[a]))
			continue;
		if (pol_pattern_match(p, pol_dict[a], strlen(pol_dict[a])))
			mark(bits, stride, col, a);
	}
}

/* Resolve a permission list through the action groups, then set the
 * dictionary bits and keep patterns for the names outside it. */
static int compile_actions(priv *pv, const pol_strlist *perms,
			   const pol_pos *pos, pol_word *bits, size_t stride,
			   size_t col, pat_vec *pats, ng_error *err)
{
	GPtrArray *res = g_ptr_array_new();
	int rc = 0;

	pol_groups_resolve(pv->groups, perms, res);
	pats->v = calloc(res->len + 1, sizeof(pol_pattern));
	if (!pats->v)
		rc = oom(err);
	for (guint i = 0; !rc && i < res->len; i++) {
		const char *s = g_ptr_array_index(res, i);
		int id = pol_dict_find(s);

		if (id >= 0) {
			mark(bits, stride, col, (size_t)id);
			continue;
		}
		rc = push_pattern(pats, s, pos, err);
		if (!rc)
			expand_over_dict(&pats->v[pats->n - 1], bits, stride, col);
	}
	g_ptr_array_free(res, TRUE);
	return rc;
}

/* ---------------------------------------------------------------------
 * Index-permission entries.
 */
static bool is_dynamic(const char *s)
{
	size_t n = strlen(s);

	return strstr(s, "${") || (n >= 2 && s[0] == '<' && s[n - 1] == '>');
}

static int entry_patterns(pol_entry *e, const pol_strlist *l, ng_error *err)
{
	pat_vec inc = { calloc(l->n + 1, sizeof(pol_pattern)), 0 };
	pat_vec exc = { calloc(l->n + 1, sizeof(pol_pattern)), 0 };
	int rc = 0;

	e->dyn = calloc(l->n + 1, sizeof(char *));
	if (!inc.v || !exc.v || !e->dyn)
		rc = oom(err);
	for (size_t i = 0; !rc && i < l->n; i++) {
		const char *s = l->v[i];

		if (s[0] == '-' && s[1])
			rc = push_pattern(&exc, s + 1, &l->pos[i], err);
		else if (is_dynamic(s))
			e->dyn[e->ndyn++] = l->v[i];
		else
			rc = push_pattern(&inc, s, &l->pos[i], err);
		if (!rc && !strcmp(s, "*"))
			e->any = true;
	}
	e->inc = inc.v;
	e->ninc = inc.n;
	e->exc = exc.v;
	e->nexc = exc.n;
	return rc;
}

static int compile_entry(pol_compiled *pc, pol_entry *e, uint32_t role,
			 uint32_t index, ng_error *err)
{
	priv *pv = priv_of(pc);
	const pol_index_perm *ip = &pc->model->roles[role].index[index];
	pat_vec ap = { 0 };
	int rc;

	e->role = role;
	e->index = index;
	e->src = ip;
	e->dls = ip->dls;
	e->fls = (const char *const *)ip->fls.v;
	e->nfls = ip->fls.n;
	e->masked = (const char *const *)ip->masked.v;
	e->nmasked = ip->masked.n;
	e->actions = calloc(pc->nawords, sizeof(pol_word));
	if (!e->actions)
		return oom(err);
	rc = entry_patterns(e, &ip->patterns, err);
	if (!rc)
		rc = compile_actions(pv, &ip->actions, &ip->pos, e->actions, 0, 0,
				     &ap, err);
	e->action_pats = ap.v;
	e->naction_pats = ap.n;
	e->explicit_system = pv->sys_id >= 0 && pol_bit(e->actions, pv->sys_id);
	return rc;
}

/* ---------------------------------------------------------------------
 * Roles.
 */
static int compile_roles(pol_compiled *pc, ng_error *err)
{
	const pol_model *m = pc->model;
	priv *pv = priv_of(pc);
	size_t k = 0;
	int rc = 0;

	for (size_t r = 0; !rc && r < m->nroles; r++)
		rc = compile_actions(pv, &m->roles[r].cluster, &m->roles[r].pos,
				     pv->cluster, pc->nwords, r,
				     &pv->cluster_pats[r], err);
	for (size_t r = 0; !rc && r < m->nroles; r++)
		for (size_t i = 0; !rc && i < m->roles[r].nindex; i++)
			rc = compile_entry(pc, &pc->entries[k++], (uint32_t)r,
					   (uint32_t)i, err);
	pc->nentries = k;
	return rc;
}

/* Words in a bitset of n bits; never zero. */
static size_t words(size_t n)
{
	return n ? (n + 63) / 64 : 1;
}

/* Hardening: the POL_MAX_PATTERNS limit (policy.h). The error is at the
 * first pattern past the limit, and gives the policy's count. */
static int check_pattern_count(const pol_model *m, ng_error *err)
{
	const pol_pos *over = NULL;
	size_t n = 0;

	for (size_t r = 0; r < m->nroles; r++)
		for (size_t i = 0; i < m->roles[r].nindex; i++) {
			const pol_strlist *l = &m->roles[r].index[i].patterns;

			if (n <= POL_MAX_PATTERNS &&
			    n + l->n > POL_MAX_PATTERNS && l->pos)
				over = &l->pos[POL_MAX_PATTERNS - n];
			n += l->n;
		}
	if (n <= POL_MAX_PATTERNS)
		return 0;
	return pol_fail(err, NG_ELIMIT, over ? over->file : NULL,
			over ? over->line : 0, over ? over->col : 0,
			"%zu index patterns exceed the limit of %u",
			n, (unsigned)POL_MAX_PATTERNS);
}

static int alloc_tables(pol_compiled *pc, ng_error *err)
{
	const pol_model *m = pc->model;
	priv *pv = priv_of(pc);
	size_t nent = 0;

	if (check_pattern_count(m, err))
		return NG_ELIMIT;
	for (size_t r = 0; r < m->nroles; r++)
		nent += m->roles[r].nindex;
	pc->nroles = m->nroles;
	pc->nwords = words(m->nroles);
	pc->nactions = pol_dict_len;
	pc->nawords = words(pol_dict_len);
	pc->role_names = calloc(m->nroles + 1, sizeof(char *));
	pc->entries = calloc(nent + 1, sizeof(pol_entry));
	pv->cluster = calloc(pol_dict_len * pc->nwords, sizeof(pol_word));
	pv->cluster_pats = calloc(m->nroles + 1, sizeof(pat_vec));
	if (!pc->role_names || !pc->entries || !pv->cluster ||
	    !pv->cluster_pats)
		return oom(err);
	return 0;
}

static int index_model(pol_compiled *pc, ng_error *err)
{
	const pol_model *m = pc->model;
	priv *pv = priv_of(pc);
	const char **names = (const char **)pc->role_names;

	for (size_t r = 0; r < m->nroles; r++)
		names[r] = m->roles[r].name;
	pv->sys_id = pol_dict_find("system:admin/system_index");
	pv->actions = pol_strtab_new(pol_dict_len);
	if (!pv->actions || pol_names_new(m, &pv->names))
		return oom(err);
	for (size_t a = 0; a < pol_dict_len; a++) {
		uint32_t *id = pol_strtab_put(pv->actions, pol_dict[a]);

		if (!id)
			return oom(err);
		*id = (uint32_t)a;
	}
	return 0;
}

/* The roles of a caller known by `name` alone (pol_caller): the name,
 * and the backend roles and roles of the internal user of that name. */
static size_t map_alone(const pol_compiled *pc, const char *name,
			const pol_internal_user *iu, pol_word *bits,
			uint32_t *ids)
{
	static const char *none[1];
	pol_user u = { .name = name, .backend_roles = none, .roles = none,
		       .attr_keys = none, .attr_values = none,
		       .mapped_roles = none };

	if (iu) {
		u.backend_roles = (const char *const *)iu->backend_roles.v;
		u.nbackend = iu->backend_roles.n;
		u.roles = (const char *const *)iu->roles.v;
		u.nroles = iu->roles.n;
	}
	return pol_map_roles_list(pc, &u, bits, NULL, ids, pc->nroles);
}

/* What the entries of each role need of a decision (pol_compiled). */
static int count_role_entries(pol_compiled *pc)
{
	uint32_t *ndyn = calloc(pc->nroles + 1, sizeof(uint32_t));
	uint32_t *nres = calloc(pc->nroles + 1, sizeof(uint32_t));

	pc->role_ndyn = ndyn;
	pc->role_nrestricted = nres;
	if (!ndyn || !nres)
		return NG_ENOMEM;
	for (size_t i = 0; i < pc->nentries; i++) {
		const pol_entry *en = &pc->entries[i];

		ndyn[en->role] += en->ndyn > 0;
		nres[en->role] += en->dls || en->nfls || en->nmasked;
	}
	return 0;
}

/* A name of the policy as a caller alone (pol_caller), with the head of
 * the name, in one cache line: finding and comparing a caller whose name
 * has at most CALLER_HEAD bytes reads that line only. */
#define CALLER_HEAD 12

typedef struct caller_slot {
	const char *name;          /* NULL: an empty slot */
	const pol_internal_user *user;
	const uint32_t *roles;
	const char *const *role_names;
	uint32_t hash, len, nroles, ndyn, nrestricted;
	char head[CALLER_HEAD];
} caller_slot;

_Static_assert(sizeof(caller_slot) == 64, "a caller is one cache line");

/* The caller of name i, whose roles are the n at `roles`: their names
 * (written to `names`) and what their entries need. */
static caller_slot caller_at(const pol_compiled *pc, size_t i,
			     const uint32_t *roles, size_t n,
			     const char **names)
{
	const priv *pv = priv_of(pc);
	const char *key = pol_names_key(pv->names, i);
	size_t len = strlen(key);
	caller_slot x = { key, pol_names_at(pv->names, i)->user, roles, names,
			  pol_str_hash(key, len), (uint32_t)len, (uint32_t)n,
			  0, 0, { 0 } };

	for (size_t k = 0; k < n; k++) {
		names[k] = pc->role_names[roles[k]];
		x.ndyn += pc->role_ndyn[roles[k]];
		x.nrestricted += pc->role_nrestricted[roles[k]];
	}
	memcpy(x.head, key, len < CALLER_HEAD ? len : CALLER_HEAD);
	return x;
}

/* The names as callers, at most half of the slots full; the roles of name
 * i are pv->alone[first[i] .. first[i + 1]). */
static int index_callers(pol_compiled *pc, const size_t *first)
{
	priv *pv = priv_of(pc);
	size_t n = pol_names_count(pv->names), cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	pv->alone_names = malloc((first[n] + 1) * sizeof(char *));
	pv->callers = aligned_alloc(64, cap * sizeof(caller_slot));
	if (!pv->alone_names || !pv->callers)
		return NG_ENOMEM;
	memset(pv->callers, 0, cap * sizeof(caller_slot));
	pv->cmask = cap - 1;
	for (size_t i = 0; i < n; i++) {
		/* no name maps alone to any role: pv->alone is NULL */
		caller_slot x = caller_at(pc, i, first[n] ? pv->alone + first[i]
							  : NULL,
					  first[i + 1] - first[i],
					  pv->alone_names + first[i]);
		size_t k = x.hash & pv->cmask;

		while (pv->callers[k].name)
			k = (k + 1) & pv->cmask;
		pv->callers[k] = x;
	}
	return 0;
}

/* Every name the policy holds, mapped once as a caller of that name
 * alone, so that such a caller costs one probe at request time. */
static int map_names_alone(pol_compiled *pc)
{
	priv *pv = priv_of(pc);
	size_t n = pol_names_count(pv->names);
	pol_word *bits = calloc(pc->nwords + 1, sizeof(pol_word));
	uint32_t *ids = malloc((pc->nroles + 1) * sizeof(uint32_t));
	GArray *all = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	size_t *first = malloc((n + 1) * sizeof(size_t));
	int rc = NG_ENOMEM;

	if (bits && ids && first) {
		first[0] = 0;
		for (size_t i = 0; i < n; i++) {
			size_t k = map_alone(pc, pol_names_key(pv->names, i),
					     pol_names_at(pv->names, i)->user,
					     bits, ids);

			g_array_append_vals(all, ids, (guint)k);
			first[i + 1] = first[i] + k;
		}
		pv->alone = (uint32_t *)(void *)g_array_free(all, FALSE);
		all = NULL;
		rc = index_callers(pc, first);
	}
	if (all)
		g_array_free(all, TRUE);
	pv->unknown_alone = !pol_maptab_user_patterns(pv->maps);
	pv->maps_hosts = pol_maptab_hosts(pv->maps);
	free(bits);
	free(ids);
	free(first);
	return rc;
}

static const caller_slot *caller_of(const priv *pv, const char *s, size_t n,
				    uint32_t h)
{
	for (size_t k = h & pv->cmask;; k = (k + 1) & pv->cmask) {
		const caller_slot *x = &pv->callers[k];

		if (!x->name)
			return NULL;
		if (x->hash == h && pol_str_same_head(x->head, CALLER_HEAD,
						      x->name, x->len, s, n))
			return x;
	}
}

void pol_prefetch_caller(const pol_compiled *pc, uint32_t hash)
{
	const priv *pv = priv_of(pc);

	__builtin_prefetch(&pv->callers[hash & pv->cmask]);
}

void pol_find_caller(const pol_compiled *pc, const char *name, size_t len,
		     uint32_t hash, pol_caller *out)
{
	const priv *pv = priv_of(pc);
	const caller_slot *x = caller_of(pv, name, len, hash);

	if (x)
		*out = (pol_caller){ x->user, x->roles, x->role_names,
				     x->nroles, x->ndyn, x->nrestricted,
				     (uint32_t)(x - pv->callers), true };
	else
		*out = (pol_caller){ .slot = POL_CALLER_NONE,
				     .known = pv->unknown_alone };
}

size_t pol_caller_slots(const pol_compiled *pc)
{
	return priv_of(pc)->cmask + 1;
}

const char *pol_caller_slot(const pol_compiled *pc, size_t slot,
			    const pol_internal_user **user)
{
	const caller_slot *x = &priv_of(pc)->callers[slot];

	*user = x->user;
	return x->name;
}

bool pol_caller_alone(const pol_compiled *pc, const pol_caller *k,
		      bool backend_roles_given, bool roles_given,
		      const char *address)
{
	return k->known && !backend_roles_given && !roles_given &&
	       (!address || !priv_of(pc)->maps_hosts);
}

int pol_compile(pol_model *m, pol_compiled **out, ng_error *err)
{
	pol_compiled *pc = calloc(1, sizeof(*pc));
	priv *pv = calloc(1, sizeof(*pv));
	int rc;

	*out = NULL;
	if (!pc || !pv) {
		free(pc);
		free(pv);
		pol_model_free(m);
		return oom(err);
	}
	pc->model = m;
	pc->config = &m->config;
	pc->priv = pv;
	rc = alloc_tables(pc, err);
	if (!rc)
		rc = index_model(pc, err);
	if (!rc)
		rc = pol_groups_new(m, &pv->groups) ? oom(err) : 0;
	if (!rc)
		rc = compile_roles(pc, err);
	if (!rc)
		rc = pol_maptab_new(m, pv->names, &pv->maps, err);
	if (!rc)
		rc = pol_names_finish(pv->names) ? oom(err) : 0;
	if (!rc)
		rc = count_role_entries(pc) ? oom(err) : 0;
	if (!rc)
		rc = map_names_alone(pc) ? oom(err) : 0;
	pol_groups_free(pv->groups);
	pv->groups = NULL;
	if (rc) {
		pol_compiled_free(pc);
		return rc;
	}
	*out = pc;
	return 0;
}

static void entry_free(pol_entry *e)
{
	pat_vec inc = { e->inc, e->ninc }, exc = { e->exc, e->nexc };
	pat_vec ap = { e->action_pats, e->naction_pats };

	pat_vec_clear(&inc);
	pat_vec_clear(&exc);
	pat_vec_clear(&ap);
	free(e->dyn);
	free(e->actions);
}

void pol_compiled_free(pol_compiled *pc)
{
	priv *pv;

	if (!pc)
		return;
	pv = priv_of(pc);
	for (size_t i = 0; pc->entries && i < pc->nentries; i++)
		entry_free(&pc->entries[i]);
	for (size_t r = 0; pv->cluster_pats && r < pc->nroles; r++)
		pat_vec_clear(&pv->cluster_pats[r]);
	free(pv->cluster_pats);
	free(pv->cluster);
	pol_maptab_free(pv->maps);
	g_free(pv->alone);
	free(pv->alone_names);
	free(pv->callers);
	pol_names_free(pv->names);
	pol_strtab_free(pv->actions);
	pol_groups_free(pv->groups);
	free(pv);
	free(pc->entries);
	free((void *)pc->role_names);
	free((void *)pc->role_ndyn);
	free((void *)pc->role_nrestricted);
	pol_model_free((pol_model *)pc->model);
	free(pc);
}

/* ---------------------------------------------------------------------
 * Questions the engine asks.
 */
int pol_role_id(const pol_compiled *pc, const char *name)
{
	return pol_names_role(priv_of(pc)->names, name);
}

const pol_internal_user *pol_find_user(const pol_compiled *pc,
				       const char *name)
{
	const pol_name *nm = pol_names_find(priv_of(pc)->names, name);

	return nm ? nm->user : NULL;
}

/* The dictionary id of `action`, -1 when it has none. */
int pol_action_id_n(const pol_compiled *pc, const char *action, size_t n)
{
	uint32_t id = pol_strtab_get_n(priv_of(pc)->actions, action, n);

	return id == POL_STRTAB_NONE ? -1 : (int)id;
}

int pol_action_id(const pol_compiled *pc, const char *action)
{
	return action ? pol_action_id_n(pc, action, strlen(action)) : -1;
}

size_t pol_role_names(const pol_compiled *pc, const pol_word *roles,
		      const char **names, size_t cap)
{
	size_t n = 0;

	for (size_t r = 0; r < pc->nroles; r++) {
		if (!pol_bit(roles, r))
			continue;
		if (n < cap)
			names[n] = pc->role_names[r];
		n++;
	}
	return n;
}

static bool pats_grant(const pat_vec *pv, const char *action)
{
	bool explicit_only = pol_action_is_explicit(action);
	size_t n = strlen(action);

	for (size_t i = 0; i < pv->n; i++) {
		if (explicit_only && pv->v[i].kind == POL_PAT_ANY)
			continue;
		if (pol_pattern_match(&pv->v[i], action, n))
			return true;
	}
	return false;
}

bool pol_entry_grants(const pol_compiled *pc, const pol_entry *e, int id,
		      const char *action)
{
	pat_vec pv = { e->action_pats, e->naction_pats };

	if (id < 0 && action)
		id = pol_action_id(pc, action);
	if (id >= 0)
		return (size_t)id < pc->nactions && pol_bit(e->actions, id);
	return action && pats_grant(&pv, action);
}

bool pol_entry_matches_static(const pol_entry *e, const char *name, size_t n)
{
	bool hit = e->any;

	for (size_t i = 0; !hit && i < e->ninc; i++)
		hit = pol_pattern_match(&e->inc[i], name, n);
	for (size_t i = 0; hit && i < e->nexc; i++)
		hit = !pol_pattern_refuses(&e->exc[i], name, n);
	return hit;
}

static int first_common(const pol_word *a, const pol_word *b, size_t nwords)
{
	for (size_t w = 0; w < nwords; w++)
		if (a[w] & b[w])
			return (int)(w * 64 + (size_t)__builtin_ctzll(a[w] & b[w]));
	return -1;
}

bool pol_cluster_allowed(const pol_compiled *pc, const pol_word *roles,
			 int id, const char *action, int *role)
{
	const priv *pv = priv_of(pc);
	int hit = -1;

	if (id < 0 && action)
		id = pol_action_id(pc, action);
	if (id >= 0 && (size_t)id < pc->nactions) {
		hit = first_common(pv->cluster + (size_t)id * pc->nwords, roles,
				   pc->nwords);
	} else if (action) {
		for (size_t r = 0; hit < 0 && r < pc->nroles; r++)
			if (pol_bit(roles, r) && pats_grant(&pv->cluster_pats[r],
							    action))
				hit = (int)r;
	}
	if (hit >= 0 && role)
		*role = hit;
	return hit >= 0;
}

static inline void clear_roles(const pol_compiled *pc, pol_word *roles,
			       const char **why)
{
	memset(roles, 0, pc->nwords * sizeof(pol_word));
	if (why)
		memset(why, 0, pc->nroles * sizeof(*why));
}

void pol_map_roles(const pol_compiled *pc, const pol_user *u, pol_word *roles,
		   const char **why)
{
	clear_roles(pc, roles, why);
	pol_maptab_map(priv_of(pc)->maps, pc->config->mapping_resolution, u,
		       roles, why, NULL, 0);
}

static void sort_ids(uint32_t *ids, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t v = ids[i];
		size_t j = i;

		for (; j && ids[j - 1] > v; j--)
			ids[j] = ids[j - 1];
		ids[j] = v;
	}
}

/* The first `cap` roles of the set, in order. */
static void ids_of_set(const pol_word *roles, size_t nwords, uint32_t *ids,
		       size_t cap)
{
	size_t k = 0;

	for (size_t w = 0; w < nwords; w++)
		for (pol_word b = roles[w]; b; b &= b - 1) {
			if (k == cap)
				return;
			ids[k++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(b));
		}
}

size_t pol_map_roles_list(const pol_compiled *pc, const pol_user *u,
			  pol_word *roles, const char **why, uint32_t *ids,
			  size_t cap)
{
	size_t n;

	clear_roles(pc, roles, why);
	n = pol_maptab_map(priv_of(pc)->maps, pc->config->mapping_resolution,
			   u, roles, why, ids, cap);
	/* The roles granted, listed in that order, sorted in place when an
	 * insertion sort (n * n / 4 moves at worst) costs less than a pass
	 * over every word of the set. */
	if (n <= cap && n * n <= 32 * pc->nwords)
		sort_ids(ids, n);
	else
		ids_of_set(roles, pc->nwords, ids, cap);
	return n;
}
