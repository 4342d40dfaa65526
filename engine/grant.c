/*
 * Does a mapped role hold an action on a row?
 *
 * Only the entries of the caller's mapped roles are consulted, so the cost
 * follows the caller's roles, not the size of the policy.
 */
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "decide.h"
#include "tables.h"

#define PATTERN_MAX 2048

void dc_ctx_init(dc_ctx *c, const ng_engine *e, const ng_request *r,
		 ng_decision *d, int64_t now_ms)
{
	memset(c, 0, offsetof(dc_ctx, act));
	for (size_t i = 0; i < sizeof(c->act) / sizeof(c->act[0]); i++)
		c->act[i].key = NULL;
	c->e = e;
	c->pc = e->pc;
	c->md = e->md;
	c->req = r;
	c->d = d;
	c->a = &d->arena;
	c->now_ms = now_ms;
	c->caller.slot = POL_CALLER_NONE;
}

void dc_ctx_clear(dc_ctx *c)
{
	for (size_t i = 0; i < c->nentries; i++) {
		for (size_t k = 0; k < c->entries[i].ndyn; k++)
			pol_pattern_clear(&c->entries[i].dyn[k]);
		free(c->entries[i].dyn);
	}
	c->nentries = 0;
	c->nrestricted = 0;
	c->ndyn = 0;
}

/* Render one dynamic pattern: date math first, then ${...} variables. A
 * pattern that cannot be rendered matches nothing (false). */
static bool render(dc_ctx *c, const char *raw, char *out, size_t cap,
		   unsigned *flags)
{
	char dm[PATTERN_MAX];
	const char *why;

	*flags = 0;
	if (raw[0] == '<') {
		if (prs_datemath(raw, strlen(raw), dc_now(c), dm, sizeof(dm),
				 &why) != 0)
			return false;
		raw = dm;
	}
	if (!strstr(raw, "${")) {
		snprintf(out, cap, "%s", raw);
		return true;
	}
	*flags = POL_PAT_ESCAPES;
	return pol_render_template(raw, &c->user, out, cap);
}

static int render_dynamic(dc_ctx *c, dc_entry *de)
{
	const pol_entry *e = de->e;

	de->dyn = calloc(e->ndyn, sizeof(*de->dyn));
	if (!de->dyn)
		return NG_ENOMEM;
	for (size_t i = 0; i < e->ndyn; i++) {
		char buf[PATTERN_MAX];
		unsigned flags;

		if (!render(c, e->dyn[i], buf, sizeof(buf), &flags))
			continue;
		/* a rendered pattern that does not compile matches nothing */
		if (pol_pattern_compile(&de->dyn[de->ndyn], buf, flags, NULL) == 0)
			de->ndyn++;
	}
	return 0;
}

/* Remember that entries[at] has rendered dynamic patterns. */
static int note_dynamic(dc_ctx *c, size_t at)
{
	if (c->ndyn == c->capdyn) {
		size_t cap = c->capdyn ? c->capdyn * 2 : 8;
		uint32_t *n = ng_arena_alloc(c->a, cap * sizeof(*n));

		if (!n)
			return NG_ENOMEM;
		if (c->ndyn)
			memcpy(n, c->dyn, c->ndyn * sizeof(*n));
		c->dyn = n;
		c->capdyn = cap;
	}
	c->dyn[c->ndyn++] = (uint32_t)at;
	return 0;
}

int dc_add_entry(dc_ctx *c, const pol_entry *e)
{
	dc_entry *de;

	if (c->nentries == c->capentries) {
		size_t cap = c->capentries ? c->capentries * 2 : 16;
		dc_entry *n = ng_arena_alloc(c->a, cap * sizeof(*n));

		if (!n)
			return NG_ENOMEM;
		if (c->nentries)
			memcpy(n, c->entries, c->nentries * sizeof(*n));
		c->entries = n;
		c->capentries = cap;
	}
	de = &c->entries[c->nentries++];
	memset(de, 0, sizeof(*de));
	de->e = e;
	return e->ndyn ? note_dynamic(c, c->nentries - 1) : 0;
}

/* The entry's dynamic patterns, rendered for the caller on first use:
 * most decisions need few of them, the tables answering for the static
 * patterns. Out of memory, the entry matches nothing by them and
 * c->dyn_rc makes the decision fail. */
static void dyn_ready(dc_ctx *c, dc_entry *de)
{
	if (de->rendered)
		return;
	de->rendered = true;
	if (de->e->ndyn && render_dynamic(c, de) != 0)
		c->dyn_rc = NG_ENOMEM;
}

int dc_render_all(dc_ctx *c)
{
	if (dc_entries_ready(c) != 0)
		return c->dyn_rc;
	for (size_t i = 0; i < c->ndyn; i++)
		dyn_ready(c, &c->entries[c->dyn[i]]);
	return c->dyn_rc;
}

/* Does a rendered dynamic pattern of the entry match, exclusions applied? */
static bool dyn_matches(const dc_entry *de, const char *name, size_t n)
{
	for (size_t i = 0; i < de->ndyn; i++) {
		if (!pol_pattern_match(&de->dyn[i], name, n))
			continue;
		for (size_t k = 0; k < de->e->nexc; k++)
			if (pol_pattern_refuses(&de->e->exc[k], name, n))
				return false;
		return true;
	}
	return false;
}

/* Does the entry's index pattern match the name itself? */
bool dc_entry_matches(const dc_entry *de, const char *name)
{
	size_t n = strlen(name);

	return pol_entry_matches_static(de->e, name, n) ||
	       dyn_matches(de, name, n);
}

/* The same, rendering the entry's dynamic patterns if need be. */
static bool entry_matches(dc_ctx *c, dc_entry *de, const char *name)
{
	size_t n = strlen(name);

	if (pol_entry_matches_static(de->e, name, n))
		return true;
	dyn_ready(c, de);
	return dyn_matches(de, name, n);
}

/* Do two entries match the same names by their dynamic patterns? They
 * do when the raw patterns and the exclusions are the same: rendering
 * depends only on the text, the caller and the instant. */
static bool same_dynamic(const pol_entry *a, const pol_entry *b)
{
	if (a->ndyn != b->ndyn || a->nexc != b->nexc)
		return false;
	for (size_t i = 0; i < a->ndyn; i++)
		if (strcmp(a->dyn[i], b->dyn[i]) != 0)
			return false;
	for (size_t i = 0; i < a->nexc; i++)
		if (a->exc[i].kind != b->exc[i].kind ||
		    a->exc[i].flags != b->exc[i].flags ||
		    strcmp(a->exc[i].text, b->exc[i].text) != 0)
			return false;
	return true;
}

/* Is an entry that matches as entries[at] does already in the list? */
static bool listed_alike(const dc_ctx *c, size_t at)
{
	for (size_t i = 0; i < c->ngdyn; i++)
		if (same_dynamic(c->entries[c->gdyn[i]].e, c->entries[at].e))
			return true;
	return false;
}

/* The entries with dynamic patterns that grant the action, in entry
 * order, leaving out an entry that matches as an earlier one does (it
 * could only be found after it, with a role no lower); NULL (out of
 * memory) when they cannot be listed. */
static const uint32_t *dyn_granting(dc_ctx *c, int aid, const char *action,
				    size_t *n)
{
	if (c->gdyn_ok && c->gdyn_aid == aid && c->gdyn_action == action) {
		*n = c->ngdyn;
		return c->gdyn;
	}
	if (dc_entries_ready(c) != 0)
		return NULL;
	if (!c->gdyn)
		c->gdyn = ng_arena_alloc(c->a, (c->ndyn + 1) * sizeof(*c->gdyn));
	c->gdyn_ok = c->gdyn != NULL;
	if (!c->gdyn_ok)
		return NULL;
	c->ngdyn = 0;
	for (size_t i = 0; i < c->ndyn; i++)
		if (pol_entry_grants(c->pc, c->entries[c->dyn[i]].e, aid,
				     action) && !listed_alike(c, c->dyn[i]))
			c->gdyn[c->ngdyn++] = c->dyn[i];
	c->gdyn_aid = aid;
	c->gdyn_action = action;
	*n = c->ngdyn;
	return c->gdyn;
}

/* Every entry in order (TB_UNKNOWN: the tables cannot answer). */
static int scan_all(dc_ctx *c, const char *name, int aid, const char *action)
{
	dc_entries_ready(c);
	for (size_t i = 0; i < c->nentries; i++) {
		dc_entry *de = &c->entries[i];

		if (pol_entry_grants(c->pc, de->e, aid, action) &&
		    entry_matches(c, de, name))
			return (int)de->e->role;
	}
	return -1;
}

/* Below a role the tables found: the few entries with dynamic patterns
 * of a lower role, in order. */
static int scan_below(dc_ctx *c, const char *name, int role, int aid,
		      const char *action)
{
	dc_entries_ready(c);
	for (size_t i = 0; i < c->ndyn; i++) {
		dc_entry *de = &c->entries[c->dyn[i]];
		int r = (int)de->e->role;

		if (r >= role || !pol_entry_grants(c->pc, de->e, aid, action))
			continue;
		dyn_ready(c, de);
		if (dyn_matches(de, name, strlen(name)))
			return r;
	}
	return role;
}

/* The first entry in order (entries go by role) that grants and matches,
 * given `role`, the tables' answer for the name. When the tables answer,
 * they covered the static patterns of every entry that grants: only the
 * entries with dynamic patterns remain, and the lower of the two roles
 * wins, as the full scan would have it. A name the tables refuse is
 * checked against the list of those entries that grant the action. */
static int scan_name(dc_ctx *c, const char *name, int role, int aid,
		     const char *action)
{
	const uint32_t *g;
	size_t n, len;

	if (role == TB_UNKNOWN)
		return scan_all(c, name, aid, action);
	if (!c->ndyn)
		return role;
	if (role >= 0)
		return scan_below(c, name, role, aid, action);
	g = dyn_granting(c, aid, action, &n);
	if (!g)
		c->dyn_rc = NG_ENOMEM;
	len = strlen(name);
	for (size_t i = 0; g && i < n; i++) {
		dc_entry *de = &c->entries[g[i]];

		dyn_ready(c, de);
		if (dyn_matches(de, name, len))
			return (int)de->e->role;
	}
	return -1;
}

static int grant_name(dc_ctx *c, const char *name, int aid,
		      const char *action)
{
	return scan_name(c, name,
			 tb_grant(c->e->tables, c->md, name, aid, &c->troles),
			 aid, action);
}

/* A metadata name known by kind and id: no hash lookup. */
static int grant_known(dc_ctx *c, const char *name, md_kind kind,
		       uint32_t id, int aid, const char *action)
{
	return scan_name(c, name, tb_grant_id(c->e->tables, c->memo, kind, id,
					      aid, &c->troles), aid, action);
}

/* c->link_role for the action, emptied when the action changes; NULL
 * when answers are not memoised (few rows, or no memory for it). */
static int32_t *link_memo(dc_ctx *c, int aid, const char *action)
{
	size_t n = c->md->naliases + c->md->nstreams + 1;

	if (!c->memo)
		return NULL;
	if (!c->link_role) {
		c->link_role = ng_arena_alloc(c->a, n * sizeof(*c->link_role));
		if (!c->link_role)
			return NULL;
		c->link_action = NULL;
	}
	if (c->link_aid != aid || c->link_action != action) {
		memset(c->link_role, 0, n * sizeof(*c->link_role));
		c->link_aid = aid;
		c->link_action = action;
	}
	return c->link_role;
}

/* The k-th name linked to index `id` (tables.h), whose memo slot is
 * `slot`: it answers alike for every index it is linked to. */
static int grant_link(dc_ctx *c, uint32_t id, size_t k, const char *name,
		      size_t slot, int aid, const char *action)
{
	int32_t *memo = link_memo(c, aid, action);
	int role;

	if (memo && memo[slot])
		return memo[slot] - 2;
	role = scan_name(c, name, tb_grant_link(c->e->tables, c->memo, id, k,
						aid, &c->troles), aid, action);
	if (memo)
		memo[slot] = role + 2;
	return role;
}

/* ---------------------------------------------------------------------
 * Many rows (c->memo set): the rendered dynamic patterns turned, once
 * per action, into spans of the sorted names, and the answers for the
 * indices outside every span kept by entry set and links, so that
 * checking most indices is one probe rather than a pattern match per
 * dynamic pattern and a look at each alias.
 */
#define KEPT_BITS 10
#define KEPT_SLOTS (1u << KEPT_BITS)

/* The names a rendered pattern may match: positions [lo, hi) in the
 * sorted names; those that `p` is not NULL for must also match it. */
typedef struct dc_span {
	uint32_t lo, hi;
	const pol_pattern *p;
	const dc_entry *de;
	int role;
} dc_span;

/* The answer for the indices outside every span of one entry set and of
 * the same aliases and data stream (md_index.links_id): they get the
 * same from the tables, and their linked names are the same. */
typedef struct dc_kept {
	uint64_t key;              /* set << 32 | links_id */
	int32_t role;
	uint32_t gen;              /* dc_bulk.gen when kept; 0 never */
} dc_kept;

typedef struct dc_bulk dc_bulk;

struct dc_bulk {
	const char *action;        /* what the answers are for */
	int aid;
	bool ok;                   /* spans listed */
	uint32_t gen;              /* of the answers in `kept` now */
	dc_kept kept[KEPT_SLOTS];  /* by key, hashed */
	dc_span *spans;            /* in entry order: lowest role first */
	size_t nspans, capspans;
	uint32_t lo, hi;           /* every span is within [lo, hi) */
};

/* The literal text every match of a canonical glob starts with. */
static size_t glob_head(const pol_pattern *p)
{
	size_t i = 0;

	while (i < p->litlen && !strchr("*?\\", p->lit[i]))
		i++;
	return i;
}

/* The span of a rendered pattern. False when it matches no name. */
static bool span_of(const ng_metadata *md, const pol_pattern *p,
		    dc_span *sp)
{
	size_t first = 0, count = md->nnames;
	const md_name *mn;

	sp->p = NULL;
	if (p->flags & POL_PAT_ICASE) {
		sp->p = p;
	} else if (p->kind == POL_PAT_EXACT) {
		mn = md_lookup(md, p->lit, p->litlen);
		first = mn ? (size_t)(mn - md->names) : 0;
		count = mn != NULL;
	} else if (p->kind == POL_PAT_PREFIX) {
		md_prefix_range(md, p->lit, p->litlen, &first, &count);
	} else if (p->kind == POL_PAT_GLOB) {
		md_prefix_range(md, p->lit, glob_head(p), &first, &count);
		sp->p = p;
	} else if (p->kind != POL_PAT_ANY) {
		sp->p = p;         /* a regex, or what matches nothing */
	}
	sp->lo = (uint32_t)first;
	sp->hi = (uint32_t)(first + count);
	return count > 0;
}

static int add_span(dc_ctx *c, dc_bulk *b, const dc_span *sp)
{
	if (b->nspans == b->capspans) {
		size_t cap = b->capspans ? b->capspans * 2 : 8;
		dc_span *n = ng_arena_alloc(c->a, cap * sizeof(*n));

		if (!n)
			return NG_ENOMEM;
		if (b->nspans)
			memcpy(n, b->spans, b->nspans * sizeof(*n));
		b->spans = n;
		b->capspans = cap;
	}
	b->lo = !b->nspans || sp->lo < b->lo ? sp->lo : b->lo;
	b->hi = !b->nspans || sp->hi > b->hi ? sp->hi : b->hi;
	b->spans[b->nspans++] = *sp;
	return 0;
}

/* The spans of the entries with dynamic patterns granting the action. */
static int list_spans(dc_ctx *c, dc_bulk *b, int aid, const char *action)
{
	size_t n = 0;
	const uint32_t *g = c->ndyn ? dyn_granting(c, aid, action, &n) : NULL;
	int rc = g || !c->ndyn ? 0 : NG_ENOMEM;

	b->nspans = 0;
	b->lo = b->hi = 0;
	for (size_t i = 0; !rc && i < n; i++) {
		dc_entry *de = &c->entries[g[i]];

		dyn_ready(c, de);
		for (size_t k = 0; !rc && k < de->ndyn; k++) {
			dc_span sp = { .de = de, .role = (int)de->e->role };

			if (span_of(c->md, &de->dyn[k], &sp))
				rc = add_span(c, b, &sp);
		}
	}
	return rc;
}

/* The kept answers for the action, made ready; NULL when the tables
 * cannot answer for it, or out of memory. */
static dc_bulk *bulk_for(dc_ctx *c, int aid, const char *action)
{
	dc_bulk *b = c->bulk;

	if (b && b->aid == aid && b->action == action)
		return b->ok ? b : NULL;
	if (!b) {
		b = c->bulk = ng_arena_calloc(c->a, sizeof(*b));
		if (!b)
			return NULL;
	}
	b->aid = aid;
	b->action = action;
	b->gen++;                  /* forget the answers for another action */
	/* outside the dictionary, the tables cannot answer */
	b->ok = aid >= 0 && (size_t)aid < c->pc->nactions && c->e->tables;
	if (b->ok && list_spans(c, b, aid, action) != 0) {
		c->dyn_rc = NG_ENOMEM;
		b->ok = false;
	}
	return b->ok ? b : NULL;
}

/* What the tables alone answer for index `id`: grant_known with the
 * dynamic entries set aside. */
static int table_role(dc_ctx *c, uint32_t id, int aid, const char *action)
{
	size_t ndyn = c->ndyn;
	int role;

	c->ndyn = 0;
	role = grant_known(c, c->md->indices[id].name, MD_INDEX, id, aid,
			   action);
	c->ndyn = ndyn;
	return role;
}

static bool excluded(const pol_entry *e, const char *name, size_t n)
{
	for (size_t k = 0; k < e->nexc; k++)
		if (pol_pattern_refuses(&e->exc[k], name, n))
			return true;
	return false;
}

/* The lowest role below `role` (any, when it is -1) whose dynamic
 * patterns grant the action on the name at position `pos`, or `role`. */
static int span_role(const dc_bulk *b, uint32_t pos, const char *name,
		     int role)
{
	for (size_t i = 0; i < b->nspans; i++) {
		const dc_span *sp = &b->spans[i];
		size_t n;

		if (role >= 0 && sp->role >= role)
			break;
		if (pos < sp->lo || pos >= sp->hi)
			continue;
		n = strlen(name);
		if ((sp->p && !pol_pattern_match(sp->p, name, n)) ||
		    excluded(sp->de->e, name, n))
			continue;
		return sp->role;
	}
	return role;
}

/* The grant on a name linked to the index: its aliases, then its data
 * stream (grant_link answers each once). */
static int grant_links(dc_ctx *c, const md_index *ix, int aid,
		       const char *action)
{
	int role = -1;
	size_t k = 0;

	for (; role < 0 && k < ix->naliases; k++)
		role = grant_link(c, ix->id, k, ix->aliases[k], ix->alias_ids[k],
				  aid, action);
	if (role < 0 && ix->data_stream)
		role = grant_link(c, ix->id, k, ix->data_stream,
				  c->md->naliases + ix->stream_id, aid, action);
	return role;
}

/* An index is covered by a grant on itself, on one of its aliases, or on
 * its data stream. */
static int grant_index(dc_ctx *c, uint32_t id, int aid, const char *action)
{
	const md_index *ix = &c->md->indices[id];
	int role = grant_known(c, ix->name, MD_INDEX, id, aid, action);

	return role >= 0 ? role : grant_links(c, ix, aid, action);
}

/* Is the index special at all (dc_row_special)? Most are not. */
static bool plain_index(const dc_ctx *c, uint32_t id)
{
	return !(c->e->index_flags[id] & ENG_IX_SPECIAL);
}

/* dc_plain_answer_row, from what the tables answer for the index
 * itself. */
static inline int plain_outcome(int role, uint8_t flags)
{
	if (role >= 0)
		return flags & ENG_IX_SPECIAL ? TB_UNKNOWN : role;
	return role == -1 && !(flags & ENG_IX_LINKED) ? -1 : TB_UNKNOWN;
}

int dc_plain_answer_row(dc_ctx *c, uint32_t row, uint8_t flags)
{
	if (c->ndyn)
		return TB_UNKNOWN;
	return plain_outcome(tb_grant_row(c->e->tables, row, &c->troles),
			     flags);
}

/* dc_plain_answer_row for index `id`, from its set in the tables. */
static inline int plain_answer(dc_ctx *c, uint32_t id, int aid)
{
	if (c->ndyn)
		return TB_UNKNOWN;
	return plain_outcome(tb_grant_id(c->e->tables, c->memo, MD_INDEX, id,
					 aid, &c->troles),
			     c->e->index_flags[id]);
}

/* A row checked: its outcome recorded in `r`. */
static inline void row_outcome(dc_ctx *c, dc_rows *r, size_t i, int role,
			       const char *action)
{
	const rs_row *row = &r->rows[i];
	const char *why = NULL;

	if (role >= 0 && !(row->kind == MD_INDEX && plain_index(c, row->id)))
		why = dc_row_special(c, row, action);
	if (why)
		r->special = why;
	if (role < 0 || why)
		r->granted[i] = false;
	else if (r->role < 0)
		r->role = role;
}

/* The slot of a key in dc_bulk.kept. */
static inline size_t kept_slot(uint64_t key)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - KEPT_BITS));
}

/* grant_index for an index row, keeping the answer when it holds for
 * every index of the same key; dc_grant_row for another row. */
static int kept_learn(dc_ctx *c, dc_bulk *b, const rs_row *row, int aid,
		      const char *action)
{
	const uint32_t *sets = tb_name_sets(c->e->tables, MD_INDEX);
	const md_index *ix = &c->md->indices[row->id];
	bool spanned;
	uint64_t key;
	int role;

	if (row->kind != MD_INDEX || sets[row->id] == TB_NO_SET)
		return dc_grant_row(c, row, aid, action);
	spanned = ix->pos >= b->lo && ix->pos < b->hi;
	role = table_role(c, row->id, aid, action);
	if (spanned)
		role = span_role(b, ix->pos, ix->name, role);
	if (role < 0)
		role = grant_links(c, ix, aid, action);
	if (!spanned) {
		key = (uint64_t)sets[row->id] << 32 | ix->links_id;
		b->kept[kept_slot(key)] = (dc_kept){ key, role, b->gen };
	}
	return role;
}

/* What check_kept needs but seldom. */
typedef struct kept_ctx {
	dc_ctx *c;
	dc_bulk *b;
	dc_rows *r;
	int aid;
	const char *action;
} kept_ctx;

/* The outcome of a row that the kept answers do not give (`role` is
 * KEPT_UNKNOWN), or held. */
#define KEPT_UNKNOWN (-3)

static int kept_slow(const kept_ctx *kc, const rs_row *row, int role)
{
	if (role == KEPT_UNKNOWN)
		role = kept_learn(kc->c, kc->b, row, kc->aid, kc->action);
	if (role >= 0)
		row_outcome(kc->c, kc->r, (size_t)(row - kc->r->rows), role,
			    kc->action);
	return role;
}

/* grant_index from the kept answers for the index rows outside every
 * span: one probe by entry set and links, learnt once per key. The loop
 * reads through locals: a store to granted[] may alias anything. */
static void check_kept(const kept_ctx *kc)
{
	const md_index *ixs = kc->c->md->indices;
	const uint32_t *sets = tb_name_sets(kc->c->e->tables, MD_INDEX);
	const dc_kept *kept = kc->b->kept;
	const uint32_t gen = kc->b->gen;
	const uint32_t lo = kc->b->lo, span = kc->b->hi - kc->b->lo;
	const rs_row *row = kc->r->rows, *end = row + kc->r->n;
	bool *granted = kc->r->granted;

	for (; row < end; row++, granted++) {
		int role = KEPT_UNKNOWN;

		if (row->remote || !*granted)
			continue;
		if (row->kind == MD_INDEX && sets[row->id] != TB_NO_SET &&
		    ixs[row->id].pos - lo >= span) {
			uint64_t key = (uint64_t)sets[row->id] << 32 |
				       ixs[row->id].links_id;
			const dc_kept *k = &kept[kept_slot(key)];

			if (k->key == key && k->gen == gen)
				role = k->role;
		}
		if (role == -1 || kept_slow(kc, row, role) < 0)
			*granted = false;
	}
}

void dc_check_rows(dc_ctx *c, dc_rows *r, int aid, const char *action)
{
	dc_bulk *b;

	if (!r->n)              /* and r->rows may be NULL */
		return;
	b = c->memo ? bulk_for(c, aid, action) : NULL;
	if (b && !r->todo) {
		kept_ctx kc = { c, b, r, aid, action };

		check_kept(&kc);
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		const rs_row *row = &r->rows[i];
		int role;

		if (row->remote || !r->granted[i] || (r->todo && !r->todo[i]))
			continue;
		role = row->kind == MD_INDEX ? plain_answer(c, row->id, aid)
					     : TB_UNKNOWN;
		if (role == TB_UNKNOWN)
			row_outcome(c, r, i, dc_grant_row(c, row, aid, action),
				    action);
		else if (role < 0)
			r->granted[i] = false;
		else if (r->role < 0)
			r->role = role;
	}
}

/* Legacy semantics: a grant on every member counts for the alias. */
static int grant_members(dc_ctx *c, const uint32_t *ids, size_t n, int aid,
			 const char *action)
{
	int role = -1;

	for (size_t i = 0; i < n; i++) {
		role = grant_index(c, ids[i], aid, action);
		if (role < 0)
			return -1;
	}
	return role;
}

int dc_grant_row(dc_ctx *c, const rs_row *row, int aid, const char *action)
{
	bool legacy = c->pc->config->mode == POL_MODE_LEGACY;
	int role;

	switch (row->kind) {
	case MD_INDEX:
		return grant_index(c, row->id, aid, action);
	case MD_ALIAS:
		role = grant_known(c, row->name, MD_ALIAS, row->id, aid, action);
		if (role < 0 && legacy)
			role = grant_members(c, c->md->aliases[row->id].indices,
					     c->md->aliases[row->id].nindices,
					     aid, action);
		return role;
	case MD_DATA_STREAM:
		role = grant_known(c, row->name, MD_DATA_STREAM, row->id, aid,
				   action);
		if (role < 0 && legacy)
			role = grant_members(c, c->md->streams[row->id].indices,
					     c->md->streams[row->id].nindices,
					     aid, action);
		return role;
	default:
		return grant_name(c, row->name, aid, action);
	}
}

bool dc_grant_any(dc_ctx *c, int aid, const char *action)
{
	dc_entries_ready(c);
	for (size_t i = 0; i < c->nentries; i++) {
		dc_entry *de = &c->entries[i];

		if (!(de->e->ninc || de->e->ndyn) ||
		    !pol_entry_grants(c->pc, de->e, aid, action))
			continue;
		dyn_ready(c, de);
		if (de->e->ninc || de->ndyn)
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------------
 * Special indices.
 */

static bool explicit_system_grant(dc_ctx *c, const char *name)
{
	dc_entries_ready(c);
	for (size_t i = 0; i < c->nentries; i++) {
		dc_entry *de = &c->entries[i];

		if (de->e->explicit_system && entry_matches(c, de, name))
			return true;
	}
	return false;
}

/* The write-type actions the peer guards system and protected indices
 * against: a trailing '*' is a prefix, any other name only itself (so
 * indices:admin/aliases is guarded, indices:admin/aliases/get is not). */
static bool is_write_action(const char *a)
{
	static const char *const guarded[] = {
		"indices:data/write*", "indices:admin/delete*",
		"indices:admin/mapping/delete*", "indices:admin/mapping/put*",
		"indices:admin/freeze*", "indices:admin/settings/update*",
		"indices:admin/aliases", "indices:admin/close*",
		"cluster:admin/snapshot/restore*",
	};

	for (size_t i = 0; i < sizeof(guarded) / sizeof(guarded[0]); i++) {
		size_t n = strlen(guarded[i]);

		if (guarded[i][n - 1] == '*' ? strncmp(a, guarded[i], n - 1) == 0
					     : strcmp(a, guarded[i]) == 0)
			return true;
	}
	return false;
}

/* What makes an index special, by id or, for a name the metadata does
 * not hold (an index to be created), by its name. */
typedef struct special {
	const char *name;
	bool security, system, protected_;
} special;

static const char *special_refusal(dc_ctx *c, const special *sp,
				   const char *action)
{
	const pol_config *cfg = c->pc->config;
	bool v4 = cfg->mode == POL_MODE_V4;

	if (sp->security)
		return "the security index is reachable only with an admin certificate";
	if (sp->system && (v4 || cfg->system_indices_enabled)) {
		bool need_explicit = v4 || cfg->system_index_permission;

		if (need_explicit && !explicit_system_grant(c, sp->name))
			return "system index needs system:admin/system_index";
		if (!need_explicit && is_write_action(action))
			return "system index is not writable";
	}
	if (sp->protected_ && (v4 || is_write_action(action)) &&
	    !(dc_role_bits(c) && pol_intersects(c->roles, c->e->protected_roles,
						c->pc->nwords)))
		return "protected index";
	return NULL;
}

static const char *index_special(dc_ctx *c, uint32_t id, const char *action)
{
	special sp = { c->md->indices[id].name,
		       (int64_t)id == c->e->security_index, c->e->system[id],
		       c->e->protected_idx[id] };

	return special_refusal(c, &sp, action);
}

/* A local name the metadata does not hold: creating the security index,
 * or an index the node settings call system or protected, is guarded as
 * writing to it would be. */
static const char *name_special(dc_ctx *c, const char *name,
				const char *action)
{
	special sp = { name, strcmp(name, c->pc->config->security_index) == 0,
		       eng_system_name(c->e, name),
		       eng_protected_name(c->e, name) };

	return special_refusal(c, &sp, action);
}

const char *dc_row_special(dc_ctx *c, const rs_row *row, const char *action)
{
	const md_alias *al;

	if (row->kind == MD_INDEX)
		return index_special(c, row->id, action);
	if (row->kind == MD_NONE)
		return row->remote ? NULL : name_special(c, row->name, action);
	if (row->kind != MD_ALIAS)
		return NULL;
	al = &c->md->aliases[row->id];
	for (size_t i = 0; i < al->nindices; i++) {
		const char *why = index_special(c, al->indices[i], action);

		if (why)
			return why;
	}
	return NULL;
}
