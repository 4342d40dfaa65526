/*
 * One line of the recorded-request NDJSON: parsed, decided against the
 * sample engine and rendered. A request the direct path takes
 * (engine/direct.c) must get the decision the general path gives it.
 */
#include "decide.h"
#include "fuzz.h"

static void same_both_ways(const ng_request *r)
{
	ng_decision *direct = NULL, *general = NULL;

	if (dc_decide(fz_engine(), r, DC_PATH_DIRECT, &direct) == 0 &&
	    dc_decide(fz_engine(), r, DC_PATH_GENERAL, &general) == 0 &&
	    strcmp(ng_decision_json(direct), ng_decision_json(general)) != 0)
		abort();
	ng_decision_free(direct);
	ng_decision_free(general);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ng_request *r = NULL;

	if (ng_request_from_json((const char *)data, size, &r) == 0) {
		(void)ng_request_id(r);
		fz_decide(r);
		same_both_ways(r);
	}
	ng_request_free(r);
	return 0;
}
