/*
 * The search-body scan against cJSON: a text that prs_json_plain passes
 * without a tree must be one the body readers take, a JSON object that
 * cJSON reads whole (whitespace after it), within the depth asked, with
 * no key repeated in an object and no key the scan was told is read. A
 * text it passes that cJSON refuses is a finding (abort).
 */
#include <cJSON.h>

#include "fuzz.h"
#include "parsers.h"

#define DEPTH 16

/* The keys this target says a reader wants: any key starting with 'x'. */
static bool wanted(const char *key, size_t n)
{
	return n > 0 && key[0] == 'x';
}

static int depth_of(const cJSON *j)
{
	int d = 0;

	for (const cJSON *k = j->child; k; k = k->next) {
		int kd = depth_of(k);

		d = kd > d ? kd : d;
	}
	return cJSON_IsArray(j) || cJSON_IsObject(j) ? d + 1 : d;
}

/* No key repeated in an object, no key wanted, at any depth. */
static bool keys_ok(const cJSON *j)
{
	for (const cJSON *k = j->child; k; k = k->next) {
		if (cJSON_IsObject(j)) {
			if (wanted(k->string, strlen(k->string)))
				return false;
			for (const cJSON *o = k->next; o; o = o->next)
				if (strcmp(k->string, o->string) == 0)
					return false;
		}
		if (!keys_ok(k))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = NULL;
	cJSON *j;

	if (!prs_json_plain(s, size, DEPTH, wanted))
		return 0;
	j = cJSON_ParseWithLengthOpts(s, size, &end, false);
	while (j && end && end < s + size && strchr(" \t\r\n", *end) && *end)
		end++;
	if (!j || end != s + size || !cJSON_IsObject(j) ||
	    depth_of(j) > DEPTH || !keys_ok(j)) {
		fprintf(stderr, "fuzz: the scan passed a text the readers "
			"refuse\n");
		abort();
	}
	cJSON_Delete(j);
	return 0;
}
