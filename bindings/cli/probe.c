/*
 * Probing an engine with synthetic requests: may a user, or a role given
 * directly, perform an action group's representative action on an index?
 * diff and matrix are built on it, through the public API only.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* One action stands for each group: what a reader, a writer and an
 * index manager would first be refused. */
const cli_group cli_groups[CLI_NGROUPS] = {
	{ "read", "indices:data/read/search" },
	{ "write", "indices:data/write/index" },
	{ "manage", "indices:admin/settings/update" },
};

static int caller(ng_request *r, const char *who, bool is_role)
{
	static const char probe[] = "nodeguard-probe";

	if (!is_role)
		return ng_request_set_user(r, who, strlen(who));
	if (ng_request_set_user(r, probe, sizeof(probe) - 1))
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
	if (!rc)
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

