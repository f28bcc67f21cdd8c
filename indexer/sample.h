/* sample.h - the record dictionary of a new index, trained on a sample of
 * its pages.
 *
 * A new index compresses its records with a zstd dictionary
 * (record_pack.h). Before its first build writes a page, the run walks its
 * sources once more, reads up to FH_SAMPLE_PAGES pages spread evenly over
 * the files found (and over the lines of a JSONL file), encodes each as a
 * record holding what a record holds but the word offsets, and trains the
 * dictionary on them: the text of every source shapes it, not only the
 * first folder's. */
#ifndef FH_INDEX_SAMPLE_H
#define FH_INDEX_SAMPLE_H

#include <stddef.h>

#include "buf.h"
#include "status.h"
#include "walk.h"

/* A thousand news pages are 2-3 MB: a dictionary trained on 8 MB made
 * records 0.5% smaller and took four times as long to train, time a
 * small first build waits for. */
#define FH_SAMPLE_PAGES 1000
#define FH_SAMPLE_BYTES (4u << 20)

/* Train the dictionary on a sample of the pages under roots[0..n) (NULL
 * entries are skipped), walked with walk, and append it to out. Files that
 * cannot be read are left out of the sample (the pipeline says so).
 * Returns FH_OK, FH_ERR_NOMEM, or FH_ERR_INVALID when the pages are too few
 * or too small to train on: then there is no dictionary. */
fh_status fh_sample_train(const char *const *roots, size_t n, const fh_walk_opts *walk,
                          fh_buf *out);

#endif
