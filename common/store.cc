/* store.cc - fihris's C API over libxapian (see store.h).
 *
 * The one C++ translation unit of fihris and the only file that includes
 * <xapian.h>. Every extern "C" entry point runs its body through guard(),
 * which is noexcept, catches everything and turns it into a status code plus
 * a message kept on the handle. The definitions themselves cannot say
 * noexcept: store.h declares them without it, and in C++17 the exception
 * specification is part of a function's type, so a mismatch does not
 * compile. Nothing outside guard() can throw.
 *
 * Errors that are not Xapian's own (a NULL argument, a write on a read-only
 * handle, a missing key) are thrown as the matching Xapian exception, so they
 * take the same single path to a status and a message. */
#include "store.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <exception>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <xapian.h>

#include <unistd.h>

/* ---- Handles ------------------------------------------------------------ */

/* The last failure on a handle: its status and message. Mutable because
 * read-only accessors on const handles (fh_results_hit) may fail too. */
struct fh_error {
    mutable std::string msg;
    mutable int status = FH_OK;
};

struct fh_db : fh_error {
    /* For a writable database wdb points at the same object as db (a
     * WritableDatabase); for a read-only one it is NULL. */
    std::unique_ptr<Xapian::Database> db;
    Xapian::WritableDatabase *wdb = nullptr;
};

struct fh_doc {
    Xapian::Document doc;
    /* Copies handed out by fh_doc_get_data / fh_doc_get_value, so that the
     * pointers stay valid until the document is freed or the field is set
     * again. Filled on first read, dropped on the matching set. */
    std::optional<std::string> data;
    std::unordered_map<Xapian::valueno, std::string> values;
};

struct fh_query {
    Xapian::Query q;
};

struct fh_results : fh_error {
    /* The Enquire is kept alive with its MSet: documents are read through it. */
    Xapian::Database db;
    Xapian::Enquire enquire;
    Xapian::MSet mset;
    explicit fh_results(const Xapian::Database &db_) : db(db_), enquire(db_)
    {
    }
};

/* ---- The boundary: exceptions to statuses ------------------------------- */

/* Must be called from inside a catch handler: rethrows the exception being
 * handled, stores its message in msg and returns its status. The order
 * matters: the most specific Xapian classes first (DatabaseLockError,
 * DatabaseModifiedError and DatabaseCorruptError are DatabaseErrors). */
static int translate_current_exception(std::string &msg) noexcept
{
    int status = FH_ERR_UNKNOWN;
    try {
        try {
            throw;
        } catch (const Xapian::DatabaseLockError &e) {
            status = FH_ERR_LOCKED;
            msg = e.get_description();
        } catch (const Xapian::DatabaseModifiedError &e) {
            status = FH_ERR_MODIFIED;
            msg = e.get_description();
        } catch (const Xapian::DatabaseCorruptError &e) {
            status = FH_ERR_CORRUPT;
            msg = e.get_description();
        } catch (const Xapian::DatabaseOpeningError &e) {
            status = FH_ERR_OPENING;
            msg = e.get_description();
        } catch (const Xapian::DatabaseCreateError &e) {
            /* store.h: "FH_ERR_OPENING when it ... cannot be created". */
            status = FH_ERR_OPENING;
            msg = e.get_description();
        } catch (const Xapian::NetworkError &e) {
            status = FH_ERR_NETWORK;
            msg = e.get_description();
        } catch (const Xapian::DocNotFoundError &e) {
            status = FH_ERR_NOTFOUND;
            msg = e.get_description();
        } catch (const Xapian::InvalidArgumentError &e) {
            status = FH_ERR_INVALID;
            msg = e.get_description();
        } catch (const Xapian::DatabaseError &e) {
            /* Disk full and other I/O failures end up here; the message
             * carries the system's reason. */
            status = FH_ERR_IO;
            msg = e.get_description();
        } catch (const Xapian::Error &e) {
            status = FH_ERR_XAPIAN;
            msg = e.get_description();
        } catch (const std::bad_alloc &) {
            status = FH_ERR_NOMEM;
            msg = "out of memory";
        } catch (const std::exception &e) {
            status = FH_ERR_UNKNOWN;
            msg = e.what();
        } catch (...) {
            status = FH_ERR_UNKNOWN;
            msg = "unknown exception";
        }
    } catch (...) {
        /* Copying the message failed (out of memory): keep the status. */
        msg.clear();
    }
    return status;
}

/* Run f and turn any exception it throws into a status and a message on
 * err: the one catch site of every entry point. err keeps the last failure,
 * so a later success does not clear it. */
template <typename F> static int guard(const fh_error *err, F &&f) noexcept
{
    try {
        f();
        return FH_OK;
    } catch (...) {
        err->status = translate_current_exception(err->msg);
        return err->status;
    }
}

/* guard() for calls that have no handle to keep the message on. */
template <typename F> static int guard(F &&f) noexcept
{
    fh_error scratch;
    return guard(&scratch, std::forward<F>(f));
}

static void require(bool ok, const char *what)
{
    if (!ok)
        throw Xapian::InvalidArgumentError(what);
}

static Xapian::WritableDatabase &writable(fh_db *db)
{
    if (db->wdb == nullptr)
        throw Xapian::InvalidArgumentError("the database was opened read-only");
    return *db->wdb;
}

/* A malloc'd NUL-terminated copy of len bytes, for strings the caller frees
 * with free(). */
static char *malloc_copy(const char *p, size_t len)
{
    char *s = static_cast<char *>(std::malloc(len + 1));
    if (s == nullptr)
        throw std::bad_alloc();
    if (len > 0)
        std::memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

/* Hand msg to the caller of an open function through errmsg (may be NULL). */
static void set_errmsg(char **errmsg, const std::string &msg) noexcept
{
    if (errmsg == nullptr)
        return;
    *errmsg = static_cast<char *>(std::malloc(msg.size() + 1));
    if (*errmsg != nullptr)
        std::memcpy(*errmsg, msg.c_str(), msg.size() + 1);
}

/* ---- Opening and closing ------------------------------------------------ */

/* ---- Fatal errors inside libxapian ------------------------------------- */

/* libxapian 1.4 can end the process through std::terminate when a write
 * fails in the middle of a commit (a full disk, a file size limit): an
 * exception meets a destructor. Nothing can be saved then, but the index on
 * disk is still at its last commit, and the user deserves to hear so and a
 * documented exit code rather than an abort. */
static int fatal_exit_code = 0;
static char fatal_message[512];

[[noreturn]] static void on_terminate() noexcept
{
    if (fatal_message[0] != '\0') {
        ssize_t ignored = write(STDERR_FILENO, fatal_message, strlen(fatal_message));
        (void)ignored;
    }
    _exit(fatal_exit_code);
}

void fh_store_on_fatal(int exit_code, const char *message)
{
    fatal_exit_code = exit_code;
    std::snprintf(fatal_message, sizeof fatal_message, "%s\n", message ? message : "");
    std::set_terminate(on_terminate);
}

int fh_db_open_writable(const char *path, int flags, fh_db **out, char **errmsg)
{
    fh_error err;
    if (out != nullptr)
        *out = nullptr;
    if (errmsg != nullptr)
        *errmsg = nullptr;
    int status = guard(&err, [&] {
        require(path != nullptr && *path != '\0' && out != nullptr,
                "fh_db_open_writable: path and out are required");
        int xflags = Xapian::DB_OPEN;
        if (flags & FH_DB_OVERWRITE)
            xflags = Xapian::DB_CREATE_OR_OVERWRITE;
        else if (flags & FH_DB_CREATE)
            xflags = Xapian::DB_CREATE_OR_OPEN;
        if (flags & FH_DB_NO_SYNC)
            xflags |= Xapian::DB_NO_SYNC;
        if (flags & FH_DB_FULL_SYNC)
            xflags |= Xapian::DB_FULL_SYNC;
        /* No backend flag: glass, Xapian 1.4's default. */
        auto db = std::make_unique<fh_db>();
        auto wdb = std::make_unique<Xapian::WritableDatabase>(path, xflags);
        db->wdb = wdb.get();
        db->db = std::move(wdb);
        *out = db.release();
    });
    if (status == FH_ERR_LOCKED && path != nullptr) {
        try {
            err.msg =
                std::string("another writer holds the lock on ") + path + " (" + err.msg + ")";
        } catch (...) {
            err.msg.clear();
        }
    }
    if (status != FH_OK)
        set_errmsg(errmsg, err.msg);
    return status;
}

/* Open one read-only database: a folder, a stub file or tcp://HOST:PORT. */
static Xapian::Database open_one(const std::string &path)
{
    static const std::string tcp = "tcp://";
    if (path.compare(0, tcp.size(), tcp) != 0)
        return Xapian::Database(path);
    std::string hostport = path.substr(tcp.size());
    size_t colon = hostport.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == hostport.size())
        throw Xapian::InvalidArgumentError("expected tcp://HOST:PORT", path);
    std::string host = hostport.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2); /* [::1] */
    const char *port_str = hostport.c_str() + colon + 1;
    char *end = nullptr;
    errno = 0;
    unsigned long port = std::strtoul(port_str, &end, 10);
    if (errno != 0 || *end != '\0' || port == 0 || port > 65535)
        throw Xapian::InvalidArgumentError("bad port in tcp://HOST:PORT", path);
    /* Timeouts in milliseconds: Xapian's defaults for the read timeout and
     * for connecting. */
    return Xapian::Remote::open(host, static_cast<unsigned>(port), 10000, 10000);
}

/* Open paths[0..n) into one database. A path that cannot be opened fails
 * the whole (its name put before the message), or, with on_skip, is left out
 * and reported there; then at least one must open. */
static int open_readonly(const char *const *paths, size_t n,
                         void (*on_skip)(void *ctx, const char *path, const char *msg), void *ctx,
                         fh_db **out, char **errmsg)
{
    fh_error err;
    if (out != nullptr)
        *out = nullptr;
    if (errmsg != nullptr)
        *errmsg = nullptr;
    const char *failed = nullptr;
    int status = guard(&err, [&] {
        require(paths != nullptr && n > 0 && out != nullptr,
                "fh_db_open_readonly: at least one path is required");
        auto db = std::make_unique<fh_db>();
        db->db = std::make_unique<Xapian::Database>();
        size_t opened = 0;
        for (size_t i = 0; i < n; i++) {
            require(paths[i] != nullptr && *paths[i] != '\0', "fh_db_open_readonly: empty path");
            failed = paths[i];
            if (on_skip == nullptr) {
                db->db->add_database(open_one(paths[i]));
            } else {
                fh_error one;
                int rc = guard(&one, [&] { db->db->add_database(open_one(paths[i])); });
                if (rc == FH_ERR_NOMEM)
                    throw std::bad_alloc();
                if (rc != FH_OK) {
                    on_skip(ctx, paths[i], one.msg.c_str());
                    continue;
                }
            }
            opened++;
        }
        failed = nullptr;
        if (opened == 0)
            throw Xapian::DatabaseOpeningError("none of the databases could be opened");
        *out = db.release();
    });
    if (status != FH_OK && failed != nullptr) {
        try {
            err.msg = std::string(failed) + ": " + err.msg;
        } catch (...) {
            err.msg.clear();
        }
    }
    if (status != FH_OK)
        set_errmsg(errmsg, err.msg);
    return status;
}

int fh_db_open_readonly(const char *const *paths, size_t n, fh_db **out, char **errmsg)
{
    return open_readonly(paths, n, nullptr, nullptr, out, errmsg);
}

int fh_db_open_available(const char *const *paths, size_t n,
                         void (*on_skip)(void *ctx, const char *path, const char *msg), void *ctx,
                         fh_db **out, char **errmsg)
{
    return open_readonly(paths, n, on_skip, ctx, out, errmsg);
}

int fh_db_compact(const char *const *paths, size_t n, const char *dest, char **errmsg)
{
    fh_error err;
    if (errmsg != nullptr)
        *errmsg = nullptr;
    int status = guard(&err, [&] {
        require(paths != nullptr && n > 0 && dest != nullptr && *dest != '\0',
                "fh_db_compact: sources and a destination are required");
        Xapian::Database src;
        for (size_t i = 0; i < n; i++)
            src.add_database(open_one(paths[i]));
        /* One source keeps its document ids; several are renumbered one
         * after the other, since each counts from 1. */
        src.compact(dest, n == 1 ? Xapian::DBCOMPACT_NO_RENUMBER : 0);
    });
    if (status != FH_OK)
        set_errmsg(errmsg, err.msg);
    return status;
}

int fh_db_reopen(fh_db *db)
{
    if (db == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] { db->db->reopen(); });
}

void fh_db_close(fh_db *db)
{
    if (db == nullptr)
        return;
    /* For a writable database close() commits (the destructor would too, but
     * silently); there is no one left to tell about a failure either way. */
    try {
        db->db->close();
    } catch (...) {
    }
    delete db;
}

/* Xapian 1.4 has no "discard" call: WritableDatabase::close() and its
 * destructor both commit pending changes unless a transaction is active, in
 * which case they cancel it. And database.h on begin_transaction(false): "if
 * cancel_transaction is called (or if commit_transaction isn't called before
 * the WritableDatabase object is destroyed) then any changes which were
 * pending before the transaction began will also be discarded". So: open an
 * unflushed transaction (which commits nothing) and close, which cancels it
 * and with it everything since the last commit. */
void fh_db_close_discard(fh_db *db)
{
    if (db == nullptr)
        return;
    try {
        if (db->wdb != nullptr)
            db->wdb->begin_transaction(false);
    } catch (...) {
    }
    try {
        db->db->close();
    } catch (...) {
    }
    delete db;
}

const char *fh_db_errmsg(const fh_db *db)
{
    return db == nullptr ? "" : db->msg.c_str();
}

int fh_db_last_status(const fh_db *db)
{
    return db == nullptr ? FH_OK : db->status;
}

/* ---- Writing ------------------------------------------------------------ */

int fh_db_commit(fh_db *db)
{
    if (db == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] { writable(db).commit(); });
}

/* Whether doc holds term, without reading the whole term list. */
static bool doc_has_term(const Xapian::Document &doc, const std::string &term)
{
    Xapian::TermIterator it = doc.termlist_begin();
    it.skip_to(term);
    return it != doc.termlist_end() && *it == term;
}

int fh_db_replace_by_key(fh_db *db, const char *key, size_t key_len, fh_doc *doc, fh_docid *docid)
{
    if (db == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] {
        Xapian::WritableDatabase &w = writable(db);
        require(key != nullptr && key_len > 0 && doc != nullptr,
                "fh_db_replace_by_key: key and doc are required");
        std::string term(key, key_len);
        if (!doc_has_term(doc->doc, term))
            doc->doc.add_boolean_term(term);
        Xapian::docid id = w.replace_document(term, doc->doc);
        if (docid != nullptr)
            *docid = id;
    });
}

int fh_db_delete_by_key(fh_db *db, const char *key, size_t key_len)
{
    if (db == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] {
        Xapian::WritableDatabase &w = writable(db);
        require(key != nullptr && key_len > 0, "fh_db_delete_by_key: key is required");
        w.delete_document(std::string(key, key_len));
    });
}

int fh_db_replace(fh_db *db, fh_docid docid, fh_doc *doc)
{
    if (db == nullptr || doc == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] { writable(db).replace_document(docid, doc->doc); });
}

int fh_db_delete(fh_db *db, fh_docid docid)
{
    if (db == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] { writable(db).delete_document(docid); });
}

int fh_db_metadata_set(fh_db *db, const char *key, const char *value, size_t len)
{
    if (db == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] {
        Xapian::WritableDatabase &w = writable(db);
        require(key != nullptr && *key != '\0' && (value != nullptr || len == 0),
                "fh_db_metadata_set: key is required");
        w.set_metadata(key, len > 0 ? std::string(value, len) : std::string());
    });
}

/* ---- Reading ------------------------------------------------------------ */

int fh_db_metadata_get(fh_db *db, const char *key, char **value, size_t *len)
{
    if (value != nullptr)
        *value = nullptr;
    if (db == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] {
        require(key != nullptr && *key != '\0' && value != nullptr,
                "fh_db_metadata_get: key and value are required");
        std::string v = db->db->get_metadata(key);
        *value = malloc_copy(v.data(), v.size());
        if (len != nullptr)
            *len = v.size();
    });
}

int fh_db_doc_count(fh_db *db, uint32_t *out)
{
    if (db == nullptr || out == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] { *out = db->db->get_doccount(); });
}

int fh_db_last_docid(fh_db *db, fh_docid *out)
{
    if (db == nullptr || out == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] { *out = db->db->get_lastdocid(); });
}

int fh_db_avg_length(fh_db *db, double *out)
{
    if (db == nullptr || out == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] { *out = db->db->get_avlength(); });
}

int fh_db_term_freq(fh_db *db, const char *term, size_t len, uint32_t *out)
{
    if (db == nullptr || out == nullptr || (term == nullptr && len > 0))
        return FH_ERR_INVALID;
    return guard(db, [&] { *out = len == 0 ? 0 : db->db->get_termfreq(std::string(term, len)); });
}

int fh_db_collection_freq(fh_db *db, const char *term, size_t len, uint64_t *out)
{
    if (db == nullptr || out == nullptr || (term == nullptr && len > 0))
        return FH_ERR_INVALID;
    return guard(
        db, [&] { *out = len == 0 ? 0 : db->db->get_collection_freq(std::string(term, len)); });
}

int fh_db_term_exists(fh_db *db, const char *term, size_t len, int *out)
{
    if (db == nullptr || out == nullptr || (term == nullptr && len > 0))
        return FH_ERR_INVALID;
    return guard(db, [&] {
        /* Xapian treats the empty term as "every document": not a term. */
        *out = len > 0 && db->db->term_exists(std::string(term, len)) ? 1 : 0;
    });
}

int fh_db_terms(fh_db *db, const char *prefix, size_t len, size_t limit, fh_term_fn fn, void *ctx,
                size_t *visited)
{
    if (visited != nullptr)
        *visited = 0;
    if (db == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] {
        require(fn != nullptr && (prefix != nullptr || len == 0), "fh_db_terms: fn is required");
        std::string p = len > 0 ? std::string(prefix, len) : std::string();
        size_t n = 0;
        for (Xapian::TermIterator it = db->db->allterms_begin(p); it != db->db->allterms_end(p);
             ++it) {
            if (limit != 0 && n == limit)
                break;
            const std::string term = *it;
            n++;
            if (visited != nullptr)
                *visited = n;
            if (fn(ctx, term.data(), term.size(), it.get_termfreq()) != 0)
                break;
        }
    });
}

int fh_db_values(fh_db *db, uint32_t slot, fh_value_fn fn, void *ctx)
{
    if (db == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] {
        require(fn != nullptr, "fh_db_values: fn is required");
        for (Xapian::ValueIterator it = db->db->valuestream_begin(slot);
             it != db->db->valuestream_end(slot); ++it) {
            const std::string value = *it;
            if (fn(ctx, it.get_docid(), value.data(), value.size()) != 0)
                break;
        }
    });
}

int fh_db_find_key(fh_db *db, const char *key, size_t key_len, fh_docid *out)
{
    if (db == nullptr || out == nullptr)
        return FH_ERR_INVALID;
    *out = 0;
    return guard(db, [&] {
        require(key != nullptr && key_len > 0, "fh_db_find_key: key is required");
        std::string term(key, key_len);
        Xapian::PostingIterator it = db->db->postlist_begin(term);
        if (it == db->db->postlist_end(term))
            throw Xapian::DocNotFoundError("no document holds the key", term);
        *out = *it;
    });
}

int fh_db_get_doc(fh_db *db, fh_docid docid, fh_doc **out)
{
    if (out != nullptr)
        *out = nullptr;
    if (db == nullptr || out == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] {
        auto doc = std::make_unique<fh_doc>();
        doc->doc = db->db->get_document(docid);
        *out = doc.release();
    });
}

int fh_db_positions(fh_db *db, fh_docid docid, const char *term, size_t len, fh_position_fn fn,
                    void *ctx)
{
    if (db == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] {
        require(fn != nullptr && term != nullptr && len > 0,
                "fh_db_positions: term and fn are required");
        std::string t(term, len);
        for (Xapian::PositionIterator it = db->db->positionlist_begin(docid, t);
             it != db->db->positionlist_end(docid, t); ++it) {
            if (fn(ctx, *it) != 0)
                break;
        }
    });
}

int fh_db_term_in_docs(fh_db *db, const char *term, size_t len, const fh_docid *docids, size_t n,
                       unsigned char *has)
{
    if (db == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] {
        require(term != nullptr && len > 0 && (n == 0 || (docids != nullptr && has != nullptr)),
                "fh_db_term_in_docs: term, docids and has are required");
        std::string t(term, len);
        Xapian::PostingIterator it = db->db->postlist_begin(t), end = db->db->postlist_end(t);
        for (size_t i = 0; i < n; i++) {
            if (it != end)
                it.skip_to(docids[i]);
            has[i] = it != end && *it == docids[i];
        }
    });
}

/* ---- Documents ---------------------------------------------------------- */

fh_doc *fh_doc_new(void)
{
    try {
        return new fh_doc();
    } catch (...) {
        return nullptr;
    }
}

void fh_doc_free(fh_doc *doc)
{
    delete doc;
}

int fh_doc_add_term(fh_doc *doc, const char *term, size_t len, uint32_t wdf_inc)
{
    if (doc == nullptr || term == nullptr || len == 0)
        return FH_ERR_INVALID;
    return guard([&] { doc->doc.add_term(std::string(term, len), wdf_inc); });
}

int fh_doc_add_posting(fh_doc *doc, const char *term, size_t len, uint32_t pos, uint32_t wdf_inc)
{
    if (doc == nullptr || term == nullptr || len == 0)
        return FH_ERR_INVALID;
    return guard([&] { doc->doc.add_posting(std::string(term, len), pos, wdf_inc); });
}

int fh_doc_set_data(fh_doc *doc, const char *data, size_t len)
{
    if (doc == nullptr || (data == nullptr && len > 0))
        return FH_ERR_INVALID;
    return guard([&] {
        doc->doc.set_data(len > 0 ? std::string(data, len) : std::string());
        doc->data.reset();
    });
}

int fh_doc_get_data(fh_doc *doc, const char **data, size_t *len)
{
    if (doc == nullptr || data == nullptr)
        return FH_ERR_INVALID;
    *data = nullptr;
    return guard([&] {
        if (!doc->data)
            doc->data = doc->doc.get_data();
        *data = doc->data->c_str();
        if (len != nullptr)
            *len = doc->data->size();
    });
}

int fh_doc_set_value(fh_doc *doc, uint32_t slot, const char *value, size_t len)
{
    if (doc == nullptr || (value == nullptr && len > 0))
        return FH_ERR_INVALID;
    return guard([&] {
        /* add_value() with an empty value removes the slot. */
        doc->doc.add_value(slot, len > 0 ? std::string(value, len) : std::string());
        doc->values.erase(slot);
    });
}

int fh_doc_get_value(fh_doc *doc, uint32_t slot, const char **value, size_t *len)
{
    if (doc == nullptr || value == nullptr)
        return FH_ERR_INVALID;
    *value = nullptr;
    return guard([&] {
        auto it = doc->values.find(slot);
        if (it == doc->values.end())
            it = doc->values.emplace(slot, doc->doc.get_value(slot)).first;
        *value = it->second.c_str();
        if (len != nullptr)
            *len = it->second.size();
    });
}

int fh_doc_term_count(fh_doc *doc, uint32_t *out)
{
    if (doc == nullptr || out == nullptr)
        return FH_ERR_INVALID;
    return guard([&] { *out = doc->doc.termlist_count(); });
}

int fh_doc_clear_terms(fh_doc *doc)
{
    if (doc == nullptr)
        return FH_ERR_INVALID;
    return guard([&] { doc->doc.clear_terms(); });
}

/* ---- Queries ------------------------------------------------------------ */

/* Store a new query in *out. */
static void make_query(fh_query **out, Xapian::Query q)
{
    *out = new fh_query{std::move(q)};
}

int fh_query_term(const char *term, size_t len, uint32_t wqf, fh_query **out)
{
    if (out == nullptr)
        return FH_ERR_INVALID;
    *out = nullptr;
    /* Xapian::Query("") would match every document: not a term. */
    if (term == nullptr || len == 0)
        return FH_ERR_INVALID;
    return guard([&] { make_query(out, Xapian::Query(std::string(term, len), wqf)); });
}

int fh_query_combine(fh_query_op op, fh_query *const *subs, size_t n, uint32_t window,
                     fh_query **out)
{
    if (out == nullptr)
        return FH_ERR_INVALID;
    *out = nullptr;
    if (n > 0 && subs == nullptr)
        return FH_ERR_INVALID;
    for (size_t i = 0; i < n; i++) {
        if (subs[i] == nullptr)
            return FH_ERR_INVALID;
    }
    return guard([&] {
        if (n == 0) {
            make_query(out, Xapian::Query());
            return;
        }
        Xapian::Query::op xop;
        Xapian::termcount param = 0;
        switch (op) {
        case FH_QUERY_AND:
            xop = Xapian::Query::OP_AND;
            break;
        case FH_QUERY_OR:
            xop = Xapian::Query::OP_OR;
            break;
        case FH_QUERY_AND_NOT:
            xop = Xapian::Query::OP_AND_NOT;
            break;
        case FH_QUERY_AND_MAYBE:
            /* Xapian 1.4 takes any number: the first matches, the rest add
             * weight. */
            xop = Xapian::Query::OP_AND_MAYBE;
            break;
        case FH_QUERY_PHRASE:
            xop = Xapian::Query::OP_PHRASE;
            param = window != 0 ? window : static_cast<Xapian::termcount>(n);
            break;
        case FH_QUERY_NEAR:
            xop = Xapian::Query::OP_NEAR;
            param = window != 0 ? window : static_cast<Xapian::termcount>(n);
            break;
        default:
            throw Xapian::InvalidArgumentError("fh_query_combine: unknown operator");
        }
        std::vector<Xapian::Query> qs;
        qs.reserve(n);
        for (size_t i = 0; i < n; i++)
            qs.push_back(subs[i]->q);
        make_query(out, Xapian::Query(xop, qs.begin(), qs.end(), param));
    });
}

int fh_query_scale(const fh_query *sub, double factor, fh_query **out)
{
    if (out == nullptr)
        return FH_ERR_INVALID;
    *out = nullptr;
    if (sub == nullptr)
        return FH_ERR_INVALID;
    /* Xapian throws InvalidArgumentError for factor < 0. */
    return guard(
        [&] { make_query(out, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, sub->q, factor)); });
}

/* The expansion is combined with OP_SYNONYM (Xapian's default for wildcards):
 * it matches like OR but weighs the expanded terms as one term, so a prefix
 * with many completions does not outweigh a plain word. max_expansion 0 means
 * no limit, as in Xapian (which, given WILDCARD_LIMIT_MOST_FREQUENT and 0,
 * would expand to nothing). */
int fh_query_prefix(const char *prefix, size_t len, uint32_t max_expansion, fh_query **out)
{
    if (out == nullptr)
        return FH_ERR_INVALID;
    *out = nullptr;
    if (prefix == nullptr && len > 0)
        return FH_ERR_INVALID;
    return guard([&] {
        std::string p = len > 0 ? std::string(prefix, len) : std::string();
        if (max_expansion == 0)
            make_query(out, Xapian::Query(Xapian::Query::OP_WILDCARD, p));
        else
            make_query(out, Xapian::Query(Xapian::Query::OP_WILDCARD, p, max_expansion,
                                          Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT));
    });
}

int fh_query_prefix_in(fh_db *db, const char *prefix, size_t len, uint32_t max_expansion,
                       fh_query **out)
{
    if (db == nullptr)
        return fh_query_prefix(prefix, len, max_expansion, out);
    if (out == nullptr)
        return FH_ERR_INVALID;
    *out = nullptr;
    if (prefix == nullptr && len > 0)
        return FH_ERR_INVALID;
    return guard(db, [&] {
        std::string p = len > 0 ? std::string(prefix, len) : std::string();
        std::vector<std::pair<Xapian::doccount, std::string>> found;
        for (auto t = db->db->allterms_begin(p); t != db->db->allterms_end(p); ++t)
            found.emplace_back(t.get_termfreq(), *t);
        if (max_expansion > 0 && found.size() > max_expansion) {
            /* The most frequent, as WILDCARD_LIMIT_MOST_FREQUENT keeps. */
            auto by_freq = [](const auto &a, const auto &b) {
                return a.first != b.first ? a.first > b.first : a.second < b.second;
            };
            std::partial_sort(found.begin(), found.begin() + max_expansion, found.end(), by_freq);
            found.resize(max_expansion);
        }
        std::vector<std::string> terms;
        terms.reserve(found.size());
        for (auto &f : found)
            terms.push_back(std::move(f.second));
        make_query(out, Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
    });
}

int fh_query_value_map(uint32_t slot, const fh_value_weight *map, size_t n, double default_weight,
                       fh_query **out)
{
    if (out == nullptr)
        return FH_ERR_INVALID;
    *out = nullptr;
    if ((map == nullptr && n > 0) || !(default_weight >= 0))
        return FH_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if (!(map[i].weight >= 0) || (map[i].value == nullptr && map[i].len > 0))
            return FH_ERR_INVALID;
    return guard([&] {
        auto source = std::make_unique<Xapian::ValueMapPostingSource>(slot);
        for (size_t i = 0; i < n; i++)
            source->add_mapping(std::string(map[i].value ? map[i].value : "", map[i].len),
                                map[i].weight);
        source->set_default_weight(default_weight);
        make_query(out, Xapian::Query(source.release()->release()));
    });
}

/* Built fresh rather than copied from Xapian::Query::MatchAll/MatchNothing:
 * the static instances' reference counts are not safe across threads. */
int fh_query_match_all(fh_query **out)
{
    if (out == nullptr)
        return FH_ERR_INVALID;
    *out = nullptr;
    return guard([&] { make_query(out, Xapian::Query(std::string())); });
}

int fh_query_match_nothing(fh_query **out)
{
    if (out == nullptr)
        return FH_ERR_INVALID;
    *out = nullptr;
    return guard([&] { make_query(out, Xapian::Query()); });
}

int fh_query_is_empty(const fh_query *q)
{
    return q == nullptr || q->q.empty() ? 1 : 0;
}

char *fh_query_describe(const fh_query *q)
{
    if (q == nullptr)
        return nullptr;
    try {
        std::string d = q->q.get_description();
        return malloc_copy(d.data(), d.size());
    } catch (...) {
        return nullptr;
    }
}

void fh_query_free(fh_query *q)
{
    delete q;
}

/* ---- Searching ---------------------------------------------------------- */

void fh_search_opts_init(fh_search_opts *opts)
{
    if (opts == nullptr)
        return;
    opts->bm25_k1 = 1.2;
    opts->bm25_b = 0.75;
    opts->check_at_least = 0;
}

namespace
{
/* BM25Weight with the same scores, but a maximum so high that the matcher
 * never turns an OR or AND_MAYBE into an AND nor stops early. libxapian
 * 1.4 (to 1.4.32 at least) can skip a matching document when an AND_MAYBE
 * turns into an AND in AndMaybePostList::next() while its optional side is
 * ahead: skip_to(max(lhead, rhead) + 1) passes over rhead, which may be in
 * both. fihris's queries (a word ORed with its forms at other weights) met
 * it about once in 1,000 queries: a page missing from the top 10 that the
 * top 100 held. Candidates are still rejected cheaply by their weight. The
 * name stays BM25Weight's: a remote shard (xapian-tcpsrv) ranks with the
 * same scores, by the stock class. */
class NoDecayBM25Weight : public Xapian::BM25Weight
{
    double k1, b, min_normlen;

  public:
    NoDecayBM25Weight(double k1_, double b_, double min_normlen_)
        : Xapian::BM25Weight(k1_, 0, 0, b_, min_normlen_), k1(k1_), b(b_), min_normlen(min_normlen_)
    {
    }
    NoDecayBM25Weight *clone() const override
    {
        return new NoDecayBM25Weight(k1, b, min_normlen);
    }
    double get_maxpart() const override
    {
        return 1e10;
    }
};
} // namespace

/* Ranking is BM25Weight(k1, k2 = 0, k3 = 0, b, min_normlen = 0.5): plain
 * BM25 as Lucene computes it. k2 = 0 turns off Xapian's extra correction for
 * query length; k3 = 0 means the within-query frequency (wqf) does not change
 * weights (use fh_query_scale to weigh a term more); min_normlen = 0.5 is
 * Xapian's default clamp on very short documents. Equal weights are ordered
 * by ascending docid, so results are stable. The weight class is
 * NoDecayBM25Weight above, for a bug of the 1.4 matcher. */
int fh_db_search(fh_db *db, const fh_query *q, const fh_search_opts *opts, uint32_t offset,
                 uint32_t limit, fh_results **out)
{
    if (out != nullptr)
        *out = nullptr;
    if (db == nullptr)
        return FH_ERR_INVALID;
    return guard(db, [&] {
        require(q != nullptr && out != nullptr, "fh_db_search: query and out are required");
        fh_search_opts o;
        fh_search_opts_init(&o);
        if (opts != nullptr)
            o = *opts;
        require(o.bm25_k1 >= 0 && o.bm25_b >= 0 && o.bm25_b <= 1,
                "fh_db_search: BM25 needs k1 >= 0 and 0 <= b <= 1");
        auto r = std::make_unique<fh_results>(*db->db);
        r->enquire.set_query(q->q);
        r->enquire.set_weighting_scheme(NoDecayBM25Weight(o.bm25_k1, o.bm25_b, 0.5));
        r->enquire.set_docid_order(Xapian::Enquire::ASCENDING);
        r->mset = r->enquire.get_mset(offset, limit, o.check_at_least);
        *out = r.release();
    });
}

size_t fh_results_size(const fh_results *r)
{
    return r == nullptr ? 0 : r->mset.size();
}

uint32_t fh_results_estimate(const fh_results *r)
{
    return r == nullptr ? 0 : r->mset.get_matches_estimated();
}

uint32_t fh_results_lower_bound(const fh_results *r)
{
    return r == nullptr ? 0 : r->mset.get_matches_lower_bound();
}

uint32_t fh_results_upper_bound(const fh_results *r)
{
    return r == nullptr ? 0 : r->mset.get_matches_upper_bound();
}

int fh_results_term_freq(const fh_results *r, const char *term, size_t len, uint32_t *freq)
{
    if (freq != nullptr)
        *freq = 0;
    if (r == nullptr || term == nullptr || freq == nullptr)
        return FH_ERR_INVALID;
    return guard(r, [&] { *freq = r->mset.get_termfreq(std::string(term, len)); });
}

int fh_results_hit(const fh_results *r, size_t i, fh_hit *out)
{
    if (r == nullptr || out == nullptr)
        return FH_ERR_INVALID;
    return guard(r, [&] {
        require(i < r->mset.size(), "fh_results_hit: index past the end of the page");
        Xapian::MSetIterator it = r->mset[static_cast<Xapian::doccount>(i)];
        out->docid = *it;
        out->rank = it.get_rank();
        out->weight = it.get_weight();
    });
}

/* Whether term is one of the index's plain word terms (no prefix). */
static bool is_plain_term(const std::string &term)
{
    unsigned char c = term.empty() ? 0 : static_cast<unsigned char>(term[0]);
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* The expansion is computed here rather than by Enquire::get_eset(): over
 * several shards, libxapian 1.4 weighs the candidates with each shard's
 * statistics, so the terms chosen (and the ranking) changed with how the
 * pages fell into shards. Here every statistic is the whole index's: the
 * same formula as Xapian's default (TradEWeight, k = 1), Robertson and
 * Sparck Jones's relevance weight times the terms' BM25-like frequency in
 * the feedback documents, each document's part weighed by the square of
 * its score over the first's (a document ranked lower is less likely
 * relevant, so its words count less; bench/RESULTS.md). Ties go to the
 * smaller term, so the choice is the same on any layout. */
int fh_results_expand(fh_results *r, size_t n_docs, size_t n_terms, fh_expand_fn fn, void *ctx)
{
    if (r == nullptr || fn == nullptr)
        return FH_ERR_INVALID;
    return guard(r, [&] {
        const Xapian::Database &db = r->db;
        std::unordered_map<std::string, std::pair<unsigned, double>> cands; /* r, frequency */
        const Xapian::Query q = r->enquire.get_query();
        std::vector<std::string> query_terms(q.get_unique_terms_begin(), q.get_unique_terms_end());
        double avlen = db.get_avlength();
        unsigned rsize = 0;
        double top = r->mset.empty() ? 0 : r->mset.begin().get_weight();
        for (Xapian::MSetIterator it = r->mset.begin(); it != r->mset.end() && rsize < n_docs;
             ++it, ++rsize) {
            double len = static_cast<double>(db.get_doclength(*it));
            double norm = avlen > 0 ? len / avlen : 1.0;
            double share = top > 0 ? it.get_weight() / top : 1.0;
            double dw = share * share;
            for (Xapian::TermIterator t = db.termlist_begin(*it); t != db.termlist_end(*it); ++t) {
                Xapian::termcount wdf = t.get_wdf();
                if (wdf == 0 || !is_plain_term(*t))
                    continue;
                auto &c = cands[*t];
                c.first++;
                c.second += dw * 2.0 * wdf / (norm + wdf);
            }
        }
        if (rsize == 0)
            return;
        double total = static_cast<double>(db.get_doccount()), rs = rsize;
        std::vector<std::pair<double, std::string>> scored;
        for (const auto &c : cands) {
            if (std::find(query_terms.begin(), query_terms.end(), c.first) != query_terms.end())
                continue;
            double rt = c.second.first, tf = db.get_termfreq(c.first);
            double tw =
                (rt + 0.5) * (total - rs - tf + rt + 0.5) / ((rs - rt + 0.5) * (tf - rt + 0.5));
            if (tw < 2)
                tw = tw * 0.5 + 1;
            double weight = c.second.second * std::log(tw);
            if (weight > 0)
                scored.emplace_back(weight, c.first);
        }
        std::sort(scored.begin(), scored.end(), [](const auto &a, const auto &b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        for (size_t i = 0; i < scored.size() && i < n_terms; i++)
            if (fn(ctx, scored[i].second.data(), scored[i].second.size(), scored[i].first) != 0)
                break;
    });
}

int fh_results_doc(fh_results *r, size_t i, fh_doc **out)
{
    if (out != nullptr)
        *out = nullptr;
    if (r == nullptr || out == nullptr)
        return FH_ERR_INVALID;
    return guard(r, [&] {
        require(i < r->mset.size(), "fh_results_doc: index past the end of the page");
        auto doc = std::make_unique<fh_doc>();
        doc->doc = r->mset[static_cast<Xapian::doccount>(i)].get_document();
        *out = doc.release();
    });
}

const char *fh_results_errmsg(const fh_results *r)
{
    return r == nullptr ? "" : r->msg.c_str();
}

void fh_results_free(fh_results *r)
{
    delete r;
}
