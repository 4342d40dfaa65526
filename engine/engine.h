/*
 * The engine's private structures: the objects behind the public handles,
 * index resolution and the decision being built.
 */
#ifndef NG_ENGINE_H
#define NG_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "metadata.h"
#include "nodeguard.h"
#include "parsers.h"
#include "policy.h"

struct ng_policy {
	int refs;                      /* atomic */
	pol_compiled *pc;
	char id[80];
};

struct ng_engine {
	int refs;                      /* atomic */
	ng_policy *policy;
	ng_metadata *md;
	const pol_compiled *pc;        /* policy->pc */
	int64_t security_index;        /* index id of the security index, or -1 */
	bool *system;                  /* per index id: a system index */
	bool *protected_idx;           /* per index id: a protected index */
	uint8_t *index_flags;          /* per index id: ENG_IX_* */
	pol_word *protected_roles;     /* roles that may write protected ones */
	pol_pattern *system_pats;      /* the system and protected index */
	pol_pattern *protected_pats;   /* patterns of the node settings */
	size_t nsystem_pats, nprotected_pats;
	struct tb_tables *tables;      /* decision tables (tables.h) */
	bool *cluster_action;          /* per action id: checked as a
	                                * cluster action in this mode */
	char **grant_reason;           /* dc_grant_reasons */
	struct dc_text *user_text;     /* dc_user_texts */
	struct dc_act *transport_act;  /* per row of prs_transport's actions:
	                                * the action as checked (dc_act_fill) */
	struct dc_direct *direct;      /* per action id: what the direct path
	                                * knows of it (dc_direct_prepare) */
	struct dc_ixslot *ix;          /* the indices by name, for the direct
	                                * path (dc_direct_prepare) */
	size_t ixmask;                 /* slots of ix - 1 */
};

/* ng_engine.index_flags: what a check of the index must look beyond the
 * tables for. */
#define ENG_IX_SPECIAL 0x01    /* the security, a system or a protected
                                * index (dc_row_special) */
#define ENG_IX_LINKED 0x02     /* it has aliases or a data stream */
#define ENG_IX_COLON 0x04      /* its name holds a ':', as a remote
                                * index's does */

/* Does a name, existing or not, match the system (protected) index
 * patterns of the node settings? For names the metadata does not hold:
 * an index about to be created. */
bool eng_system_name(const ng_engine *e, const char *name);
bool eng_protected_name(const ng_engine *e, const char *name);

typedef struct ng_strv {
	const char **v;
	size_t n, cap;
} ng_strv;

struct ng_request {
	/* What every decision reads, first: a cold request (one built long
	 * before it is decided) then costs few cache lines. */
	bool is_transport;
	bool has_backend_roles, has_roles, has_attrs, has_time;
	int parse_status;              /* 400 when the line itself was bad,
	                                * or a setter failed */
	char *id;
	char *user;
	char *action, *method;         /* transport, REST */
	char *cert_dn;
	char *address;
	ng_strv indices;               /* transport */
	size_t id_len, user_len;       /* bytes of id, user, action when set */
	size_t action_len;
	char *path, *body;             /* REST */
	/* Read only when the has_ flags above say they were given, or for
	 * the requests that need them. */
	size_t body_len;
	char *peer_dn;                 /* transport */
	int64_t time_ms;
	ng_strv backend_roles, roles, attr_keys, attr_values;
	const char *parse_error;
	ng_arena strings;              /* everything above lives here */
};

/* One resolved name of an index expression. */
typedef struct rs_row {
	const char *name;
	md_kind kind;                  /* MD_NONE: not in the metadata */
	uint32_t id;                   /* id within its kind */
	bool remote;                   /* "cluster:index" */
	bool literal_all;              /* "_all" taken as a name (modern
	                                * semantics, expand_wildcards=none):
	                                * matches nothing, yet is no 404 */
} rs_row;

typedef struct rs_result {
	rs_row *rows;
	size_t nrows, cap;
	bool pattern;                  /* a wildcard, _all or empty-as-all */
	uint64_t *seen;                /* rows by (kind, id), for rs_add_row */
	size_t seencap, seen_n;        /* slots; nrows when last in step */
	int status;                    /* 0, 400 or 404 */
	const char *error;
} rs_result;

/* Resolve an operation's expression against the metadata. */
int rs_resolve(const ng_engine *e, const prs_op *op, int64_t now_ms,
	       ng_arena *a, rs_result *out);
/* Append a row unless the same alias, index or stream is there already. */
int rs_add_row(ng_arena *a, rs_result *out, const rs_row *row);

/* A check as reported (contract section 4). */
typedef struct dc_check {
	int item;
	const char *action;
	bool index_scope;
	const char *const *requested;
	size_t nrequested;
	ng_strv indices;               /* allowed concrete names */
	ng_strv denied;
	bool allowed;
	const char *missing;           /* action lacking, or NULL */
} dc_check;

typedef struct dc_item {
	int item;
	int status;
	ng_strv indices;
	const char *reason;
} dc_item;

struct ng_decision {
	ng_verdict verdict;
	int status;
	const char *reason;
	const char *user;
	ng_strv roles;
	dc_check *checks;
	size_t nchecks, capchecks;
	dc_item *items;
	size_t nitems;
	char *dls, *fls, *masked;      /* JSON objects, or NULL */
	const char *policy_id;
	const char *id;                /* copied into the arena */
	char *json;                    /* rendered on demand; malloc'd */
	size_t jsoncap;                /* bytes of the json buffer */
	bool rendered;                 /* json holds this decision's text */
	ng_engine *engine;             /* retained: the text borrows from it */
	ng_arena arena;
};

int ng_strv_push(ng_strv *v, ng_arena *a, const char *s);
bool ng_strv_has(const ng_strv *v, const char *s);

/* Render the decision JSON into d->json (its buffer is reused, grown when
 * needed). NG_ENOMEM leaves d->json without a valid text. */
int dc_render(ng_decision *d);

/* Fill from an ng_error and record it as the thread's last error. */
int ng_fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* NG_ENGINE_H */
