/*
 * Shared by the lint rules (policy/lint*.c) and private to them.
 */
#ifndef NG_LINT_H
#define NG_LINT_H

#define POL_INTERNAL
#include <glib.h>

#include "policy.h"

typedef struct lint_ctx {
	pol_lint *out;
	const char *dir;
	pol_model *m;              /* NULL when the model did not load */
	const pol_model *statics;  /* the built-ins alone */
	pol_groups *groups;
	GHashTable *roles;         /* role name -> pol_role * */
	GHashTable *group_by_name; /* group name -> pol_group * */
	const char *const *names;  /* cluster names, or NULL */
	size_t nnames;
	int rc;                    /* NG_ENOMEM once memory ran out */
} lint_ctx;

/* Record a finding at `pos` (file as in the model, joined to the dir). */
void lint_add(lint_ctx *c, const char *rule, pol_severity sev,
	      const pol_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The nearest of `cands` to `s` when it is close enough to be a typo,
 * else NULL. */
const char *lint_suggest(const char *s, const char *const *cands, size_t n);

/* " ; did you mean \"x\"?" or "", into buf. */
const char *lint_hint(const char *suggestion, char *buf, size_t cap);

/* Is `action` a cluster-level action under the model's semantics? */
bool lint_is_cluster_action(const lint_ctx *c, const char *action);

/* Is the permission a pattern ("*", glob or "/regex/")? */
bool lint_is_pattern(const char *s);

/* Does the permission string `perm` (exact or pattern) cover `action`? */
bool lint_covers(const char *perm, const char *action);

/* The strings a permission list grants, action groups expanded
 * transitively (group names kept). A GPtrArray of borrowed strings. */
GPtrArray *lint_expand(const lint_ctx *c, const pol_strlist *perms);
/* The same for one permission. */
GPtrArray *lint_expand_one(const lint_ctx *c, const char *perm);

const pol_group *lint_group(const lint_ctx *c, const char *name);

/* A built-in of Search Guard (SGS_...) when the configuration is one: the
 * plugin defines these whatever the files say. */
bool lint_sg_builtin_role(const lint_ctx *c, const char *name);
bool lint_sg_builtin_group(const lint_ctx *c, const char *name);

/* Only what the operator wrote is linted, never the built-ins. */
static inline bool lint_is_static_role(const pol_role *r)
{
	return r->is_static;
}

/* The passes. */
void lint_schema(lint_ctx *c);        /* lint_schema.c: raw YAML */
void lint_actions(lint_ctx *c);       /* lint_actions.c */
void lint_roles(lint_ctx *c);         /* lint_roles.c */
void lint_mappings(lint_ctx *c);      /* lint_roles.c */

#endif /* NG_LINT_H */
