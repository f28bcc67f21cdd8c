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
 * relevance DB DOCS.jsonl QUERIES.tsv RUN_OUT: builds DB as build does
 * (path value = the JSONL id, stemmer by the document's script), runs each
 * `qid<TAB>text` query through QueryParser (default op OR, stemmer by the
 * query's script, STEM_SOME, FLAG_DEFAULT|FLAG_PHRASE) and writes a TREC run
 * "qid Q0 docid rank score xapian" of up to 1,000 hits.
 *
 * knownitem DB KNOWNITEM.tsv: over an index made by build, each query as in
 * `query` (AND), top 10; prints MRR@10 and success@10 per variant as JSON,
 * matching the target by the stored path ending with "/" + doc.
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
    "       xapian_peer relevance DB DOCS.jsonl QUERIES.tsv RUN_OUT\n"
    "       xapian_peer knownitem DB KNOWNITEM.tsv\n"
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

/* A database with the stock parser and BM25: for query, and (with qs,
 * snippets and limit unused) for knownitem. */
struct query_ctx {
    const peer_queries *qs = nullptr;
    Xapian::Database db;
    Xapian::Enquire enquire;
    Xapian::QueryParser qp;
    Xapian::Stem english{"english"}, arabic{"arabic"};
    int snippets = 0;
    Xapian::doccount limit = 10;
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

/* ---- relevance and known items ------------------------------------------ */

extern "C" {
static int add_doc(void *ctx, const peer_doc *d)
{
    /* The script is judged on the body, or the title when there is none. */
    const char *t = d->text_len ? d->text : d->title;
    size_t tn = d->text_len ? d->text_len : d->title_len;
    peer_page p = {d->id, d->title, d->title_len, d->text, d->text_len, t, tn};
    return add_page(ctx, &p);
}
}

static int cmd_relevance(int argc, char **argv)
{
    if (argc != 5) {
        std::fputs(usage_text, stderr);
        return 64;
    }
    const char *path = argv[1], *docs = argv[2], *queries = argv[3], *run = argv[4];
    struct stat st;
    if (stat(path, &st) == 0) {
        std::fprintf(stderr, "xapian_peer: %s already exists; relevance wants a new database\n",
                     path);
        return 73;
    }
    peer_rows qs;
    if (peer_rows_load(queries, 2, &qs) != 0) {
        std::fprintf(stderr, "xapian_peer: %s: cannot read\n", queries);
        return 66;
    }
    int code = 0;
    std::FILE *out = nullptr;
    try {
        uint64_t n_docs = 0, bytes = 0;
        {
            Xapian::WritableDatabase db(path, Xapian::DB_CREATE);
            build_ctx b;
            b.db = &db;
            b.tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
            if (peer_jsonl_walk(docs, add_doc, &b, &n_docs, &bytes) != 0) {
                peer_rows_free(&qs);
                return 65;
            }
            db.commit();
            db.close();
        }
        Xapian::Database db(path);
        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(Xapian::BM25Weight());
        Xapian::QueryParser qp;
        qp.set_database(db);
        Xapian::Stem english{"english"}, arabic{"arabic"};
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        qp.set_default_op(Xapian::Query::OP_OR);
        qp.add_prefix("title", "S");
        if ((out = std::fopen(run, "w")) == nullptr) {
            std::fprintf(stderr, "xapian_peer: %s: cannot write\n", run);
            peer_rows_free(&qs);
            return 73;
        }
        for (size_t i = 0; i < qs.n; i++) {
            const char *qid = qs.f[2 * i];
            const char *text = qs.f[2 * i + 1];
            qp.set_stemmer(peer_is_arabic(text, std::strlen(text)) ? arabic : english);
            try {
                Xapian::Query query =
                    qp.parse_query(qs.f[2 * i + 1], Xapian::QueryParser::FLAG_DEFAULT |
                                                        Xapian::QueryParser::FLAG_PHRASE);
                enquire.set_query(query);
                Xapian::MSet mset = enquire.get_mset(0, 1000);
                int rank = 0;
                for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it)
                    std::fprintf(out, "%s Q0 %s %d %.6f xapian\n", qid,
                                 it.get_document().get_value(SLOT_PATH).c_str(), ++rank,
                                 it.get_weight());
            } catch (const Xapian::QueryParserError &e) {
                std::fprintf(stderr, "xapian_peer: query %s: %s\n", qid,
                             e.get_description().c_str());
            }
        }
        std::fprintf(stderr, "xapian_peer: relevance: %llu documents, %zu queries\n",
                     static_cast<unsigned long long>(n_docs), qs.n);
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xapian_peer: %s: %s\n", path, e.get_description().c_str());
        code = 74;
    } catch (const std::bad_alloc &) {
        std::fputs("xapian_peer: out of memory\n", stderr);
        code = 70;
    }
    if (out && std::fclose(out) != 0 && code == 0)
        code = 74;
    peer_rows_free(&qs);
    return code;
}

extern "C" {
static int known_rank(void *ctx, const char *text, const char *doc)
{
    query_ctx *k = static_cast<query_ctx *>(ctx);
    try {
        k->qp.set_stemmer(peer_is_arabic(text, std::strlen(text)) ? k->arabic : k->english);
        k->enquire.set_query(k->qp.parse_query(text, Xapian::QueryParser::FLAG_DEFAULT |
                                                         Xapian::QueryParser::FLAG_PHRASE));
        Xapian::MSet mset = k->enquire.get_mset(0, 10);
        int rank = 0;
        for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
            rank++;
            std::string p = it.get_document().get_value(SLOT_PATH);
            if (peer_path_is_doc(p.data(), p.size(), doc))
                return rank;
        }
    } catch (...) {
        /* A rejected query finds nothing. */
    }
    return 0;
}
}

static int cmd_knownitem(int argc, char **argv)
{
    if (argc != 3) {
        std::fputs(usage_text, stderr);
        return 64;
    }
    try {
        query_ctx k(argv[1]); /* the parser and enquire of the query command */
        return peer_knownitem(argv[2], known_rank, &k);
    } catch (const Xapian::Error &e) {
        std::fprintf(stderr, "xapian_peer: %s: %s\n", argv[1], e.get_description().c_str());
        return 66;
    } catch (const std::bad_alloc &) {
        std::fputs("xapian_peer: out of memory\n", stderr);
        return 70;
    }
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
    if (std::strcmp(cmd, "relevance") == 0)
        return cmd_relevance(argc - 1, argv + 1);
    if (std::strcmp(cmd, "knownitem") == 0)
        return cmd_knownitem(argc - 1, argv + 1);
    std::fprintf(stderr, "xapian_peer: unknown command: %s\n", cmd);
    std::fputs(usage_text, stderr);
    return 64;
}
