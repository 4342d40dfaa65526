/*
 * Lint rules on action names and action groups: names that do not exist,
 * actions in the wrong kind of permission list, cycles, unused groups,
 * "*" cluster grants, scrolls, and permissions shadowed by broader ones.
 *
 * Only what the operator wrote is checked: the built-in static roles and
 * groups are taken as they are.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lint.h"

enum list_kind { L_CLUSTER, L_INDEX, L_TENANT, L_GROUP };

/* Visit every permission list the operator wrote. */
typedef void (*list_fn)(lint_ctx *c, const pol_strlist *l,
			enum list_kind kind, const pol_role *r);

static void each_list(lint_ctx *c, list_fn fn)
{
	const pol_model *m = c->m;

	for (size_t i = 0; i < m->nroles; i++) {
		const pol_role *r = &m->roles[i];

		if (lint_is_static_role(r))
			continue;
		fn(c, &r->cluster, L_CLUSTER, r);
		for (size_t j = 0; j < r->nindex; j++)
			fn(c, &r->index[j].actions, L_INDEX, r);
		for (size_t j = 0; j < r->ntenant; j++)
			fn(c, &r->tenant[j].actions, L_TENANT, r);
	}
	for (size_t i = 0; i < m->ngroups; i++)
		if (!m->groups[i].is_static)
			fn(c, &m->groups[i].actions, L_GROUP, NULL);
}

static bool typed(const pol_group *g, const char *type)
{
	return g && g->type && !strcasecmp(g->type, type);
}

/* ---------------------------------------------------------------------
 * Unknown names.
 */

/* Neither an action name nor a pattern: only a group can be meant. */
static bool looks_like_group(const char *s)
{
	return *s && !strchr(s, ':') && !lint_is_pattern(s);
}

/* OPENDISTRO_SECURITY_READ, SGS_READ and READ are old spellings of
 * OpenSearch's read; with Search Guard's built-ins, READ and read are old
 * spellings of SGS_READ. */
static const char *legacy_group(const lint_ctx *c, const char *s, char *buf,
				size_t cap)
{
	static const char *const prefixes[] = { "OPENDISTRO_SECURITY_", "SGS_",
						"SG_", "" };
	bool sg = c->m->config.search_guard;
	size_t k;

	if (cap <= 4)
		return NULL;
	memcpy(buf, "SGS_", 4);
	for (size_t i = 0; i < 4; i++) {
		size_t n = strlen(prefixes[i]);

		if (strncmp(s, prefixes[i], n))
			continue;
		for (k = sg ? 4 : 0; s[n] && k + 1 < cap; k++, n++)
			buf[k] = (char)(sg ? toupper((unsigned char)s[n])
					   : tolower((unsigned char)s[n]));
		buf[k] = '\0';
		if (strcmp(buf, s) && lint_group(c, buf))
			return buf;
	}
	return NULL;
}

static void unknown_group(lint_ctx *c, const char *s, const pol_pos *pos)
{
	const pol_model *m = c->m;
	const char **names = g_new(const char *, m->ngroups + 1);
	const char *sug;
	char hint[200], legacy[128];

	for (size_t i = 0; i < m->ngroups; i++)
		names[i] = m->groups[i].name;
	sug = legacy_group(c, s, legacy, sizeof(legacy));
	if (!sug)
		sug = lint_suggest(s, names, m->ngroups);
	lint_add(c, "unknown-action-group", POL_SEV_ERROR, pos,
		 "unknown action group \"%s\"%s", s,
		 lint_hint(sug, hint, sizeof(hint)));
	g_free(names);
}

static bool bad_action_char(const char *s)
{
	for (; *s; s++)
		if (isspace((unsigned char)*s) || *s == '"' || *s == '\'' ||
		    *s == ',')
			return true;
	return false;
}

/* Exact names outside the dictionary are reported only when they are a
 * near miss of a known name: plugins bring actions nodeguard does not
 * list, and those are not mistakes. */
static void check_name(lint_ctx *c, const char *s, const pol_pos *pos,
		       enum list_kind kind)
{
	const char *sug;
	char hint[300];

	if (lint_group(c, s) || lint_sg_builtin_group(c, s))
		return;
	if (looks_like_group(s)) {
		unknown_group(c, s, pos);
		return;
	}
	if (lint_is_pattern(s) || pol_dict_find(s) >= 0 || kind == L_TENANT)
		return;
	sug = lint_suggest(s, pol_dict, pol_dict_len);
	if (bad_action_char(s))
		lint_add(c, "unknown-action", POL_SEV_WARNING, pos,
			 "action \"%s\" has a character no action name has%s",
			 s, lint_hint(sug, hint, sizeof(hint)));
	else if (sug)
		lint_add(c, "unknown-action", POL_SEV_WARNING, pos,
			 "unknown action \"%s\"%s", s,
			 lint_hint(sug, hint, sizeof(hint)));
}

static void names_fn(lint_ctx *c, const pol_strlist *l, enum list_kind kind,
		     const pol_role *r)
{
	for (size_t i = 0; i < l->n; i++)
		check_name(c, l->v[i], &l->pos[i], kind);
}

/* ---------------------------------------------------------------------
 * Actions in the wrong list.
 */

/* An "indices:" pattern whose known matches are all index-level. Alias
 * actions are left alone: the built-in cluster_composite_ops lists them
 * among cluster permissions, and copies of it are common. */
static bool index_only(const lint_ctx *c, const char *s)
{
	size_t hits = 0;

	if (strncmp(s, "indices:", 8) || !strncmp(s, "indices:admin/aliases", 21))
		return false;
	if (!lint_is_pattern(s))
		return !lint_is_cluster_action(c, s);
	for (size_t i = 0; i < pol_dict_len; i++) {
		if (!lint_covers(s, pol_dict[i]))
			continue;
		if (lint_is_cluster_action(c, pol_dict[i]))
			return false;
		hits++;
	}
	return hits > 0;
}

static bool cluster_only(const char *s)
{
	return !strncmp(s, "cluster:", 8);
}

/* The members of group `g` that `bad` selects, as "a", "b" (at most 3). */
static bool bad_members(const lint_ctx *c, const char *g,
			bool (*bad)(const lint_ctx *, const char *),
			char *buf, size_t cap)
{
	GPtrArray *all = lint_expand_one(c, g);
	size_t shown = 0, k = 0;

	buf[0] = '\0';
	for (guint i = 0; i < all->len; i++) {
		const char *s = all->pdata[i];

		if (lint_group(c, s) || !bad(c, s))
			continue;
		if (shown++ < 3)
			k += (size_t)snprintf(buf + k, k < cap ? cap - k : 0,
					      "%s\"%s\"", shown > 1 ? ", " : "",
					      s);
	}
	g_ptr_array_free(all, TRUE);
	return shown > 0;
}

static bool cluster_only_c(const lint_ctx *c, const char *s)
{
	return cluster_only(s);
}

static void misplaced_in_cluster(lint_ctx *c, const char *s,
				 const pol_pos *pos)
{
	const pol_group *g = lint_group(c, s);
	char names[300];

	if (typed(g, "index"))
		lint_add(c, "index-action-in-cluster", POL_SEV_WARNING, pos,
			 "action group \"%s\" holds index actions; in "
			 "cluster_permissions it grants nothing on indices", s);
	else if (g && !typed(g, "cluster") &&
		 bad_members(c, s, index_only, names, sizeof(names)))
		lint_add(c, "index-action-in-cluster", POL_SEV_WARNING, pos,
			 "index action %s of group \"%s\" grants nothing in "
			 "cluster_permissions", names, s);
	else if (!g && index_only(c, s))
		lint_add(c, "index-action-in-cluster", POL_SEV_WARNING, pos,
			 "index action \"%s\" grants nothing in "
			 "cluster_permissions; move it to index_permissions", s);
}

static void misplaced_in_index(lint_ctx *c, const char *s,
			       const pol_pos *pos)
{
	const pol_group *g = lint_group(c, s);
	char names[300];

	if (typed(g, "cluster"))
		lint_add(c, "cluster-action-in-index", POL_SEV_WARNING, pos,
			 "action group \"%s\" holds cluster actions; in "
			 "index_permissions it grants nothing", s);
	else if (g && !typed(g, "index") && !typed(g, "all") &&
		 bad_members(c, s, cluster_only_c, names, sizeof(names)))
		lint_add(c, "cluster-action-in-index", POL_SEV_WARNING, pos,
			 "cluster action %s of group \"%s\" grants nothing in "
			 "index_permissions", names, s);
	else if (!g && cluster_only(s))
		lint_add(c, "cluster-action-in-index", POL_SEV_WARNING, pos,
			 "cluster action \"%s\" grants nothing in "
			 "index_permissions; move it to cluster_permissions", s);
}

static void scope_fn(lint_ctx *c, const pol_strlist *l, enum list_kind kind,
		     const pol_role *r)
{
	for (size_t i = 0; i < l->n; i++) {
		if (kind == L_CLUSTER)
			misplaced_in_cluster(c, l->v[i], &l->pos[i]);
		else if (kind == L_INDEX)
			misplaced_in_index(c, l->v[i], &l->pos[i]);
	}
}

/* ---------------------------------------------------------------------
 * Cycles among groups. Each cycle is reported once, at the group of the
 * cycle whose name sorts first.
 */

static bool find_path(lint_ctx *c, const pol_group *from, const char *to,
		      GPtrArray *path, GHashTable *seen)
{
	for (size_t i = 0; i < from->actions.n; i++) {
		const char *s = from->actions.v[i];
		const pol_group *g = lint_group(c, s);

		if (!g || !g_hash_table_add(seen, (gpointer)s))
			continue;
		g_ptr_array_add(path, (gpointer)s);
		if (!strcmp(s, to) || find_path(c, g, to, path, seen))
			return true;
		g_ptr_array_remove_index(path, path->len - 1);
	}
	return false;
}

static bool smallest(GPtrArray *path, const char *name)
{
	for (guint i = 0; i < path->len; i++)
		if (strcmp(path->pdata[i], name) < 0)
			return false;
	return true;
}

static void check_cycle(lint_ctx *c, const pol_group *g)
{
	GPtrArray *path = g_ptr_array_new();
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	GString *text;

	if (!find_path(c, g, g->name, path, seen) || !smallest(path, g->name))
		goto out;
	if (path->len == 1) {
		lint_add(c, "action-group-cycle", POL_SEV_ERROR, &g->pos,
			 "action group \"%s\" includes itself", g->name);
		goto out;
	}
	text = g_string_new(g->name);
	for (guint i = 0; i < path->len; i++)
		g_string_append_printf(text, " -> %s",
				       (const char *)path->pdata[i]);
	lint_add(c, "action-group-cycle", POL_SEV_ERROR, &g->pos,
		 "action groups form a cycle: %s", text->str);
	g_string_free(text, TRUE);
out:
	g_hash_table_destroy(seen);
	g_ptr_array_free(path, TRUE);
}

/* ---------------------------------------------------------------------
 * Unused groups.
 */

static void mark_used(GHashTable *used, const pol_strlist *l,
		      const char *self)
{
	for (size_t i = 0; i < l->n; i++)
		if (!self || strcmp(l->v[i], self))
			g_hash_table_add(used, l->v[i]);
}

static void check_unused(lint_ctx *c)
{
	const pol_model *m = c->m;
	GHashTable *used = g_hash_table_new(g_str_hash, g_str_equal);

	for (size_t i = 0; i < m->nroles; i++) {
		const pol_role *r = &m->roles[i];

		mark_used(used, &r->cluster, NULL);
		for (size_t j = 0; j < r->nindex; j++)
			mark_used(used, &r->index[j].actions, NULL);
		for (size_t j = 0; j < r->ntenant; j++)
			mark_used(used, &r->tenant[j].actions, NULL);
	}
	for (size_t i = 0; i < m->ngroups; i++)
		mark_used(used, &m->groups[i].actions, m->groups[i].name);
	for (size_t i = 0; i < m->ngroups; i++) {
		const pol_group *g = &m->groups[i];

		if (!g->is_static && !g_hash_table_contains(used, g->name))
			lint_add(c, "group-unused", POL_SEV_INFO, &g->pos,
				 "action group \"%s\" is used by no role or "
				 "group", g->name);
	}
	g_hash_table_destroy(used);
}

/* ---------------------------------------------------------------------
 * Cluster grants of a role: "*", and scrolls.
 */

static bool is_admin_name(const char *name)
{
	static const char *const words[] = { "admin", "all_access",
					     "superuser", NULL };
	gchar *low = g_ascii_strdown(name, -1);
	bool hit = false;

	for (size_t i = 0; words[i] && !hit; i++)
		hit = strstr(low, words[i]) != NULL;
	g_free(low);
	return hit;
}

static void check_cluster_star(lint_ctx *c, const pol_role *r)
{
	static const char *const stars[] = { "*", "cluster:*", "cluster_all",
					     "unlimited", NULL };

	if (is_admin_name(r->name))
		return;
	for (size_t i = 0; i < r->cluster.n; i++) {
		const char *s = r->cluster.v[i];

		for (size_t k = 0; stars[k]; k++)
			if (!strcmp(s, stars[k]))
				lint_add(c, "cluster-wildcard", POL_SEV_WARNING,
					 &r->cluster.pos[i],
					 "role \"%s\" grants \"%s\" cluster "
					 "permissions but is not an admin role",
					 r->name, s);
	}
}

static bool grants(GPtrArray *perms, const char *action)
{
	for (guint i = 0; i < perms->len; i++)
		if (lint_covers(perms->pdata[i], action))
			return true;
	return false;
}

static void check_scroll(lint_ctx *c, const pol_role *r)
{
	GPtrArray *all = lint_expand(c, &r->cluster);

	if (grants(all, "indices:data/read/scroll") &&
	    !grants(all, "indices:data/read/scroll/clear"))
		lint_add(c, "scroll-without-clear", POL_SEV_WARNING, &r->pos,
			 "role \"%s\" can open scrolls but not clear them; "
			 "add \"indices:data/read/scroll*\" to its "
			 "cluster_permissions", r->name);
	g_ptr_array_free(all, TRUE);
}

/* ---------------------------------------------------------------------
 * Shadowed permissions within one list.
 */

static const char *covered_by(lint_ctx *c, const pol_strlist *l, size_t i)
{
	const char *s = l->v[i];

	for (size_t k = 0; k < l->n; k++) {
		GPtrArray *all;
		bool hit;

		if (k == i || !strcmp(l->v[k], s))
			continue;
		all = lint_expand_one(c, l->v[k]);
		hit = grants(all, s);
		g_ptr_array_free(all, TRUE);
		if (hit)
			return l->v[k];
	}
	return NULL;
}

static void shadow_fn(lint_ctx *c, const pol_strlist *l, enum list_kind kind,
		      const pol_role *r)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *s = l->v[i], *by;
		bool twice = false;

		for (size_t k = 0; k < i && !twice; k++)
			twice = !strcmp(l->v[k], s);
		if (twice) {
			lint_add(c, "shadowed-permission", POL_SEV_INFO,
				 &l->pos[i], "\"%s\" is listed twice", s);
			continue;
		}
		/* a name reported as unknown is a typo, not a shadow */
		if (lint_group(c, s) || lint_is_pattern(s) ||
		    (pol_dict_find(s) < 0 && (bad_action_char(s) ||
		     lint_suggest(s, pol_dict, pol_dict_len))))
			continue;
		by = covered_by(c, l, i);
		if (by)
			lint_add(c, "shadowed-permission", POL_SEV_INFO,
				 &l->pos[i], "\"%s\" is already granted by "
				 "\"%s\" in the same list", s, by);
	}
}

void lint_actions(lint_ctx *c)
{
	const pol_model *m = c->m;

	each_list(c, names_fn);
	each_list(c, scope_fn);
	each_list(c, shadow_fn);
	for (size_t i = 0; i < m->ngroups; i++)
		if (!m->groups[i].is_static)
			check_cycle(c, &m->groups[i]);
	check_unused(c);
	for (size_t i = 0; i < m->nroles; i++) {
		if (lint_is_static_role(&m->roles[i]))
			continue;
		check_cluster_star(c, &m->roles[i]);
		check_scroll(c, &m->roles[i]);
	}
}
