#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy.h"

int pol_fail(ng_error *err, int code, const char *file, int line, int col,
	     const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->column = col;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}
