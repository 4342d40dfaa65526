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
} prs_opts;

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
	PRS_DATA_STREAM = 1u << 9  /* names data streams (create, delete) */
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
} prs_request;

/* Decompose a REST request. `path` may carry the query string; `body` may
 * be NULL. Returns 0 (check r->status), or NG_ENOMEM. */
int prs_rest(prs_request *r, ng_arena *a, const prs_limits *lim,
	     const char *method, size_t mlen, const char *path, size_t plen,
	     const char *body, size_t blen);

/* A transport request: one operation with the given action and indices. */
int prs_transport(prs_request *r, ng_arena *a, const prs_limits *lim,
		  const char *action, const char *const *indices, size_t n);

/* Append an operation; NULL when out of memory. */
prs_op *prs_add_op(prs_request *r, ng_arena *a, int item, const char *action);
/* Split "a,b,-c" into elements and check them as text (B10: a lone '-' or
 * an empty element is malformed). Returns 0 or sets r->status = 400. */
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

/* Does the element contain a wildcard ('*' or '?')? */
bool prs_has_wildcard(const char *s);

#endif /* NG_PARSERS_H */
