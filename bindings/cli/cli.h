/*
 * The nodeguard command's subcommands. They use the public API only.
 */
#ifndef NG_CLI_H
#define NG_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>
#include "nodeguard.h"

enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

int cli_eval(int argc, char **argv);
int cli_lint(int argc, char **argv);
int cli_explain(int argc, char **argv);
int cli_diff(int argc, char **argv);
int cli_matrix(int argc, char **argv);

/* Load a policy and metadata into an engine; prints the error and returns
 * CLI_USAGE on failure. */
int cli_open_engine(const char *policy, const char *metadata,
		    ng_engine **out);
/* The requests to read: the file `path`, or standard input for NULL or
 * "-". NULL, after a message, when it cannot be opened or is a directory. */
FILE *cli_open_input(const char *path);
/* Close it (not standard input); CLI_USAGE, after a message, when a read
 * failed: input cut short is no input read. */
int cli_close_input(FILE *in, const char *path);

/* "file:line:col: message" of the thread's last error, to stderr. */
void cli_print_error(const char *what);
/* The same for an error loading the policy directory `dir`. */
void cli_print_policy_error(const char *dir);

/* Is argv[*i] the option `name` with a value, as "--name VALUE" or
 * "--name=VALUE"? 1 with *value set and *i on the value's argument; 0 for
 * any other argument; -1, after a message naming `cmd`, when the value is
 * missing or empty, or *value was set already (the option given twice). */
int cli_option(int argc, char **argv, int *i, const char *cmd,
	       const char *name, const char **value);

/* Was `what` given (its value not NULL)? If not, say so on stderr. */
bool cli_given(const char *cmd, const char *what, const char *value);

/* Is `arg` the flag `name`? 1 with *flag set; 0 for any other argument;
 * -1, after a message naming `cmd`, when the flag was given already. */
int cli_flag(const char *arg, const char *cmd, const char *name, bool *flag);

/* `s` for a line of text: itself, or with its control characters escaped
 * into buf[cap]. */
const char *cli_oneline(const char *s, char *buf, size_t cap);
/* The same for every string of a JSON tree, in place. */
void cli_json_oneline(cJSON *j);

/* Action groups as diff and matrix show them, each with the actions
 * probed for it (NULL-terminated). The index groups are read, write and
 * manage; the cluster group's actions are probed without an index. */
typedef struct cli_group {
	const char *name;
	const char *const *actions;
} cli_group;

enum { CLI_NGROUPS = 3 };
extern const cli_group cli_groups[CLI_NGROUPS];
extern const cli_group cli_cluster_group;

/* One cell: may the caller perform `action` on `index`, and under which
 * restrictions? */
typedef struct cli_cell {
	bool allowed;
	bool dls;       /* documents filtered */
	bool fls;       /* fields hidden or masked */
} cli_cell;

/* Decide a synthetic transport request for a user (as the policy maps
 * them) or for a role given directly (is_role), on `index` or, when it
 * is NULL, on no index. 0, or an NG_E code. */
int cli_probe(const ng_engine *e, const char *who, bool is_role,
	      const char *index, const char *action, cli_cell *out);
/* The same for every action of a group: allowed when any is, with the
 * restrictions of those allowed. */
int cli_probe_group(const ng_engine *e, const char *who, bool is_role,
		    const char *index, const cli_group *g, cli_cell *out);
/* A role is probed as a caller holding it, whom the role mapping maps
 * too: when it gives roles to every caller (users "*", hosts "*"), say
 * on stderr that every role's row includes them. */
void cli_warn_mapped_to_all(const ng_engine *e, const char *cmd);

#endif /* NG_CLI_H */
