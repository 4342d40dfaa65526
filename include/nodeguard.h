/*
 * nodeguard: authorization decisions for search-cluster nodes.
 *
 * The whole public API. It includes only standard headers and compiles
 * alone as C11 and as C++.
 *
 * Threading: an ng_policy, an ng_metadata and an ng_engine never change
 * once built, so any number of threads may use one at once without locks.
 * An ng_node holds the current engine and swaps it atomically; a reader
 * keeps the engine it acquired until it releases it. An ng_request and an
 * ng_decision belong to one thread at a time.
 *
 * Errors: fallible functions return 0 or a negative NG_E* code. The detail
 * of the last error of the calling thread (file, line, column, message) is
 * available from ng_last_error(). Codes never change meaning.
 *
 * Ownership: every _new or _load has a matching _free or _release, and every
 * _free and _release accepts NULL. A returned const pointer is borrowed from
 * the object it came from and lives as long as that object.
 */
#ifndef NODEGUARD_H
#define NODEGUARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define NG_API __attribute__((visibility("default")))
#else
#define NG_API
#endif

#define NG_VERSION "0.1.0"

/* Error codes. The numbers are part of the ABI. */
enum {
	NG_OK = 0,
	NG_ENOMEM = -1,       /* out of memory */
	NG_EINVAL = -2,       /* invalid argument to an API call */
	NG_EIO = -3,          /* a file could not be read */
	NG_ESYNTAX = -4,      /* malformed YAML, JSON or NDJSON */
	NG_ESCHEMA = -5,      /* well-formed input of the wrong shape */
	NG_EPATTERN = -6,     /* invalid pattern or regular expression */
	NG_EREF = -7,         /* reference to an undefined role or group */
	NG_ELIMIT = -8,       /* an explicit limit was exceeded */
	NG_EUNKNOWNAPI = -9,  /* a request nodeguard cannot classify */
	NG_EBADREQ = -10,     /* malformed request: bad path, index or body */
	NG_EINTERNAL = -11,   /* an internal invariant failed */
	NG_ENOTREADY = -12    /* no policy or metadata loaded yet */
};

/* A text for every code above; never NULL. */
NG_API const char *ng_strerror(int code);

/* Where and why the last failing call of this thread failed. */
typedef struct ng_error {
	int code;
	char file[256];   /* empty when the error has no file; a policy's
	                   * file by a path the caller can open (inside the
	                   * directory given, or the node settings file as
	                   * given) when it fits */
	int line;         /* 1-based; 0 when unknown */
	int column;       /* 1-based; 0 when unknown */
	char message[512];
} ng_error;

/* The detail of the last error of the calling thread. Never NULL. */
NG_API const ng_error *ng_last_error(void);

/* Free memory returned by nodeguard (JSON texts). Accepts NULL. */
NG_API void ng_free(void *p);

/* ---------------------------------------------------------------------
 * Policy: a security configuration directory, compiled.
 */
typedef struct ng_policy ng_policy;

typedef struct ng_policy_options {
	unsigned version;              /* NG_POLICY_OPTIONS_VERSION */
	const char *node_settings;     /* opensearch.yml or elasticsearch.yml to
	                                * read instead of the one in the directory;
	                                * NULL for the directory's own */
} ng_policy_options;

#define NG_POLICY_OPTIONS_VERSION 1
#define NG_POLICY_OPTIONS_INIT { NG_POLICY_OPTIONS_VERSION, NULL }

/* Load and compile the configuration in `dir` (OpenSearch Security or
 * Search Guard file names). All or nothing: on error *out is NULL. */
NG_API int ng_policy_load(const char *dir, const ng_policy_options *opts,
			  ng_policy **out);
NG_API void ng_policy_release(ng_policy *p);
NG_API ng_policy *ng_policy_retain(ng_policy *p);
/* "sha256:<hex>" over the policy's content; borrowed. */
NG_API const char *ng_policy_id(const ng_policy *p);
/* Warnings found while loading, one line each; borrowed. */
NG_API size_t ng_policy_warning_count(const ng_policy *p);
NG_API const char *ng_policy_warning(const ng_policy *p, size_t i);

/* ---------------------------------------------------------------------
 * Cluster metadata: the compact JSON of the contract, or the body of
 * GET _cluster/state/metadata.
 */
typedef struct ng_metadata ng_metadata;

NG_API int ng_metadata_parse(const char *json, size_t len, ng_metadata **out);
NG_API int ng_metadata_load(const char *path, ng_metadata **out);
NG_API void ng_metadata_release(ng_metadata *m);
NG_API ng_metadata *ng_metadata_retain(ng_metadata *m);
NG_API size_t ng_metadata_index_count(const ng_metadata *m);

/* ---------------------------------------------------------------------
 * Engine: a policy joined with a metadata snapshot. Immutable.
 */
typedef struct ng_engine ng_engine;

/* Takes its own references on both inputs. */
NG_API int ng_engine_new(ng_policy *p, ng_metadata *m, ng_engine **out);
NG_API ng_engine *ng_engine_retain(ng_engine *e);
NG_API void ng_engine_release(ng_engine *e);

/* ---------------------------------------------------------------------
 * Node: the engine currently in force, swapped atomically.
 */
typedef struct ng_node ng_node;

NG_API int ng_node_new(ng_node **out);
NG_API void ng_node_free(ng_node *n);
/* Build a new engine from a policy directory and swap it in. On any error
 * the engine in force stays in force and the error is returned. */
NG_API int ng_node_load_policy(ng_node *n, const char *dir,
			       const ng_policy_options *opts);
NG_API int ng_node_set_policy(ng_node *n, ng_policy *p);
NG_API int ng_node_set_metadata(ng_node *n, ng_metadata *m);
/* The engine in force, with a reference the caller releases; NULL (and
 * NG_ENOTREADY from ng_last_error) until both inputs were set. */
NG_API ng_engine *ng_node_acquire(ng_node *n);
/* Keep a thread's engine current without a lock on the request path. When
 * *cached is the engine in force, this is one atomic load and nothing
 * changes; otherwise *cached is released and replaced by the engine in
 * force. *cached may start NULL; the caller releases it when done. Returns
 * 0, or NG_ENOTREADY while no engine is in force (*cached is kept). */
NG_API int ng_node_refresh(ng_node *n, ng_engine **cached);

/* ---------------------------------------------------------------------
 * Requests.
 */
typedef struct ng_request ng_request;

/* A request is built by the setters below. Each copies what it is given,
 * and refuses (NG_EINVAL) a NULL request, a NUL inside a value, or a name,
 * role, path or attribute that is not UTF-8. A setter that fails spoils
 * the request: ng_decide answers it with 400, never with what earlier
 * calls left in place; build a new one. */
NG_API int ng_request_new(ng_request **out);
NG_API void ng_request_free(ng_request *r);

/* Parse one line of the recorded-request NDJSON format. NG_ESYNTAX for a
 * line that is not one JSON object, NG_ELIMIT for one nested deeper than
 * 1,000 levels. A line whose members are missing or of the wrong type
 * still gives a request, which ng_decide answers with 400 and why. */
NG_API int ng_request_from_json(const char *json, size_t len, ng_request **out);

NG_API int ng_request_set_id(ng_request *r, const char *id, size_t len);
NG_API int ng_request_set_user(ng_request *r, const char *name, size_t len);
NG_API int ng_request_add_backend_role(ng_request *r, const char *role,
				       size_t len);
NG_API int ng_request_add_role(ng_request *r, const char *role, size_t len);
NG_API int ng_request_add_attribute(ng_request *r, const char *key,
				    size_t klen, const char *value,
				    size_t vlen);
NG_API int ng_request_set_address(ng_request *r, const char *addr, size_t len);
NG_API int ng_request_set_cert_dn(ng_request *r, const char *dn, size_t len);
/* `path` may carry the query string. `body` may be NULL: no body. Either
 * call replaces the request's call whole, so a request may be used
 * again: a NULL body or peer DN is none, and the transport indices start
 * empty (a transport request naming no index asks for all of them). An
 * index added before ng_request_set_transport, or to a REST request, is
 * refused (NG_EINVAL) and spoils the request. */
NG_API int ng_request_set_rest(ng_request *r, const char *method, size_t mlen,
			       const char *path, size_t plen,
			       const char *body, size_t blen);
NG_API int ng_request_set_transport(ng_request *r, const char *action,
				    size_t alen, const char *peer_dn,
				    size_t plen);
NG_API int ng_request_add_transport_index(ng_request *r, const char *index,
					  size_t len);
/* The instant date math is evaluated at, milliseconds since the epoch. */
NG_API int ng_request_set_time(ng_request *r, int64_t epoch_ms);
NG_API const char *ng_request_id(const ng_request *r);

/* ---------------------------------------------------------------------
 * Decisions.
 */
typedef struct ng_decision ng_decision;

typedef enum ng_verdict {
	NG_DENY = 0,    /* zero, so that a forgotten field denies */
	NG_ALLOW = 1,
	NG_PARTIAL = 2  /* allowed on fewer indices, or some items denied */
} ng_verdict;

/* Decide. Always yields a decision when it returns 0; an error inside
 * deciding becomes a denial with a reason, never an allow. */
NG_API int ng_decide(const ng_engine *e, const ng_request *r,
		     ng_decision **out);
NG_API void ng_decision_free(ng_decision *d);
NG_API ng_verdict ng_decision_verdict(const ng_decision *d);
NG_API int ng_decision_status(const ng_decision *d);
NG_API const char *ng_decision_reason(const ng_decision *d);
/* The decision as one line of JSON (contract section 4); borrowed. */
NG_API const char *ng_decision_json(const ng_decision *d);

/* ---------------------------------------------------------------------
 * Explaining and enumerating, for tools.
 */

/* Decide `r` and explain the decision as one JSON object (free it with
 * ng_free): "user", "roles" (each {"role", "via"}: the mapping rule that
 * gave it), "cells" (each index x action checked: {"item", "action",
 * "scope", "index", "allowed", "grant"}, where "grant" is the role and
 * permission entry {"role", "file", "line", "index_patterns",
 * "allowed_actions"} that grants the cell, or null), and "decision" (the
 * decision JSON of contract section 4). */
NG_API int ng_explain(const ng_engine *e, const ng_request *r,
		      char **json_out);

/* The policy and metadata an engine joins; borrowed from the engine. */
NG_API const ng_policy *ng_engine_policy(const ng_engine *e);
NG_API const ng_metadata *ng_engine_metadata(const ng_engine *e);

/* The roles of a policy, built-ins included, in a stable order. */
NG_API size_t ng_policy_role_count(const ng_policy *p);
NG_API const char *ng_policy_role_name(const ng_policy *p, size_t i);

/* A list of names owned by the caller. */
typedef struct ng_names ng_names;

NG_API size_t ng_names_count(const ng_names *n);
/* Name i, borrowed from the list; NULL past the end. */
NG_API const char *ng_names_get(const ng_names *n, size_t i);
NG_API void ng_names_free(ng_names *n);

/* The users a policy names: internal users and the users named literally
 * (no pattern) in role mappings, each once, sorted. */
NG_API int ng_policy_users(const ng_policy *p, ng_names **out);
/* The rules of the role mapping, one per line, each once, sorted:
 * "ROLE: users NAME", "ROLE: backend_roles NAME", "ROLE: hosts PATTERN",
 * "ROLE: and_backend_roles A + B" (the names sorted), as roles_mapping.yml
 * gives them. Two policies map callers alike when their lists are equal. */
NG_API int ng_policy_mapping_rules(const ng_policy *p, ng_names **out);
/* Concrete index i (0 <= i < ng_metadata_index_count); borrowed. */
NG_API const char *ng_metadata_index_name(const ng_metadata *m, size_t i);

/* ---------------------------------------------------------------------
 * Lint: findings over a configuration directory. A result is owned by the
 * caller and belongs to one thread at a time.
 */
typedef struct ng_lint_result ng_lint_result;

typedef enum ng_severity {
	NG_SEVERITY_INFO = 0,
	NG_SEVERITY_WARNING = 1,
	NG_SEVERITY_ERROR = 2
} ng_severity;

/* Lint the configuration in `dir`. `metadata_path` (may be NULL) names a
 * cluster metadata file; with it, index patterns that match nothing are
 * reported too. Returns 0 with the findings, sorted by file and position,
 * even when the configuration does not load; an error only when `dir` is
 * not a directory, the metadata cannot be read, or memory ran out. */
NG_API int ng_lint_run(const char *dir, const char *metadata_path,
		       ng_lint_result **out);
NG_API void ng_lint_result_free(ng_lint_result *r);
NG_API size_t ng_lint_count(const ng_lint_result *r);
/* Finding i (0 <= i < count); strings borrowed from the result. The file
 * is the directory joined with the file name; line and column are 1-based,
 * 0 when unknown. */
NG_API const char *ng_lint_rule(const ng_lint_result *r, size_t i);
NG_API ng_severity ng_lint_severity(const ng_lint_result *r, size_t i);
NG_API const char *ng_lint_file(const ng_lint_result *r, size_t i);
NG_API int ng_lint_line(const ng_lint_result *r, size_t i);
NG_API int ng_lint_column(const ng_lint_result *r, size_t i);
NG_API const char *ng_lint_message(const ng_lint_result *r, size_t i);
/* The rules lint knows, with their usual severity and a one-line summary;
 * static strings. NULL past the end. */
NG_API size_t ng_lint_rule_count(void);
NG_API const char *ng_lint_rule_id(size_t i);
NG_API const char *ng_lint_rule_summary(size_t i);
NG_API ng_severity ng_lint_rule_severity(size_t i);

#ifdef __cplusplus
}
#endif

#endif /* NODEGUARD_H */
