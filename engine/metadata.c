/*
 * The cluster metadata snapshot, from either JSON form of the contract.
 *
 * Building goes in passes so that no reference depends on the order of the
 * input: indices first, then data streams and the alias map (which may
 * only name existing indices), then what each index says about its own
 * aliases and stream. Alias membership is the union of both sides.
 * Finally every name goes into one sorted array and a hash table.
 *
 * Names are held to the rules a cluster keeps (docs/formats.md), and the
 * keys of every object read to being whole and given once: cJSON cuts a
 * string at a NUL and keeps a repeated key beside the first, and neither
 * may pass unnoticed.
 *
 * Errors name the JSON path of the value at fault and its line and column,
 * which cJSON does not keep: they are found again in the text, by walking
 * it along the path, only when an error is reported.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <glib.h>

#include "errors.h"
#include "metadata.h"
#include "strtab.h"

/* Everything a snapshot owns besides its arrays of records. */
typedef struct md_pool {
	GStringChunk *strings;
	uint32_t *ids;            /* member lists of aliases, then streams */
	const char **anames;      /* md_index.aliases, back to back */
	uint32_t *aids;           /* md_index.alias_ids, back to back */
} md_pool;

/* A membership found while building: alias or stream `set` holds
 * index `index`; `seq` keeps the order the input gave. */
typedef struct md_pair {
	uint32_t set, index, seq;
} md_pair;

/* While building, md_alias.write_index also says "explicitly none". */
#define WRITE_UNSET (-1)
#define WRITE_NONE (-2)

/* Packed values of the building name table: kind in the top bits. */
#define TAB_SHIFT 28
#define TAB_PACK(kind, id) GUINT_TO_POINTER(((guint)(kind) << TAB_SHIFT) | (id))
#define TAB_KIND(v) ((md_kind)(GPOINTER_TO_UINT(v) >> TAB_SHIFT))
#define TAB_ID(v) (GPOINTER_TO_UINT(v) & ((1u << TAB_SHIFT) - 1))

/* The longest name a cluster holds, in bytes, and the characters none
 * holds: those OpenSearch refuses in file names, and '#'. */
#define NAME_MAX_BYTES 255
#define NAME_FORBIDDEN "\\/*?\"<>| ,#"

/* Where a key or string holding a NUL starts in the text: its offset,
 * and whether it is the node's key rather than its string value. */
#define NUL_PACK(off, key) GSIZE_TO_POINTER((((gsize)(off) + 1) << 1) | (key))
#define NUL_OFF(v) ((size_t)(GPOINTER_TO_SIZE(v) >> 1) - 1)
#define NUL_KEY(v) ((bool)(GPOINTER_TO_SIZE(v) & 1))

/* How deep an error path is recorded; values read are never deeper. */
#define PATH_MAX_DEPTH 32

typedef struct mdp {
	const char *text;
	size_t len;
	const char *file;
	const cJSON *root;
	ng_error *err;
	ng_metadata *m;
	md_pool *pool;
	GHashTable *tab;          /* name -> TAB_PACK(kind, id) */
	GHashTable *nuls;         /* cJSON* -> NUL_PACK(offset, key), or NULL */
	GArray *apairs;           /* md_pair: alias, index */
	GArray *spairs;           /* md_pair: stream, index */
	size_t capaliases;
	uint32_t seq;
} mdp;

/* ---------------------------------------------------------------------
 * Positions and error messages.
 */

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
			 s[i] == '\r'))
		i++;
	return i;
}

static size_t skip_string(const char *s, size_t n, size_t i)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i < n ? i + 1 : n;
}

/* Past one well-formed value starting at s[i]. */
static size_t skip_value(const char *s, size_t n, size_t i)
{
	int depth = 0;

	do {
		if (s[i] == '"') {
			i = skip_string(s, n, i);
			continue;
		}
		if (s[i] == '{' || s[i] == '[')
			depth++;
		else if (s[i] == '}' || s[i] == ']')
			depth--;
		else if (depth == 0 && (s[i] == ',' || s[i] == ' ' ||
					s[i] == '\n' || s[i] == '\r' ||
					s[i] == '\t'))
			return i;
		i++;
	} while (i < n && depth > 0);
	while (depth == 0 && i < n && !strchr(",}] \t\r\n", s[i]))
		i++;
	return i;
}

/* Past the member name and ':' when in an object, at the value. */
static size_t skip_member(const char *s, size_t n, size_t i, bool obj)
{
	if (!obj || i >= n)
		return i;
	i = skip_ws(s, n, skip_string(s, n, i));
	return skip_ws(s, n, i + 1);
}

/* Offset of the value reached by taking child ords[d] at each depth d. */
static size_t locate(const char *s, size_t n, const int *ords, int depth)
{
	size_t i = n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3) ? 3 : 0;

	i = skip_ws(s, n, i);
	for (int d = 0; d < depth && i < n; d++) {
		bool obj = s[i] == '{';

		i = skip_member(s, n, skip_ws(s, n, i + 1), obj);
		for (int k = 0; k < ords[d] && i < n; k++) {
			i = skip_ws(s, n, skip_value(s, n, i));
			i = skip_member(s, n, skip_ws(s, n, i + 1), obj);
		}
	}
	return i < n ? i : n;
}

/* 1-based line and column (in characters) of byte offset `off`. */
static void line_col(const char *s, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

/* Record in ords[] the child positions leading from `node` to `target`. */
static bool find_path(const cJSON *node, const cJSON *target, int *ords,
		      int depth, int *out_depth)
{
	const cJSON *c;
	int k = 0;

	if (node == target) {
		*out_depth = depth;
		return true;
	}
	if (depth >= PATH_MAX_DEPTH)
		return false;
	cJSON_ArrayForEach(c, node) {
		ords[depth] = k++;
		if (find_path(c, target, ords, depth + 1, out_depth))
			return true;
	}
	return false;
}

/* Make s[0..n) printable on one line, in place: control characters become
 * '?', bytes that are not UTF-8 too. When the caller `cut` s out of a
 * longer text, a sequence cut short at its end is dropped. The length. */
static size_t printable(char *s, size_t n, bool cut)
{
	size_t i = 0;

	for (size_t k = 0; k < n; k++)
		if ((unsigned char)s[k] < 0x20 || s[k] == 0x7f)
			s[k] = '?';
	while (i < n) {
		gunichar c = g_utf8_get_char_validated(s + i, (gssize)(n - i));

		if (c == (gunichar)-2 && cut)
			break;	/* cut short: no NUL is left to be the cause */
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			s[i++] = '?';
			continue;
		}
		i = (size_t)(g_utf8_next_char(s + i) - s);
	}
	s[i] = '\0';
	return i;
}

/* s[0..n) in double quotes; bytes that are not printable UTF-8 as \xNN.
 * With `escape`, '"' and '\\' get a backslash; without, s is a JSON
 * literal's inside, whose own escapes are kept as they are. */
static void put_quoted(GString *out, const char *s, size_t n, bool escape)
{
	g_string_append_c(out, '"');
	for (size_t i = 0; i < n;) {
		gunichar c = g_utf8_get_char_validated(s + i, (gssize)(n - i));
		size_t k;

		if (c >= 0x110000 || c < 0x20 || c == 0x7f) {
			g_string_append_printf(out, "\\x%02x",
					       (unsigned char)s[i++]);
			continue;
		}
		k = (size_t)(g_utf8_next_char(s + i) - (s + i));
		if (escape && (c == '"' || c == '\\'))
			g_string_append_c(out, '\\');
		g_string_append_len(out, s + i, (gssize)k);
		i += k;
	}
	g_string_append_c(out, '"');
}

/* A name that reads unambiguously in a path without quotes. */
static bool plain_name(const char *s)
{
	if (!*s || !g_utf8_validate(s, -1, NULL))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f ||
		    strchr(".[]\"\\", *s))
			return false;
	return true;
}

/* The offset of the literal of `node`'s key (or of its string) when it
 * holds a NUL, which cJSON cut it at; SIZE_MAX when it does not. */
static size_t nul_at(const mdp *p, const cJSON *node, bool key)
{
	gpointer v = p->nuls ? g_hash_table_lookup(p->nuls, node) : NULL;

	return v && NUL_KEY(v) == key ? NUL_OFF(v) : SIZE_MAX;
}

/* The string literal at s[off] as the text has it, quoted and printable. */
static void put_literal(GString *out, const mdp *p, size_t off)
{
	size_t end = skip_string(p->text, p->len, off);

	/* the inside, without the closing quote when there is one */
	if (end > off + 1 && p->text[end - 1] == '"')
		end--;
	put_quoted(out, p->text + off + 1, end - off - 1, false);
}

/* "indices.logs-1.hidden", "aliases.a.indices[2]"; "top level" for root.
 * A name that is empty, not UTF-8 or holds '.', '[', a quote, a space or
 * a control character is quoted, so that the path reads one way only; a
 * key cut at a NUL is shown as the text spells it. */
static GString *path_text(const mdp *p, const int *ords, int depth)
{
	const cJSON *node = p->root;
	GString *out = g_string_new(depth ? "" : "top level");

	for (int d = 0; d < depth; d++) {
		bool obj = cJSON_IsObject(node);

		node = cJSON_GetArrayItem(node, ords[d]);
		if (!obj) {
			g_string_append_printf(out, "[%d]", ords[d]);
			continue;
		}
		if (d)
			g_string_append_c(out, '.');
		if (nul_at(p, node, true) != SIZE_MAX)
			put_literal(out, p, nul_at(p, node, true));
		else if (plain_name(node->string))
			g_string_append(out, node->string);
		else
			put_quoted(out, node->string, strlen(node->string),
				   true);
	}
	return out;
}

/* The byte offset of `node`'s value in the text. */
static size_t node_off(const mdp *p, const cJSON *node)
{
	int ords[PATH_MAX_DEPTH], depth = 0;

	find_path(p->root, node, ords, 0, &depth);
	return locate(p->text, p->len, ords, depth);
}

/* The line and column of `node`'s value. */
static void node_pos(const mdp *p, const cJSON *node, int *line, int *col)
{
	line_col(p->text, node_off(p, node), line, col);
}

/* Fail at `node`: "<path>: <why>", at byte offset `off` of the text, or
 * at the node's value when `off` is SIZE_MAX. */
static int md_failv(mdp *p, const cJSON *node, size_t off, int code,
		    const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));

static int md_failv(mdp *p, const cJSON *node, size_t off, int code,
		    const char *fmt, va_list ap)
{
	int ords[PATH_MAX_DEPTH], depth = 0;
	ng_error *e = p->err;
	char why[300];
	GString *path;

	find_path(p->root, node, ords, 0, &depth);
	path = path_text(p, ords, depth);
	vsnprintf(why, sizeof(why), fmt, ap);
	if (off == SIZE_MAX)
		off = locate(p->text, p->len, ords, depth);

	e->code = code;
	snprintf(e->file, sizeof(e->file), "%s", p->file ? p->file : "");
	line_col(p->text, off, &e->line, &e->column);
	snprintf(e->message, sizeof(e->message), "%s: %s", path->str, why);
	printable(e->message, strlen(e->message), true);
	g_string_free(path, TRUE);
	return code;
}

/* Fail at `node`: "<path>: <why>", with the node's line and column. */
static int md_fail(mdp *p, const cJSON *node, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int md_fail(mdp *p, const cJSON *node, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	md_failv(p, node, SIZE_MAX, code, fmt, ap);
	va_end(ap);
	return code;
}

/* Fail at `node`, reporting the line and column of byte offset `off`. */
static int md_fail_at(mdp *p, const cJSON *node, size_t off, int code,
		      const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int md_fail_at(mdp *p, const cJSON *node, size_t off, int code,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	md_failv(p, node, off, code, fmt, ap);
	va_end(ap);
	return code;
}

/* Fail at byte offset `off`, with no path: the text is not yet a tree. */
static int md_fail_pos(mdp *p, size_t off, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int md_fail_pos(mdp *p, size_t off, int code, const char *fmt, ...)
{
	ng_error *e = p->err;
	va_list ap;

	e->code = code;
	snprintf(e->file, sizeof(e->file), "%s", p->file ? p->file : "");
	line_col(p->text, off, &e->line, &e->column);
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	printable(e->message, strlen(e->message), true);
	return code;
}

/* A syntax error at byte offset `off`, with a short quote of the text. */
static int md_fail_syntax(mdp *p, size_t off, const char *what)
{
	char near[24];
	size_t k = 0, i;

	for (i = off; i < p->len && k < 16 && p->text[i] != '\n'; i++)
		near[k++] = p->text[i];
	k = printable(near, k, k == 16 && i < p->len);
	if (k)
		return md_fail_pos(p, off, NG_ESYNTAX, "%s near \"%s\"",
				   what, near);
	return md_fail_pos(p, off, NG_ESYNTAX, "%s at end of input", what);
}

/* ---------------------------------------------------------------------
 * NUL characters. cJSON ends a string at its first NUL, so "a\u0000b" is
 * read as "a" and "hidden\u0000x" as "hidden". When the text holds a NUL
 * byte or the escape, it is walked beside the tree to note each key and
 * string holding one; the reads refuse those they meet.
 */

/* Past the whitespace cJSON skips: every byte up to the space. */
static size_t skip_blank(const char *s, size_t n, size_t i)
{
	while (i < n && (unsigned char)s[i] <= ' ')
		i++;
	return i;
}

/* Whether the string literal at s[i] holds a NUL, raw or escaped. */
static bool literal_has_nul(const char *s, size_t n, size_t i)
{
	for (i++; i < n && s[i] != '"'; i++) {
		if (!s[i])
			return true;
		if (s[i] != '\\')
			continue;
		if (i + 5 < n && !memcmp(s + i + 1, "u0000", 5))
			return true;
		i++;
	}
	return false;
}

static void note_nul(mdp *p, const cJSON *node, size_t off, bool key)
{
	if (!p->nuls)
		p->nuls = g_hash_table_new(NULL, NULL);
	if (!g_hash_table_contains(p->nuls, node))
		g_hash_table_insert(p->nuls, (gpointer)node, NUL_PACK(off, key));
}

/* Walk the value of `node`, which starts at s[i], beside the tree; the
 * offset past it. The text is what cJSON parsed, so the two agree. */
static size_t mark_nuls(mdp *p, const cJSON *node, size_t i)
{
	const char *s = p->text;
	size_t n = p->len;
	bool obj = cJSON_IsObject(node);
	const cJSON *c;

	if (cJSON_IsString(node)) {
		if (literal_has_nul(s, n, i))
			note_nul(p, node, i, false);
		return skip_string(s, n, i);
	}
	if (!obj && !cJSON_IsArray(node)) {
		while (i < n && (unsigned char)s[i] > ' ' && !strchr(",]}", s[i]))
			i++;
		return i;
	}
	i = skip_blank(s, n, i + 1);
	cJSON_ArrayForEach(c, node) {
		if (obj) {
			if (literal_has_nul(s, n, i))
				note_nul(p, c, i, true);
			i = skip_blank(s, n, skip_string(s, n, i));
			i = skip_blank(s, n, i + 1);	/* past ':' */
		}
		i = skip_blank(s, n, mark_nuls(p, c, i));
		if (c->next)
			i = skip_blank(s, n, i + 1);	/* past ',' */
	}
	return i + 1;	/* past the closing bracket */
}

/* Note the keys and strings holding a NUL, when the text has any. */
static void find_nuls(mdp *p, const cJSON *root)
{
	size_t i = p->len >= 3 && !memcmp(p->text, "\xEF\xBB\xBF", 3) ? 3 : 0;

	if (!memchr(p->text, '\0', p->len) &&
	    !memmem(p->text, p->len, "\\u0000", 6))
		return;
	mark_nuls(p, root, skip_blank(p->text, p->len, i));
}

/* ---------------------------------------------------------------------
 * Keys of the objects read.
 */

/* Objects with more members than this find repeated keys by hashing. */
#define MEMBERS_HASHED 16

static int key_again(mdp *p, const cJSON *first, const cJSON *again)
{
	int line, col;

	node_pos(p, first, &line, &col);
	return md_fail(p, again, NG_ESCHEMA,
		       "duplicate key; first at line %d, column %d", line, col);
}

static int repeats_pairwise(mdp *p, const cJSON *obj)
{
	for (const cJSON *c = obj->child; c; c = c->next)
		for (const cJSON *d = obj->child; d != c; d = d->next)
			if (!strcmp(c->string, d->string))
				return key_again(p, d, c);
	return 0;
}

static int repeats_hashed(mdp *p, const cJSON *obj)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	const cJSON *c, *first;
	int rc = 0;

	cJSON_ArrayForEach(c, obj) {
		first = g_hash_table_lookup(seen, c->string);
		if (first) {
			rc = key_again(p, first, c);
			break;
		}
		g_hash_table_insert(seen, c->string, (gpointer)c);
	}
	g_hash_table_destroy(seen);
	return rc;
}

/* Every member of an object read has a whole key, given once. cJSON cuts
 * a key at a NUL, and keeps a repeated key as a sibling that lookups
 * never reach: either would be read silently as something else. */
static int check_members(mdp *p, const cJSON *obj)
{
	const cJSON *c;
	size_t off;
	int n = 0;

	cJSON_ArrayForEach(c, obj) {
		if (p->nuls && (off = nul_at(p, c, true)) != SIZE_MAX)
			return md_fail_at(p, c, off, NG_ESCHEMA,
					  "key holds a NUL character");
		n++;
	}
	return n > MEMBERS_HASHED ? repeats_hashed(p, obj)
				  : repeats_pairwise(p, obj);
}

/* ---------------------------------------------------------------------
 * Typed reads. An absent member or JSON null leaves the default.
 */

static int want_object(mdp *p, const cJSON *v)
{
	if (!cJSON_IsObject(v))
		return md_fail(p, v, NG_ESCHEMA, "expected an object");
	return check_members(p, v);
}

static int get_bool(mdp *p, const cJSON *obj, const char *key, bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v))
		return md_fail(p, v, NG_ESCHEMA, "expected a boolean");
	*out = cJSON_IsTrue(v);
	return 0;
}

/* A string read must be whole text: cJSON passes bytes that are not
 * UTF-8 through and cuts at a NUL, and names reach decisions. */
static int check_string(mdp *p, const cJSON *v)
{
	size_t off = nul_at(p, v, false);
	GString *lit;

	if (off != SIZE_MAX) {
		lit = g_string_new("");
		put_literal(lit, p, off);
		md_fail_at(p, v, off, NG_ESCHEMA,
			   "string %s holds a NUL character", lit->str);
		g_string_free(lit, TRUE);
		return NG_ESCHEMA;
	}
	if (!g_utf8_validate(v->valuestring, -1, NULL))
		return md_fail(p, v, NG_ESCHEMA, "string is not valid UTF-8");
	return 0;
}

/* A setting: true/false as a boolean or as the strings Java writes. */
static int get_setting_bool(mdp *p, const cJSON *v, bool *out)
{
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsBool(v)) {
		*out = cJSON_IsTrue(v);
		return 0;
	}
	if (cJSON_IsString(v) && check_string(p, v))
		return NG_ESCHEMA;
	if (cJSON_IsString(v) && (!strcmp(v->valuestring, "true") ||
				  !strcmp(v->valuestring, "false"))) {
		*out = v->valuestring[0] == 't';
		return 0;
	}
	return md_fail(p, v, NG_ESCHEMA, "expected a boolean");
}

/* A string, or NULL for absent or null. */
static int get_str(mdp *p, const cJSON *obj, const char *key,
		   const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	int rc;

	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return md_fail(p, v, NG_ESCHEMA, "expected a string");
	if ((rc = check_string(p, v)))
		return rc;
	*out = v;
	return 0;
}

/* An array of strings, or NULL for absent or null. */
static int get_str_array(mdp *p, const cJSON *obj, const char *key,
			 const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key), *e;
	int rc;

	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsArray(v))
		return md_fail(p, v, NG_ESCHEMA,
			       "expected an array of strings");
	cJSON_ArrayForEach(e, v) {
		if (!cJSON_IsString(e))
			return md_fail(p, e, NG_ESCHEMA, "expected a string");
		if ((rc = check_string(p, e)))
			return rc;
	}
	*out = v;
	return 0;
}

/* An object member, or NULL for absent or null. */
static int get_obj(mdp *p, const cJSON *obj, const char *key,
		   const cJSON **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v))
		return md_fail(p, v, NG_ESCHEMA, "expected an object");
	*out = v;
	return check_members(p, v);
}

/* ---------------------------------------------------------------------
 * Records and names.
 */

static const char *kind_text(md_kind k)
{
	return k == MD_INDEX ? "an index" : k == MD_ALIAS ? "an alias"
							  : "a data stream";
}

static const char *kind_noun(md_kind k)
{
	return k == MD_INDEX ? "index" : k == MD_ALIAS ? "alias"
						       : "data stream";
}

/* A character with a lowercase form other than itself: what OpenSearch
 * finds when it compares a name with its toLowerCase(). */
static bool has_upper(const char *s)
{
	for (; *s; s = g_utf8_next_char(s)) {
		gunichar c = g_utf8_get_char(s);

		if (g_unichar_tolower(c) != c)
			return true;
	}
	return false;
}

/* Why no cluster holds `name` as one of `kind`, or NULL; `buf` holds the
 * text when it names a character. OpenSearch's rules for index and alias
 * names, and lowercase for indices and data streams (docs/formats.md). */
static const char *name_fault(const char *name, md_kind kind, char *buf,
			      size_t cap)
{
	const char *bad;

	if (!g_utf8_validate(name, -1, NULL))
		return "is not valid UTF-8";
	if (!*name)
		return "is empty";
	if (strlen(name) > NAME_MAX_BYTES) {
		snprintf(buf, cap, "is longer than %d bytes", NAME_MAX_BYTES);
		return buf;
	}
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "cannot be \".\" or \"..\"";
	if (strchr("_-+", name[0])) {
		snprintf(buf, cap, "cannot start with '%c'", name[0]);
		return buf;
	}
	if ((bad = strpbrk(name, NAME_FORBIDDEN))) {
		if (*bad == ' ')
			return "cannot contain a space";
		snprintf(buf, cap, "cannot contain '%c'", *bad);
		return buf;
	}
	if (kind != MD_ALIAS && has_upper(name))
		return "must be lowercase";
	return NULL;
}

/* Claim `node`'s name for a new record; fails when already taken, or
 * when it is no name a cluster could hold. */
static int claim_name(mdp *p, const cJSON *node, const char *name,
		      md_kind kind, uint32_t id, const char **interned)
{
	gpointer old = g_hash_table_lookup(p->tab, name);
	const char *why;
	char buf[40];

	why = name_fault(name, kind, buf, sizeof(buf));
	if (why)
		return md_fail(p, node, NG_ESCHEMA, "%s name %s",
			       kind_noun(kind), why);
	if (old)
		return md_fail(p, node, NG_ESCHEMA,
			       "\"%s\" is already the name of %s", name,
			       kind_text(TAB_KIND(old)));
	if (id >= (1u << TAB_SHIFT))
		return md_fail(p, node, NG_ELIMIT, "too many names");
	*interned = g_string_chunk_insert(p->pool->strings, name);
	g_hash_table_insert(p->tab, (gpointer)*interned, TAB_PACK(kind, id));
	return 0;
}

/* The id of the record of `kind` named `name`, or -1. */
static int64_t find_named(mdp *p, const char *name, md_kind kind)
{
	gpointer v = g_hash_table_lookup(p->tab, name);

	return v && TAB_KIND(v) == kind ? (int64_t)TAB_ID(v) : -1;
}

/* The index a reference names; a dangling reference is an error. */
static int index_ref(mdp *p, const cJSON *ref, uint32_t *id)
{
	int64_t i = find_named(p, ref->valuestring, MD_INDEX);

	if (i < 0)
		return md_fail(p, ref, NG_ESCHEMA, "unknown index \"%s\"",
			       ref->valuestring);
	*id = (uint32_t)i;
	return 0;
}

/* The alias named by `node`, created on first mention. */
static int alias_get(mdp *p, const cJSON *node, const char *name,
		     uint32_t *id)
{
	ng_metadata *m = p->m;
	int64_t found = find_named(p, name, MD_ALIAS);
	md_alias *a;
	int rc;

	if (found >= 0) {
		*id = (uint32_t)found;
		return 0;
	}
	if (m->naliases == p->capaliases) {
		p->capaliases = p->capaliases ? 2 * p->capaliases : 64;
		m->aliases = g_renew(md_alias, m->aliases, p->capaliases);
	}
	a = &m->aliases[m->naliases];
	memset(a, 0, sizeof(*a));
	a->id = (uint32_t)m->naliases;
	a->write_index = WRITE_UNSET;
	rc = claim_name(p, node, name, MD_ALIAS, a->id, &a->name);
	if (rc)
		return rc;
	*id = (uint32_t)m->naliases++;
	return 0;
}

static void add_pair(GArray *pairs, uint32_t set, uint32_t index,
		     uint32_t seq)
{
	md_pair pr = { set, index, seq };

	g_array_append_val(pairs, pr);
}

static gint pair_by_set(gconstpointer a, gconstpointer b)
{
	const md_pair *x = a, *y = b;

	if (x->set != y->set)
		return x->set < y->set ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Sort, drop repeated (set, index) pairs; the count left. */
static size_t pairs_unique(GArray *pairs)
{
	md_pair *v = (md_pair *)(void *)pairs->data;
	size_t n = 0;

	g_array_sort(pairs, pair_by_set);
	for (size_t i = 0; i < pairs->len; i++)
		if (!n || v[n - 1].set != v[i].set ||
		    v[n - 1].index != v[i].index)
			v[n++] = v[i];
	g_array_set_size(pairs, n);
	return n;
}

/* Index `ix` belongs to stream `sid`; an index has one stream at most. */
static int stream_member(mdp *p, const cJSON *node, uint32_t sid,
			 uint32_t ix)
{
	md_index *x = &p->m->indices[ix];
	const char *sname = p->m->streams[sid].name;

	if (x->data_stream == sname)
		return 0;
	if (x->data_stream)
		return md_fail(p, node, NG_ESCHEMA,
			       "index \"%s\" is in data streams \"%s\" and "
			       "\"%s\"", x->name, x->data_stream, sname);
	x->data_stream = sname;
	x->stream_id = sid;
	add_pair(p->spairs, sid, ix, p->seq++);
	return 0;
}

/* Make `ix` the write index of alias `aid`; the caller has it listed as a
 * member, or checks that it is once all members are known. */
static int set_write_index(mdp *p, const cJSON *node, uint32_t aid,
			   uint32_t ix)
{
	md_alias *a = &p->m->aliases[aid];

	if (a->write_index >= 0 && a->write_index != ix)
		return md_fail(p, node, NG_ESCHEMA,
			       "alias \"%s\" has more than one write index",
			       a->name);
	a->write_index = ix;
	return 0;
}

/* Whether index `ix` is a member of alias `aid`, from either side. The
 * alias pairs must be sorted, as pairs_unique() leaves them. An empty
 * array's data is NULL, which bsearch() may not be given. */
static bool alias_member(const mdp *p, uint32_t aid, uint32_t ix)
{
	md_pair key = { aid, ix, 0 };

	return p->apairs->len &&
	       bsearch(&key, p->apairs->data, p->apairs->len, sizeof(key),
		       pair_by_set) != NULL;
}

/* Room for every index of the `indices` object, before reading any. */
static int alloc_indices(mdp *p, const cJSON *indices)
{
	size_t n = (size_t)cJSON_GetArraySize(indices);

	p->m->indices = g_new0(md_index, n ? n : 1);
	return 0;
}

static int new_index(mdp *p, const cJSON *node, md_index **out)
{
	ng_metadata *m = p->m;
	md_index *x = &m->indices[m->nindices];
	int rc;

	x->id = (uint32_t)m->nindices;
	rc = claim_name(p, node, node->string, MD_INDEX, x->id, &x->name);
	if (rc)
		return rc;
	m->nindices++;
	*out = x;
	return 0;
}

/* Room for every data stream of the object, and each stream's record. */
static int new_streams(mdp *p, const cJSON *streams)
{
	ng_metadata *m = p->m;
	const cJSON *s;
	int rc;

	m->streams = g_new0(md_stream, cJSON_GetArraySize(streams) + 1);
	cJSON_ArrayForEach(s, streams) {
		md_stream *ds = &m->streams[m->nstreams];

		ds->id = (uint32_t)m->nstreams;
		rc = want_object(p, s);
		if (!rc)
			rc = claim_name(p, s, s->string, MD_DATA_STREAM,
					ds->id, &ds->name);
		if (!rc)
			rc = get_bool(p, s, "hidden", &ds->hidden);
		if (rc)
			return rc;
		m->nstreams++;
	}
	return 0;
}

static int read_remotes(mdp *p, const cJSON *top)
{
	ng_metadata *m = p->m;
	const cJSON *list, *r;
	int rc = get_str_array(p, top, "remote_clusters", &list);

	if (rc || !list)
		return rc;
	m->remotes = g_new0(const char *, cJSON_GetArraySize(list) + 1);
	cJSON_ArrayForEach(r, list)
		m->remotes[m->nremotes++] =
			g_string_chunk_insert(p->pool->strings, r->valuestring);
	return 0;
}

static int read_version(mdp *p, const cJSON *top)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(top, "version");

	if (!v || cJSON_IsNull(v))
		return 0;
	/* the range test first: converting a larger double is undefined */
	if (!cJSON_IsNumber(v) || !(v->valuedouble > -9e18 &&
				    v->valuedouble < 9e18) ||
	    v->valuedouble != (double)(int64_t)v->valuedouble)
		return md_fail(p, v, NG_ESCHEMA, "expected an integer");
	p->m->version = (int64_t)v->valuedouble;
	return 0;
}

/* ---------------------------------------------------------------------
 * The compact form.
 */

static int compact_index(mdp *p, const cJSON *node)
{
	md_index *x;
	const cJSON *dummy;
	int rc = want_object(p, node);

	if (!rc)
		rc = new_index(p, node, &x);
	if (!rc)
		rc = get_bool(p, node, "hidden", &x->hidden);
	if (!rc)
		rc = get_bool(p, node, "closed", &x->closed);
	if (!rc)
		rc = get_bool(p, node, "system", &x->system);
	if (!rc)
		rc = get_str_array(p, node, "aliases", &dummy);
	if (!rc)
		rc = get_str(p, node, "data_stream", &dummy);
	return rc;
}

/* What an index says of itself: its aliases and its data stream. */
static int compact_index_refs(mdp *p, const cJSON *node, uint32_t ix)
{
	const cJSON *list, *ds, *a;
	uint32_t aid;
	int64_t sid;
	int rc;

	get_str_array(p, node, "aliases", &list);
	cJSON_ArrayForEach(a, list) {
		rc = alias_get(p, a, a->valuestring, &aid);
		if (rc)
			return rc;
		add_pair(p->apairs, aid, ix, 0);
	}
	get_str(p, node, "data_stream", &ds);
	if (!ds)
		return 0;
	sid = find_named(p, ds->valuestring, MD_DATA_STREAM);
	if (sid < 0)
		return md_fail(p, ds, NG_ESCHEMA, "unknown data stream \"%s\"",
			       ds->valuestring);
	return stream_member(p, ds, (uint32_t)sid, ix);
}

static int compact_alias(mdp *p, const cJSON *node)
{
	const cJSON *list, *w, *e;
	uint32_t aid, ix;
	md_alias *a;
	int rc = want_object(p, node);

	if (!rc)
		rc = alias_get(p, node, node->string, &aid);
	if (!rc)
		rc = get_str_array(p, node, "indices", &list);
	if (!rc)
		rc = get_str(p, node, "write_index", &w);
	if (rc)
		return rc;
	a = &p->m->aliases[aid];
	if ((rc = get_bool(p, node, "hidden", &a->hidden)))
		return rc;
	e = cJSON_GetObjectItemCaseSensitive(node, "filter");
	a->filtered = e && !cJSON_IsNull(e);

	cJSON_ArrayForEach(e, list) {
		if ((rc = index_ref(p, e, &ix)))
			return rc;
		add_pair(p->apairs, aid, ix, 0);
	}
	if (w && !(rc = index_ref(p, w, &ix)))
		rc = set_write_index(p, w, aid, ix);
	return rc;
}

/* Each alias's "write_index" is one of its members, listed by the alias
 * or naming it: OpenSearch writes through an alias only to a member. Run
 * once every membership is known. */
static int compact_write_members(mdp *p, const cJSON *aliases)
{
	const cJSON *c, *w;
	int64_t aid, ix;

	pairs_unique(p->apairs);
	cJSON_ArrayForEach(c, aliases) {
		get_str(p, c, "write_index", &w);
		if (!w)
			continue;
		aid = find_named(p, c->string, MD_ALIAS);
		ix = find_named(p, w->valuestring, MD_INDEX);
		if (!alias_member(p, (uint32_t)aid, (uint32_t)ix))
			return md_fail(p, w, NG_ESCHEMA, "write index \"%s\" "
				       "is not a member of alias \"%s\"",
				       w->valuestring, c->string);
	}
	return 0;
}

static int compact_stream_members(mdp *p, const cJSON *streams)
{
	const cJSON *s, *list, *e;
	uint32_t sid = 0, ix = 0;
	int rc;

	cJSON_ArrayForEach(s, streams) {
		if ((rc = get_str_array(p, s, "indices", &list)))
			return rc;
		cJSON_ArrayForEach(e, list) {
			rc = index_ref(p, e, &ix);
			if (!rc)
				rc = stream_member(p, e, sid, ix);
			if (rc)
				return rc;
		}
		sid++;
	}
	return 0;
}

static int parse_compact(mdp *p, const cJSON *top)
{
	const cJSON *indices, *aliases, *streams, *c;
	uint32_t ix = 0;
	int rc = get_obj(p, top, "indices", &indices);

	if (!rc && !indices)
		return md_fail(p, top, NG_ESCHEMA, "missing \"indices\"");
	if (!rc)
		rc = get_obj(p, top, "aliases", &aliases);
	if (!rc)
		rc = get_obj(p, top, "data_streams", &streams);
	if (rc || (rc = alloc_indices(p, indices)))
		return rc;

	cJSON_ArrayForEach(c, indices)
		if ((rc = compact_index(p, c)))
			return rc;
	if ((rc = new_streams(p, streams)) ||
	    (rc = compact_stream_members(p, streams)))
		return rc;
	cJSON_ArrayForEach(c, aliases)
		if ((rc = compact_alias(p, c)))
			return rc;
	cJSON_ArrayForEach(c, indices)
		if ((rc = compact_index_refs(p, c, ix++)))
			return rc;
	return compact_write_members(p, aliases);
}

/* ---------------------------------------------------------------------
 * The body of GET _cluster/state/metadata.
 */

/* The setting "index.<name>" of `settings`, or NULL when absent. The body
 * nests it ("index": {"hidden": ...}) or, with flat_settings=true, gives
 * it as one key ("index.hidden"). A setting given both ways fails, at the
 * later of the two: they may disagree, and neither may win unseen. */
static int index_setting(mdp *p, const cJSON *settings, const cJSON *index,
			 const char *name, const cJSON **out)
{
	char flat[64];
	const cJSON *f, *n, *first, *again;
	int line, col;

	snprintf(flat, sizeof(flat), "index.%s", name);
	f = cJSON_GetObjectItemCaseSensitive(settings, flat);
	n = index ? cJSON_GetObjectItemCaseSensitive(index, name) : NULL;
	*out = f ? f : n;
	if (!f || !n)
		return 0;
	first = node_off(p, f) < node_off(p, n) ? f : n;
	again = first == f ? n : f;
	node_pos(p, first, &line, &col);
	return md_fail(p, again, NG_ESCHEMA, "setting \"%s\" given both flat "
		       "and nested; first at line %d, column %d", flat, line,
		       col);
}

static int state_hidden(mdp *p, const cJSON *node, bool *hidden)
{
	const cJSON *settings, *index, *v;
	int rc = get_obj(p, node, "settings", &settings);

	if (rc || !settings)
		return rc;
	rc = get_obj(p, settings, "index", &index);
	if (!rc)
		rc = index_setting(p, settings, index, "hidden", &v);
	return rc ? rc : get_setting_bool(p, v, hidden);
}

static int state_index(mdp *p, const cJSON *node)
{
	const cJSON *state;
	md_index *x;
	int rc = want_object(p, node);

	if (!rc)
		rc = new_index(p, node, &x);
	if (!rc)
		rc = get_str(p, node, "state", &state);
	if (rc)
		return rc;
	if (state && strcmp(state->valuestring, "open") &&
	    strcmp(state->valuestring, "close"))
		return md_fail(p, state, NG_ESCHEMA,
			       "expected \"open\" or \"close\"");
	x->closed = state && !strcmp(state->valuestring, "close");
	rc = get_bool(p, node, "system", &x->system);
	return rc ? rc : state_hidden(p, node, &x->hidden);
}

/* One entry of an index's alias object: filter, is_write_index, is_hidden. */
static int state_alias_entry(mdp *p, const cJSON *e, uint32_t ix)
{
	const cJSON *w, *f;
	uint32_t aid;
	bool hidden = false;
	int rc = want_object(p, e);

	if (!rc)
		rc = alias_get(p, e, e->string, &aid);
	if (!rc)
		rc = get_bool(p, e, "is_hidden", &hidden);
	if (rc)
		return rc;
	add_pair(p->apairs, aid, ix, 0);
	p->m->aliases[aid].hidden |= hidden;
	f = cJSON_GetObjectItemCaseSensitive(e, "filter");
	p->m->aliases[aid].filtered |= f && !cJSON_IsNull(f);

	w = cJSON_GetObjectItemCaseSensitive(e, "is_write_index");
	if (!w || cJSON_IsNull(w))
		return 0;
	if (!cJSON_IsBool(w))
		return md_fail(p, w, NG_ESCHEMA, "expected a boolean");
	if (cJSON_IsTrue(w))
		return set_write_index(p, w, aid, ix);
	if (p->m->aliases[aid].write_index == WRITE_UNSET)
		p->m->aliases[aid].write_index = WRITE_NONE;
	return 0;
}

/* An index's aliases: an array of names, or an object of alias entries. */
static int state_index_aliases(mdp *p, const cJSON *node, uint32_t ix)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(node, "aliases");
	const cJSON *e;
	uint32_t aid;
	int rc;

	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsObject(v)) {
		if ((rc = check_members(p, v)))
			return rc;
		cJSON_ArrayForEach(e, v)
			if ((rc = state_alias_entry(p, e, ix)))
				return rc;
		return 0;
	}
	if ((rc = get_str_array(p, node, "aliases", &v)))
		return rc;
	cJSON_ArrayForEach(e, v) {
		if ((rc = alias_get(p, e, e->valuestring, &aid)))
			return rc;
		add_pair(p->apairs, aid, ix, 0);
	}
	return 0;
}

static int state_stream_members(mdp *p, const cJSON *streams)
{
	const cJSON *s, *list, *e, *name;
	uint32_t sid = 0, ix;
	int rc;

	cJSON_ArrayForEach(s, streams) {
		list = cJSON_GetObjectItemCaseSensitive(s, "indices");
		if (list && !cJSON_IsArray(list))
			return md_fail(p, list, NG_ESCHEMA,
				       "expected an array");
		cJSON_ArrayForEach(e, list) {
			rc = want_object(p, e);
			if (!rc)
				rc = get_str(p, e, "index_name", &name);
			if (!rc && !name)
				rc = md_fail(p, e, NG_ESCHEMA,
					     "missing \"index_name\"");
			if (!rc)
				rc = index_ref(p, name, &ix);
			if (!rc)
				rc = stream_member(p, name, sid, ix);
			if (rc)
				return rc;
		}
		sid++;
	}
	return 0;
}

/* metadata.data_stream.data_stream: the streams, nested twice. */
static int state_streams(mdp *p, const cJSON *md)
{
	const cJSON *outer, *streams = NULL;
	int rc = get_obj(p, md, "data_stream", &outer);

	if (!rc && outer)
		rc = get_obj(p, outer, "data_stream", &streams);
	if (!rc)
		rc = new_streams(p, streams);
	if (!rc)
		rc = state_stream_members(p, streams);
	return rc;
}

static int parse_state(mdp *p, const cJSON *md)
{
	const cJSON *indices, *c;
	uint32_t ix = 0;
	int rc = want_object(p, md);

	if (!rc)
		rc = get_obj(p, md, "indices", &indices);
	if (rc || (rc = alloc_indices(p, indices)))
		return rc;

	cJSON_ArrayForEach(c, indices)
		if ((rc = state_index(p, c)))
			return rc;
	if ((rc = state_streams(p, md)))
		return rc;
	cJSON_ArrayForEach(c, indices)
		if ((rc = state_index_aliases(p, c, ix++)))
			return rc;
	return 0;
}

/* ---------------------------------------------------------------------
 * Finishing: member lists, sorted names, the lookup table.
 */

static gint pair_by_index(gconstpointer a, gconstpointer b)
{
	const md_pair *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->set < y->set ? -1 : x->set > y->set;
}

/* Aliases' member lists, from pairs sorted by alias. */
static void fill_alias_members(ng_metadata *m, GArray *pairs, uint32_t *ids)
{
	const md_pair *v = (const md_pair *)(const void *)pairs->data;

	for (size_t i = 0; i < pairs->len; i++) {
		md_alias *a = &m->aliases[v[i].set];

		if (a->nindices == 0)
			a->indices = &ids[i];
		ids[i] = v[i].index;
		a->nindices++;
	}
}

/* Streams' backing indices, from pairs sorted by stream and order. */
static void fill_stream_members(ng_metadata *m, GArray *pairs, uint32_t *ids)
{
	const md_pair *v = (const md_pair *)(const void *)pairs->data;

	for (size_t i = 0; i < pairs->len; i++) {
		md_stream *s = &m->streams[v[i].set];

		if (s->nindices == 0)
			s->indices = &ids[i];
		ids[i] = v[i].index;
		s->nindices++;
	}
}

/* OpenSearch: the only index of an alias is its write index unless it
 * says it is not. */
static void implicit_write_indices(ng_metadata *m)
{
	for (size_t i = 0; i < m->naliases; i++) {
		md_alias *a = &m->aliases[i];

		if (a->write_index == WRITE_UNSET && a->nindices == 1)
			a->write_index = a->indices[0];
		else if (a->write_index == WRITE_NONE)
			a->write_index = -1;
	}
}

/* Each index's aliases, by name and by id, from the pairs sorted by
 * index. */
static void fill_index_aliases(ng_metadata *m, GArray *pairs,
			       const char **names, uint32_t *ids)
{
	const md_pair *v = (const md_pair *)(const void *)pairs->data;

	for (size_t i = 0; i < pairs->len; i++) {
		md_index *x = &m->indices[v[i].index];

		if (x->naliases == 0) {
			x->aliases = &names[i];
			x->alias_ids = &ids[i];
		}
		names[i] = m->aliases[v[i].set].name;
		ids[i] = v[i].set;
		x->naliases++;
	}
}

static void finish_aliases(mdp *p)
{
	ng_metadata *m = p->m;
	size_t na = pairs_unique(p->apairs), ns = p->spairs->len;

	g_array_sort(p->spairs, pair_by_set);
	p->pool->ids = g_new(uint32_t, na + ns + 1);
	fill_alias_members(m, p->apairs, p->pool->ids);
	fill_stream_members(m, p->spairs, p->pool->ids + na);
	implicit_write_indices(m);

	g_array_sort(p->apairs, pair_by_index);
	p->pool->anames = g_new(const char *, na + 1);
	p->pool->aids = g_new(uint32_t, na + 1);
	fill_index_aliases(m, p->apairs, p->pool->anames, p->pool->aids);
}

/* An index's aliases (by id) and data stream (id + 1, or 0). */
typedef struct md_links {
	const uint32_t *ids;
	size_t n;
	uint32_t stream;
} md_links;

static guint links_hash(gconstpointer p)
{
	const md_links *l = p;
	guint h = 2166136261u ^ l->stream;

	for (size_t i = 0; i < l->n; i++)
		h = (h ^ l->ids[i]) * 16777619u;
	return h;
}

static gboolean links_equal(gconstpointer a, gconstpointer b)
{
	const md_links *x = a, *y = b;

	return x->n == y->n && x->stream == y->stream &&
	       (!x->n || !memcmp(x->ids, y->ids, x->n * sizeof(*x->ids)));
}

/* Number the distinct link lists of the indices (md_index.links_id), so
 * that a check may keep one answer for the indices that share one. */
static void finish_links(ng_metadata *m)
{
	GHashTable *ids = g_hash_table_new_full(links_hash, links_equal,
						g_free, NULL);
	md_links last = { NULL, 0, 0 };
	guint next = 1, last_id = 0;

	for (size_t i = 0; i < m->nindices; i++) {
		md_index *x = &m->indices[i];
		md_links key = { x->alias_ids, x->naliases,
				 x->data_stream ? x->stream_id + 1 : 0 };
		gpointer v;

		if (!key.n && !key.stream)
			continue;
		/* indices listed together mostly share their links */
		if (last_id && links_equal(&key, &last)) {
			x->links_id = last_id;
			continue;
		}
		v = g_hash_table_lookup(ids, &key);
		if (!v) {
			v = GUINT_TO_POINTER(next++);
			g_hash_table_insert(ids, g_memdup2(&key, sizeof(key)), v);
		}
		x->links_id = last_id = GPOINTER_TO_UINT(v);
		last = key;
	}
	g_hash_table_destroy(ids);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const md_name *)a)->name, ((const md_name *)b)->name);
}

static void put_name(ng_metadata *m, const char *name, md_kind kind,
		     uint32_t id)
{
	md_name *n = &m->names[m->nnames++];

	n->name = name;
	n->len = (uint32_t)strlen(name);
	n->kind = kind;
	n->id = id;
}

/* The names by their text, in the string table the policy's names use
 * too (policy/strtab.h): one hash of the request's bytes, eight at a
 * time, and most often one probe. A name given twice resolves to its
 * last place, as it always did. NG_ENOMEM when the table cannot be made. */
static int index_names(ng_metadata *m)
{
	m->by_name = pol_strtab_new(m->nnames);
	if (!m->by_name)
		return NG_ENOMEM;
	for (size_t i = 0; i < m->nnames; i++)
		*pol_strtab_put(m->by_name, m->names[i].name) = (uint32_t)i;
	return 0;
}

/* Give the name its flags, and an index its position in the list. */
static void name_place(ng_metadata *m, md_name *n, uint32_t pos)
{
	md_index *x;

	switch (n->kind) {
	case MD_INDEX:
		x = &m->indices[n->id];
		x->pos = pos;
		n->flags = (x->closed ? MD_NAME_CLOSED : MD_NAME_OPEN) |
			   (x->hidden ? MD_NAME_HIDDEN : 0);
		break;
	case MD_ALIAS:
		n->flags = MD_NAME_ALIAS |
			   (m->aliases[n->id].hidden ? MD_NAME_HIDDEN : 0);
		break;
	default:
		n->flags = MD_NAME_STREAM |
			   (m->streams[n->id].hidden ? MD_NAME_HIDDEN : 0);
		break;
	}
}

static int finish_names(mdp *p)
{
	ng_metadata *m = p->m;

	m->names = g_new(md_name, m->nindices + m->naliases + m->nstreams + 1);
	for (size_t i = 0; i < m->nindices; i++)
		put_name(m, m->indices[i].name, MD_INDEX, (uint32_t)i);
	for (size_t i = 0; i < m->naliases; i++)
		put_name(m, m->aliases[i].name, MD_ALIAS, (uint32_t)i);
	for (size_t i = 0; i < m->nstreams; i++)
		put_name(m, m->streams[i].name, MD_DATA_STREAM, (uint32_t)i);
	qsort(m->names, m->nnames, sizeof(md_name), name_cmp);

	for (size_t i = 0; i < m->nnames; i++)
		name_place(m, &m->names[i], (uint32_t)i);
	return index_names(m);
}

/* ---------------------------------------------------------------------
 * Parsing.
 */

static void md_free(ng_metadata *m)
{
	md_pool *pool;

	if (!m)
		return;
	pool = m->pool;
	if (pool) {
		if (pool->strings)
			g_string_chunk_free(pool->strings);
		g_free(pool->ids);
		g_free(pool->anames);
		g_free(pool->aids);
		g_free(pool);
	}
	pol_strtab_free(m->by_name);
	g_free(m->indices);
	g_free(m->aliases);
	g_free(m->streams);
	g_free(m->names);
	g_free(m->remotes);
	g_free(m);
}

/* Where to report a syntax error cJSON found at `off`. It may stop past
 * the character at fault, on the whitespace after it (as after a trailing
 * comma); the last character before that whitespace is the one to show. */
static size_t error_offset(const mdp *p, size_t off)
{
	size_t i = off < p->len ? off : p->len;

	while (i > 0 && (i == p->len || strchr(" \t\r\n", p->text[i])))
		i--;
	if (i < p->len && !strchr(" \t\r\n", p->text[i]) && p->text[i])
		return i;
	return p->len;	/* nothing but whitespace */
}

/* The offset of the first bracket nested deeper than MD_MAX_DEPTH in the
 * JSON value the text starts with, or SIZE_MAX. cJSON has a limit of its
 * own, but fails past it as if the text were malformed; this one is lower
 * and answers first, and bounds the walks of the tree as well. */
static size_t too_deep(const char *s, size_t n)
{
	int depth = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			i = skip_string(s, n, i) - 1;
		else if ((s[i] == '{' || s[i] == '[') && ++depth > MD_MAX_DEPTH)
			return i;
		else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
			break;
	}
	return SIZE_MAX;
}

static int fail_deep(mdp *p, size_t off)
{
	return md_fail_pos(p, off, NG_ELIMIT, "nested deeper than %d levels",
			   MD_MAX_DEPTH);
}

/* cJSON failed at `end`: past a bracket too deep, that is the error. */
static int fail_parse(mdp *p, const char *end, size_t deep)
{
	size_t off = end && end >= p->text ? (size_t)(end - p->text) : 0;

	if (deep != SIZE_MAX && off >= deep)
		return fail_deep(p, deep);
	return md_fail_syntax(p, error_offset(p, off), "malformed JSON");
}

/* The offset of the first NUL of s[0..n) outside a string, or n. */
static size_t nul_between_tokens(const char *s, size_t n)
{
	bool in_string = false;

	for (size_t i = 0; i < n; i++) {
		if (in_string) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '"')
				in_string = false;
		} else if (s[i] == '"') {
			in_string = true;
		} else if (s[i] == '\0') {
			return i;
		}
	}
	return n;
}

/* The tree, or a syntax error with its position. */
static int parse_json(mdp *p, cJSON **out)
{
	size_t deep = too_deep(p->text, p->len), off, nul;
	const char *end = NULL;

	*out = cJSON_ParseWithLengthOpts(p->text, p->len, &end, 0);
	if (!*out)
		return fail_parse(p, end, deep);
	off = skip_ws(p->text, p->len, (size_t)(end - p->text));
	/* cJSON passes over a NUL between tokens as white space: none may
	 * stand there (in a string, find_nuls names the string) */
	nul = memchr(p->text, '\0', off) ? nul_between_tokens(p->text, off)
					   : off;
	if (nul < off && deep == SIZE_MAX) {
		cJSON_Delete(*out);
		*out = NULL;
		return md_fail_syntax(p, nul, "a NUL character in the text");
	}
	/* NULs may end the text (a C string given with its terminator),
	 * but nothing may follow them: it would be dropped unread */
	nul = off;
	while (nul < p->len && p->text[nul] == '\0')
		nul++;
	if (deep != SIZE_MAX || nul < p->len) {
		cJSON_Delete(*out);
		*out = NULL;
		if (deep != SIZE_MAX)
			return fail_deep(p, deep);
		if (nul > off)
			return md_fail_syntax(p, off, "a NUL character with "
						      "text after it");
		return md_fail_syntax(p, off, "unexpected text after the JSON "
					      "value");
	}
	find_nuls(p, *out);
	return 0;
}

/* A cluster-state body holds none of the compact form's keys: a file
 * giving both forms would otherwise be read as one of them, the other
 * dropped in silence. The first such key, in the text's order, fails. */
static int one_form(mdp *p, const cJSON *root)
{
	static const char *const compact[] = {
		"indices", "aliases", "data_streams"
	};
	const cJSON *c;

	cJSON_ArrayForEach(c, root)
		for (size_t i = 0; i < G_N_ELEMENTS(compact); i++)
			if (!strcmp(c->string, compact[i]))
				return md_fail(p, c, NG_ESCHEMA,
					       "compact form beside "
					       "\"metadata\": a file holds "
					       "one form only");
	return 0;
}

static int parse_tree(mdp *p, const cJSON *root)
{
	const cJSON *md;
	int rc = want_object(p, root);

	if (rc)
		return rc;
	md = cJSON_GetObjectItemCaseSensitive(root, "metadata");
	if (md && (rc = one_form(p, root)))
		return rc;
	rc = md ? parse_state(p, md) : parse_compact(p, root);
	if (!rc)
		rc = read_remotes(p, root);
	if (!rc)
		rc = read_version(p, root);
	return rc;
}

static void mdp_init(mdp *p, ng_metadata *m, const char *json, size_t len,
		     const char *file, ng_error *err)
{
	memset(p, 0, sizeof(*p));
	p->text = json;
	p->len = len;
	p->file = file;
	p->err = err;
	p->m = m;
	p->pool = g_new0(md_pool, 1);
	p->pool->strings = g_string_chunk_new(1 << 16);
	p->tab = g_hash_table_new(g_str_hash, g_str_equal);
	p->apairs = g_array_new(FALSE, FALSE, sizeof(md_pair));
	p->spairs = g_array_new(FALSE, FALSE, sizeof(md_pair));
	m->refs = 1;
	m->pool = p->pool;
}

int md_parse(const char *json, size_t len, const char *file,
	     ng_metadata **out, ng_error *err)
{
	ng_metadata *m = g_new0(ng_metadata, 1);
	cJSON *root = NULL;
	mdp p;
	int rc;

	*out = NULL;
	mdp_init(&p, m, json, len, file, err);
	rc = parse_json(&p, &root);
	if (!rc) {
		p.root = root;
		rc = parse_tree(&p, root);
	}
	if (!rc) {
		finish_aliases(&p);
		finish_links(m);
		rc = finish_names(&p);
		if (rc)
			md_fail(&p, NULL, rc, "out of memory indexing the names");
	}

	cJSON_Delete(root);
	if (p.tab)
		g_hash_table_destroy(p.tab);
	if (p.nuls)
		g_hash_table_destroy(p.nuls);
	g_array_free(p.apairs, TRUE);
	g_array_free(p.spairs, TRUE);
	if (rc)
		md_free(m);
	else
		*out = m;
	return rc;
}

/* ---------------------------------------------------------------------
 * Lookups. No allocation: they run on the request path.
 */

/* strcmp order of the first n bytes of `name` against key[0..n). */
static int cmp_prefix(const md_name *name, const char *key, size_t n)
{
	size_t k = name->len < n ? name->len : n;
	int r = memcmp(name->name, key, k);

	if (r)
		return r;
	return name->len < n ? -1 : 0;
}

/* First position whose name's first n bytes compare >= key (or > key). */
static size_t bound(const ng_metadata *m, const char *key, size_t n,
		    bool upper)
{
	size_t lo = 0, hi = m->nnames;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cmp_prefix(&m->names[mid], key, n);

		if (r < 0 || (upper && r == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const md_name *md_lookup(const ng_metadata *m, const char *name, size_t n)
{
	const pol_strslot *e;

	if (!m || !name || !m->by_name || memchr(name, '\0', n))
		return NULL;
	e = pol_strtab_slot(m->by_name, name, n, pol_str_hash(name, n));
	return e->key ? &m->names[e->value] : NULL;
}

void md_prefix_range(const ng_metadata *m, const char *prefix, size_t n,
		     size_t *first, size_t *count)
{
	size_t lo, hi;

	if (!m) {
		*first = *count = 0;
		return;
	}
	lo = bound(m, prefix, n, false);
	hi = bound(m, prefix, n, true);
	*first = lo;
	*count = hi - lo;
}

bool md_is_remote_cluster(const ng_metadata *m, const char *name, size_t n)
{
	if (!m || !name)
		return false;
	for (size_t i = 0; i < m->nremotes; i++)
		if (strlen(m->remotes[i]) == n &&
		    !memcmp(m->remotes[i], name, n))
			return true;
	return false;
}

/* ---------------------------------------------------------------------
 * The public API.
 */

static int api_fail(int code, const char *file, const char *what,
		    const char *detail)
{
	ng_error e;

	memset(&e, 0, sizeof(e));
	e.code = code;
	snprintf(e.file, sizeof(e.file), "%s", file ? file : "");
	snprintf(e.message, sizeof(e.message), "%s%s%s", what,
		 detail ? ": " : "", detail ? detail : "");
	ng_set_last_error(&e);
	return code;
}

/* Fail to read the file at `path`, into *e. */
static int read_fail(ng_error *e, int code, const char *path,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int read_fail(ng_error *e, int code, const char *path,
		     const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	snprintf(e->file, sizeof(e->file), "%s", path);
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	return code;
}

/* The room to read into next: doubled, up to one byte past the limit. */
static size_t grow(size_t cap, size_t max)
{
	if (!cap)
		return max < (1 << 16) ? max + 1 : 1 << 16;
	return cap > max / 2 ? max + 1 : 2 * cap;
}

/* Read `f` to its end into buf[0..*n), growing buf; stops past `max`
 * bytes and at a NUL byte, which no JSON text holds, so that a device
 * such as /dev/zero fails on its first block. 0 or an errno value. */
static int read_stream(FILE *f, size_t max, char **buf, size_t *n)
{
	size_t cap = 0, got = 0;
	char *grown;

	do {
		if (*n > max || (*n && memchr(*buf + *n - got, '\0', got)))
			return 0;
		if (*n == cap) {
			cap = grow(cap, max);
			if (!(grown = realloc(*buf, cap + 1)))
				return ENOMEM;
			*buf = grown;
		}
		got = fread(*buf + *n, 1, cap - *n, f);
		*n += got;
	} while (got > 0);
	return ferror(f) ? (errno ? errno : EIO) : 0;
}

/* What read_stream() stopped at: more than `max` bytes, or a NUL. */
static int read_check(const char *path, const char *text, size_t n,
		      size_t max, ng_error *e)
{
	const char *nul = memchr(text, '\0', n);

	if (nul) {
		line_col(text, (size_t)(nul - text), &e->line, &e->column);
		return read_fail(e, NG_ESYNTAX, path, "metadata file holds a "
				 "NUL byte: it is not a JSON text");
	}
	if (n > max)
		return read_fail(e, NG_ELIMIT, path, "metadata file exceeds "
				 "the limit of %zu bytes", max);
	return 0;
}

/* A regular file says its size: one too large fails before it is read.
 * Pipes and devices say none, and are stopped at the limit instead. */
static int check_size(FILE *f, const char *path, size_t max, ng_error *e)
{
	struct stat st;

	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) ||
	    (uintmax_t)st.st_size <= max)
		return 0;
	return read_fail(e, NG_ELIMIT, path, "metadata file of %jd bytes "
			 "exceeds the limit of %zu bytes",
			 (intmax_t)st.st_size, max);
}

/* The whole file, NUL-terminated, of at most `max` bytes. */
static int read_file(const char *path, size_t max, char **text,
		     size_t *len, ng_error *e)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	int rc;

	if (!f)
		return read_fail(e, NG_EIO, path, "cannot read metadata "
				 "file: %s", strerror(errno));
	if ((rc = check_size(f, path, max, e))) {
		fclose(f);
		return rc;
	}
	rc = read_stream(f, max, &buf, &n);
	fclose(f);
	if (rc == ENOMEM)
		rc = read_fail(e, NG_ENOMEM, path,
			       "out of memory reading metadata");
	else if (rc)
		rc = read_fail(e, NG_EIO, path, "cannot read metadata file: "
			       "%s", strerror(rc));
	else
		rc = read_check(path, buf, n, max, e);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

int md_load(const char *path, size_t max_bytes, ng_metadata **out,
	    ng_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = read_file(path, max_bytes, &text, &len, err);
	if (!rc)
		rc = md_parse(text, len, path, out, err);
	free(text);
	return rc;
}

int ng_metadata_parse(const char *json, size_t len, ng_metadata **out)
{
	ng_error e;
	int rc;

	if (out)
		*out = NULL;
	if (!json || !out)
		return api_fail(NG_EINVAL, NULL,
				"ng_metadata_parse: null argument", NULL);
	memset(&e, 0, sizeof(e));
	rc = md_parse(json, len, NULL, out, &e);
	if (rc)
		ng_set_last_error(&e);
	return rc;
}

int ng_metadata_load(const char *path, ng_metadata **out)
{
	ng_error e;
	int rc;

	if (out)
		*out = NULL;
	if (!path || !out)
		return api_fail(NG_EINVAL, NULL,
				"ng_metadata_load: null argument", NULL);
	memset(&e, 0, sizeof(e));
	rc = md_load(path, MD_MAX_FILE_BYTES, out, &e);
	if (rc)
		ng_set_last_error(&e);
	return rc;
}

ng_metadata *ng_metadata_retain(ng_metadata *m)
{
	if (m)
		__atomic_add_fetch(&m->refs, 1, __ATOMIC_RELAXED);
	return m;
}

void ng_metadata_release(ng_metadata *m)
{
	if (m && __atomic_sub_fetch(&m->refs, 1, __ATOMIC_ACQ_REL) == 0)
		md_free(m);
}

size_t ng_metadata_index_count(const ng_metadata *m)
{
	return m ? m->nindices : 0;
}
