/*
 * Operations: each is resolved and checked, then the outcomes of the
 * top-level operations and of each sub-request are combined.
 *
 * An index operation is allowed when every row holds every action. When
 * only some rows do, the operation is narrowed to them where the semantics
 * allow it (the modern semantics: a reducible request with a wildcard or
 * ignore_unavailable; the legacy ones: do_not_fail_on_forbidden for reads),
 * and refused otherwise.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"

typedef enum op_outcome {
	OP_ALLOW,
	OP_PARTIAL,     /* narrowed to fewer indices */
	OP_MISSING,     /* allowed, but a named index does not exist: 404 */
	OP_DENY,
	OP_BAD          /* malformed: 400 */
} op_outcome;

typedef struct op_state {
	const prs_op *op;
	rs_result res;
	bool *granted;          /* per row: every index action held */
	bool *todo;             /* per row: still to check; NULL for all */
	int role;               /* a granting role, for the reason */
	const char *special;    /* why a special index was refused */
	const char *error;
	/* What the rows come to once every one is checked (sum_rows): the
	 * local rows, those held, the remote ones, whether one is missing;
	 * and, when every local row held is an index (`plain`), the names
	 * that the checks of the operation list, the same for each. */
	bool summed, plain, missing;
	size_t local, held, nremote;
	ng_strv allowed, denied;
	/* break_down left the refused aliases and streams for sum_rows to
	 * drop. It leaves them in the rows when only the summary is read
	 * after it: when `plain`, and the operation neither writes a
	 * document nor creates an index (auto_create, no_write_index). */
	bool drop_refused;
} op_state;

/* Accumulated over the whole request. */
typedef struct run_state {
	op_outcome top;
	ng_strv missing;        /* actions lacking, for the denial text */
	const char *bad;
	const char *special;
	int role;
	bool item_narrowed;     /* a sub-request was allowed on fewer indices */
	/* A top-level operation narrowed to fewer indices: the operations
	 * that follow on the same expression (the searches and writes of a
	 * by-query request) run on what it kept. */
	const char *const *narrowed_exprs;
	ng_strv kept;
} run_state;

static const char *renamed(const char *a)
{
	/* the three begin "indices:admin/" or "internal:"; most do not */
	if (strncmp(a, "in", 2) != 0 || (strncmp(a + 2, "dices:admin/", 12) != 0 &&
					 strncmp(a + 2, "ternal:", 7) != 0))
		return a;
	if (strcmp(a, "indices:admin/auto_create") == 0)
		return "indices:admin/create";
	if (strcmp(a, "indices:admin/mapping/auto_put") == 0)
		return "indices:admin/mapping/put";
	if (strncmp(a, "internal:indices/admin/upgrade", 30) == 0)
		return "indices:admin/upgrade";
	return a;
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool in_list(const char *a, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(a, list[i]) == 0)
			return true;
	return false;
}

static bool legacy_cluster_action(const char *a)
{
	static const char *const exact[] = {
		"indices:data/write/bulk", "indices:data/read/mget",
		"indices:data/read/mtv", "indices:data/write/reindex",
		"indices:data/read/search/template/render",
	};

	return !starts(a, "indices:") || starts(a, "indices:admin/template/") ||
	       starts(a, "indices:admin/index_template/") ||
	       starts(a, "indices:data/read/scroll") ||
	       starts(a, "indices:data/read/msearch") ||
	       in_list(a, exact, sizeof(exact) / sizeof(exact[0]));
}

static bool v4_cluster_action(const char *a)
{
	static const char *const exact[] = {
		"indices:data/read/mget", "indices:data/write/bulk",
		"indices:data/read/scroll", "indices:data/read/msearch",
		"indices:data/read/mtv", "indices:data/read/scroll/clear",
		"indices:data/read/msearch/template", "indices:data/write/reindex",
		"indices:data/read/search/template/render",
		"indices:data/read/point_in_time/readall",
	};

	return !starts(a, "indices:") || starts(a, "indices:admin/template/") ||
	       starts(a, "indices:admin/index_template/") ||
	       in_list(a, exact, sizeof(exact) / sizeof(exact[0]));
}

bool dc_cluster_action_name(const pol_compiled *pc, const char *action)
{
	if (pc->config->mode == POL_MODE_V4)
		return v4_cluster_action(action);
	return legacy_cluster_action(action);
}

void dc_act_fill(const ng_engine *e, const char *raw, dc_act *x)
{
	const pol_compiled *pc = e->pc;

	x->key = raw;
	x->name = renamed(raw);
	x->aid = pol_action_id(pc, x->name);
	if (x->aid >= 0 && (size_t)x->aid < pc->nactions)
		x->cluster = e->cluster_action[x->aid];
	else
		x->cluster = dc_cluster_action_name(pc, x->name);
}

/* An action as the checks take it, worked out once per decision for each
 * pointer the parser names it by: the items of a compound request ask for
 * the same few actions again. A known action's kind comes from the
 * engine's table by its id; a transport action the parser knows by name
 * is in the engine's table of them already. */
static const dc_act *act_of(dc_ctx *c, const char *raw)
{
	dc_act *x = &c->act[((uintptr_t)raw >> 4) & 7];
	const prs_request *pr = c->pr;

	if (x->key == raw)
		return x;
	if (pr && pr->action_row && raw == pr->action && c->e->transport_act)
		*x = c->e->transport_act[pr->action_row - 1];
	else
		dc_act_fill(c->e, raw, x);
	return x;
}

static int action_id(dc_ctx *c, const char *action)
{
	return act_of(c, action)->aid;
}

bool dc_is_cluster_action(dc_ctx *c, const char *action)
{
	return act_of(c, action)->cluster;
}

/* ---------------------------------------------------------------------
 * Checks as reported.
 */

static dc_check *new_check(dc_ctx *c, const prs_op *op, const char *action,
			   bool index_scope)
{
	ng_decision *d = c->d;
	dc_check *k;

	if (d->nchecks == d->capchecks) {
		size_t cap = d->capchecks ? d->capchecks * 2 : 8;
		dc_check *n = ng_arena_alloc(c->a, cap * sizeof(*n));

		if (!n)
			return NULL;
		if (d->nchecks)
			memcpy(n, d->checks, d->nchecks * sizeof(*n));
		d->checks = n;
		d->capchecks = cap;
	}
	k = &d->checks[d->nchecks++];
	memset(k, 0, sizeof(*k));
	k->item = op->item;
	k->action = action;
	k->index_scope = index_scope;
	k->requested = op->exprs;
	k->nrequested = op->nexprs;
	return k;
}

/* Sets of index ids, one bit each. */
static bool bit_has(const uint64_t *set, uint32_t id)
{
	return (set[id / 64] >> (id % 64)) & 1;
}

static void bit_put(uint64_t *set, uint32_t id)
{
	set[id / 64] |= 1ull << (id % 64);
}

/* The concrete indices of a check, without repeats. With many rows, the
 * indices already listed are found in a bitset by index id rather than
 * by comparing names; names outside the metadata are still compared. */
typedef struct concrete {
	ng_strv *v;
	uint64_t *seen;                /* per index id, or NULL */
} concrete;

static bool listed(const concrete *k, const rs_row *row)
{
	if (k->seen && row->kind == MD_INDEX)
		return bit_has(k->seen, row->id);
	return ng_strv_has(k->v, row->name);
}

static int list_index(dc_ctx *c, concrete *k, uint32_t id)
{
	const rs_row row = { c->md->indices[id].name, MD_INDEX, id, false,
			     false };

	if (listed(k, &row))
		return 0;
	if (k->seen)
		bit_put(k->seen, id);
	return ng_strv_push(k->v, c->a, row.name);
}

/* The concrete indices a row stands for. */
static int push_concrete(dc_ctx *c, concrete *k, const rs_row *row,
			 bool write)
{
	const ng_metadata *m = c->md;
	const uint32_t *ids = NULL;
	size_t n = 0;
	int rc = 0;

	if (row->remote)
		return 0;
	if (row->kind == MD_ALIAS) {
		const md_alias *al = &m->aliases[row->id];

		ids = al->indices;
		n = al->nindices;
		if (write && al->write_index >= 0) {
			if (k->seen)
				bit_put(k->seen, (uint32_t)al->write_index);
			return ng_strv_push(k->v, c->a,
					    m->indices[al->write_index].name);
		}
	} else if (row->kind == MD_DATA_STREAM) {
		ids = m->streams[row->id].indices;
		n = m->streams[row->id].nindices;
	} else if (row->kind == MD_INDEX) {
		return list_index(c, k, row->id);
	} else {
		return listed(k, row) ? 0 : ng_strv_push(k->v, c->a, row->name);
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = list_index(c, k, ids[i]);
	return rc;
}

/* ---------------------------------------------------------------------
 * One operation.
 */

static op_outcome cluster_check(dc_ctx *c, const prs_op *op,
				const char *action, run_state *rs)
{
	int aid = action_id(c, action);
	int role = -1;
	const pol_word *bits = dc_role_bits(c);
	bool ok = bits && pol_cluster_allowed(c->pc, bits, aid, action, &role);
	dc_check *k = new_check(c, op, action, false);

	if (!k)
		return OP_DENY;
	k->allowed = ok;
	if (!ok)
		k->missing = action;
	else if (rs->role < 0)
		rs->role = role;
	return ok ? OP_ALLOW : OP_DENY;
}

/* Many rows: memoise the tables' answers (rows share entry sets). */
#define MEMO_ROWS 16

static void want_memo(dc_ctx *c, size_t nrows)
{
	if (c->memo || nrows < MEMO_ROWS)
		return;
	c->memo = ng_arena_alloc(c->a, sizeof(*c->memo));
	if (c->memo)
		tb_memo_init(c->memo);
}

/* Check every row for one action; mark rows that fail. */
static int rows_for_action(dc_ctx *c, op_state *s, const char *action)
{
	dc_rows r = { s->res.rows, s->res.nrows, s->granted, s->todo, s->role,
		      s->special };

	want_memo(c, s->res.nrows);
	dc_check_rows(c, &r, action_id(c, action), action);
	s->role = r.role;
	s->special = r.special;
	return 0;
}

static bool readish(const char *a)
{
	return starts(a, "indices:data/read/") ||
	       starts(a, "indices:admin/mappings/fields/get") ||
	       strcmp(a, "indices:admin/shards/search_shards") == 0 ||
	       strcmp(a, "indices:admin/resolve/index") == 0 ||
	       strcmp(a, "indices:monitor/settings/get") == 0 ||
	       strcmp(a, "indices:monitor/stats") == 0 ||
	       strcmp(a, "indices:admin/aliases/get") == 0;
}

bool dc_op_narrows(const pol_compiled *pc, const prs_op *op, bool pattern,
		   const char *action)
{
	const pol_config *cfg = pc->config;
	/* what the wildcard reaches: the request's choice, else its API's
	 * (an _open reaches closed indices only: not narrowed, as the
	 * plugin does not narrow it; an empty list would read as all) */
	unsigned expand = prs_opts_expand(&op->opts);

	if (!(op->flags & PRS_REDUCIBLE) &&
	    !((op->flags & PRS_V4_REDUCIBLE) && cfg->mode != POL_MODE_LEGACY))
		return false;
	/* legacy: the _index terms aggregation is always narrowed, its
	 * query rewritten to the indices the caller may read */
	if (cfg->mode == POL_MODE_LEGACY)
		return (cfg->dnfof || (op->flags & PRS_INDEX_TERMS_AGG)) &&
		       readish(action);
	if (!cfg->ignore_unauthorized)
		return false;
	return op->opts.ignore_unavailable == 1 ||
	       (pattern && (expand & PRS_EXPAND_OPEN));
}

static bool may_reduce(dc_ctx *c, const op_state *s, const char *action)
{
	return dc_op_narrows(c->pc, s->op, s->res.pattern, action);
}

/* Nothing left to check: allowed when the caller holds the actions on
 * some index (modern), always (legacy: no local indices). A reindex
 * from a remote cluster reads there, with the credentials of its body:
 * nothing of it is read here. */
static op_outcome empty_outcome(dc_ctx *c, const op_state *s)
{
	const prs_op *op = s->op;

	if (c->pc->config->mode == POL_MODE_LEGACY ||
	    (op->flags & PRS_REMOTE_SRC))
		return OP_ALLOW;
	for (unsigned i = 0; i < op->nactions; i++) {
		const dc_act *x = act_of(c, op->actions[i]);
		const char *a = x->name;

		if (!x->cluster && !dc_grant_any(c, x->aid, a))
			return OP_DENY;
	}
	return OP_ALLOW;
}

static bool has_members(dc_ctx *c, const rs_row *r)
{
	return r->kind == MD_ALIAS || r->kind == MD_DATA_STREAM;
}

/* sum_rows for a few rows, none to drop: counts, no names. */
static void sum_few(op_state *s)
{
	size_t local = 0, held = 0;
	bool missing = false;

	for (size_t i = 0; i < s->res.nrows; i++) {
		if (s->res.rows[i].remote)
			continue;
		local++;
		held += s->granted[i];
		missing |= s->res.rows[i].kind == MD_NONE &&
			   !s->res.rows[i].literal_all;
	}
	s->local = local;
	s->held = held;
	s->nremote = s->res.nrows - local;
	s->missing = missing;
	s->summed = true;
}

/* Drop the refused aliases and streams from the rows. */
static void drop_refused(dc_ctx *c, op_state *s)
{
	size_t k = 0;

	for (size_t i = 0; i < s->res.nrows; i++) {
		if (!s->granted[i] && has_members(c, &s->res.rows[i]))
			continue;
		s->res.rows[k] = s->res.rows[i];
		s->granted[k++] = s->granted[i];
	}
	/* rs_add_row rebuilds its set from the rows if used again */
	s->res.nrows = k;
	s->res.seen_n = SIZE_MAX;
}

/* sum_rows for many rows, or some to drop. */
static void sum_rows_now(dc_ctx *c, op_state *s)
{
	const rs_row *rows = s->res.rows;
	const bool *granted = s->granted;
	bool drop = s->drop_refused;
	bool alias_names = (s->op->flags & PRS_ALIAS_NAMES) != 0;
	size_t n = s->res.nrows, local = 0, held = 0, nallowed = 0;
	size_t ndenied = 0, k = 0;
	bool missing = false, plain = n >= MEMO_ROWS;
	const char **allowed = NULL, **denied = NULL;

	if (plain) {
		allowed = ng_arena_alloc(c->a, 2 * n * sizeof(*allowed));
		denied = allowed + n;
		plain = allowed != NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const rs_row *r = &rows[i];
		bool held_here = granted[i];

		if (drop && !held_here && has_members(c, r))
			continue;
		k++;
		/* an index row is local, and there, and listed by its name */
		if (r->kind == MD_INDEX) {
			local++;
			held += held_here;
			if (plain && held_here)
				allowed[nallowed++] = r->name;
			else if (plain)
				denied[ndenied++] = r->name;
			continue;
		}
		if (r->remote)
			continue;
		local++;
		missing |= r->kind == MD_NONE && !r->literal_all;
		held += held_here;
		plain &= !held_here;
		if (plain && !(r->kind == MD_NONE && alias_names))
			denied[ndenied++] = r->name;
	}
	if (drop && (!plain || (s->op->flags & (PRS_DOC | PRS_CREATES)))) {
		drop_refused(c, s);
		s->drop_refused = false;
	}
	s->summed = true;
	s->plain = plain;
	s->local = local;
	s->held = held;
	s->nremote = k - local;
	s->missing = missing;
	s->allowed = (ng_strv){ allowed, nallowed, nallowed };
	s->denied = (ng_strv){ denied, ndenied, ndenied };
}

/* Settle the rows once every one is checked, dropping the refused
 * aliases and streams if break_down left them, and sum them up (see
 * op_state): the outcome of a row holds for every action. With many
 * rows, the names to list are gathered on the way; they serve while
 * every row held is an index (distinct, as a resolution leaves them). */
static inline void sum_rows(dc_ctx *c, op_state *s)
{
	if (s->summed)
		return;
	if (s->res.nrows < MEMO_ROWS && !s->drop_refused)
		sum_few(s);
	else
		sum_rows_now(c, s);
}

static op_outcome combine_rows(dc_ctx *c, op_state *s, const char *action)
{
	size_t local, granted;
	bool missing;

	sum_rows(c, s);
	local = s->local;
	granted = s->held;
	missing = s->missing;
	if (local == 0)
		return empty_outcome(c, s);
	/* modern: alias names asked for and none held is a refusal */
	if (granted == 0 && c->pc->config->mode == POL_MODE_V4 &&
	    (s->op->flags & PRS_ALIAS_NAMES) &&
	    strcmp(action, "indices:admin/aliases/get") == 0)
		return OP_DENY;
	if (granted == local)
		return missing && !(s->op->flags & PRS_CREATES) &&
		       s->op->opts.ignore_unavailable != 1 ? OP_MISSING :
							     OP_ALLOW;
	if (!may_reduce(c, s, action))
		return OP_DENY;
	if (granted)
		return OP_PARTIAL;
	if (c->pc->config->mode == POL_MODE_LEGACY)
		return c->pc->config->dnfof_empty ||
		       (s->op->flags & PRS_INDEX_TERMS_AGG) ? OP_PARTIAL
							    : OP_DENY;
	/* the peer never creates a point in time over no index */
	if (s->op->opts.allow_no_indices == 0 ||
	    strcmp(action, "indices:data/read/point_in_time/create") == 0)
		return OP_DENY;
	return empty_outcome(c, s) == OP_ALLOW ? OP_PARTIAL : OP_DENY;
}

/* The check of one action over the rows, as summed or row by row. */
static int report_rows(dc_ctx *c, op_state *s, const char *action,
		       op_outcome out)
{
	bool write = (s->op->flags & PRS_WRITE) != 0;
	dc_check *k = new_check(c, s->op, action, true);
	concrete kc = { k ? &k->indices : NULL, NULL };
	int rc = 0;

	if (!k)
		return NG_ENOMEM;
	sum_rows(c, s);
	if (s->plain) {
		/* the lists are read only from now on: shared */
		k->allowed = out != OP_DENY && out != OP_BAD;
		k->denied = s->denied;
		if (k->allowed)
			k->indices = s->allowed;
		else
			k->missing = action;
		return 0;
	}
	if (s->res.nrows >= MEMO_ROWS) {
		kc.seen = ng_arena_calloc(c->a, (c->md->nindices / 64 + 1) *
					  sizeof(uint64_t));
		if (!kc.seen)
			return NG_ENOMEM;
	}
	k->allowed = out != OP_DENY && out != OP_BAD;
	for (size_t i = 0; i < s->res.nrows && !rc; i++) {
		const rs_row *row = &s->res.rows[i];

		/* a new alias name is a name, not an index touched */
		if (row->kind == MD_NONE && (s->op->flags & PRS_ALIAS_NAMES))
			continue;
		if (s->granted[i] && k->allowed)
			rc = push_concrete(c, &kc, row, write);
		else if (!s->granted[i])
			rc = ng_strv_push(&k->denied, c->a, row->name);
	}
	if (!k->allowed)
		k->missing = action;
	return rc;
}

static op_outcome worse(op_outcome a, op_outcome b)
{
	return a > b ? a : b;
}

static const char *first_index_action(dc_ctx *c, const prs_op *op)
{
	for (unsigned i = 0; i < op->nactions; i++) {
		const dc_act *x = act_of(c, op->actions[i]);
		const char *a = x->name;

		if (!x->cluster)
			return a;
	}
	return NULL;
}

/* The rows of a broken-down result, without repeats. The rows kept are
 * distinct already (a resolution repeats no alias, index or stream) and
 * members are indices: only index rows can repeat, and a bitset over the
 * index ids tells them. */
typedef struct rows_out {
	rs_result *o;
	uint64_t *ix;
	bool *granted, *todo;  /* per row, as in op_state */
	uint64_t *checked;     /* index ids among the rows checked already */
	uint64_t *held;        /* of those, the ones granted */
	size_t ntodo;          /* rows put to check */
} rows_out;


/* A row kept with its outcome (`todo` false), or a member to check. */
static void put_row(rows_out *w, const rs_row *r, bool granted, bool todo)
{
	if (r->kind == MD_INDEX) {
		if (bit_has(w->ix, r->id))
			return;
		bit_put(w->ix, r->id);
	}
	w->granted[w->o->nrows] = granted;
	w->todo[w->o->nrows] = todo;
	w->o->rows[w->o->nrows++] = *r;
	w->ntodo += todo;
}

static void members(dc_ctx *c, const rs_row *r, const uint32_t **ids,
		    size_t *n)
{
	const ng_metadata *m = c->md;

	if (r->kind == MD_ALIAS) {
		*ids = m->aliases[r->id].indices;
		*n = m->aliases[r->id].nindices;
	} else {
		*ids = m->streams[r->id].indices;
		*n = m->streams[r->id].nindices;
	}
}

static void put_members(dc_ctx *c, rows_out *w, const rs_row *r)
{
	const uint32_t *ids;
	size_t n;

	members(c, r, &ids, &n);
	for (size_t i = 0; i < n; i++) {
		rs_row row = { c->md->indices[ids[i]].name, MD_INDEX, ids[i],
			       false, false };

		/* a member the wildcard also selected was checked with it:
		 * the same actions on the same index, the same answer */
		if (bit_has(w->checked, ids[i]))
			put_row(w, &row, bit_has(w->held, ids[i]), false);
		else
			put_row(w, &row, true, true);
	}
}

/* Room for the broken-down rows: each kept row, and the members of each
 * refused alias or stream. */
static size_t broken_size(dc_ctx *c, const op_state *s)
{
	size_t n = 1;

	for (size_t i = 0; i < s->res.nrows; i++) {
		const rs_row *r = &s->res.rows[i];
		const uint32_t *ids;
		size_t k = 1;

		if (!s->granted[i] && has_members(c, r))
			members(c, r, &ids, &k);
		n += k;
	}
	return n;
}

/* How the refused aliases and streams lie among the rows. */
typedef enum shape {
	SHAPE_NONE,             /* there is none */
	SHAPE_FOLLOWED,         /* each followed by exactly its members */
	SHAPE_OTHER
} shape;

/* Is each refused alias or stream followed, in the rows, by exactly its
 * members in order? A wildcard over time-based indices and their alias
 * often is: "logs-a" sorts right before "logs-a-2026.03.21"... Then
 * breaking down puts each member where its own row is, checked already,
 * and only drops the aliases and streams. */
static shape refused_shape(dc_ctx *c, const op_state *s)
{
	const rs_row *rows = s->res.rows;
	size_t n = s->res.nrows;
	shape sh = SHAPE_NONE;

	for (size_t i = 0; i < n; i++) {
		const uint32_t *ids;
		size_t k;

		if (s->granted[i] || !has_members(c, &rows[i]))
			continue;
		members(c, &rows[i], &ids, &k);
		if (k > n - i - 1)
			return SHAPE_OTHER;
		for (size_t j = 0; j < k; j++)
			if (rows[i + 1 + j].kind != MD_INDEX ||
			    rows[i + 1 + j].id != ids[j])
				return SHAPE_OTHER;
		sh = SHAPE_FOLLOWED;
		i += k;
	}
	return sh;
}

/* When an alias or a data stream is refused but the operation may be
 * narrowed, the peer goes on with the member indices the caller holds
 * (a grant on a member never extends to the alias). Returns 1 when rows
 * were replaced and some of the new ones (s->todo) must be checked, 2
 * when the rows were replaced or are to be (s->drop_refused) with none
 * to check, 0, or NG_ENOMEM. A row kept keeps its outcome: checking it
 * again would give the same answer. */
static int break_down(dc_ctx *c, op_state *s)
{
	const char *a = first_index_action(c, s->op);
	rs_result out = { .pattern = s->res.pattern };
	rows_out w = { .o = &out };
	size_t words;

	if (!a || !may_reduce(c, s, a))
		return 0;
	/* the modern semantics break down only what a wildcard selected */
	if (c->pc->config->mode == POL_MODE_V4 && !s->res.pattern)
		return 0;
	switch (refused_shape(c, s)) {
	case SHAPE_NONE:
		return 0;
	case SHAPE_FOLLOWED:
		s->drop_refused = true;
		return 2;
	default:
		break;
	}
	out.cap = broken_size(c, s);
	out.rows = ng_arena_alloc(c->a, out.cap * sizeof(*out.rows));
	words = c->md->nindices / 64 + 1;
	w.ix = ng_arena_calloc(c->a, words * sizeof(*w.ix));
	w.checked = ng_arena_calloc(c->a, words * sizeof(*w.checked));
	w.held = ng_arena_calloc(c->a, words * sizeof(*w.held));
	w.granted = ng_arena_alloc(c->a, out.cap * sizeof(bool));
	w.todo = ng_arena_alloc(c->a, out.cap * sizeof(bool));
	if (!out.rows || !w.ix || !w.checked || !w.held || !w.granted ||
	    !w.todo)
		return NG_ENOMEM;
	for (size_t i = 0; i < s->res.nrows; i++) {
		const rs_row *r = &s->res.rows[i];

		if (r->kind != MD_INDEX || r->remote)
			continue;
		bit_put(w.checked, r->id);
		if (s->granted[i])
			bit_put(w.held, r->id);
	}
	for (size_t i = 0; i < s->res.nrows; i++) {
		const rs_row *r = &s->res.rows[i];

		if (s->granted[i] || !has_members(c, r))
			put_row(&w, r, s->granted[i], false);
		else
			put_members(c, &w, r);
	}
	/* rs_add_row rebuilds its set from these rows if it is used again */
	out.seen_n = SIZE_MAX;
	s->res = out;
	s->granted = w.granted;
	s->todo = w.todo;
	return w.ntodo ? 1 : 2;
}

/* A write that names an index which does not exist creates it: the
 * peer then also needs indices:admin/create on the name. NULL when the
 * operation creates nothing that way. */
static const char *auto_create(const op_state *s)
{
	const prs_op *op = s->op;

	if (!(op->flags & PRS_CREATES) || (op->flags & PRS_ALIAS_NAMES) ||
	    !(op->flags & PRS_WRITE || (op->role && !strcmp(op->role, "dest"))))
		return NULL;
	for (size_t i = 0; i < s->res.nrows; i++)
		if (s->res.rows[i].kind == MD_NONE && !s->res.rows[i].remote)
			return "indices:admin/create";
	return NULL;
}

static void check_rows(dc_ctx *c, op_state *s)
{
	const char *create = auto_create(s);

	for (unsigned i = 0; i < s->op->nactions; i++) {
		const dc_act *x = act_of(c, s->op->actions[i]);
		const char *a = x->name;

		if (!x->cluster)
			rows_for_action(c, s, a);
	}
	if (create)
		rows_for_action(c, s, create);
}

/* A document written through an alias goes to its write index; an alias
 * of several indices without one cannot take it (400, as the peer). */
static bool no_write_index(dc_ctx *c, op_state *s)
{
	if (!(s->op->flags & PRS_WRITE) || !(s->op->flags & PRS_DOC))
		return false;
	for (size_t i = 0; i < s->res.nrows; i++) {
		const rs_row *r = &s->res.rows[i];
		const md_alias *al = &c->md->aliases[r->id];

		if (r->kind == MD_ALIAS && al->write_index < 0 &&
		    al->nindices != 1) {
			s->error = "no write index is defined for the alias";
			return true;
		}
	}
	return false;
}

/* The instant for the operation's date math ("<logs-{now/d}>"), the
 * only part of a resolution that reads it; 0 when it has none. */
static int64_t op_now(dc_ctx *c, const prs_op *op)
{
	for (size_t i = 0; i < op->nexprs; i++)
		if (op->exprs[i][0] == '<')
			return dc_now(c);
	return 0;
}

static int resolve_op(dc_ctx *c, op_state *s)
{
	if (rs_resolve(c->e, s->op, op_now(c, s->op), c->a, &s->res) != 0)
		return OP_DENY;
	if (s->res.status == 400) {
		s->error = s->res.error;
		return OP_BAD;
	}
	return OP_ALLOW;
}

static op_outcome create_outcome(dc_ctx *c, op_state *s, run_state *rs)
{
	const char *a = auto_create(s);
	op_outcome o;

	if (!a)
		return OP_ALLOW;
	o = combine_rows(c, s, a);
	if (report_rows(c, s, a, o) != 0)
		return OP_DENY;
	if (o == OP_DENY && !ng_strv_has(&rs->missing, a))
		ng_strv_push(&rs->missing, c->a, a);
	return o;
}

/* Keep only the rows an earlier operation on the same expression was
 * narrowed to. */
static void inherit_narrowing(op_state *s, const run_state *rs)
{
	size_t k = 0;

	if (!rs->narrowed_exprs || (const char *const *)s->op->exprs !=
				   rs->narrowed_exprs)
		return;
	for (size_t i = 0; i < s->res.nrows; i++)
		if (s->res.rows[i].remote ||
		    ng_strv_has(&rs->kept, s->res.rows[i].name))
			s->res.rows[k++] = s->res.rows[i];
	s->res.nrows = k;
}

static void remember_narrowing(dc_ctx *c, op_state *s, run_state *rs)
{
	if (s->op->item >= 0 || rs->narrowed_exprs)
		return;
	rs->narrowed_exprs = (const char *const *)s->op->exprs;
	sum_rows(c, s);
	/* the names held: those summed, when no remote row is among them */
	if (s->plain && !s->nremote) {
		rs->kept = s->allowed;
		return;
	}
	for (size_t i = 0; i < s->res.nrows; i++)
		if (s->granted[i])
			ng_strv_push(&rs->kept, c->a, s->res.rows[i].name);
}

static op_outcome index_op(dc_ctx *c, op_state *s, run_state *rs)
{
	const prs_op *op = s->op;
	op_outcome out = resolve_op(c, s);
	int rc;

	if (out != OP_ALLOW)
		return out;
	inherit_narrowing(s, rs);
	s->granted = ng_arena_alloc(c->a, (s->res.nrows + 1) * sizeof(bool));
	if (!s->granted)
		return OP_DENY;
	memset(s->granted, 1, (s->res.nrows + 1) * sizeof(bool));
	check_rows(c, s);
	rc = break_down(c, s);
	if (rc < 0)
		return OP_DENY;
	if (rc == 1)
		check_rows(c, s);
	sum_rows(c, s);
	for (unsigned i = 0; i < op->nactions; i++) {
		const dc_act *x = act_of(c, op->actions[i]);
		const char *a = x->name;
		op_outcome o;

		if (x->cluster)
			continue;
		o = combine_rows(c, s, a);
		if (report_rows(c, s, a, o) != 0)
			return OP_DENY;
		if (o == OP_DENY && !ng_strv_has(&rs->missing, a))
			ng_strv_push(&rs->missing, c->a, a);
		out = worse(out, o);
	}
	out = worse(out, create_outcome(c, s, rs));
	if (out == OP_PARTIAL)
		remember_narrowing(c, s, rs);
	if (out == OP_ALLOW && no_write_index(c, s))
		return OP_BAD;
	return out;
}

static op_outcome run_op(dc_ctx *c, const prs_op *op, run_state *rs)
{
	op_state s = { .op = op, .role = -1 };
	op_outcome out = OP_ALLOW;
	bool has_index = false;

	/* restoring the cluster's global state would replace the security
	 * configuration itself: refused to all but the admin certificate */
	if (op->flags & PRS_GLOBAL_STATE) {
		rs->special = "restoring the global state is not allowed";
		return OP_DENY;
	}

	for (unsigned i = 0; i < op->nactions; i++) {
		const dc_act *x = act_of(c, op->actions[i]);
		const char *a = x->name;

		if (!x->cluster) {
			has_index = true;
			continue;
		}
		if (cluster_check(c, op, a, rs) == OP_DENY) {
			if (!ng_strv_has(&rs->missing, a))
				ng_strv_push(&rs->missing, c->a, a);
			out = OP_DENY;
		}
	}
	if (has_index)
		out = worse(out, index_op(c, &s, rs));
	if (s.role >= 0 && rs->role < 0)
		rs->role = s.role;
	if (s.special && out == OP_DENY)
		rs->special = s.special;
	if (out == OP_BAD)
		rs->bad = s.error;
	return out;
}

/* ---------------------------------------------------------------------
 * The whole request.
 */

/* Text built by appending, cut at cap - 1 bytes as snprintf cuts it;
 * end() puts the NUL. */
typedef struct text {
	char *buf;
	size_t cap, len;
} text;

static inline void put_n(text *t, const char *s, size_t n)
{
	size_t room = t->cap - 1 - t->len;

	n = n < room ? n : room;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
}

static void put(text *t, const char *s)
{
	put_n(t, s, strlen(s));
}

/* A literal: when it fits, a copy of known length, made inline. */
#define PUT_LIT(t, s)                                                        \
	do {                                                                 \
		if ((t)->cap - 1 - (t)->len >= sizeof(s) - 1) {              \
			memcpy((t)->buf + (t)->len, (s), sizeof(s) - 1);     \
			(t)->len += sizeof(s) - 1;                           \
		} else {                                                     \
			put_n((t), (s), sizeof(s) - 1);                      \
		}                                                            \
	} while (0)

static const char *end(text *t)
{
	t->buf[t->len] = '\0';
	return t->buf;
}

static void put_list(text *t, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			PUT_LIT(t, ", ");
		put(t, v[i]);
	}
}

/* A user as the peer prints it in a denial, at most 1,023 bytes of it. */
static void put_user_as(text *t, const char *name, const char *const *roles,
			size_t nroles)
{
	size_t cap = t->cap;

	if (t->len + 1024 < t->cap)
		t->cap = t->len + 1024;
	PUT_LIT(t, "User [name=");
	put(t, name);
	PUT_LIT(t, ", backend_roles=[");
	put_list(t, roles, nroles);
	PUT_LIT(t, "], requestedTenant=null]");
	t->cap = cap;
}

/* The caller: as made once per engine when the policy knows the name and
 * the request gives no backend roles (those of internal_users.yml then
 * hold), else from the request. */
static void put_user(text *t, const dc_ctx *c)
{
	if (c->caller.slot != POL_CALLER_NONE && !c->req->has_backend_roles) {
		const dc_text *u = &c->e->user_text[c->caller.slot];

		put_n(t, u->s, u->n);
		return;
	}
	put_user_as(t, c->user.name, c->user.backend_roles, c->user.nbackend);
}

/* The start of the peer's denial text: the actions lacking. */
static void put_lacking(text *t, const char *const *v, size_t n)
{
	PUT_LIT(t, "no permissions for [");
	put_list(t, v, n);
	PUT_LIT(t, "] and ");
}

/* The peer's denial text, at most 2,047 bytes, written in place. */
const char *dc_denial_text(dc_ctx *c, const ng_strv *missing)
{
	text t = { ng_arena_alloc(c->a, 2048), 2048, 0 };

	if (!t.buf)
		return "no permissions";
	put_lacking(&t, missing->v, missing->n);
	put_user(&t, c);
	return end(&t);
}

char *dc_denial_head(const char *action, size_t *len)
{
	char buf[2048];
	text t = { buf, sizeof(buf), 0 };

	put_lacking(&t, &action, 1);
	*len = t.len;
	return strdup(end(&t));
}

const char *dc_denial_text_after(dc_ctx *c, const char *head, size_t len)
{
	text t = { ng_arena_alloc(c->a, 2048), 2048, 0 };

	if (!t.buf)
		return "no permissions";
	put_n(&t, head, len);
	put_user(&t, c);
	return end(&t);
}

const char *dc_grant_text(const dc_ctx *c, int role, bool partial)
{
	if (role < 0)
		return partial ? "allowed on no index" : "allowed";
	return c->e->grant_reason[2 * (size_t)role + partial];
}

int dc_grant_reasons(const pol_compiled *pc, char ***out)
{
	char **v = calloc(2 * pc->nroles + 1, sizeof(*v));

	*out = v;
	for (size_t r = 0; v && r < pc->nroles; r++) {
		for (int partial = 0; partial < 2; partial++) {
			char buf[512];
			text t = { buf, sizeof(buf), 0 };

			put(&t, partial ? "partially granted by role " :
					  "granted by role ");
			put(&t, pc->role_names[r]);
			if (!(v[2 * r + partial] = strdup(end(&t))))
				return NG_ENOMEM;
		}
	}
	return v ? 0 : NG_ENOMEM;
}

int dc_user_texts(const pol_compiled *pc, dc_text **out)
{
	size_t n = pol_caller_slots(pc);
	dc_text *v = calloc(n, sizeof(*v));

	*out = v;
	for (size_t k = 0; v && k < n; k++) {
		const pol_internal_user *iu;
		const char *name = pol_caller_slot(pc, k, &iu);
		char buf[1024];
		text t = { buf, sizeof(buf), 0 };

		if (!name)
			continue;
		if (iu)
			put_user_as(&t, name,
				    (const char *const *)iu->backend_roles.v,
				    iu->backend_roles.n);
		else
			put_user_as(&t, name, NULL, 0);
		v[k].n = t.len;
		if (!(v[k].s = strdup(end(&t))))
			return NG_ENOMEM;
	}
	return v ? 0 : NG_ENOMEM;
}

static int items_init(dc_ctx *c, const prs_request *pr)
{
	ng_decision *d = c->d;

	d->nitems = pr->compound ? pr->nitems : 0;
	if (!d->nitems)
		return 0;
	d->items = ng_arena_calloc(c->a, d->nitems * sizeof(*d->items));
	if (!d->items)
		return NG_ENOMEM;
	for (size_t i = 0; i < d->nitems; i++) {
		d->items[i].item = (int)i;
		d->items[i].status = 200;
	}
	return 0;
}

static int item_status(op_outcome o)
{
	switch (o) {
	case OP_DENY:
		return 403;
	case OP_BAD:
		return 400;
	case OP_MISSING:
		return 404;
	default:
		return 200;
	}
}

static void item_outcome(dc_ctx *c, const prs_op *op, op_outcome o,
			 size_t first_check)
{
	dc_item *it;
	int st = item_status(o);

	if (op->item < 0 || (size_t)op->item >= c->d->nitems)
		return;
	it = &c->d->items[op->item];
	if (st > it->status || (st == 403 && it->status == 404))
		it->status = st;
	for (size_t i = first_check; i < c->d->nchecks; i++) {
		const dc_check *k = &c->d->checks[i];

		for (size_t j = 0; k->index_scope && j < k->indices.n; j++)
			if (!ng_strv_has(&it->indices, k->indices.v[j]))
				ng_strv_push(&it->indices, c->a, k->indices.v[j]);
	}
}

static void finish(dc_ctx *c, const run_state *rs)
{
	ng_decision *d = c->d;
	bool item_denied = false;

	for (size_t i = 0; i < d->nitems; i++)
		item_denied |= d->items[i].status >= 400;
	switch (rs->top) {
	case OP_DENY:
		d->verdict = NG_DENY;
		d->status = 403;
		d->reason = rs->missing.n ? dc_denial_text(c, &rs->missing) :
					    rs->special;
		if (rs->special && rs->missing.n == 0)
			d->reason = rs->special;
		d->nitems = 0;
		return;
	case OP_BAD:
		d->verdict = NG_DENY;
		d->status = 400;
		d->reason = rs->bad ? rs->bad : "bad request";
		d->nitems = 0;
		return;
	case OP_MISSING:
		d->verdict = NG_ALLOW;
		d->status = 404;
		d->reason = "index not found";
		return;
	default:
		break;
	}
	d->status = 200;
	d->verdict = rs->top == OP_PARTIAL || item_denied ||
		     rs->item_narrowed ? NG_PARTIAL : NG_ALLOW;
	d->reason = dc_grant_text(c, rs->role, d->verdict == NG_PARTIAL);
}

int dc_run_ops(dc_ctx *c, const prs_request *pr)
{
	run_state rs = { .top = OP_ALLOW, .role = -1 };
	int rc = items_init(c, pr);

	for (size_t i = 0; i < pr->nops && !rc; i++) {
		const prs_op *op = &pr->ops[i];
		size_t first = c->d->nchecks;
		op_outcome o;

		if (op->nactions == 0) {
			/* a sub-request the parser could not read */
			item_outcome(c, op, OP_BAD, first);
			continue;
		}
		o = run_op(c, op, &rs);
		if (op->item < 0) {
			rs.top = worse(rs.top, o);
		} else {
			item_outcome(c, op, o, first);
			rs.item_narrowed |= o == OP_PARTIAL;
		}
	}
	if (!rc)
		finish(c, &rs);
	return rc;
}

/* ---------------------------------------------------------------------
 * Outcomes that do not come from operations.
 */

int dc_bad_request(dc_ctx *c, const char *why)
{
	c->d->verdict = NG_DENY;
	c->d->status = 400;
	c->d->reason = why ? ng_arena_strdup(c->a, why) : "bad request";
	return 0;
}

int dc_deny(dc_ctx *c, int status, const char *why)
{
	c->d->verdict = NG_DENY;
	c->d->status = status ? status : 403;
	c->d->reason = why ? ng_arena_strdup(c->a, why) : "denied";
	return 0;
}

void dc_reset_to_error(dc_ctx *c, int code)
{
	ng_decision *d = c->d;

	d->verdict = NG_DENY;
	d->status = code == NG_EBADREQ ? 400 : 403;
	d->reason = code == NG_ENOMEM ? "denied: out of memory while deciding" :
					"denied: internal error while deciding";
	d->nchecks = 0;
	d->nitems = 0;
}

/* What an admin certificate still gets from the cluster itself: a 404
 * for an index that does not exist, a 400 for a write the target cannot
 * take. */
static op_outcome admin_op(dc_ctx *c, const prs_op *op)
{
	op_state s = { .op = op, .role = -1 };
	op_outcome out;

	if (op->item >= 0 || !first_index_action(c, op))
		return OP_ALLOW;
	out = resolve_op(c, &s);
	if (out != OP_ALLOW)
		return out;
	if (no_write_index(c, &s))
		return OP_BAD;
	if (op->flags & PRS_CREATES || op->opts.ignore_unavailable == 1)
		return OP_ALLOW;
	for (size_t i = 0; i < s.res.nrows; i++) {
		const rs_row *r = &s.res.rows[i];

		if (r->kind == MD_NONE && !r->remote && !r->literal_all)
			return OP_MISSING;
	}
	return OP_ALLOW;
}

void dc_admin_ops(dc_ctx *c, const prs_request *pr)
{
	op_outcome top = OP_ALLOW;
	const char *bad = NULL;

	for (size_t i = 0; i < pr->nops; i++) {
		op_outcome o = pr->ops[i].nactions ? admin_op(c, &pr->ops[i]) :
						     OP_ALLOW;

		if (o == OP_BAD && !bad)
			bad = "bad request";
		top = worse(top, o);
	}
	if (top == OP_MISSING) {
		c->d->status = 404;
		c->d->reason = "index not found";
	} else if (top == OP_BAD) {
		c->d->verdict = NG_DENY;
		c->d->status = 400;
		c->d->reason = bad;
		c->d->nitems = 0;
	}
}

void dc_items_admin(dc_ctx *c, const prs_request *pr)
{
	if (items_init(c, pr) != 0) {
		dc_reset_to_error(c, NG_ENOMEM);
		return;
	}
	for (size_t i = 0; i < pr->nops; i++)
		if (pr->ops[i].nactions == 0)
			item_outcome(c, &pr->ops[i], OP_BAD, c->d->nchecks);
}

bool dc_node_action(const char *a)
{
	return strchr(a, '[') || starts(a, "internal:");
}

/* Shard-level and internal transport actions are not privilege-checked;
 * they must come from a node certificate (nodes_dn). */
bool dc_trusted_node_action(dc_ctx *c)
{
	const char *a = c->req->action;
	const pol_strlist *nodes = &c->pc->config->nodes_dn;
	const char *dn = c->req->peer_dn;

	if (!dc_node_action(a))
		return false;
	for (size_t i = 0; dn && i < nodes->n; i++) {
		pol_pattern p;
		bool hit = false;

		if (pol_pattern_compile(&p, nodes->v[i], POL_PAT_ICASE, NULL) == 0) {
			hit = pol_pattern_match(&p, dn, strlen(dn));
			pol_pattern_clear(&p);
		}
		if (hit) {
			c->d->verdict = NG_ALLOW;
			c->d->status = 200;
			c->d->reason = "trusted node";
			return true;
		}
	}
	dc_deny(c, 403, "internal or shard-level action from a peer that is "
			"not a trusted node");
	return true;
}
