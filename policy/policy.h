/*
 * policy: security configuration files into a plain model (with source
 * positions), and the model into an immutable compiled policy.
 *
 * Nothing here knows about requests or cluster metadata. The engine asks
 * the compiled policy three questions: which roles a user maps to, whether
 * a role set holds a cluster action, and which index-permission entries
 * grant an action on a name.
 */
#ifndef NG_POLICY_H
#define NG_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nodeguard.h"

/* ---------------------------------------------------------------------
 * Errors: every module reports into an ng_error (nodeguard.h). These set
 * code, position and a one-line message, and return the code.
 */
int pol_fail(ng_error *err, int code, const char *file, int line, int col,
	     const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Rewrite a message of buf[cap] in place with its control characters
 * escaped (\n, \t, \r, \xNN), cut to fit: messages are one line. */
void pol_oneline(char *buf, size_t cap);

/* ---------------------------------------------------------------------
 * Patterns on actions, index names, users, backend roles and hosts.
 *
 *   "*"          everything
 *   "a*b?c"      glob: '*' any run, '?' one character, no escapes
 *   "/re/"       PCRE2 regular expression matched against the whole string
 *   "abc"        exact
 *
 * POL_PAT_ESCAPES makes '\' quote the next character in a glob: it is how
 * rendered templates keep substituted user values literal.
 */
typedef enum pol_pat_kind {
	POL_PAT_NONE = 0,  /* empty or null: matches nothing */
	POL_PAT_ANY,
	POL_PAT_EXACT,
	POL_PAT_PREFIX,    /* "abc*" */
	POL_PAT_GLOB,
	POL_PAT_REGEX
} pol_pat_kind;

enum {
	POL_PAT_ICASE = 1,
	POL_PAT_ESCAPES = 2
};

typedef struct pol_pattern {
	pol_pat_kind kind;
	unsigned flags;
	char *text;        /* the source text, owned */
	char *lit;         /* EXACT/PREFIX: the literal part; GLOB: pattern */
	size_t litlen;
	void *re;          /* pcre2_code * for REGEX */
} pol_pattern;

int pol_pattern_compile(pol_pattern *p, const char *text, unsigned flags,
			ng_error *err);
/* Thread-safe; no allocation except the first call on a thread. A regex
 * that hits its match limit does not match: right where a match grants
 * (index and action patterns, mappings). Where a match refuses
 * (exclusions, system and protected indices), pol_pattern_refuses counts
 * such a regex as a match instead; either way the error fails closed. */
bool pol_pattern_match(const pol_pattern *p, const char *s, size_t n);
bool pol_pattern_refuses(const pol_pattern *p, const char *s, size_t n);
void pol_pattern_clear(pol_pattern *p);
bool pol_pattern_is_literal(const char *text);  /* no '*', '?', "/re/" */

/* ---------------------------------------------------------------------
 * The plain model: the YAML files as read, with positions for lint.
 */
typedef struct pol_pos {
	const char *file;  /* interned in the model, e.g. "roles.yml" */
	int line, col;
} pol_pos;

typedef struct pol_strlist {
	char **v;
	pol_pos *pos;
	size_t n;
} pol_strlist;

/* The role section an index-permission entry comes from. Search Guard's
 * alias and data stream sections become entries like index_permissions
 * ones, on the alias or data stream patterns; the engine grants through
 * an alias or a data stream to its member and backing indices. */
typedef enum pol_perm_section {
	POL_SEC_INDEX = 0,      /* index_permissions: index_patterns */
	POL_SEC_ALIAS,          /* alias_permissions: alias_patterns */
	POL_SEC_DATA_STREAM     /* data_stream_permissions */
} pol_perm_section;

typedef struct pol_index_perm {
	pol_perm_section section;
	pol_strlist patterns;
	pol_strlist actions;
	char *dls;             /* NULL when absent */
	pol_pos dls_pos;
	pol_strlist fls;
	pol_strlist masked;
	pol_pos pos;
} pol_index_perm;

typedef struct pol_tenant_perm {
	pol_strlist patterns;
	pol_strlist actions;
	pol_pos pos;
} pol_tenant_perm;

typedef struct pol_role {
	char *name;
	pol_pos pos;
	bool reserved, hidden, is_static;
	pol_strlist cluster;
	pol_index_perm *index;     /* every section, in file order */
	size_t nindex;
	pol_tenant_perm *tenant;
	size_t ntenant;
} pol_role;

typedef struct pol_mapping {
	char *role;
	pol_pos pos;
	pol_strlist users, backend_roles, and_backend_roles, hosts;
} pol_mapping;

typedef struct pol_group {
	char *name;
	pol_pos pos;
	bool is_static;
	pol_strlist actions;
	char *type;
} pol_group;

typedef struct pol_internal_user {
	char *name;
	pol_pos pos;
	pol_strlist backend_roles;
	pol_strlist roles;          /* opendistro_security_roles / sg roles */
	pol_strlist attr_keys;      /* as written: "dept" */
	pol_strlist attr_values;
	const char **attr_names;    /* as templates name them:
	                             * "attr.internal.dept" */
} pol_internal_user;

typedef enum pol_mode {
	POL_MODE_LEGACY = 0,
	POL_MODE_V4 = 1
} pol_mode;

typedef enum pol_mapping_resolution {
	POL_MAP_MAPPING_ONLY = 0,
	POL_MAP_BACKENDROLES_ONLY,
	POL_MAP_BOTH
} pol_mapping_resolution;

/* config.yml's dynamic section and the node settings that matter. */
typedef struct pol_config {
	pol_mode mode;                 /* v4 unless the type says otherwise or
	                                * only legacy keys are given */
	bool mode_explicit;            /* privileges_evaluation_type given */
	bool dnfof;                    /* do_not_fail_on_forbidden */
	bool dnfof_empty;
	bool ignore_unauthorized;      /* v4 index reduction, default true */
	bool respect_request_options;
	bool filtered_alias_disallow;
	pol_mapping_resolution mapping_resolution;
	pol_strlist admin_dn;
	pol_strlist admin_dn_cmp;      /* those naming a certificate, as
	                                * compared (pol_dn_normalise) */
	pol_strlist nodes_dn;
	bool system_indices_enabled;
	pol_strlist system_indices;
	bool system_index_permission;  /* system_indices.permission.enabled */
	bool protected_enabled;
	pol_strlist protected_indices;
	pol_strlist protected_roles;
	char *security_index;          /* default ".opendistro_security" */
	bool filter_security_index;
	bool dfm_empty_overrides_all;
	bool dls_write_blocked;
	char *salt;
	bool search_guard;             /* the sg_ file names were used */
	bool nodes_dn_dynamic;         /* nodes_dn_dynamic_config_enabled */
} pol_config;

/* The longest certificate name compared (admin_dn), in bytes. */
#define POL_DN_MAX 511

/* A certificate name as admin_dn entries are compared: lowercase, without
 * the spaces around ',' and '='. False when the name is longer than
 * cap - 1 bytes or holds no attribute (TYPE=value): such a name is no
 * one's, as a name cut short could be another's, and a blank one or a
 * lone "," anyone's. */
bool pol_dn_normalise(const char *in, char *out, size_t cap);

typedef struct pol_model {
	pol_role *roles;
	size_t nroles;
	pol_mapping *mappings;
	size_t nmappings;
	pol_group *groups;
	size_t ngroups;
	pol_internal_user *users;
	size_t nusers;
	pol_strlist tenants;
	pol_config config;
	pol_strlist warnings;          /* "file:line:col: message" */
	char digest[72];               /* "sha256:<hex>" over the files read */
	void *pool;                    /* owned strings */
	pol_strlist dyn_nodes_dn;      /* nodes_dn.yml; merged into
	                                * config.nodes_dn only when
	                                * nodes_dn_dynamic_config_enabled */
} pol_model;

/* Which built-in static action groups, roles and tenants a model has. */
typedef enum pol_builtins {
	POL_BUILTINS_OPENSEARCH = 0,   /* read, all_access, global_tenant... */
	POL_BUILTINS_SEARCH_GUARD,     /* SGS_READ, SGS_ALL_ACCESS, ... */
	POL_BUILTINS_NONE              /* none (tests on the built-ins) */
} pol_builtins;

/* Is dir/name there (a file of any type, a dangling link too: reading it
 * decides the rest)? */
bool pol_dir_has(const char *dir, const char *name);

/* Does `dir` use the Search Guard layout: is some file present only under
 * its sg_ name (sg_roles.yml without roles.yml, ...)? It is what sets
 * pol_config.search_guard when the directory is loaded. */
bool pol_dir_is_search_guard(const char *dir);

/* 0 when `dir` is a directory to read; else NG_EIO in err, naming it and
 * saying why (it does not exist, it is not a directory, ...). */
int pol_check_dir(const char *dir, ng_error *err);

/* Read a configuration directory. The built-ins of its layout are merged
 * in: Search Guard's in the Search Guard layout, OpenSearch's otherwise,
 * never both (the static definition wins on a name clash). Unknown keys
 * and references to undefined roles or groups are warnings, as in the
 * peer; malformed YAML or wrong types are errors. */
int pol_model_load_dir(const char *dir, const char *node_settings,
		       pol_model **out, ng_error *err);
/* Load from a single in-memory YAML text of one file kind (tests, fuzz):
 * kind is the basename, e.g. "roles.yml". An sg_ kind sets
 * config.search_guard but leaves the model's built-ins as they are. */
int pol_model_load_text(pol_model *m, const char *kind, const char *text,
			size_t len, ng_error *err);
/* A model holding only the built-ins of `which`, with the configuration
 * defaults (Search Guard's: config.search_guard set). */
int pol_model_new_builtins(pol_model **out, pol_builtins which,
			   ng_error *err);
/* pol_model_new_builtins with the OpenSearch built-ins. */
int pol_model_new_empty(pol_model **out, ng_error *err);
/* Warn about references to undefined roles and action groups, and merge
 * the nodes_dn.yml entries when enabled. pol_model_load_dir calls it; call
 * it after the last pol_model_load_text. */
int pol_model_check(pol_model *m, ng_error *err);
void pol_model_free(pol_model *m);

/* ---------------------------------------------------------------------
 * The compiled policy.
 *
 * Roles are numbered 0..nroles-1; a role set is a bitset of nwords
 * uint64_t. Known action names are numbered 0..nactions-1 (a dictionary
 * built into nodeguard); an action outside it is matched by pattern.
 */
typedef uint64_t pol_word;

typedef struct pol_entry {
	uint32_t role;
	uint32_t index;            /* position within the role's index[] (all sections) */
	pol_pattern *inc;          /* static include patterns */
	size_t ninc;
	pol_pattern *exc;          /* "-pattern" exclusions (Search Guard style) */
	size_t nexc;
	char **dyn;                /* patterns with ${...} or <date math>, raw */
	size_t ndyn;
	bool any;                  /* one include is "*" */
	pol_word *actions;         /* bitset over the action dictionary */
	pol_pattern *action_pats;  /* for names outside the dictionary */
	size_t naction_pats;
	bool explicit_system;      /* grants system:admin/system_index explicitly */
	const char *dls;           /* NULL when none */
	const char *const *fls;
	size_t nfls;
	const char *const *masked;
	size_t nmasked;
	const pol_index_perm *src; /* for explain and lint */
} pol_entry;

typedef struct pol_compiled {
	const pol_model *model;    /* owned */
	size_t nroles;
	size_t nwords;             /* words in a role set */
	const char *const *role_names;
	size_t nactions;
	size_t nawords;            /* words in an action set */
	pol_entry *entries;
	size_t nentries;
	/* Per role: entries with dynamic patterns (${...}, date math), and
	 * entries with a DLS, FLS or masking rule. */
	const uint32_t *role_ndyn;
	const uint32_t *role_nrestricted;
	const pol_config *config;
	void *priv;                /* tables private to policy/ */
} pol_compiled;

/* Takes ownership of `m` whatever the outcome: on failure the model is
 * freed and *out is NULL. */
int pol_compile(pol_model *m, pol_compiled **out, ng_error *err);
/* Index patterns (includes, exclusions and templates, the built-in static
 * roles' among them) a policy may hold; past it pol_compile fails with
 * NG_ELIMIT. Bounds the work of one index check. */
#define POL_MAX_PATTERNS 65536
/* Bytes in one configuration file (node settings included), checked while
 * reading: a file past it is read no further than one byte beyond. */
#define POL_MAX_FILE_BYTES (64u << 20)
/* Mappings and sequences nested in one YAML file, counted before the
 * document is built: libyaml's work grows with the square of the depth. */
#define POL_MAX_YAML_DEPTH 64
/* Takes ownership of nothing; frees the model it was given too. */
void pol_compiled_free(pol_compiled *pc);

/* The dictionary of known actions. */
int pol_action_id(const pol_compiled *pc, const char *action);  /* -1 */
int pol_action_id_n(const pol_compiled *pc, const char *action, size_t n);
const char *pol_action_name(const pol_compiled *pc, int id);
/* Does the entry's allowed_actions grant `action` (id, or -1 and name)? */
bool pol_entry_grants(const pol_compiled *pc, const pol_entry *e, int id,
		      const char *action);
/* Does a static include (and no exclusion) match `name`? */
bool pol_entry_matches_static(const pol_entry *e, const char *name, size_t n);
int pol_role_id(const pol_compiled *pc, const char *name);       /* -1 */

/* The caller as the policy sees it. */
typedef struct pol_user {
	const char *name;
	const char *const *backend_roles;
	size_t nbackend;
	const char *const *roles;          /* given directly */
	size_t nroles;
	const char *const *attr_keys;      /* "attr.internal.dept", ... */
	const char *const *attr_values;
	size_t nattrs;
	const char *address;               /* NULL when unknown */
	const char *const *mapped_roles;   /* for ${user.securityRoles}: */
	size_t nmapped;                    /* NULL when not known yet */
} pol_user;

/* internal_users.yml entry for `name`, or NULL. */
const pol_internal_user *pol_find_user(const pol_compiled *pc,
				       const char *name);

/* A caller as its name alone tells, in one probe: the internal user of
 * that name, and the roles mapped to a caller known by that name alone,
 * worked out when the policy was compiled. "Alone" means the request
 * gives neither backend roles nor roles (those of the internal user, if
 * any, are taken) and no address that a mapping's hosts could match
 * (pol_caller_alone). `known` is false when the roles must be mapped at
 * request time: a name the policy does not hold, with user patterns in
 * the mappings. */
typedef struct pol_caller {
	const pol_internal_user *user;     /* NULL: none of that name */
	const uint32_t *roles;             /* ascending, without repeats */
	const char *const *role_names;     /* the same roles by name */
	size_t nroles;
	uint32_t ndyn, nrestricted;        /* role_ndyn, role_nrestricted
	                                    * summed over the roles */
	uint32_t slot;                     /* where the name is among the
	                                    * callers (pol_caller_slot), or
	                                    * POL_CALLER_NONE */
	bool known;                        /* the fields above hold */
} pol_caller;

#define POL_CALLER_NONE UINT32_MAX

/* The caller named name[0..len), whose pol_str_hash is `hash`. */
void pol_find_caller(const pol_compiled *pc, const char *name, size_t len,
		     uint32_t hash, pol_caller *out);
/* The callers known by name, by slot 0 .. pol_caller_slots - 1: what
 * pol_find_caller tells of each (pol_caller.slot), for tables made once
 * per caller. A slot holds a name and its internal user (NULL: none), or
 * is empty (NULL). */
size_t pol_caller_slots(const pol_compiled *pc);
const char *pol_caller_slot(const pol_compiled *pc, size_t slot,
			    const pol_internal_user **user);
/* Start loading what pol_find_caller will read first for a name of that
 * hash; a hint only. */
void pol_prefetch_caller(const pol_compiled *pc, uint32_t hash);
/* May a caller of this name take the roles of pol_find_caller? */
bool pol_caller_alone(const pol_compiled *pc, const pol_caller *k,
		      bool backend_roles_given, bool roles_given,
		      const char *address);

/* Fill `roles` (nwords words) with the roles the user maps to. For each
 * mapped role, `why[role]` (when not NULL, nroles entries) receives a
 * static text naming the mapping rule ("users", "backend_roles",
 * "and_backend_roles", "hosts", "direct", "backend role name"). */
void pol_map_roles(const pol_compiled *pc, const pol_user *u, pol_word *roles,
		   const char **why);
/* pol_map_roles, and the mapped role ids in ascending order: ids[] (cap
 * entries; may be NULL when cap is 0) receives the smallest min(n, cap)
 * of them, where n, the number of roles mapped, is returned. `roles` and
 * `why` are filled exactly as by pol_map_roles. */
size_t pol_map_roles_list(const pol_compiled *pc, const pol_user *u,
			  pol_word *roles, const char **why, uint32_t *ids,
			  size_t cap);

/* Is the cluster action granted to any role of `roles`? On success the
 * first granting role is stored in *role (when not NULL). */
bool pol_cluster_allowed(const pol_compiled *pc, const pol_word *roles,
			 int id, const char *action, int *role);

/* Render a dynamic index pattern for a user: ${user.name}, ${user_name},
 * ${user.roles}, ${attr.*} and their '_' spellings. Substituted values are
 * escaped so that they match only literally; the result is compiled with
 * POL_PAT_ESCAPES. Returns false when a variable is undefined (the pattern
 * then matches nothing). `out` gets at most cap bytes, NUL-terminated. */
bool pol_render_template(const char *tmpl, const pol_user *u, char *out,
			 size_t cap);

/* Names of a role set, for ${user.securityRoles}: fills names[] with at
 * most cap borrowed role names and returns how many roles the set has. */
size_t pol_role_names(const pol_compiled *pc, const pol_word *roles,
		      const char **names, size_t cap);

/* Render a DLS query for a user: the same variables, each value escaped
 * (the peer inserts values raw, which lets a crafted user name or
 * attribute rewrite the query). Inside a JSON string of the template a
 * value is escaped as string content; outside one it is a JSON value of
 * its own: ${user.roles} and ${user.securityRoles} a comma-separated list
 * of strings, as the peer writes them for "[${user.roles}]", any other
 * value a number when it is one and a string otherwise. False when a
 * variable is undefined: the request must then be refused. */
bool pol_render_json(const char *tmpl, const pol_user *u, char *out,
		     size_t cap);

/* Bitset helpers. */
static inline bool pol_bit(const pol_word *s, size_t i)
{
	return (s[i / 64] >> (i % 64)) & 1u;
}

static inline void pol_setbit(pol_word *s, size_t i)
{
	s[i / 64] |= (pol_word)1 << (i % 64);
}

static inline bool pol_intersects(const pol_word *a, const pol_word *b,
				  size_t nwords)
{
	for (size_t i = 0; i < nwords; i++)
		if (a[i] & b[i])
			return true;
	return false;
}

/* ---------------------------------------------------------------------
 * Lint: findings over a configuration directory (policy/lint*.c).
 * Every finding has a rule id of the table pol_lint_rules, a severity,
 * the file as "dir/name", a 1-based line and column (0 when unknown) and
 * a one-line message.
 */
typedef enum pol_severity {
	POL_SEV_INFO = 0,
	POL_SEV_WARNING = 1,
	POL_SEV_ERROR = 2
} pol_severity;

typedef struct pol_finding {
	const char *rule;          /* static */
	pol_severity sev;
	char *file;                /* owned */
	int line, col;
	char *message;             /* owned */
} pol_finding;

typedef struct pol_lint {
	pol_finding *v;
	size_t n, cap;
} pol_lint;

typedef struct pol_lint_rule {
	const char *id;
	pol_severity sev;          /* the usual severity */
	const char *summary;
} pol_lint_rule;

extern const pol_lint_rule pol_lint_rules[];
extern const size_t pol_lint_nrules;

/* Lint the directory. `names` (may be NULL) are the index, alias and data
 * stream names of a cluster, for the rule on patterns that match none.
 * Findings are sorted by file, line and column. Fails only when out of
 * memory or when `dir` is not a directory. */
int pol_lint_dir(const char *dir, const char *const *names, size_t nnames,
		 pol_lint **out, ng_error *err);
void pol_lint_free(pol_lint *l);

/* ---------------------------------------------------------------------
 * Internal to policy/: the .c files of this folder define POL_INTERNAL
 * before including this header. Other modules must not rely on these.
 */
#ifdef POL_INTERNAL

/* A bump allocator owning every string and array inside a model. */
typedef struct pol_pool pol_pool;

pol_pool *pol_pool_new(void);
void *pol_pool_alloc(pol_pool *p, size_t n);   /* zeroed; NULL: no memory */
char *pol_pool_strndup(pol_pool *p, const char *s, size_t n);
char *pol_pool_strdup(pol_pool *p, const char *s);
void pol_pool_free(pol_pool *p);

/* Append "file:line:col: message" to m->warnings. */
int pol_warn(pol_model *m, const pol_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The built-in dictionary of action names, sorted by strcmp. */
extern const char *const pol_dict[];
extern const size_t pol_dict_len;
int pol_dict_find(const char *name);            /* -1 when absent */
/* Granted only by a pattern other than a bare "*". */
bool pol_action_is_explicit(const char *name);

/* The built-in static configuration, as YAML text: OpenSearch's
 * (static_data.c) and Search Guard's (static_sg.c). */
extern const char pol_static_action_groups[];
extern const char pol_static_roles[];
extern const char pol_static_tenants[];
extern const char pol_sg_static_action_groups[];
extern const char pol_sg_static_roles[];
extern const char pol_sg_static_tenants[];

/* Action groups: resolve a list of permissions into the set of strings
 * it grants (group names kept literally), following nested groups once. */
typedef struct pol_groups pol_groups;

int pol_groups_new(const pol_model *m, pol_groups **out);
bool pol_groups_has(const pol_groups *g, const char *name);
/* Appends to `out`, a GPtrArray of borrowed strings, each string once,
 * in the order first met. */
int pol_groups_resolve(const pol_groups *g, const pol_strlist *perms,
		       void *out);
void pol_groups_free(pol_groups *g);

/* What one name means to the role mapping (names.c): the role of that
 * name, the internal user of that name, and the roles mapped to it. The
 * id lists are ascending and without repeats. */
typedef struct pol_name {
	int32_t role;                   /* -1: no role has this name */
	const pol_internal_user *user;  /* NULL: no internal user */
	const uint32_t *user_roles;     /* that user's roles that exist */
	const uint32_t *by_users;       /* roles mapping it under users */
	const uint32_t *by_backend;     /* ... under backend_roles */
	uint32_t nuser_roles, nby_users, nby_backend;
} pol_name;

typedef struct pol_names pol_names;

/* The roles and internal users of `m`; then pol_names_map for each
 * literal of a mapping, then pol_names_finish once. Fail: NG_ENOMEM. */
int pol_names_new(const pol_model *m, pol_names **out);
int pol_names_map(pol_names *t, const char *name, bool as_user,
		  uint32_t role);
int pol_names_finish(pol_names *t);
const pol_name *pol_names_find(const pol_names *t, const char *name);
int pol_names_role(const pol_names *t, const char *name);    /* -1 */
/* The names held, by index 0 .. pol_names_count - 1, and their records
 * (for compile.c to map each name as a caller once the table is
 * finished). */
size_t pol_names_count(const pol_names *t);
const char *pol_names_key(const pol_names *t, size_t i);
pol_name *pol_names_at(pol_names *t, size_t i);
void pol_names_free(pol_names *t);

/* Role-mapping tables: exact names in `names` (borrowed, finished by the
 * caller after pol_maptab_new), patterns in lists. */
typedef struct pol_maptab pol_maptab;

int pol_maptab_new(const pol_model *m, pol_names *names, pol_maptab **out,
		   ng_error *err);
/* pol_map_roles into `roles` and `why` cleared by the caller, under the
 * given resolution. The roles are also written to ids[] in the order
 * first granted, at most `cap` of them; returns how many were granted. */
size_t pol_maptab_map(const pol_maptab *t, pol_mapping_resolution res,
		      const pol_user *u, pol_word *roles, const char **why,
		      uint32_t *ids, size_t cap);
/* Does a mapping match user names (host addresses) by pattern? */
bool pol_maptab_user_patterns(const pol_maptab *t);
bool pol_maptab_hosts(const pol_maptab *t);
void pol_maptab_free(pol_maptab *t);

/* Read a configuration file whole: 0 with a NUL-terminated malloc'd text,
 * 1 when it does not exist, or an error naming `shown`. Only a regular
 * file (links followed) is read, at most POL_MAX_FILE_BYTES + 1 bytes
 * (NG_ELIMIT past the limit); a pipe, device, socket or directory is
 * NG_EIO, without waiting for a pipe's writer. */
int pol_read_file(const char *path, const char *shown, char **text,
		  size_t *len, ng_error *err);

/* Helpers over a parsed libyaml document, shared by the readers. */
typedef struct pol_ld {
	pol_model *m;
	const char *file;     /* interned */
	void *doc;            /* yaml_document_t * */
	ng_error *err;
	bool is_static;       /* a built-in static file */
	void *names;          /* GHashTable: entity name -> index + 1 */
} pol_ld;

/* Parse `text` into ld->doc (a yaml_document_t the caller deletes after
 * a success; nothing to delete after a failure). The text is UTF-8 (or
 * UTF-16 with a byte order mark), nested at most POL_MAX_YAML_DEPTH deep,
 * with no NUL in a scalar; it holds one document, and no mapping has a
 * key twice. Every error has the line and column of its cause. */
int pol_ld_parse(pol_ld *ld, const char *text, size_t len);
void *pol_ld_node(const pol_ld *ld, int id);
/* The root node, NULL for an empty document. */
void *pol_ld_root(const pol_ld *ld);
pol_pos pol_ld_pos(const pol_ld *ld, const void *node);
int pol_ld_fail(const pol_ld *ld, const void *node, int code,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int pol_ld_warn(const pol_ld *ld, const void *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* NULL for a YAML null, else the scalar text; *is_scalar false when the
 * node is a sequence or mapping. */
const char *pol_ld_scalar(const void *node, bool *is_scalar);
/* A sequence of strings; null is empty, a null item NG_ESCHEMA at its
 * position. With `lenient` a single string is a one-element list. */
int pol_ld_strlist(const pol_ld *ld, const void *node, const char *key,
		   bool lenient, pol_strlist *out);
int pol_ld_str(const pol_ld *ld, const void *node, const char *key,
	       char **out);
int pol_ld_bool(const pol_ld *ld, const void *node, const char *key,
		bool *out);
/* Check `_meta` / `_sg_meta` against the expected type. */
int pol_ld_meta(const pol_ld *ld, const void *val, const char *type);
/* The error for a configuration in the legacy v1 format. */
int pol_ld_legacy(const pol_ld *ld, const void *node, const char *what);

/* config.yml's dynamic section and the node settings into m->config. A
 * node setting whose dotted name, nested keys joined, is given twice is
 * NG_ESYNTAX at the second. */
int pol_read_config(const pol_ld *ld, const void *root);
int pol_read_node_settings(const pol_ld *ld, const void *root);
void pol_config_defaults(pol_config *c);
int pol_config_finish(pol_model *m);

#endif /* POL_INTERNAL */

#endif /* NG_POLICY_H */
