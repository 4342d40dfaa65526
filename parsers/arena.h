/*
 * A bump allocator for the life of one request. Chunks are kept on reset,
 * so a thread that reuses its arena allocates nothing in the steady state.
 */
#ifndef NG_ARENA_H
#define NG_ARENA_H

#include <stddef.h>

typedef struct ng_arena_chunk ng_arena_chunk;

#define NG_ARENA_ALIGN 16

typedef struct ng_arena {
	ng_arena_chunk *head;    /* chunk being filled */
	ng_arena_chunk *first;
	unsigned char *next;     /* its free bytes: room of them from next */
	size_t room;
	size_t limit;            /* 0: unlimited; else total bytes allowed */
	size_t total;            /* bytes handed out since the last reset */
	size_t grow;             /* size of the next chunk made; 0: the
	                          * default, 8 KiB */
	ng_arena_chunk *fixed;   /* the first chunk when it lies inside the
	                          * arena owner's allocation: never freed */
} ng_arena;

void ng_arena_init(ng_arena *a);
/* An arena for a small object kept long: its first chunk holds `first`
 * bytes, and each new one twice the last, up to the default size. */
void ng_arena_init_small(ng_arena *a, size_t first);
/* An arena whose first chunk is `size` bytes at `mem` (16-byte aligned),
 * inside the allocation of the object that owns the arena, so that a
 * small object and its strings are one allocation; that chunk is never
 * freed by the arena. The chunks added after it grow as in
 * ng_arena_init_small. */
void ng_arena_init_within(ng_arena *a, void *mem, size_t size);
/* ng_arena_alloc when the chunk being filled has no room, or a limit is
 * set. */
void *ng_arena_alloc_grow(ng_arena *a, size_t n);

/* NULL when out of memory or over the limit. Aligned for any type. The
 * usual allocation, from the room left in the chunk being filled, is
 * inline. */
static inline void *ng_arena_alloc(ng_arena *a, size_t n)
{
	size_t need = (n + NG_ARENA_ALIGN - 1) & ~(size_t)(NG_ARENA_ALIGN - 1);
	void *p = a->next;

	if (!p || a->limit || need < n || need > a->room)
		return ng_arena_alloc_grow(a, n);
	a->next += need;
	a->room -= need;
	a->total += need;
	return p;
}

void *ng_arena_calloc(ng_arena *a, size_t n);
char *ng_arena_strndup(ng_arena *a, const char *s, size_t n);
char *ng_arena_strdup(ng_arena *a, const char *s);
void ng_arena_reset(ng_arena *a);
/* Reset, keeping at most the first chunk, and only when it holds no more
 * than `keep` bytes: what a recycled arena may hold on to. */
void ng_arena_trim(ng_arena *a, size_t keep);
void ng_arena_free(ng_arena *a);

#endif /* NG_ARENA_H */
