/*
 * Deciding a request.
 *
 * The request is decomposed into operations (parsers/), the caller mapped
 * to roles (policy/), each operation's expression resolved into rows
 * (resolve.c), and each row checked for each action the operation needs.
 * A cell (row, action) is granted when an index-permission entry of a
 * mapped role grants the action and matches the row: by its own name, or,
 * for an index, through one of its aliases or its data stream.
 *
 * Everything fails closed: an error anywhere yields a denial (or a 400 for
 * a malformed request), never an allow.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decide.h"
#include "errors.h"
#include "strtab.h"
#include "tables.h"

/* ---------------------------------------------------------------------
 * The caller.
 */

static const char **strv_or_empty(const ng_strv *v)
{
	static const char *none[1];

	return v->n ? v->v : none;
}

static void user_from_internal(dc_ctx *c, const pol_internal_user *iu)
{
	const ng_request *r = c->req;

	if (!iu)
		return;
	if (!r->has_backend_roles) {
		c->user.backend_roles = (const char *const *)iu->backend_roles.v;
		c->user.nbackend = iu->backend_roles.n;
	}
	if (!r->has_roles) {
		c->user.roles = (const char *const *)iu->roles.v;
		c->user.nroles = iu->roles.n;
	}
	if (!r->has_attrs && iu->attr_keys.n) {
		c->user.attr_keys = iu->attr_names;
		c->user.attr_values = (const char *const *)iu->attr_values.v;
		c->user.nattrs = iu->attr_keys.n;
	}
}

static void set_user(dc_ctx *c)
{
	static const char *none[1];
	const ng_request *r = c->req;

	c->user.name = r->user ? r->user : "";
	c->user.backend_roles = none;
	c->user.roles = none;
	c->user.attr_keys = c->user.attr_values = none;
	if (r->has_backend_roles) {
		c->user.backend_roles = strv_or_empty(&r->backend_roles);
		c->user.nbackend = r->backend_roles.n;
	}
	if (r->has_roles) {
		c->user.roles = strv_or_empty(&r->roles);
		c->user.nroles = r->roles.n;
	}
	if (r->has_attrs) {
		c->user.attr_keys = strv_or_empty(&r->attr_keys);
		c->user.attr_values = strv_or_empty(&r->attr_values);
		c->user.nattrs = r->attr_keys.n;
	}
	c->user.address = r->address;
	if (!c->user_hashed)
		c->user_hash = pol_str_hash(c->user.name,
					    r->user ? r->user_len : 0);
	pol_find_caller(c->pc, c->user.name, r->user ? r->user_len : 0,
			c->user_hash, &c->caller);
	user_from_internal(c, c->caller.user);
}

/* The index-permission entries of a mapped role, found through the
 * per-role ranges of the decision tables so that the cost follows the
 * caller's roles, not the size of the policy. */
static int role_entries(dc_ctx *c, size_t role)
{
	const pol_compiled *pc = c->pc;
	size_t first = 0, end = pc->nentries;
	bool ranged = tb_role_entries(c->e->tables, role, &first, &end);
	int rc = 0;

	for (size_t i = first; i < end && !rc; i++)
		if (ranged || pc->entries[i].role == role)
			rc = dc_add_entry(c, &pc->entries[i]);
	return rc;
}

/* Listed on first need only: the tables answer for the static patterns,
 * so a caller whose roles have no dynamic pattern and no restriction,
 * asking about names the metadata holds, never needs the list. c->ndyn
 * and c->nrestricted are known before (pol_compiled: role_ndyn,
 * role_nrestricted); c->ndyn is counted again as the entries go in. */
int dc_entries_ready(dc_ctx *c)
{
	int rc = 0;

	if (c->listed)
		return c->list_rc;
	c->listed = true;
	c->ndyn = 0;
	for (size_t i = 0; i < c->troles.n && !rc; i++)
		rc = role_entries(c, c->troles.ids[i]);
	if (rc)
		c->dyn_rc = rc;
	c->list_rc = rc;
	return rc;
}

/* A mapped role: its name (room made for it), and what its entries need
 * of the decision. */
static void add_role(dc_ctx *c, size_t role)
{
	ng_strv *names = &c->d->roles;

	c->ndyn += c->pc->role_ndyn[role];
	c->nrestricted += c->pc->role_nrestricted[role];
	names->v[names->n++] = c->pc->role_names[role];
}

/* The roles mapped at request time, in ascending order. Most callers
 * have a few roles: the list is asked for again, longer, only when they
 * do not fit. */
static int map_now(dc_ctx *c, const char **why)
{
	const pol_compiled *pc = c->pc;
	size_t cap = 16, n;
	uint32_t *ids = ng_arena_alloc(c->a, cap * sizeof(*ids));

	if (!ids)
		return NG_ENOMEM;
	n = pol_map_roles_list(pc, &c->user, c->roles, why, ids, cap);
	if (n > cap) {
		ids = ng_arena_alloc(c->a, n * sizeof(*ids));
		if (!ids)
			return NG_ENOMEM;
		n = pol_map_roles_list(pc, &c->user, c->roles, why, ids, n);
	}
	c->troles = (tb_roles){ c->roles, ids, n };
	return 0;
}

pol_word *dc_role_bits(dc_ctx *c)
{
	if (c->roles)
		return c->roles;
	c->roles = ng_arena_alloc(c->a, (c->pc->nwords + 1) * sizeof(pol_word));
	if (!c->roles)
		return NULL;
	memset(c->roles, 0, c->pc->nwords * sizeof(pol_word));
	for (size_t i = 0; i < c->troles.n; i++)
		pol_setbit(c->roles, c->troles.ids[i]);
	c->troles.bits = c->roles;
	return c->roles;
}

/* A caller known by name alone has the roles the policy mapped to that
 * name when it was compiled (pol_caller), with their names and what
 * their entries need. The set is made when a check needs it: the
 * tables test a few roles by id (tables.h, tb_roles). */
static bool map_known(dc_ctx *c, const char **why)
{
	const ng_request *r = c->req;
	const pol_caller *k = &c->caller;

	if (why || !pol_caller_alone(c->pc, k, r->has_backend_roles,
				     r->has_roles, r->address))
		return false;
	c->troles = (tb_roles){ NULL, k->roles, k->nroles };
	/* read only from now on, like the policy they come from */
	c->d->roles = (ng_strv){ (const char **)k->role_names, k->nroles,
				 k->nroles };
	c->ndyn = k->ndyn;
	c->nrestricted = k->nrestricted;
	return true;
}

/* The roles mapped at request time, their names and what their entries
 * need. */
static int map_unknown(dc_ctx *c, const char **why)
{
	size_t n;
	int rc;

	c->roles = ng_arena_alloc(c->a, (c->pc->nwords + 1) * sizeof(pol_word));
	if (!c->roles)
		return NG_ENOMEM;
	rc = map_now(c, why);
	if (rc)
		return rc;
	n = c->troles.n;
	c->d->roles = (ng_strv){ ng_arena_alloc(c->a, (n + 1) * sizeof(char *)),
				 0, n + 1 };
	if (!c->d->roles.v)
		return NG_ENOMEM;
	for (size_t i = 0; i < n; i++)
		add_role(c, c->troles.ids[i]);
	return 0;
}

/* Mapped roles, in ascending order, and what their entries need. */
static int map_roles(dc_ctx *c, const char **why)
{
	if (!map_known(c, why)) {
		int rc = map_unknown(c, why);

		if (rc)
			return rc;
	}
	/* the tables read the set for a caller of more roles than words */
	if (c->troles.n > c->pc->nwords && !dc_role_bits(c))
		return NG_ENOMEM;
	/* ${user.securityRoles}: the roles just mapped */
	c->user.mapped_roles = strv_or_empty(&c->d->roles);
	c->user.nmapped = c->d->roles.n;
	return 0;
}

/* With `why` (an explanation), every dynamic pattern is rendered now;
 * otherwise on first use. */
int dc_prepare_caller(dc_ctx *c, const char **why)
{
	int rc;

	set_user(c);
	rc = map_roles(c, why);
	return !rc && why ? dc_render_all(c) : rc;
}

/* ---------------------------------------------------------------------
 * Admin certificates: LDAP-name equality, attribute types and values
 * compared without case, spaces around separators ignored
 * (pol_dn_normalise).
 */

static bool is_admin(const dc_ctx *c)
{
	const pol_strlist *dns = &c->pc->config->admin_dn_cmp;
	char have[POL_DN_MAX + 1];

	if (!c->req->cert_dn ||
	    !pol_dn_normalise(c->req->cert_dn, have, sizeof(have)))
		return false;
	/* the entries were normalised when loaded */
	for (size_t i = 0; i < dns->n; i++)
		if (strcmp(dns->v[i], have) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------------
 * Deciding.
 */

static int decompose(dc_ctx *c, prs_request *pr)
{
	const ng_request *r = c->req;
	prs_limits lim = PRS_LIMITS_DEFAULT;

	/* the parsers clear pr themselves */
	if (r->is_transport ? !r->action : !r->method || !r->path) {
		memset(pr, 0, sizeof(*pr));
		pr->status = 400;
		pr->error = "the request has neither a REST method and path nor "
			    "a transport action";
		return 0;
	}
	if (r->is_transport)
		return prs_transport(pr, c->a, &lim, r->action, r->indices.v,
				     r->indices.n);
	return prs_rest(pr, c->a, &lim, r->method, strlen(r->method), r->path,
			strlen(r->path), r->body, r->body ? r->body_len : 0);
}

static void finish_admin(dc_ctx *c, const prs_request *pr)
{
	c->d->verdict = NG_ALLOW;
	c->d->status = 200;
	c->d->reason = "admin certificate";
	dc_items_admin(c, pr);
	dc_admin_ops(c, pr);
}

static int decide_request(dc_ctx *c, prs_request *pr)
{
	int rc = decompose(c, pr);

	if (rc)
		return rc;
	if (pr->status == 400)
		return dc_bad_request(c, pr->error);
	if (pr->status)
		return dc_deny(c, pr->status, pr->error);
	c->pr = pr;
	if (is_admin(c)) {
		finish_admin(c, pr);
		return 0;
	}
	if (c->req->is_transport && dc_trusted_node_action(c))
		return 0;
	rc = dc_prepare_caller(c, NULL);
	if (!rc)
		rc = dc_run_ops(c, pr);
	if (!rc && c->d->verdict != NG_DENY)
		rc = dc_restrictions(c);
	return rc ? rc : c->dyn_rc;
}

int64_t dc_now(dc_ctx *c)
{
	if (c->now_ms == DC_NOW_UNREAD)
		c->now_ms = dc_request_time(c->req);
	return c->now_ms;
}

int64_t dc_request_time(const ng_request *r)
{
	struct timespec ts;

	if (r->has_time)
		return r->time_ms;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------------
 * Decisions, recycled: each thread keeps the last decision it freed (its
 * arena's first chunk and its JSON buffer included), so that deciding in
 * a loop allocates nothing in the steady state. A decision belongs to one
 * thread, so the spare is thread-local and needs no lock; a key's
 * destructor frees it when the thread exits.
 */
#define KEEP_ARENA (64 * 1024)     /* larger arenas are not kept */
#define KEEP_JSON (64 * 1024)      /* nor larger JSON buffers */

static __thread ng_decision *spare;
static __thread bool spare_watched;    /* the key is set for this thread */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;
static bool spare_ok;

static void decision_destroy(ng_decision *d)
{
	free(d->json);
	ng_arena_free(&d->arena);
	free(d);
}

/* At thread exit; the thread's own variables are still there. */
static void spare_destroy(void *unused)
{
	if (spare)
		decision_destroy(spare);
	spare = NULL;
}

static void spare_init(void)
{
	spare_ok = pthread_key_create(&spare_key, spare_destroy) == 0;
}

/* A zeroed decision, with the buffers of the thread's spare if any. */
static ng_decision *decision_alloc(void)
{
	ng_decision *d = spare;
	ng_arena arena;
	char *json;
	size_t jsoncap;

	if (!d)
		return calloc(1, sizeof(*d));
	spare = NULL;
	arena = d->arena;
	json = d->json;
	jsoncap = d->jsoncap;
	memset(d, 0, sizeof(*d));
	d->arena = arena;
	d->json = json;
	d->jsoncap = jsoncap;
	return d;
}

/* Can this thread keep a spare? Only once its exit is sure to free it. */
static bool spare_allowed(void)
{
	if (spare_watched)
		return true;
	pthread_once(&spare_once, spare_init);
	spare_watched = spare_ok &&
			pthread_setspecific(spare_key, (void *)&spare) == 0;
	return spare_watched;
}

/* Keep `d` as the thread's spare, or free it. */
static void decision_recycle(ng_decision *d)
{
	if (spare || d->jsoncap > KEEP_JSON || !spare_allowed()) {
		decision_destroy(d);
		return;
	}
	ng_arena_trim(&d->arena, KEEP_ARENA);
	spare = d;
}

/* The id and the user are copied, side by side: the decision may outlive
 * the request. */
static ng_decision *decision_new(const ng_engine *e, const ng_request *r)
{
	ng_decision *d = decision_alloc();
	const char *id = r->id ? r->id : "", *user = r->user ? r->user : "";
	size_t nid, nuser;
	char *p;

	if (!d)
		return NULL;
	d->verdict = NG_DENY;
	d->status = 403;
	d->reason = "denied";
	d->policy_id = e->policy->id;
	nid = (r->id ? r->id_len : 0) + 1;
	nuser = (r->user ? r->user_len : 0) + 1;
	p = ng_arena_alloc(&d->arena, nid + nuser);
	if (!p) {
		decision_destroy(d);
		return NULL;
	}
	d->id = memcpy(p, id, nid);
	d->user = memcpy(p + nid, user, nuser);
	d->engine = ng_engine_retain((ng_engine *)e);
	return d;
}

/* A request the parsers could read is decided the direct way when it is
 * of that kind (direct.c), else by its operations. */
static int decide_by(dc_ctx *c, dc_path path, bool *decided)
{
	prs_request pr;
	int rc;

	*decided = path != DC_PATH_DIRECT;
	if (c->req->parse_status)
		return *decided ? dc_bad_request(c, c->req->parse_error) : 0;
	if (path != DC_PATH_GENERAL && dc_decide_direct(c, &rc)) {
		*decided = true;
		return rc;
	}
	return *decided ? decide_request(c, &pr) : 0;
}

int dc_decide(const ng_engine *e, const ng_request *r, dc_path path,
	      ng_decision **out)
{
	ng_decision *d;
	bool decided;
	dc_ctx c;
	int rc;

	if (!out)
		return ng_fail(NG_EINVAL, "no place for the decision");
	*out = NULL;
	if (!e || !r)
		return ng_fail(NG_EINVAL, "ng_decide needs an engine and a request");
	d = decision_new(e, r);
	if (!d)
		return ng_fail(NG_ENOMEM, "out of memory deciding");
	dc_ctx_init(&c, e, r, d, r->has_time ? r->time_ms : DC_NOW_UNREAD);
	rc = decide_by(&c, path, &decided);
	if (rc) {
		/* fail closed: whatever was decided so far is dropped */
		dc_reset_to_error(&c, rc);
	}
	dc_ctx_clear(&c);
	if (!decided) {
		ng_decision_free(d);
		return 1;
	}
	*out = d;
	return 0;
}

int ng_decide(const ng_engine *e, const ng_request *r, ng_decision **out)
{
	return dc_decide(e, r, DC_PATH_ANY, out);
}

void ng_decision_free(ng_decision *d)
{
	if (!d)
		return;
	ng_engine_release(d->engine);
	decision_recycle(d);
}

ng_verdict ng_decision_verdict(const ng_decision *d)
{
	return d ? d->verdict : NG_DENY;
}

int ng_decision_status(const ng_decision *d)
{
	return d ? d->status : 403;
}

const char *ng_decision_reason(const ng_decision *d)
{
	return d ? d->reason : "no decision";
}

/* The text is rendered on the first call and kept (a lazily filled cache
 * in a const object: a decision belongs to one thread, so no lock). It
 * borrows from the engine, which the decision retains until it is freed.
 * Out of memory, the answer is a denial that grants nothing. */
const char *ng_decision_json(const ng_decision *d)
{
	static const char oom[] = "{\"id\":\"\",\"status\":403,"
		"\"decision\":\"deny\",\"reason\":\"denied: out of memory "
		"rendering the decision\",\"user\":\"\",\"roles\":[],"
		"\"checks\":[],\"items\":[],\"dls\":{},\"fls\":{},"
		"\"masked\":{},\"policy\":\"\"}";
	ng_decision *w = (ng_decision *)d;

	if (!d)
		return "";
	if (!d->rendered) {
		if (dc_render(w) != 0)
			return oom;
		w->rendered = true;
	}
	return d->json;
}
