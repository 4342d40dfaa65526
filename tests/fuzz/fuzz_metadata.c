/*
 * Cluster metadata JSON (either form): parse it, join it with the sample
 * policy and decide a search over everything against it.
 */
#include "fuzz.h"

static ng_policy *sample_policy(void)
{
	static ng_policy *p;

	if (!p && ng_policy_load(NG_ROOT "/samples/policy", NULL, &p))
		abort();
	return p;
}

static void decide_all(ng_engine *e, const char *user, const char *path)
{
	ng_request *r = NULL;
	ng_decision *d = NULL;

	if (ng_request_new(&r))
		return;
	if (!ng_request_set_user(r, user, strlen(user)) &&
	    !ng_request_set_rest(r, "GET", 3, path, strlen(path), NULL, 0) &&
	    !ng_decide(e, r, &d) && ng_decision_verdict(d) != NG_DENY &&
	    ng_decision_status(d) == 403)
		abort();
	ng_decision_free(d);
	ng_request_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ng_metadata *m = NULL;
	ng_engine *e = NULL;

	if (ng_metadata_parse((const char *)data, size, &m))
		return 0;
	(void)ng_metadata_index_count(m);
	if (ng_engine_new(sample_policy(), m, &e) == 0) {
		decide_all(e, "lena", "/*/_search?expand_wildcards=all");
		decide_all(e, "ada", "/_all/_mapping");
		ng_engine_release(e);
	}
	ng_metadata_release(m);
	return 0;
}
