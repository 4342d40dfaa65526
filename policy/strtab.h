/*
 * A string-keyed table for the request path (strtab.c). Each name a
 * request brings (user, backend roles, roles, the action) is looked up
 * once per decision in tables built once per policy, so the lookup is
 * what counts: the key is hashed eight bytes at a time, and a slot keeps
 * the hash and length beside the key so that a probe compares bytes only
 * when both agree. The lookup is inline here so that a name costs one
 * strlen, a hash of a few words and, when present, one comparison.
 *
 * Open addressing with linear probing over a power-of-two array kept at
 * most half full. The capacity is fixed when the table is made, from the
 * number of keys the caller will add; the table never grows and never
 * deletes. Keys are borrowed. Once built, it is read without locks.
 */
#ifndef NG_POL_STRTAB_H
#define NG_POL_STRTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define POL_STRTAB_NONE UINT32_MAX

/* The lookup is a handful of instructions: inlined whole into its
 * callers, a call per step would cost as much as the steps. */
#define POL_STR_INLINE static inline __attribute__((always_inline))

typedef struct pol_strslot {
	const char *key;       /* NULL: empty */
	uint32_t len;
	uint32_t hash;
	uint32_t value;
} pol_strslot;

typedef struct pol_strtab {
	pol_strslot *v;
	size_t mask;           /* slots - 1 */
	size_t n, max;         /* keys, and the most the table takes */
} pol_strtab;

pol_strtab *pol_strtab_new(size_t max_keys);       /* NULL: no memory */
/* The value of `key` (NUL-terminated), POL_STRTAB_NONE when the key is
 * new; NULL when the table already has max_keys keys. */
uint32_t *pol_strtab_put(pol_strtab *t, const char *key);
void pol_strtab_free(pol_strtab *t);

POL_STR_INLINE uint64_t pol_str_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 32);
}

POL_STR_INLINE uint64_t pol_load64(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

POL_STR_INLINE uint64_t pol_load32(const char *p)
{
	uint32_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* Every byte of s[0..n) goes into the hash: eight at a time, the last
 * eight (or four and four) overlapping the ones before. The last multiply
 * spreads every byte over the low bits that pick a slot: without it,
 * names that differ in one digit crowd into runs of slots. */
POL_STR_INLINE uint32_t pol_str_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;

	if (n >= 8) {
		h = pol_str_mix(h, pol_load64(s));
		for (size_t i = 8; i + 8 < n; i += 8)
			h = pol_str_mix(h, pol_load64(s + i));
		h = pol_str_mix(h, pol_load64(s + n - 8));
	} else if (n >= 4) {
		h = pol_str_mix(h, pol_load32(s) | pol_load32(s + n - 4) << 32);
	} else {
		h = pol_str_mix(h, n ? (uint64_t)(unsigned char)s[0] |
				       (uint64_t)(unsigned char)s[n / 2] << 8 |
				       (uint64_t)(unsigned char)s[n - 1] << 16
				     : 0);
	}
	h *= 0xc4ceb9fe1a85ec53ull;
	return (uint32_t)(h ^ (h >> 32));
}

/* a[0..n) == b[0..n), read the way pol_str_hash reads. */
POL_STR_INLINE bool pol_str_same(const char *a, const char *b, size_t n)
{
	if (n >= 8) {
		if (pol_load64(a) != pol_load64(b))
			return false;
		for (size_t i = 8; i + 8 < n; i += 8)
			if (pol_load64(a + i) != pol_load64(b + i))
				return false;
		return pol_load64(a + n - 8) == pol_load64(b + n - 8);
	}
	if (n >= 4)
		return pol_load32(a) == pol_load32(b) &&
		       pol_load32(a + n - 4) == pol_load32(b + n - 4);
	return !n || (a[0] == b[0] && a[n / 2] == b[n / 2] &&
		      a[n - 1] == b[n - 1]);
}

/* s[0..n) == a key of `len` bytes at `key` whose first bytes (up to
 * `cap`) a table keeps in `head`, beside what it answers for the key:
 * the head, in the same cache line as the rest, is compared first, and
 * the key itself read only past it. */
POL_STR_INLINE bool pol_str_same_head(const char *head, size_t cap,
				      const char *key, size_t len,
				      const char *s, size_t n)
{
	size_t h = n < cap ? n : cap;

	return len == n && pol_str_same(head, s, h) &&
	       (n == h || memcmp(key + h, s + h, n - h) == 0);
}

/* The slot holding s[0..n), hashed to h, or the empty one where it would
 * go. There is one: the table is at most half full. */
POL_STR_INLINE pol_strslot *pol_strtab_slot(const pol_strtab *t,
					    const char *s, size_t n,
					    uint32_t h)
{
	for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
		pol_strslot *e = &t->v[i];

		if (!e->key ||
		    (e->hash == h && e->len == n && pol_str_same(e->key, s, n)))
			return e;
	}
}

/* The value of s[0..n), POL_STRTAB_NONE when it is no key. */
POL_STR_INLINE uint32_t pol_strtab_get_n(const pol_strtab *t, const char *s,
					 size_t n)
{
	const pol_strslot *e = pol_strtab_slot(t, s, n, pol_str_hash(s, n));

	return e->key ? e->value : POL_STRTAB_NONE;
}

/* The value of `s`, POL_STRTAB_NONE when it is no key. */
POL_STR_INLINE uint32_t pol_strtab_get(const pol_strtab *t, const char *s)
{
	return pol_strtab_get_n(t, s, strlen(s));
}

#endif /* NG_POL_STRTAB_H */
