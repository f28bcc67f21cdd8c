/* settings.h - the analyzer settings an index was built with.
 *
 * Terms are only comparable when pages and queries go through the same
 * analyzer, so an index records its settings in its metadata (key
 * FH_SETTINGS_KEY) when it is created, and every reader configures its
 * analyzer from them. The format is one line of name=value pairs:
 *   "format=7 english=english arabic=fihris hamza-seats=0 arabic-forms=1
 *    records=lz4 positions=map"
 * An index of format 1 made light10 keep two letters ("light10-2"); one of
 * format 1 or 2 counted every title word (FH_TITLE_COUNT_ALL, written
 * "title-words=all"); one of format 1 to 3 has no title pairs (written
 * "title-pairs=0"); one of format 1 to 4 does not fold Arabic letter forms
 * (FH_NORMALIZE_ARABIC_FORMS, written "arabic-forms=1"); one of format 1
 * to 5 stores plain records (written "records=plain"; record_pack.h) and
 * has nothing for the filters (filters.h, written "filters=0"); one of
 * format 1 to 6 keeps every word's positions in Xapian (written
 * "positions=xapian"; word_map.h). */
#ifndef FH_SETTINGS_H
#define FH_SETTINGS_H

#include "analyzer.h"
#include "status.h"
#include "store.h"

#define FH_SETTINGS_KEY "fihris.analyzer"
/* 2: light10 keeps three letters (light10.h); 3: a title's word count is of
 * its content words (document.h); 4: title words are also indexed in pairs;
 * 5: Arabic letter forms folded, fihris's Arabic stemmer (arabic_stem.h);
 * 6: records compressed with LZ4 (record_pack.h), the terms and values of
 * the filters (filters.h); 7: word positions in word maps (word_map.h) */
#define FH_SETTINGS_FORMAT 7

/* Write opts as text to out (at most size bytes, NUL-terminated). Returns
 * FH_OK or FH_ERR_TOOBIG. */
fh_status fh_settings_format(const fh_analyzer_opts *opts, char *out, size_t size);

/* Read settings text into *opts (unnamed settings keep their defaults).
 * Returns FH_OK, or FH_ERR_INVALID for an unknown name or value, or a
 * format newer than this program reads. */
fh_status fh_settings_parse(const char *text, fh_analyzer_opts *opts);

/* Load the settings of db into *opts. An index without settings (made by
 * another tool) gets the defaults, but for its positions, which are in
 * Xapian (word_map 0). Returns FH_OK, FH_ERR_INVALID (as
 * fh_settings_parse()), or the status of reading the metadata. */
fh_status fh_settings_load(fh_db *db, fh_analyzer_opts *opts);

/* Store opts in a writable db (committed with its next commit). */
fh_status fh_settings_store(fh_db *db, const fh_analyzer_opts *opts);

#endif
