/* Suite registration functions, one per module. Weak, so that the runner
 * links while a module has no suite yet. */
#ifndef NG_TEST_SUITES_H
#define NG_TEST_SUITES_H

#include <CUnit/CUnit.h>

#define NG_SUITE __attribute__((weak))

NG_SUITE void suite_policy(void);
NG_SUITE void suite_pattern(void);
NG_SUITE void suite_expr(void);
NG_SUITE void suite_metadata(void);
NG_SUITE void suite_rest(void);
NG_SUITE void suite_engine(void);
NG_SUITE void suite_decide(void);
NG_SUITE void suite_direct(void);
NG_SUITE void suite_lint(void);
NG_SUITE void suite_limits(void);

/* Add a suite and its tests; aborts the run when CUnit cannot. */
#define NG_ADD_SUITE(name, ...)                                              \
	do {                                                                 \
		CU_pSuite s_ = CU_add_suite(name, NULL, NULL);               \
		CU_TestInfo t_[] = { __VA_ARGS__, CU_TEST_INFO_NULL };       \
		for (CU_TestInfo *p_ = t_; s_ && p_->pName; p_++)            \
			CU_add_test(s_, p_->pName, p_->pTestFunc);           \
	} while (0)

#define NG_TEST(fn) { #fn, fn }

#endif
