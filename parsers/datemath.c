/*
 * Date-math index names, as OpenSearch resolves them:
 *
 *   <static_name{date_math_expr{date_format|time_zone}}>
 *
 * e.g. "<logs-{now/d{yyyy.MM.dd|+01:00}}>". The scanner follows the core
 * resolver character for character, quirks included, so that the name
 * authorized is the name the cluster will use. The math is evaluated in
 * the time zone, which decides the day (B09).
 *
 * Supported: "now" followed by +N, -N and /unit steps (units y M w d h H m
 * s); Java format letters y u M d H m s S, quoted literals and any other
 * punctuation; offsets ("Z", "+01:00", "-5", "UTC+2") and zone names.
 * A date before "||" in place of "now" is not supported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "parsers.h"

#define DEFAULT_FORMAT "uuuu.MM.dd"

/* Longest "{...}" placeholder read; an index name is 255 bytes at most. */
#define PLACEHOLDER_MAX 1024

/* Zone offsets Java accepts: up to 18 hours either way. */
#define OFFSET_MAX_SECONDS (18 * 3600)

typedef struct dm_out {
	char *p;
	size_t len, cap;
	bool full;
} dm_out;

static void out_put(dm_out *o, const char *s, size_t n)
{
	if (o->full || o->len + n >= o->cap) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void out_putc(dm_out *o, char c)
{
	out_put(o, &c, 1);
}

/* v in decimal, zero-padded to at least `width` digits. */
static void out_num(dm_out *o, long v, int width)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%0*ld", width, v);

	/* hardening (fuzz finding): a width past buf would be read beyond it */
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		o->full = true;
		return;
	}
	out_put(o, buf, (size_t)n);
}

/* ---------------------------------------------------------------------
 * Time zones.
 */

/* s[0..n) as a number, when all digits. */
static bool digits_value(const char *s, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!g_ascii_isdigit(s[i]))
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* The digits of an offset, as java.time.ZoneOffset reads them: "h",
 * "hh", "hhmm", "hh:mm", "hhmmss", "hh:mm:ss". */
static bool offset_digits(const char *s, size_t n, int *secs)
{
	bool colons = n == 5 || n == 8;
	size_t step = colons ? 3 : 2;
	int h, m = 0, sec = 0;

	if (n == 0 || n == 3 || n == 7 || n > 8)
		return false;
	if (colons && (s[2] != ':' || (n == 8 && s[5] != ':')))
		return false;
	if (!digits_value(s, n < 2 ? n : 2, &h))
		return false;
	if (n >= 4 && !digits_value(s + step, 2, &m))
		return false;
	if ((n == 6 || n == 8) && !digits_value(s + 2 * step, 2, &sec))
		return false;
	if (m > 59 || sec > 59)
		return false;
	*secs = h * 3600 + m * 60 + sec;
	return *secs <= OFFSET_MAX_SECONDS;
}

/* "Z", "+01:00", "-5", "UTC", "GMT+2", "UT-03:30": true and the offset
 * in seconds; false when `s` is not an offset. */
static bool parse_offset(const char *s, size_t n, int *secs)
{
	int sign;

	if (n == 1 && s[0] == 'Z') {
		*secs = 0;
		return true;
	}
	if (n >= 3 && (!strncmp(s, "UTC", 3) || !strncmp(s, "GMT", 3))) {
		s += 3;
		n -= 3;
	} else if (n >= 2 && !strncmp(s, "UT", 2)) {
		s += 2;
		n -= 2;
	}
	if (n == 0) {
		*secs = 0;
		return true;
	}
	if (s[0] != '+' && s[0] != '-')
		return false;
	sign = s[0] == '-' ? -1 : 1;
	if (!offset_digits(s + 1, n - 1, secs))
		return false;
	*secs *= sign;
	return true;
}

/* The zone an offset or an identifier such as "Europe/Berlin" names. */
static GTimeZone *parse_zone(const char *s, size_t n)
{
	char name[64];
	int secs;

	if (n == 0)
		return NULL;
	if (parse_offset(s, n, &secs))
		return g_time_zone_new_offset(secs);
	if ( n >= sizeof(name) || s[0] == '+' || s[0] == '-')
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum(s[i]) && !strchr("/_+-", s[i]))
			return NULL;
	memcpy(name, s, n);
	name[n] = '\0';
	return g_time_zone_new_identifier(name);
}

/* ---------------------------------------------------------------------
 * Math: "now", then "+1d", "-2h", "/M" steps.
 */

/* The instant `now_ms` as a time in `tz`. */
static GDateTime *dm_now(int64_t now_ms, GTimeZone *tz)
{
	int64_t sec = now_ms / 1000, ms = now_ms % 1000;
	GDateTime *utc, *exact, *local = NULL;

	if (ms < 0) {
		ms += 1000;
		sec--;
	}
	utc = g_date_time_new_from_unix_utc(sec);
	if (!utc)
		return NULL;
	exact = g_date_time_add(utc, ms * 1000);
	if (exact)
		local = g_date_time_to_timezone(exact, tz);
	g_date_time_unref(utc);
	if (exact)
		g_date_time_unref(exact);
	return local;
}

/* `t` rounded down to the start of its `unit`, in its own zone. */
static GDateTime *round_down(GDateTime *t, GTimeZone *tz, char unit)
{
	int y = g_date_time_get_year(t), mo = g_date_time_get_month(t);
	int d = g_date_time_get_day_of_month(t), h = g_date_time_get_hour(t);
	int mi = g_date_time_get_minute(t), s = g_date_time_get_second(t);
	GDateTime *monday, *r;

	switch (unit) {
	case 'y': return g_date_time_new(tz, y, 1, 1, 0, 0, 0);
	case 'M': return g_date_time_new(tz, y, mo, 1, 0, 0, 0);
	case 'd': return g_date_time_new(tz, y, mo, d, 0, 0, 0);
	case 'h':
	case 'H': return g_date_time_new(tz, y, mo, d, h, 0, 0);
	case 'm': return g_date_time_new(tz, y, mo, d, h, mi, 0);
	case 's': return g_date_time_new(tz, y, mo, d, h, mi, s);
	case 'w': break;
	default: return NULL;
	}
	monday = g_date_time_add_days(t, 1 - g_date_time_get_day_of_week(t));
	if (!monday)
		return NULL;
	r = round_down(monday, tz, 'd');
	g_date_time_unref(monday);
	return r;
}

/* `t` moved by `num` units; NULL for an unknown unit or out of range. */
static GDateTime *add_units(GDateTime *t, char unit, int num)
{
	switch (unit) {
	case 'y': return g_date_time_add_years(t, num);
	case 'M': return g_date_time_add_months(t, num);
	case 'w': return g_date_time_add_weeks(t, num);
	case 'd': return g_date_time_add_days(t, num);
	case 'h':
	case 'H': return g_date_time_add_hours(t, num);
	case 'm': return g_date_time_add_minutes(t, num);
	case 's': return g_date_time_add_seconds(t, num);
	default: return NULL;
	}
}

/* One step at s[*i]: its operator, count and unit. */
static const char *read_step(const char *s, size_t n, size_t *i, char *op,
			     long *num, char *unit)
{
	*op = s[(*i)++];
	if (*op != '/' && *op != '+' && *op != '-')
		return "operator not supported in date math";
	if (*i >= n)
		return "truncated date math";
	*num = 1;
	if (g_ascii_isdigit(s[*i])) {
		*num = 0;
		while (*i < n && g_ascii_isdigit(s[*i]))
			if ((*num = *num * 10 + (s[(*i)++] - '0')) > G_MAXINT32)
				return "number too large in date math";
		if (*i >= n)
			return "truncated date math";
	}
	if (*op == '/' && *num != 1)
		return "rounding '/' takes a single unit";
	*unit = s[(*i)++];
	if (!strchr("yMwdhHms", *unit))
		return "unit not supported in date math";
	return NULL;
}

/* Evaluate "now..." in `tz`; *t is the result (the caller unrefs it). */
static const char *eval_math(const char *s, size_t n, int64_t now_ms,
			     GTimeZone *tz, GDateTime **t)
{
	size_t i = 3;

	if (n < 3 || strncmp(s, "now", 3))
		return "date math must start with 'now'";
	if (!(*t = dm_now(now_ms, tz)))
		return "date out of range";
	while (i < n) {
		long num;
		char op, unit;
		const char *why = read_step(s, n, &i, &op, &num, &unit);
		GDateTime *next;

		if (why)
			return why;
		if (op == '-')
			num = -num;
		if (op == '/')
			next = round_down(*t, tz, unit);
		else
			next = add_units(*t, unit, (int)num);
		if (!next)
			return "date out of range";
		g_date_time_unref(*t);
		*t = next;
	}
	return NULL;
}

/* ---------------------------------------------------------------------
 * Formats: the letters of Java's DateTimeFormatter that names use.
 */

static const char *const month_short[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};
static const char *const month_long[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static const char *put_month(dm_out *o, int month, int count)
{
	if (count > 4)
		return "too many pattern letters in date format";
	if (count >= 3) {
		const char *s = count == 3 ? month_short[month - 1]
					   : month_long[month - 1];

		out_put(o, s, strlen(s));
	} else {
		out_num(o, month, count);
	}
	return NULL;
}

/* The first `digits` digits of the fraction of the second. */
static long fraction(GDateTime *t, int digits)
{
	long v = g_date_time_get_microsecond(t) * 1000L;

	for (int k = digits; k < 9; k++)
		v /= 10;
	return v;
}

/* A run of `count` letters `c`, as Java prints it. */
static const char *put_field(dm_out *o, GDateTime *t, char c, int count)
{
	int year = g_date_time_get_year(t);

	switch (c) {
	case 'y':
	case 'u':
		if (count == 2)
			out_num(o, year % 100, 2);
		else
			out_num(o, year, count);
		return NULL;
	case 'M': return put_month(o, g_date_time_get_month(t), count);
	case 'S':
		if (count > 9)
			return "too many pattern letters in date format";
		out_num(o, fraction(t, count), count);
		return NULL;
	case 'Y':
		return "unsupported letter 'Y' (week-based year) in date "
		       "format; 'y' is the year";
	case 'd': case 'H': case 'm': case 's':
		break;
	default: return "unsupported letter in date format";
	}
	if (count > 2)
		return "too many pattern letters in date format";
	switch (c) {
	case 'd': out_num(o, g_date_time_get_day_of_month(t), count); break;
	case 'H': out_num(o, g_date_time_get_hour(t), count); break;
	case 'm': out_num(o, g_date_time_get_minute(t), count); break;
	default: out_num(o, g_date_time_get_second(t), count); break;
	}
	return NULL;
}

/* A quoted literal at pat[*i] == '\''; "''" is one quote. */
static const char *put_quoted(dm_out *o, const char *pat, size_t n,
			      size_t *i)
{
	size_t j = *i + 1;

	if (j < n && pat[j] == '\'') {
		out_putc(o, '\'');
		*i = j + 1;
		return NULL;
	}
	for (; j < n; j++) {
		if (pat[j] != '\'') {
			out_putc(o, pat[j]);
		} else if (j + 1 < n && pat[j + 1] == '\'') {
			out_putc(o, '\'');
			j++;
		} else {
			*i = j + 1;
			return NULL;
		}
	}
	return "unterminated quote in date format";
}

static const char *format_time(const char *pat, size_t n, GDateTime *t,
			       dm_out *o)
{
	size_t i = 0;

	while (i < n) {
		char c = pat[i];
		const char *why = NULL;
		size_t run = i;

		if (g_ascii_isalpha(c)) {
			while (run < n && pat[run] == c)
				run++;
			why = put_field(o, t, c, (int)(run - i));
			i = run;
		} else if (c == '\'') {
			why = put_quoted(o, pat, n, &i);
		} else if (strchr("[]{}#", c)) {
			why = "unsupported character in date format";
		} else {
			out_putc(o, c);
			i++;
		}
		if (why)
			return why;
	}
	return NULL;
}

/* ---------------------------------------------------------------------
 * Placeholders and the scanner.
 */

/* A placeholder "math{format|zone}" (its outer braces gone) in parts;
 * the format and zone keep their defaults when not given. */
typedef struct dm_parts {
	const char *math, *fmt, *zone;
	size_t mlen, flen, zlen;
} dm_parts;

static const char *split_placeholder(const char *s, size_t n, dm_parts *d)
{
	const char *lb = memchr(s, '{', n), *bar;

	*d = (dm_parts){ s, DEFAULT_FORMAT, "Z", n, strlen(DEFAULT_FORMAT), 1 };
	if (!lb)
		return NULL;
	/* the format group must close the placeholder */
	if (s[n - 1] != '}')
		return "missing closing '}' for date format";
	d->mlen = (size_t)(lb - s);
	d->fmt = lb + 1;
	d->flen = n - d->mlen - 2;
	bar = memchr(d->fmt, '|', d->flen);
	if (bar) {
		d->zone = bar + 1;
		d->zlen = d->flen - (size_t)(bar - d->fmt) - 1;
		d->flen = (size_t)(bar - d->fmt);
	}
	return d->flen ? NULL : "missing date format";
}

/* Evaluate one placeholder and append its text. */
static const char *eval_placeholder(const char *s, size_t n, int64_t now_ms,
				    dm_out *o)
{
	GDateTime *t = NULL;
	GTimeZone *tz;
	dm_parts d;
	const char *why = split_placeholder(s, n, &d);

	if (why)
		return why;
	if (!(tz = parse_zone(d.zone, d.zlen)))
		return "unknown time zone";
	why = eval_math(d.math, d.mlen, now_ms, tz, &t);
	if (!why)
		why = format_time(d.fmt, d.flen, t, o);
	if (t)
		g_date_time_unref(t);
	g_time_zone_unref(tz);
	return why;
}

/* The scanner's state between characters. */
typedef struct dm_scan {
	char ph[PLACEHOLDER_MAX];  /* the placeholder being read */
	size_t phlen;
	bool in_ph, in_fmt, escape;
} dm_scan;

static const char *ph_putc(dm_scan *sc, char c)
{
	if (sc->phlen + 1 >= sizeof(sc->ph))
		return "date math placeholder too long";
	sc->ph[sc->phlen++] = c;
	return NULL;
}

/* One character inside a placeholder; `esc`: it follows a '\'. */
static const char *scan_in_ph(dm_scan *sc, char c, bool esc, int64_t now_ms,
			      dm_out *o)
{
	const char *why;

	if (c == '{') {
		if (sc->in_fmt && !esc)
			return "invalid character in date math placeholder";
		sc->in_fmt = true;
		return ph_putc(sc, c);
	}
	if (c != '}' || (sc->in_fmt && esc))
		return ph_putc(sc, c);
	if (sc->in_fmt) {
		sc->in_fmt = false;
		return ph_putc(sc, c);
	}
	why = eval_placeholder(sc->ph, sc->phlen, now_ms, o);
	sc->phlen = 0;
	sc->in_ph = false;
	return why;
}

/* One character of the body between '<' and '>'. */
static const char *scan_char(dm_scan *sc, char c, int64_t now_ms,
			     dm_out *o)
{
	bool esc = sc->escape;

	sc->escape = false;
	if (c == '\\') {
		/* the core resolver puts an escaped '\\' in the static text
		 * even inside a placeholder; so do we */
		if (esc)
			out_putc(o, c);
		else
			sc->escape = true;
		return NULL;
	}
	if (sc->in_ph)
		return scan_in_ph(sc, c, esc, now_ms, o);
	if (c == '{' && !esc) {
		sc->in_ph = true;
		return NULL;
	}
	if (c == '}' && !esc)
		return "'{' and '}' in a name must be escaped with '\\'";
	out_putc(o, c);
	return NULL;
}

int prs_datemath(const char *expr, size_t n, int64_t now_ms, char *out,
		 size_t cap, const char **why)
{
	dm_out o = { out, 0, cap, false };
	dm_scan sc;
	const char *bad = NULL;

	if (n < 2 || expr[0] != '<' || expr[n - 1] != '>') {
		out_put(&o, expr, n);
	} else {
		memset(&sc, 0, sizeof(sc));
		for (size_t i = 1; i + 1 < n && !bad; i++)
			bad = scan_char(&sc, expr[i], now_ms, &o);
		if (!bad && sc.in_ph)
			bad = "date math placeholder is open ended";
		if (!bad && o.len == 0)
			bad = "date math resolves to an empty name";
	}
	if (!bad && o.full)
		bad = "resolved name is too long";
	if (cap)
		out[o.len < cap ? o.len : cap - 1] = '\0';
	if (why)
		*why = bad;
	return bad ? NG_EBADREQ : 0;
}
