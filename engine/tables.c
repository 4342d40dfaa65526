/*
 * Decision tables (see tables.h): built once per engine, read without
 * locks by every deciding thread.
 *
 * Building, for P static include patterns and N metadata names:
 *   1. Index the patterns: exact names and literal prefixes in hash tables
 *      keyed by their literal text; globs and regexes by the literal text
 *      every match starts with, or else, for globs, by their longest
 *      literal run ("*-prod-*": "-prod-"); what remains in a list.
 *   2. For each name, probe the exact table once and the prefix table
 *      once per distinct prefix length, look for each distinct literal
 *      run, test the few candidates found and the list, apply exclusions:
 *      the name's entry set. Intern it.
 *   3. For each distinct set and action class, OR the roles of the
 *      set's entries that grant the class into a role bitset. Intern it.
 * The cost is about N * (distinct prefix lengths + candidates) pattern
 * steps, not N * P.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "tables.h"

#define NAME_MAX_BYTES 1024        /* longer names are left to the scan */
#define NO_SET UINT32_MAX

/* A growable array of uint32. */
typedef struct u32v {
	uint32_t *v;
	size_t n, cap;
} u32v;

static int u32v_push(u32v *a, uint32_t x)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		uint32_t *v = realloc(a->v, cap * sizeof(*v));

		if (!v)
			return NG_ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = x;
	return 0;
}

/* ---------------------------------------------------------------------
 * Interning arrays of 64-bit words: equal contents get the same id.
 * Open addressing over ids; contents stored back to back.
 */
typedef struct ipool {
	uint64_t *w;
	size_t nw, capw;
	size_t *off;               /* per id: first word; off[n] = nw */
	size_t n, cap;
	uint32_t *slot;            /* id + 1, or 0 when empty */
	size_t nslot;              /* a power of two */
} ipool;

static uint64_t hash_words(const uint64_t *v, size_t n)
{
	uint64_t h = 1469598103934665603ull ^ n;

	for (size_t i = 0; i < n; i++) {
		h ^= v[i];
		h *= 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	return h;
}

static bool same(const ipool *p, uint32_t id, const uint64_t *v, size_t n)
{
	size_t len = p->off[id + 1] - p->off[id];

	return len == n && (!n || !memcmp(p->w + p->off[id], v, n * sizeof(*v)));
}

static int ipool_rehash(ipool *p)
{
	size_t nslot = p->nslot ? p->nslot * 2 : 1024;
	uint32_t *slot = calloc(nslot, sizeof(*slot));

	if (!slot)
		return NG_ENOMEM;
	for (size_t id = 0; id < p->n; id++) {
		size_t len = p->off[id + 1] - p->off[id];
		size_t h = hash_words(p->w + p->off[id], len) & (nslot - 1);

		while (slot[h])
			h = (h + 1) & (nslot - 1);
		slot[h] = (uint32_t)id + 1;
	}
	free(p->slot);
	p->slot = slot;
	p->nslot = nslot;
	return 0;
}

static int ipool_append(ipool *p, const uint64_t *v, size_t n)
{
	if (p->nw + n > p->capw) {
		size_t cap = (p->capw + n) * 2;
		uint64_t *w = realloc(p->w, cap * sizeof(*w));

		if (!w)
			return NG_ENOMEM;
		p->w = w;
		p->capw = cap;
	}
	if (p->n + 2 > p->cap) {
		size_t cap = (p->cap + 2) * 2;
		size_t *off = realloc(p->off, cap * sizeof(*off));

		if (!off)
			return NG_ENOMEM;
		p->off = off;
		p->cap = cap;
	}
	if (n)
		memcpy(p->w + p->nw, v, n * sizeof(*v));
	p->off[p->n] = p->nw;
	p->nw += n;
	p->off[++p->n] = p->nw;
	return 0;
}

/* The id of `v`; *fresh tells whether it was added just now. */
static int ipool_intern(ipool *p, const uint64_t *v, size_t n, uint32_t *id,
			bool *fresh)
{
	size_t h;

	if ((p->n + 1) * 2 > p->nslot && ipool_rehash(p) != 0)
		return NG_ENOMEM;
	h = hash_words(v, n) & (p->nslot - 1);
	for (; p->slot[h]; h = (h + 1) & (p->nslot - 1)) {
		if (same(p, p->slot[h] - 1, v, n)) {
			*id = p->slot[h] - 1;
			*fresh = false;
			return 0;
		}
	}
	if (ipool_append(p, v, n) != 0)
		return NG_ENOMEM;
	*id = (uint32_t)p->n - 1;
	*fresh = true;
	p->slot[h] = *id + 1;
	return 0;
}

static void ipool_free(ipool *p)
{
	free(p->w);
	free(p->off);
	free(p->slot);
}

/* ---------------------------------------------------------------------
 * The tables.
 */
struct tb_tables {
	size_t nwords;             /* words in a role set */
	size_t nactions;
	uint32_t *act_class;       /* per action id */
	size_t nclasses;
	uint32_t *name_set[4];     /* per md_kind, per id: set, or NO_SET */
	uint32_t *set_rows;        /* per (set, class): role-set id */
	size_t nsets;
	ipool roles;               /* interned role sets, nwords each */
	size_t *role_first;        /* nroles + 1, or NULL */
	uint32_t *link_first;      /* per index id + 1: first of its links */
	uint32_t *link_set;        /* set of each alias, then of the stream */
};

/* Actions that every entry grants alike fall in one class. */
static int action_classes(tb_tables *t, const pol_compiled *pc)
{
	ipool sets = { 0 }, sigs = { 0 };
	uint32_t *eset = calloc(pc->nentries + 1, sizeof(*eset));
	uint64_t *sig = NULL;
	size_t nsig;
	bool fresh;
	int rc = eset ? 0 : NG_ENOMEM;

	for (size_t i = 0; !rc && i < pc->nentries; i++)
		rc = ipool_intern(&sets, pc->entries[i].actions, pc->nawords,
				  &eset[i], &fresh);
	nsig = sets.n / 64 + 1;
	sig = calloc(nsig, sizeof(*sig));
	t->act_class = calloc(pc->nactions + 1, sizeof(*t->act_class));
	if (!rc && (!sig || !t->act_class))
		rc = NG_ENOMEM;
	for (size_t a = 0; !rc && a < pc->nactions; a++) {
		memset(sig, 0, nsig * sizeof(*sig));
		for (size_t s = 0; s < sets.n; s++)
			if (pol_bit(sets.w + sets.off[s], a))
				pol_setbit(sig, s);
		rc = ipool_intern(&sigs, sig, nsig, &t->act_class[a], &fresh);
	}
	t->nclasses = sigs.n;
	free(eset);
	free(sig);
	ipool_free(&sets);
	ipool_free(&sigs);
	return rc;
}

/* A representative action of every class. */
static int class_actions(const tb_tables *t, uint32_t **out)
{
	uint32_t *rep = malloc((t->nclasses + 1) * sizeof(*rep));

	if (!rep)
		return NG_ENOMEM;
	for (size_t a = t->nactions; a-- > 0;)
		rep[t->act_class[a]] = (uint32_t)a;
	*out = rep;
	return 0;
}

/* ---------------------------------------------------------------------
 * The pattern index.
 */
typedef struct cand {
	uint32_t entry;
	const pol_pattern *p;      /* to test, or NULL: matched by the key */
} cand;

typedef struct pindex {
	GHashTable *same;          /* pattern text -> first pattern with it */
	GHashTable *exact;         /* literal -> GArray of cand */
	GHashTable *prefix;        /* literal prefix -> GArray of cand */
	GHashTable *infix;         /* literal run -> GArray of cand */
	GPtrArray *runs;           /* the keys of infix */
	GArray *generic;           /* cand tested against every name */
	u32v lens;                 /* distinct prefix lengths, ascending */
	GArray *any;               /* entry ids matching every name */
} pindex;

static void free_array(gpointer a)
{
	g_array_free(a, TRUE);
}

static void pindex_add(GHashTable *h, const char *key, size_t n, cand c)
{
	char *k = g_strndup(key, n);
	GArray *a = g_hash_table_lookup(h, k);

	if (!a) {
		a = g_array_new(FALSE, FALSE, sizeof(cand));
		g_hash_table_insert(h, k, a);
	} else {
		g_free(k);
	}
	g_array_append_val(a, c);
}

/* The literal text before the first wildcard of a canonical glob. */
static size_t glob_head(const pol_pattern *p)
{
	size_t i = 0;

	while (i < p->litlen && !strchr("*?\\", p->lit[i]))
		i++;
	return i;
}

/* The longest run of literal characters of a canonical glob. */
static size_t glob_run(const pol_pattern *p, size_t *at)
{
	size_t best = 0;

	for (size_t i = 0; i < p->litlen;) {
		size_t k = i;

		while (k < p->litlen && !strchr("*?\\", p->lit[k]))
			k++;
		if (k - i > best) {
			best = k - i;
			*at = i;
		}
		i = k + 1 + (k < p->litlen && p->lit[k] == '\\');
	}
	return best;
}

/* Does the regex have a top-level alternative? Then no head is safe. */
static bool top_alternation(const char *s, size_t n)
{
	int depth = 0;
	bool klass = false;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (klass)
			klass = s[i] != ']';
		else if (s[i] == '[')
			klass = true;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')')
			depth--;
		else if (s[i] == '|' && depth <= 0)
			return true;
	}
	return false;
}

/* The literal text every match of an anchored "/regex/" starts with. */
static size_t regex_head(const pol_pattern *p)
{
	const char *s = p->text + 1;
	size_t n = strlen(p->text) - 2, i = 0;

	if (top_alternation(s, n))
		return 0;
	while (i < n && !strchr("\\^$.|?*+()[]{}", s[i]))
		i++;
	/* a quantifier makes the last literal optional */
	if (i > 0 && i < n && strchr("?*{", s[i]))
		i--;
	return i;
}

static void index_glob(pindex *x, cand c, const pol_pattern *p)
{
	size_t n = glob_head(p), at = 0;
	char *key;

	if (n > 0) {
		pindex_add(x->prefix, p->lit, n, c);
		return;
	}
	n = glob_run(p, &at);
	if (n < 2) {
		g_array_append_val(x->generic, c);
		return;
	}
	key = g_strndup(p->lit + at, n);
	if (!g_hash_table_contains(x->infix, key))
		g_ptr_array_add(x->runs, g_strdup(key));
	pindex_add(x->infix, key, n, c);
	g_free(key);
}

static void index_pattern(pindex *x, uint32_t entry, const pol_pattern *p)
{
	cand c = { entry, p };
	size_t n;

	/* equal patterns share one pointer, so that a name tests each once */
	if (p->flags == 0) {
		const pol_pattern *q = g_hash_table_lookup(x->same, p->text);

		if (!q)
			g_hash_table_insert(x->same, p->text, (gpointer)p);
		c.p = p = q ? q : p;
	}

	if (p->flags) {
		g_array_append_val(x->generic, c);
		return;
	}
	if (p->kind == POL_PAT_EXACT || p->kind == POL_PAT_PREFIX)
		c.p = NULL;
	switch (p->kind) {
	case POL_PAT_EXACT:
		pindex_add(x->exact, p->lit, p->litlen, c);
		break;
	case POL_PAT_PREFIX:
		pindex_add(x->prefix, p->lit, p->litlen, c);
		break;
	case POL_PAT_GLOB:
		index_glob(x, c, p);
		break;
	case POL_PAT_REGEX:
		if ((n = regex_head(p)) > 0) {
			pindex_add(x->prefix, p->text + 1, n, c);
			break;
		}
		g_array_append_val(x->generic, c);
		break;
	case POL_PAT_NONE:
		break;
	default:
		g_array_append_val(x->generic, c);
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static gint cmp_cand(gconstpointer a, gconstpointer b)
{
	uintptr_t x = (uintptr_t)((const cand *)a)->p;
	uintptr_t y = (uintptr_t)((const cand *)b)->p;

	return x < y ? -1 : x > y;
}

static void sort_cands(gpointer key, gpointer value, gpointer unused)
{
	g_array_sort(value, cmp_cand);
}

static int pindex_lengths(pindex *x)
{
	GHashTableIter it;
	gpointer k;
	size_t seen[NAME_MAX_BYTES + 1] = { 0 };
	int rc = 0;

	g_hash_table_iter_init(&it, x->prefix);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		size_t n = strlen(k);

		if (n <= NAME_MAX_BYTES && !seen[n]++)
			rc |= u32v_push(&x->lens, (uint32_t)n);
	}
	if (x->lens.n > 1)   /* qsort(NULL, 0, ...) is undefined */
		qsort(x->lens.v, x->lens.n, sizeof(uint32_t), cmp_u32);
	return rc ? NG_ENOMEM : 0;
}

static int pindex_build(pindex *x, const pol_compiled *pc)
{
	x->same = g_hash_table_new(g_str_hash, g_str_equal);
	x->exact = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					 free_array);
	x->prefix = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					  free_array);
	x->infix = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					 free_array);
	x->runs = g_ptr_array_new_with_free_func(g_free);
	x->generic = g_array_new(FALSE, FALSE, sizeof(cand));
	x->any = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (size_t i = 0; i < pc->nentries; i++) {
		const pol_entry *e = &pc->entries[i];
		uint32_t id = (uint32_t)i;

		if (e->any && !e->nexc) {
			g_array_append_val(x->any, id);
			continue;
		}
		for (size_t k = 0; k < e->ninc; k++)
			index_pattern(x, id, &e->inc[k]);
	}
	g_hash_table_foreach(x->prefix, sort_cands, NULL);
	g_hash_table_foreach(x->infix, sort_cands, NULL);
	g_array_sort(x->generic, cmp_cand);
	return pindex_lengths(x);
}

static void pindex_free(pindex *x)
{
	if (x->same)
		g_hash_table_destroy(x->same);
	if (x->exact)
		g_hash_table_destroy(x->exact);
	if (x->prefix)
		g_hash_table_destroy(x->prefix);
	if (x->infix)
		g_hash_table_destroy(x->infix);
	if (x->runs)
		g_ptr_array_free(x->runs, TRUE);
	if (x->generic)
		g_array_free(x->generic, TRUE);
	if (x->any)
		g_array_free(x->any, TRUE);
	free(x->lens.v);
}

/* ---------------------------------------------------------------------
 * Entry sets of names.
 */
typedef struct builder {
	tb_tables *t;
	const pol_compiled *pc;
	pindex x;
	ipool sets;                /* entry ids as words, sorted */
	u32v rows;                 /* per (set, class): role-set id */
	uint32_t *rep;             /* per class: an action */
	u32v hit;                  /* scratch: the entries of one name */
	uint64_t *words;           /* scratch */
	pol_word *bits;            /* scratch: one role set */
	pol_word *any_rows;        /* per class: roles of "*" entries, which
	                            * every row of set_rows holds too */
} builder;

/* Arrays are sorted by pattern, so that equal patterns are tested once. */
static int take(builder *b, const GArray *a, const char *s, size_t n)
{
	const pol_pattern *last = NULL;
	bool hit = false;
	int rc = 0;

	for (guint i = 0; a && i < a->len && !rc; i++) {
		const cand *c = &g_array_index(a, cand, i);

		if (c->p && c->p != last) {
			last = c->p;
			hit = pol_pattern_match(c->p, s, n);
		}
		if (!c->p || hit)
			rc = u32v_push(&b->hit, c->entry);
	}
	return rc;
}

/* Every entry with a static include matching `s`, before exclusions. */
static int candidates(builder *b, const char *s, size_t n)
{
	char key[NAME_MAX_BYTES + 1];
	int rc;

	b->hit.n = 0;
	memcpy(key, s, n);
	key[n] = '\0';
	rc = take(b, g_hash_table_lookup(b->x.exact, key), s, n);
	for (size_t i = 0; !rc && i < b->x.lens.n && b->x.lens.v[i] <= n; i++) {
		size_t len = b->x.lens.v[i];
		char saved = key[len];

		key[len] = '\0';
		rc = take(b, g_hash_table_lookup(b->x.prefix, key), s, n);
		key[len] = saved;
	}
	for (guint i = 0; !rc && i < b->x.runs->len; i++) {
		const char *run = g_ptr_array_index(b->x.runs, i);

		if (memmem(s, n, run, strlen(run)))
			rc = take(b, g_hash_table_lookup(b->x.infix, run), s, n);
	}
	return rc ? rc : take(b, b->x.generic, s, n);
}

/* Sort, drop duplicates and entries excluded for `s`. */
static size_t settle(builder *b, const char *s, size_t n)
{
	size_t k = 0;

	if (b->hit.n > 1)   /* qsort(NULL, 0, ...) is undefined */
		qsort(b->hit.v, b->hit.n, sizeof(uint32_t), cmp_u32);
	for (size_t i = 0; i < b->hit.n; i++) {
		uint32_t id = b->hit.v[i];

		if (k && b->words[k - 1] == id)
			continue;
		if (b->pc->entries[id].nexc &&
		    !pol_entry_matches_static(&b->pc->entries[id], s, n))
			continue;
		b->words[k++] = id;
	}
	return k;
}

/* The role set of entries `ids` that grant class `cls`, with the roles of
 * the entries matching every name, interned. */
static int role_row(builder *b, const uint64_t *ids, size_t n, size_t cls,
		    uint32_t *out)
{
	uint32_t a = b->rep[cls];
	bool fresh;

	memcpy(b->bits, b->any_rows + cls * b->t->nwords,
	       b->t->nwords * sizeof(pol_word));
	for (size_t i = 0; i < n; i++) {
		const pol_entry *e = &b->pc->entries[ids[i]];

		if (pol_bit(e->actions, a))
			pol_setbit(b->bits, e->role);
	}
	return ipool_intern(&b->t->roles, b->bits, b->t->nwords, out, &fresh);
}

static int set_of(builder *b, const char *s, size_t n, uint32_t *sid)
{
	size_t k;
	bool fresh;
	int rc;

	if (n > NAME_MAX_BYTES) {
		*sid = NO_SET;
		return 0;
	}
	rc = candidates(b, s, n);
	if (rc)
		return rc;
	k = settle(b, s, n);
	rc = ipool_intern(&b->sets, b->words, k, sid, &fresh);
	for (size_t c = 0; !rc && fresh && c < b->t->nclasses; c++) {
		uint32_t row;

		rc = role_row(b, b->words, k, c, &row);
		if (!rc)
			rc = u32v_push(&b->rows, row);
	}
	return rc;
}

static int name_sets(builder *b, const ng_metadata *md)
{
	tb_tables *t = b->t;
	int rc = 0;

	t->name_set[MD_INDEX] = malloc((md->nindices + 1) * sizeof(uint32_t));
	t->name_set[MD_ALIAS] = malloc((md->naliases + 1) * sizeof(uint32_t));
	t->name_set[MD_DATA_STREAM] = malloc((md->nstreams + 1) *
					     sizeof(uint32_t));
	if (!t->name_set[MD_INDEX] || !t->name_set[MD_ALIAS] ||
	    !t->name_set[MD_DATA_STREAM])
		return NG_ENOMEM;
	for (size_t i = 0; !rc && i < md->nnames; i++) {
		const md_name *mn = &md->names[i];

		if (mn->kind < MD_INDEX || mn->kind > MD_DATA_STREAM)
			continue;
		rc = set_of(b, mn->name, mn->len, &t->name_set[mn->kind][mn->id]);
	}
	return rc;
}

/* One row per class for the entries that match every name. */
static int any_rows(builder *b)
{
	tb_tables *t = b->t;
	const GArray *a = b->x.any;

	b->any_rows = calloc(t->nclasses * t->nwords + 1, sizeof(pol_word));
	if (!b->any_rows)
		return NG_ENOMEM;
	for (size_t c = 0; c < t->nclasses; c++) {
		pol_word *row = b->any_rows + c * t->nwords;

		for (guint i = 0; i < a->len; i++) {
			const pol_entry *e = &b->pc->entries[g_array_index(a,
							uint32_t, i)];

			if (pol_bit(e->actions, b->rep[c]))
				pol_setbit(row, e->role);
		}
	}
	return 0;
}

/* Entries are compiled role by role; record where each role's begin. */
static int role_ranges(tb_tables *t, const pol_compiled *pc)
{
	size_t *first = calloc(pc->nroles + 1, sizeof(*first));
	size_t k = 0;

	if (!first)
		return NG_ENOMEM;
	for (size_t r = 0; r < pc->nroles; r++) {
		first[r] = k;
		while (k < pc->nentries && pc->entries[k].role == r)
			k++;
	}
	first[pc->nroles] = k;
	if (k != pc->nentries) {
		free(first);         /* not grouped: callers scan everything */
		return 0;
	}
	t->role_first = first;
	return 0;
}

/* The set of a linked name (an alias or a stream of an index). */
static uint32_t link_of(const tb_tables *t, const ng_metadata *md,
			const char *name)
{
	const md_name *mn = md_lookup(md, name, strlen(name));

	if (!mn || mn->kind < MD_INDEX || mn->kind > MD_DATA_STREAM)
		return NO_SET;
	return t->name_set[mn->kind][mn->id];
}

/* For every index, the sets of its aliases and of its data stream, in
 * the order grant checks them, so that a check by index id needs no
 * hash lookup of the linked names. */
static int links(tb_tables *t, const ng_metadata *md)
{
	size_t n = 0;

	for (size_t i = 0; i < md->nindices; i++)
		n += md->indices[i].naliases + (md->indices[i].data_stream != NULL);
	t->link_first = malloc((md->nindices + 1) * sizeof(uint32_t));
	t->link_set = malloc((n + 1) * sizeof(uint32_t));
	if (!t->link_first || !t->link_set || n >= UINT32_MAX)
		return NG_ENOMEM;
	n = 0;
	for (size_t i = 0; i < md->nindices; i++) {
		const md_index *ix = &md->indices[i];

		t->link_first[i] = (uint32_t)n;
		for (size_t k = 0; k < ix->naliases; k++)
			t->link_set[n++] = link_of(t, md, ix->aliases[k]);
		if (ix->data_stream)
			t->link_set[n++] = link_of(t, md, ix->data_stream);
	}
	t->link_first[md->nindices] = (uint32_t)n;
	return 0;
}

static int build(builder *b, const pol_compiled *pc, const ng_metadata *md)
{
	int rc = action_classes(b->t, pc);

	if (!rc)
		rc = class_actions(b->t, &b->rep);
	if (!rc)
		rc = pindex_build(&b->x, pc);
	b->words = malloc((pc->nentries + 1) * sizeof(uint64_t));
	b->bits = malloc((b->t->nwords + 1) * sizeof(pol_word));
	if (!rc && (!b->words || !b->bits))
		rc = NG_ENOMEM;
	if (!rc)
		rc = any_rows(b);
	if (!rc)
		rc = name_sets(b, md);
	if (!rc)
		rc = role_ranges(b->t, pc);
	if (!rc)
		rc = links(b->t, md);
	return rc;
}

int tb_build(const pol_compiled *pc, const ng_metadata *md, tb_tables **out)
{
	builder b = { 0 };
	int rc;

	*out = NULL;
	b.t = calloc(1, sizeof(*b.t));
	if (!b.t)
		return NG_ENOMEM;
	b.pc = pc;
	b.t->nwords = pc->nwords ? pc->nwords : 1;
	b.t->nactions = pc->nactions;
	rc = build(&b, pc, md);
	b.t->set_rows = b.rows.v;
	b.t->nsets = b.sets.n;
	pindex_free(&b.x);
	ipool_free(&b.sets);
	free(b.hit.v);
	free(b.rep);
	free(b.words);
	free(b.bits);
	free(b.any_rows);
	if (rc) {
		tb_free(b.t);
		return rc;
	}
	*out = b.t;
	return 0;
}

void tb_free(tb_tables *t)
{
	if (!t)
		return;
	free(t->act_class);
	for (size_t k = 0; k < 4; k++)
		free(t->name_set[k]);
	free(t->set_rows);
	ipool_free(&t->roles);
	free(t->role_first);
	free(t->link_first);
	free(t->link_set);
	free(t);
}

/* ---------------------------------------------------------------------
 * Deciding with the tables.
 */

static int lowest_common(const pol_word *a, const pol_word *b, size_t n)
{
	for (size_t w = 0; w < n; w++) {
		pol_word x = a[w] & b[w];

		if (x)
			return (int)(w * 64 + (size_t)__builtin_ctzll(x));
	}
	return -1;
}

/* The lowest of the caller's roles in `row`: a bit test per role when the
 * caller has fewer roles than the row has words. */
static int lowest_in(const pol_word *row, const tb_roles *r, size_t nwords)
{
	if (r->n > nwords)
		return lowest_common(row, r->bits, nwords);
	for (size_t i = 0; i < r->n; i++)
		if (pol_bit(row, r->ids[i]))
			return (int)r->ids[i];
	return -1;
}

/* The answer for set `sid` and class `cls` (the set's row holds the
 * entries matching everything too). */
uint32_t tb_action_class(const tb_tables *t, int aid)
{
	return t->act_class[aid];
}

const uint32_t *tb_set_rows(const tb_tables *t, uint32_t sid)
{
	return sid == NO_SET ? NULL : &t->set_rows[(size_t)sid * t->nclasses];
}

int tb_grant_row(const tb_tables *t, uint32_t row, const tb_roles *roles)
{
	/* every role set has nwords words: its place is computed, not read */
	return lowest_in(t->roles.w + (size_t)row * t->nwords, roles,
			 t->nwords);
}

static int grant_set(const tb_tables *t, uint32_t sid, uint32_t cls,
		     const tb_roles *roles)
{
	return tb_grant_row(t, t->set_rows[sid * t->nclasses + cls], roles);
}

void tb_memo_init(tb_memo *m)
{
	memset(m->key, 0, sizeof(m->key));
}

static int grant_memo(const tb_tables *t, tb_memo *m, uint32_t sid, int aid,
		      const tb_roles *roles)
{
	uint32_t cls = t->act_class[aid], key, h;
	uint64_t wide = (uint64_t)sid * t->nclasses + cls + 1;

	if (!m || wide > UINT32_MAX)
		return grant_set(t, sid, cls, roles);
	key = (uint32_t)wide;
	h = (key * 2654435761u) >> 24;
	if (m->key[h] != key) {
		m->role[h] = grant_set(t, sid, cls, roles);
		m->key[h] = key;
	}
	return m->role[h];
}

int tb_grant(const tb_tables *t, const ng_metadata *md, const char *name,
	     int aid, const tb_roles *roles)
{
	const md_name *mn;

	if (!t || aid < 0 || (size_t)aid >= t->nactions)
		return TB_UNKNOWN;
	mn = md_lookup(md, name, strlen(name));
	if (!mn || mn->kind < MD_INDEX || mn->kind > MD_DATA_STREAM)
		return TB_UNKNOWN;
	return tb_grant_id(t, NULL, mn->kind, mn->id, aid, roles);
}

int tb_grant_id(const tb_tables *t, tb_memo *memo, md_kind kind, uint32_t id,
		int aid, const tb_roles *roles)
{
	uint32_t sid;

	if (!t || aid < 0 || (size_t)aid >= t->nactions ||
	    kind < MD_INDEX || kind > MD_DATA_STREAM)
		return TB_UNKNOWN;
	sid = t->name_set[kind][id];
	return sid == NO_SET ? TB_UNKNOWN : grant_memo(t, memo, sid, aid, roles);
}

int tb_grant_link(const tb_tables *t, tb_memo *memo, uint32_t id, size_t k,
		  int aid, const tb_roles *roles)
{
	uint32_t sid;

	if (!t || aid < 0 || (size_t)aid >= t->nactions)
		return TB_UNKNOWN;
	sid = t->link_set[t->link_first[id] + k];
	return sid == NO_SET ? TB_UNKNOWN : grant_memo(t, memo, sid, aid, roles);
}

bool tb_role_entries(const tb_tables *t, size_t role, size_t *first,
		     size_t *end)
{
	if (!t || !t->role_first)
		return false;
	*first = t->role_first[role];
	*end = t->role_first[role + 1];
	return true;
}

const uint32_t *tb_name_sets(const tb_tables *t, md_kind kind)
{
	if (!t || kind < MD_INDEX || kind > MD_DATA_STREAM)
		return NULL;
	return t->name_set[kind];
}
