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
    mutable fh_status status = FH_OK;
};

struct fh_db : fh_error {
    /* For a writable database wdb points at the same object as db (a
     * WritableDatabase); for a read-only one it is NULL. */
    std::unique_ptr<Xapian::Database> db;
    Xapian::WritableDatabase *wdb = nullptr;
    size_t remote = 0; /* how many of its databases are remote */
};

struct fh_doc {
    Xapian::Document doc;
    /* Copies handed out by fh_doc_get_data / fh_doc_get_value, so that the
     * pointers stay valid until the document is freed or the field is set
     * again. Filled on first read, dropped on the matching set. */
    std::optional<std::string> data;
    std::unordered_map<Xapian::valueno, std::string> values;
};

struct fh_xquery {
    Xapian::Query q;
    /* Whether it weighs without bound: a term in it with a factor above 0
     * (NoDecayBM25Weight gives a term an unreachable maximum). */
    bool unbounded = false;
    /* Whether, once a page of results is full, the matcher may pass over a
     * match of it that cannot reach the page by its weight: an OR with a
     * branch of bounded weight (none, or a value map's) beside one without
     * bound, or an AND_MAYBE whose first branch is bounded. A count made
     * while ranking (CountSource) would miss such matches. */
    bool prunable = false;
};

struct fh_results : fh_error {
    /* The Enquire is kept alive with its MSet: documents are read through it. */
    Xapian::Database db;
    Xapian::Enquire enquire;
    Xapian::MSet mset;
    /* The facets' counters (fh_db_search_opts.facet_slots), which the
     * Enquire points to. */
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
    /* Collapsing: the page is these items of mset (one a collapse value),
     * each with the others of its value found, and the rank of the first. */
    bool collapsed = false;
    std::vector<Xapian::doccount> shown;
    std::vector<uint32_t> copies;
    Xapian::doccount first_rank = 0;
    /* The matches in all, every document counted (collapsed or not). */
    Xapian::doccount lower = 0, estimate = 0, upper = 0;
    /* Whether every database is local: value streams can be read. */
    bool local = false;
    /* Values read ahead for the page (fh_results_read_values()), by
     * document; fh_results_doc() hands them to the document. */
    std::unordered_map<Xapian::docid, std::unordered_map<Xapian::valueno, std::string>> ahead;
    explicit fh_results(const Xapian::Database &db_) : db(db_), enquire(db_)
    {
    }
};

/* ---- The boundary: exceptions to statuses ------------------------------- */

/* Must be called from inside a catch handler: rethrows the exception being
 * handled, stores its message in msg and returns its status. The order
 * matters: the most specific Xapian classes first (DatabaseLockError,
 * DatabaseModifiedError and DatabaseCorruptError are DatabaseErrors).
 * Xapian::Error has no virtual functions, so only catch can tell them apart. */
static fh_status translate_current_exception(std::string &msg) noexcept
{
    fh_status status = FH_ERR_UNKNOWN;
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
            msg = e.what();
        } catch (...) {
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
template <typename F> static fh_status guard(const fh_error *err, F &&f) noexcept
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
template <typename F> static fh_status guard(F &&f) noexcept
{
    fh_error scratch;
    return guard(&scratch, std::forward<F>(f));
}

/* guard() on handle h, or FH_ERR_INVALID (nothing kept on h) when h is NULL
 * or args_ok is false. */
template <typename H, typename F> static fh_status on(const H *h, bool args_ok, F &&f) noexcept
{
    if (h == nullptr || !args_ok)
        return FH_ERR_INVALID;
    return guard(h, std::forward<F>(f));
}

/* guard() without a handle, or FH_ERR_INVALID when args_ok is false. */
template <typename F> static fh_status checked(bool args_ok, F &&f) noexcept
{
    return args_ok ? guard(std::forward<F>(f)) : FH_ERR_INVALID;
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

const char *fh_store_xapian_version(void)
{
    return Xapian::version_string();
}

/* ---- Opening and closing ------------------------------------------------ */

/* Clear the out-parameters of an open function. */
static void clear_outputs(fh_db **out, char **errmsg)
{
    if (out != nullptr)
        *out = nullptr;
    if (errmsg != nullptr)
        *errmsg = nullptr;
}

/* Put prefix before err's message (keeping none when out of memory). */
static void prefix_message(fh_error &err, const std::string &before, const char *after = "")
{
    try {
        err.msg = before + err.msg + after;
    } catch (...) {
        err.msg.clear();
    }
}

fh_status fh_db_open_writable(const char *path, int flags, fh_db **out, char **errmsg)
{
    fh_error err;
    clear_outputs(out, errmsg);
    fh_status status = guard(&err, [&] {
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
    if (status == FH_ERR_LOCKED && path != nullptr)
        prefix_message(err, std::string("another writer holds the lock on ") + path + " (", ")");
    if (status != FH_OK)
        set_errmsg(errmsg, err.msg);
    return status;
}

/* Timeouts of a remote database in milliseconds, for reading and for
 * connecting: Xapian's defaults. */
static const unsigned REMOTE_TIMEOUT_MS = 10000;

/* Open tcp://HOST:PORT, served by xapian-tcpsrv. */
static Xapian::Database open_tcp(const std::string &path)
{
    std::string hostport = path.substr(6);
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
    return Xapian::Remote::open(host, static_cast<unsigned>(port), REMOTE_TIMEOUT_MS,
                                REMOTE_TIMEOUT_MS);
}

/* Whether s is not empty, does not start with '-' (it would be read as an
 * option) and holds only ASCII letters, digits and the bytes of extra. The
 * words go to ssh split at spaces, and the path to the remote shell. */
static bool plain_word(const std::string &s, const char *extra)
{
    if (s.empty() || s[0] == '-')
        return false;
    for (char c : s) {
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (c == '\0' || std::strchr(extra, c) == nullptr))
            return false;
    }
    return true;
}

/* The last line ssh wrote to the log file at path, or "" (ssh ends its
 * lines with CR LF). */
static std::string last_line(const char *path)
{
    std::string text, line;
    if (FILE *f = std::fopen(path, "r")) {
        char buf[512];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() < 65536)
            text.append(buf, n);
        std::fclose(f);
    }
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string one = text.substr(start, end - start);
        while (!one.empty() && (one.back() == '\r' || one.back() == ' '))
            one.pop_back();
        if (!one.empty())
            line = one;
        start = end + 1;
    }
    return line;
}

/* Run program with args (split at spaces) as Xapian's "prog" remote
 * backend: xapian-progsrv at the other end of its standard input and
 * output. Xapian sends the program's standard error to /dev/null, so an ssh
 * (when log_option is "-E") writes its messages to a private temporary
 * file instead, whose last line explains a failure better than Xapian's
 * "Received EOF". */
static Xapian::Database open_program(const std::string &program, const std::string &args,
                                     const char *log_option)
{
    if (log_option == nullptr)
        return Xapian::Remote::open(program, args, REMOTE_TIMEOUT_MS);
    const char *tmp = std::getenv("TMPDIR");
    if (tmp == nullptr || *tmp == '\0' || std::strpbrk(tmp, " \t\n") != nullptr)
        tmp = "/tmp";
    std::string log = std::string(tmp) + "/fihris-ssh.XXXXXX";
    int fd = mkstemp(&log[0]);
    if (fd < 0)
        return Xapian::Remote::open(program, args, REMOTE_TIMEOUT_MS);
    close(fd);
    try {
        Xapian::Database db = Xapian::Remote::open(
            program, std::string(log_option) + " " + log + " " + args, REMOTE_TIMEOUT_MS);
        unlink(log.c_str());
        return db;
    } catch (const Xapian::NetworkTimeoutError &) {
        std::string why = last_line(log.c_str());
        unlink(log.c_str());
        throw Xapian::NetworkTimeoutError(
            why.empty() ? "no answer in " + std::to_string(REMOTE_TIMEOUT_MS / 1000) + " s" : why);
    } catch (const Xapian::NetworkError &e) {
        std::string why = last_line(log.c_str());
        unlink(log.c_str());
        throw Xapian::NetworkError(why.empty() ? e.get_msg() : why);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        /* The messages without their context: it names the log file. */
        unlink(log.c_str());
        throw Xapian::DatabaseNotFoundError(e.get_msg(), "", e.get_error_string());
    } catch (const Xapian::DatabaseOpeningError &e) {
        unlink(log.c_str());
        throw Xapian::DatabaseOpeningError(e.get_msg(), "", e.get_error_string());
    } catch (...) {
        unlink(log.c_str());
        throw;
    }
}

/* Open ssh://[USER@]HOST[:PORT]/PATH: `ssh ... HOST xapian-progsrv PATH`,
 * with ssh (or $FIHRIS_SSH) reading ~/.ssh/config as it always does, never
 * asking for a password (BatchMode), and giving up connecting after the
 * timeout. A path starting "/~" is read from the remote user's home. */
static Xapian::Database open_ssh(const std::string &url)
{
    static const char *const form = "expected ssh://[USER@]HOST[:PORT]/PATH";
    std::string rest = url.substr(6);
    size_t slash = rest.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size())
        throw Xapian::InvalidArgumentError(form, url);
    std::string host = rest.substr(0, slash), path = rest.substr(slash), user, port;
    if (path.compare(0, 2, "/~") == 0)
        path.erase(0, 1);
    size_t at = host.rfind('@');
    if (at != std::string::npos) {
        user = host.substr(0, at);
        host.erase(0, at + 1);
    }
    if (!host.empty() && host[0] == '[') {
        /* [::1] or [::1]:2222 */
        size_t close = host.find(']');
        if (close == std::string::npos || (close + 1 < host.size() && host[close + 1] != ':'))
            throw Xapian::InvalidArgumentError(form, url);
        bool has_port = close + 1 < host.size();
        if (has_port)
            port = host.substr(close + 2);
        host = host.substr(1, close - 1);
        if (has_port && port.empty())
            throw Xapian::InvalidArgumentError(form, url);
    } else if (host.find(':') != std::string::npos) {
        size_t colon = host.find(':');
        port = host.substr(colon + 1);
        host.erase(colon);
        if (port.empty())
            throw Xapian::InvalidArgumentError(form, url);
    }
    if (!plain_word(host, ".-_:") || (at != std::string::npos && !plain_word(user, ".-_")))
        throw Xapian::InvalidArgumentError(form, url);
    if (!port.empty()) {
        char *end = nullptr;
        errno = 0;
        unsigned long n = std::strtoul(port.c_str(), &end, 10);
        if (errno != 0 || *end != '\0' || n == 0 || n > 65535 || port[0] == '+')
            throw Xapian::InvalidArgumentError("bad port in ssh://[USER@]HOST[:PORT]/PATH", url);
    }
    if (!plain_word(path, "/._~+,=@%:-") || path.find("/-") != std::string::npos)
        throw Xapian::InvalidArgumentError(
            "the path in ssh://[USER@]HOST[:PORT]/PATH may hold only letters, digits and "
            "/._~+,=@%:-",
            url);
    std::string args =
        "-o BatchMode=yes -o ConnectTimeout=" + std::to_string(REMOTE_TIMEOUT_MS / 1000) +
        " -o LogLevel=ERROR";
    if (!port.empty())
        args += " -p " + port;
    if (!user.empty())
        args += " -l " + user;
    args += " -- " + host + " xapian-progsrv " + path;
    const char *ssh = std::getenv("FIHRIS_SSH");
    if (ssh == nullptr || *ssh == '\0')
        ssh = "ssh";
    return open_program(ssh, args, "-E");
}

/* Whether open_one() opens path as a remote database. */
static bool is_remote(const std::string &path)
{
    return path.compare(0, 6, "tcp://") == 0 || path.compare(0, 6, "ssh://") == 0 ||
           path.compare(0, 8, "remote :") == 0;
}

/* Open one read-only database: a folder, a stub file, tcp://HOST:PORT,
 * ssh://[USER@]HOST[:PORT]/PATH, or a stub's program line as
 * fh_layout_read_stub() passes it on: "remote :PROGRAM ARGS". */
static Xapian::Database open_one(const std::string &path)
{
    if (path.compare(0, 6, "tcp://") == 0)
        return open_tcp(path);
    if (path.compare(0, 6, "ssh://") == 0)
        return open_ssh(path);
    if (path.compare(0, 8, "remote :") == 0) {
        size_t space = path.find(' ', 8);
        std::string program = path.substr(8, space == std::string::npos ? space : space - 8);
        if (program.empty())
            throw Xapian::InvalidArgumentError("expected remote :PROGRAM ARGS", path);
        return open_program(program, space == std::string::npos ? "" : path.substr(space + 1),
                            nullptr);
    }
    return Xapian::Database(path);
}

/* Add paths[i] to db. Without on_skip a failure throws; with it, the path
 * is reported there and left out (but running out of memory still throws).
 * Returns whether it was added. */
static bool add_one(Xapian::Database &db, const char *path,
                    void (*on_skip)(void *ctx, const char *path, const char *msg), void *ctx)
{
    if (on_skip == nullptr) {
        db.add_database(open_one(path));
        return true;
    }
    fh_error one;
    fh_status rc = guard(&one, [&] { db.add_database(open_one(path)); });
    if (rc == FH_ERR_NOMEM)
        throw std::bad_alloc();
    if (rc != FH_OK)
        on_skip(ctx, path, one.msg.c_str());
    return rc == FH_OK;
}

/* Open paths[0..n) into one database. A path that cannot be opened fails
 * the whole (its name put before the message), or, with on_skip, is left out
 * and reported there; then at least one must open. */
static fh_status open_readonly(const char *const *paths, size_t n,
                               void (*on_skip)(void *ctx, const char *path, const char *msg),
                               void *ctx, fh_db **out, char **errmsg)
{
    fh_error err;
    clear_outputs(out, errmsg);
    const char *failed = nullptr;
    fh_status status = guard(&err, [&] {
        require(paths != nullptr && n > 0 && out != nullptr,
                "fh_db_open_readonly: at least one path is required");
        auto db = std::make_unique<fh_db>();
        db->db = std::make_unique<Xapian::Database>();
        size_t opened = 0;
        for (size_t i = 0; i < n; i++) {
            require(paths[i] != nullptr && *paths[i] != '\0', "fh_db_open_readonly: empty path");
            failed = paths[i];
            if (add_one(*db->db, paths[i], on_skip, ctx)) {
                opened++;
                db->remote += is_remote(paths[i]);
            }
        }
        failed = nullptr;
        if (opened == 0)
            throw Xapian::DatabaseOpeningError("none of the databases could be opened");
        *out = db.release();
    });
    if (status != FH_OK && failed != nullptr)
        prefix_message(err, std::string(failed) + ": ");
    if (status != FH_OK)
        set_errmsg(errmsg, err.msg);
    return status;
}

fh_status fh_db_open_readonly(const char *const *paths, size_t n, fh_db **out, char **errmsg)
{
    return open_readonly(paths, n, nullptr, nullptr, out, errmsg);
}

fh_status fh_db_open_available(const char *const *paths, size_t n,
                               void (*on_skip)(void *ctx, const char *path, const char *msg),
                               void *ctx, fh_db **out, char **errmsg)
{
    return open_readonly(paths, n, on_skip, ctx, out, errmsg);
}

fh_status fh_db_compact(const char *const *paths, size_t n, const char *dest, char **errmsg)
{
    fh_error err;
    clear_outputs(nullptr, errmsg);
    fh_status status = guard(&err, [&] {
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

fh_status fh_db_reopen(fh_db *db)
{
    return on(db, true, [&] { db->db->reopen(); });
}

/* For a writable database close() commits (the destructor would too, but
 * silently); there is no one left to tell about a failure either way. */
void fh_db_close(fh_db *db)
{
    if (db == nullptr)
        return;
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
    fh_db_close(db);
}

const char *fh_db_errmsg(const fh_db *db)
{
    return db == nullptr ? "" : db->msg.c_str();
}

fh_status fh_db_last_status(const fh_db *db)
{
    return db == nullptr ? FH_OK : db->status;
}

/* ---- Writing ------------------------------------------------------------ */

fh_status fh_db_commit(fh_db *db)
{
    return on(db, true, [&] { writable(db).commit(); });
}

/* Whether doc holds term, without reading the whole term list. */
static bool doc_has_term(const Xapian::Document &doc, const std::string &term)
{
    Xapian::TermIterator it = doc.termlist_begin();
    it.skip_to(term);
    return it != doc.termlist_end() && *it == term;
}

fh_status fh_db_replace_by_key(fh_db *db, const char *key, size_t key_len, fh_doc *doc,
                               fh_docid *docid)
{
    return on(db, true, [&] {
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

fh_status fh_db_delete_by_key(fh_db *db, const char *key, size_t key_len)
{
    return on(db, true, [&] {
        Xapian::WritableDatabase &w = writable(db);
        require(key != nullptr && key_len > 0, "fh_db_delete_by_key: key is required");
        w.delete_document(std::string(key, key_len));
    });
}

fh_status fh_db_replace(fh_db *db, fh_docid docid, fh_doc *doc)
{
    return on(db, doc != nullptr, [&] { writable(db).replace_document(docid, doc->doc); });
}

fh_status fh_db_delete(fh_db *db, fh_docid docid)
{
    return on(db, true, [&] { writable(db).delete_document(docid); });
}

fh_status fh_db_metadata_set(fh_db *db, const char *key, const char *value, size_t len)
{
    return on(db, true, [&] {
        Xapian::WritableDatabase &w = writable(db);
        require(key != nullptr && *key != '\0' && (value != nullptr || len == 0),
                "fh_db_metadata_set: key is required");
        w.set_metadata(key, len > 0 ? std::string(value, len) : std::string());
    });
}

/* ---- Reading ------------------------------------------------------------ */

/* A term of len bytes (term may be NULL when len is 0). */
static std::string term_of(const char *term, size_t len)
{
    return len > 0 ? std::string(term, len) : std::string();
}

fh_status fh_db_metadata_get(fh_db *db, const char *key, char **value, size_t *len)
{
    if (value != nullptr)
        *value = nullptr;
    return on(db, true, [&] {
        require(key != nullptr && *key != '\0' && value != nullptr,
                "fh_db_metadata_get: key and value are required");
        std::string v = db->db->get_metadata(key);
        *value = malloc_copy(v.data(), v.size());
        if (len != nullptr)
            *len = v.size();
    });
}

size_t fh_db_remote_count(const fh_db *db)
{
    return db != nullptr ? db->remote : 0;
}

fh_status fh_db_doc_count(fh_db *db, uint32_t *out)
{
    return on(db, out != nullptr, [&] { *out = db->db->get_doccount(); });
}

fh_status fh_db_last_docid(fh_db *db, fh_docid *out)
{
    return on(db, out != nullptr, [&] { *out = db->db->get_lastdocid(); });
}

fh_status fh_db_avg_length(fh_db *db, double *out)
{
    return on(db, out != nullptr, [&] { *out = db->db->get_avlength(); });
}

fh_status fh_db_term_freq(fh_db *db, const char *term, size_t len, uint32_t *out)
{
    return on(db, out != nullptr && (term != nullptr || len == 0),
              [&] { *out = len == 0 ? 0 : db->db->get_termfreq(term_of(term, len)); });
}

fh_status fh_db_collection_freq(fh_db *db, const char *term, size_t len, uint64_t *out)
{
    return on(db, out != nullptr && (term != nullptr || len == 0),
              [&] { *out = len == 0 ? 0 : db->db->get_collection_freq(term_of(term, len)); });
}

/* Xapian treats the empty term as "every document": not a term. */
fh_status fh_db_term_exists(fh_db *db, const char *term, size_t len, int *out)
{
    return on(db, out != nullptr && (term != nullptr || len == 0),
              [&] { *out = len > 0 && db->db->term_exists(term_of(term, len)) ? 1 : 0; });
}

fh_status fh_db_terms(fh_db *db, const char *prefix, size_t len, size_t limit, fh_db_term_fn fn,
                      void *ctx, size_t *visited)
{
    if (visited != nullptr)
        *visited = 0;
    return on(db, true, [&] {
        require(fn != nullptr && (prefix != nullptr || len == 0), "fh_db_terms: fn is required");
        std::string p = term_of(prefix, len);
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

fh_status fh_db_values(fh_db *db, uint32_t slot, fh_db_value_fn fn, void *ctx)
{
    return on(db, true, [&] {
        require(fn != nullptr, "fh_db_values: fn is required");
        for (Xapian::ValueIterator it = db->db->valuestream_begin(slot);
             it != db->db->valuestream_end(slot); ++it) {
            const std::string value = *it;
            if (fn(ctx, it.get_docid(), value.data(), value.size()) != 0)
                break;
        }
    });
}

fh_status fh_db_find_key(fh_db *db, const char *key, size_t key_len, fh_docid *out)
{
    return on(db, out != nullptr, [&] {
        *out = 0;
        require(key != nullptr && key_len > 0, "fh_db_find_key: key is required");
        std::string term(key, key_len);
        Xapian::PostingIterator it = db->db->postlist_begin(term);
        if (it == db->db->postlist_end(term))
            throw Xapian::DocNotFoundError("no document holds the key", term);
        *out = *it;
    });
}

/* A new document handle around doc, in *out. */
static void make_doc(fh_doc **out, const Xapian::Document &doc)
{
    auto d = std::make_unique<fh_doc>();
    d->doc = doc;
    *out = d.release();
}

fh_status fh_db_get_doc(fh_db *db, fh_docid docid, fh_doc **out)
{
    if (out != nullptr)
        *out = nullptr;
    return on(db, out != nullptr, [&] { make_doc(out, db->db->get_document(docid)); });
}

fh_status fh_db_positions(fh_db *db, fh_docid docid, const char *term, size_t len,
                          fh_db_position_fn fn, void *ctx)
{
    return on(db, true, [&] {
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

fh_status fh_db_term_in_docs(fh_db *db, const char *term, size_t len, const fh_docid *docids,
                             size_t n, unsigned char *has)
{
    return on(db, true, [&] {
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

fh_status fh_doc_add_term(fh_doc *doc, const char *term, size_t len, uint32_t wdf_inc)
{
    return checked(doc != nullptr && term != nullptr && len > 0,
                   [&] { doc->doc.add_term(std::string(term, len), wdf_inc); });
}

fh_status fh_doc_remove_term(fh_doc *doc, const char *term, size_t len)
{
    return checked(doc != nullptr && term != nullptr && len > 0, [&] {
        try {
            doc->doc.remove_term(std::string(term, len));
        } catch (const Xapian::InvalidArgumentError &) {
            /* not in the document: nothing to remove */
        }
    });
}

fh_status fh_doc_add_posting(fh_doc *doc, const char *term, size_t len, uint32_t pos,
                             uint32_t wdf_inc)
{
    return checked(doc != nullptr && term != nullptr && len > 0,
                   [&] { doc->doc.add_posting(std::string(term, len), pos, wdf_inc); });
}

fh_status fh_doc_set_data(fh_doc *doc, const char *data, size_t len)
{
    return checked(doc != nullptr && (data != nullptr || len == 0), [&] {
        doc->doc.set_data(term_of(data, len));
        doc->data.reset();
    });
}

fh_status fh_doc_get_data(fh_doc *doc, const char **data, size_t *len)
{
    return checked(doc != nullptr && data != nullptr, [&] {
        *data = nullptr;
        if (!doc->data)
            doc->data = doc->doc.get_data();
        *data = doc->data->c_str();
        if (len != nullptr)
            *len = doc->data->size();
    });
}

/* add_value() with an empty value removes the slot. */
fh_status fh_doc_set_value(fh_doc *doc, uint32_t slot, const char *value, size_t len)
{
    return checked(doc != nullptr && (value != nullptr || len == 0), [&] {
        doc->doc.add_value(slot, term_of(value, len));
        doc->values.erase(slot);
    });
}

fh_status fh_doc_get_value(fh_doc *doc, uint32_t slot, const char **value, size_t *len)
{
    return checked(doc != nullptr && value != nullptr, [&] {
        *value = nullptr;
        auto it = doc->values.find(slot);
        if (it == doc->values.end())
            it = doc->values.emplace(slot, doc->doc.get_value(slot)).first;
        *value = it->second.c_str();
        if (len != nullptr)
            *len = it->second.size();
    });
}

fh_status fh_doc_term_count(fh_doc *doc, uint32_t *out)
{
    return checked(doc != nullptr && out != nullptr, [&] { *out = doc->doc.termlist_count(); });
}

fh_status fh_doc_clear_terms(fh_doc *doc)
{
    return checked(doc != nullptr, [&] { doc->doc.clear_terms(); });
}

/* ---- Queries ------------------------------------------------------------ */

/* Clear *out, check the arguments, and store the query make() returns in
 * *out: the shape of every query constructor. */
template <typename F>
static fh_status new_query(fh_xquery **out, bool args_ok, bool unbounded, bool prunable,
                           F &&make) noexcept
{
    if (out == nullptr)
        return FH_ERR_INVALID;
    *out = nullptr;
    return checked(args_ok, [&] { *out = new fh_xquery{make(), unbounded, prunable}; });
}

/* fh_xquery.unbounded and .prunable of op over subs[0..n). The second
 * branch of an AND_NOT and the filters of a FILTER weigh nothing, and the
 * matcher asks nothing of them for their weight. */
static void shape_of(fh_xquery_op op, fh_xquery *const *subs, size_t n, bool *unbounded,
                     bool *prunable)
{
    bool any_unbounded = false, any_bounded = false, any_prunable = false;
    for (size_t i = 0; i < n; i++) {
        any_unbounded |= subs[i]->unbounded;
        any_bounded |= !subs[i]->unbounded;
        any_prunable |= subs[i]->prunable;
    }
    *unbounded = any_unbounded;
    *prunable = any_prunable;
    if (n == 0)
        return;
    if (op == FH_XQUERY_AND_NOT || op == FH_XQUERY_FILTER) {
        *unbounded = subs[0]->unbounded;
        *prunable = subs[0]->prunable;
    } else if (op == FH_XQUERY_OR) {
        *prunable |= any_unbounded && any_bounded;
    } else if (op == FH_XQUERY_AND_MAYBE) {
        *prunable |= !subs[0]->unbounded && any_unbounded;
    }
}

/* Xapian::Query("") would match every document: not a term. */
fh_status fh_xquery_term(const char *term, size_t len, uint32_t wqf, fh_xquery **out)
{
    return new_query(out, term != nullptr && len > 0, true, false,
                     [&] { return Xapian::Query(std::string(term, len), wqf); });
}

/* Whether subs[0..n) are all there. */
static bool all_there(fh_xquery *const *subs, size_t n)
{
    if (n > 0 && subs == nullptr)
        return false;
    for (size_t i = 0; i < n; i++)
        if (subs[i] == nullptr)
            return false;
    return true;
}

fh_status fh_xquery_combine(fh_xquery_op op, fh_xquery *const *subs, size_t n, uint32_t window,
                            fh_xquery **out)
{
    /* In the order of fh_xquery_op. Xapian 1.4's AND_MAYBE takes any number
     * of subqueries: the first matches, the rest add weight. */
    static const Xapian::Query::op ops[] = {
        Xapian::Query::OP_AND,       Xapian::Query::OP_OR,     Xapian::Query::OP_AND_NOT,
        Xapian::Query::OP_AND_MAYBE, Xapian::Query::OP_PHRASE, Xapian::Query::OP_NEAR,
        Xapian::Query::OP_FILTER,
    };
    bool unbounded = false, prunable = false;
    if (all_there(subs, n))
        shape_of(op, subs, n, &unbounded, &prunable);
    return new_query(out, all_there(subs, n), unbounded, prunable, [&] {
        if (n == 0)
            return Xapian::Query();
        if (static_cast<size_t>(op) >= sizeof ops / sizeof ops[0])
            throw Xapian::InvalidArgumentError("fh_xquery_combine: unknown operator");
        Xapian::termcount param = 0;
        if (op == FH_XQUERY_PHRASE || op == FH_XQUERY_NEAR)
            param = window != 0 ? window : static_cast<Xapian::termcount>(n);
        std::vector<Xapian::Query> qs;
        qs.reserve(n);
        for (size_t i = 0; i < n; i++)
            qs.push_back(subs[i]->q);
        return Xapian::Query(ops[op], qs.begin(), qs.end(), param);
    });
}

/* Xapian throws InvalidArgumentError for factor < 0. */
fh_status fh_xquery_scale(const fh_xquery *sub, double factor, fh_xquery **out)
{
    bool weighs = sub != nullptr && factor > 0;
    return new_query(out, sub != nullptr, weighs && sub->unbounded, weighs && sub->prunable,
                     [&] { return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, sub->q, factor); });
}

/* The expansion is combined with OP_SYNONYM (Xapian's default for wildcards):
 * it matches like OR but weighs the expanded terms as one term, so a prefix
 * with many completions does not outweigh a plain word. max_expansion 0 means
 * no limit, as in Xapian (which, given WILDCARD_LIMIT_MOST_FREQUENT and 0,
 * would expand to nothing). */
fh_status fh_xquery_prefix(const char *prefix, size_t len, uint32_t max_expansion, fh_xquery **out)
{
    return new_query(out, prefix != nullptr || len == 0, true, false, [&] {
        std::string p = term_of(prefix, len);
        if (max_expansion == 0)
            return Xapian::Query(Xapian::Query::OP_WILDCARD, p);
        return Xapian::Query(Xapian::Query::OP_WILDCARD, p, max_expansion,
                             Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    });
}

fh_status fh_xquery_prefix_in(fh_db *db, const char *prefix, size_t len, uint32_t max_expansion,
                              fh_xquery **out)
{
    if (db == nullptr)
        return fh_xquery_prefix(prefix, len, max_expansion, out);
    if (out == nullptr)
        return FH_ERR_INVALID;
    *out = nullptr;
    return on(db, prefix != nullptr || len == 0, [&] {
        std::string p = term_of(prefix, len);
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
        *out = new fh_xquery{Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                             !terms.empty(), false};
    });
}

/* Whether the map's weights and values are valid. */
static bool valid_map(const fh_xquery_value_weight *map, size_t n, double default_weight)
{
    if ((map == nullptr && n > 0) || !(default_weight >= 0))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!(map[i].weight >= 0) || (map[i].value == nullptr && map[i].len > 0))
            return false;
    return true;
}

fh_status fh_xquery_value_map(uint32_t slot, const fh_xquery_value_weight *map, size_t n,
                              double default_weight, fh_xquery **out)
{
    return new_query(out, valid_map(map, n, default_weight), false, false, [&] {
        auto source = std::make_unique<Xapian::ValueMapPostingSource>(slot);
        for (size_t i = 0; i < n; i++)
            source->add_mapping(term_of(map[i].value, map[i].len), map[i].weight);
        source->set_default_weight(default_weight);
        return Xapian::Query(source.release()->release());
    });
}

/* The documents holding every one of a list of terms whose value in a slot
 * passes a check (fh_xquery_value_check()). Xapian asks it mostly to check
 * a document that the rest of the query found; it walks the terms' posting
 * lists only when it leads the match. */
class ValueCheckSource : public Xapian::PostingSource
{
    std::vector<std::string> terms;
    Xapian::valueno slot;
    fh_value_check_fn fn;
    std::string ctx;
    Xapian::Database db;
    std::vector<Xapian::PostingIterator> lists;
    Xapian::ValueIterator values;
    Xapian::doccount freq_max = 0;
    Xapian::docid current = 0;
    bool ended = false;

    bool definite = false; /* current holds every term and passes */

    bool passes(Xapian::docid did)
    {
        if (!values.check(did) || values == Xapian::ValueIterator() || values.get_docid() != did)
            return false;
        std::string v = *values;
        return fn(ctx.data(), v.data(), v.size()) != 0;
    }

    /* Move every list to did or past it: the furthest document one of
     * them is at (did when all are there), or 0 when one has ended. */
    Xapian::docid lists_reach(Xapian::docid did)
    {
        Xapian::docid furthest = did;
        for (auto &l : lists) {
            l.skip_to(did);
            if (l == Xapian::PostingIterator()) {
                ended = true;
                return 0;
            }
            furthest = std::max(furthest, *l);
        }
        return furthest;
    }

    /* Move to the first document from did on that holds every term and
     * passes. */
    void seek(Xapian::docid did)
    {
        while (!ended) {
            Xapian::docid reached = lists_reach(did);
            if (reached != did) {
                did = reached; /* 0 once ended */
                continue;
            }
            current = did;
            definite = passes(did);
            if (definite)
                return;
            did++;
        }
    }

  public:
    ValueCheckSource(std::vector<std::string> terms_, Xapian::valueno slot_, fh_value_check_fn fn_,
                     std::string ctx_)
        : terms(std::move(terms_)), slot(slot_), fn(fn_), ctx(std::move(ctx_))
    {
    }

    Xapian::doccount get_termfreq_min() const override
    {
        return 0;
    }
    /* As Xapian guesses a phrase: a third of the terms' documents. */
    Xapian::doccount get_termfreq_est() const override
    {
        return freq_max / 3;
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return freq_max;
    }
    Xapian::docid get_docid() const override
    {
        return current;
    }
    bool at_end() const override
    {
        return ended;
    }

    void next(double) override
    {
        seek(current + 1);
    }

    void skip_to(Xapian::docid did, double) override
    {
        /* After a failed check(), current is no match: go on after it. */
        if (!ended && (did > current || !definite))
            seek(did > current ? did : current + 1);
    }

    bool check(Xapian::docid did, double) override
    {
        if (ended || (did < current && definite))
            return true;
        if (did == current)
            return definite;
        /* Without a match, an indeterminate position: next() goes on after
         * did. */
        current = did;
        definite = lists_reach(did) == did && passes(did);
        return definite || ended;
    }

    Xapian::PostingSource *clone() const override
    {
        return new ValueCheckSource(terms, slot, fn, ctx);
    }

    void init(const Xapian::Database &db_) override
    {
        db = db_;
        lists.clear();
        current = 0;
        ended = terms.empty();
        freq_max = db.get_doccount();
        for (const auto &t : terms) {
            lists.push_back(db.postlist_begin(t));
            freq_max = std::min(freq_max, db.get_termfreq(t));
        }
        values = db.valuestream_begin(slot);
        ended = ended || freq_max == 0 || values == Xapian::ValueIterator();
        definite = false;
        set_maxweight(0);
    }

    std::string get_description() const override
    {
        return "fihris value check";
    }
};

fh_status fh_xquery_value_check(const char *const *terms, const size_t *lens, size_t n,
                                uint32_t slot, fh_value_check_fn fn, const void *ctx,
                                size_t ctx_len, fh_xquery **out)
{
    bool ok = terms != nullptr && lens != nullptr && n > 0 && fn != nullptr &&
              (ctx != nullptr || ctx_len == 0);
    for (size_t i = 0; ok && i < n; i++)
        ok = terms[i] != nullptr && lens[i] > 0;
    return new_query(out, ok, false, false, [&] {
        std::vector<std::string> list;
        for (size_t i = 0; i < n; i++)
            list.push_back(term_of(terms[i], lens[i]));
        std::string blob(static_cast<const char *>(ctx), ctx_len);
        auto source = std::make_unique<ValueCheckSource>(std::move(list), slot, fn, blob);
        return Xapian::Query(source.release()->release());
    });
}

/* Built fresh rather than copied from Xapian::Query::MatchAll/MatchNothing:
 * the static instances' reference counts are not safe across threads. */
fh_status fh_xquery_value_range(uint32_t slot, const char *lo, size_t lo_len, const char *hi,
                                size_t hi_len, fh_xquery **out)
{
    return new_query(out, (lo != nullptr || lo_len == 0) && (hi != nullptr || hi_len == 0), false,
                     false, [&] {
        std::string from = term_of(lo, lo_len);
        if (hi_len == 0)
            return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, from);
        return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, from, term_of(hi, hi_len));
    });
}

fh_status fh_xquery_match_all(fh_xquery **out)
{
    /* Xapian's MatchAll weighs nothing. */
    return new_query(out, true, false, false, [] { return Xapian::Query(std::string()); });
}

fh_status fh_xquery_match_nothing(fh_xquery **out)
{
    return new_query(out, true, false, false, [] { return Xapian::Query(); });
}

int fh_xquery_is_empty(const fh_xquery *q)
{
    return q == nullptr || q->q.empty() ? 1 : 0;
}

char *fh_xquery_describe(const fh_xquery *q)
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

void fh_xquery_free(fh_xquery *q)
{
    delete q;
}

/* ---- Searching ---------------------------------------------------------- */

void fh_db_search_opts_init(fh_db_search_opts *opts)
{
    if (opts == nullptr)
        return;
    opts->bm25_k1 = 1.2;
    opts->bm25_b = 0.75;
    opts->check_at_least = 0;
    opts->sort_slot = -1;
    opts->sort_ascending = 0;
    opts->collapse_slot = -1;
    opts->n_facets = 0;
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

/* The matches of a search, counted as it ranks them (CountSource). */
struct MatchCount {
    Xapian::doccount docs = 0;
    bool opened = false; /* the matcher used a CountSource */
};

/* Every document, weighing nothing, counting those it is asked about. As
 * the optional side of an AND_MAYBE over the whole query it is asked about
 * each match once (AndMaybePostList checks its right side at each document
 * of its left), in the same pass that ranks them: an exact count without
 * the matcher keeping a heap of every match counted (get_mset()'s
 * check_at_least), which was a quarter of a search's instructions. The
 * matcher sees every match of a query that is not prunable (fh_xquery):
 * NoDecayBM25Weight gives its terms no maximum to pass over a match by.
 * One clone a shard, all adding to one MatchCount. */
class CountSource : public Xapian::PostingSource
{
    std::shared_ptr<MatchCount> count;
    Xapian::docid current = 0;

  public:
    explicit CountSource(std::shared_ptr<MatchCount> count_) : count(std::move(count_))
    {
    }
    Xapian::doccount get_termfreq_min() const override
    {
        return 0;
    }
    Xapian::doccount get_termfreq_est() const override
    {
        return 0;
    }
    Xapian::doccount get_termfreq_max() const override
    {
        return 0;
    }
    Xapian::docid get_docid() const override
    {
        return current;
    }
    bool at_end() const override
    {
        return false; /* an AND_MAYBE drops a right side that has ended */
    }
    void next(double) override
    {
        skip_to(current + 1, 0);
    }
    void skip_to(Xapian::docid did, double) override
    {
        if (did > current) {
            current = did;
            count->docs++;
        }
    }
    bool check(Xapian::docid did, double) override
    {
        skip_to(did, 0);
        return true;
    }
    Xapian::PostingSource *clone() const override
    {
        return new CountSource(count);
    }
    void init(const Xapian::Database &) override
    {
        current = 0;
        count->opened = true;
    }
};

/* The values in slot of the documents dids (ascending, distinct), into
 * fn(docid, value) for those that have one: one walk of the slot's value
 * stream, which keeps its place in the B-tree, where reading a value of a
 * document at a time looks it up from the root (about one block read
 * more each). Local databases only (a remote one has no value streams). */
template <typename Fn>
static void read_stream(const Xapian::Database &db, Xapian::valueno slot,
                        const std::vector<Xapian::docid> &dids, Fn fn)
{
    Xapian::ValueIterator it = db.valuestream_begin(slot), end = db.valuestream_end(slot);
    for (Xapian::docid did : dids) {
        if (it == end)
            return;
        it.skip_to(did);
        if (it == end)
            return;
        if (it.get_docid() == did)
            fn(did, *it);
    }
}

/* dids ascending and distinct, as read_stream() takes them. */
static std::vector<Xapian::docid> ascending(std::vector<Xapian::docid> dids)
{
    std::sort(dids.begin(), dids.end());
    dids.erase(std::unique(dids.begin(), dids.end()), dids.end());
    return dids;
}

/* One result a value of slot: the best of each, found by reading the
 * value of the matches in rank order from the first, in a window that
 * grows until it holds the page (offset, limit) or every match. Xapian's
 * own collapsing looked at the value of every match checked (10,000 of
 * them for an exact count), which doubled a search's time; this reads the
 * values of the few first. The copies of each result are those of the
 * window (a lower bound, as Xapian's). */
static void collapse_page(fh_results &r, Xapian::valueno slot, Xapian::doccount offset,
                          Xapian::doccount limit, Xapian::doccount check_at_least,
                          MatchCount *count)
{
    r.collapsed = true;
    Xapian::doccount want = offset + limit;
    Xapian::doccount window = want + std::max<Xapian::doccount>(limit, 10);
    for (;;) {
        if (count != nullptr)
            *count = MatchCount();
        r.mset = r.enquire.get_mset(0, window, check_at_least);
        std::unordered_map<Xapian::docid, std::string> keys;
        if (r.local) {
            std::vector<Xapian::docid> dids(r.mset.begin(), r.mset.end());
            read_stream(r.db, slot, ascending(std::move(dids)),
                        [&](Xapian::docid did, std::string v) { keys.emplace(did, std::move(v)); });
        } else {
            r.mset.fetch(); /* a remote shard sends its documents at once */
        }
        std::unordered_map<std::string, size_t> group; /* value: index into shown */
        r.shown.clear();
        r.copies.clear();
        size_t distinct = 0;
        for (Xapian::MSetIterator it = r.mset.begin(); it != r.mset.end(); ++it) {
            std::string key;
            if (!r.local) {
                key = it.get_document().get_value(slot);
            } else if (auto k = keys.find(*it); k != keys.end()) {
                key = std::move(k->second);
            }
            auto found = key.empty() ? group.end() : group.find(key);
            if (found != group.end()) {
                if (found->second != SIZE_MAX)
                    r.copies[found->second]++;
                continue;
            }
            size_t at = SIZE_MAX;
            if (distinct >= offset && distinct < want) {
                at = r.shown.size();
                r.shown.push_back(it.get_rank());
                r.copies.push_back(0);
            }
            distinct++;
            if (!key.empty())
                group.emplace(std::move(key), at);
        }
        if (distinct >= want || r.mset.size() < window || window >= 1000000)
            break;
        window *= 4;
    }
    r.first_rank = offset;
}

/* The page (offset, limit) of r's Enquire into r, the matches counted to
 * check_at_least (to the end with count), and their bounds. */
static void rank_page(fh_results &r, const fh_db_search_opts &o, Xapian::doccount offset,
                      Xapian::doccount limit, Xapian::doccount check_at_least, MatchCount *count)
{
    if (o.collapse_slot < 0) {
        r.mset = r.enquire.get_mset(offset, limit, check_at_least);
    } else {
        collapse_page(r, static_cast<Xapian::valueno>(o.collapse_slot), offset, limit,
                      check_at_least, count);
    }
    r.lower = r.mset.get_matches_lower_bound();
    r.estimate = r.mset.get_matches_estimated();
    r.upper = r.mset.get_matches_upper_bound();
}

/* Ranking is BM25Weight(k1, k2 = 0, k3 = 0, b, min_normlen = 0.5): plain
 * BM25 as Lucene computes it. k2 = 0 turns off Xapian's extra correction for
 * query length; k3 = 0 means the within-query frequency (wqf) does not change
 * weights (use fh_xquery_scale to weigh a term more); min_normlen = 0.5 is
 * Xapian's default clamp on very short documents. Equal weights are ordered
 * by ascending docid, so results are stable. The weight class is
 * NoDecayBM25Weight above, for a bug of the 1.4 matcher. */
fh_status fh_db_search(fh_db *db, const fh_xquery *q, const fh_db_search_opts *opts,
                       uint32_t offset, uint32_t limit, fh_results **out)
{
    if (out != nullptr)
        *out = nullptr;
    return on(db, true, [&] {
        require(q != nullptr && out != nullptr, "fh_db_search: query and out are required");
        fh_db_search_opts o;
        fh_db_search_opts_init(&o);
        if (opts != nullptr)
            o = *opts;
        require(o.bm25_k1 >= 0 && o.bm25_b >= 0 && o.bm25_b <= 1,
                "fh_db_search: BM25 needs k1 >= 0 and 0 <= b <= 1");
        auto r = std::make_unique<fh_results>(*db->db);
        r->local = db->remote == 0;
        r->enquire.set_query(q->q);
        r->enquire.set_weighting_scheme(NoDecayBM25Weight(o.bm25_k1, o.bm25_b, 0.5));
        r->enquire.set_docid_order(Xapian::Enquire::ASCENDING);
        require(o.n_facets <= FH_DB_MAX_FACETS, "fh_db_search: too many facets");
        /* By value, not by a KeyMaker, which a remote shard cannot take.
         * Xapian's order with reverse = false is lowest first. */
        if (o.sort_slot >= 0)
            r->enquire.set_sort_by_value_then_relevance(static_cast<Xapian::valueno>(o.sort_slot),
                                                        o.sort_ascending == 0);
        for (size_t k = 0; k < o.n_facets; k++) {
            r->spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(o.facet_slots[k]));
            r->enquire.add_matchspy(r->spies.back().get());
        }
        /* Counted by a CountSource, but where the facets' counters must
         * see every match, a remote shard could not run it, nothing is
         * ranked (the count alone), or the matcher could pass over a match
         * for its weight (fh_xquery.prunable; a query weighing nothing at
         * all stops at the page's last match). */
        std::shared_ptr<MatchCount> count;
        if (o.n_facets == 0 && limit > 0 && o.check_at_least > 0 && r->local && q->unbounded &&
            !q->prunable) {
            count = std::make_shared<MatchCount>();
            r->enquire.set_query(Xapian::Query(Xapian::Query::OP_AND_MAYBE, q->q,
                                               Xapian::Query((new CountSource(count))->release())));
        }
        rank_page(*r, o, offset, limit, count ? 0 : o.check_at_least, count.get());
        if (count && count->opened && r->mset.get_max_possible() > 0) {
            r->lower = r->estimate = r->upper = count->docs;
        } else if (count) {
            /* Not met (the query is unbounded): were it to weigh nothing,
             * Xapian would leave out the right of its AND_MAYBE, or stop at
             * the page's last match. */
            r->enquire.set_query(q->q);
            rank_page(*r, o, offset, limit, o.check_at_least, nullptr);
        }
        *out = r.release();
    });
}

size_t fh_results_size(const fh_results *r)
{
    if (r == nullptr)
        return 0;
    return r->collapsed ? r->shown.size() : r->mset.size();
}

uint32_t fh_results_estimate(const fh_results *r)
{
    return r == nullptr ? 0 : r->estimate;
}

uint32_t fh_results_lower_bound(const fh_results *r)
{
    return r == nullptr ? 0 : r->lower;
}

uint32_t fh_results_upper_bound(const fh_results *r)
{
    return r == nullptr ? 0 : r->upper;
}

fh_status fh_results_term_freq(const fh_results *r, const char *term, size_t len, uint32_t *freq)
{
    if (freq != nullptr)
        *freq = 0;
    return on(r, term != nullptr && freq != nullptr,
              [&] { *freq = r->mset.get_termfreq(std::string(term, len)); });
}

/* The i-th result of r's page, or InvalidArgumentError naming who asked. */
static Xapian::MSetIterator nth(const fh_results *r, size_t i, const char *who)
{
    if (i >= fh_results_size(r))
        throw Xapian::InvalidArgumentError(std::string(who) + ": index past the end of the page");
    return r->mset[r->collapsed ? r->shown[i] : static_cast<Xapian::doccount>(i)];
}

fh_status fh_results_collapsed(const fh_results *r, size_t i, uint32_t *out)
{
    if (out != nullptr)
        *out = 0;
    return on(r, out != nullptr, [&] {
        nth(r, i, "fh_results_collapsed");
        *out = r->collapsed ? r->copies[i] : 0;
    });
}

fh_status fh_results_facet(const fh_results *r, size_t k, uint32_t max, fh_results_facet_fn fn,
                           void *ctx)
{
    return on(r, fn != nullptr, [&] {
        require(k < r->spies.size(), "fh_results_facet: no such facet");
        const Xapian::ValueCountMatchSpy &spy = *r->spies[k];
        size_t n = max != 0 ? max : static_cast<size_t>(-1);
        for (auto it = spy.top_values_begin(n); it != spy.top_values_end(n); ++it) {
            const std::string &v = *it;
            if (fn(ctx, v.data(), v.size(), it.get_termfreq()) != 0)
                break;
        }
    });
}

fh_status fh_results_hit(const fh_results *r, size_t i, fh_results_item *out)
{
    return on(r, out != nullptr, [&] {
        Xapian::MSetIterator it = nth(r, i, "fh_results_hit");
        out->docid = *it;
        out->rank = r->collapsed ? r->first_rank + static_cast<Xapian::doccount>(i) : it.get_rank();
        out->weight = it.get_weight();
    });
}

fh_status fh_results_doc(fh_results *r, size_t i, fh_doc **out)
{
    if (out != nullptr)
        *out = nullptr;
    return on(r, out != nullptr, [&] {
        Xapian::MSetIterator it = nth(r, i, "fh_results_doc");
        make_doc(out, it.get_document());
        auto ahead = r->ahead.find(*it);
        if (ahead != r->ahead.end()) {
            (*out)->values = std::move(ahead->second);
            r->ahead.erase(ahead);
        }
    });
}

fh_status fh_results_read_values(fh_results *r, const uint32_t *slots, size_t n)
{
    return on(r, slots != nullptr || n == 0, [&] {
        if (!r->local)
            return;
        std::vector<Xapian::docid> page;
        for (size_t i = 0; i < fh_results_size(r); i++)
            page.push_back(*nth(r, i, "fh_results_read_values"));
        std::vector<Xapian::docid> dids = ascending(std::move(page));
        for (Xapian::docid did : dids)
            for (size_t k = 0; k < n; k++)
                r->ahead[did][slots[k]]; /* no value reads as empty, as Xapian's */
        for (size_t k = 0; k < n; k++)
            read_stream(r->db, slots[k], dids, [&](Xapian::docid did, std::string v) {
                r->ahead[did][slots[k]] = std::move(v);
            });
    });
}

/* ---- What relevance feedback reads -------------------------------------- */

/* The statistics are those of the whole index (every database searched),
 * never one shard's: expand.c computes the expansion from them, so that the
 * terms chosen do not change with how the pages fall into shards. */
fh_status fh_results_collection(const fh_results *r, uint32_t *doc_count, double *avg_length)
{
    return on(r, doc_count != nullptr && avg_length != nullptr, [&] {
        *avg_length = r->db.get_avlength();
        *doc_count = r->db.get_doccount();
    });
}

fh_status fh_results_db_term_freq(const fh_results *r, const char *term, size_t len, uint32_t *freq)
{
    return on(r, term != nullptr && freq != nullptr,
              [&] { *freq = r->db.get_termfreq(std::string(term, len)); });
}

fh_status fh_results_doc_length(const fh_results *r, size_t i, uint32_t *out)
{
    return on(r, out != nullptr,
              [&] { *out = r->db.get_doclength(*nth(r, i, "fh_results_doc_length")); });
}

fh_status fh_results_doc_terms(const fh_results *r, size_t i, fh_results_wdf_fn fn, void *ctx)
{
    return on(r, fn != nullptr, [&] {
        Xapian::docid id = *nth(r, i, "fh_results_doc_terms");
        for (Xapian::TermIterator t = r->db.termlist_begin(id); t != r->db.termlist_end(id); ++t) {
            const std::string term = *t;
            if (fn(ctx, term.data(), term.size(), t.get_wdf()) != 0)
                break;
        }
    });
}

fh_status fh_results_query_terms(const fh_results *r, fh_results_wdf_fn fn, void *ctx)
{
    return on(r, fn != nullptr, [&] {
        const Xapian::Query q = r->enquire.get_query();
        for (auto t = q.get_unique_terms_begin(); t != q.get_unique_terms_end(); ++t) {
            const std::string term = *t;
            if (fn(ctx, term.data(), term.size(), 0) != 0)
                break;
        }
    });
}

void fh_results__fail(const fh_results *r, fh_status status, const char *msg)
{
    if (r == nullptr)
        return;
    r->status = status;
    try {
        r->msg = msg;
    } catch (...) {
        r->msg.clear();
    }
}

const char *fh_results_errmsg(const fh_results *r)
{
    return r == nullptr ? "" : r->msg.c_str();
}

void fh_results_free(fh_results *r)
{
    delete r;
}
