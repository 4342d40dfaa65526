/*
 * The unit-test runner: one CUnit suite per module. A module's suite
 * registers itself through its suite_<module>() function.
 */
#include <CUnit/Basic.h>
#include <stdio.h>

#include "suites.h"

int main(void)
{
	void (*suites[])(void) = {
		suite_policy, suite_pattern, suite_expr, suite_metadata,
		suite_rest, suite_engine, suite_decide, suite_direct, suite_limits,
		suite_lint,
	};
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		if (suites[i])
			suites[i]();
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	printf("\n%u passed, %u failed\n",
	       CU_get_number_of_tests_run() - CU_get_number_of_tests_failed(),
	       CU_get_number_of_tests_failed());
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
