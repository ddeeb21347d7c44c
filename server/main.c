/* main.c — configuration (flags, then VISIONSTACK_* environment, then defaults)
 * and the start and stop order:
 *   store open + migrate → snapshots dir → fixtures (--seed) → reset baseline →
 *   worker (recovers crashed jobs) → HTTP listener → wait for SIGTERM/SIGINT →
 *   stop accepting and finish in-flight requests → stop worker → close store.
 * Signals are blocked before any thread starts and taken with sigwait, so no
 * handler ever runs inside libmicrohttpd or SQLite.
 */
#include "clock.h"
#include "core/fixtures.h"
#include "core/ids.h"
#include "core/store_snapshots.h"
#include "db.h"
#include "faults.h"
#include "http.h"
#include "journal.h"
#include "job_types.h"
#include "log.h"
#include "version.h"
#include "worker.h"
#include "dialect.h"

#include <ctype.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;    /* flag without "--"; env is VISIONSTACK_<NAME upper, '-'→'_'> */
    const char *def;
    const char *help;
    const char *value;
} option;

static option options[] = {
    {"port", "8786", "TCP port to listen on (0 picks a free one)", NULL},
    {"db", "./visionstack.db", "SQLite store file; ':memory:' for a temporary store removed at exit", NULL},
    {"seed", "", "fixtures directory to load as the 'demo' workspace (e.g. fixtures)", NULL},
    {"bind", "127.0.0.1", "address to bind (IPv4 or IPv6 literal)", NULL},
    {"threads", "4", "HTTP worker threads", NULL},
    {"log-format", "text", "access and diagnostic log format: text or json", NULL},
    {"quiet", "0", "1 = no access log lines", NULL},
    {"admin-key", "", "if set, control-plane calls need 'Authorization: Bearer <key>'", NULL},
    {"snapshot-dir", "", "where named snapshots live (default: <db>.snapshots)", NULL},
    {"busy-timeout-ms", "5000", "how long a write waits for the store lock before answering 503", NULL},
    {"journal-size", "1000", "how many recent requests the journal keeps", NULL},
    {"journal-body-cap", "4096", "JSON bodies up to this many bytes are kept in the journal (larger: size only)", NULL},
    {"id-seed", "", "make generated ids and keys a repeatable sequence from this number", NULL},
};
#define NOPTIONS (sizeof options / sizeof *options)

static const char *opt(const char *name)
{
    for (size_t i = 0; i < NOPTIONS; i++)
        if (strcmp(options[i].name, name) == 0)
            return options[i].value ? options[i].value : options[i].def;
    return "";
}

/* VISIONSTACK_<NAME>, upper case, '-' as '_'. */
static void env_name(const char *flag, char *out, size_t cap)
{
    size_t k = (size_t)snprintf(out, cap, "VISIONSTACK_");
    for (const char *p = flag; *p && k + 1 < cap; p++)
        out[k++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
    out[k] = 0;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: visionstack [--flag value]...\n\n"
                 "An offline stand-in for cloud annotation and VLM platforms (Vi, Pictograph, Ximilar, Labelbox).\n\n");
    for (size_t i = 0; i < NOPTIONS; i++) {
        char env[64];
        env_name(options[i].name, env, sizeof env);
        fprintf(out, "  --%-16s %s\n  %-18s env %s, default '%s'\n", options[i].name, options[i].help, "", env,
                options[i].def);
    }
    fprintf(out, "  --help             this text\n  --version          print the version\n");
}

static void load_env(void)
{
    for (size_t i = 0; i < NOPTIONS; i++) {
        char env[64];
        env_name(options[i].name, env, sizeof env);
        const char *v = getenv(env);
        if (v)
            options[i].value = v;
    }
}

/* Flags override the environment. Returns 0 to run, 1 to exit 0, -1 on error. */
static int parse_flags(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 1;
        }
        if (strcmp(a, "--version") == 0) {
            printf("visionstack %s\n", VISIONSTACK_VERSION);
            return 1;
        }
        if (strncmp(a, "--", 2) != 0)
            goto bad;
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        option *o = NULL;
        for (size_t k = 0; k < NOPTIONS; k++)
            if (strlen(options[k].name) == nlen && strncmp(options[k].name, name, nlen) == 0)
                o = &options[k];
        if (!o)
            goto bad;
        if (eq)
            o->value = eq + 1;
        else if (i + 1 < argc)
            o->value = argv[++i];
        else
            goto bad;
        continue;
    bad:
        fprintf(stderr, "visionstack: unknown or incomplete option '%s' (see --help)\n", a);
        return -1;
    }
    return 0;
}

static int parse_int(const char *s, long min, long max, long *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    load_env();
    int pr = parse_flags(argc, argv);
    if (pr != 0)
        return pr > 0 ? 0 : 2;
    long port, threads, quiet, busy, journal_size, journal_cap;
    if (parse_int(opt("port"), 0, 65535, &port) || parse_int(opt("threads"), 1, 256, &threads) ||
        parse_int(opt("quiet"), 0, 1, &quiet) || parse_int(opt("busy-timeout-ms"), 1, 600000, &busy) ||
        parse_int(opt("journal-size"), 1, 1000000, &journal_size) ||
        parse_int(opt("journal-body-cap"), 0, 1 << 20, &journal_cap)) {
        fprintf(stderr, "visionstack: a numeric option is out of range (see --help)\n");
        return 2;
    }
    if (strcmp(opt("log-format"), "text") != 0 && strcmp(opt("log-format"), "json") != 0) {
        fprintf(stderr, "visionstack: --log-format must be text or json\n");
        return 2;
    }
    log_configure(strcmp(opt("log-format"), "json") == 0 ? LOG_JSON : LOG_TEXT, (int)quiet);
    if (*opt("id-seed"))
        ids_set_seed(strtoull(opt("id-seed"), NULL, 10));
    dialect_set_admin_key(opt("admin-key"));

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    int rc = 1;
    int is_memory = strcmp(opt("db"), ":memory:") == 0;
    if (db_init(opt("db"), (int)busy) != 0) {
        log_error("main", "cannot open the store at %s", opt("db"));
        goto out_db;
    }
    char snapdir[4200];
    if (*opt("snapshot-dir"))
        snprintf(snapdir, sizeof snapdir, "%s", opt("snapshot-dir"));
    else
        snprintf(snapdir, sizeof snapdir, "%s.snapshots", db_path());
    if (store_snapshots_init(snapdir, is_memory) != 0)
        goto out_db;
    if (*opt("seed")) {
        ws_row ws;
        ws_keys keys;
        if (fixtures_load(opt("seed"), &ws, &keys) != 0) {
            log_error("main", "cannot load fixtures from %s", opt("seed"));
            goto out_snap;
        }
        log_info("main", "demo workspace %s: vi secretKey=%s organizationId=%s pictograph=%s ximilar=%s labelbox=%s",
                 ws.id, keys.vi_secret, keys.vi_org, keys.pictograph, keys.ximilar, keys.labelbox);
    }
    if (store_baseline_capture() != ST_OK) {
        log_error("main", "cannot capture the reset baseline");
        goto out_snap;
    }
    size_t ntypes = 0;
    const job_type *types = job_types_table(&ntypes);
    worker_set_types(types, ntypes);
    if (worker_start() != 0) {
        log_error("main", "cannot start the worker");
        goto out_snap;
    }
    journal_init((size_t)journal_size, (size_t)journal_cap);
    if (http_start(opt("bind"), (int)port, (int)threads, (size_t)journal_cap) != 0) {
        log_error("main", "cannot listen on %s:%ld", opt("bind"), port);
        goto out_worker;
    }
    log_info("main", "visionstack %s listening on http://%s%s%s:%d (store %s)", VISIONSTACK_VERSION,
             strchr(opt("bind"), ':') ? "[" : "", opt("bind"), strchr(opt("bind"), ':') ? "]" : "", http_port(),
             is_memory ? ":memory:" : db_path());

    int sig = 0;
    sigwait(&sigs, &sig);
    log_info("main", "signal %d: stopping", sig);
    http_stop(10000);
    rc = 0;
out_worker:
    worker_stop();
    journal_shutdown();
    faults_clear();
out_snap:
    store_snapshots_shutdown();
out_db:
    db_shutdown();
    return rc;
}
