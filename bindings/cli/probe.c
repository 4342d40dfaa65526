/*
 * Probing an engine with synthetic requests: may a user, or a role given
 * directly, perform an action group's representative action on an index?
 * diff and matrix are built on it, through the public API only.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* What a reader, a writer and an index manager do, and what a cluster
 * administrator does: one action of each kind of grant a role usually
 * holds, so that a policy change of any of them shows. Every name is one
 * of the dictionary of known actions. */
static const char *const read_actions[] = {
	"indices:data/read/search", "indices:data/read/get",
	"indices:data/read/field_caps", "indices:data/read/explain",
	"indices:data/read/tv", NULL,
};
static const char *const write_actions[] = {
	"indices:data/write/index", "indices:data/write/update",
	"indices:data/write/delete",
	"indices:data/write/delete/byquery",
	"indices:data/write/update/byquery", NULL,
};
static const char *const manage_actions[] = {
	"indices:admin/settings/update", "indices:admin/create",
	"indices:admin/delete", "indices:admin/mapping/put",
	"indices:admin/close", "indices:admin/open", "indices:admin/aliases",
	"indices:admin/refresh", "indices:admin/forcemerge",
	"indices:admin/rollover", "indices:admin/resize", NULL,
};
static const char *const cluster_actions[] = {
	"cluster:monitor/health", "cluster:monitor/state",
	"cluster:monitor/nodes/stats", "cluster:admin/settings/update",
	"cluster:admin/reroute", "cluster:admin/tasks/cancel",
	"cluster:admin/snapshot/create", "cluster:admin/snapshot/restore",
	"cluster:admin/repository/put", "cluster:admin/script/put",
	"cluster:admin/ingest/pipeline/put", "indices:admin/template/put",
	"indices:admin/index_template/put", "indices:data/read/msearch",
	"indices:data/read/mget", "indices:data/write/bulk",
	"indices:data/read/scroll", "indices:data/read/scroll/clear", NULL,
};

const cli_group cli_groups[CLI_NGROUPS] = {
	{ "read", read_actions },
	{ "write", write_actions },
	{ "manage", manage_actions },
};
const cli_group cli_cluster_group = { "cluster", cluster_actions };

/* The name a role is probed under. */
static const char probe_user[] = "nodeguard-probe";

static int caller(ng_request *r, const char *who, bool is_role)
{
	if (!is_role)
		return ng_request_set_user(r, who, strlen(who));
	if (ng_request_set_user(r, probe_user, sizeof(probe_user) - 1))
		return -1;
	return ng_request_add_role(r, who, strlen(who));
}

static bool restricted(const cJSON *dec, const char *key, const char *index)
{
	const cJSON *v = cJSON_GetObjectItem(cJSON_GetObjectItem(dec, key),
					     index);

	return v && !cJSON_IsNull(v);
}

int cli_probe(const ng_engine *e, const char *who, bool is_role,
	      const char *index, const char *action, cli_cell *out)
{
	ng_request *r = NULL;
	ng_decision *d = NULL;
	int rc = ng_request_new(&r);

	memset(out, 0, sizeof(*out));
	if (!rc)
		rc = caller(r, who, is_role);
	if (!rc)
		rc = ng_request_set_transport(r, action, strlen(action), NULL, 0);
	if (!rc && index)
		rc = ng_request_add_transport_index(r, index, strlen(index));
	if (!rc)
		rc = ng_decide(e, r, &d);
	if (!rc) {
		cJSON *dec = cJSON_Parse(ng_decision_json(d));

		out->allowed = ng_decision_verdict(d) != NG_DENY;
		out->dls = restricted(dec, "dls", index);
		out->fls = restricted(dec, "fls", index) ||
			   restricted(dec, "masked", index);
		cJSON_Delete(dec);
	}
	ng_decision_free(d);
	ng_request_free(r);
	return rc;
}

void cli_warn_mapped_to_all(const ng_engine *e, const char *cmd)
{
	static const char action[] = "cluster:monitor/health";
	ng_request *r = NULL;
	ng_decision *d = NULL;
	cJSON *dec = NULL;
	const cJSON *roles, *role;

	if (ng_request_new(&r) ||
	    ng_request_set_user(r, probe_user, sizeof(probe_user) - 1) ||
	    ng_request_set_transport(r, action, sizeof(action) - 1, NULL, 0) ||
	    ng_decide(e, r, &d))
		goto out;
	dec = cJSON_Parse(ng_decision_json(d));
	roles = cJSON_GetObjectItem(dec, "roles");
	if (cJSON_GetArraySize(roles) > 0) {
		fprintf(stderr, "%s: the role mapping gives every caller the "
				"role%s", cmd,
			cJSON_GetArraySize(roles) > 1 ? "s" : "");
		cJSON_ArrayForEach(role, roles)
			if (cJSON_IsString(role))
				fprintf(stderr, "%s %s", role == roles->child ?
					"" : ",", role->valuestring);
		fprintf(stderr, "; each role's row includes what they "
				"grant\n");
	}
out:
	cJSON_Delete(dec);
	ng_decision_free(d);
	ng_request_free(r);
}

int cli_probe_group(const ng_engine *e, const char *who, bool is_role,
		    const char *index, const cli_group *g, cli_cell *out)
{
	memset(out, 0, sizeof(*out));
	for (const char *const *a = g->actions; *a; a++) {
		cli_cell one;
		int rc = cli_probe(e, who, is_role, index, *a, &one);

		if (rc)
			return rc;
		if (!one.allowed)
			continue;
		out->allowed = true;
		out->dls = out->dls || one.dls;
		out->fls = out->fls || one.fls;
	}
	return 0;
}
