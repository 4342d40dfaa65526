/*
 * Transport requests: an action and the index names it carries, as they
 * arrive from another node or a client on the transport layer.
 *
 * There is no path to route and no body to read: the request is one op at
 * the top level. Each name is checked as text like any index expression
 * element (an empty element or a lone '-' is malformed). An empty list
 * means all indices, as the peer resolves a request with no indices.
 */
#include <string.h>

#include "parsers.h"

/* Flags for the actions whose handling depends on them; others get
 * PRS_EMPTY_ALL only. A prefix ends with '*'. */
static const struct {
	const char *action;
	unsigned flags;
} action_flags[] = {
	{ "indices:data/read/search", PRS_REDUCIBLE | PRS_REMOTE_OK },
	{ "indices:data/read/field_caps", PRS_REDUCIBLE | PRS_REMOTE_OK },
	{ "indices:admin/resolve/index", PRS_REDUCIBLE | PRS_REMOTE_OK },
	{ "indices:admin/mappings/fields/get*", PRS_REDUCIBLE },
	{ "indices:admin/shards/search_shards", PRS_REDUCIBLE },
	{ "indices:monitor/settings/get", PRS_REDUCIBLE },
	{ "indices:monitor/stats", PRS_REDUCIBLE },
	{ "indices:admin/aliases/get", PRS_REDUCIBLE },
	{ "indices:data/read/get", PRS_DOC },
	{ "indices:data/read/mget[shard]", PRS_DOC },
	{ "indices:data/write/index", PRS_DOC | PRS_WRITE | PRS_CREATES },
	{ "indices:data/write/update", PRS_DOC | PRS_WRITE | PRS_CREATES },
	{ "indices:data/write/delete", PRS_DOC | PRS_WRITE },
	{ "indices:data/write/bulk[s]", PRS_WRITE },
	{ "indices:admin/create", PRS_CREATES },
	{ "indices:admin/auto_create", PRS_CREATES },
	{ "indices:data/write/delete/byquery", PRS_V4_REDUCIBLE },
	{ "indices:data/write/update/byquery", PRS_V4_REDUCIBLE },
	{ "indices:admin/close", PRS_V4_REDUCIBLE },
	{ "indices:admin/open", PRS_V4_REDUCIBLE },
	{ "indices:admin/aliases", PRS_V4_REDUCIBLE },
};

static bool action_match(const char *pat, const char *a)
{
	size_t n = strlen(pat);

	if (n && pat[n - 1] == '*')
		return strncmp(pat, a, n - 1) == 0;
	return strcmp(pat, a) == 0;
}

static unsigned flags_of(const char *action)
{
	for (size_t i = 0; i < sizeof(action_flags) / sizeof(action_flags[0]);
	     i++)
		if (action_match(action_flags[i].action, action))
			return action_flags[i].flags | PRS_EMPTY_ALL;
	return PRS_EMPTY_ALL;
}

/* An action a node can send: "kind:path" in printable ASCII, as every
 * action name is, with no pattern characters ('*', '?', a /regex/) and no
 * space. A pattern would be matched by the roles' action patterns as if
 * it were a name. */
static bool valid_action(const char *a)
{
	if (a[0] == '/' || !strchr(a, ':'))
		return false;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '*' || *p == '?')
			return false;
	return true;
}

int prs_transport(prs_request *r, ng_arena *a, const prs_limits *lim,
		  const char *action, const char *const *indices, size_t n)
{
	prs_ctx c;
	prs_op *op;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->api = "transport";
	r->error_item = -1;
	memset(&c, 0, sizeof(c));
	c.r = r;
	c.a = a;
	c.lim = lim;
	c.opts.ignore_unavailable = -1;
	c.opts.allow_no_indices = -1;
	c.opts.expand = -1;
	if (!action || !*action)
		return prs_fail(&c, NG_EBADREQ, -1, "transport request has no "
				"action");
	if (!valid_action(action))
		return prs_fail(&c, NG_EBADREQ, -1, "transport action [%s] is "
				"not an action name", action);
	if (n && !indices)
		return prs_fail(&c, NG_EBADREQ, -1, "transport request has no "
				"index list");
	if (n > lim->max_expr_parts)
		return prs_fail(&c, NG_ELIMIT, -1, "transport request names "
				"more than %zu indices", lim->max_expr_parts);
	r->action = ng_arena_strdup(a, action);
	op = r->action ? prs_op_new(&c, -1, r->action, flags_of(action), NULL)
		       : NULL;
	if (!op)
		return NG_ENOMEM;
	for (size_t i = 0; i < n && rc == 0 && !r->status; i++) {
		if (!indices[i] || !*indices[i])
			return prs_fail(&c, NG_EBADREQ, -1, "transport request "
					"index %zu is empty", i);
		rc = prs_op_expr(&c, &r->ops[0], indices[i], strlen(indices[i]));
	}
	return rc;
}
