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
	pol_oneline(err->file, sizeof(err->file));
	pol_oneline(err->message, sizeof(err->message));
	return code;
}

/* Control characters as escapes, so that a name holding a newline cannot
 * break a message into lines that look like other messages. */
void pol_oneline(char *buf, size_t cap)
{
	char tmp[1024];
	size_t n = 0;

	if (!buf || !cap)
		return;
	for (const unsigned char *p = (const unsigned char *)buf;
	     *p && n + 5 < sizeof(tmp); p++) {
		if (*p >= 0x20 && *p != 0x7f)
			tmp[n++] = (char)*p;
		else if (*p == '\n' || *p == '\t' || *p == '\r')
			n += (size_t)snprintf(tmp + n, 3, "\\%c",
					      *p == '\n' ? 'n' :
					      *p == '\t' ? 't' : 'r');
		else
			n += (size_t)snprintf(tmp + n, 5, "\\x%02x", *p);
	}
	tmp[n] = '\0';
	snprintf(buf, cap, "%s", tmp);
}
