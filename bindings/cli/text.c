/*
 * Names in text output. Role, user and index names come from policy files
 * and metadata: one holding a newline or another control character must
 * not break the text output into lines that look like other output.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static bool clean(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

const char *cli_oneline(const char *s, char *buf, size_t cap)
{
	size_t n = 0;

	if (!s || clean(s) || cap < 5)
		return s ? s : "";
	for (const unsigned char *p = (const unsigned char *)s;
	     *p && n + 5 < cap; p++) {
		if (*p >= 0x20 && *p != 0x7f)
			buf[n++] = (char)*p;
		else if (*p == '\n')
			n += (size_t)snprintf(buf + n, 3, "\\n");
		else
			n += (size_t)snprintf(buf + n, 5, "\\x%02x", *p);
	}
	buf[n] = '\0';
	return buf;
}

void cli_json_oneline(cJSON *j)
{
	char buf[1024];

	for (; j; j = j->next) {
		if (cJSON_IsString(j) && !clean(j->valuestring))
			cJSON_SetValuestring(j, cli_oneline(j->valuestring, buf,
							    sizeof(buf)));
		cli_json_oneline(j->child);
	}
}

int cli_option(int argc, char **argv, int *i, const char *cmd,
	       const char *name, const char **value)
{
	const char *a = argv[*i], *v;
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
		return 0;
	if (a[n] == '=') {
		v = a + n + 1;
	} else if (*i + 1 < argc && strncmp(argv[*i + 1], "--", 2) != 0) {
		v = argv[++*i];
	} else {
		fprintf(stderr, "%s: %s needs a value\n", cmd, name);
		return -1;
	}
	if (!*v) {
		fprintf(stderr, "%s: %s needs a value\n", cmd, name);
		return -1;
	}
	if (value && *value) {
		fprintf(stderr, "%s: %s given twice\n", cmd, name);
		return -1;
	}
	if (value)
		*value = v;
	return 1;
}

bool cli_given(const char *cmd, const char *what, const char *value)
{
	if (!value)
		fprintf(stderr, "%s: %s is missing\n", cmd, what);
	return value != NULL;
}

int cli_flag(const char *arg, const char *cmd, const char *name, bool *flag)
{
	if (strcmp(arg, name) != 0)
		return 0;
	if (*flag) {
		fprintf(stderr, "%s: %s given twice\n", cmd, name);
		return -1;
	}
	*flag = true;
	return 1;
}
