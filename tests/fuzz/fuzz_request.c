/*
 * One line of the recorded-request NDJSON: parsed, decided against the
 * sample engine and rendered.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ng_request *r = NULL;

	if (ng_request_from_json((const char *)data, size, &r) == 0) {
		(void)ng_request_id(r);
		fz_decide(r);
	}
	ng_request_free(r);
	return 0;
}
