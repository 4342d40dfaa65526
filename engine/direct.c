/*
 * The direct path: a transport request naming a few existing indices by
 * their plain names, for an action of the dictionary, is decided without
 * the parser's operations, the resolver's rows and the bookkeeping of
 * operations that REST requests need. Most requests a node decides are
 * of this kind (the transport layer carries concrete names), and on them
 * those layers cost more than the checks themselves.
 *
 * Only reading the request and summing its one operation are done here.
 * The caller (dc_prepare_caller), the check of each index (dc_check_rows,
 * special indices included), the restrictions (dc_restrictions) and the
 * texts are the general path's own. A request outside the kind goes the
 * general way with nothing changed: a name that is not an index (an
 * alias, a data stream, a name the metadata lacks), a pattern, date math,
 * a remote name, an exclusion, "_all", a list inside a name; an action
 * outside the dictionary, a cluster action, an action only a trusted node
 * may send, one whose refusal could be narrowed to fewer indices; an
 * admin certificate. tests/unit/test_direct.c decides requests both ways
 * and compares the decisions.
 */
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "strtab.h"

/* The most names taken directly. Checking many rows at once, the general
 * path keeps answers for them (ops.c, MEMO_ROWS); the direct path keeps
 * none and stays below that. */
#define DIRECT_MAX 8

static int fill_actions(const ng_engine *e, dc_direct *v)
{
	const pol_compiled *pc = e->pc;

	for (size_t a = 0; a < pc->nactions; a++) {
		const char *name = pol_action_name(pc, (int)a);
		prs_op op = { .item = -1, .opts = { -1, -1, -1 } };

		if (!name || !prs_transport_action(name, &op.flags) ||
		    dc_node_action(name))
			continue;
		dc_act_fill(e, name, &v[a].act);
		/* the names are explicit: no pattern. An action renamed to
		 * one outside the dictionary has no class in the tables. */
		if (v[a].act.cluster || v[a].act.aid < 0 ||
		    dc_op_narrows(pc, &op, false, v[a].act.name))
			continue;
		v[a].denial = dc_denial_head(v[a].act.name, &v[a].ndenial);
		if (!v[a].denial)
			return NG_ENOMEM;
		v[a].cls = tb_action_class(e->tables, v[a].act.aid);
		v[a].ok = true;
	}
	return 0;
}

void dc_direct_free(const ng_engine *e, dc_direct *v)
{
	for (size_t a = 0; v && a < e->pc->nactions; a++)
		free(v[a].denial);
	free(v);
}

/* Names of indices only, at most half of the slots full (the names of
 * aliases and data streams are not there: the direct path leaves them). */
static int index_names(ng_engine *e)
{
	const ng_metadata *m = e->md;
	const uint32_t *sets = tb_name_sets(e->tables, MD_INDEX);
	size_t cap = 16;

	while (cap < 2 * m->nindices)
		cap *= 2;
	e->ix = aligned_alloc(64, cap * sizeof(dc_ixslot));
	if (!e->ix)
		return NG_ENOMEM;
	memset(e->ix, 0, cap * sizeof(dc_ixslot));
	e->ixmask = cap - 1;
	for (size_t i = 0; i < m->nindices; i++) {
		const char *name = m->indices[i].name;
		size_t n = strlen(name);
		uint32_t h = pol_str_hash(name, n);
		size_t k = h & e->ixmask;

		while (e->ix[k].name)
			k = (k + 1) & e->ixmask;
		e->ix[k] = (dc_ixslot){ name, h, (uint32_t)i,
					sets ? tb_set_rows(e->tables, sets[i])
					     : NULL, (uint16_t)n,
					e->index_flags[i], { 0 } };
		memcpy(e->ix[k].head, name, n < DC_IX_HEAD ? n : DC_IX_HEAD);
	}
	return 0;
}

int dc_direct_prepare(ng_engine *e)
{
	e->direct = calloc(e->pc->nactions + 1, sizeof(dc_direct));
	if (!e->direct || fill_actions(e, e->direct) != 0)
		return NG_ENOMEM;
	return index_names(e);
}

/* The slot of the index named s[0..n), hashed to h, or NULL. */
static const dc_ixslot *index_slot(const ng_engine *e, const char *s,
				   size_t n, uint32_t h)
{
	for (size_t k = h & e->ixmask;; k = (k + 1) & e->ixmask) {
		const dc_ixslot *x = &e->ix[k];

		if (!x->name)
			return NULL;
		if (x->hash == h && pol_str_same_head(x->head, DC_IX_HEAD,
						      x->name, x->len, s, n))
			return x;
	}
}

/* The index that resolving `name` gives, or NULL when resolving could
 * make it anything else. A name the metadata holds is one md_parse took:
 * not empty, at most 255 bytes, with no list (','), pattern ('*') or
 * date math ('<'), starting with no '-' (an exclusion) or '_' ("_all").
 * It may hold a ':', which names a remote index when the prefix is a
 * remote cluster: such names go the general way. */
static const dc_ixslot *index_named(const dc_ctx *c, const char *name,
				    size_t n, uint32_t h)
{
	const dc_ixslot *x = index_slot(c->e, name, n, h);

	return x && !(x->flags & ENG_IX_COLON) ? x : NULL;
}

/* The check as ops.c reports it: the names requested, and the indices
 * allowed or, refused, those denied. */
static int record(dc_ctx *c, const dc_act *x, const char *const *named,
		  size_t n, const rs_row *rows, const bool *granted,
		  size_t nrows, bool allowed)
{
	ng_decision *d = c->d;
	dc_check *k = ng_arena_alloc(c->a, sizeof(*k) +
					   (n + nrows) * sizeof(char *));
	const char **req, **list;
	size_t m = 0;

	if (!k)
		return NG_ENOMEM;
	req = (const char **)(void *)(k + 1);
	list = req + n;
	memcpy(req, named, n * sizeof(*req));
	for (size_t i = 0; i < nrows; i++)
		if (granted[i] == allowed)
			list[m++] = rows[i].name;
	*k = (dc_check){ .item = -1, .action = x->name, .index_scope = true,
			 .requested = req, .nrequested = n, .allowed = allowed,
			 .missing = allowed ? NULL : x->name };
	if (allowed)
		k->indices = (ng_strv){ list, m, m };
	else
		k->denied = (ng_strv){ list, m, m };
	d->checks = k;
	d->nchecks = d->capchecks = 1;
	return 0;
}

/* The rows checked from what their slots hold, as dc_check_rows checks
 * them; false, with `dr` to be checked by dc_check_rows, as soon as one
 * needs more than the tables (dc_plain_answer_row). */
static bool check_plain(dc_ctx *c, dc_rows *dr, const dc_ixslot *const *ix,
			uint32_t cls)
{
	for (size_t i = 0; i < dr->n; i++) {
		int role = ix[i]->rows ? dc_plain_answer_row(c, ix[i]->rows[cls],
							     ix[i]->flags)
				       : TB_UNKNOWN;

		if (role == TB_UNKNOWN)
			return false;
		dr->granted[i] = role >= 0;
		if (role >= 0 && dr->role < 0)
			dr->role = role;
	}
	return true;
}

/* Check every row, record the check and settle the decision: allowed
 * when every index is, refused otherwise (dc_direct.ok: no narrowing). */
static int decide_rows(dc_ctx *c, const dc_direct *da,
		       const char *const *named, size_t n, const rs_row *rows,
		       const dc_ixslot *const *ix, size_t nrows)
{
	const dc_act *x = &da->act;
	ng_decision *d = c->d;
	bool granted[DIRECT_MAX];
	dc_rows dr = { rows, nrows, granted, NULL, -1, NULL };
	size_t held = 0;
	int rc;

	/* the tables' rows load while the caller is mapped */
	for (size_t i = 0; i < nrows; i++)
		if (ix[i]->rows)
			__builtin_prefetch(&ix[i]->rows[da->cls]);
	rc = dc_prepare_caller(c, NULL);
	if (rc)
		return rc;
	if (!check_plain(c, &dr, ix, da->cls)) {
		memset(granted, 1, sizeof(granted));
		dr.role = -1;
		dc_check_rows(c, &dr, x->aid, x->name);
	}
	for (size_t i = 0; i < nrows; i++)
		held += granted[i];
	rc = record(c, x, named, n, rows, granted, nrows, held == nrows);
	if (rc)
		return rc;
	if (held < nrows) {
		d->verdict = NG_DENY;
		d->status = 403;
		d->reason = dc_denial_text_after(c, da->denial, da->ndenial);
		return c->dyn_rc;
	}
	d->verdict = NG_ALLOW;
	d->status = 200;
	d->reason = dc_grant_text(c, dr.role, false);
	rc = dc_restrictions(c);
	return rc ? rc : c->dyn_rc;
}

bool dc_decide_direct(dc_ctx *c, int *rc)
{
	const ng_request *r = c->req;
	const char *named[DIRECT_MAX];
	const dc_ixslot *ix[DIRECT_MAX];
	rs_row rows[DIRECT_MAX];
	size_t n = r->indices.n, nrows = 0, len[DIRECT_MAX];
	uint32_t h[DIRECT_MAX];
	int aid;

	if (!r->is_transport || r->cert_dn || !r->action || n == 0 ||
	    n > DIRECT_MAX)
		return false;
	/* what is far in memory starts loading first: the caller's slot and
	 * the slots of the names, while the action is looked up */
	if (r->user) {
		c->user_hash = pol_str_hash(r->user, r->user_len);
		c->user_hashed = true;
		pol_prefetch_caller(c->pc, c->user_hash);
	}
	for (size_t i = 0; i < n; i++) {
		len[i] = strlen(r->indices.v[i]);
		h[i] = pol_str_hash(r->indices.v[i], len[i]);
		__builtin_prefetch(&c->e->ix[h[i] & c->e->ixmask]);
	}
	aid = pol_action_id_n(c->pc, r->action, r->action_len);
	if (aid < 0 || !c->e->direct[aid].ok)
		return false;
	for (size_t i = 0; i < n; i++) {
		const dc_ixslot *x = index_named(c, r->indices.v[i], len[i],
						 h[i]);
		size_t k = 0;

		if (!x)
			return false;
		named[i] = x->name;
		/* a name given twice is one row, as the resolver has it */
		while (k < nrows && rows[k].id != x->id)
			k++;
		if (k == nrows) {
			ix[nrows] = x;
			rows[nrows++] = (rs_row){ x->name, MD_INDEX, x->id,
						  false, false };
		}
	}
	*rc = decide_rows(c, &c->e->direct[aid], named, n, rows, ix, nrows);
	return true;
}
