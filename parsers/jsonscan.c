/*
 * JSON texts that need no tree: a validating scan of the usual body, one
 * that the body readers would parse only to find nothing to read in it.
 *
 * The scan takes a strict subset of what they take, so that a text it
 * passes is one they pass too, with the same result:
 *   - cJSON (cJSON_ParseWithLengthOpts, then only " \t\r\n" up to the
 *     end) takes every JSON text; the scan takes the JSON texts whose
 *     whitespace is " \t\r\n" (cJSON takes any byte up to 32, and a BOM),
 *     whose strings hold no control byte (cJSON copies them) and no \u
 *     escape (the readers refuse "\u0000", and a key with an escape could
 *     repeat or name another key), whose keys hold no escape at all, and
 *     whose numbers are at most NUM_MAX bytes (cJSON reads 63 at most);
 *   - nesting within the readers' limit, counted as they count it, and
 *     within DEPTH_MAX (which bounds the scan's recursion);
 *   - no object repeating a key, compared byte for byte as the readers
 *     compare the keys cJSON decoded (no escape, no NUL: the same text);
 *   - no key the caller reads (`wanted`), at any depth.
 * Anything else, valid or not, is left to the full parse, which alone
 * reports errors.
 */
#include <string.h>

#include "parsers.h"

#define DEPTH_MAX 32
#define KEYS_MAX 64           /* keys of the objects being scanned */
#define NUM_MAX 32

typedef struct jkey {
	const char *s;
	size_t n;
} jkey;

typedef struct jscan {
	const char *p, *end;
	size_t depth, max;
	bool (*wanted)(const char *key, size_t n);
	jkey keys[KEYS_MAX];
	size_t nkeys;
} jscan;

static bool js_value(jscan *j);

static void js_space(jscan *j)
{
	const char *p = j->p;

	while (p < j->end && (*p == ' ' || *p == '\n' || *p == '\r' ||
			      *p == '\t'))
		p++;
	j->p = p;
}

/* Is the next byte ch? Then step over it. */
static bool js_byte(jscan *j, char ch)
{
	if (j->p >= j->end || *j->p != ch)
		return false;
	j->p++;
	return true;
}

/* The rest of a string after its opening quote, and the closing quote.
 * A value may hold the escapes of one character; a key none. */
static bool js_string(jscan *j, bool key)
{
	const char *p = j->p, *end = j->end;

	while (p < end) {
		unsigned char ch = (unsigned char)*p++;

		if (ch == '"') {
			j->p = p;
			return true;
		}
		if (ch < 0x20)
			return false;
		if (ch != '\\')
			continue;
		if (key || p >= end || !memchr("\"\\/bfnrt", *p, 8))
			return false;
		p++;
	}
	return false;
}

static bool js_digits(jscan *j)
{
	const char *s = j->p;

	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, which strtod reads
 * whole; the byte after it is the caller's to check. */
static bool js_number(jscan *j)
{
	const char *s = j->p;

	js_byte(j, '-');
	if (!js_byte(j, '0') && !js_digits(j))
		return false;
	if (js_byte(j, '.') && !js_digits(j))
		return false;
	if (js_byte(j, 'e') || js_byte(j, 'E')) {
		if (!js_byte(j, '+'))
			js_byte(j, '-');
		if (!js_digits(j))
			return false;
	}
	return j->p - s <= NUM_MAX;
}

static bool js_word(jscan *j, const char *w, size_t n)
{
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return false;
	j->p += n;
	return true;
}

/* A key not seen before in the object whose keys start at keys[first],
 * and not one the caller reads. */
static bool js_new_key(jscan *j, size_t first, const char *k, size_t n)
{
	if (j->nkeys == KEYS_MAX || j->wanted(k, n))
		return false;
	for (size_t i = first; i < j->nkeys; i++)
		if (j->keys[i].n == n && memcmp(j->keys[i].s, k, n) == 0)
			return false;
	j->keys[j->nkeys].s = k;
	j->keys[j->nkeys++].n = n;
	return true;
}

/* One member: "key" : value. */
static bool js_member(jscan *j, size_t first)
{
	const char *k;

	if (!js_byte(j, '"'))
		return false;
	k = j->p;
	if (!js_string(j, true) ||
	    !js_new_key(j, first, k, (size_t)(j->p - 1 - k)))
		return false;
	js_space(j);
	if (!js_byte(j, ':'))
		return false;
	js_space(j);
	return js_value(j);
}

/* An object or an array, from its opening byte; depth counts as the
 * readers count it, one level for each. */
static bool js_container(jscan *j, char close)
{
	size_t first = j->nkeys;

	if (++j->depth > j->max)
		return false;
	j->p++;
	js_space(j);
	if (!js_byte(j, close)) {
		do {
			js_space(j);
			if (!(close == '}' ? js_member(j, first) : js_value(j)))
				return false;
			js_space(j);
		} while (js_byte(j, ','));
		if (!js_byte(j, close))
			return false;
	}
	j->nkeys = first;
	j->depth--;
	return true;
}

static bool js_value(jscan *j)
{
	if (j->p >= j->end)
		return false;
	switch (*j->p) {
	case '{':
		return js_container(j, '}');
	case '[':
		return js_container(j, ']');
	case '"':
		j->p++;
		return js_string(j, false);
	case 't':
		return js_word(j, "true", 4);
	case 'f':
		return js_word(j, "false", 5);
	case 'n':
		return js_word(j, "null", 4);
	default:
		return js_number(j);
	}
}

bool prs_json_plain(const char *s, size_t n, size_t max_depth,
		    bool (*wanted)(const char *key, size_t n))
{
	jscan j;

	j.p = s;
	j.end = s + n;
	j.depth = 0;
	j.max = max_depth < DEPTH_MAX ? max_depth : DEPTH_MAX;
	j.wanted = wanted;
	j.nkeys = 0;
	js_space(&j);
	if (j.p >= j.end || *j.p != '{' || !js_container(&j, '}'))
		return false;
	js_space(&j);
	return j.p == j.end;
}
