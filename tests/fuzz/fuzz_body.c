/*
 * A request body for the route FZ_METHOD FZ_PATH (_msearch, _mget, _bulk,
 * _aliases, _reindex, by-query, a search with terms lookups). Decided for
 * two sample users against the sample engine.
 */
#include "fuzz.h"

#ifndef FZ_METHOD
#define FZ_METHOD "POST"
#endif
#ifndef FZ_PATH
#define FZ_PATH "/_bulk"
#endif

static void one(const char *user, const uint8_t *data, size_t size)
{
	ng_request *r = NULL;

	if (ng_request_new(&r))
		return;
	if (!ng_request_set_user(r, user, strlen(user)) &&
	    !ng_request_set_rest(r, FZ_METHOD, strlen(FZ_METHOD), FZ_PATH,
				 strlen(FZ_PATH), (const char *)data, size))
		fz_decide(r);
	ng_request_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one("lena", data, size);
	one("ada", data, size);
	return 0;
}
