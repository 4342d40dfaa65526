/*
 * Lint rules on index permissions (DLS, FLS, patterns, special indices)
 * and on role mappings.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lint.h"

/* ---------------------------------------------------------------------
 * DLS: JSON, and a query. ${...} variables are replaced by a plain value
 * first, so that "[${user.roles}]" parses as the rendered query would.
 */

static char *neutralise_vars(const char *dls)
{
	GString *out = g_string_new(NULL);
	bool in_str = false;

	for (const char *p = dls; *p; p++) {
		const char *end;

		if (*p == '"' && (p == dls || p[-1] != '\\'))
			in_str = !in_str;
		if (p[0] != '$' || p[1] != '{' || !(end = strchr(p, '}'))) {
			g_string_append_c(out, *p);
			continue;
		}
		g_string_append(out, in_str ? "v" : "\"v\"");
		p = end;
	}
	return g_string_free(out, FALSE);
}

static bool is_query_type(const char *k)
{
	static const char *const types[] = {
		"bool", "boosting", "combined_fields", "constant_score",
		"dis_max", "distance_feature", "exists", "function_score",
		"fuzzy", "geo_bounding_box", "geo_distance", "geo_polygon",
		"geo_shape", "has_child", "has_parent", "ids", "intervals",
		"knn", "match", "match_all", "match_bool_prefix", "match_none",
		"match_phrase", "match_phrase_prefix", "more_like_this",
		"multi_match", "neural", "nested", "parent_id", "percolate",
		"pinned", "prefix", "query_string", "range", "rank_feature",
		"regexp", "script", "script_score", "shape",
		"simple_query_string", "span_containing", "span_first",
		"span_multi", "span_near", "span_not", "span_or", "span_term",
		"span_within", "template", "term", "terms", "terms_set",
		"wildcard", "wrapper", "hybrid", NULL
	};

	for (size_t i = 0; types[i]; i++)
		if (!strcmp(k, types[i]))
			return true;
	return false;
}

static void check_dls(lint_ctx *c, const pol_index_perm *ip)
{
	char *text = neutralise_vars(ip->dls);
	cJSON *q = cJSON_ParseWithOpts(text, NULL, true);
	const cJSON *first = q && cJSON_IsObject(q) ? q->child : NULL;

	if (!q)
		lint_add(c, "dls-invalid", POL_SEV_ERROR, &ip->dls_pos,
			 "dls is not valid json");
	else if (!cJSON_IsObject(q) || !first)
		lint_add(c, "dls-invalid", POL_SEV_ERROR, &ip->dls_pos,
			 "dls is not a query: expected a json object with one "
			 "query clause");
	else if (first->next)
		lint_add(c, "dls-invalid", POL_SEV_ERROR, &ip->dls_pos,
			 "dls has more than one top-level clause; combine them "
			 "in a \"bool\" query");
	else if (!is_query_type(first->string))
		lint_add(c, "dls-invalid", POL_SEV_ERROR, &ip->dls_pos,
			 "dls is not a query: unknown query type \"%s\"%s",
			 first->string, !strcmp(first->string, "query") ?
			 "; give the query without the \"query\" wrapper" : "");
	cJSON_Delete(q);
	g_free(text);
}

/* ---------------------------------------------------------------------
 * Index patterns of two entries overlap when one matches the other's
 * text; "*" and dynamic patterns are taken as overlapping everything.
 */

static bool pattern_overlap(const char *a, const char *b)
{
	if (!strcmp(a, b) || strstr(a, "${") || strstr(b, "${"))
		return true;
	return lint_covers(a, b) || lint_covers(b, a);
}

static bool entries_overlap(const pol_index_perm *a, const pol_index_perm *b)
{
	for (size_t i = 0; i < a->patterns.n; i++)
		for (size_t k = 0; k < b->patterns.n; k++)
			if (pattern_overlap(a->patterns.v[i], b->patterns.v[k]))
				return true;
	return false;
}

static bool grants_write(lint_ctx *c, const pol_index_perm *ip)
{
	static const char *const writes[] = {
		"indices:data/write/index", "indices:data/write/update",
		"indices:data/write/delete", "indices:data/write/bulk[s]", NULL
	};
	GPtrArray *all = lint_expand(c, &ip->actions);
	bool hit = false;

	for (guint i = 0; i < all->len && !hit; i++)
		for (size_t k = 0; writes[k] && !hit; k++)
			hit = lint_covers(all->pdata[i], writes[k]);
	g_ptr_array_free(all, TRUE);
	return hit;
}

static void check_dls_write(lint_ctx *c, const pol_role *r,
			    const pol_index_perm *ip)
{
	if (c->m->config.dls_write_blocked)
		return;
	for (size_t k = 0; k < r->nindex; k++) {
		const pol_index_perm *w = &r->index[k];

		if (!entries_overlap(ip, w) || !grants_write(c, w))
			continue;
		lint_add(c, "dls-with-write", POL_SEV_WARNING, &ip->dls_pos,
			 "role \"%s\" filters reads with dls but grants writes "
			 "on the same indices (line %d); writes are not "
			 "filtered", r->name, w->pos.line);
		return;
	}
}

static void check_fls(lint_ctx *c, const pol_index_perm *ip)
{
	size_t exc = 0;

	for (size_t i = 0; i < ip->fls.n; i++) {
		const char *f = ip->fls.v[i];
		bool x = f[0] == '~' || f[0] == '!';

		exc += x;
		/* "" admits only a field named "", "~" excludes only it */
		if (!f[0])
			lint_add(c, "fls-empty", POL_SEV_WARNING, &ip->fls.pos[i],
				 "fls entry \"\" includes no field, so every "
				 "field is hidden");
		else if (x && !f[1])
			lint_add(c, "fls-empty", POL_SEV_WARNING, &ip->fls.pos[i],
				 "fls entry \"%s\" excludes no field, so it "
				 "hides nothing", f);
	}
	if (exc && exc < ip->fls.n)
		lint_add(c, "fls-mixed", POL_SEV_WARNING, &ip->fls.pos[0],
			 "fls mixes included and excluded (~) fields; the "
			 "includes are ignored, so every field but the "
			 "excluded ones is visible");
}

/* ---------------------------------------------------------------------
 * Patterns against the cluster and the special indices.
 */

static bool dynamic(const char *p)
{
	return strstr(p, "${") || p[0] == '<';
}

static bool matches_any_name(const lint_ctx *c, const char *pat)
{
	pol_pattern p;
	bool hit = false;

	if (pol_pattern_compile(&p, pat, 0, NULL))
		return true;
	for (size_t i = 0; i < c->nnames && !hit; i++)
		hit = pol_pattern_match(&p, c->names[i], strlen(c->names[i]));
	pol_pattern_clear(&p);
	return hit;
}

static void check_no_index(lint_ctx *c, const pol_index_perm *ip)
{
	for (size_t i = 0; c->names && i < ip->patterns.n; i++) {
		const char *p = ip->patterns.v[i];

		if (p[0] == '-' || dynamic(p) || strchr(p, ':') ||
		    matches_any_name(c, p))
			continue;
		lint_add(c, "pattern-no-index", POL_SEV_WARNING,
			 &ip->patterns.pos[i],
			 "index pattern \"%s\" matches no index, alias or data "
			 "stream of the metadata", p);
	}
}

/* A bare "*" is not reported: the security index is protected from it,
 * and system indices are left out of wildcards. */
static void check_special(lint_ctx *c, const pol_role *r,
			  const pol_index_perm *ip)
{
	const pol_config *cf = &c->m->config;

	for (size_t i = 0; i < ip->patterns.n; i++) {
		const char *p = ip->patterns.v[i];
		const char *hit = NULL;

		if (!strcmp(p, "*") || p[0] == '-' || dynamic(p))
			continue;
		if (cf->security_index && lint_covers(p, cf->security_index))
			hit = cf->security_index;
		for (size_t k = 0; !hit && cf->system_indices_enabled &&
		     k < cf->system_indices.n; k++)
			if (pattern_overlap(p, cf->system_indices.v[k]))
				hit = cf->system_indices.v[k];
		if (hit)
			lint_add(c, "grant-security-index", POL_SEV_WARNING,
				 &ip->patterns.pos[i],
				 "role \"%s\": index pattern \"%s\" reaches the "
				 "%s index \"%s\"", r->name, p,
				 hit == cf->security_index ? "security" :
				 "system", hit);
	}
}

/* ---------------------------------------------------------------------
 * Entries shadowed by a broader entry of the same role.
 */

static bool restricted(const pol_index_perm *ip)
{
	return (ip->dls && *ip->dls) || ip->fls.n || ip->masked.n;
}

static bool patterns_within(const pol_index_perm *a, const pol_index_perm *b)
{
	for (size_t i = 0; i < a->patterns.n; i++) {
		bool in = false;

		for (size_t k = 0; k < b->patterns.n && !in; k++)
			in = !strcmp(a->patterns.v[i], b->patterns.v[k]) ||
			     (!lint_is_pattern(a->patterns.v[i]) &&
			      lint_covers(b->patterns.v[k], a->patterns.v[i]));
		if (!in)
			return false;
	}
	return a->patterns.n > 0;
}

static bool actions_within(lint_ctx *c, const pol_index_perm *a,
			   const pol_index_perm *b)
{
	GPtrArray *all = lint_expand(c, &b->actions);
	bool ok = a->actions.n > 0;

	for (size_t i = 0; i < a->actions.n && ok; i++) {
		const char *s = a->actions.v[i];
		bool in = false;

		for (guint k = 0; k < all->len && !in; k++)
			in = !strcmp(all->pdata[k], s) ||
			     (!lint_is_pattern(s) && lint_covers(all->pdata[k], s));
		ok = in;
	}
	g_ptr_array_free(all, TRUE);
	return ok;
}

static void check_shadowed(lint_ctx *c, const pol_role *r, size_t j)
{
	const pol_index_perm *a = &r->index[j];

	if (restricted(a))
		return;
	for (size_t k = 0; k < r->nindex; k++) {
		const pol_index_perm *b = &r->index[k];

		if (k == j || restricted(b) || !patterns_within(a, b) ||
		    !actions_within(c, a, b))
			continue;
		/* two identical entries: report the later one only */
		if (k > j && patterns_within(b, a) && actions_within(c, b, a))
			continue;
		lint_add(c, "shadowed-permission", POL_SEV_INFO, &a->pos,
			 "index permission entry of role \"%s\" is already "
			 "granted by the entry at line %d", r->name, b->pos.line);
		return;
	}
}

/* ---------------------------------------------------------------------
 * Roles.
 */

static void check_entry(lint_ctx *c, const pol_role *r, size_t j)
{
	const pol_index_perm *ip = &r->index[j];

	if (!ip->patterns.n || !ip->actions.n)
		lint_add(c, "empty-permission", POL_SEV_WARNING, &ip->pos,
			 "index permission entry of role \"%s\" has no %s; it "
			 "grants nothing", r->name, !ip->patterns.n ?
			 "index_patterns" : "allowed_actions");
	/* an empty dls is no dls, as the peer reads it */
	if (ip->dls && ip->dls[strspn(ip->dls, " \t\r\n")]) {
		check_dls(c, ip);
		check_dls_write(c, r, ip);
	}
	check_fls(c, ip);
	check_no_index(c, ip);
	check_special(c, r, ip);
	check_shadowed(c, r, j);
}

void lint_roles(lint_ctx *c)
{
	const pol_model *m = c->m;

	for (size_t i = 0; i < m->nroles; i++) {
		const pol_role *r = &m->roles[i];

		if (lint_is_static_role(r))
			continue;
		for (size_t j = 0; j < r->nindex; j++)
			check_entry(c, r, j);
		for (size_t j = 0; j < r->ntenant; j++)
			if (!r->tenant[j].actions.n)
				lint_add(c, "empty-permission", POL_SEV_WARNING,
					 &r->tenant[j].pos, "tenant permission "
					 "entry of role \"%s\" has no "
					 "allowed_actions; it grants nothing",
					 r->name);
	}
}

/* ---------------------------------------------------------------------
 * Mappings.
 */

/* All access to the cluster or to every index. */
static bool powerful(lint_ctx *c, const pol_role *r)
{
	GPtrArray *cl = lint_expand(c, &r->cluster);
	bool hit = false;

	for (guint i = 0; i < cl->len && !hit; i++)
		hit = !strcmp(cl->pdata[i], "*") ||
		      !strcmp(cl->pdata[i], "cluster:*");
	g_ptr_array_free(cl, TRUE);
	for (size_t j = 0; j < r->nindex && !hit; j++) {
		const pol_index_perm *ip = &r->index[j];
		GPtrArray *all = lint_expand(c, &ip->actions);
		bool any = false;

		for (size_t k = 0; k < ip->patterns.n; k++)
			any = any || !strcmp(ip->patterns.v[k], "*");
		for (guint k = 0; any && k < all->len && !hit; k++)
			hit = !strcmp(all->pdata[k], "*") ||
			      !strcmp(all->pdata[k], "indices:*");
		g_ptr_array_free(all, TRUE);
	}
	return hit;
}

/* A role like own_index, meant for everyone: each caller reaches only
 * the indices named after them. */
static bool own_indices_only(const pol_role *r)
{
	size_t n = 0;

	for (size_t j = 0; j < r->nindex; j++)
		for (size_t k = 0; k < r->index[j].patterns.n; k++, n++)
			if (!strstr(r->index[j].patterns.v[k], "${user"))
				return false;
	return n > 0;
}

static bool is_anonymous(const char *br)
{
	return !strcmp(br, "opendistro_security_anonymous_backendrole") ||
	       !strcmp(br, "sg_anonymous_backendrole");
}

/* The first entry of the mapping that admits every caller, or -1. */
static const char *everyone(const pol_mapping *mp, pol_pos *pos)
{
	const pol_strlist *lists[] = { &mp->hosts, &mp->users,
				       &mp->backend_roles };
	static const char *const what[] = { "hosts", "users", "backend_roles" };

	for (size_t i = 0; i < 3; i++)
		for (size_t k = 0; k < lists[i]->n; k++)
			if (!strcmp(lists[i]->v[k], "*")) {
				*pos = lists[i]->pos[k];
				return what[i];
			}
	for (size_t k = 0; k < mp->backend_roles.n; k++)
		if (is_anonymous(mp->backend_roles.v[k])) {
			*pos = mp->backend_roles.pos[k];
			return "the anonymous backend role";
		}
	return NULL;
}

static void check_everyone(lint_ctx *c, const pol_mapping *mp)
{
	const pol_role *r = g_hash_table_lookup(c->roles, mp->role);
	pol_pos pos;
	const char *via = everyone(mp, &pos);
	bool strong;

	if (!via || !r)
		return;
	strong = powerful(c, r);
	if (!strong && own_indices_only(r))
		return;
	lint_add(c, "mapping-everyone", strong ? POL_SEV_ERROR :
		 POL_SEV_WARNING, &pos, "role mapping \"%s\" maps every "
		 "caller through %s%s", mp->role, via, strong ?
		 ", and the role grants all access" : "");
}

static const char **role_names(const pol_model *m)
{
	const char **v = g_new(const char *, m->nroles + 1);

	for (size_t i = 0; i < m->nroles; i++)
		v[i] = m->roles[i].name;
	return v;
}

static void check_role_ref(lint_ctx *c, const char *name, const pol_pos *pos,
			   const char *what)
{
	const char **names;
	char hint[300];

	if (g_hash_table_contains(c->roles, name) ||
	    lint_sg_builtin_role(c, name))
		return;
	names = role_names(c->m);
	lint_add(c, "mapping-undefined-role", POL_SEV_ERROR, pos,
		 "%s names undefined role \"%s\"%s", what, name,
		 lint_hint(lint_suggest(name, names, c->m->nroles), hint,
			   sizeof(hint)));
	g_free(names);
}

static bool maps_someone(const pol_mapping *mp)
{
	return mp->users.n || mp->backend_roles.n ||
	       mp->and_backend_roles.n || mp->hosts.n;
}

static void check_unmapped(lint_ctx *c, GHashTable *mapped)
{
	const pol_model *m = c->m;

	for (size_t i = 0; i < m->nroles; i++) {
		const pol_role *r = &m->roles[i];

		if (!lint_is_static_role(r) &&
		    !g_hash_table_contains(mapped, r->name))
			lint_add(c, "role-unmapped", POL_SEV_INFO, &r->pos,
				 "role \"%s\" is mapped to nobody", r->name);
	}
}

void lint_mappings(lint_ctx *c)
{
	const pol_model *m = c->m;
	GHashTable *mapped = g_hash_table_new(g_str_hash, g_str_equal);

	for (size_t i = 0; i < m->nmappings; i++) {
		const pol_mapping *mp = &m->mappings[i];

		check_role_ref(c, mp->role, &mp->pos, "role mapping");
		check_everyone(c, mp);
		if (maps_someone(mp))
			g_hash_table_add(mapped, mp->role);
	}
	for (size_t i = 0; i < m->nusers; i++) {
		const pol_strlist *l = &m->users[i].roles;

		for (size_t j = 0; j < l->n; j++) {
			check_role_ref(c, l->v[j], &l->pos[j], "internal user");
			g_hash_table_add(mapped, l->v[j]);
		}
	}
	check_unmapped(c, mapped);
	g_hash_table_destroy(mapped);
}
