/*
 * nodeguard: the command-line tool.
 *
 *   nodeguard eval --policy DIR --metadata FILE [--check] [FILE|-]
 *
 * Results go to stdout, diagnostics to stderr. Exit status: 0 success, 1
 * a check failed, 2 bad usage, unreadable input or output not written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *to)
{
	fprintf(to,
		"usage: nodeguard <command> [options]\n"
		"\n"
		"commands:\n"
		"  eval --policy DIR --metadata FILE [--check] [--summary] [--threads N]\n"
		"       [REQUESTS.ndjson|-]    decide recorded requests\n"
		"  lint DIR [--metadata FILE] [--format text|json|sarif]\n"
		"                              check a configuration\n"
		"  explain --policy DIR --metadata FILE --user NAME\n"
		"       [--backend-role R] [--role R] [--attr K=V]\n"
		"       [--format text|json] 'METHOD /path' [BODY]\n"
		"                              explain one decision\n"
		"  diff --old DIR --new DIR --metadata FILE [REQUESTS]\n"
		"                              what a policy change does\n"
		"  matrix --policy DIR --metadata FILE [--by-roles]\n"
		"       [--html OUT]             who may do what where\n"
		"  version                     print the version\n"
		"\n"
		"exit status: 0 success, 1 a check failed (eval --check, lint,\n"
		"diff), 2 bad usage, unreadable input or output not written\n");
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "eval", cli_eval },
	{ "lint", cli_lint },
	{ "explain", cli_explain },
	{ "diff", cli_diff },
	{ "matrix", cli_matrix },
};

static int command(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		/* "nodeguard lint DIR --help": the usage, and success */
		for (int k = 2; k < argc && strcmp(argv[k], "--"); k++)
			if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
				usage(stdout);
				return 0;
			}
		return commands[i].run(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		if (argc == 3 && (!strcmp(argv[2], "--help") ||
				  !strcmp(argv[2], "-h"))) {
			usage(stdout);
			return 0;
		}
		if (argc > 2) {
			fprintf(stderr, "nodeguard: version takes no argument\n");
			return CLI_USAGE;
		}
		printf("nodeguard %s\n", NG_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "nodeguard: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}

/* Output that could not be written (a full disk, a closed pipe) is
 * output lost: a run that lost any is no success, whatever it found. */
int main(int argc, char **argv)
{
	int rc = command(argc, argv);

	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "nodeguard: cannot write the output: %s\n",
			errno ? strerror(errno) : "write error");
		return CLI_USAGE;
	}
	return rc;
}
