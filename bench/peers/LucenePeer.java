/* LucenePeer.java - Lucene 4.10 (Debian's liblucene4.10-java) on the same
 * pages and queries as fihris-bench, for bench/compare.sh and
 * bench/relevance.sh. Not built by CMake: bench/peers/lucene.sh compiles it
 * with javac into a folder of the script's choosing.
 *
 *   java LucenePeer build DB CORPUS_DIR [--format text|json]
 *   java LucenePeer query DB QUERIES_FILE [--snippets] [--limit N] [--warmup N]
 *                         [--repeat N] [--format text|json]
 *   java LucenePeer search DB QUERY          one query, top 10 with snippets
 *   java LucenePeer start                    nothing: the JVM's start alone
 *   java LucenePeer relevance DB DOCS.jsonl QUERIES.tsv RUN_OUT
 *   java LucenePeer knownitem DB KNOWNITEM.tsv
 *
 * build: walks CORPUS_DIR as the C peers do (sorted by name, hidden entries
 * and symbolic links skipped, non-empty *.txt files; line 1 the title, the
 * body after a blank line 2) and adds one document a page with the fields
 * title and body (TextField, stored), path and lang (stored only), analyzed
 * by ArabicAnalyzer when the page has more Arabic letters than Latin ones,
 * else by EnglishAnalyzer; BM25Similarity; one thread, a 64 MB RAM buffer,
 * the default merge policy, one commit at the end. The time is measured in
 * the JVM, from the walk's start to the writer's close.
 *
 * query: each query converted as fts5_peer converts it (a quoted phrase
 * stays a phrase, every other word is a term; the words are escaped), parsed
 * by MultiFieldQueryParser over title (boost 2, as FTS5's bm25 weight) and
 * body with default operator AND and the analyzer of the query's script,
 * searched with BM25Similarity, each hit's stored fields read, and with
 * --snippets Highlighter (QueryScorer on body, a 200-character
 * SimpleSpanFragmenter, "[" "]" marks) over each hit's body with the hit's
 * own analyzer. Everything after reading the query file is timed per query
 * with System.nanoTime. Before timing, the query set runs --warmup times
 * (default 1) untimed so the JIT has compiled the hot code; the figures
 * have the names and the percentile method of `fihris-bench query`.
 *
 * relevance: builds DB from a JSONL test collection (path = the id; the
 * script judged on the text, or the title when there is none), runs each
 * `qid<TAB>text` query as any-word (every word escaped, operator OR, title
 * boost 2) and writes a TREC run "qid Q0 docid rank score lucene" of up to
 * 1,000 hits.
 *
 * knownitem: over an index made by build, each query as in `query` (AND),
 * top 10; prints MRR@10 and success@10 per variant as JSON, matching the
 * target by the stored path ending with "/" + doc.
 *
 * Exit codes as the C peers: 64 usage, 65 bad input data, 66 no input,
 * 70 internal error, 73 cannot create, 74 I/O error. */
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.queryparser.classic.MultiFieldQueryParser;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.highlight.Highlighter;
import org.apache.lucene.search.highlight.QueryScorer;
import org.apache.lucene.search.highlight.SimpleHTMLFormatter;
import org.apache.lucene.search.highlight.SimpleSpanFragmenter;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Version;

public final class LucenePeer
{
    static final String USAGE =
        "usage: java LucenePeer build DB CORPUS_DIR [--format text|json]\n"
        + "       java LucenePeer query DB QUERIES_FILE [--snippets] [--limit N] [--warmup N]\n"
        + "                             [--repeat N] [--format text|json]\n"
        + "       java LucenePeer search DB QUERY\n"
        + "       java LucenePeer start\n"
        + "       java LucenePeer relevance DB DOCS.jsonl QUERIES.tsv RUN_OUT\n"
        + "       java LucenePeer knownitem DB KNOWNITEM.tsv\n"
        + "Query files hold one query a line, or LANG<TAB>QUERY lines.\n";
    static final int MAX_DEPTH = 64, SNIPPET_CHARS = 200;

    /** A failure with the exit code to leave with; the message goes to stderr. */
    static final class Exit extends Exception
    {
        final int code;

        Exit(int code, String message)
        {
            super(message);
            this.code = code;
        }
    }

    /** The two analyzers, made on first use so that `start` loads no Lucene class. */
    static final class A
    {
        static final Version V = Version.LUCENE_4_10_4;
        static final Analyzer ENGLISH = new EnglishAnalyzer(A.V), ARABIC = new ArabicAnalyzer(A.V);
    }
    static PrintWriter out = new PrintWriter(
        new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));

    // ---- script -----------------------------------------------------------

    static boolean isArabicLetter(int c)
    {
        return (c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x066F) ||
            (c >= 0x0671 && c <= 0x06D3) || c == 0x06D5 || (c >= 0x06EE && c <= 0x06EF) ||
            (c >= 0x06FA && c <= 0x06FC) || c == 0x06FF || (c >= 0x0750 && c <= 0x077F) ||
            (c >= 0x08A0 && c <= 0x08C9) || (c >= 0xFB50 && c <= 0xFDFB) ||
            (c >= 0xFE70 && c <= 0xFEFC);
    }

    static boolean isLatinLetter(int c)
    {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF);
    }

    /** True when s has more Arabic letters than Latin ones (as peer_is_arabic). */
    static boolean isArabic(String s)
    {
        int arabic = 0, latin = 0;
        for (int i = 0; i < s.length();) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (isArabicLetter(c))
                arabic++;
            else if (isLatinLetter(c))
                latin++;
        }
        return arabic > latin;
    }

    static Analyzer analyzerFor(String text)
    {
        return isArabic(text) ? A.ARABIC : A.ENGLISH;
    }

    // ---- build ------------------------------------------------------------

    static IndexWriter openWriter(String db) throws Exit
    {
        File dir = new File(db);
        if (dir.exists())
            throw new Exit(73, db + " already exists; build wants a new index");
        try {
            IndexWriterConfig cfg = new IndexWriterConfig(A.V, A.ENGLISH);
            cfg.setSimilarity(new BM25Similarity());
            cfg.setRAMBufferSizeMB(64);
            cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
            return new IndexWriter(FSDirectory.open(dir), cfg);
        } catch (IOException e) {
            throw new Exit(73, db + ": " + e.getMessage());
        }
    }

    static void addDoc(IndexWriter w, String path, String title, String body, String scriptText)
        throws IOException
    {
        boolean ar = isArabic(scriptText);
        Document d = new Document();
        d.add(new TextField("title", title, Field.Store.YES));
        d.add(new TextField("body", body, Field.Store.YES));
        d.add(new StoredField("path", path));
        d.add(new StoredField("lang", ar ? "ar" : "en"));
        w.addDocument(d, ar ? A.ARABIC : A.ENGLISH);
    }

    static boolean isSpace(char c)
    {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == 0x0B;
    }

    /** Line 1 trimmed, and the body: after line 1, past line 2 when it is blank. */
    static String[] splitPage(String s)
    {
        int nl = s.indexOf('\n');
        int a = 0, b = nl >= 0 ? nl : s.length();
        int body = nl >= 0 ? b + 1 : s.length();
        while (a < b && isSpace(s.charAt(a)))
            a++;
        while (b > a && isSpace(s.charAt(b - 1)))
            b--;
        if (body < s.length()) {
            int nl2 = s.indexOf('\n', body);
            int end2 = nl2 >= 0 ? nl2 : s.length();
            boolean blank = true;
            for (int i = body; i < end2 && blank; i++)
                blank = isSpace(s.charAt(i));
            if (blank)
                body = nl2 >= 0 ? end2 + 1 : s.length();
        }
        return new String[] {s.substring(a, b), s.substring(body)};
    }

    static long pages, bytes;

    static void walk(IndexWriter w, Path dir, int depth) throws IOException
    {
        if (depth > MAX_DEPTH)
            return;
        String[] names = dir.toFile().list();
        if (names == null)
            throw new IOException(dir + ": cannot read");
        Arrays.sort(names);
        for (String name : names) {
            if (name.startsWith("."))
                continue;
            Path p = dir.resolve(name);
            if (Files.isSymbolicLink(p))
                continue;
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                walk(w, p, depth + 1);
            } else if (name.length() > 4 && name.endsWith(".txt") &&
                       Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                byte[] raw = Files.readAllBytes(p);
                if (raw.length == 0)
                    continue;
                String text = new String(raw, StandardCharsets.UTF_8);
                String[] tb = splitPage(text);
                addDoc(w, p.toString(), tb[0], tb[1], text);
                pages++;
                bytes += raw.length;
            }
        }
    }

    static int cmdBuild(List<String> args) throws Exit
    {
        boolean json = formatJson(args);
        if (args.size() != 2)
            throw new Exit(64, null);
        String db = args.get(0), corpus = args.get(1);
        if (!new File(corpus).isDirectory())
            throw new Exit(66, corpus + ": not a folder");
        long t0 = System.nanoTime();
        IndexWriter w = openWriter(db);
        try {
            walk(w, Paths.get(corpus), 0);
            w.commit();
            w.close();
        } catch (IOException e) {
            throw new Exit(74, db + ": " + e.getMessage());
        }
        double seconds = (System.nanoTime() - t0) / 1e9, mb = bytes / 1e6;
        double mbs = seconds > 0 ? mb / seconds : 0;
        if (json)
            out.printf(Locale.ROOT,
                       "{\"pages\":%d,\"mb\":%.2f,\"seconds\":%.3f,\"mb_per_s\":%.3f}\n", pages, mb,
                       seconds, mbs);
        else
            out.printf(Locale.ROOT, "build  %d pages  %.1f MB  %.2f s  %.2f MB/s\n", pages, mb,
                       seconds, mbs);
        return 0;
    }

    // ---- queries ----------------------------------------------------------

    /** "--format json|text" taken out of args; true for json. */
    static boolean formatJson(List<String> args) throws Exit
    {
        boolean json = false;
        for (int i = 0; i < args.size(); i++) {
            if (!args.get(i).equals("--format"))
                continue;
            if (i + 1 >= args.size() ||
                !(args.get(i + 1).equals("json") || args.get(i + 1).equals("text")))
                throw new Exit(64, null);
            json = args.get(i + 1).equals("json");
            args.remove(i + 1);
            args.remove(i);
            i--;
        }
        return json;
    }

    static String term(String w)
    {
        // The classic parser reads bare AND, OR and NOT as operators; the
        // analyzers lowercase anyway.
        if (w.equals("AND") || w.equals("OR") || w.equals("NOT"))
            return w.toLowerCase(Locale.ROOT);
        return QueryParser.escape(w);
    }

    static boolean isWs(char c)
    {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /**
     * The query in the classic syntax, as fts5_peer's to_fts5 splits it:
     * a quoted phrase (an unclosed quote runs to the end) stays a phrase,
     * every other white-space separated word is one escaped term.
     */
    static String convert(String q)
    {
        StringBuilder b = new StringBuilder();
        int n = q.length(), i = 0;
        while (i < n) {
            char c = q.charAt(i);
            if (isWs(c)) {
                i++;
            } else if (c == '"') {
                int a = i + 1, e = a;
                while (e < n && q.charAt(e) != '"')
                    e++;
                i = e < n ? e + 1 : n;
                String p = q.substring(a, e).trim();
                if (!p.isEmpty())
                    b.append(b.length() > 0 ? " " : "")
                        .append('"')
                        .append(QueryParser.escape(p))
                        .append('"');
            } else {
                int a = i;
                while (i < n && !isWs(q.charAt(i)) && q.charAt(i) != '"')
                    i++;
                b.append(b.length() > 0 ? " " : "").append(term(q.substring(a, i)));
            }
        }
        return b.toString();
    }

    /** Any-word: every white-space separated word one escaped term. */
    static String convertAny(String q)
    {
        StringBuilder b = new StringBuilder();
        for (String w : q.trim().split("[ \t\r\n]+"))
            if (!w.isEmpty())
                b.append(b.length() > 0 ? " " : "").append(term(w.replace("\"", "")));
        return b.toString();
    }

    static Query parse(String text, boolean all, boolean any) throws Exception
    {
        Map<String, Float> boosts = new HashMap<>();
        boosts.put("title", 2.0f);
        boosts.put("body", 1.0f);
        MultiFieldQueryParser qp = new MultiFieldQueryParser(A.V, new String[] {"title", "body"},
                                                             analyzerFor(text), boosts);
        qp.setDefaultOperator(all ? QueryParser.AND_OPERATOR : QueryParser.OR_OPERATOR);
        return qp.parse(any ? convertAny(text) : convert(text));
    }

    static IndexSearcher openSearcher(String db) throws Exit
    {
        try {
            IndexSearcher s =
                new IndexSearcher(DirectoryReader.open(FSDirectory.open(new File(db))));
            s.setSimilarity(new BM25Similarity());
            return s;
        } catch (IOException e) {
            throw new Exit(66, db + ": " + e.getMessage());
        }
    }

    static long sink;

    /**
     * One query as timed: parse, search, read every hit's stored fields,
     * and with snippets highlight each hit's body. Returns the hits, or -1
     * when the parser or the search rejected the query. When print is set,
     * writes each hit to out.
     */
    static long runQuery(IndexSearcher s, String text, int limit, boolean snippets, boolean print)
    {
        try {
            Query q = parse(text, true, false);
            TopDocs td = s.search(q, limit);
            Highlighter h = null;
            if (snippets) {
                QueryScorer scorer = new QueryScorer(q, "body");
                h = new Highlighter(new SimpleHTMLFormatter("[", "]"), scorer);
                h.setTextFragmenter(new SimpleSpanFragmenter(scorer, SNIPPET_CHARS));
            }
            for (ScoreDoc sd : td.scoreDocs) {
                Document d = s.doc(sd.doc);
                String body = d.get("body"), title = d.get("title"), path = d.get("path");
                sink += body.length() + title.length() + path.length();
                String snip = null;
                if (h != null) {
                    Analyzer a = "ar".equals(d.get("lang")) ? A.ARABIC : A.ENGLISH;
                    snip = h.getBestFragment(a, "body", body);
                    if (snip == null)
                        snip = body.substring(0, Math.min(body.length(), SNIPPET_CHARS));
                    sink += snip.length();
                }
                if (print)
                    out.printf(Locale.ROOT, "%s\t%.4f\t%s\n%s\n", path, sd.score, title,
                               snip == null ? "" : snip.replace('\n', ' '));
            }
            return td.scoreDocs.length;
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Queries of a file: blank and '#' lines skipped, the part after a tab,
     * trailing CR and spaces dropped (as fihris-bench reads them).
     */
    static List<String> loadQueries(String path) throws Exit
    {
        List<String> qs = new ArrayList<>();
        try (BufferedReader r = reader(path)) {
            for (String line; (line = r.readLine()) != null;) {
                if (skipped(line))
                    continue;
                int tab = line.indexOf('\t');
                String q = tab >= 0 ? line.substring(tab + 1) : line;
                int n = q.length();
                while (n > 0 && (q.charAt(n - 1) == '\r' || q.charAt(n - 1) == ' '))
                    n--;
                if (n > 0)
                    qs.add(q.substring(0, n));
            }
        } catch (IOException e) {
            throw new Exit(66, path + ": no queries read");
        }
        if (qs.isEmpty())
            throw new Exit(66, path + ": no queries read");
        return qs;
    }

    /**
     * A reader of the UTF-8 file at path; malformed bytes read as U+FFFD, a
     * byte order mark at its start is skipped.
     */
    static BufferedReader reader(String path) throws IOException
    {
        BufferedReader r = new BufferedReader(
            new InputStreamReader(new FileInputStream(path), StandardCharsets.UTF_8));
        r.mark(1);
        if (r.read() != 0xFEFF)
            r.reset();
        return r;
    }

    static boolean skipped(String line)
    {
        String t = line.replaceFirst("^[ \t\r\n]+", "");
        return t.isEmpty() || t.charAt(0) == '#';
    }

    static long intOpt(List<String> args, int i, long lo, long hi) throws Exit
    {
        if (i + 1 >= args.size())
            throw new Exit(64, null);
        try {
            long v = Long.parseLong(args.get(i + 1));
            if (v < lo || v > hi)
                throw new Exit(64, null);
            return v;
        } catch (NumberFormatException e) {
            throw new Exit(64, null);
        }
    }

    static double percentile(double[] sorted, int n, double p)
    {
        if (n == 0)
            return 0;
        int i = (int)(p / 100.0 * (n - 1) + 0.5);
        return sorted[Math.min(i, n - 1)];
    }

    static int cmdQuery(List<String> args) throws Exit
    {
        boolean json = formatJson(args), snippets = false;
        long limit = 10, warmup = 1, repeat = 1;
        List<String> pos = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--snippets")) {
                snippets = true;
            } else if (a.equals("--limit")) {
                limit = intOpt(args, i++, 1, 100000);
            } else if (a.equals("--warmup")) {
                warmup = intOpt(args, i++, 0, 1000);
            } else if (a.equals("--repeat")) {
                repeat = intOpt(args, i++, 1, 1000);
            } else if (a.startsWith("--")) {
                throw new Exit(64, null);
            } else {
                pos.add(a);
            }
        }
        if (pos.size() != 2)
            throw new Exit(64, null);
        List<String> qs = loadQueries(pos.get(1));
        IndexSearcher s = openSearcher(pos.get(0));
        for (long w = 0; w < warmup; w++)
            for (String q : qs)
                runQuery(s, q, (int)limit, snippets, false);
        int runs = 0, nq = qs.size();
        double[] lat = new double[nq * (int)repeat];
        long hits = 0, zero = 0, rejected = 0;
        long t0 = System.nanoTime();
        for (long r = 0; r < repeat; r++) {
            for (String q : qs) {
                long a = System.nanoTime();
                long h = runQuery(s, q, (int)limit, snippets, false);
                long b = System.nanoTime();
                lat[runs++] = (b - a) / 1e6;
                if (h < 0) {
                    rejected++;
                    h = 0;
                }
                hits += h;
                if (h == 0)
                    zero++;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9, sum = 0;
        for (int i = 0; i < runs; i++)
            sum += lat[i];
        double qps = seconds > 0 ? runs / seconds : 0, mean = runs > 0 ? sum / runs : 0;
        Arrays.sort(lat, 0, runs);
        double p50 = percentile(lat, runs, 50), p95 = percentile(lat, runs, 95);
        double p99 = percentile(lat, runs, 99), max = runs > 0 ? lat[runs - 1] : 0;
        if (json) {
            out.printf(Locale.ROOT,
                       "{\"queries\":%d,\"runs\":%d,\"threads\":1,\"snippets\":%s,\"hits\":%d,"
                           + "\"zero_hit\":%d,\"rejected\":%d,\"qps\":%.1f,\"mean_ms\":%.4f,"
                           + "\"p50_ms\":%.4f,\"p95_ms\":%.4f,\"p99_ms\":%.4f,\"max_ms\":%.4f}\n",
                       nq, runs, snippets, hits, zero, rejected, qps, mean, p50, p95, p99, max);
        } else {
            out.printf(Locale.ROOT, "query  %d queries x %d  %s  1 thread\n", nq, repeat,
                       snippets ? "with snippets" : "no snippets");
            out.printf(Locale.ROOT, "  hits %d  zero-hit queries %d  (rejected by the engine %d)\n",
                       hits, zero / repeat, rejected / repeat);
            out.printf(Locale.ROOT,
                       "  QPS %.0f  mean %.3f ms  p50 %.3f  p95 %.3f  p99 %.3f  max %.3f ms\n", qps,
                       mean, p50, p95, p99, max);
        }
        return 0;
    }

    static int cmdSearch(List<String> args) throws Exit
    {
        if (args.size() != 2)
            throw new Exit(64, null);
        IndexSearcher s = openSearcher(args.get(0));
        long h = runQuery(s, args.get(1), 10, true, true);
        if (h < 0)
            throw new Exit(65, "the query was rejected: " + args.get(1));
        return h > 0 ? 0 : 1;
    }

    // ---- relevance and known items -------------------------------------------

    /**
     * Rows of a tab-separated file split into exactly nf fields (the last
     * keeps any further tabs); short, blank and '#' lines and a "qid" header
     * skipped, as peer_rows_load reads them.
     */
    static List<String[]> loadRows(String path, int nf) throws Exit
    {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader r = reader(path)) {
            for (String line; (line = r.readLine()) != null;) {
                line = line.replaceFirst("\r+$", "");
                if (skipped(line))
                    continue;
                String[] f = line.split("\t", nf);
                if (f.length == nf && !f[0].equals("qid"))
                    rows.add(f);
            }
        } catch (IOException e) {
            throw new Exit(66, path + ": cannot read");
        }
        return rows;
    }

    static int cmdRelevance(List<String> args) throws Exit
    {
        if (args.size() != 4)
            throw new Exit(64, null);
        String db = args.get(0), docs = args.get(1), queries = args.get(2), run = args.get(3);
        List<String[]> qs = loadRows(queries, 2);
        if (!new File(docs).canRead())
            throw new Exit(66, docs + ": cannot read");
        IndexWriter w = openWriter(db);
        long n = 0;
        try (BufferedReader r = reader(docs)) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null;) {
                lineNo++;
                if (line.trim().isEmpty())
                    continue;
                Map<String, String> d = Json.object(line);
                if (d == null || !d.containsKey("id"))
                    throw new Exit(65, docs + ":" + lineNo + ": not a JSON object with an \"id\"");
                String title = d.getOrDefault("title", ""), text = d.getOrDefault("text", "");
                addDoc(w, d.get("id"), title, text, text.isEmpty() ? title : text);
                n++;
            }
            w.commit();
            w.close();
        } catch (IOException e) {
            throw new Exit(65, docs + ": " + e.getMessage());
        }
        IndexSearcher s = openSearcher(db);
        try (PrintWriter o =
                 new PrintWriter(Files.newBufferedWriter(Paths.get(run), StandardCharsets.UTF_8))) {
            for (String[] q : qs) {
                try {
                    TopDocs td = s.search(parse(q[1], false, true), 1000);
                    int rank = 0;
                    for (ScoreDoc sd : td.scoreDocs)
                        o.printf(Locale.ROOT, "%s Q0 %s %d %.6f lucene\n", q[0],
                                 s.doc(sd.doc).get("path"), ++rank, sd.score);
                } catch (Exception e) {
                    System.err.println("LucenePeer: query " + q[0] + ": " + e.getMessage());
                }
            }
            if (o.checkError())
                throw new Exit(74, run + ": cannot write");
        } catch (IOException e) {
            throw new Exit(73, run + ": cannot write");
        }
        System.err.printf(Locale.ROOT, "LucenePeer: relevance: %d documents, %d queries\n", n,
                          qs.size());
        return 0;
    }

    static int knownRank(IndexSearcher s, String query, String doc)
    {
        try {
            TopDocs td = s.search(parse(query, true, false), 10);
            int rank = 0;
            for (ScoreDoc sd : td.scoreDocs) {
                rank++;
                if (s.doc(sd.doc).get("path").endsWith("/" + doc))
                    return rank;
            }
        } catch (Exception e) {
            // A rejected query finds nothing.
        }
        return 0;
    }

    static int cmdKnownItem(List<String> args) throws Exit
    {
        if (args.size() != 2)
            throw new Exit(64, null);
        IndexSearcher s = openSearcher(args.get(0));
        List<String[]> rows = loadRows(args.get(1), 5);  // qid, lang, variant, doc, query
        Map<String, double[]> v = new LinkedHashMap<>(); // queries, found, rr sum
        for (String[] f : rows) {
            double[] acc = v.computeIfAbsent(f[2] + "\t" + f[1], k -> new double[3]);
            acc[0]++;
            int rank = knownRank(s, f[4], f[3]);
            if (rank > 0) {
                acc[1]++;
                acc[2] += 1.0 / rank;
            }
        }
        StringBuilder b = new StringBuilder("{\"variants\":[");
        for (Map.Entry<String, double[]> e : v.entrySet()) {
            String[] k = e.getKey().split("\t", 2);
            double[] a = e.getValue();
            b.append(b.charAt(b.length() - 1) == '[' ? "" : ",");
            b.append(String.format(Locale.ROOT,
                                   "{\"variant\":\"%s\",\"lang\":\"%s\",\"queries\":%d,"
                                       + "\"mrr10\":%.4f,\"success10\":%.4f}",
                                   k[0], k[1], (long)a[0], a[2] / a[0], a[1] / a[0]));
        }
        out.println(b.append("]}"));
        return 0;
    }

    /**
     * Just enough JSON for a line of a test collection: one object whose
     * string and number members are kept (other values skipped).
     */
    static final class Json
    {
        final String s;
        int i;

        Json(String s)
        {
            this.s = s;
        }

        static Map<String, String> object(String line)
        {
            try {
                return new Json(line).readObject();
            } catch (RuntimeException e) {
                return null;
            }
        }

        void ws()
        {
            while (i < s.length() && isWs(s.charAt(i)))
                i++;
        }

        char peek()
        {
            ws();
            if (i >= s.length())
                throw new IllegalArgumentException("end of line");
            return s.charAt(i);
        }

        void expect(char c)
        {
            if (peek() != c)
                throw new IllegalArgumentException("expected " + c);
            i++;
        }

        Map<String, String> readObject()
        {
            Map<String, String> m = new HashMap<>();
            expect('{');
            if (peek() == '}')
                return m;
            for (;;) {
                String key = readString();
                expect(':');
                char c = peek();
                if (c == '"') {
                    m.put(key, readString());
                } else {
                    int a = i;
                    skipValue();
                    if (c == '-' || (c >= '0' && c <= '9'))
                        m.put(key, s.substring(a, i).trim());
                }
                if (peek() == ',') {
                    i++;
                    continue;
                }
                expect('}');
                return m;
            }
        }

        String readString()
        {
            expect('"');
            StringBuilder b = new StringBuilder();
            for (;;) {
                char c = s.charAt(i++);
                if (c == '"')
                    return b.toString();
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                case 'b':
                    b.append('\b');
                    break;
                case 'f':
                    b.append('\f');
                    break;
                case 'n':
                    b.append('\n');
                    break;
                case 'r':
                    b.append('\r');
                    break;
                case 't':
                    b.append('\t');
                    break;
                case 'u':
                    b.append((char)Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                    break;
                default:
                    b.append(e);
                }
            }
        }

        void skipValue()
        {
            int depth = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '"') {
                    readString();
                    continue;
                }
                if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    if (depth == 0)
                        return;
                    depth--;
                } else if (c == ',' && depth == 0) {
                    return;
                }
                i++;
            }
        }
    }

    public static void main(String[] argv)
    {
        int code;
        try {
            if (argv.length < 1)
                throw new Exit(64, null);
            List<String> args = new ArrayList<>(Arrays.asList(argv).subList(1, argv.length));
            switch (argv[0]) {
            case "--help":
            case "-h":
                out.print(USAGE);
                code = 0;
                break;
            case "start":
                code = 0;
                break;
            case "build":
                code = cmdBuild(args);
                break;
            case "query":
                code = cmdQuery(args);
                break;
            case "search":
                code = cmdSearch(args);
                break;
            case "relevance":
                code = cmdRelevance(args);
                break;
            case "knownitem":
                code = cmdKnownItem(args);
                break;
            default:
                throw new Exit(64, "unknown command: " + argv[0]);
            }
        } catch (Exit e) {
            if (e.getMessage() != null)
                System.err.println("LucenePeer: " + e.getMessage());
            if (e.code == 64)
                System.err.print(USAGE);
            code = e.code;
        } catch (OutOfMemoryError e) {
            System.err.println("LucenePeer: out of memory");
            code = 70;
        } catch (RuntimeException e) {
            System.err.println("LucenePeer: internal error: " + e);
            code = 70;
        }
        out.flush();
        System.exit(code);
    }
}
