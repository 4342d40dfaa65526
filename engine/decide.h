/*
 * The state of one decision in progress, shared by decide.c (the request
 * and the caller), ops.c (operations and their outcome) and grant.c (does
 * a role set hold an action on a row).
 */
#ifndef NG_DECIDE_H
#define NG_DECIDE_H

#include "engine.h"
#include "tables.h"

/* An entry of a mapped role, with its dynamic patterns rendered for the
 * caller of this request: on first use (see grant.c), or all at once by
 * dc_render_all. */
typedef struct dc_entry {
	const pol_entry *e;
	pol_pattern *dyn;          /* rendered and compiled; malloc'd */
	size_t ndyn;
	bool rendered;             /* dyn and ndyn are set */
} dc_entry;

/* A text made once, with its length. */
typedef struct dc_text {
	char *s;
	size_t n;
} dc_text;

/* An action named by the parser, as checked: renamed (auto_create is
 * checked as create), its dictionary id (-1: unknown), its kind. */
typedef struct dc_act {
	const char *key;           /* the parser's pointer */
	const char *name;
	int aid;
	bool cluster;
} dc_act;

typedef struct dc_ctx {
	const ng_engine *e;
	const pol_compiled *pc;
	const ng_metadata *md;
	const ng_request *req;
	ng_decision *d;
	ng_arena *a;               /* the decision's arena */
	int64_t now_ms;
	pol_user user;
	uint32_t user_hash;        /* pol_str_hash of the name, when */
	bool user_hashed;          /* worked out already */
	pol_caller caller;         /* what the caller's name tells */
	pol_word *roles;           /* as a set: dc_role_bits */
	tb_roles troles;           /* roles, with their ids in order */
	dc_entry *entries;
	size_t nentries, capentries;
	size_t nrestricted;        /* entries with a DLS, FLS or masking rule */
	uint32_t *dyn;             /* positions in entries with dynamic
	                            * patterns, in entry order */
	size_t ndyn, capdyn;
	bool listed;               /* entries listed (dc_entries_ready) */
	int list_rc;               /* and how that went */
	int dyn_rc;                /* NG_ENOMEM when a rendering failed so:
	                            * the decision must then fail */
	/* Of those, the ones granting the action last asked for (by id and
	 * pointer): the rows of a check all ask for the same one. */
	const char *gdyn_action;
	int gdyn_aid;
	bool gdyn_ok;
	uint32_t *gdyn;
	size_t ngdyn;
	tb_memo *memo;             /* table answers for these roles, or NULL */
	/* With the memo: the whole answer (tables and dynamic patterns) for
	 * an alias or a data stream linked to an index, by alias id, then
	 * naliases + stream id, as role + 2 (0: not known yet), for the
	 * action last asked for. The indices of a wildcard share few. */
	int32_t *link_role;
	const char *link_action;
	int link_aid;
	const prs_request *pr;
	/* Once many rows are checked (c->memo): the answers kept for them,
	 * for the action last asked for (grant.c), or NULL. */
	struct dc_bulk *bulk;
	/* Last, as dc_ctx_init clears only their keys: */
	dc_act act[8];             /* ops.c: actions by pointer */
} dc_ctx;

void dc_ctx_init(dc_ctx *c, const ng_engine *e, const ng_request *r,
		 ng_decision *d, int64_t now_ms);
void dc_ctx_clear(dc_ctx *c);
int dc_add_entry(dc_ctx *c, const pol_entry *e);
/* List the entries of the mapped roles unless done: every use of
 * c->entries or c->dyn comes after it. 0 or NG_ENOMEM (then c->dyn_rc
 * fails the decision). */
int dc_entries_ready(dc_ctx *c);

/* The caller completed from internal_users.yml, its mapped roles, and the
 * entries of those roles; why[role] (nroles entries, may be NULL) gets the
 * mapping rule that gave each role. */
int dc_prepare_caller(dc_ctx *c, const char **why);
/* The mapped roles as a set, made on first need; NULL out of memory. */
pol_word *dc_role_bits(dc_ctx *c);
/* The instant date math is evaluated at: the request's time, or now. */
int64_t dc_request_time(const ng_request *r);
/* dc_ctx_init's now_ms when the clock is to be read on first use only:
 * most requests hold no date math and most roles no dynamic pattern. */
#define DC_NOW_UNREAD INT64_MIN
/* The decision's instant, read once. */
int64_t dc_now(dc_ctx *c);

/* Outcomes for the whole request. */
int dc_bad_request(dc_ctx *c, const char *why);
/* The peer's text for a denial lacking the actions `missing`, and for an
 * allow granted by `role` (-1: none in particular), fully or in part. */
const char *dc_denial_text(dc_ctx *c, const ng_strv *missing);
/* The start of that text when one action lacks (malloc'd, its length in
 * *len; NULL out of memory), and the whole text from such a start. */
char *dc_denial_head(const char *action, size_t *len);
const char *dc_denial_text_after(dc_ctx *c, const char *head, size_t len);
const char *dc_grant_text(const dc_ctx *c, int role, bool partial);
int dc_deny(dc_ctx *c, int status, const char *why);
void dc_reset_to_error(dc_ctx *c, int code);
void dc_items_admin(dc_ctx *c, const prs_request *pr);
/* After an admin allow: the 404 and 400 the cluster itself answers. */
void dc_admin_ops(dc_ctx *c, const prs_request *pr);
bool dc_trusted_node_action(dc_ctx *c);
/* Is the transport action one that only a trusted node may send (a
 * shard-level or internal action)? */
bool dc_node_action(const char *action);

/* May the operation be narrowed to the indices allowed when only some are
 * (its result has a wildcard: `pattern`)? Reads narrow in both models;
 * the peer's replaceable index requests (by query, open, close, the
 * indices of an alias change), which the parser flags PRS_V4_REDUCIBLE,
 * narrow in the modern model only. */
bool dc_op_narrows(const pol_compiled *pc, const prs_op *op, bool pattern,
		   const char *action);

/* Decide every operation of the request and combine the outcomes. */
int dc_run_ops(dc_ctx *c, const prs_request *pr);

/* What the direct path (direct.c) knows of an action of the dictionary,
 * worked out once per engine: the action as checked, and whether a
 * transport request naming it may be decided directly. */
typedef struct dc_direct {
	dc_act act;
	bool ok;
	uint32_t cls;              /* its class in the tables */
	char *denial;              /* the start of a denial (dc_denial_head) */
	size_t ndenial;
} dc_direct;

/* What the direct path works out once per engine: e->direct, e->ix and
 * e->ixmask, once the rest of the engine is built. 0 or NG_ENOMEM;
 * dc_direct_free frees e->direct, filled or not. */
int dc_direct_prepare(ng_engine *e);
void dc_direct_free(const ng_engine *e, dc_direct *v);

/* An index by name, as the direct path finds it: what a check needs of
 * the index and the head of its name share one cache line, so that a
 * name of up to DC_IX_HEAD bytes costs one line to find and compare. */
#define DC_IX_HEAD 37

typedef struct dc_ixslot {
	const char *name;          /* the metadata's; NULL: an empty slot */
	uint32_t hash;             /* pol_str_hash */
	uint32_t id;               /* index id */
	const uint32_t *rows;      /* rows of roles by class (tb_set_rows) */
	uint16_t len;
	uint8_t flags;             /* ENG_IX_* */
	char head[DC_IX_HEAD];     /* the first bytes of the name */
} dc_ixslot;

/* Decide a transport request the direct way if it is one of the kind
 * direct.c describes: true, with *rc as decide_request returns it.
 * False, with nothing changed, when the general path must decide. */
bool dc_decide_direct(dc_ctx *c, int *rc);
/* ng_decide by the path given, for the tests, which decide requests both
 * ways and compare: DC_PATH_ANY as ng_decide, DC_PATH_GENERAL never the
 * direct path, DC_PATH_DIRECT only the direct path (then a request not
 * of its kind returns 1 and no decision). */
typedef enum dc_path {
	DC_PATH_ANY,
	DC_PATH_GENERAL,
	DC_PATH_DIRECT
} dc_path;

int dc_decide(const ng_engine *e, const ng_request *r, dc_path path,
	      ng_decision **out);

/* Is the action a cluster action under the policy's semantics? The
 * answer is cached in `c` by the pointer `action`, whose text must not
 * change during the decision. */
bool dc_is_cluster_action(dc_ctx *c, const char *action);
/* The same from the name alone, for the engine's table by action id. */
bool dc_cluster_action_name(const pol_compiled *pc, const char *action);
/* An action as the checks take it, worked out from its text: for act_of,
 * and for the engine's table of the transport parser's actions. Needs
 * e->cluster_action. */
void dc_act_fill(const ng_engine *e, const char *raw, dc_act *x);
/* "granted by role R" and "partially granted by role R" for every role,
 * at 2 * R and 2 * R + 1: the reasons of an allow, made once per engine
 * (NULL-terminated, malloc'd; freed with the engine even on failure). */
int dc_grant_reasons(const pol_compiled *pc, char ***out);
/* "User [name=U, backend_roles=[...], requestedTenant=null]", the end of
 * a denial, for every caller the policy knows by name, by its slot
 * (pol_caller_slot): what a denial says of such a caller when the request
 * gives no backend roles. Made once per engine (malloc'd; freed with the
 * engine even on failure). */
int dc_user_texts(const pol_compiled *pc, dc_text **out);

/* Does a mapped role grant `action` on the row? Returns the granting
 * role, or -1. Special indices (security, system, protected) are not
 * considered here; see dc_row_special. */
int dc_grant_row(dc_ctx *c, const rs_row *row, int aid, const char *action);

/* The rows of an operation checked for one action. */
typedef struct dc_rows {
	const rs_row *rows;
	size_t n;
	bool *granted;             /* per row: held so far; cleared if not */
	const bool *todo;          /* per row: to check; NULL for all */
	int role;                  /* the first granting role, once found */
	const char *special;       /* why a special index was refused */
} dc_rows;

/* The outcome of an index of flags `flags` (ENG_IX_*) that the tables
 * give alone from `row`, the row of roles of its entry set and the
 * action's class (tables.h, tb_set_rows), without a memo: grant_index,
 * then row_outcome in grant.c, in short. With no dynamic pattern among
 * the caller's entries, a grant on the index itself that no special rule
 * takes back (the granting role), or no grant and no alias or data stream
 * to find one on (-1); TB_UNKNOWN when the index needs the whole of them.
 * dc_check_rows answers its index rows the same way first. */
int dc_plain_answer_row(dc_ctx *c, uint32_t row, uint8_t flags);

/* dc_grant_row, then dc_row_special, for every local row still granted
 * and to check; many rows at once share the answers they can. */
void dc_check_rows(dc_ctx *c, dc_rows *r, int aid, const char *action);
/* Does some mapped role grant the action on any index at all? */
bool dc_grant_any(dc_ctx *c, int aid, const char *action);
/* Does the entry's pattern (static or rendered) match the name itself?
 * The entry's dynamic patterns must have been rendered (dc_render_all). */
bool dc_entry_matches(const dc_entry *de, const char *name);
/* Render the dynamic patterns of every entry not rendered yet. Returns 0
 * or NG_ENOMEM. */
int dc_render_all(dc_ctx *c);

/* Document- and field-level restrictions for the allowed read checks,
 * rendered into d->dls, d->fls and d->masked. Fails (NG_EBADREQ) when a
 * DLS query names a variable the caller does not have. */
int dc_restrictions(dc_ctx *c);

/* A reason the row is refused whatever the roles grant, or NULL. */
const char *dc_row_special(dc_ctx *c, const rs_row *row, const char *action);

#endif /* NG_DECIDE_H */
