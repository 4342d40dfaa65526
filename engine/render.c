/*
 * Decisions as one line of JSON (contract section 4).
 *
 * The text is written into the decision's own buffer (d->json, kept
 * with its capacity when the decision is recycled), by hand rather than
 * through printf: runs of characters that need no escaping are copied
 * whole. The result is byte for byte what the contract shows.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

typedef struct jbuf {
	char *p;
	size_t n, cap;
	bool oom;                  /* an allocation failed: the text is lost */
} jbuf;

static bool jb_room(jbuf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->n + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 512;
	while (cap < b->n + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

static void jb_put(jbuf *b, const char *s, size_t n)
{
	if (!jb_room(b, n))
		return;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

#define JB_LIT(b, s) jb_put((b), (s), sizeof(s) - 1)

static void jb_c(jbuf *b, char ch)
{
	if (jb_room(b, 1))
		b->p[b->n++] = ch;
}

static void jb_int(jbuf *b, int v)
{
	char tmp[16];
	size_t k = sizeof(tmp);
	unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;

	do {
		tmp[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		tmp[--k] = '-';
	jb_put(b, tmp + k, sizeof(tmp) - k);
}

/* The escape of one byte that needs it: \", \\, \n, \r, \t, \u00XX. */
static void put_escape(jbuf *b, unsigned char ch)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15] };

	switch (ch) {
	case '"':
		JB_LIT(b, "\\\"");
		break;
	case '\\':
		JB_LIT(b, "\\\\");
		break;
	case '\n':
		JB_LIT(b, "\\n");
		break;
	case '\r':
		JB_LIT(b, "\\r");
		break;
	case '\t':
		JB_LIT(b, "\\t");
		break;
	default:
		jb_put(b, u, sizeof(u));
	}
}

static bool needs_escape(unsigned char ch)
{
	return ch < 0x20 || ch == '"' || ch == '\\';
}

static void put_str(jbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	jb_c(b, '"');
	while (*p) {
		const unsigned char *run = p;

		while (*p && !needs_escape(*p))
			p++;
		jb_put(b, (const char *)run, (size_t)(p - run));
		if (*p)
			put_escape(b, *p++);
	}
	jb_c(b, '"');
}

static void put_strs(jbuf *b, const char *const *v, size_t n)
{
	jb_c(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			jb_c(b, ',');
		put_str(b, v[i]);
	}
	jb_c(b, ']');
}

static void put_check(jbuf *b, const dc_check *k)
{
	JB_LIT(b, "{\"item\":");
	if (k->item < 0)
		JB_LIT(b, "null");
	else
		jb_int(b, k->item);
	JB_LIT(b, ",\"action\":");
	put_str(b, k->action);
	if (k->index_scope)
		JB_LIT(b, ",\"scope\":\"index\",\"requested\":");
	else
		JB_LIT(b, ",\"scope\":\"cluster\",\"requested\":");
	put_strs(b, k->requested, k->nrequested);
	JB_LIT(b, ",\"indices\":");
	put_strs(b, k->indices.v, k->indices.n);
	JB_LIT(b, ",\"denied\":");
	put_strs(b, k->denied.v, k->denied.n);
	if (k->allowed)
		JB_LIT(b, ",\"allowed\":true,\"missing\":");
	else
		JB_LIT(b, ",\"allowed\":false,\"missing\":");
	put_strs(b, &k->missing, k->missing ? 1 : 0);
	jb_c(b, '}');
}

static void put_item(jbuf *b, const dc_item *it)
{
	JB_LIT(b, "{\"item\":");
	jb_int(b, it->item);
	JB_LIT(b, ",\"status\":");
	jb_int(b, it->status);
	JB_LIT(b, ",\"indices\":");
	put_strs(b, it->indices.v, it->indices.n);
	jb_c(b, '}');
}

static const char *verdict_text(ng_verdict v)
{
	return v == NG_ALLOW ? "allow" : v == NG_PARTIAL ? "partial" : "deny";
}

static void put_checks_and_items(jbuf *b, const ng_decision *d)
{
	JB_LIT(b, ",\"checks\":[");
	for (size_t i = 0; i < d->nchecks; i++) {
		if (i)
			jb_c(b, ',');
		put_check(b, &d->checks[i]);
	}
	JB_LIT(b, "],\"items\":[");
	for (size_t i = 0; i < d->nitems; i++) {
		if (i)
			jb_c(b, ',');
		put_item(b, &d->items[i]);
	}
	jb_c(b, ']');
}

/* A JSON object kept as text ("{...}"), or "{}" when NULL. */
static void put_object(jbuf *b, const char *s)
{
	if (!s)
		s = "{}";
	jb_put(b, s, strlen(s));
}

static void put_head(jbuf *b, const ng_decision *d)
{
	const char *v = verdict_text(d->verdict);

	JB_LIT(b, "{\"id\":");
	put_str(b, d->id);
	JB_LIT(b, ",\"status\":");
	jb_int(b, d->status);
	JB_LIT(b, ",\"decision\":\"");
	jb_put(b, v, strlen(v));
	JB_LIT(b, "\",\"reason\":");
	put_str(b, d->reason ? d->reason : "");
	JB_LIT(b, ",\"user\":");
	put_str(b, d->user);
	JB_LIT(b, ",\"roles\":");
	put_strs(b, d->roles.v, d->roles.n);
}

int dc_render(ng_decision *d)
{
	jbuf b = { d->json, 0, d->jsoncap, false };

	put_head(&b, d);
	put_checks_and_items(&b, d);
	JB_LIT(&b, ",\"dls\":");
	put_object(&b, d->dls);
	JB_LIT(&b, ",\"fls\":");
	put_object(&b, d->fls);
	JB_LIT(&b, ",\"masked\":");
	put_object(&b, d->masked);
	JB_LIT(&b, ",\"policy\":");
	put_str(&b, d->policy_id ? d->policy_id : "");
	jb_c(&b, '}');
	d->json = b.p;
	d->jsoncap = b.cap;
	if (b.oom)
		return NG_ENOMEM;
	d->json[b.n] = '\0';
	return 0;
}
