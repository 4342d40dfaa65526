/*
 * Document- and field-level restrictions for the indices a request reads.
 *
 * For a concrete index, every index-permission entry of a mapped role
 * whose pattern matches the index (or one of its aliases, or its data
 * stream) takes part, whatever actions it grants. Restricted entries win
 * over unrestricted ones unless dfm_empty_overrides_all is set. Several
 * DLS queries are OR-ed; FLS patterns are unioned, and where includes and
 * excludes mix only the excludes apply (the peer's rule); masked fields
 * are unioned.
 */
#include <cjson/cJSON.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "decide.h"

#define DLS_MAX (64 * 1024)

typedef struct rules {
	GPtrArray *dls;       /* rendered queries (char *, owned) */
	GPtrArray *fls;       /* borrowed patterns */
	GPtrArray *masked;    /* borrowed */
	bool open_dls, open_fls, open_masked;  /* an entry without the rule */
} rules;

static bool covers(dc_ctx *c, const dc_entry *de, const md_index *ix)
{
	if (dc_entry_matches(de, ix->name))
		return true;
	for (size_t i = 0; i < ix->naliases; i++)
		if (dc_entry_matches(de, ix->aliases[i]))
			return true;
	return ix->data_stream && dc_entry_matches(de, ix->data_stream);
}

static void add_unique(GPtrArray *a, const char *s)
{
	for (guint i = 0; i < a->len; i++)
		if (strcmp(g_ptr_array_index(a, i), s) == 0)
			return;
	g_ptr_array_add(a, (gpointer)s);
}

/* Render one DLS query for the caller; false when it cannot be (an
 * undefined variable, or not JSON): the request is then refused. */
static bool render_dls(dc_ctx *c, const char *tmpl, rules *r)
{
	char *out = g_malloc(DLS_MAX);
	cJSON *q;

	if (!pol_render_json(tmpl, &c->user, out, DLS_MAX)) {
		g_free(out);
		return false;
	}
	q = cJSON_ParseWithOpts(out, NULL, true);
	g_free(out);
	out = cJSON_IsObject(q) ? cJSON_PrintUnformatted(q) : NULL;
	cJSON_Delete(q);
	if (!out)
		return false;
	for (guint i = 0; i < r->dls->len; i++)
		if (strcmp(g_ptr_array_index(r->dls, i), out) == 0) {
			cJSON_free(out);
			return true;
		}
	g_ptr_array_add(r->dls, out);
	return true;
}

/* Does the entry carry a DLS, FLS or masking rule? */
static bool has_rule(const pol_entry *e)
{
	return e->dls || e->nfls || e->nmasked;
}

/* An entry without any rule only matters through the open_* flags, and
 * those only with dfm_empty_overrides_all: otherwise it is skipped before
 * its patterns are matched. */
static bool takes_part(const dc_ctx *c, const pol_entry *e)
{
	return has_rule(e) || c->pc->config->dfm_empty_overrides_all;
}

static bool collect(dc_ctx *c, const md_index *ix, rules *r)
{
	for (size_t i = 0; i < c->nentries; i++) {
		const pol_entry *e = c->entries[i].e;

		if (!takes_part(c, e) || !covers(c, &c->entries[i], ix))
			continue;
		if (!e->dls)
			r->open_dls = true;
		else if (!render_dls(c, e->dls, r))
			return false;
		r->open_fls |= e->nfls == 0;
		for (size_t k = 0; k < e->nfls; k++)
			add_unique(r->fls, e->fls[k]);
		r->open_masked |= e->nmasked == 0;
		for (size_t k = 0; k < e->nmasked; k++)
			add_unique(r->masked, e->masked[k]);
	}
	return true;
}

static bool is_exclude(const char *f)
{
	return f[0] == '~' || f[0] == '!';
}

/* Mixed includes and excludes: only the excludes apply. */
static void fls_effective(GPtrArray *fls)
{
	bool inc = false, exc = false;

	for (guint i = 0; i < fls->len; i++) {
		bool x = is_exclude(g_ptr_array_index(fls, i));

		inc |= !x;
		exc |= x;
	}
	for (guint i = fls->len; inc && exc && i-- > 0; )
		if (!is_exclude(g_ptr_array_index(fls, i)))
			g_ptr_array_remove_index(fls, i);
}

/* Hardening: written without an allocation that may fail, so that an
 * index name or a field rule is never replaced by "" (an empty rule would
 * leave the field unrestricted). */
static void put_json_string(GString *g, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	g_string_append_c(g, '"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			g_string_append_c(g, '\\');
			g_string_append_c(g, (char)ch);
		} else if (ch < 0x20) {
			g_string_append(g, "\\u00");
			g_string_append_c(g, hex[ch >> 4]);
			g_string_append_c(g, hex[ch & 15]);
		} else {
			g_string_append_c(g, (char)ch);
		}
	}
	g_string_append_c(g, '"');
}

static void put_list(GString *g, const char *index, GPtrArray *a)
{
	if (g->len > 1)
		g_string_append_c(g, ',');
	put_json_string(g, index);
	g_string_append(g, ":[");
	for (guint i = 0; i < a->len; i++) {
		if (i)
			g_string_append_c(g, ',');
		put_json_string(g, g_ptr_array_index(a, i));
	}
	g_string_append_c(g, ']');
}

static void put_dls(GString *g, const char *index, GPtrArray *q)
{
	if (g->len > 1)
		g_string_append_c(g, ',');
	put_json_string(g, index);
	g_string_append_c(g, ':');
	if (q->len == 1) {
		g_string_append(g, g_ptr_array_index(q, 0));
		return;
	}
	g_string_append(g, "{\"bool\":{\"should\":[");
	for (guint i = 0; i < q->len; i++)
		g_string_append_printf(g, "%s%s", i ? "," : "",
				       (char *)g_ptr_array_index(q, i));
	g_string_append(g, "],\"minimum_should_match\":1}}");
}

/* Does any restriction apply to the index for this caller? */
static bool restricted(dc_ctx *c, const char *name)
{
	const md_name *n = md_lookup(c->md, name, strlen(name));
	bool overrides = c->pc->config->dfm_empty_overrides_all;
	bool any = false, open = false;

	if (!n || n->kind != MD_INDEX)
		return false;
	for (size_t i = 0; i < c->nentries; i++) {
		const pol_entry *e = c->entries[i].e;
		bool rule = has_rule(e);

		if (!takes_part(c, e) ||
		    !covers(c, &c->entries[i], &c->md->indices[n->id]))
			continue;
		any |= rule;
		open |= !rule;
	}
	return any && !(overrides && open);
}

/* With dls.write_blocked, a write to an index the caller reads only under
 * restrictions is refused: the filter would not apply to what it writes. */
static bool write_blocked(dc_ctx *c)
{
	if (!c->pc->config->dls_write_blocked)
		return false;
	for (size_t i = 0; i < c->d->nchecks; i++) {
		const dc_check *k = &c->d->checks[i];

		if (!k->allowed || !k->index_scope ||
		    strncmp(k->action, "indices:data/write", 18) != 0)
			continue;
		for (size_t j = 0; j < k->indices.n; j++)
			if (restricted(c, k->indices.v[j]))
				return true;
	}
	return false;
}

typedef struct outputs {
	GString *dls, *fls, *masked;
	GHashTable *seen;
} outputs;

static bool index_rules(dc_ctx *c, const char *name, outputs *o)
{
	const md_name *n = md_lookup(c->md, name, strlen(name));
	bool overrides = c->pc->config->dfm_empty_overrides_all;
	rules r = { .dls = g_ptr_array_new_with_free_func(cJSON_free),
		    .fls = g_ptr_array_new(), .masked = g_ptr_array_new() };
	bool ok = true;

	if (n && n->kind == MD_INDEX &&
	    g_hash_table_add(o->seen, (gpointer)name)) {
		ok = collect(c, &c->md->indices[n->id], &r);
		if (ok && r.dls->len && !(overrides && r.open_dls))
			put_dls(o->dls, name, r.dls);
		fls_effective(r.fls);
		if (ok && r.fls->len && !(overrides && r.open_fls))
			put_list(o->fls, name, r.fls);
		if (ok && r.masked->len && !(overrides && r.open_masked))
			put_list(o->masked, name, r.masked);
	}
	g_ptr_array_free(r.dls, TRUE);
	g_ptr_array_free(r.fls, TRUE);
	g_ptr_array_free(r.masked, TRUE);
	return ok;
}

static bool read_check(const dc_check *k)
{
	return k->allowed && k->index_scope &&
	       strncmp(k->action, "indices:data/read", 17) == 0;
}

static char *finish_object(dc_ctx *c, GString *g)
{
	char *s;

	g_string_append_c(g, '}');
	s = ng_arena_strdup(c->a, g->str);
	g_string_free(g, TRUE);
	return s;
}

static int read_restrictions(dc_ctx *c)
{
	outputs o = { g_string_new("{"), g_string_new("{"), g_string_new("{"),
		      g_hash_table_new(g_str_hash, g_str_equal) };
	bool ok = true;

	for (size_t i = 0; i < c->d->nchecks && ok; i++) {
		const dc_check *k = &c->d->checks[i];

		for (size_t j = 0; read_check(k) && ok && j < k->indices.n; j++)
			ok = index_rules(c, k->indices.v[j], &o);
	}
	g_hash_table_destroy(o.seen);
	c->d->dls = finish_object(c, o.dls);
	c->d->fls = finish_object(c, o.fls);
	c->d->masked = finish_object(c, o.masked);
	/* hardening: a restriction lost to memory is an error, never "{}" */
	if (ok && (!c->d->dls || !c->d->fls || !c->d->masked))
		return NG_ENOMEM;
	if (ok)
		return 0;
	c->d->dls = c->d->fls = c->d->masked = NULL;
	return dc_deny(c, 403, "error while evaluating DLS/FLS privileges: a "
			       "document filter names a variable the user "
			       "does not have, or is not a JSON query");
}

/* Without a restricted entry among the caller's, no index is restricted
 * and every output is empty (NULL renders as "{}"). */
int dc_restrictions(dc_ctx *c)
{
	if (!c->nrestricted)
		return 0;
	if (dc_render_all(c) != 0)
		return NG_ENOMEM;
	if (write_blocked(c))
		return dc_deny(c, 403, "writes are blocked for users whose reads "
				       "of the index are restricted (dls.write_blocked)");
	return read_restrictions(c);
}
