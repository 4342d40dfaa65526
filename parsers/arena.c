#include "arena.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN 8192
#define ALIGN NG_ARENA_ALIGN

struct ng_arena_chunk {
	ng_arena_chunk *next;
	size_t size;
	_Alignas(ALIGN) unsigned char data[];
};

void ng_arena_init(ng_arena *a)
{
	memset(a, 0, sizeof(*a));
}

void ng_arena_init_small(ng_arena *a, size_t first)
{
	ng_arena_init(a);
	a->grow = first < CHUNK_MIN ? first : 0;
}

void ng_arena_init_within(ng_arena *a, void *mem, size_t size)
{
	ng_arena_chunk *c = mem;

	ng_arena_init(a);
	if (!mem || size <= sizeof(*c))
		return;
	c->next = NULL;
	c->size = size - sizeof(*c);
	a->first = a->fixed = c;
	a->grow = 2 * c->size < CHUNK_MIN ? 2 * c->size : 0;
}

static ng_arena_chunk *chunk_new(ng_arena *a, size_t need)
{
	size_t size = a->grow ? a->grow : CHUNK_MIN;
	ng_arena_chunk *c;

	if (a->grow)
		a->grow = a->grow * 2 < CHUNK_MIN ? a->grow * 2 : 0;
	if (need > size)
		size = need;
	c = malloc(sizeof(*c) + size);
	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	return c;
}

/* Move to the next kept chunk that fits, or append a new one. */
static int arena_grow(ng_arena *a, size_t n)
{
	ng_arena_chunk *c = a->head ? a->head->next : a->first;

	while (c && c->size < n)
		c = c->next;
	if (!c) {
		c = chunk_new(a, n);
		if (!c)
			return -1;
		if (a->head) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->first;
			a->first = c;
		}
	}
	a->head = c;
	a->next = c->data;
	a->room = c->size;
	return 0;
}

void *ng_arena_alloc_grow(ng_arena *a, size_t n)
{
	size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	void *p;

	if (need < n)
		return NULL;
	if (a->limit && a->total + need > a->limit)
		return NULL;
	if (!a->head || a->room < need)
		if (arena_grow(a, need) != 0)
			return NULL;
	p = a->next;
	a->next += need;
	a->room -= need;
	a->total += need;
	return p;
}

void *ng_arena_calloc(ng_arena *a, size_t n)
{
	void *p = ng_arena_alloc(a, n);

	if (p)
		memset(p, 0, n);
	return p;
}

char *ng_arena_strndup(ng_arena *a, const char *s, size_t n)
{
	char *p = ng_arena_alloc(a, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ng_arena_strdup(ng_arena *a, const char *s)
{
	return ng_arena_strndup(a, s, strlen(s));
}

void ng_arena_reset(ng_arena *a)
{
	a->head = NULL;
	a->next = NULL;
	a->room = 0;
	a->total = 0;
}

void ng_arena_trim(ng_arena *a, size_t keep)
{
	ng_arena_chunk *c = a->first, *rest;

	if (!c || c->size > keep) {
		ng_arena_free(a);
		return;
	}
	rest = c->next;
	c->next = NULL;
	while (rest) {
		ng_arena_chunk *next = rest->next;

		if (rest != a->fixed)
			free(rest);
		rest = next;
	}
	/* the chunk kept is the one to fill: the next allocation is inline */
	a->head = c;
	a->next = c->data;
	a->room = c->size;
	a->total = 0;
}

void ng_arena_free(ng_arena *a)
{
	ng_arena_chunk *c = a->first;

	while (c) {
		ng_arena_chunk *next = c->next;

		if (c != a->fixed)
			free(c);
		c = next;
	}
	memset(a, 0, sizeof(*a));
}
