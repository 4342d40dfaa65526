/*
 * A REST request line: the method, a newline, then the path with its
 * query string. Decided for a sample user against the sample engine.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t h = fz_head(data, size);
	const char *path = (const char *)data + (h < size ? h + 1 : h);
	size_t plen = size - (size_t)(path - (const char *)data);
	ng_request *r = NULL;

	if (ng_request_new(&r))
		return 0;
	if (!ng_request_set_user(r, "lena", 4) &&
	    !ng_request_set_rest(r, (const char *)data, h, path, plen, NULL, 0))
		fz_decide(r);
	ng_request_free(r);
	return 0;
}
