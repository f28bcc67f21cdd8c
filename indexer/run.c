/* run.c - one run of fihris-index (see run.h). */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "captures.h"
#include "layout.h"
#include "marker.h"
#include "pipeline.h"
#include "progress.h"
#include "record_pack.h"
#include "run_folder.h"
#include "sample.h"
#include "settings.h"
#include "shards.h"
#include "skipped.h"
#include "sources.h"
#include "state.h"
#include "store.h"
#include "unread.h"

void fh_index_opts_init(fh_index_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->max_file_size = (uint64_t)64 << 20;
    opts->max_delete = 50;
    opts->max_delete_percent = 1;
    opts->commit_docs = 500;
    opts->commit_seconds = 30;
    opts->wait_seconds = -1;
    fh_analyzer_opts_init(&opts->analyzer);
}

/* ---- The run ------------------------------------------------------------- */

typedef struct run {
    const fh_index_opts *o;
    fh_index_report *report;
    fh_analyzer_opts analyzer_opts; /* the index's settings */
    char **roots;                   /* the sources, resolved */
    int *root_err;                  /* each one's errno when it cannot be resolved, or 0 */
    size_t n_roots;
    fh_unread *unread; /* the files and folders that could not be read */
    int held;          /* the deletion guard held: nothing was deleted */
    int lock_fd;
    fh_shard_set current;      /* the shards in use when the run began */
    fh_shard_set build;        /* the shards written: current, or a new generation */
    fh_db *dbs[FH_SHARDS_MAX]; /* build's shards, open for writing */
    fh_db *reader;             /* a dry run's view of the index */
    uint32_t doc_count;        /* documents in build's shards when the run began */
    fh_state_table *state;     /* what they hold */
    fh_skipped *remembered;    /* files skipped before */
    int reread_jsonl;          /* the last run did not finish */
    fh_captures *captures;     /* the captures of URLs they hold, and what the run does */
    uint64_t docs_written;     /* documents written or deleted (captures included) */
    fh_pipeline *pipeline;
    fh_record_dict *dict; /* the index's record dictionary, or NULL */
} run;

/* ---- Deleting what is gone ----------------------------------------------- */

static int under_roots(const run *r, const char *path, size_t len)
{
    for (size_t i = 0; i < r->n_roots; i++)
        if (fh_sources_holds(r->roots[i], strlen(r->roots[i]), path, len))
            return 1;
    return 0;
}

/* The documents the index holds under source i. */
static uint64_t count_under(run *r, size_t i)
{
    uint64_t n = 0;
    size_t len = strlen(r->roots[i]);
    for (size_t k = 0; k < fh_state_table_size(r->state); k++) {
        const fh_state_entry *e = fh_state_table_at(r->state, k);
        n += (uint64_t)fh_sources_holds(r->roots[i], len, e->key, e->path_len);
    }
    return n;
}

/* Whether e's document goes: its file was not met in a folder scanned,
 * and it lies under nothing that could not be read. */
static int goes(const run *r, const fh_state_entry *e)
{
    return !e->seen && under_roots(r, e->key, e->path_len) &&
           !fh_unread_covers(r->unread, e->key, e->path_len);
}

/* Whether deleting gone of the under documents of a source is more than
 * --max-delete allows. */
static int too_many(const fh_index_opts *o, uint64_t gone, uint64_t under)
{
    if (o->max_delete_percent)
        return gone > 0 && gone * 100 > o->max_delete * under;
    return gone > o->max_delete;
}

/* The deletion guard, like rsync's --max-delete: an empty mount point or a
 * source gone by mistake must not empty the index. Returns 1, each source
 * at fault said with what to do, when the run would delete more documents
 * under a source than --max-delete allows; 0 when it may delete them. */
static int guard_holds(run *r)
{
    const fh_index_opts *o = r->o;
    int holds = 0;
    for (size_t s = 0; s < r->n_roots; s++) {
        uint64_t under = 0, gone = 0;
        size_t len = strlen(r->roots[s]);
        for (size_t i = 0; i < fh_state_table_size(r->state); i++) {
            const fh_state_entry *e = fh_state_table_at(r->state, i);
            if (fh_sources_holds(r->roots[s], len, e->key, e->path_len)) {
                under++;
                gone += (uint64_t)goes(r, e);
            }
        }
        if (!too_many(o, gone, under))
            continue;
        char limit[64] = "half";
        if (!o->max_delete_percent || o->max_delete != 50)
            snprintf(limit, sizeof limit, "--max-delete %llu%s allows",
                     (unsigned long long)o->max_delete, o->max_delete_percent ? "%" : "");
        fh_progress_say(o, r->roots[s],
                        "%s%llu of the %llu documents under it would be deleted, more than %s: "
                        "nothing was deleted (if they are gone for good, run again with "
                        "--max-delete %llu; to drop the source, fihris-index --forget %s)",
                        r->root_err[s] ? "no such file or folder; " : "", (unsigned long long)gone,
                        (unsigned long long)under, limit, (unsigned long long)gone, r->roots[s]);
        holds = 1;
    }
    return holds;
}

/* A document deleted: counted, a capture of a URL by its URL. */
static void count_deleted(run *r, const fh_state_entry *e)
{
    r->docs_written++;
    if (e->capture && r->captures)
        fh_captures_note_deleted(r->captures, e);
    else
        r->report->deleted++;
}

/* Add the run's captures, counted by URL, to the report; the documents
 * written to docs_written. Returns FH_OK or FH_ERR_NOMEM (said). */
static fh_status count_captures(run *r)
{
    fh_captures_tally t;
    fh_status rc = fh_captures_count(r->captures, &t);
    if (rc != FH_OK) {
        fh_progress_say(r->o, NULL, "%s", fh_status_str(rc));
        return rc;
    }
    fh_index_report *rep = r->report;
    rep->added += t.added;
    rep->changed += t.changed;
    rep->deleted += t.deleted;
    rep->unchanged += t.unchanged;
    rep->hidden += t.hidden;
    r->docs_written += t.docs_written;
    return FH_OK;
}

/* Delete the documents of files gone from the folders scanned (with dbs
 * NULL, only count them, and list them with list_changes), unless the
 * guard holds. Returns FH_OK, or the store's status with *failed the shard
 * at fault. */
static fh_status delete_unseen(run *r, fh_db **dbs, unsigned *failed)
{
    if (guard_holds(r)) {
        r->held = 1;
        return FH_OK;
    }
    size_t n = fh_state_table_size(r->state);
    for (size_t i = 0; i < n; i++) {
        fh_state_entry *e = fh_state_table_at(r->state, i);
        if (!goes(r, e))
            continue;
        if (r->o->list_changes && r->o->dry_run)
            fh_progress_change(r->o, "deleted", e->key, e->key_len);
        if (dbs) {
            fh_status rc = fh_db_delete(dbs[e->shard], e->docid);
            if (rc != FH_OK && rc != FH_ERR_NOTFOUND) {
                *failed = e->shard;
                return rc;
            }
        }
        count_deleted(r, e);
    }
    return FH_OK;
}

/* Of the files skipped before, those of folders this run did not walk, or
 * could not read, are still remembered (the others were either skipped
 * again or are gone). */
static int keep_remembered(void *ctx, const char *path, size_t len)
{
    const run *r = ctx;
    return !under_roots(r, path, len) || fh_unread_covers(r->unread, path, len);
}

/* Whether no source could be read at all. */
static int nothing_read(const run *r)
{
    for (size_t i = 0; i < r->n_roots; i++)
        if (!fh_unread_covers(r->unread, r->roots[i], strlen(r->roots[i])))
            return 0;
    return r->n_roots > 0;
}

static fh_status say_nothing_read(const run *r)
{
    fh_progress_say(r->o, NULL, "no SOURCE could be read; the index is left as it was");
    return FH_ERR_NOTFOUND;
}

/* ---- The phases ------------------------------------------------------- */

/* Make the sources absolute, and real where they exist (sources.h). One
 * that exists but cannot be reached is said and kept as unread when
 * walking. Returns FH_OK or FH_ERR_NOMEM (said). */
static fh_status resolve_sources(run *r, int walking)
{
    const fh_index_opts *o = r->o;
    size_t n = o->n_sources ? o->n_sources : 1;
    r->roots = calloc(n, sizeof *r->roots);
    r->root_err = calloc(n, sizeof *r->root_err);
    fh_status rc = r->roots && r->root_err ? fh_unread_new(&r->unread) : FH_ERR_NOMEM;
    for (size_t i = 0; rc == FH_OK && i < o->n_sources; i++) {
        int err = 0;
        rc = fh_sources_resolve(o->sources[i], &r->roots[i], &err);
        r->root_err[i] = err;
        r->n_roots += rc == FH_OK;
        if (rc == FH_OK && walking && err != 0 && err != ENOENT && err != ENOTDIR &&
            fh_unread_add(r->unread, r->roots[i], strlen(r->roots[i])))
            fh_progress_say(o, o->sources[i], "cannot read: %s", strerror(err));
    }
    if (rc != FH_OK)
        fh_progress_say(o, NULL, "%s", fh_status_str(rc));
    return rc;
}

/* A source that does not exist is "no input" (said) when the index holds
 * nothing under it, or is not known yet (holds_nothing: a new index or a
 * rebuild); one that held documents is left to the deletion guard. Returns
 * FH_OK or FH_ERR_NOTFOUND. */
static fh_status check_missing(run *r, int holds_nothing)
{
    for (size_t i = 0; i < r->n_roots; i++) {
        if (r->root_err[i] != ENOENT && r->root_err[i] != ENOTDIR)
            continue;
        if (!holds_nothing && count_under(r, i) > 0)
            continue;
        fh_progress_say(r->o, r->o->sources[i], "no such file or folder");
        return FH_ERR_NOTFOUND;
    }
    return FH_OK;
}

/* Open phase of a dry run: read what is there, if anything (everything
 * else is new), and the warnings remembered. Returns FH_OK, FH_ERR_OPENING
 * or FH_ERR_IO (said). */
static fh_status open_for_dry_run(run *r)
{
    if (fh_run_folder_check(r->o) != FH_OK)
        return FH_ERR_OPENING;
    /* No record is written: none is compressed. */
    r->analyzer_opts.records_packed = 0;
    fh_status rc = fh_run_folder_open_reader(r->o, &r->reader);
    if (rc != FH_OK)
        return rc;
    size_t n = r->reader ? 1 : 0;
    rc = fh_state_table_load(&r->reader, n, &r->state, &(size_t){0});
    /* The reader interleaves the shards' documents; a new page would go
     * to one of the shards in use. */
    fh_layout_list list = {0};
    char *msg = NULL;
    unsigned shards =
        r->reader && fh_layout_expand(r->o->db_path, &list, &msg) == FH_OK && list.n > 0
            ? (unsigned)list.n
            : 1;
    fh_layout_list_clear(&list);
    free(msg);
    if (rc == FH_OK)
        rc =
            fh_captures_load(&r->reader, n, shards, shards, r->state, &r->captures, &(unsigned){0});
    if (rc == FH_OK && r->reader)
        rc = fh_skipped_load(r->reader, &r->remembered);
    r->reread_jsonl = rc == FH_OK && fh_shards_left_mid_run(&r->reader, n);
    if (rc == FH_OK)
        return FH_OK;
    const char *why = fh_db_errmsg(r->reader);
    fh_run_folder_say_cannot_read(r->o, why[0] ? why : fh_status_str(rc));
    return FH_ERR_IO;
}

/* Which shards to write: those in use, or a new generation for a new index
 * or a rebuild. */
static void choose_build(run *r)
{
    const fh_index_opts *o = r->o;
    r->build = r->current;
    if (r->current.n == 0 || o->rebuild) {
        /* One writer per core, unless --jobs says, or the index has more
         * shards than one (a rebuild keeps their number). */
        unsigned n = o->shards ? o->shards : r->current.n > 1 ? r->current.n : fh_pipeline_cores();
        r->build.generation = r->current.generation + 1;
        r->build.n = n > FH_SHARDS_MAX ? FH_SHARDS_MAX : n;
    } else if (o->shards && o->shards != r->current.n && !o->compact) {
        fh_progress_say(o, o->db_path,
                        "the index has %u shards; --jobs %u applies to a new index, to --rebuild "
                        "and to --compact",
                        r->current.n, o->shards);
    }
}

/* Make a new generation's shards the index's own (fh_shards_claim())
 * before they are made. A first build written by a writer per core is
 * marked to be merged into one shard: when it is killed, the run that
 * finishes it merges it. Returns FH_OK or FH_ERR_OPENING (said). */
static fh_status claim_build(run *r)
{
    if (r->build.generation == r->current.generation)
        return FH_OK;
    char *msg = NULL;
    int unmerged = r->current.n == 0 && r->o->shards == 0;
    fh_status rc = fh_shards_claim(r->o->db_path, &r->build, unmerged, &msg);
    if (rc != FH_OK)
        fh_progress_say(r->o, r->o->db_path, "cannot create the index: %s",
                        msg ? msg : fh_status_str(rc));
    free(msg);
    return rc == FH_OK ? FH_OK : FH_ERR_OPENING;
}

/* The record dictionary: a new index's trained on a sample of its pages
 * and stored in every shard (committed with its first pages), an index's
 * own read from its first shard. Without one (too few pages to train on,
 * or an index whose first build trained none) records are compressed
 * without it. Returns FH_OK, FH_ERR_NOMEM or the store's status. */
static fh_status load_dict(run *r, int new_index)
{
    fh_buf dict = FH_BUF_INIT;
    fh_status rc = FH_OK;
    if (new_index) {
        const char **roots = calloc(r->n_roots ? r->n_roots : 1, sizeof *roots);
        if (roots == NULL)
            return FH_ERR_NOMEM;
        for (size_t i = 0; i < r->n_roots; i++)
            roots[i] = r->root_err[i] == 0 ? r->roots[i] : NULL;
        rc = fh_sample_train(roots, r->n_roots, &r->o->walk, &dict);
        free(roots);
        if (rc == FH_ERR_INVALID)
            rc = FH_OK;
        for (unsigned i = 0; rc == FH_OK && dict.len > 0 && i < r->build.n; i++)
            rc = fh_db_metadata_set(r->dbs[i], FH_RECORD_DICT_KEY, dict.data, dict.len);
    } else {
        char *data = NULL;
        size_t len = 0;
        rc = fh_db_metadata_get(r->dbs[0], FH_RECORD_DICT_KEY, &data, &len);
        if (rc == FH_OK)
            fh_buf_append(&dict, data, len);
        free(data);
        if (rc == FH_OK)
            rc = fh_buf_status(&dict);
    }
    /* A stored dictionary that is not one: the records go without. */
    if (rc == FH_OK && dict.len > 0 &&
        fh_record_dict_new(dict.data, dict.len, &r->dict) == FH_ERR_NOMEM)
        rc = FH_ERR_NOMEM;
    fh_buf_free(&dict);
    r->analyzer_opts.record_dict = r->dict;
    return rc;
}

/* Read the index's settings from its first shard, or store the run's in
 * every shard of a new index. Returns FH_OK, FH_ERR_INVALID (settings of a
 * newer fihris, said) or the store's status. */
static fh_status load_settings(run *r)
{
    char *text = NULL;
    fh_status rc = fh_db_metadata_get(r->dbs[0], FH_SETTINGS_KEY, &text, NULL);
    if (rc == FH_OK && text[0] != '\0') {
        rc = fh_settings_parse(text, &r->analyzer_opts);
        if (rc != FH_OK)
            fh_progress_say(r->o, r->o->db_path,
                            "the index was made by a newer fihris (settings \"%s\")", text);
        else if (!r->o->analyzer.word_map && r->analyzer_opts.word_map)
            fh_progress_say(r->o, r->o->db_path,
                            "the index keeps word positions in word maps; --xapian-positions "
                            "applies to a new index and to --rebuild");
    } else if (rc == FH_OK) {
        for (unsigned i = 0; rc == FH_OK && i < r->build.n; i++)
            rc = fh_settings_store(r->dbs[i], &r->analyzer_opts);
    }
    int new_index = rc == FH_OK && text[0] == '\0';
    free(text);
    if (rc == FH_OK && r->analyzer_opts.records_packed)
        rc = load_dict(r, new_index);
    return rc;
}

/* What the open shards hold: their documents, settings, state and the
 * files skipped before. Returns FH_OK or a failure (said). */
static fh_status load_index(run *r)
{
    unsigned failed = 0;
    fh_status rc = fh_shards_count(r->dbs, r->build.n, &r->doc_count, &failed);
    if (rc == FH_OK)
        rc = load_settings(r);
    size_t at = failed;
    if (rc == FH_OK)
        rc = fh_state_table_load(r->dbs, r->build.n, &r->state, &at);
    if (rc == FH_OK) {
        rc = fh_captures_load(r->dbs, r->build.n, 1, r->build.n, r->state, &r->captures, &failed);
        at = failed;
    }
    if (rc == FH_OK) {
        at = 0;
        rc = fh_skipped_load(r->dbs[0], &r->remembered);
    }
    r->reread_jsonl = rc == FH_OK && fh_shards_left_mid_run(r->dbs, r->build.n);
    if (rc == FH_OK)
        return FH_OK;
    /* FH_ERR_INVALID: settings of a newer fihris, already said. */
    const char *why = fh_db_errmsg(r->dbs[at]);
    if (why[0])
        fh_run_folder_say_cannot_read(r->o, why);
    else if (rc != FH_ERR_INVALID)
        fh_run_folder_say_cannot_read(r->o, fh_status_str(rc));
    return rc == FH_ERR_INVALID ? FH_ERR_OPENING : FH_ERR_IO;
}

/* Open phase: lock the folder, open the shards to write and load what they
 * hold. Returns FH_OK or a failure (said). */
static fh_status open_index(run *r)
{
    const fh_index_opts *o = r->o;
    fh_status rc = fh_run_folder_check(o);
    if (rc == FH_OK)
        rc = fh_run_folder_lock(o, &r->lock_fd);
    if (rc == FH_OK)
        rc = fh_run_folder_read_shards(o, &r->current);
    if (rc == FH_OK && o->compact && !o->rebuild && r->current.n > 0)
        rc = fh_run_folder_check_compact(o, r->current.n);
    if (rc != FH_OK)
        return rc;
    /* The lock is ours: shards of other generations are what killed runs
     * left. */
    fh_shards_remove_others(o->db_path, r->current.generation);
    choose_build(r);
    rc = claim_build(r);
    if (rc == FH_OK)
        rc = fh_run_folder_open_shards(o, &r->build, FH_DB_CREATE | FH_DB_NO_SYNC, r->dbs);
    /* A new index is listed at once: a killed first build leaves what it
     * committed, and the next run goes on from there. */
    if (rc == FH_OK && r->current.n == 0)
        rc = fh_run_folder_switch(o, &r->build);
    return rc == FH_OK ? load_index(r) : rc;
}

/* Walk phase: every source, its new and changed files kept for writing.
 * Returns FH_OK, FH_ERR_NOTFOUND or another failure (said). */
static fh_status walk_sources(run *r)
{
    const fh_index_opts *o = r->o;
    fh_pipeline_setup setup = {o,          &r->analyzer_opts, r->state,  r->remembered,
                               r->build.n, r->reread_jsonl,   r->unread, r->captures};
    fh_status rc = fh_pipeline_new(&setup, r->report, &r->pipeline);
    if (rc != FH_OK) {
        fh_progress_say(o, NULL, "%s", fh_status_str(rc));
        return rc;
    }
    for (size_t i = 0; i < r->n_roots; i++) {
        /* Missing: its documents are up to the guard; unreachable: kept. */
        if (r->root_err[i] != 0)
            continue;
        rc = fh_pipeline_walk(r->pipeline, r->roots[i]);
        if (rc != FH_OK) {
            fh_progress_say(o, o->sources[i], "cannot walk: %s", fh_status_str(rc));
            return rc == FH_ERR_NOTFOUND ? rc : FH_ERR_IO;
        }
    }
    return FH_OK;
}

/* Close the shards written without committing more. A rebuild's half-made
 * shards go; a new index keeps its commits. */
static void discard_build(run *r)
{
    for (unsigned i = 0; i < r->build.n; i++) {
        fh_db_close_discard(r->dbs[i]);
        r->dbs[i] = NULL;
    }
    if (r->build.generation != r->current.generation && r->current.n > 0)
        fh_shards_remove_others(r->o->db_path, r->current.generation);
}

/* Writing shard failed with rc: say so and close the shards. Returns the
 * run's status. */
static fh_status fail_update(run *r, fh_status rc, unsigned failed)
{
    const fh_index_opts *o = r->o;
    const char *msg = r->dbs[failed] ? fh_db_errmsg(r->dbs[failed]) : "";
    fh_progress_say(o, o->db_path, "cannot update the index: %s", msg[0] ? msg : fh_status_str(rc));
    fh_progress_say(o, o->db_path, "it is left as it was at its last commit");
    discard_build(r);
    return fh_run_folder_failure(rc);
}

/* Write and commit phase: write the pages, delete what is gone, remember
 * what was skipped, and commit every shard. On failure the shards are
 * closed without committing more. Returns FH_OK or a failure (said). */
static fh_status write_and_commit(run *r)
{
    const fh_index_opts *o = r->o;
    const fh_index_report *rep = r->report;
    unsigned failed = 0;
    fh_status rc = fh_pipeline_write(r->pipeline, r->dbs, &failed);
    if (rc == FH_OK && nothing_read(r)) {
        discard_build(r);
        return say_nothing_read(r);
    }
    if (rc == FH_OK && !o->no_delete)
        rc = delete_unseen(r, r->dbs, &failed);
    if (rc == FH_OK && (rc = count_captures(r)) != FH_OK) {
        discard_build(r);
        return rc;
    }
    /* Which capture of each URL shows changes only with what a run wrote
     * (this one, or one that did not finish). */
    uint64_t settled = 0;
    int wrote = rep->added || rep->changed || rep->deleted || r->docs_written;
    if (rc == FH_OK && (wrote || r->reread_jsonl))
        rc = fh_captures_settle(r->dbs, r->build.n, &settled, &failed);
    if (rc == FH_OK) {
        rc = fh_skipped_save(r->remembered, r->dbs[0], keep_remembered, r);
        failed = 0;
    }
    if (rc == FH_OK)
        rc = fh_sources_update(r->dbs[0], r->roots, r->n_roots, NULL, 0);
    int changed = wrote || r->doc_count == 0;
    for (unsigned i = 0; rc == FH_OK && i < r->build.n; i++) {
        if (changed)
            fh_shards_stamp(r->dbs[i], "fihris.updated");
        fh_shards_stamp(r->dbs[i], "fihris.last-run");
        rc = fh_shards_commit(r->dbs[i]);
        failed = i;
    }
    for (unsigned i = 0; rc == FH_OK && i < r->build.n; i++) {
        rc = fh_shards_finish_run(r->dbs[i]);
        failed = i;
    }
    return rc == FH_OK ? FH_OK : fail_update(r, rc, failed);
}

/* The shards an index keeps at the end of a run: as many as --jobs said
 * for a new index or a rebuild; one for a first build still to be merged
 * (unmerged: a killed first build, finished now); else as many as it has. */
static unsigned shards_to_keep(const run *r, int unmerged)
{
    const fh_index_opts *o = r->o;
    if (o->shards && (r->current.n == 0 || o->rebuild))
        return r->build.n;
    if (unmerged)
        return 1;
    return r->current.n > 1 ? r->current.n : 1;
}

/* Publish phase. Commits ran without fsync. A new index or a rebuild is
 * compacted (half the size and quicker to search) and switched to; any
 * other run syncs the shards as they are. A new index written by a writer
 * per core (and the rebuild of an index of one shard) is merged into one
 * shard unless --jobs said how many to keep: a search opens each term's
 * postings once per shard, and one shard took 20% less time per query
 * (bench/RESULTS.md). A first build that was killed is merged by the run
 * that finishes it. Returns FH_OK or a failure (said). */
static fh_status publish(run *r)
{
    const fh_index_opts *o = r->o;
    fh_status rc = fh_run_folder_close_and_sync(o, &r->build, r->dbs);
    int unmerged = r->current.n > 0 && fh_shards_unmerged(o->db_path) == r->current.generation;
    unsigned keep = shards_to_keep(r, unmerged);
    unsigned target = o->compact ? (o->shards ? o->shards : 1) : keep;
    if (rc == FH_OK && (r->doc_count == 0 || r->build.generation != r->current.generation)) {
        if (r->report->added > 0 || r->docs_written > 0)
            rc = fh_run_folder_compact_and_switch(o, &r->build, target, 1);
        else
            rc = fh_run_folder_switch(o, &r->build);
    } else if (rc == FH_OK && unmerged) {
        rc = fh_run_folder_compact_and_switch(o, &r->build, target, 1);
    } else if (rc == FH_OK && o->compact) {
        rc = fh_index_compact(o, r->lock_fd);
    }
    return rc;
}

static void run_free(run *r)
{
    fh_pipeline_free(r->pipeline);
    fh_record_dict_free(r->dict);
    for (unsigned i = 0; i < FH_SHARDS_MAX; i++)
        fh_db_close(r->dbs[i]);
    fh_db_close(r->reader);
    fh_captures_free(r->captures);
    if (r->lock_fd >= 0)
        close(r->lock_fd);
    for (size_t i = 0; i < r->n_roots; i++)
        free(r->roots[i]);
    free(r->roots);
    free(r->root_err);
    fh_unread_free(r->unread);
    fh_state_table_free(r->state);
    fh_skipped_free(r->remembered);
}

static void run_init(run *r, const fh_index_opts *o, fh_index_report *report)
{
    memset(report, 0, sizeof *report);
    memset(r, 0, sizeof *r);
    r->o = o;
    r->report = report;
    r->analyzer_opts = o->analyzer;
    r->lock_fd = -1;
}

fh_status fh_index_run(const fh_index_opts *o, fh_index_report *report)
{
    double t0 = fh_progress_now();
    /* The index folder is never walked as pages, even inside a SOURCE. */
    fh_index_opts own = *o;
    own.walk.skip_folder = o->db_path;
    o = &own;
    run r;
    run_init(&r, o, report);
    fh_status rc = resolve_sources(&r, 1);
    /* A missing source is "no input" before anything is made when there is
     * no index to hold its documents (or it is rebuilt). */
    if (rc == FH_OK && (o->rebuild || !fh_run_folder_has_index(o->db_path)))
        rc = check_missing(&r, 1);
    if (rc == FH_OK)
        rc = o->dry_run ? open_for_dry_run(&r) : open_index(&r);
    if (rc == FH_OK)
        rc = check_missing(&r, 0);
    if (rc == FH_OK)
        rc = walk_sources(&r);
    if (rc == FH_OK && o->dry_run)
        rc = fh_pipeline_write(r.pipeline, NULL, &(unsigned){0});
    if (rc == FH_OK && o->dry_run && nothing_read(&r))
        rc = say_nothing_read(&r);
    if (rc == FH_OK && o->dry_run && !o->no_delete)
        delete_unseen(&r, NULL, &(unsigned){0});
    if (rc == FH_OK && o->dry_run)
        rc = count_captures(&r);
    if (rc == FH_OK && !o->dry_run)
        rc = write_and_commit(&r);
    if (rc == FH_OK && !o->dry_run)
        rc = publish(&r);
    if (rc == FH_OK && r.held)
        rc = FH_ERR_GUARD;

    run_free(&r);
    report->seconds = fh_progress_now() - t0;
    fh_progress_end(o);
    return rc;
}

/* ---- Forgetting a source ------------------------------------------------- */

/* Of the files skipped before, those under no path forgotten stay. */
static int keep_unforgotten(void *ctx, const char *path, size_t len)
{
    return !under_roots(ctx, path, len);
}

/* Open phase of --forget: there must be an index; it is looked at before
 * the lock is taken, so that --forget makes nothing. Returns FH_OK or a
 * failure (said). */
static fh_status open_to_forget(run *r)
{
    const fh_index_opts *o = r->o;
    int there = fh_run_folder_has_index(o->db_path);
    fh_status rc = FH_OK;
    if (there && o->dry_run)
        return open_for_dry_run(r);
    if (there)
        rc = fh_run_folder_lock(o, &r->lock_fd);
    if (rc == FH_OK && there)
        rc = fh_run_folder_read_shards(o, &r->current);
    if (rc == FH_OK && r->current.n == 0) {
        fh_progress_say(o, o->db_path, "no index here to forget from");
        return FH_ERR_NOTFOUND;
    }
    r->build = r->current;
    if (rc == FH_OK)
        rc = fh_run_folder_open_shards(o, &r->build, FH_DB_NO_SYNC, r->dbs);
    return rc == FH_OK ? load_index(r) : rc;
}

/* Delete (with dbs NULL, only count, and list with list_changes) every
 * document under the paths forgotten. Returns FH_OK, or the store's status
 * with *failed the shard at fault. */
static fh_status delete_forgotten(run *r, fh_db **dbs, unsigned *failed)
{
    for (size_t i = 0; i < r->n_roots; i++)
        if (count_under(r, i) == 0)
            fh_progress_say(r->o, r->roots[i], "the index holds nothing under it");
    for (size_t i = 0; i < fh_state_table_size(r->state); i++) {
        const fh_state_entry *e = fh_state_table_at(r->state, i);
        if (!under_roots(r, e->key, e->path_len))
            continue;
        if (r->o->list_changes && r->o->dry_run)
            fh_progress_change(r->o, "deleted", e->key, e->key_len);
        fh_status rc = dbs ? fh_db_delete(dbs[e->shard], e->docid) : FH_OK;
        if (rc != FH_OK && rc != FH_ERR_NOTFOUND) {
            *failed = e->shard;
            return rc;
        }
        count_deleted(r, e);
    }
    return FH_OK;
}

/* Delete what is forgotten, drop it from what the index remembers, and
 * commit each shard once. Returns FH_OK or a failure (said). */
static fh_status forget_and_commit(run *r)
{
    unsigned failed = 0;
    fh_status rc = delete_forgotten(r, r->dbs, &failed);
    if (rc == FH_OK && (rc = count_captures(r)) != FH_OK)
        return rc;
    uint64_t settled = 0;
    if (rc == FH_OK && r->docs_written > 0)
        rc = fh_captures_settle(r->dbs, r->build.n, &settled, &failed);
    if (rc == FH_OK) {
        failed = 0;
        rc = fh_skipped_save(r->remembered, r->dbs[0], keep_unforgotten, r);
    }
    if (rc == FH_OK)
        rc = fh_sources_update(r->dbs[0], NULL, 0, r->roots, r->n_roots);
    for (unsigned i = 0; rc == FH_OK && i < r->build.n; i++) {
        failed = i;
        if (r->docs_written > 0)
            fh_shards_stamp(r->dbs[i], "fihris.updated");
        rc = fh_shards_set_committed(r->dbs[i]);
        if (rc == FH_OK)
            rc = fh_db_commit(r->dbs[i]);
    }
    if (rc != FH_OK)
        return fail_update(r, rc, failed);
    return fh_run_folder_close_and_sync(r->o, &r->build, r->dbs);
}

fh_status fh_index_forget(const fh_index_opts *o, fh_index_report *report)
{
    double t0 = fh_progress_now();
    run r;
    run_init(&r, o, report);
    fh_status rc = resolve_sources(&r, 0);
    if (rc == FH_OK)
        rc = open_to_forget(&r);
    if (rc == FH_OK && o->dry_run)
        rc = delete_forgotten(&r, NULL, &(unsigned){0});
    if (rc == FH_OK && o->dry_run)
        rc = count_captures(&r);
    else if (rc == FH_OK)
        rc = forget_and_commit(&r);
    run_free(&r);
    report->seconds = fh_progress_now() - t0;
    fh_progress_end(o);
    return rc;
}

fh_status fh_index_compact(const fh_index_opts *o, int lock_fd)
{
    int own_lock = -1;
    fh_status rc = lock_fd < 0 ? fh_run_folder_check(o) : FH_OK;
    if (rc == FH_OK && lock_fd < 0)
        rc = fh_run_folder_lock(o, &own_lock);
    fh_shard_set current = {0, 0};
    if (rc == FH_OK)
        rc = fh_run_folder_read_shards(o, &current);
    if (rc == FH_OK && current.n == 0) {
        fh_progress_say(o, o->db_path, "no index here to compact");
        rc = FH_ERR_NOTFOUND;
    }
    if (rc == FH_OK)
        rc = fh_run_folder_check_compact(o, current.n);
    if (rc == FH_OK) {
        fh_shards_remove_others(o->db_path, current.generation);
        rc = fh_run_folder_compact_and_switch(o, &current, o->shards ? o->shards : 1, 0);
    }
    if (own_lock >= 0)
        close(own_lock);
    return rc;
}
