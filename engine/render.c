/*
 * Decisions as one line of JSON (contract section 4).
 */
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static void put_str(GString *g, const char *s)
{
	g_string_append_c(g, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			g_string_append(g, "\\\"");
			break;
		case '\\':
			g_string_append(g, "\\\\");
			break;
		case '\n':
			g_string_append(g, "\\n");
			break;
		case '\r':
			g_string_append(g, "\\r");
			break;
		case '\t':
			g_string_append(g, "\\t");
			break;
		default:
			if (*p < 0x20)
				g_string_append_printf(g, "\\u%04x", *p);
			else
				g_string_append_c(g, (char)*p);
		}
	}
	g_string_append_c(g, '"');
}

static void put_strs(GString *g, const char *const *v, size_t n)
{
	g_string_append_c(g, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			g_string_append_c(g, ',');
		put_str(g, v[i]);
	}
	g_string_append_c(g, ']');
}

static void put_item_no(GString *g, int item)
{
	if (item < 0)
		g_string_append(g, "null");
	else
		g_string_append_printf(g, "%d", item);
}

static void put_check(GString *g, const dc_check *k)
{
	g_string_append(g, "{\"item\":");
	put_item_no(g, k->item);
	g_string_append(g, ",\"action\":");
	put_str(g, k->action);
	g_string_append_printf(g, ",\"scope\":\"%s\",\"requested\":",
			       k->index_scope ? "index" : "cluster");
	put_strs(g, k->requested, k->nrequested);
	g_string_append(g, ",\"indices\":");
	put_strs(g, k->indices.v, k->indices.n);
	g_string_append(g, ",\"denied\":");
	put_strs(g, k->denied.v, k->denied.n);
	g_string_append_printf(g, ",\"allowed\":%s,\"missing\":",
			       k->allowed ? "true" : "false");
	put_strs(g, &k->missing, k->missing ? 1 : 0);
	g_string_append_c(g, '}');
}

static void put_item(GString *g, const dc_item *it)
{
	g_string_append_printf(g, "{\"item\":%d,\"status\":%d,\"indices\":",
			       it->item, it->status);
	put_strs(g, it->indices.v, it->indices.n);
	g_string_append_c(g, '}');
}

static const char *verdict_text(ng_verdict v)
{
	return v == NG_ALLOW ? "allow" : v == NG_PARTIAL ? "partial" : "deny";
}

static void put_checks_and_items(GString *g, const ng_decision *d)
{
	g_string_append(g, ",\"checks\":[");
	for (size_t i = 0; i < d->nchecks; i++) {
		if (i)
			g_string_append_c(g, ',');
		put_check(g, &d->checks[i]);
	}
	g_string_append(g, "],\"items\":[");
	for (size_t i = 0; i < d->nitems; i++) {
		if (i)
			g_string_append_c(g, ',');
		put_item(g, &d->items[i]);
	}
	g_string_append_c(g, ']');
}

int dc_render(ng_decision *d)
{
	GString *g = g_string_sized_new(512);

	g_string_append(g, "{\"id\":");
	put_str(g, d->id);
	g_string_append_printf(g, ",\"status\":%d,\"decision\":\"%s\",\"reason\":",
			       d->status, verdict_text(d->verdict));
	put_str(g, d->reason ? d->reason : "");
	g_string_append(g, ",\"user\":");
	put_str(g, d->user);
	g_string_append(g, ",\"roles\":");
	put_strs(g, d->roles.v, d->roles.n);
	put_checks_and_items(g, d);
	g_string_append_printf(g, ",\"dls\":%s,\"fls\":%s,\"masked\":%s",
			       d->dls ? d->dls : "{}", d->fls ? d->fls : "{}",
			       d->masked ? d->masked : "{}");
	g_string_append(g, ",\"policy\":");
	put_str(g, d->policy_id ? d->policy_id : "");
	g_string_append_c(g, '}');
	d->json = strdup(g->str);
	g_string_free(g, TRUE);
	return d->json ? 0 : NG_ENOMEM;
}
