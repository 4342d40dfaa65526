/*
 * The metadata snapshot: both JSON forms, lookups by name and prefix,
 * and errors that name the JSON path with its line and column.
 * Fixtures are read from tests/data/metadata (the runner runs in tests/).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "metadata.h"
#include "suites.h"

#define FIXTURES "data/metadata/"

static ng_metadata *load_ok(const char *file)
{
	ng_metadata *m = NULL;
	int rc = ng_metadata_load(file, &m);

	if (rc)
		fprintf(stderr, "\n%s: %s\n", file, ng_last_error()->message);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	return m;
}

/* Parse `json`, expecting failure with `code`; the error is in *err. */
static void parse_fails(const char *json, int code, ng_error *err)
{
	ng_metadata *m = NULL;

	memset(err, 0, sizeof(*err));
	CU_ASSERT_EQUAL(md_parse(json, strlen(json), "m.json", &m, err), code);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(err->code, code);
}

static const md_name *find(const ng_metadata *m, const char *name)
{
	return md_lookup(m, name, strlen(name));
}

static const md_index *index_of(const ng_metadata *m, const char *name)
{
	const md_name *n = find(m, name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL_FATAL(n->kind, MD_INDEX);
	return &m->indices[n->id];
}

static const md_alias *alias_of(const ng_metadata *m, const char *name)
{
	const md_name *n = find(m, name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL_FATAL(n->kind, MD_ALIAS);
	return &m->aliases[n->id];
}

/* The member names of an alias, comma-joined, for exact comparison. */
static void members(const ng_metadata *m, const uint32_t *ids, size_t n,
		    char *buf, size_t cap)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < cap; i++)
		used += snprintf(buf + used, cap - used, "%s%s", i ? "," : "",
				 m->indices[ids[i]].name);
}

static void compact_form_reads_index_flags(void)
{
	ng_metadata *m = load_ok(FIXTURES "compact.json");

	CU_ASSERT_EQUAL(ng_metadata_index_count(m), 6);
	CU_ASSERT_EQUAL(m->version, 42);
	CU_ASSERT_TRUE(index_of(m, "logs-old")->closed);
	CU_ASSERT_FALSE(index_of(m, "logs-old")->hidden);
	CU_ASSERT_TRUE(index_of(m, ".security")->hidden);
	CU_ASSERT_TRUE(index_of(m, ".security")->system);
	CU_ASSERT_FALSE(index_of(m, "logs-1")->closed);
	CU_ASSERT_FALSE(index_of(m, "logs-1")->system);
	CU_ASSERT_PTR_NULL(index_of(m, "logs-1")->data_stream);
	for (size_t i = 0; i < m->nindices; i++)
		CU_ASSERT_EQUAL(m->indices[i].id, i);
	ng_metadata_release(m);
}

static void alias_members_are_the_union_of_both_sides(void)
{
	ng_metadata *m = load_ok(FIXTURES "compact.json");
	const md_alias *logs = alias_of(m, "logs");
	const md_index *l2 = index_of(m, "logs-2");
	char buf[256];

	/* logs-1 on both sides, logs-old only in the map, logs-2 only on the
	 * index and as the write index */
	members(m, logs->indices, logs->nindices, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "logs-1,logs-2,logs-old");
	CU_ASSERT_EQUAL(logs->write_index, l2->id);
	CU_ASSERT_FALSE(logs->filtered);
	CU_ASSERT_EQUAL_FATAL(l2->naliases, 2);
	CU_ASSERT_STRING_EQUAL(l2->aliases[0], "logs");
	CU_ASSERT_STRING_EQUAL(l2->aliases[1], "recent");
	CU_ASSERT_EQUAL(index_of(m, "logs-old")->naliases, 1);
	CU_ASSERT_TRUE(alias_of(m, "secured")->filtered);
	CU_ASSERT_TRUE(alias_of(m, "secured")->hidden);
	ng_metadata_release(m);
}

static void single_index_alias_writes_to_that_index(void)
{
	ng_metadata *m = load_ok(FIXTURES "compact.json");

	CU_ASSERT_EQUAL(alias_of(m, "recent")->write_index,
			index_of(m, "logs-2")->id);
	CU_ASSERT_EQUAL(alias_of(m, "secured")->write_index,
			index_of(m, ".security")->id);
	ng_metadata_release(m);
}

static void data_stream_lists_backing_indices_in_order(void)
{
	ng_metadata *m = load_ok(FIXTURES "compact.json");
	const md_name *n = find(m, "metrics");
	const md_stream *s;
	char buf[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL_FATAL(n->kind, MD_DATA_STREAM);
	s = &m->streams[n->id];
	members(m, s->indices, s->nindices, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, ".ds-metrics-000002,.ds-metrics-000001");
	CU_ASSERT_STRING_EQUAL(index_of(m, ".ds-metrics-000002")->data_stream,
			       "metrics");
	CU_ASSERT_STRING_EQUAL(index_of(m, ".ds-metrics-000001")->data_stream,
			       "metrics");
	ng_metadata_release(m);
}

static void index_names_its_stream_when_the_stream_does_not(void)
{
	const char *json =
		"{\"indices\": {\"b1\": {}, \"b2\": {\"data_stream\": \"s\"}},"
		" \"data_streams\": {\"s\": {\"indices\": [\"b1\"]}}}";
	ng_metadata *m = NULL;
	ng_error err;
	char buf[64];

	CU_ASSERT_EQUAL_FATAL(md_parse(json, strlen(json), NULL, &m, &err), 0);
	members(m, m->streams[0].indices, m->streams[0].nindices, buf,
		sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "b1,b2");
	ng_metadata_release(m);
}

static void names_are_sorted_and_found_by_length(void)
{
	ng_metadata *m = load_ok(FIXTURES "compact.json");
	const md_name *n;

	/* 6 indices, 3 aliases, 1 data stream */
	CU_ASSERT_EQUAL_FATAL(m->nnames, 10);
	for (size_t i = 1; i < m->nnames; i++)
		CU_ASSERT_TRUE(strcmp(m->names[i - 1].name,
				      m->names[i].name) < 0);
	CU_ASSERT_STRING_EQUAL(m->names[0].name, ".ds-metrics-000001");
	CU_ASSERT_STRING_EQUAL(m->names[9].name, "secured");

	n = md_lookup(m, "logs-1,logs-2", 6);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(n->name, "logs-1");
	CU_ASSERT_EQUAL(n->len, 6);
	CU_ASSERT_PTR_NULL(find(m, "logs-3"));
	CU_ASSERT_PTR_NULL(find(m, "log"));
	CU_ASSERT_PTR_NULL(md_lookup(m, "logs\0-1", 7));
	ng_metadata_release(m);
}

static void long_name_lookup_finds_nothing_without_allocating(void)
{
	ng_metadata *m = load_ok(FIXTURES "compact.json");
	char longname[600];

	memset(longname, 'a', sizeof(longname));
	CU_ASSERT_PTR_NULL(md_lookup(m, longname, sizeof(longname)));
	ng_metadata_release(m);
}

/* Every name of a few thousand, of every length up to 255 bytes, is
 * found with its own kind and id; one byte more or less finds another
 * name or nothing. */
static void every_name_is_found_by_its_exact_bytes(void)
{
	GString *s = g_string_new("{\"indices\": {");
	ng_metadata *m = NULL;
	ng_error err;
	char name[300];

	for (int i = 0; i < 3000; i++) {
		size_t len = 1 + (size_t)i % 255;
		int k = snprintf(name, sizeof(name), "%d-", i);

		while ((size_t)k < len)
			name[k++] = (char)('a' + i % 26);
		name[k] = '\0';
		g_string_append_printf(s, "%s\"%s\": {}", i ? ", " : "", name);
	}
	g_string_append(s, "}, \"aliases\": {\"all\": {\"indices\": [\"0-\"]}}}");
	CU_ASSERT_EQUAL_FATAL(md_parse(s->str, s->len, NULL, &m, &err), 0);
	CU_ASSERT_EQUAL_FATAL(m->nindices, 3000);
	for (size_t i = 0; i < m->nindices; i++) {
		const char *ix = m->indices[i].name;
		size_t n = strlen(ix);
		const md_name *hit = md_lookup(m, ix, n);

		CU_ASSERT_PTR_NOT_NULL_FATAL(hit);
		CU_ASSERT_EQUAL(hit->kind, MD_INDEX);
		CU_ASSERT_EQUAL(hit->id, i);
		hit = md_lookup(m, ix, n - 1);
		CU_ASSERT_TRUE(!hit || (hit->len == n - 1 &&
					!memcmp(hit->name, ix, n - 1)));
		snprintf(name, sizeof(name), "%s!", ix);
		CU_ASSERT_PTR_NULL(md_lookup(m, name, n + 1));
	}
	CU_ASSERT_EQUAL(md_lookup(m, "all", 3)->kind, MD_ALIAS);
	ng_metadata_release(m);
	g_string_free(s, TRUE);
}

static void prefix_range_covers_exactly_the_names_with_the_prefix(void)
{
	ng_metadata *m = load_ok(FIXTURES "compact.json");
	size_t first, count;

	md_prefix_range(m, "logs", 4, &first, &count);
	CU_ASSERT_EQUAL(count, 4);	/* logs logs-1 logs-2 logs-old */
	CU_ASSERT_STRING_EQUAL(m->names[first].name, "logs");
	CU_ASSERT_STRING_EQUAL(m->names[first + 3].name, "logs-old");

	md_prefix_range(m, "logs-", 5, &first, &count);
	CU_ASSERT_EQUAL(count, 3);
	md_prefix_range(m, ".", 1, &first, &count);
	CU_ASSERT_EQUAL(first, 0);
	CU_ASSERT_EQUAL(count, 3);
	md_prefix_range(m, "", 0, &first, &count);
	CU_ASSERT_EQUAL(count, 10);
	md_prefix_range(m, "zzz", 3, &first, &count);
	CU_ASSERT_EQUAL(first, 10);
	CU_ASSERT_EQUAL(count, 0);
	md_prefix_range(m, "logs-old-and-more", 17, &first, &count);
	CU_ASSERT_EQUAL(count, 0);
	ng_metadata_release(m);
}

static void remote_clusters_are_known_by_exact_name(void)
{
	ng_metadata *m = load_ok(FIXTURES "compact.json");

	CU_ASSERT_TRUE(md_is_remote_cluster(m, "eu", 2));
	CU_ASSERT_TRUE(md_is_remote_cluster(m, "us-east:logs", 7));
	CU_ASSERT_FALSE(md_is_remote_cluster(m, "e", 1));
	CU_ASSERT_FALSE(md_is_remote_cluster(m, "eu-west", 7));
	CU_ASSERT_FALSE(md_is_remote_cluster(m, "logs-1", 6));
	ng_metadata_release(m);
}

static void cluster_state_reads_state_settings_and_system(void)
{
	ng_metadata *m = load_ok(FIXTURES "cluster_state.json");

	CU_ASSERT_EQUAL(ng_metadata_index_count(m), 6);
	CU_ASSERT_FALSE(index_of(m, "app-1")->closed);
	CU_ASSERT_FALSE(index_of(m, "app-1")->hidden);
	CU_ASSERT_TRUE(index_of(m, "app-2")->closed);
	CU_ASSERT_TRUE(index_of(m, "app-2")->hidden);   /* flat setting */
	CU_ASSERT_TRUE(index_of(m, ".kibana_1")->hidden);
	CU_ASSERT_TRUE(index_of(m, ".kibana_1")->system);
	CU_ASSERT_FALSE(index_of(m, "app-1")->system);
	CU_ASSERT_EQUAL(m->nremotes, 0);
	ng_metadata_release(m);
}

static void cluster_state_reads_both_alias_shapes(void)
{
	ng_metadata *m = load_ok(FIXTURES "cluster_state.json");
	const md_alias *app = alias_of(m, "app"), *w = alias_of(m, "app-write");
	char buf[128];

	members(m, app->indices, app->nindices, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "app-1,app-2");
	CU_ASSERT_TRUE(app->filtered);
	CU_ASSERT_FALSE(app->hidden);
	CU_ASSERT_EQUAL(app->write_index, -1);
	members(m, w->indices, w->nindices, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "app-2,app-3");
	CU_ASSERT_EQUAL(w->write_index, index_of(m, "app-2")->id);
	CU_ASSERT_TRUE(w->hidden);
	CU_ASSERT_EQUAL(alias_of(m, ".kibana")->write_index,
			index_of(m, ".kibana_1")->id);
	ng_metadata_release(m);
}

static void cluster_state_reads_data_streams(void)
{
	ng_metadata *m = load_ok(FIXTURES "cluster_state.json");
	const md_name *n = find(m, "events");
	char buf[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_EQUAL_FATAL(n->kind, MD_DATA_STREAM);
	members(m, m->streams[n->id].indices, m->streams[n->id].nindices, buf,
		sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, ".ds-events-000001,.ds-events-000002");
	CU_ASSERT_STRING_EQUAL(index_of(m, ".ds-events-000002")->data_stream,
			       "events");
	ng_metadata_release(m);
}

static void explicit_non_write_index_is_not_made_the_write_index(void)
{
	const char *json =
		"{\"metadata\": {\"indices\": {\"a\": {\"aliases\": "
		"{\"x\": {\"is_write_index\": false}}}}}}";
	ng_metadata *m = NULL;
	ng_error err;

	CU_ASSERT_EQUAL_FATAL(md_parse(json, strlen(json), NULL, &m, &err), 0);
	CU_ASSERT_EQUAL(alias_of(m, "x")->nindices, 1);
	CU_ASSERT_EQUAL(alias_of(m, "x")->write_index, -1);
	ng_metadata_release(m);
}

static void bad_json_reports_file_line_and_column(void)
{
	ng_metadata *m = NULL;
	const ng_error *e;

	CU_ASSERT_EQUAL(ng_metadata_load(FIXTURES "bad_syntax.json", &m),
			NG_ESYNTAX);
	CU_ASSERT_PTR_NULL(m);
	e = ng_last_error();
	CU_ASSERT_EQUAL(e->code, NG_ESYNTAX);
	CU_ASSERT_STRING_EQUAL(e->file, FIXTURES "bad_syntax.json");
	CU_ASSERT_EQUAL(e->line, 3);
	CU_ASSERT_EQUAL(e->column, 32);
	CU_ASSERT_STRING_EQUAL(e->message, "malformed JSON near \"}\"");
}

static void text_after_the_json_value_is_a_syntax_error(void)
{
	ng_error err;

	parse_fails("{\"indices\": {}}\n\n  x", NG_ESYNTAX, &err);
	CU_ASSERT_EQUAL(err.line, 3);
	CU_ASSERT_EQUAL(err.column, 3);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "unexpected text after the JSON value near \"x\"");
}

static void empty_input_is_a_syntax_error_at_the_start(void)
{
	ng_error err;

	parse_fails("", NG_ESYNTAX, &err);
	CU_ASSERT_EQUAL(err.line, 1);
	CU_ASSERT_EQUAL(err.column, 1);
	CU_ASSERT_STRING_EQUAL(err.message, "malformed JSON at end of input");
	parse_fails("  \n", NG_ESYNTAX, &err);
	CU_ASSERT_EQUAL(err.line, 2);
	CU_ASSERT_EQUAL(err.column, 1);
}

static void wrong_type_names_the_json_path_and_position(void)
{
	ng_metadata *m = NULL;
	const ng_error *e;

	CU_ASSERT_EQUAL(ng_metadata_load(FIXTURES "bad_type.json", &m),
			NG_ESCHEMA);
	e = ng_last_error();
	CU_ASSERT_STRING_EQUAL(e->file, FIXTURES "bad_type.json");
	CU_ASSERT_EQUAL(e->line, 3);
	CU_ASSERT_EQUAL(e->column, 26);
	CU_ASSERT_STRING_EQUAL(e->message,
			       "indices.logs-1.hidden: expected a boolean");
}

static void column_counts_characters_not_bytes(void)
{
	ng_error err;

	parse_fails("{\"indices\": {\"\xc3\xa9t\xc3\xa9\": {\"closed\": 1}}}",
		    NG_ESCHEMA, &err);
	CU_ASSERT_EQUAL(err.line, 1);
	CU_ASSERT_EQUAL(err.column, 32);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "indices.\xc3\xa9t\xc3\xa9.closed: "
			       "expected a boolean");
}

/* A message is one line of UTF-8, whatever the names in it hold. */
static void assert_printable(const char *msg)
{
	CU_ASSERT_TRUE(g_utf8_validate(msg, -1, NULL));
	for (const char *c = msg; *c; c++)
		CU_ASSERT_FALSE((unsigned char)*c < 0x20);
}

static void unusual_names_are_quoted_in_error_paths(void)
{
	ng_error err;

	parse_fails("{\"indices\": {\".sec\": {\"hidden\": 1}}}", NG_ESCHEMA,
		    &err);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "indices.\".sec\".hidden: expected a boolean");
	parse_fails("{\"indices\": {\"a\\tb\": {\"closed\": 0}}}",
		    NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "indices.\"a\\x09b\".closed: expected a boolean");
	assert_printable(err.message);
	parse_fails("{\"indices\": {\"a\\\"b\": {}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "indices.\"a\\\"b\": "
			       "index name cannot contain '\"'");
}

static void syntax_error_quotes_stay_valid_utf8(void)
{
	ng_error err;

	parse_fails("{\"indices\": \xff\xfe\x01}", NG_ESYNTAX, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "malformed JSON near \"???}\"");
	assert_printable(err.message);
	parse_fails("{\"indices\": {}} \xc3", NG_ESYNTAX, &err);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "unexpected text after the JSON value near \"?\"");
}

/* A text may end with NULs, as a C string given with its terminator;
 * text after a NUL would be dropped unread, so it is refused. */
static void text_after_a_nul_is_refused(void)
{
	static const char ended[] = "{\"indices\": {\"a\": {}}}\0\0";
	static const char more[] = "{\"indices\": {\"a\": {}}}\0{\"b\": 1}";
	ng_metadata *m = NULL;
	ng_error err = { 0 };

	CU_ASSERT_EQUAL(md_parse(ended, sizeof(ended), "m.json", &m, &err), 0);
	CU_ASSERT_PTR_NOT_NULL(m);
	ng_metadata_release(m);
	m = NULL;
	CU_ASSERT_EQUAL(md_parse(more, sizeof(more) - 1, "m.json", &m, &err),
			NG_ESYNTAX);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(err.line, 1);
	CU_ASSERT_EQUAL(err.column, 23);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message,
				      "a NUL character with text after it"));
	/* nor inside the text, where cJSON would skip it as white space */
	static const char inside[] = "{\"indices\": {\"a\": {},\0\"b\": {}}}";

	m = NULL;
	CU_ASSERT_EQUAL(md_parse(inside, sizeof(inside) - 1, "m.json", &m,
				 &err), NG_ESYNTAX);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(err.column, 22);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.message,
				      "a NUL character in the text"));
}

/* Parse `json`, expecting a schema error that says `msg`. */
static void refused(const char *json, const char *msg)
{
	ng_error err;

	parse_fails(json, NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, msg);
	if (strcmp(err.message, msg))
		fprintf(stderr, "\n  got: %s\n", err.message);
	assert_printable(err.message);
}

static void names_that_are_not_utf8_are_refused(void)
{
	ng_error err;

	parse_fails("{\"indices\": {\"logs-\xff\": {}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "indices.\"logs-\\xff\": "
			       "index name is not valid UTF-8");
	CU_ASSERT_EQUAL(err.line, 1);
	CU_ASSERT_EQUAL(err.column, 24);
	/* overlong, a surrogate, a sequence cut short */
	refused("{\"indices\": {}, \"aliases\": {\"\xc0\xaf\": {}}}",
		"aliases.\"\\xc0\\xaf\": alias name is not valid UTF-8");
	refused("{\"indices\": {}, \"data_streams\": {\"s\xed\xa0\x80\": {}}}",
		"data_streams.\"s\\xed\\xa0\\x80\": "
		"data stream name is not valid UTF-8");
	refused("{\"metadata\": {\"indices\": {\"a\": {\"aliases\": "
		"{\"\xe2\x82\": {}}}}}}", "metadata.indices.a.aliases."
		"\"\\xe2\\x82\": alias name is not valid UTF-8");
	/* names given as strings, and the other strings read */
	refused("{\"indices\": {\"a\": {\"aliases\": [\"x\xfe\"]}}}",
		"indices.a.aliases[0]: string is not valid UTF-8");
	refused("{\"indices\": {\"a\": {}}, \"aliases\": {\"x\": "
		"{\"indices\": [\"a\", \"\xff\"]}}}",
		"aliases.x.indices[1]: string is not valid UTF-8");
	refused("{\"indices\": {}, \"remote_clusters\": [\"\xff\"]}",
		"remote_clusters[0]: string is not valid UTF-8");
}

/* A name no cluster holds, and the reason the error gives. */
static const struct {
	const char *json;	/* inside the JSON quotes */
	const char *why;
} bad_names[] = {
	{ "", "is empty" },
	{ ".", "cannot be \".\" or \"..\"" },
	{ "..", "cannot be \".\" or \"..\"" },
	{ "-logs", "cannot start with '-'" },
	{ "_logs", "cannot start with '_'" },
	{ "+logs", "cannot start with '+'" },
	{ "logs-*", "cannot contain '*'" },
	{ "lo?s", "cannot contain '?'" },
	{ "a,b", "cannot contain ','" },
	{ "a\\\"b", "cannot contain '\"'" },
	{ "a\\\\b", "cannot contain '\\'" },
	{ "a/b", "cannot contain '/'" },
	{ "a|b", "cannot contain '|'" },
	{ "a<b", "cannot contain '<'" },
	{ "a>b", "cannot contain '>'" },
	{ "a b", "cannot contain a space" },
	{ "a#b", "cannot contain '#'" },
};

/* Where each kind of name is given, and what the error calls it. */
static const struct {
	const char *fmt, *noun;
} name_places[] = {
	{ "{\"indices\": {\"%s\": {}}}", "index" },
	{ "{\"indices\": {}, \"aliases\": {\"%s\": {}}}", "alias" },
	{ "{\"indices\": {}, \"data_streams\": {\"%s\": {}}}", "data stream" },
	{ "{\"indices\": {\"a\": {\"aliases\": [\"%s\"]}}}", "alias" },
	{ "{\"metadata\": {\"indices\": {\"%s\": {}}}}", "index" },
};

static void names_no_cluster_holds_are_refused(void)
{
	for (size_t w = 0; w < G_N_ELEMENTS(name_places); w++)
		for (size_t i = 0; i < G_N_ELEMENTS(bad_names); i++) {
			char *json = g_strdup_printf(name_places[w].fmt,
						     bad_names[i].json);
			char *tail = g_strdup_printf(": %s name %s",
						     name_places[w].noun,
						     bad_names[i].why);
			ng_error err;

			parse_fails(json, NG_ESCHEMA, &err);
			CU_ASSERT_TRUE(g_str_has_suffix(err.message, tail));
			assert_printable(err.message);
			g_free(json);
			g_free(tail);
		}
}

static void index_and_stream_names_must_be_lowercase(void)
{
	refused("{\"indices\": {\"Logs\": {}}}",
		"indices.Logs: index name must be lowercase");
	refused("{\"indices\": {\"\\u00c9t\\u00e9\": {}}}",
		"indices.\xc3\x89t\xc3\xa9: index name must be lowercase");
	refused("{\"indices\": {}, \"data_streams\": {\"Metrics\": {}}}",
		"data_streams.Metrics: data stream name must be lowercase");
}

static void a_name_longer_than_255_bytes_is_refused(void)
{
	GString *s = g_string_new("{\"indices\": {\"");
	ng_metadata *m = NULL;
	ng_error err;

	/* 255 bytes: 85 three-byte characters */
	for (int i = 0; i < 85; i++)
		g_string_append(s, "\xe2\x82\xac");
	g_string_append(s, "\": {}}}");
	CU_ASSERT_EQUAL(md_parse(s->str, s->len, NULL, &m, &err), 0);
	ng_metadata_release(m);

	g_string_insert(s, 14, "x");
	parse_fails(s->str, NG_ESCHEMA, &err);
	CU_ASSERT_TRUE(g_str_has_suffix(err.message,
					": index name is longer than 255 bytes"));
	g_string_free(s, TRUE);
}

static void names_clusters_hold_are_accepted(void)
{
	const char *json =
		"{\"indices\": {\".ds-logs-app-000001\": {}, \".kibana_1\": {},"
		" \"logs:2019\": {}, \"a+b-c_d.e\": {}, \"\xc3\xa9t\xc3\xa9\": {},"
		" \"x\": {\"aliases\": [\"MyAlias\", \".kibana\"]}},"
		" \"data_streams\": {\".logs-deprecation.elasticsearch-default\":"
		" {\"indices\": [\".ds-logs-app-000001\"]}}}";
	ng_metadata *m = NULL;
	ng_error err;

	CU_ASSERT_EQUAL_FATAL(md_parse(json, strlen(json), NULL, &m, &err), 0);
	CU_ASSERT_EQUAL(m->nindices, 6);
	CU_ASSERT_PTR_NOT_NULL(find(m, "MyAlias"));
	CU_ASSERT_PTR_NOT_NULL(find(m, "logs:2019"));
	CU_ASSERT_PTR_NOT_NULL(
		find(m, ".logs-deprecation.elasticsearch-default"));
	ng_metadata_release(m);
}

static void a_nul_in_a_name_is_refused_not_cut(void)
{
	static const char raw[] = "{\"indices\": {\"a\0b\": {}}}";
	ng_metadata *m = NULL;
	ng_error err;

	parse_fails("{\"indices\": {\"a\\u0000b\": {}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "indices.\"a\\u0000b\": "
			       "key holds a NUL character");
	CU_ASSERT_EQUAL(err.line, 1);
	CU_ASSERT_EQUAL(err.column, 14);

	memset(&err, 0, sizeof(err));
	CU_ASSERT_EQUAL(md_parse(raw, sizeof(raw) - 1, NULL, &m, &err),
			NG_ESCHEMA);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_STRING_EQUAL(err.message, "indices.\"a\\x00b\": "
			       "key holds a NUL character");

	refused("{\"indices\": {\"a\": {\"aliases\": [\"x\\u0000y\"]}}}",
		"indices.a.aliases[0]: string \"x\\u0000y\" holds a NUL "
		"character");
	refused("{\"indices\": {}, \"remote_clusters\": [\"eu\\u0000x\"]}",
		"remote_clusters[0]: string \"eu\\u0000x\" holds a NUL "
		"character");
}

static void a_nul_in_any_key_or_string_read_is_refused(void)
{
	/* found past values of every kind, and whitespace cJSON skips */
	refused("{\"version\": 1, \"indices\": {\"a\": {\"hidden\": false,\n"
		"\t\"n\": [1, -2.5e3, null, {}, [], {\"k\": \"v\"}] ,\r\n"
		"\"aliases\" :\x01[ \"z\", \"y\\u0000\" ]}}}",
		"indices.a.aliases[1]: string \"y\\u0000\" holds a NUL "
		"character");
	refused("{\"indices\": {\"a\": {\"hidden\\u0000x\": true}}}",
		"indices.a.\"hidden\\u0000x\": key holds a NUL character");
	refused("{\"indices\\u0000\": {}}",
		"\"indices\\u0000\": key holds a NUL character");
	refused("{\"metadata\": {\"indices\": {\"a\": {\"state\": "
		"\"open\\u0000x\"}}}}", "metadata.indices.a.state: string "
		"\"open\\u0000x\" holds a NUL character");
	refused("{\"metadata\": {\"indices\": {\"a\": {\"settings\": "
		"{\"index.hidden\": \"true\\u0000\"}}}}}",
		"metadata.indices.a.settings.\"index.hidden\": string "
		"\"true\\u0000\" holds a NUL character");
}

static void a_nul_where_nothing_is_read_is_no_error(void)
{
	/* an escaped backslash before u0000, a NUL inside an alias filter,
	 * and a NUL after the value, where a C caller's terminator is */
	static const char json[] =
		"{\"indices\": {\"a\": {\"note\": \"x\\\\u0000\"}},"
		" \"aliases\": {\"x\": {\"indices\": [\"a\"],"
		" \"filter\": {\"term\": {\"f\": \"\\u0000\"}}}}}";
	ng_metadata *m = NULL;
	ng_error err;

	CU_ASSERT_EQUAL_FATAL(md_parse(json, sizeof(json), NULL, &m, &err), 0);
	CU_ASSERT_TRUE(alias_of(m, "x")->filtered);
	ng_metadata_release(m);
}

/* An index holding arrays nested so that the text is `depth` deep. */
static GString *nested(int depth)
{
	GString *s = g_string_new("{\"indices\": {\"a\": {\"x\": ");

	for (int i = 3; i < depth; i++)
		g_string_append_c(s, '[');
	for (int i = 3; i < depth; i++)
		g_string_append_c(s, ']');
	g_string_append(s, "}}}");
	return s;
}

static void nesting_is_limited_with_its_own_error(void)
{
	GString *s = nested(MD_MAX_DEPTH);
	ng_metadata *m = NULL;
	ng_error err;

	CU_ASSERT_EQUAL(md_parse(s->str, s->len, NULL, &m, &err), 0);
	ng_metadata_release(m);
	g_string_free(s, TRUE);

	s = nested(MD_MAX_DEPTH + 1);
	parse_fails(s->str, NG_ELIMIT, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "nested deeper than 512 levels");
	CU_ASSERT_EQUAL(err.line, 1);
	CU_ASSERT_EQUAL(err.column, 24 + MD_MAX_DEPTH + 1 - 3);
	g_string_free(s, TRUE);

	/* past cJSON's own limit, where it would say "malformed" */
	s = nested(5000);
	parse_fails(s->str, NG_ELIMIT, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "nested deeper than 512 levels");
	g_string_free(s, TRUE);
}

static void a_syntax_error_before_deep_nesting_is_reported_first(void)
{
	GString *s = nested(2000);
	ng_error err;

	s->str[10] = '?';	/* {"indices"? ... */
	parse_fails(s->str, NG_ESYNTAX, &err);
	CU_ASSERT_TRUE(g_str_has_prefix(err.message, "malformed JSON near"));
	g_string_free(s, TRUE);
}

static void brackets_in_strings_do_not_nest(void)
{
	GString *s = g_string_new("{\"indices\": {\"a\": {\"x\": \"");
	ng_metadata *m = NULL;
	ng_error err;

	for (int i = 0; i < 2 * MD_MAX_DEPTH; i++)
		g_string_append(s, "[{\\\"");
	g_string_append(s, "\"}}}");
	CU_ASSERT_EQUAL(md_parse(s->str, s->len, NULL, &m, &err), 0);
	ng_metadata_release(m);
	g_string_free(s, TRUE);
}

static void dangling_alias_member_is_an_error_naming_it(void)
{
	ng_metadata *m = NULL;
	const ng_error *e;

	CU_ASSERT_EQUAL(ng_metadata_load(FIXTURES "dangling_alias.json", &m),
			NG_ESCHEMA);
	e = ng_last_error();
	CU_ASSERT_EQUAL(e->line, 4);
	CU_ASSERT_EQUAL(e->column, 36);
	CU_ASSERT_STRING_EQUAL(e->message,
			       "aliases.logs.indices[1]: unknown index \"logs-9\"");
}

static void dangling_write_index_is_an_error(void)
{
	ng_error err;

	parse_fails("{\"indices\": {\"a\": {}}, \"aliases\": "
		    "{\"x\": {\"write_index\": \"b\"}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "aliases.x.write_index: unknown index \"b\"");
}

static void a_write_index_that_is_no_member_is_refused(void)
{
	ng_error err;

	parse_fails("{\"indices\": {\"a\": {}, \"b\": {}}, \"aliases\": "
		    "{\"x\": {\"indices\": [\"a\"],\n \"write_index\": \"b\"}}}",
		    NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "aliases.x.write_index: write "
			       "index \"b\" is not a member of alias \"x\"");
	CU_ASSERT_EQUAL(err.line, 2);
	CU_ASSERT_EQUAL(err.column, 17);
	/* the write index alone does not make the index a member */
	refused("{\"indices\": {\"a\": {}}, \"aliases\": "
		"{\"x\": {\"write_index\": \"a\"}}}",
		"aliases.x.write_index: write index \"a\" is not a member "
		"of alias \"x\"");
	refused("{\"indices\": {\"a\": {\"aliases\": [\"x\"]}, \"b\": "
		"{\"aliases\": [\"y\"]}}, \"aliases\": "
		"{\"x\": {\"write_index\": \"b\"}}}",
		"aliases.x.write_index: write index \"b\" is not a member "
		"of alias \"x\"");
}

static void a_write_index_listed_on_either_side_is_accepted(void)
{
	const char *json =
		"{\"indices\": {\"a\": {\"aliases\": [\"x\"]}, \"b\": {}},"
		" \"aliases\": {\"x\": {\"write_index\": \"a\"},"
		" \"y\": {\"indices\": [\"a\", \"b\"], \"write_index\": \"b\"}}}";
	ng_metadata *m = NULL;
	ng_error err;

	CU_ASSERT_EQUAL_FATAL(md_parse(json, strlen(json), NULL, &m, &err), 0);
	CU_ASSERT_EQUAL(alias_of(m, "x")->write_index, index_of(m, "a")->id);
	CU_ASSERT_EQUAL(alias_of(m, "x")->nindices, 1);
	CU_ASSERT_EQUAL(alias_of(m, "y")->write_index, index_of(m, "b")->id);
	ng_metadata_release(m);
}

/* In the cluster-state form is_write_index sits in an index's own entry
 * for the alias, so the write index is always one of the members. */
static void a_cluster_state_write_index_is_a_member(void)
{
	const char *json =
		"{\"metadata\": {\"indices\": {\"a\": {\"aliases\": "
		"{\"x\": {\"is_write_index\": true}}}, \"b\": {\"aliases\": "
		"[\"x\"]}}}}";
	ng_metadata *m = NULL;
	ng_error err;
	char buf[64];

	CU_ASSERT_EQUAL_FATAL(md_parse(json, strlen(json), NULL, &m, &err), 0);
	members(m, alias_of(m, "x")->indices, alias_of(m, "x")->nindices, buf,
		sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "a,b");
	CU_ASSERT_EQUAL(alias_of(m, "x")->write_index, index_of(m, "a")->id);
	ng_metadata_release(m);
}

static void dangling_stream_references_are_errors(void)
{
	ng_error err;

	parse_fails("{\"indices\": {\"a\": {\"data_stream\": \"nope\"}}}",
		    NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "indices.a.data_stream: "
			       "unknown data stream \"nope\"");
	parse_fails("{\"indices\": {}, \"data_streams\": "
		    "{\"s\": {\"indices\": [\"gone\"]}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "data_streams.s.indices[0]: unknown index \"gone\"");
	parse_fails("{\"metadata\": {\"indices\": {}, \"data_stream\": "
		    "{\"data_stream\": {\"s\": {\"indices\": "
		    "[{\"index_name\": \"gone\"}]}}}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "metadata.data_stream.data_stream.s.indices[0]"
			       ".index_name: unknown index \"gone\"");
}

static void index_in_two_streams_is_an_error(void)
{
	ng_error err;

	parse_fails("{\"indices\": {\"b\": {\"data_stream\": \"t\"}},"
		    " \"data_streams\": {\"s\": {\"indices\": [\"b\"]},"
		    " \"t\": {}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "indices.b.data_stream: index "
			       "\"b\" is in data streams \"s\" and \"t\"");
}

static void a_name_used_twice_is_an_error(void)
{
	ng_error err;

	parse_fails("{\"indices\": {\"a\": {}, \"b\": {\"aliases\": [\"a\"]}}}",
		    NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "indices.b.aliases[0]: \"a\" is "
			       "already the name of an index");
	parse_fails("{\"indices\": {\"a\": {\"aliases\": [\"s\"]}}, "
		    "\"data_streams\": {\"s\": {}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "indices.a.aliases[0]: \"s\" is "
			       "already the name of a data stream");
}

static void a_key_given_twice_is_an_error_at_every_level_read(void)
{
	ng_error err;

	parse_fails("{\"indices\": {\"a\": {}},\n \"indices\": {\"b\": {}}}",
		    NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "indices: duplicate key; "
			       "first at line 1, column 13");
	CU_ASSERT_EQUAL(err.line, 2);
	CU_ASSERT_EQUAL(err.column, 13);
	refused("{\"indices\": {\"a\": {}, \"a\": {\"closed\": true}}}",
		"indices.a: duplicate key; first at line 1, column 19");
	refused("{\"indices\": {\"a\": {\"hidden\": false, \"hidden\": true}}}",
		"indices.a.hidden: duplicate key; first at line 1, column 30");
	refused("{\"indices\": {\"a\": {}, \"b\": {}}, \"aliases\": "
		"{\"x\": {\"indices\": [\"a\"]}, \"x\": {\"indices\": [\"b\"]}}}",
		"aliases.x: duplicate key; first at line 1, column 50");
	refused("{\"indices\": {}, \"data_streams\": {\"s\": {}, \"s\": {}}}",
		"data_streams.s: duplicate key; first at line 1, column 39");
}

static void cluster_state_keys_given_twice_are_errors(void)
{
	refused("{\"metadata\": {\"indices\": {}}, \"metadata\": "
		"{\"indices\": {\"a\": {}}}}",
		"metadata: duplicate key; first at line 1, column 14");
	refused("{\"metadata\": {\"indices\": {\"a\": {\"aliases\": {\"x\": {},"
		" \"x\": {\"is_write_index\": true}}}}}}",
		"metadata.indices.a.aliases.x: duplicate key; "
		"first at line 1, column 50");
	refused("{\"metadata\": {\"indices\": {\"a\": {\"settings\": {\"index\":"
		" {\"hidden\": \"true\", \"hidden\": \"false\"}}}}}}",
		"metadata.indices.a.settings.index.hidden: duplicate key; "
		"first at line 1, column 66");
}

static void a_setting_given_flat_and_nested_is_refused(void)
{
	ng_error err;

	parse_fails("{\"metadata\": {\"indices\": {\"a\": {\"settings\": "
		    "{\"index.hidden\": \"true\",\n \"index\": "
		    "{\"hidden\": \"false\"}}}}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "metadata.indices.a.settings.index"
			       ".hidden: setting \"index.hidden\" given both "
			       "flat and nested; first at line 1, column 62");
	CU_ASSERT_EQUAL(err.line, 2);
	CU_ASSERT_EQUAL(err.column, 22);
	/* nested first: the flat key is the later one; agreeing values and
	 * a null are no excuse */
	refused("{\"metadata\": {\"indices\": {\"a\": {\"settings\": "
		"{\"index\": {\"hidden\": true}, \"index.hidden\": true}}}}}",
		"metadata.indices.a.settings.\"index.hidden\": setting "
		"\"index.hidden\" given both flat and nested; "
		"first at line 1, column 66");
	refused("{\"metadata\": {\"indices\": {\"a\": {\"settings\": "
		"{\"index\": {\"hidden\": null}, \"index.hidden\": true}}}}}",
		"metadata.indices.a.settings.\"index.hidden\": setting "
		"\"index.hidden\" given both flat and nested; "
		"first at line 1, column 66");
}

static void a_setting_given_one_way_is_read(void)
{
	const char *json =
		"{\"metadata\": {\"indices\": {"
		"\"a\": {\"settings\": {\"index.hidden\": \"true\", "
		"\"index\": {\"number_of_shards\": \"1\"}}},"
		"\"b\": {\"settings\": {\"index.number_of_shards\": \"1\", "
		"\"index\": {\"hidden\": true}}}}}}";
	ng_metadata *m = NULL;
	ng_error err;

	CU_ASSERT_EQUAL_FATAL(md_parse(json, strlen(json), NULL, &m, &err), 0);
	CU_ASSERT_TRUE(index_of(m, "a")->hidden);
	CU_ASSERT_TRUE(index_of(m, "b")->hidden);
	ng_metadata_release(m);
}

static void a_repeat_among_many_keys_is_found(void)
{
	GString *s = g_string_new("{\"indices\": {");
	ng_error err;

	for (int i = 0; i < 40; i++)
		g_string_append_printf(s, "\"i-%d\": {}, ", i);
	g_string_append(s, "\"i-7\": {}}}");
	parse_fails(s->str, NG_ESCHEMA, &err);
	CU_ASSERT_TRUE(g_str_has_prefix(err.message,
					"indices.i-7: duplicate key; first at"));
	g_string_free(s, TRUE);
}

static void a_key_given_twice_where_nothing_is_read_is_no_error(void)
{
	const char *json =
		"{\"indices\": {\"a\": {}}, \"aliases\": {\"x\": {\"indices\":"
		" [\"a\"], \"filter\": {\"term\": {\"f\": 1, \"f\": 2}}}}}";
	ng_metadata *m = NULL;
	ng_error err;

	CU_ASSERT_EQUAL(md_parse(json, strlen(json), NULL, &m, &err), 0);
	ng_metadata_release(m);
}

static void two_write_indices_are_an_error(void)
{
	ng_error err;

	parse_fails("{\"metadata\": {\"indices\": {"
		    "\"a\": {\"aliases\": {\"x\": {\"is_write_index\": true}}},"
		    "\"b\": {\"aliases\": {\"x\": {\"is_write_index\": true}}}"
		    "}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "metadata.indices.b.aliases.x.is_write_index: "
			       "alias \"x\" has more than one write index");
}

static void a_file_mixing_both_forms_is_refused(void)
{
	ng_error err;

	parse_fails("{\"metadata\": {\"indices\": {\"a\": {}}},\n"
		    " \"indices\": {\"b\": {}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "indices: compact form beside "
			       "\"metadata\": a file holds one form only");
	CU_ASSERT_EQUAL(err.line, 2);
	CU_ASSERT_EQUAL(err.column, 13);
	refused("{\"indices\": null, \"metadata\": {\"indices\": {}}}",
		"indices: compact form beside \"metadata\": "
		"a file holds one form only");
	refused("{\"metadata\": {\"indices\": {}}, \"aliases\": {}}",
		"aliases: compact form beside \"metadata\": "
		"a file holds one form only");
	refused("{\"metadata\": {\"indices\": {}}, \"data_streams\": {}}",
		"data_streams: compact form beside \"metadata\": "
		"a file holds one form only");
}

static void wrong_shapes_are_schema_errors(void)
{
	ng_error err;

	parse_fails("[1, 2]", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "top level: expected an object");
	parse_fails("{\"aliases\": {}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "top level: missing \"indices\"");
	parse_fails("{\"indices\": {\"a\": {\"aliases\": \"x\"}}}", NG_ESCHEMA,
		    &err);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "indices.a.aliases: expected an array of strings");
	parse_fails("{\"indices\": {\"a\": {\"aliases\": [\"x\", 3]}}}",
		    NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "indices.a.aliases[1]: expected a string");
	parse_fails("{\"indices\": {}, \"version\": 1.5}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "version: expected an integer");
	parse_fails("{\"indices\": {}, \"remote_clusters\": [true]}",
		    NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "remote_clusters[0]: expected a string");
	parse_fails("{\"indices\": []}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "indices: expected an object");
}

static void cluster_state_wrong_values_are_schema_errors(void)
{
	ng_error err;

	parse_fails("{\"metadata\": {\"indices\": {\"a\": {\"state\": "
		    "\"frozen\"}}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "metadata.indices.a.state: "
			       "expected \"open\" or \"close\"");
	parse_fails("{\"metadata\": {\"indices\": {\"a\": {\"settings\": "
		    "{\"index\": {\"hidden\": \"yes\"}}}}}}", NG_ESCHEMA, &err);
	CU_ASSERT_STRING_EQUAL(err.message, "metadata.indices.a.settings."
			       "index.hidden: expected a boolean");
	parse_fails("{\"metadata\": {\"indices\": {\"a\": {\"aliases\": "
		    "{\"x\": {\"is_write_index\": \"true\"}}}}}}", NG_ESCHEMA,
		    &err);
	CU_ASSERT_STRING_EQUAL(err.message, "metadata.indices.a.aliases.x."
			       "is_write_index: expected a boolean");
}

static void missing_file_is_an_io_error_naming_the_path(void)
{
	ng_metadata *m = (ng_metadata *)1;

	CU_ASSERT_EQUAL(ng_metadata_load(FIXTURES "no-such.json", &m), NG_EIO);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_STRING_EQUAL(ng_last_error()->file, FIXTURES "no-such.json");
	CU_ASSERT_STRING_EQUAL(ng_last_error()->message,
			       "cannot read metadata file: "
			       "No such file or directory");
}

/* A temporary file holding `len` bytes of `text`, or of zeros when NULL
 * (a sparse file); its name, to unlink and free. */
static char *temp_file(const char *text, size_t len)
{
	char *name = NULL;
	int fd = g_file_open_tmp("ng-metadata-XXXXXX.json", &name, NULL);

	CU_ASSERT_FATAL(fd >= 0);
	if (text) {
		CU_ASSERT_EQUAL(write(fd, text, len), (ssize_t)len);
	} else {
		CU_ASSERT_EQUAL(ftruncate(fd, (off_t)len), 0);
	}
	close(fd);
	return name;
}

/* 64 bytes of metadata: one index, padded with spaces. */
static void text64(char *buf)
{
	memset(buf, ' ', 64);
	memcpy(buf, "{\"indices\": {\"a\": {}}}", 22);
	buf[64] = '\0';
}

static void a_file_over_the_size_limit_is_refused_unread(void)
{
	char buf[65], *name;
	ng_metadata *m = NULL;
	ng_error err;

	text64(buf);
	name = temp_file(buf, 64);
	memset(&err, 0, sizeof(err));
	CU_ASSERT_EQUAL(md_load(name, 64, &m, &err), 0);
	CU_ASSERT_EQUAL(ng_metadata_index_count(m), 1);
	ng_metadata_release(m);

	CU_ASSERT_EQUAL(md_load(name, 63, &m, &err), NG_ELIMIT);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_STRING_EQUAL(err.file, name);
	CU_ASSERT_STRING_EQUAL(err.message, "metadata file of 64 bytes "
			       "exceeds the limit of 63 bytes");
	unlink(name);
	g_free(name);
}

/* Load `len` bytes of `text` through a pipe, which has no size to ask. */
static int load_piped(const char *text, size_t len, size_t max,
		      ng_metadata **m, ng_error *err)
{
	int fds[2], rc;
	char path[64];

	CU_ASSERT_FATAL(pipe(fds) == 0);
	CU_ASSERT_EQUAL(write(fds[1], text, len), (ssize_t)len);
	close(fds[1]);
	snprintf(path, sizeof(path), "/dev/fd/%d", fds[0]);
	memset(err, 0, sizeof(*err));
	rc = md_load(path, max, m, err);
	close(fds[0]);
	return rc;
}

static void a_stream_is_read_up_to_the_size_limit_only(void)
{
	ng_metadata *m = NULL;
	ng_error err;
	char buf[65];

	text64(buf);
	CU_ASSERT_EQUAL(load_piped(buf, 64, 64, &m, &err), 0);
	CU_ASSERT_EQUAL(ng_metadata_index_count(m), 1);
	ng_metadata_release(m);

	CU_ASSERT_EQUAL(load_piped(buf, 64, 63, &m, &err), NG_ELIMIT);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_STRING_EQUAL(err.message,
			       "metadata file exceeds the limit of 63 bytes");
}

static void the_size_limit_is_one_gib(void)
{
	char *name = temp_file(NULL, MD_MAX_FILE_BYTES + 1);
	ng_metadata *m = NULL;

	/* one byte over: refused from its size, without reading it */
	CU_ASSERT_EQUAL(ng_metadata_load(name, &m), NG_ELIMIT);
	CU_ASSERT_STRING_EQUAL(ng_last_error()->message,
			       "metadata file of 1073741825 bytes exceeds "
			       "the limit of 1073741824 bytes");
	unlink(name);
	g_free(name);

	/* at the limit: read, and refused on its first byte, a NUL */
	name = temp_file(NULL, MD_MAX_FILE_BYTES);
	CU_ASSERT_EQUAL(ng_metadata_load(name, &m), NG_ESYNTAX);
	CU_ASSERT_STRING_EQUAL(ng_last_error()->message,
			       "metadata file holds a NUL byte: "
			       "it is not a JSON text");
	unlink(name);
	g_free(name);
}

static void an_endless_device_fails_at_once(void)
{
	struct timespec t0, t1;
	ng_metadata *m = NULL;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL(ng_metadata_load("/dev/zero", &m), NG_ESYNTAX);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_STRING_EQUAL(ng_last_error()->file, "/dev/zero");
	CU_ASSERT_EQUAL(ng_last_error()->line, 1);
	CU_ASSERT_EQUAL(ng_last_error()->column, 1);
	CU_ASSERT_TRUE((t1.tv_sec - t0.tv_sec) +
		       (t1.tv_nsec - t0.tv_nsec) / 1e9 < 0.5);
}

static void a_nul_byte_in_a_file_names_its_position(void)
{
	static const char text[] = "{\"indices\":\n {\"a\0\": {}}}";
	char *name = temp_file(text, sizeof(text) - 1);
	ng_metadata *m = NULL;

	CU_ASSERT_EQUAL(ng_metadata_load(name, &m), NG_ESYNTAX);
	CU_ASSERT_EQUAL(ng_last_error()->line, 2);
	CU_ASSERT_EQUAL(ng_last_error()->column, 5);
	unlink(name);
	g_free(name);
}

static void public_parse_checks_arguments_and_reports_errors(void)
{
	ng_metadata *m = NULL;

	CU_ASSERT_EQUAL(ng_metadata_parse(NULL, 0, &m), NG_EINVAL);
	CU_ASSERT_EQUAL(ng_metadata_parse("{}", 2, NULL), NG_EINVAL);
	CU_ASSERT_EQUAL(ng_metadata_parse("{\"indices\": 1}", 14, &m),
			NG_ESCHEMA);
	CU_ASSERT_STRING_EQUAL(ng_last_error()->message,
			       "indices: expected an object");
	CU_ASSERT_STRING_EQUAL(ng_last_error()->file, "");
	CU_ASSERT_EQUAL(ng_metadata_parse("{\"indices\": {}} trailing", 15,
					  &m), 0);
	CU_ASSERT_EQUAL(ng_metadata_index_count(m), 0);
	CU_ASSERT_EQUAL(ng_metadata_index_count(NULL), 0);
	ng_metadata_release(m);
}

static void retain_and_release_count_references(void)
{
	ng_metadata *m = load_ok(FIXTURES "compact.json");

	CU_ASSERT_PTR_EQUAL(ng_metadata_retain(m), m);
	CU_ASSERT_EQUAL(m->refs, 2);
	ng_metadata_release(m);
	CU_ASSERT_EQUAL(m->refs, 1);
	ng_metadata_release(m);	/* frees: the sanitizer run checks it */
	ng_metadata_release(NULL);
	CU_ASSERT_PTR_NULL(ng_metadata_retain(NULL));
}

/* 100,000 indices, every tenth with an alias, one stream per thousand. */
static GString *big_metadata(void)
{
	GString *s = g_string_sized_new(8u << 20);

	g_string_append(s, "{\"indices\": {");
	for (int i = 0; i < 100000; i++)
		g_string_append_printf(s, "%s\"idx-%06d\": {\"hidden\": %s, "
				       "\"aliases\": [%s]}", i ? "," : "", i,
				       i % 7 ? "false" : "true",
				       i % 10 ? "" : "\"every-tenth\"");
	g_string_append(s, "}, \"data_streams\": {");
	for (int i = 0; i < 100; i++)
		g_string_append_printf(s, "%s\"ds-%d\": {\"indices\": "
				       "[\"idx-%06d\"]}", i ? "," : "", i,
				       i * 1000 + 1);
	g_string_append(s, "}}");
	return s;
}

static void hundred_thousand_indices_parse_well_under_a_second(void)
{
#if defined(__SANITIZE_ADDRESS__)
	const double limit = 5.0;	/* instrumented code runs slower */
#else
	const double limit = 1.0;
#endif
	GString *s = big_metadata();
	ng_metadata *m = NULL;
	struct timespec t0, t1;
	size_t first, count;
	ng_error err;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL_FATAL(md_parse(s->str, s->len, NULL, &m, &err), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CU_ASSERT_TRUE((t1.tv_sec - t0.tv_sec) +
		       (t1.tv_nsec - t0.tv_nsec) / 1e9 < limit);

	CU_ASSERT_EQUAL(m->nindices, 100000);
	CU_ASSERT_EQUAL(m->nnames, 100000 + 1 + 100);
	CU_ASSERT_EQUAL(alias_of(m, "every-tenth")->nindices, 10000);
	md_prefix_range(m, "idx-0012", 8, &first, &count);
	CU_ASSERT_EQUAL(count, 100);
	CU_ASSERT_STRING_EQUAL(m->names[first].name, "idx-001200");
	CU_ASSERT_STRING_EQUAL(index_of(m, "idx-050001")->data_stream, "ds-50");
	ng_metadata_release(m);
	g_string_free(s, TRUE);
}

void suite_metadata(void)
{
	NG_ADD_SUITE("metadata",
		NG_TEST(compact_form_reads_index_flags),
		NG_TEST(alias_members_are_the_union_of_both_sides),
		NG_TEST(single_index_alias_writes_to_that_index),
		NG_TEST(data_stream_lists_backing_indices_in_order),
		NG_TEST(index_names_its_stream_when_the_stream_does_not),
		NG_TEST(names_are_sorted_and_found_by_length),
		NG_TEST(long_name_lookup_finds_nothing_without_allocating),
		NG_TEST(every_name_is_found_by_its_exact_bytes),
		NG_TEST(prefix_range_covers_exactly_the_names_with_the_prefix),
		NG_TEST(remote_clusters_are_known_by_exact_name),
		NG_TEST(cluster_state_reads_state_settings_and_system),
		NG_TEST(cluster_state_reads_both_alias_shapes),
		NG_TEST(cluster_state_reads_data_streams),
		NG_TEST(explicit_non_write_index_is_not_made_the_write_index),
		NG_TEST(bad_json_reports_file_line_and_column),
		NG_TEST(text_after_the_json_value_is_a_syntax_error),
		NG_TEST(empty_input_is_a_syntax_error_at_the_start),
		NG_TEST(wrong_type_names_the_json_path_and_position),
		NG_TEST(column_counts_characters_not_bytes),
		NG_TEST(unusual_names_are_quoted_in_error_paths),
		NG_TEST(syntax_error_quotes_stay_valid_utf8),
		NG_TEST(text_after_a_nul_is_refused),
		NG_TEST(names_that_are_not_utf8_are_refused),
		NG_TEST(names_no_cluster_holds_are_refused),
		NG_TEST(index_and_stream_names_must_be_lowercase),
		NG_TEST(a_name_longer_than_255_bytes_is_refused),
		NG_TEST(names_clusters_hold_are_accepted),
		NG_TEST(a_nul_in_a_name_is_refused_not_cut),
		NG_TEST(a_nul_in_any_key_or_string_read_is_refused),
		NG_TEST(a_nul_where_nothing_is_read_is_no_error),
		NG_TEST(nesting_is_limited_with_its_own_error),
		NG_TEST(a_syntax_error_before_deep_nesting_is_reported_first),
		NG_TEST(brackets_in_strings_do_not_nest),
		NG_TEST(dangling_alias_member_is_an_error_naming_it),
		NG_TEST(dangling_write_index_is_an_error),
		NG_TEST(a_write_index_that_is_no_member_is_refused),
		NG_TEST(a_write_index_listed_on_either_side_is_accepted),
		NG_TEST(a_cluster_state_write_index_is_a_member),
		NG_TEST(dangling_stream_references_are_errors),
		NG_TEST(index_in_two_streams_is_an_error),
		NG_TEST(a_name_used_twice_is_an_error),
		NG_TEST(a_key_given_twice_is_an_error_at_every_level_read),
		NG_TEST(cluster_state_keys_given_twice_are_errors),
		NG_TEST(a_setting_given_flat_and_nested_is_refused),
		NG_TEST(a_setting_given_one_way_is_read),
		NG_TEST(a_repeat_among_many_keys_is_found),
		NG_TEST(a_key_given_twice_where_nothing_is_read_is_no_error),
		NG_TEST(two_write_indices_are_an_error),
		NG_TEST(a_file_mixing_both_forms_is_refused),
		NG_TEST(wrong_shapes_are_schema_errors),
		NG_TEST(cluster_state_wrong_values_are_schema_errors),
		NG_TEST(missing_file_is_an_io_error_naming_the_path),
		NG_TEST(a_file_over_the_size_limit_is_refused_unread),
		NG_TEST(a_stream_is_read_up_to_the_size_limit_only),
		NG_TEST(the_size_limit_is_one_gib),
		NG_TEST(an_endless_device_fails_at_once),
		NG_TEST(a_nul_byte_in_a_file_names_its_position),
		NG_TEST(public_parse_checks_arguments_and_reports_errors),
		NG_TEST(retain_and_release_count_references),
		NG_TEST(hundred_thousand_indices_parse_well_under_a_second));
}
