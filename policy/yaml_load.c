/*
 * YAML documents with positions: parsing with libyaml, the checks every
 * file gets (valid UTF-8, bounded depth, no NUL in a string, one
 * document, no duplicate keys) and typed accessors that report wrong
 * types at the node's line and column.
 */
#define POL_INTERNAL
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "policy.h"

void *pol_ld_node(const pol_ld *ld, int id)
{
	return yaml_document_get_node(ld->doc, id);
}

void *pol_ld_root(const pol_ld *ld)
{
	return yaml_document_get_root_node(ld->doc);
}

pol_pos pol_ld_pos(const pol_ld *ld, const void *node)
{
	const yaml_node_t *n = node;
	pol_pos p = { ld->file, 0, 0 };

	if (n) {
		p.line = (int)n->start_mark.line + 1;
		p.col = (int)n->start_mark.column + 1;
	}
	return p;
}

int pol_ld_fail(const pol_ld *ld, const void *node, int code,
		const char *fmt, ...)
{
	pol_pos p = pol_ld_pos(ld, node);
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pol_fail(ld->err, code, p.file, p.line, p.col, "%s", msg);
}

int pol_ld_warn(const pol_ld *ld, const void *node, const char *fmt, ...)
{
	pol_pos p = pol_ld_pos(ld, node);
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return pol_warn(ld->m, &p, "%s", msg);
}

int pol_ld_legacy(const pol_ld *ld, const void *node, const char *what)
{
	return pol_ld_fail(ld, node, NG_ESCHEMA,
			   "%s is in the legacy config_version 1 format; "
			   "migrate it to config_version 2", what);
}

static bool is_null_text(const char *v)
{
	return !*v || !strcmp(v, "~") || !strcmp(v, "null") ||
	       !strcmp(v, "Null") || !strcmp(v, "NULL");
}

const char *pol_ld_scalar(const void *node, bool *is_scalar)
{
	const yaml_node_t *n = node;
	const char *v;

	*is_scalar = n && n->type == YAML_SCALAR_NODE;
	if (!*is_scalar)
		return NULL;
	v = (const char *)n->data.scalar.value;
	if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && is_null_text(v))
		return NULL;
	return v;
}

static int syntax_error(pol_ld *ld, const yaml_parser_t *ps)
{
	const yaml_mark_t *mk = &ps->problem_mark;
	const char *ctx = ps->context ? ps->context : "";

	if (ps->error == YAML_MEMORY_ERROR)
		return pol_fail(ld->err, NG_ENOMEM, ld->file, 0, 0,
				"out of memory");
	return pol_fail(ld->err, NG_ESYNTAX, ld->file, (int)mk->line + 1,
			(int)mk->column + 1, "%s%s%s",
			ps->problem ? ps->problem : "malformed yaml",
			*ctx ? " " : "", ctx);
}

/* ---------------------------------------------------------------------
 * Checks of the text and of its events, before a document is built.
 */

/* UTF-16, with its byte order mark, is libyaml's to decode. */
static bool is_utf16(const char *text, size_t len)
{
	return len >= 2 && ((text[0] == '\xff' && text[1] == '\xfe') ||
			    (text[0] == '\xfe' && text[1] == '\xff'));
}

/* Line and column (from 1) of byte `off` of a text that is valid UTF-8
 * before it, counted as libyaml counts them: columns in characters, a
 * line ending at \n, \r\n or \r, a leading byte order mark not counted. */
static void pos_at(const char *text, size_t off, int *line, int *col)
{
	size_t start = 0;

	*line = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n' ||
		    (text[i] == '\r' && (i + 1 == off || text[i + 1] != '\n'))) {
			(*line)++;
			start = i + 1;
		}
	}
	if (!start && off >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		start = 3;
	*col = (int)g_utf8_strlen(text + start, (gssize)(off - start)) + 1;
}

/* libyaml reports a bad byte at the start of the file; it is found here
 * instead, so that the error names its line and column. */
static int check_utf8(pol_ld *ld, const char *text, size_t len)
{
	const char *bad;
	int line, col;

	if (is_utf16(text, len) || g_utf8_validate(text, (gssize)len, &bad))
		return 0;
	pos_at(text, (size_t)(bad - text), &line, &col);
	if (!*bad)
		return pol_fail(ld->err, NG_ESYNTAX, ld->file, line, col,
				"NUL byte in the file");
	return pol_fail(ld->err, NG_ESYNTAX, ld->file, line, col,
			"invalid UTF-8 byte 0x%02x", (unsigned char)*bad);
}

/* A parse error of the first pass. libyaml gives its reader's errors (a
 * control character) as a byte offset, without a position. */
static int stream_error(pol_ld *ld, const yaml_parser_t *ps,
			const char *text, size_t len)
{
	int line, col;

	if (ps->error != YAML_READER_ERROR || !ps->problem ||
	    is_utf16(text, len) || ps->problem_offset >= len)
		return syntax_error(ld, ps);
	pos_at(text, ps->problem_offset, &line, &col);
	return pol_fail(ld->err, NG_ESYNTAX, ld->file, line, col,
			"%s (U+%04X)", ps->problem, (unsigned)ps->problem_value);
}

/* One event of the first pass: a mapping or sequence opened past the
 * depth limit, or a scalar holding U+0000 ("\0" or "\u0000" in double
 * quotes), which every reader, taking scalars as C strings, would cut. */
static int check_event(pol_ld *ld, const yaml_event_t *ev, int *depth)
{
	int line = (int)ev->start_mark.line + 1;
	int col = (int)ev->start_mark.column + 1;

	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (strlen((const char *)ev->data.scalar.value) ==
		    ev->data.scalar.length)
			return 0;
		return pol_fail(ld->err, NG_ESYNTAX, ld->file, line, col,
				"string holds a NUL character");
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		if (++*depth <= POL_MAX_YAML_DEPTH)
			return 0;
		return pol_fail(ld->err, NG_ELIMIT, ld->file, line, col,
				"nested deeper than %d levels",
				POL_MAX_YAML_DEPTH);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		(*depth)--;
		return 0;
	default:
		return 0;
	}
}

/* A first pass over the events of the whole stream, stopping at the first
 * fault. libyaml's time grows with the square of the nesting depth; this
 * pass stops where the limit is crossed, before a document is built. */
static int check_events(pol_ld *ld, const char *text, size_t len)
{
	yaml_parser_t ps;
	yaml_event_t ev;
	int depth = 0, rc = 0;
	bool end = false;

	if (!yaml_parser_initialize(&ps))
		return pol_fail(ld->err, NG_ENOMEM, ld->file, 0, 0,
				"out of memory");
	yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
	while (!rc && !end) {
		if (!yaml_parser_parse(&ps, &ev)) {
			rc = stream_error(ld, &ps, text, len);
			break;
		}
		rc = check_event(ld, &ev, &depth);
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&ps);
	return rc;
}

/* ---------------------------------------------------------------------
 * Checks of the document.
 */

/* Keys of one mapping must be distinct, as in a strict YAML reader. */
static int check_keys(pol_ld *ld, yaml_node_t *map, GHashTable *seen)
{
	yaml_node_pair_t *pr;

	g_hash_table_remove_all(seen);
	for (pr = map->data.mapping.pairs.start;
	     pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = pol_ld_node(ld, pr->key);
		const char *key;

		if (!k || k->type != YAML_SCALAR_NODE)
			continue;
		key = (const char *)k->data.scalar.value;
		if (g_hash_table_contains(seen, key))
			return pol_ld_fail(ld, k, NG_ESYNTAX,
					   "duplicate key \"%s\"", key);
		g_hash_table_add(seen, (gpointer)key);
	}
	return 0;
}

static int check_all_keys(pol_ld *ld)
{
	yaml_document_t *doc = ld->doc;
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	int rc = 0;

	for (yaml_node_t *n = doc->nodes.start; !rc && n < doc->nodes.top; n++)
		if (n->type == YAML_MAPPING_NODE)
			rc = check_keys(ld, n, seen);
	g_hash_table_destroy(seen);
	return rc;
}

/* A second document must be empty: the peer reads one per file. */
static int check_single_document(pol_ld *ld, yaml_parser_t *ps)
{
	yaml_document_t extra;
	yaml_node_t *root;
	int rc = 0;

	if (!yaml_parser_load(ps, &extra))
		return syntax_error(ld, ps);
	root = yaml_document_get_root_node(&extra);
	if (root)
		rc = pol_fail(ld->err, NG_ESYNTAX, ld->file,
			      (int)root->start_mark.line + 1,
			      (int)root->start_mark.column + 1,
			      "more than one yaml document in the file");
	yaml_document_delete(&extra);
	return rc;
}

int pol_ld_parse(pol_ld *ld, const char *text, size_t len)
{
	yaml_parser_t ps;
	int rc = 0;

	memset(ld->doc, 0, sizeof(yaml_document_t));
	if ((rc = check_utf8(ld, text, len)) ||
	    (rc = check_events(ld, text, len)))
		return rc;
	if (!yaml_parser_initialize(&ps))
		return pol_fail(ld->err, NG_ENOMEM, ld->file, 0, 0,
				"out of memory");
	yaml_parser_set_input_string(&ps, (const unsigned char *)text, len);
	if (!yaml_parser_load(&ps, ld->doc)) {
		rc = syntax_error(ld, &ps);
		yaml_parser_delete(&ps);
		memset(ld->doc, 0, sizeof(yaml_document_t));
		return rc;
	}
	if (yaml_document_get_root_node(ld->doc))
		rc = check_single_document(ld, &ps);
	yaml_parser_delete(&ps);
	if (!rc)
		rc = check_all_keys(ld);
	if (rc)
		yaml_document_delete(ld->doc);
	return rc;
}

static int wrong_list(const pol_ld *ld, const yaml_node_t *n, const char *key)
{
	return pol_ld_fail(ld, n, NG_ESCHEMA,
			   "expected a list of strings for \"%s\"", key);
}

/* Every item of a sequence must be a string. A null item (null, ~ or an
 * empty "- ") is refused rather than dropped: a list that loses an item
 * without a word grants or maps something other than what was written. */
static int check_items(const pol_ld *ld, const yaml_node_t *seq,
		       const char *key)
{
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *item = pol_ld_node(ld, *it);
		bool sc;

		if (pol_ld_scalar(item, &sc))
			continue;
		if (!sc)
			return wrong_list(ld, item, key);
		return pol_ld_fail(ld, item, NG_ESCHEMA, "expected a string, "
				   "got null, in \"%s\"", key);
	}
	return 0;
}

static int list_alloc(const pol_ld *ld, pol_strlist *out, size_t n)
{
	out->n = 0;
	out->v = pol_pool_alloc(ld->m->pool, (n + 1) * sizeof(char *));
	out->pos = pol_pool_alloc(ld->m->pool, (n + 1) * sizeof(pol_pos));
	if (!out->v || !out->pos)
		return pol_fail(ld->err, NG_ENOMEM, ld->file, 0, 0,
				"out of memory");
	return 0;
}

static int list_push(const pol_ld *ld, pol_strlist *out,
		     const yaml_node_t *n)
{
	char *s = pol_pool_strndup(ld->m->pool,
				   (const char *)n->data.scalar.value,
				   n->data.scalar.length);

	if (!s)
		return pol_fail(ld->err, NG_ENOMEM, ld->file, 0, 0,
				"out of memory");
	out->pos[out->n] = pol_ld_pos(ld, n);
	out->v[out->n++] = s;
	return 0;
}

int pol_ld_strlist(const pol_ld *ld, const void *node, const char *key,
		   bool lenient, pol_strlist *out)
{
	const yaml_node_t *n = node;
	size_t count;
	bool sc;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!n || (pol_ld_scalar(n, &sc) == NULL && sc))
		return 0;
	if (sc && lenient) {
		rc = list_alloc(ld, out, 1);
		return rc ? rc : list_push(ld, out, n);
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return wrong_list(ld, n, key);
	count = (size_t)(n->data.sequence.items.top -
			 n->data.sequence.items.start);
	if ((rc = check_items(ld, n, key)) ||
	    (rc = list_alloc(ld, out, count)))
		return rc;
	for (yaml_node_item_t *it = n->data.sequence.items.start;
	     !rc && it < n->data.sequence.items.top; it++)
		rc = list_push(ld, out, pol_ld_node(ld, *it));
	return rc;
}

int pol_ld_str(const pol_ld *ld, const void *node, const char *key,
	       char **out)
{
	bool sc;
	const char *v = pol_ld_scalar(node, &sc);

	*out = NULL;
	if (!sc)
		return pol_ld_fail(ld, node, NG_ESCHEMA,
				   "expected a string for \"%s\"", key);
	if (!v)
		return 0;
	*out = pol_pool_strdup(ld->m->pool, v);
	return *out ? 0 : pol_fail(ld->err, NG_ENOMEM, ld->file, 0, 0,
				   "out of memory");
}

/* YAML 1.1 spellings, as the peer's reader accepts them; null keeps the
 * default. */
int pol_ld_bool(const pol_ld *ld, const void *node, const char *key,
		bool *out)
{
	static const char *const yes[] = { "true", "yes", "on" };
	static const char *const no[] = { "false", "no", "off" };
	bool sc;
	const char *v = pol_ld_scalar(node, &sc);

	if (sc && !v)
		return 0;
	for (size_t i = 0; sc && i < 3; i++) {
		if (!strcasecmp(v, yes[i]) || !strcasecmp(v, no[i])) {
			*out = !strcasecmp(v, yes[i]);
			return 0;
		}
	}
	return pol_ld_fail(ld, node, NG_ESCHEMA,
			   "expected true or false for \"%s\"", key);
}

static int meta_field(const pol_ld *ld, yaml_node_t *k, yaml_node_t *v,
		      const char *type)
{
	const char *key = (const char *)k->data.scalar.value;
	bool sc;
	const char *val = pol_ld_scalar(v, &sc);

	if (!strcmp(key, "type") && (!val || strcasecmp(val, type)))
		return pol_ld_fail(ld, v, NG_ESCHEMA,
				   "_meta.type is \"%s\", expected \"%s\"",
				   val ? val : "", type);
	if (strcmp(key, "config_version"))
		return 0;
	if (val && !strcmp(val, "1"))
		return pol_ld_legacy(ld, v, ld->file);
	if (!val || strcmp(val, "2"))
		return pol_ld_fail(ld, v, NG_ESCHEMA,
				   "unsupported config_version \"%s\"",
				   val ? val : "");
	return 0;
}

int pol_ld_meta(const pol_ld *ld, const void *val, const char *type)
{
	const yaml_node_t *n = val;
	int rc = 0;

	if (!n || n->type != YAML_MAPPING_NODE)
		return pol_ld_fail(ld, n, NG_ESCHEMA,
				   "expected a mapping for \"_meta\"");
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
	     !rc && pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = pol_ld_node(ld, pr->key);

		if (k && k->type == YAML_SCALAR_NODE)
			rc = meta_field(ld, k, pol_ld_node(ld, pr->value), type);
	}
	return rc;
}
