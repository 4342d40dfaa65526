/*
 * The public handles: compiled policy, engine, and the node that holds
 * the engine in force.
 *
 * A node swaps engines under a mutex that guards only the pointer and the
 * reference taken on it; deciding takes no lock.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "engine.h"
#include "errors.h"
#include "tables.h"

static int atomic_inc(int *refs)
{
	return __atomic_add_fetch(refs, 1, __ATOMIC_RELAXED);
}

static int atomic_dec(int *refs)
{
	return __atomic_sub_fetch(refs, 1, __ATOMIC_ACQ_REL);
}

/* The loader names a file of the directory by its name alone (and the
 * node settings file given apart by its path as given); the caller gets
 * a path it can open, inside `dir`. A name that will not fit is left as
 * it is. */
static void error_path(const char *dir, const char *settings, ng_error *e)
{
	char path[sizeof(e->file)];
	size_t dlen = strlen(dir);
	int n;

	if (!e->file[0] || e->file[0] == '/' || strcmp(e->file, dir) == 0 ||
	    (settings && strcmp(e->file, settings) == 0))
		return;
	/* "conf/" and "conf" name the same directory */
	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	n = snprintf(path, sizeof(path), "%.*s/%s", (int)dlen, dir, e->file);
	if (n > 0 && (size_t)n < sizeof(path))
		memcpy(e->file, path, (size_t)n + 1);
}

int ng_policy_load(const char *dir, const ng_policy_options *opts,
		   ng_policy **out)
{
	ng_error err = { 0 };
	pol_model *m = NULL;
	pol_compiled *pc = NULL;
	ng_policy *p;
	int rc;

	if (!out)
		return ng_fail(NG_EINVAL, "no place for the policy");
	*out = NULL;
	if (!dir)
		return ng_fail(NG_EINVAL, "no policy directory given");
	if (opts && opts->version != NG_POLICY_OPTIONS_VERSION)
		return ng_fail(NG_EINVAL, "unsupported policy options version %u",
			       opts->version);
	rc = pol_model_load_dir(dir, opts ? opts->node_settings : NULL, &m, &err);
	if (!rc)
		rc = pol_compile(m, &pc, &err);   /* owns m from here on */
	else
		pol_model_free(m);
	if (rc) {
		err.code = rc;
		error_path(dir, opts ? opts->node_settings : NULL, &err);
		ng_set_last_error(&err);
		return rc;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		pol_compiled_free(pc);
		return ng_fail(NG_ENOMEM, "out of memory");
	}
	p->refs = 1;
	p->pc = pc;
	snprintf(p->id, sizeof(p->id), "%s", pc->model->digest);
	*out = p;
	return 0;
}

ng_policy *ng_policy_retain(ng_policy *p)
{
	if (p)
		atomic_inc(&p->refs);
	return p;
}

void ng_policy_release(ng_policy *p)
{
	if (!p || atomic_dec(&p->refs) > 0)
		return;
	pol_compiled_free(p->pc);
	free(p);
}

const char *ng_policy_id(const ng_policy *p)
{
	return p ? p->id : "";
}

size_t ng_policy_warning_count(const ng_policy *p)
{
	return p ? p->pc->model->warnings.n : 0;
}

const char *ng_policy_warning(const ng_policy *p, size_t i)
{
	if (!p || i >= p->pc->model->warnings.n)
		return NULL;
	return p->pc->model->warnings.v[i];
}

/* ---------------------------------------------------------------------
 * Engine: the tables that need both the policy and the metadata.
 */

/* The patterns of a node setting, compiled once; one that does not
 * compile is left out (the settings loader has refused bad regexes). */
static int compile_list(const pol_strlist *l, pol_pattern **out, size_t *n)
{
	*n = 0;
	*out = calloc(l->n + 1, sizeof(**out));
	if (!*out)
		return NG_ENOMEM;
	for (size_t i = 0; i < l->n; i++)
		if (pol_pattern_compile(&(*out)[*n], l->v[i], 0, NULL) == 0)
			(*n)++;
	return 0;
}

static void clear_list(pol_pattern *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		pol_pattern_clear(&v[i]);
	free(v);
}

static bool matches_any(const pol_pattern *v, size_t n, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (pol_pattern_match(&v[i], name, len))
			return true;
	return false;
}

/* The same for a list that protects: a regex that cannot tell counts as
 * a match, so the name stays protected. */
static bool refused_by_any(const pol_pattern *v, size_t n, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (pol_pattern_refuses(&v[i], name, len))
			return true;
	return false;
}

bool eng_system_name(const ng_engine *e, const char *name)
{
	return refused_by_any(e->system_pats, e->nsystem_pats, name);
}

bool eng_protected_name(const ng_engine *e, const char *name)
{
	return e->pc->config->protected_enabled &&
	       refused_by_any(e->protected_pats, e->nprotected_pats, name);
}

static int mark_special_indices(ng_engine *e)
{
	const pol_config *c = e->pc->config;
	const ng_metadata *m = e->md;
	pol_pattern *roles;
	size_t nroles;

	e->system = calloc(m->nindices + 1, sizeof(bool));
	e->protected_idx = calloc(m->nindices + 1, sizeof(bool));
	e->index_flags = calloc(m->nindices + 1, 1);
	e->protected_roles = calloc(e->pc->nwords + 1, sizeof(pol_word));
	if (!e->system || !e->protected_idx || !e->index_flags ||
	    !e->protected_roles ||
	    compile_list(&c->system_indices, &e->system_pats,
			 &e->nsystem_pats) != 0 ||
	    compile_list(&c->protected_indices, &e->protected_pats,
			 &e->nprotected_pats) != 0)
		return NG_ENOMEM;
	e->security_index = -1;
	for (size_t i = 0; i < m->nindices; i++) {
		const char *name = m->indices[i].name;

		if (strcmp(name, c->security_index) == 0)
			e->security_index = (int64_t)i;
		e->system[i] = m->indices[i].system || eng_system_name(e, name);
		e->protected_idx[i] = eng_protected_name(e, name);
		if (e->security_index == (int64_t)i || e->system[i] ||
		    e->protected_idx[i])
			e->index_flags[i] |= ENG_IX_SPECIAL;
		if (m->indices[i].naliases || m->indices[i].data_stream)
			e->index_flags[i] |= ENG_IX_LINKED;
		if (strchr(name, ':'))
			e->index_flags[i] |= ENG_IX_COLON;
	}
	if (compile_list(&c->protected_roles, &roles, &nroles) != 0)
		return NG_ENOMEM;
	for (size_t r = 0; r < e->pc->nroles; r++)
		if (matches_any(roles, nroles, e->pc->role_names[r]))
			pol_setbit(e->protected_roles, r);
	clear_list(roles, nroles);
	return 0;
}

/* What a decision would otherwise work out per request from the text
 * of an action or a role name. */
static int per_action_and_role(ng_engine *e)
{
	const pol_compiled *pc = e->pc;

	e->cluster_action = calloc(pc->nactions + 1, sizeof(bool));
	if (!e->cluster_action)
		return NG_ENOMEM;
	for (size_t a = 0; a < pc->nactions; a++) {
		const char *name = pol_action_name(pc, (int)a);

		e->cluster_action[a] = name && dc_cluster_action_name(pc, name);
	}
	e->transport_act = calloc(prs_transport_nrows() + 1, sizeof(dc_act));
	if (!e->transport_act)
		return NG_ENOMEM;
	for (size_t k = 0; k < prs_transport_nrows(); k++)
		if (prs_transport_row(k))
			dc_act_fill(e, prs_transport_row(k),
				    &e->transport_act[k]);
	if (dc_grant_reasons(pc, &e->grant_reason) != 0)
		return NG_ENOMEM;
	return dc_user_texts(pc, &e->user_text);
}

static void engine_free(ng_engine *e)
{
	if (!e)
		return;
	for (size_t i = 0; e->grant_reason && e->grant_reason[i]; i++)
		free(e->grant_reason[i]);
	free(e->grant_reason);
	for (size_t i = 0; e->user_text && i < pol_caller_slots(e->pc); i++)
		free(e->user_text[i].s);
	free(e->user_text);
	free(e->cluster_action);
	free(e->transport_act);
	dc_direct_free(e, e->direct);
	free(e->ix);
	ng_policy_release(e->policy);
	ng_metadata_release(e->md);
	free(e->system);
	free(e->protected_idx);
	free(e->index_flags);
	free(e->protected_roles);
	clear_list(e->system_pats, e->nsystem_pats);
	clear_list(e->protected_pats, e->nprotected_pats);
	tb_free(e->tables);
	free(e);
}

int ng_engine_new(ng_policy *p, ng_metadata *m, ng_engine **out)
{
	ng_engine *e;

	if (!out)
		return ng_fail(NG_EINVAL, "no place for the engine");
	*out = NULL;
	if (!p || !m)
		return ng_fail(NG_EINVAL, "an engine needs a policy and metadata");
	e = calloc(1, sizeof(*e));
	if (!e)
		return ng_fail(NG_ENOMEM, "out of memory");
	e->refs = 1;
	e->policy = ng_policy_retain(p);
	e->md = ng_metadata_retain(m);
	e->pc = p->pc;
	if (mark_special_indices(e) != 0 || per_action_and_role(e) != 0 ||
	    tb_build(e->pc, e->md, &e->tables) != 0 ||
	    dc_direct_prepare(e) != 0) {
		engine_free(e);
		return ng_fail(NG_ENOMEM, "out of memory building the engine");
	}
	*out = e;
	return 0;
}

ng_engine *ng_engine_retain(ng_engine *e)
{
	if (e)
		atomic_inc(&e->refs);
	return e;
}

void ng_engine_release(ng_engine *e)
{
	if (e && atomic_dec(&e->refs) == 0)
		engine_free(e);
}

/* ---------------------------------------------------------------------
 * Node.
 */
struct ng_node {
	pthread_mutex_t lock;          /* guards the three pointers */
	pthread_mutex_t update;        /* serialises the setters */
	ng_policy *policy;
	ng_metadata *md;
	ng_engine *engine;
};

int ng_node_new(ng_node **out)
{
	ng_node *n;

	if (!out)
		return ng_fail(NG_EINVAL, "no place for the node");
	n = calloc(1, sizeof(*n));
	*out = n;
	if (!n)
		return ng_fail(NG_ENOMEM, "out of memory");
	pthread_mutex_init(&n->lock, NULL);
	pthread_mutex_init(&n->update, NULL);
	return 0;
}

void ng_node_free(ng_node *n)
{
	if (!n)
		return;
	ng_engine_release(n->engine);
	ng_policy_release(n->policy);
	ng_metadata_release(n->md);
	pthread_mutex_destroy(&n->lock);
	pthread_mutex_destroy(&n->update);
	free(n);
}

/* Build the engine for (p, m) outside the lock, then swap it in. */
static int node_install(ng_node *n, ng_policy *p, ng_metadata *m)
{
	ng_engine *e = NULL, *old;
	ng_policy *oldp;
	ng_metadata *oldm;
	int rc = 0;

	if (p && m) {
		rc = ng_engine_new(p, m, &e);
		if (rc)
			return rc;
	}
	pthread_mutex_lock(&n->lock);
	old = n->engine;
	oldp = n->policy;
	oldm = n->md;
	__atomic_store_n(&n->engine, e, __ATOMIC_RELEASE);
	n->policy = ng_policy_retain(p);
	n->md = ng_metadata_retain(m);
	pthread_mutex_unlock(&n->lock);
	ng_engine_release(old);
	ng_policy_release(oldp);
	ng_metadata_release(oldm);
	return 0;
}

static void node_inputs(ng_node *n, ng_policy **p, ng_metadata **m)
{
	pthread_mutex_lock(&n->lock);
	*p = ng_policy_retain(n->policy);
	*m = ng_metadata_retain(n->md);
	pthread_mutex_unlock(&n->lock);
}

int ng_node_set_policy(ng_node *n, ng_policy *p)
{
	ng_policy *oldp;
	ng_metadata *m;
	int rc;

	if (!n || !p)
		return ng_fail(NG_EINVAL, "no node or policy");
	pthread_mutex_lock(&n->update);
	node_inputs(n, &oldp, &m);
	rc = node_install(n, p, m);
	pthread_mutex_unlock(&n->update);
	ng_policy_release(oldp);
	ng_metadata_release(m);
	return rc;
}

int ng_node_set_metadata(ng_node *n, ng_metadata *m)
{
	ng_policy *p;
	ng_metadata *oldm;
	int rc;

	if (!n || !m)
		return ng_fail(NG_EINVAL, "no node or metadata");
	pthread_mutex_lock(&n->update);
	node_inputs(n, &p, &oldm);
	rc = node_install(n, p, m);
	pthread_mutex_unlock(&n->update);
	ng_policy_release(p);
	ng_metadata_release(oldm);
	return rc;
}

int ng_node_load_policy(ng_node *n, const char *dir,
			const ng_policy_options *opts)
{
	ng_policy *p;
	int rc;

	if (!n)
		return ng_fail(NG_EINVAL, "no node");
	rc = ng_policy_load(dir, opts, &p);
	if (rc)
		return rc;
	rc = ng_node_set_policy(n, p);
	ng_policy_release(p);
	return rc;
}

ng_engine *ng_node_acquire(ng_node *n)
{
	ng_engine *e;

	if (!n) {
		ng_fail(NG_EINVAL, "ng_node_acquire needs a node");
		return NULL;
	}
	pthread_mutex_lock(&n->lock);
	e = ng_engine_retain(n->engine);
	pthread_mutex_unlock(&n->lock);
	if (!e)
		ng_fail(NG_ENOTREADY, "no policy or no metadata loaded yet");
	return e;
}

/* The fast path compares pointers only: *cached holds a reference, so the
 * engine it points to cannot be freed and its address cannot be reused
 * while the comparison runs. */
int ng_node_refresh(ng_node *n, ng_engine **cached)
{
	ng_engine *now;

	if (!n || !cached)
		return ng_fail(NG_EINVAL, "ng_node_refresh needs a node and a slot");
	if (*cached && *cached == __atomic_load_n(&n->engine, __ATOMIC_ACQUIRE))
		return 0;
	now = ng_node_acquire(n);
	if (!now)
		return NG_ENOTREADY;
	ng_engine_release(*cached);
	*cached = now;
	return 0;
}
