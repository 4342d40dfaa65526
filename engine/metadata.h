/*
 * The cluster metadata snapshot: indices, aliases and data streams by
 * name, and all of their names in sorted order so that a wildcard is
 * expanded by range rather than by scanning.
 *
 * Immutable once built; shared between threads; reference counted.
 */
#ifndef NG_METADATA_H
#define NG_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nodeguard.h"

typedef enum md_kind {
	MD_NONE = 0,
	MD_INDEX = 1,
	MD_ALIAS = 2,
	MD_DATA_STREAM = 3
} md_kind;

typedef struct md_index {
	const char *name;
	uint32_t id;                 /* position in ng_metadata.indices */
	bool hidden, closed, system;
	const char **aliases;        /* alias names */
	const uint32_t *alias_ids;   /* the same aliases, by id */
	size_t naliases;
	const char *data_stream;     /* parent stream, or NULL */
	uint32_t stream_id;          /* its id, when data_stream is set */
	uint32_t pos;                /* position in ng_metadata.names */
	uint32_t links_id;           /* the same for indices of the same
	                              * aliases and data stream; 0 for none */
} md_index;

typedef struct md_alias {
	const char *name;
	uint32_t id;
	const uint32_t *indices;     /* member index ids */
	size_t nindices;
	int64_t write_index;         /* index id, or -1 */
	bool hidden;
	bool filtered;
} md_alias;

typedef struct md_stream {
	const char *name;
	uint32_t id;
	const uint32_t *indices;     /* backing index ids, oldest first */
	size_t nindices;
	bool hidden;
} md_stream;

/* md_name.flags: what a wildcard's options select by, in one byte. */
#define MD_NAME_OPEN 0x01            /* an open index */
#define MD_NAME_CLOSED 0x02          /* a closed index */
#define MD_NAME_ALIAS 0x04
#define MD_NAME_STREAM 0x08
#define MD_NAME_HIDDEN 0x10

/* One name in the sorted list: an index, alias or data stream. */
typedef struct md_name {
	const char *name;
	uint32_t len;
	md_kind kind;
	uint32_t id;                 /* id within its kind */
	uint8_t flags;               /* MD_NAME_* */
} md_name;

struct ng_metadata {
	int refs;                    /* atomic */
	md_index *indices;
	size_t nindices;
	md_alias *aliases;
	size_t naliases;
	md_stream *streams;
	size_t nstreams;
	md_name *names;              /* sorted by name (strcmp) */
	size_t nnames;
	const char **remotes;        /* remote cluster names */
	size_t nremotes;
	int64_t version;
	struct pol_strtab *by_name;  /* name -> position in names */
	void *pool;                  /* owned strings */
};

/* How deep arrays and objects may nest in a metadata text. */
#define MD_MAX_DEPTH 512

/* The largest metadata file ng_metadata_load() reads: 1 GiB. A cluster
 * of 100,000 indices is about 10 MB in the compact form. */
#define MD_MAX_FILE_BYTES ((size_t)1 << 30)

/* Parse either JSON form; errors name the JSON path and line. */
int md_parse(const char *json, size_t len, const char *file,
	     ng_metadata **out, ng_error *err);

/* Read the file at `path`, refusing one of more than `max_bytes` (less
 * than SIZE_MAX), and parse it as md_parse() does. */
int md_load(const char *path, size_t max_bytes, ng_metadata **out,
	    ng_error *err);

/* The name's entry, or NULL. */
const md_name *md_lookup(const ng_metadata *m, const char *name, size_t n);

/* Names starting with `prefix`: [*first, *first + *count) of m->names. */
void md_prefix_range(const ng_metadata *m, const char *prefix, size_t n,
		     size_t *first, size_t *count);

bool md_is_remote_cluster(const ng_metadata *m, const char *name, size_t n);

#endif /* NG_METADATA_H */
