/*
 * parsers: a REST or transport request into the operations it performs.
 *
 * A request becomes a list of operations (prs_op). Each names the actions
 * it needs, the index expression it applies to (as text, not yet resolved
 * against any metadata), the options that govern resolution, and the
 * sub-request it belongs to. Nothing here knows the policy or the cluster.
 *
 * All memory of a decomposed request comes from the caller's arena.
 */
#ifndef NG_PARSERS_H
#define NG_PARSERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "nodeguard.h"

#define PRS_MAX_ACTIONS 4

/* expand_wildcards, as bits. */
enum {
	PRS_EXPAND_OPEN = 1,
	PRS_EXPAND_CLOSED = 2,
	PRS_EXPAND_HIDDEN = 4
};

typedef struct prs_opts {
	signed char ignore_unavailable;  /* -1 not given, 0, 1 */
	signed char allow_no_indices;    /* -1 not given, 0, 1 */
	signed char expand;              /* -1 not given, else PRS_EXPAND_* bits
	                                  * (0 = "none") */
	unsigned char expand_default;    /* PRS_EXPAND_* bits of the API when
	                                  * expand is not given; 0: open, as
	                                  * for most APIs (prs_api_expand) */
} prs_opts;

/* The PRS_EXPAND_* bits a wildcard reaches: the request's choice, else
 * its API's default, else open indices. */
static inline unsigned prs_opts_expand(const prs_opts *o)
{
	return o->expand >= 0 ? (unsigned)o->expand
	       : o->expand_default ? o->expand_default : PRS_EXPAND_OPEN;
}

/* Operation flags. */
enum {
	PRS_REDUCIBLE = 1u << 0,   /* may be narrowed to the allowed indices */
	PRS_DOC = 1u << 1,         /* a single-document read or write */
	PRS_WRITE = 1u << 2,       /* writes: an alias resolves to its write index */
	PRS_CREATES = 1u << 3,     /* names an index that may not exist yet */
	PRS_ALIAS_NAMES = 1u << 4, /* the expression names aliases */
	PRS_REMOTE_OK = 1u << 5,   /* "cluster:index" names a remote index */
	PRS_EMPTY_ALL = 1u << 6,   /* an empty expression means all indices */
	PRS_REMOTE_SRC = 1u << 7,  /* reads from a remote cluster (reindex) */
	PRS_NO_WILDCARD = 1u << 8, /* wildcards are refused (400) */
	PRS_DATA_STREAM = 1u << 9, /* names data streams (create, delete) */
	PRS_GLOBAL_STATE = 1u << 10, /* a snapshot restore that also restores
	                              * the cluster's global state */
	PRS_EMPTY_ALL_LEGACY = 1u << 11, /* an empty expression means all
	                                  * indices in the legacy model only;
	                                  * in v4 it names no index (_analyze) */
	PRS_INDEX_TERMS_AGG = 1u << 12, /* a search whose body only counts
	                                 * documents per _index (no query,
	                                 * size 0, one terms aggregation named
	                                 * "indices" on _index): the legacy
	                                 * model lets it through, narrowed */
	PRS_V4_REDUCIBLE = 1u << 13,    /* may be narrowed in the modern (v4)
	                                 * model only, where the peer replaces
	                                 * the indices of the request (by
	                                 * query, open, close, the indices of
	                                 * an alias change); never in legacy */
	PRS_LOOKUP = 1u << 14           /* a document a query clause reads from
	                                 * the index it names (terms lookup,
	                                 * indexed shape, ...); the role names
	                                 * the clause */
};

typedef struct prs_op {
	int item;                         /* -1: the top-level request */
	const char *actions[PRS_MAX_ACTIONS];
	unsigned nactions;
	const char **exprs;               /* expression elements, decoded */
	size_t nexprs;
	prs_opts opts;
	unsigned flags;
	const char *role;                 /* "source", "dest", "alias", ... or NULL */
} prs_op;

typedef struct prs_limits {
	size_t max_body;          /* bytes */
	size_t max_line;          /* bytes of one NDJSON line */
	size_t max_items;         /* sub-requests of a compound request */
	size_t max_depth;         /* JSON nesting */
	size_t max_expr_len;      /* bytes of one index expression */
	size_t max_expr_parts;    /* elements of one index expression */
} prs_limits;

#define PRS_LIMITS_DEFAULT { 100u << 20, 1u << 20, 100000, 64, 4096, 1024 }

typedef struct prs_request {
	const char *api;          /* route name ("search", "bulk"), or "unknown" */
	prs_op *ops;
	size_t nops;
	size_t capops;
	size_t nitems;            /* sub-requests; 0 unless compound */
	bool compound;            /* items are decided one by one */
	int status;               /* 0, or 400 (malformed) / 403 (unknown api) */
	int code;                 /* NG_E* matching status */
	const char *error;        /* one line, when status != 0 */
	int error_item;           /* item the error is in, or -1 */
	const char *action;       /* top-level action of the route, or NULL
	                           * (set by prs_rest and prs_transport) */
	unsigned action_row;      /* transport: 1 + the row of prs_transport's
	                           * actions that `action` is, or 0 */
	const char *rename_pattern;     /* snapshot restore: the body's regex
	                                 * renaming the restored indices */
	const char *rename_replacement; /* and its replacement; else NULL */
} prs_request;

/* Decompose a REST request. `path` may carry the query string; `body` may
 * be NULL. Returns 0 (check r->status), or NG_ENOMEM. */
int prs_rest(prs_request *r, ng_arena *a, const prs_limits *lim,
	     const char *method, size_t mlen, const char *path, size_t plen,
	     const char *body, size_t blen);

/* A transport request: one operation with the given action and indices. */
int prs_transport(prs_request *r, ng_arena *a, const prs_limits *lim,
		  const char *action, const char *const *indices, size_t n);
/* Does prs_transport take `action` as an action name? Then *flags are
 * the flags it gives the operation: for an engine to work out once what
 * it can of each action it knows. */
bool prs_transport_action(const char *action, unsigned *flags);
/* The actions prs_transport knows by their whole name, by row (0 ..
 * prs_transport_nrows() - 1): what an engine works out for an action
 * once, it can work out for these when it is built. */
size_t prs_transport_nrows(void);
const char *prs_transport_row(size_t k);

/* Append an operation; NULL when out of memory. */
prs_op *prs_add_op(prs_request *r, ng_arena *a, int item, const char *action);
/* Split "a,b,-c" into elements and check them as text (B10: a lone '-' or
 * an empty element is malformed). Returns 0 or sets r->status = 400.
 * `s` is already percent-decoded; a "{...}" group (date math) is never
 * split. The elements are appended to op->exprs; an empty `s` adds none
 * and is not an error. Malformed: r->code = NG_EBADREQ, or NG_ELIMIT past
 * lim->max_expr_len bytes or lim->max_expr_parts elements. NG_ENOMEM when
 * the arena is exhausted. */
int prs_split_expr(prs_request *r, ng_arena *a, const prs_limits *lim,
		   const char *s, size_t n, prs_op *op);

/* ---------------------------------------------------------------------
 * Index expressions as text.
 */

/* Decode %XX in place; returns the new length, or -1 on a bad escape. */
long prs_percent_decode(char *s, size_t n);

/* Is `name` a valid concrete index name for creation (lowercase, no
 * forbidden characters, not "." or "..", not starting with '_', '-', '+')?
 * On false, *why gets a static reason. */
bool prs_valid_index_name(const char *name, size_t n, const char **why);

/* Evaluate date math "<static{now/d{yyyy.MM.dd|+01:00}}>" at `now_ms`.
 * Writes the resulting name into out (NUL-terminated). Returns 0, or
 * NG_EBADREQ with *why set. A name without '<' is copied. */
int prs_datemath(const char *expr, size_t n, int64_t now_ms, char *out,
		 size_t cap, const char **why);

/* The indices named in the text of an SQL query (ppl false) or a PPL
 * query (ppl true), in order, as written (see sql.c). Returns 0; or
 * NG_EBADREQ with *why set to a static one-line reason when the text
 * cannot be read with certainty; or NG_ENOMEM. The names live in `a`. */
int prs_query_sources(ng_arena *a, bool ppl, const char *text, size_t n,
		      const char ***names, size_t *count, const char **why);

/* Does the element name a pattern? Only '*' is one in a request, as the
 * cluster expands names ('?' is no wildcard there). */
bool prs_has_wildcard(const char *s);

/* Where "cluster:index" (or "-cluster:index") splits: the offset of the
 * ':' ending the cluster name, or -1 when the element names no remote
 * index. A date-math element ("<...>" or "-<...>") never does: a ':' in it
 * belongs to a time-zone offset (B09). Whether the name is a configured
 * cluster is md_is_remote_cluster's question. */
long prs_remote_sep(const char *s, size_t n);

/* ---------------------------------------------------------------------
 * REST decomposition internals, shared by rest.c, routes.c and bodies.c.
 * Not for use outside parsers/.
 */

/* Methods of a route, as bits. */
enum {
	PRS_M_GET = 1,
	PRS_M_HEAD = 2,
	PRS_M_POST = 4,
	PRS_M_PUT = 8,
	PRS_M_DELETE = 16,
	PRS_M_PATCH = 32
};

/* How a route builds its operations beyond the plain top-level one. */
typedef enum prs_build {
	PRS_B_PLAIN,        /* one op: action on the index part, if any */
	PRS_B_SEARCH,       /* plain, plus terms lookups in the body */
	PRS_B_DOC_WRITE,    /* index/create/delete doc: a one-item bulk */
	PRS_B_BULK,
	PRS_B_MGET,
	PRS_B_MTV,
	PRS_B_MSEARCH,
	PRS_B_BY_QUERY,     /* delete/update by query */
	PRS_B_REINDEX,
	PRS_B_CREATE_INDEX, /* PUT /{index}, body aliases */
	PRS_B_ALIASES,      /* POST /_aliases */
	PRS_B_PUT_ALIAS,    /* PUT /{index}/_alias/{name}, /_alias/{name} */
	PRS_B_ALIAS_PATH,   /* get/delete/exists alias: alias names in path */
	PRS_B_RESIZE,       /* clone/shrink/split: source and target */
	PRS_B_ROLLOVER,
	PRS_B_BODY_INDICES, /* snapshot create/restore/clone, remote store */
	PRS_B_BODY_INDEX,   /* allocation explain, painless execute */
	PRS_B_REROUTE,
	PRS_B_QUERY_LANG,   /* SQL and PPL: indices named in the query text */
	PRS_B_COUNT
} prs_build;

typedef struct prs_route {
	unsigned methods;       /* PRS_M_* bits */
	const char *path;       /* "/{index}/_doc/{id}": literal or {part} */
	const char *api;        /* spec name: "search", "indices.create" */
	const char *action;     /* top-level action */
	unsigned flags;         /* PRS_* flags of the top-level op */
	const char *index;      /* the parameter naming the index expression
	                         * (a path part, else the query parameter of
	                         * that name), or NULL when there is none */
	prs_build build;
	const char *const *cluster_also; /* further cluster actions the
	                                  * handler sends; NULL-terminated */
	const char *const *index_also;   /* further index actions, on the
	                                  * indices of the top-level op */
} prs_route;

extern const prs_route prs_routes[];
extern const size_t prs_nroutes;

typedef struct prs_param {
	const char *key;
	const char *value;      /* "" for a key without '=' */
} prs_param;

#define PRS_MAX_SEGS 12

/* One REST request being decomposed. */
typedef struct prs_ctx {
	prs_request *r;
	ng_arena *a;
	const prs_limits *lim;
	const prs_route *route;
	const char *segs[PRS_MAX_SEGS];  /* path segments, decoded */
	size_t nsegs;
	const prs_param *params;
	size_t nparams;
	prs_opts opts;                   /* from the query string */
	const char *body;                /* NULL when absent or empty */
	size_t blen;
} prs_ctx;

/* Set a 400 (or 403 for NG_EUNKNOWNAPI) with a one-line message; returns
 * 0 so that a builder can `return prs_fail(...)`. */
int prs_fail(prs_ctx *c, int code, int item, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The decoded value of a path part or, when the route's path has no such
 * part, of the query parameter of that name (as the peer reads them); or
 * NULL. */
const char *prs_part(const prs_ctx *c, const char *name);
/* The value of a query parameter (the last one given), or NULL. */
const char *prs_param_get(const prs_ctx *c, const char *key);
/* Append an op carrying the request's options and `flags`. */
prs_op *prs_op_new(prs_ctx *c, int item, const char *action, unsigned flags,
		   const char *role);
/* Add a second (third...) action to an op. */
void prs_op_also(prs_op *op, const char *action);
/* Append the elements of "a,b,-c" to op's expression. Returns 0 (check
 * r->status) or NG_ENOMEM. */
int prs_op_expr(prs_ctx *c, prs_op *op, const char *s, size_t n);
/* The PRS_EXPAND_* bits a wildcard of REST API `api` expands to when the
 * request gives no expand_wildcards; 0 for open indices only. */
unsigned prs_api_expand(const char *api);
/* The same for a transport action. */
unsigned prs_action_expand(const char *action);
/* Parse an expand_wildcards value into PRS_EXPAND_* bits; -1 if invalid. */
int prs_parse_expand(const char *s, size_t n);

/* Is [s, s+n) a JSON object, whitespace around it allowed, that the body
 * readers may take as read without parsing it: one that json_parse takes
 * (valid as cJSON reads it, nested at most max_depth deep, no "\u0000",
 * no key repeated in an object) and in which no key, at any depth, is one
 * that wanted(key, len) says the caller reads. False whenever in doubt
 * (see jsonscan.c): the caller then parses the text in full. */
bool prs_json_plain(const char *s, size_t n, size_t max_depth,
		    bool (*wanted)(const char *key, size_t n));

/* Build the operations of the matched route (bodies.c). */
int prs_build_ops(prs_ctx *c);

#endif /* NG_PARSERS_H */
