#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "policy.h"

static _Thread_local ng_error last_error;

static const char *const texts[] = {
	[0] = "success",
	[1] = "out of memory",
	[2] = "invalid argument",
	[3] = "input/output error",
	[4] = "syntax error",
	[5] = "schema error",
	[6] = "invalid pattern",
	[7] = "undefined reference",
	[8] = "limit exceeded",
	[9] = "unknown api",
	[10] = "bad request",
	[11] = "internal error",
	[12] = "not ready",
};

const char *ng_strerror(int code)
{
	size_t i = code < 0 ? (size_t)-(long)code : (size_t)code;

	if (i < sizeof(texts) / sizeof(texts[0]) && texts[i])
		return texts[i];
	return "unknown error code";
}

const ng_error *ng_last_error(void)
{
	return &last_error;
}

void ng_set_last_error(const ng_error *e)
{
	last_error = *e;
	pol_oneline(last_error.file, sizeof(last_error.file));
	pol_oneline(last_error.message, sizeof(last_error.message));
	if (!last_error.message[0])
		strcpy(last_error.message, ng_strerror(e->code));
}

void ng_clear_last_error(void)
{
	memset(&last_error, 0, sizeof(last_error));
}

void ng_free(void *p)
{
	free(p);
}
