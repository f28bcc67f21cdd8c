/* xapian_peer.cc - stock Xapian (TermGenerator, QueryParser, MSet::snippet)
 * on the same pages and queries as fihris-bench.
 *
 *   xapian_peer build DB CORPUS_DIR [--format text|json]
 *   xapian_peer query DB QUERIES_FILE [--snippets] [--limit N] [--warmup N]
 *                     [--repeat N] [--format text|json]
 *
 * build: one Xapian::Document a page through TermGenerator (stemmer arabic
 * when the page has more Arabic letters than Latin ones, else english;
 * STEM_SOME; positions), the title with prefix S and again unprefixed, the
 * body after it; the body is the document data, the title value 0 and the
 * path value 1; add_document, commit every 2,000 documents and at the end.
 *
 * query: QueryParser (stemmer by the query's script, STEM_SOME, default op
 * AND, FLAG_DEFAULT|FLAG_PHRASE), Enquire with BM25Weight, get_mset(0, N),
 * each hit's data and title read, and with --snippets
 * MSet::snippet(data, 200, stemmer) for each hit. Everything after reading
 * the query file is timed per query with CLOCK_MONOTONIC.
 *
 * bench/peers is the one place in the project allowed to use TermGenerator,
 * QueryParser and MSet::snippet: this is the stock engine fihris is
 * measured against. */
#include <getopt.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <string>

#include <xapian.h>

#include "peer_util.h"

static const char usage_text[] =
    "usage: xapian_peer build DB CORPUS_DIR [--format text|json]\n"
    "       xapian_peer query DB QUERIES_FILE [--snippets] [--limit N] [--warmup N]\n"
    "                         [--repeat N] [--format text|json]\n"
    "Query files hold one query a line, or LANG<TAB>QUERY lines.\n";

enum { COMMIT_EVERY = 2000, SLOT_TITLE = 0, SLOT_PATH = 1 };

/* ---- build --------------------------------------------------------------- */

namespace
{

struct build_ctx {
    Xapian::WritableDatabase *db;
    Xapian::TermGenerator tg;
    Xapian::Stem english{"english"}, arabic{"arabic"};
    unsigned long added = 0;
};

} // namespace

extern "C" {
static int add_page(void *ctx, const peer_page *p)
{
    build_ctx *b = static_cast<build_ctx *>(ctx);
    try {
        Xapian::Document doc;
        b->tg.set_document(doc);
        b->tg.set_stemmer(peer_is_arabic(p->text, p->text_len) ? b->arabic : b->english);
        std::string title(p->title, p->title_len), body(p->body, p->body_len);
        b->tg.index_text(title, 1, "S");
        b->tg.index_text(title);
        b->tg.increase_termpos();
        b->tg.index_text(body);
        doc.set_data(body);
        doc.add_value(SLOT_TITLE, title);
        doc.add_value(SLOT_PATH, p->path);
        b->db->add_document(doc);
        if (++b->added % COMMIT_EVERY == 0)
            b->db->commit();
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xapian_peer: %s: %s\n", p->path, e.get_description().c_str());
        return -1;
    } catch (const std::bad_alloc &) {
        std::fprintf(stderr, "xapian_peer: %s: out of memory\n", p->path);
        return -1;
    } catch (...) {
        std::fprintf(stderr, "xapian_peer: %s: unexpected exception\n", p->path);
        return -1;
    }
    return 0;
}
}

static int cmd_build(int argc, char **argv)
{
    static const struct option options[] = {{"format", required_argument, nullptr, 'f'},
                                            {nullptr, 0, nullptr, 0}};
    int json = 0, c;
    while ((c = getopt_long(argc, argv, "", options, nullptr)) != -1) {
        if (c != 'f') {
            std::fputs(usage_text, stderr);
            return 64;
        }
        json = std::strcmp(optarg, "json") == 0;
    }
    if (optind + 2 != argc) {
        std::fputs(usage_text, stderr);
        return 64;
    }
    const char *path = argv[optind], *corpus = argv[optind + 1];
    uint64_t pages = 0, bytes = 0;
    double t0 = peer_now();
    try {
        Xapian::WritableDatabase db(path, Xapian::DB_CREATE);
        build_ctx b;
        b.db = &db;
        b.tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
        if (peer_walk(corpus, add_page, &b, &pages, &bytes) != 0)
            return 74;
        db.commit();
        db.close();
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xapian_peer: %s: %s\n", path, e.get_description().c_str());
        return 73;
    } catch (const std::bad_alloc &) {
        std::fputs("xapian_peer: out of memory\n", stderr);
        return 70;
    }
    peer_print_build(pages, bytes, peer_now() - t0, json);
    return 0;
}

/* ---- query --------------------------------------------------------------- */

namespace
{

struct query_ctx {
    const peer_queries *qs;
    Xapian::Database db;
    Xapian::Enquire enquire;
    Xapian::QueryParser qp;
    Xapian::Stem english{"english"}, arabic{"arabic"};
    int snippets;
    Xapian::doccount limit;
    size_t sink = 0;

    explicit query_ctx(const char *path) : db(path), enquire(db)
    {
        enquire.set_weighting_scheme(Xapian::BM25Weight());
        qp.set_database(db);
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        qp.set_default_op(Xapian::Query::OP_AND);
        qp.add_prefix("title", "S");
    }
};

} // namespace

extern "C" {
static int run_query(void *ctx, size_t i, uint64_t *hits)
{
    query_ctx *q = static_cast<query_ctx *>(ctx);
    *hits = 0;
    try {
        const char *text = q->qs->q[i];
        const Xapian::Stem &stem = peer_is_arabic(text, std::strlen(text)) ? q->arabic : q->english;
        q->qp.set_stemmer(stem);
        Xapian::Query query = q->qp.parse_query(text, Xapian::QueryParser::FLAG_DEFAULT |
                                                          Xapian::QueryParser::FLAG_PHRASE);
        q->enquire.set_query(query);
        Xapian::MSet mset = q->enquire.get_mset(0, q->limit);
        for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
            Xapian::Document doc = it.get_document();
            std::string data = doc.get_data();
            std::string title = doc.get_value(SLOT_TITLE);
            q->sink += data.size() + title.size();
            if (q->snippets)
                q->sink += mset.snippet(data, 200, stem).size();
        }
        *hits = mset.size();
    } catch (...) {
        /* A query QueryParser or the matcher rejects counts as zero hits. */
        *hits = 0;
        return -1;
    }
    return 0;
}
}

static int cmd_query(int argc, char **argv)
{
    peer_query_opts o;
    int code = peer_query_opts_parse(argc, argv, &o, usage_text);
    if (code != 0)
        return code;
    peer_queries qs;
    if (peer_queries_load(o.queries, &qs) != 0) {
        std::fprintf(stderr, "xapian_peer: %s: no queries read\n", o.queries);
        return 66;
    }
    try {
        query_ctx q(o.db);
        q.qs = &qs;
        q.snippets = o.snippets;
        q.limit = static_cast<Xapian::doccount>(o.limit);
        code = peer_run_queries(&o, &qs, run_query, &q);
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xapian_peer: %s: %s\n", o.db, e.get_description().c_str());
        code = 66;
    } catch (const std::bad_alloc &) {
        std::fputs("xapian_peer: out of memory\n", stderr);
        code = 70;
    }
    peer_queries_free(&qs);
    return code;
}

int main(int argc, char **argv)
{
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
        std::fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? 64 : 0;
    }
    const char *cmd = argv[1];
    argv[1] = argv[0];
    if (std::strcmp(cmd, "build") == 0)
        return cmd_build(argc - 1, argv + 1);
    if (std::strcmp(cmd, "query") == 0)
        return cmd_query(argc - 1, argv + 1);
    std::fprintf(stderr, "xapian_peer: unknown command: %s\n", cmd);
    std::fputs(usage_text, stderr);
    return 64;
}
