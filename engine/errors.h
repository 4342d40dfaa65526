/*
 * The thread-local detail behind ng_last_error(). Every public ng_*
 * function that fails stores its ng_error here before it returns.
 */
#ifndef NG_ERRORS_H
#define NG_ERRORS_H

#include "nodeguard.h"

/* Copy `e` into the calling thread's last error. */
void ng_set_last_error(const ng_error *e);
/* Reset the calling thread's last error to "no error". */
void ng_clear_last_error(void);

#endif /* NG_ERRORS_H */
