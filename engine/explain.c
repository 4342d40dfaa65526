/*
 * Explaining a decision: the roles the caller maps to and through which
 * mapping rule, and for every index and action the request needs, the
 * role and permission entry that grants it, or none.
 *
 * The decision itself comes from ng_decide, unchanged; the explanation is
 * computed beside it and never feeds back into it.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "errors.h"

typedef struct ex_ctx {
	dc_ctx dc;
	ng_arena arena;
	const char **why;           /* per role: the mapping rule */
	ng_decision scratch;        /* takes what preparing the caller records,
	                             * so the decision explained stays as made */
} ex_ctx;

/* ---------------------------------------------------------------------
 * Cells.
 */

/* Does the entry match the name, one of its aliases or its stream? */
static bool entry_reaches(const ex_ctx *x, const dc_entry *de,
			  const char *name)
{
	const md_name *mn = md_lookup(x->dc.md, name, strlen(name));
	const md_index *ix;

	if (dc_entry_matches(de, name))
		return true;
	if (!mn || mn->kind != MD_INDEX)
		return false;
	ix = &x->dc.md->indices[mn->id];
	for (size_t i = 0; i < ix->naliases; i++)
		if (dc_entry_matches(de, ix->aliases[i]))
			return true;
	return ix->data_stream && dc_entry_matches(de, ix->data_stream);
}

static cJSON *strlist_json(const pol_strlist *l)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < l->n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(l->v[i]));
	return a;
}

static cJSON *entry_json(const ex_ctx *x, const pol_entry *e)
{
	cJSON *o = cJSON_CreateObject();
	const pol_index_perm *src = e->src;

	cJSON_AddStringToObject(o, "role", x->dc.pc->role_names[e->role]);
	if (!src)
		return o;
	cJSON_AddStringToObject(o, "file", src->pos.file ? src->pos.file : "");
	cJSON_AddNumberToObject(o, "line", src->pos.line);
	cJSON_AddItemToObject(o, "index_patterns", strlist_json(&src->patterns));
	cJSON_AddItemToObject(o, "allowed_actions", strlist_json(&src->actions));
	return o;
}

static cJSON *index_cell(ex_ctx *x, const char *name, const char *action)
{
	int aid = pol_action_id(x->dc.pc, action);

	for (size_t i = 0; i < x->dc.nentries; i++) {
		const dc_entry *de = &x->dc.entries[i];

		if (pol_entry_grants(x->dc.pc, de->e, aid, action) &&
		    entry_reaches(x, de, name))
			return entry_json(x, de->e);
	}
	return cJSON_CreateNull();
}

static cJSON *cluster_cell(ex_ctx *x, const char *action)
{
	int role = -1;
	cJSON *o;

	if (!pol_cluster_allowed(x->dc.pc, x->dc.roles,
				 pol_action_id(x->dc.pc, action), action, &role) ||
	    role < 0)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "role", x->dc.pc->role_names[role]);
	return o;
}

static void add_cell(ex_ctx *x, cJSON *cells, const dc_check *k,
		     const char *name, bool allowed)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "item", k->item < 0 ? cJSON_CreateNull() :
			      cJSON_CreateNumber(k->item));
	cJSON_AddStringToObject(o, "action", k->action);
	cJSON_AddStringToObject(o, "scope", k->index_scope ? "index" : "cluster");
	cJSON_AddItemToObject(o, "index", name ? cJSON_CreateString(name) :
			      cJSON_CreateNull());
	cJSON_AddBoolToObject(o, "allowed", allowed);
	cJSON_AddItemToObject(o, "grant", name ? index_cell(x, name, k->action)
					       : cluster_cell(x, k->action));
	cJSON_AddItemToArray(cells, o);
}

static cJSON *cells_json(ex_ctx *x, const ng_decision *d)
{
	cJSON *cells = cJSON_CreateArray();

	for (size_t i = 0; i < d->nchecks; i++) {
		const dc_check *k = &d->checks[i];

		if (!k->index_scope) {
			add_cell(x, cells, k, NULL, k->allowed);
			continue;
		}
		for (size_t j = 0; j < k->indices.n; j++)
			add_cell(x, cells, k, k->indices.v[j], true);
		for (size_t j = 0; j < k->denied.n; j++)
			add_cell(x, cells, k, k->denied.v[j], false);
	}
	return cells;
}

/* ---------------------------------------------------------------------
 * The whole explanation.
 */

static cJSON *roles_json(const ex_ctx *x)
{
	cJSON *a = cJSON_CreateArray();
	const pol_compiled *pc = x->dc.pc;

	for (size_t i = 0; i < pc->nroles; i++) {
		cJSON *o;

		if (!pol_bit(x->dc.roles, i))
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "role", pc->role_names[i]);
		cJSON_AddStringToObject(o, "via", x->why[i] ? x->why[i] : "");
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *user_json(const pol_user *u)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *br = cJSON_AddArrayToObject(o, "backend_roles");
	cJSON *attrs = cJSON_AddObjectToObject(o, "attributes");

	cJSON_AddStringToObject(o, "name", u->name);
	for (size_t i = 0; i < u->nbackend; i++)
		cJSON_AddItemToArray(br, cJSON_CreateString(u->backend_roles[i]));
	for (size_t i = 0; i < u->nattrs; i++)
		cJSON_AddStringToObject(attrs, u->attr_keys[i], u->attr_values[i]);
	return o;
}

static cJSON *explain_json(ex_ctx *x, const ng_decision *d)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(o, "user", user_json(&x->dc.user));
	cJSON_AddItemToObject(o, "roles", roles_json(x));
	cJSON_AddItemToObject(o, "cells", cells_json(x, d));
	cJSON_AddItemToObject(o, "decision", cJSON_Parse(ng_decision_json(d)));
	return o;
}

int ng_explain(const ng_engine *e, const ng_request *r, char **json_out)
{
	ng_decision *d = NULL;
	ex_ctx x;
	cJSON *doc = NULL;
	int rc;

	if (json_out)
		*json_out = NULL;
	if (!e || !r || !json_out)
		return ng_fail(NG_EINVAL, "ng_explain needs an engine, a request "
			       "and an output");
	if ((rc = ng_decide(e, r, &d)))
		return rc;
	memset(&x, 0, sizeof(x));
	ng_arena_init(&x.arena);
	dc_ctx_init(&x.dc, e, r, d, dc_request_time(r));
	x.dc.a = &x.arena;
	x.dc.d = &x.scratch;
	x.why = ng_arena_calloc(&x.arena,
				(x.dc.pc->nroles + 1) * sizeof(*x.why));
	rc = x.why ? dc_prepare_caller(&x.dc, x.why) : NG_ENOMEM;
	if (!rc && !(doc = explain_json(&x, d)))
		rc = NG_ENOMEM;
	if (!rc && !(*json_out = cJSON_PrintUnformatted(doc)))
		rc = NG_ENOMEM;
	cJSON_Delete(doc);
	dc_ctx_clear(&x.dc);
	ng_arena_free(&x.arena);
	ng_decision_free(d);
	return rc ? ng_fail(rc, "out of memory explaining a decision") : 0;
}
