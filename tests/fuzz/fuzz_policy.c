/*
 * One policy file of kind FZ_KIND ("roles.yml", "config.yml", ...): load
 * it over the built-in static configuration, check references, compile.
 */
#include "fuzz.h"
#include "policy.h"

#ifndef FZ_KIND
#define FZ_KIND "roles.yml"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pol_model *m = NULL;
	pol_compiled *pc = NULL;
	ng_error err;

	if (pol_model_new_empty(&m, &err))
		return 0;
	if (pol_model_load_text(m, FZ_KIND, (const char *)data, size, &err) ||
	    pol_model_check(m, &err)) {
		pol_model_free(m);
		return 0;
	}
	/* pol_compile owns the model whatever it returns */
	if (pol_compile(m, &pc, &err) == 0)
		pol_compiled_free(pc);
	return 0;
}
