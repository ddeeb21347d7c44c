/* pg_config.c — the dialect's tunables and its price table.
 *
 * Tunables come from the environment once (pthread_once) and never change
 * afterwards: VISIONSTACK_PICTOGRAPH_CREDIT_MICRO_USD (one credit, 10000),
 * VISIONSTACK_PICTOGRAPH_SESSION_IDLE_S (300), VISIONSTACK_PICTOGRAPH_BATCH_IMAGE_MS
 * (20). Prices follow specs/pictograph.md §5.5 and §10.3; the credit-based ones
 * scale with the configured credit. Any thread.
 */
#include "pg.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Fixed µUSD prices; `credits` > 0 marks a price of that many credits instead. */
static const struct {
    const char *slug, *unit;
    int64_t micro_usd;
    int credits;
} table[] = {
    {"training_a10g", "minute", 100000, 0},
    {"training_a100", "minute", 300000, 0},
    {"training_h100", "minute", 500000, 0},
    {"sam3_auto_annotation", "minute", 50000, 0},
    {"sam3_per_minute", "minute", 50000, 0},
    {"inference_t4", "minute", 10000, 0},
    {"image_edit_gemini_flash", "call", 20000, 0},
    {"image_generate_gemini_3_1_flash", "call", 20000, 0},
    {"image_edit_gemini_3_1_flash", "call", 20000, 0},
    /* emulator additions: the charges auto-annotation really makes */
    {"sam3_image_session", "image", 0, 3},
    {"sam3_prompt", "prompt", 0, 1},
    {"sam3_batch_image", "image", 0, 3},
    {"sam3_sahi_tile", "tile", 0, 1},
};

#define NPRICES (sizeof table / sizeof *table)

static pg_config g_config;
static pg_price g_prices[NPRICES];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static int64_t env_int(const char *name, int64_t fallback, int64_t lo, int64_t hi)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return fallback;
    char *end = NULL;
    long long n = strtoll(v, &end, 10);
    return *end || n < lo || n > hi ? fallback : (int64_t)n;
}

static void load(void)
{
    g_config.credit_micro_usd = env_int("VISIONSTACK_PICTOGRAPH_CREDIT_MICRO_USD", 10000, 1, 1000000000);
    g_config.allowance_micro_usd = 1000 * g_config.credit_micro_usd;
    g_config.session_idle_ms = 1000 * env_int("VISIONSTACK_PICTOGRAPH_SESSION_IDLE_S", 300, 1, 86400 * 365);
    g_config.batch_image_ms = env_int("VISIONSTACK_PICTOGRAPH_BATCH_IMAGE_MS", 20, 0, 3600 * 1000);
    for (size_t i = 0; i < NPRICES; i++) {
        g_prices[i].slug = table[i].slug;
        g_prices[i].unit = table[i].unit;
        g_prices[i].micro_usd = table[i].credits ? table[i].credits * g_config.credit_micro_usd : table[i].micro_usd;
    }
}

const pg_config *pg_config_get(void)
{
    pthread_once(&g_once, load);
    return &g_config;
}

const pg_price *pg_price_find(const char *slug)
{
    pg_config_get();
    for (size_t i = 0; i < NPRICES; i++)
        if (strcmp(g_prices[i].slug, slug) == 0)
            return &g_prices[i];
    return NULL;
}

int64_t pg_price_of(const char *slug)
{
    const pg_price *p = pg_price_find(slug);
    return p ? p->micro_usd : 0;
}
