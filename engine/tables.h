/*
 * Decision tables: the part of the policy's answer that depends on both
 * the compiled policy and the metadata snapshot, computed once when an
 * engine is built so that a check on a concrete name is a hash lookup and
 * a bitset intersection.
 *
 * For every metadata name (index, alias, data stream) the set of
 * index-permission entries whose static patterns match the name itself is
 * computed and interned: names matched by the same entries share one set.
 * Actions are grouped into classes that no entry tells apart. For each
 * (set, class) the table keeps the set of roles whose entries grant the
 * class, also interned; the roles of entries that match every name ("*"
 * without exclusions) are in every row.
 *
 * Immutable once built; shared by every thread deciding with the engine.
 */
#ifndef NG_TABLES_H
#define NG_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "metadata.h"
#include "policy.h"

typedef struct tb_tables tb_tables;

/* The tables cannot answer: the name is not in the metadata or the action
 * is outside the dictionary. The caller decides by scanning entries. */
#define TB_UNKNOWN (-2)

/* The caller's mapped roles: the bitset, and its members in ascending
 * order, so that a check tests the caller's few roles in a row rather than
 * intersecting whole bitsets. */
typedef struct tb_roles {
	const pol_word *bits;
	const uint32_t *ids;
	size_t n;
} tb_roles;

int tb_build(const pol_compiled *pc, const ng_metadata *md, tb_tables **out);
void tb_free(tb_tables *t);

/* The lowest role of `roles` with an entry whose static patterns match
 * `name` itself and that grants action `aid`; -1 when none; TB_UNKNOWN
 * when the tables do not cover the name or the action. Dynamic patterns
 * (${...}, date math) are never considered here. No allocation. */
int tb_grant(const tb_tables *t, const ng_metadata *md, const char *name,
	     int aid, const tb_roles *roles);

/* A per-request memo of answers by (set, class), for one caller's roles:
 * names matched by the same entries share a set, so a wildcard over
 * thousands of names asks the bitsets only a few times. Owned by the
 * deciding thread; zero it (tb_memo_init) before the first use. */
#define TB_MEMO_SLOTS 256

typedef struct tb_memo {
	uint32_t key[TB_MEMO_SLOTS];   /* (set * classes + class) + 1; 0 empty */
	int32_t role[TB_MEMO_SLOTS];
} tb_memo;

void tb_memo_init(tb_memo *m);

/* As tb_grant, for the metadata name (kind, id), without a hash lookup:
 * an array load and, unless memoised, a bitset intersection. `memo` may
 * be NULL; it must always be used with the same `roles`. */
int tb_grant_id(const tb_tables *t, tb_memo *memo, md_kind kind, uint32_t id,
		int aid, const tb_roles *roles);

/* For a caller that keeps them: the class of action `aid` (valid in the
 * dictionary), and the rows of roles of set `sid` by class (NULL for
 * TB_NO_SET). tb_grant_row(t, tb_set_rows(t, sid)[tb_action_class(t,
 * aid)], roles) is then what tb_grant_id answers, without a memo, for a
 * name of that set (tb_name_sets). */
uint32_t tb_action_class(const tb_tables *t, int aid);
const uint32_t *tb_set_rows(const tb_tables *t, uint32_t sid);
int tb_grant_row(const tb_tables *t, uint32_t row, const tb_roles *roles);

/* The names linked to index `id`, in order: its aliases, then its data
 * stream. As tb_grant_id for the k-th of them (k < naliases + 1 when it
 * has a stream). */
int tb_grant_link(const tb_tables *t, tb_memo *memo, uint32_t id, size_t k,
		  int aid, const tb_roles *roles);

/* The entries of `role` are pc->entries[*first .. *end). Returns false
 * when the compiled entries are not grouped by role (then scan them all). */
bool tb_role_entries(const tb_tables *t, size_t role, size_t *first,
		     size_t *end);

/* The entry set of every metadata name of a kind, by id: names of one
 * set get the same answer from tb_grant_id, for any action and roles, so
 * that a caller checking many names may keep the answers by set.
 * TB_NO_SET where the tables do not cover the name; NULL without tables.
 * No allocation. */
#define TB_NO_SET UINT32_MAX
const uint32_t *tb_name_sets(const tb_tables *t, md_kind kind);

#endif /* NG_TABLES_H */
