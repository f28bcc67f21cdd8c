#!/usr/bin/env python3
"""Hand-made web archives as other crawlers write them, for crawlers.sh.

Each is made the way its crawler's documentation and the WARC standard
describe it (no network: these stand in for real archives):
- Heritrix 3: WARC/1.0, one gzip member a record; warcinfo, a dns: response,
  request + response + metadata for each URL (WARC-Concurrent-To,
  WARC-Payload-Digest, WARC-IP-Address), a revisit of identical payload
  (WARC-Profile .../revisit/identical-payload-digest, WARC-Refers-To-Target-URI
  and -Date, WARC-Truncated: length, HTTP headers alone), an image, a 404,
  an odd charset parameter, and a record whose lines end in LF alone; and an
  older WARC/0.17 file.
- Common Crawl: a WARC (WARC-Identified-Payload-Type; the payload stored
  decoded, with X-Crawler-Content-Encoding / X-Crawler-Content-Length; a
  payload cut at the crawler's limit, WARC-Truncated: length; metadata
  records), a WET (conversion records: WARC-Refers-To,
  WARC-Identified-Content-Language, text/plain, the title on the first
  line) and a WAT (metadata records of JSON, no page).
- warcio / pywb: WARC/1.1 with microsecond WARC-Date, WARC-Target-URI in
  <>, lowercase field names, an HTTP/1.1 response both chunked and gzip,
  a windows-1256 page with its charset quoted; as one gzip member a record
  and as one gzip stream.
- ArchiveTeam (wget-at): .warc.zst, each record one zstd frame compressed
  with a dictionary trained by zstd, the dictionary first in a skippable
  frame of magic 0x184D2A5D, itself zstd-compressed (and, as the warc-zstd
  note allows, stored plain); also zstd without a dictionary, one frame a
  record and one stream. Made with Debian's zstd command, in DIR/zstd/.

Usage: crawlers_make.py DIR  (writes DIR/*.warc* and DIR/zstd/*, prints nothing)
"""
import gzip
import hashlib
import os
import struct
import subprocess
import sys
import tempfile
import zlib

OUT = sys.argv[1]
_ids = iter(range(1, 10**6))


def rid():
    return "<urn:uuid:%08d-0000-4000-8000-000000000000>" % next(_ids)


def sha1(b):
    import base64
    return "sha1:" + base64.b32encode(hashlib.sha1(b).digest()).decode()


def record(fields, block, version="1.0", eol=b"\r\n", lower=False):
    """A WARC record: version line, fields, Content-Length, block, 2 EOLs."""
    lines = ["WARC/" + version]
    for name, value in fields:
        lines.append("%s: %s" % (name.lower() if lower else name, value))
    lines.append("%s: %d" % ("content-length" if lower else "Content-Length", len(block)))
    head = eol.join(l.encode() for l in lines) + eol + eol
    return head + block + eol + eol


def http(status, headers, body, eol=b"\r\n"):
    lines = [status] + ["%s: %s" % h for h in headers]
    return eol.join(l.encode() for l in lines) + eol + eol + body


def html(title, text, charset="utf-8"):
    return ("<!DOCTYPE html><html><head><title>%s</title></head><body><p>%s</p></body></html>"
            % (title, text)).encode(charset)


def members(recs):
    return b"".join(gzip.compress(r) for r in recs)


def write(name, data):
    with open("%s/%s" % (OUT, name), "wb") as f:
        f.write(data)


# ---- Heritrix 3 --------------------------------------------------------------
H_MSG = "application/http; msgtype=response"
H_REQ = "application/http; msgtype=request"


def heritrix_fetch(url, date, status, headers, body, eol=b"\r\n"):
    """request, response, metadata for one URL, as Heritrix writes them."""
    resp_id, req_id = rid(), rid()
    parts = url.split("/", 3)
    req = http("GET /%s HTTP/1.1" % (parts[3] if len(parts) > 3 else ""),
               [("User-Agent", "Mozilla/5.0 (compatible; heritrix/3.4.0 +http://h.example)"),
                ("Host", parts[2])], b"")
    resp = http(status, headers, body, eol)
    payload = body
    recs = [
        record([("WARC-Type", "response"), ("WARC-Target-URI", url), ("WARC-Date", date),
                ("WARC-Payload-Digest", sha1(payload)), ("WARC-IP-Address", "192.0.2.7"),
                ("WARC-Record-ID", resp_id), ("Content-Type", H_MSG)], resp, eol=eol),
        record([("WARC-Type", "request"), ("WARC-Target-URI", url), ("WARC-Date", date),
                ("WARC-Concurrent-To", resp_id), ("WARC-Record-ID", req_id),
                ("Content-Type", H_REQ)], req, eol=eol),
        record([("WARC-Type", "metadata"), ("WARC-Target-URI", url), ("WARC-Date", date),
                ("WARC-Concurrent-To", resp_id), ("WARC-Record-ID", rid()),
                ("Content-Type", "application/warc-fields")],
               b"seed:\r\nhopsFromSeed: L\r\nfetchTimeMs: 12\r\noutlink: http://h.example/b E =a\r\n",
               eol=eol),
    ]
    return recs, sha1(payload)


def heritrix():
    recs = [record([("WARC-Type", "warcinfo"), ("WARC-Date", "2019-03-01T10:00:00Z"),
                    ("WARC-Filename", "WEB-20190301100000000-00000-1234~h.example~8443.warc.gz"),
                    ("WARC-Record-ID", rid()), ("Content-Type", "application/warc-fields")],
                   b"software: Heritrix/3.4.0-20190207 http://crawler.archive.org\r\n"
                   b"ip: 192.0.2.1\r\nhostname: h.example\r\nformat: WARC File Format 1.0\r\n"
                   b"conformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf\r\n")]
    recs.append(record([("WARC-Type", "response"), ("WARC-Target-URI", "dns:h.example"),
                        ("WARC-Date", "2019-03-01T10:00:01Z"), ("WARC-IP-Address", "192.0.2.53"),
                        ("WARC-Record-ID", rid()), ("Content-Type", "text/dns")],
                       b"20190301100001\nh.example.\t300\tIN\tA\t192.0.2.7\n"))
    heron = html("Heron page", "The grey heron waits by the water.")
    a, digest = heritrix_fetch(
        "http://h.example/a", "2019-03-01T10:00:02Z", "HTTP/1.1 200 OK",
        [("Date", "Fri, 01 Mar 2019 10:00:02 GMT"), ("Server", "Apache"),
         ("Content-Type", "text/html;charset=UTF-8"), ("Content-Length", str(len(heron)))], heron)
    recs += a
    b, _ = heritrix_fetch("http://h.example/b.jpg", "2019-03-01T10:00:03Z", "HTTP/1.1 200 OK",
                          [("Content-Type", "image/jpeg")], b"\xff\xd8\xff\xe0JFIF heron")
    recs += b
    c, _ = heritrix_fetch("http://h.example/c", "2019-03-01T10:00:04Z", "HTTP/1.1 404 Not Found",
                          [("Content-Type", "text/html")], html("Not found", "Heron missing egret"))
    recs += c
    d, _ = heritrix_fetch("http://h.example/d", "2019-03-01T10:00:05Z", "HTTP/1.1 200 OK",
                          [("Content-Type", 'text/html ; charset = "ISO-8859-1"')],
                          html("Caf\xe9 page", "The egret na\xefve caf\xe9", "iso-8859-1"))
    recs += d
    # Some tools end every line in LF alone.
    e, _ = heritrix_fetch("http://h.example/e", "2019-03-01T10:00:06Z", "HTTP/1.0 200 OK",
                          [("content-type", "TEXT/HTML; Charset=utf-8")],
                          html("Bittern page", "The bittern booms at dusk."), eol=b"\n")
    recs += e
    # A later visit of /a, payload unchanged: a revisit, HTTP headers alone.
    revisit_http = http("HTTP/1.1 200 OK", [("Content-Type", "text/html;charset=UTF-8"),
                                            ("Content-Length", str(len(heron)))], b"")
    recs.append(record([("WARC-Type", "revisit"), ("WARC-Target-URI", "http://h.example/a"),
                        ("WARC-Date", "2019-04-01T10:00:02Z"), ("WARC-Payload-Digest", digest),
                        ("WARC-IP-Address", "192.0.2.7"),
                        ("WARC-Profile",
                         "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"),
                        ("WARC-Truncated", "length"),
                        ("WARC-Refers-To-Target-URI", "http://h.example/a"),
                        ("WARC-Refers-To-Date", "2019-03-01T10:00:02Z"),
                        ("WARC-Record-ID", rid()), ("Content-Type", H_MSG)], revisit_http))
    write("heritrix.warc.gz", members(recs))
    # An older Heritrix (1.14) archive: WARC/0.17, the same named fields.
    old = [record([("WARC-Type", "warcinfo"), ("WARC-Date", "2008-05-01T00:00:00Z"),
                   ("WARC-Record-ID", rid()), ("Content-Type", "application/warc-fields")],
                  b"software: Heritrix 1.14.0 http://crawler.archive.org\r\n", version="0.17"),
           record([("WARC-Type", "response"), ("WARC-Target-URI", "http://old.example/"),
                   ("WARC-Date", "2008-05-01T00:00:01Z"), ("WARC-Record-ID", rid()),
                   ("Content-Type", H_MSG)],
                  http("HTTP/1.1 200 OK", [("Content-Type", "text/html")],
                       html("Old page", "The ptarmigan of 2008.")), version="0.17")]
    write("heritrix-old.warc.gz", members(old))


# ---- Common Crawl ------------------------------------------------------------
def common_crawl():
    info = record([("WARC-Type", "warcinfo"), ("WARC-Date", "2023-12-01T00:00:00Z"),
                   ("WARC-Filename", "CC-MAIN-20231201000000-20231201030000-00000.warc.gz"),
                   ("WARC-Record-ID", rid()), ("Content-Type", "application/warc-fields")],
                  b"isPartOf: CC-MAIN-2023-50\r\npublisher: Common Crawl\r\n"
                  b"format: WARC File Format 1.1\r\n"
                  b"conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n")
    recs = [info]

    def fetch(url, date, body, extra_http, extra_warc):
        resp_id = rid()
        req = http("GET /%s HTTP/1.1" % url.split("/", 3)[3], [("Host", url.split("/")[2]),
                                                               ("User-Agent", "CCBot/2.0")], b"")
        out = [record([("WARC-Type", "request"), ("WARC-Date", date), ("WARC-Record-ID", rid()),
                       ("Content-Type", H_REQ), ("WARC-Warcinfo-ID", "<urn:uuid:1>"),
                       ("WARC-IP-Address", "198.51.100.4"), ("WARC-Target-URI", url)], req)]
        out.append(record([("WARC-Type", "response"), ("WARC-Date", date),
                           ("WARC-Record-ID", resp_id), ("Content-Type", H_MSG),
                           ("WARC-Warcinfo-ID", "<urn:uuid:1>"),
                           ("WARC-Concurrent-To", "<urn:uuid:2>"),
                           ("WARC-IP-Address", "198.51.100.4"), ("WARC-Target-URI", url),
                           ("WARC-Payload-Digest", sha1(body)),
                           ("WARC-Block-Digest", "sha1:AAAA")] + extra_warc +
                          [("WARC-Identified-Payload-Type", "text/html")],
                          http("HTTP/1.1 200 OK", extra_http, body)))
        out.append(record([("WARC-Type", "metadata"), ("WARC-Date", date),
                           ("WARC-Record-ID", rid()), ("Content-Type", "application/warc-fields"),
                           ("WARC-Warcinfo-ID", "<urn:uuid:1>"),
                           ("WARC-Concurrent-To", resp_id), ("WARC-Target-URI", url)],
                          b"fetchTimeMs: 85\r\ncharset-detected: UTF-8\r\n"
                          b'languages-cld2: {"reliable":true,"languages":[{"code":"en"}]}\r\n'))
        return out

    body = html("Cormorant page", "The cormorant dives for fish.")
    # Common Crawl stores the payload decoded and renames the headers that
    # no longer hold.
    recs += fetch("https://cc.example/cormorant", "2023-12-01T01:02:03Z", body,
                  [("Content-Type", "text/html; charset=UTF-8"),
                   ("X-Crawler-Content-Encoding", "gzip"),
                   ("X-Crawler-Content-Length", "61"), ("Content-Length", str(len(body)))], [])
    # A payload cut at the crawler's limit: the page's end is missing.
    long_text = " ".join(["The gannet plunges"] * 40)
    full = html("Gannet page", long_text)
    recs += fetch("https://cc.example/gannet", "2023-12-01T01:02:04Z", full[:300],
                  [("Content-Type", "text/html"), ("Content-Length", str(len(full)))],
                  [("WARC-Truncated", "length")])
    write("CC-MAIN-20231201000000-20231201030000-00000.warc.gz", members(recs))

    # WET: the text of the pages, one conversion record each.
    wet = [record([("WARC-Type", "warcinfo"), ("WARC-Date", "2023-12-05T00:00:00Z"),
                   ("WARC-Filename", "CC-MAIN-20231201000000-20231201030000-00000.warc.wet.gz"),
                   ("WARC-Record-ID", rid()), ("Content-Type", "application/warc-fields")],
                  b"Software-Info: ia-web-commons.1.1.10-SNAPSHOT-20231201000000\r\n"
                  b"Extracted-Date: Tue, 05 Dec 2023 00:00:00 GMT\r\n"
                  b"robots: checked via crawler-commons 1.4\r\nisPartOf: CC-MAIN-2023-50\r\n"
                  b"operator: Common Crawl Admin (info@commoncrawl.org)\r\n"
                  b"description: Wide crawl of the web for November/December 2023\r\n"
                  b"publisher: Common Crawl\r\n")]
    for url, date, lang, text in [
            ("https://cc.example/cormorant", "2023-12-01T01:02:03Z", "eng",
             "Cormorant page\nThe cormorant dives for fish.\nIt dries its wings after.\n"),
            ("https://ar.cc.example/falcon", "2023-12-01T01:02:05Z", "ara",
             "\u0627\u0644\u0635\u0642\u0631 \u0627\u0644\u062d\u0631\n"
             "\u064a\u0637\u064a\u0631 \u0627\u0644\u0635\u0642\u0631 \u0641\u0648\u0642 "
             "\u0627\u0644\u0635\u062d\u0631\u0627\u0621.\n")]:
        wet.append(record([("WARC-Type", "conversion"), ("WARC-Target-URI", url),
                           ("WARC-Date", date), ("WARC-Record-ID", rid()),
                           ("WARC-Refers-To", rid()), ("WARC-Block-Digest", "sha1:BBBB"),
                           ("WARC-Identified-Content-Language", lang),
                           ("Content-Type", "text/plain")], text.encode()))
    write("CC-MAIN-20231201000000-20231201030000-00000.warc.wet.gz", members(wet))

    # WAT: metadata of JSON about each record; nothing in it is a page.
    wat = [record([("WARC-Type", "warcinfo"), ("WARC-Date", "2023-12-05T00:00:00Z"),
                   ("WARC-Filename", "CC-MAIN-20231201000000-20231201030000-00000.warc.wat.gz"),
                   ("WARC-Record-ID", rid()), ("Content-Type", "application/warc-fields")],
                  b"Software-Info: ia-web-commons\r\nisPartOf: CC-MAIN-2023-50\r\n")]
    for url in ["https://cc.example/cormorant", "https://cc.example/gannet"]:
        wat.append(record([("WARC-Type", "metadata"), ("WARC-Target-URI", url),
                           ("WARC-Date", "2023-12-01T01:02:03Z"), ("WARC-Record-ID", rid()),
                           ("WARC-Refers-To", rid()), ("Content-Type", "application/json")],
                          b'{"Container":{"Filename":"x.warc.gz"},"Envelope":{"Payload-Metadata":'
                          b'{"HTTP-Response-Metadata":{"HTML-Metadata":{"Head":{"Title":'
                          b'"Cormorant albatross"}}}}}}'))
    write("CC-MAIN-20231201000000-20231201030000-00000.warc.wat.gz", members(wat))


# ---- warcio / pywb -----------------------------------------------------------
def chunked(data, size=50):
    out = b""
    for i in range(0, len(data), size):
        piece = data[i:i + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def warcio():
    recs = [record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", rid()),
                    ("WARC-Filename", "rec-20200101000000000-host.warc.gz"),
                    ("WARC-Date", "2020-01-01T00:00:00.000001Z"),
                    ("Content-Type", "application/warc-fields")],
                   b"software: Webrecorder Platform v4.6\r\nformat: WARC File Format 1.1\r\n",
                   version="1.1")]
    body = html("Kingfisher page", "The kingfisher flashes blue over the stream.")
    gz = gzip.compress(body)
    resp = http("HTTP/1.1 200 OK", [("content-type", "text/html; charset=utf-8"),
                                    ("content-encoding", "gzip"),
                                    ("transfer-encoding", "chunked"),
                                    ("vary", "Accept-Encoding")], chunked(gz))
    recs.append(record([("WARC-Type", "response"), ("WARC-Record-ID", rid()),
                        ("WARC-Target-URI", "<http://w.example/kingfisher>"),
                        ("WARC-Date", "2020-01-01T00:00:00.123456Z"),
                        ("WARC-Payload-Digest", sha1(gz)), ("WARC-Block-Digest", sha1(resp)),
                        ("Content-Type", H_MSG)], resp, version="1.1"))
    recs.append(record([("WARC-Type", "request"), ("WARC-Record-ID", rid()),
                        ("WARC-Target-URI", "<http://w.example/kingfisher>"),
                        ("WARC-Date", "2020-01-01T00:00:00.123456Z"),
                        ("WARC-Concurrent-To", "<urn:uuid:x>"), ("Content-Type", H_REQ)],
                       http("GET /kingfisher HTTP/1.1", [("Host", "w.example"),
                                                        ("Accept-Encoding", "gzip")], b""),
                       version="1.1"))
    # Field names in lower case; the page in windows-1256, its charset quoted.
    ar = ("<html><head><title>\u0627\u0644\u0628\u0644\u0628\u0644</title></head><body><p>"
          "\u063a\u0646\u0649 \u0627\u0644\u0628\u0644\u0628\u0644 \u0641\u064a "
          "\u0627\u0644\u062d\u062f\u064a\u0642\u0629</p></body></html>").encode("cp1256")
    recs.append(record([("WARC-Type", "response"), ("WARC-Record-ID", rid()),
                        ("WARC-Target-URI", "http://w.example/bulbul"),
                        ("WARC-Date", "2020-01-02T03:04:05.5Z"), ("Content-Type", H_MSG)],
                       http("HTTP/1.1 200 OK",
                            [("Content-Type", "text/html;charset='windows-1256'")], ar),
                       version="1.1", lower=True))
    write("warcio.warc.gz", members(recs))
    write("warcio-stream.warc.gz", gzip.compress(b"".join(recs)))
    write("warcio.warc", b"".join(recs))


# ---- Browsertrix --------------------------------------------------------------
def browsertrix():
    """A page as a response, then what Browsertrix adds of it as resources
    of urn: URIs: its page info, its text, a screenshot. A response with no
    Content-Type after an interim 100 Continue."""
    page = html("Puffin page", "The puffin nests in burrows.")
    recs = [record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", rid()),
                    ("WARC-Date", "2024-02-01T00:00:00.000Z"),
                    ("Content-Type", "application/warc-fields")],
                   b"software: Browsertrix-Crawler 1.0.0 (with warcio.js 2.2.1)\r\n",
                   version="1.1"),
            record([("WARC-Type", "response"), ("WARC-Record-ID", rid()),
                    ("WARC-Target-URI", "https://b.example/puffin"),
                    ("WARC-Date", "2024-02-01T00:00:01.000Z"), ("Content-Type", H_MSG)],
                   http("HTTP/1.1 200", [("content-type", "text/html")], page), version="1.1"),
            record([("WARC-Type", "resource"), ("WARC-Record-ID", rid()),
                    ("WARC-Target-URI", "urn:pageinfo:https://b.example/puffin"),
                    ("WARC-Date", "2024-02-01T00:00:02.000Z"),
                    ("Content-Type", "application/json")],
                   b'{"pageid":"1","url":"https://b.example/puffin","urls":{}}', version="1.1"),
            record([("WARC-Type", "resource"), ("WARC-Record-ID", rid()),
                    ("WARC-Target-URI", "urn:text:https://b.example/puffin"),
                    ("WARC-Date", "2024-02-01T00:00:02.000Z"), ("Content-Type", "text/plain")],
                   b"Puffin page\nThe puffin nests in burrows.", version="1.1"),
            record([("WARC-Type", "resource"), ("WARC-Record-ID", rid()),
                    ("WARC-Target-URI", "urn:view:https://b.example/puffin"),
                    ("WARC-Date", "2024-02-01T00:00:02.000Z"), ("Content-Type", "image/png")],
                   b"\x89PNG\r\n\x1a\n", version="1.1"),
            record([("WARC-Type", "response"), ("WARC-Record-ID", rid()),
                    ("WARC-Target-URI", "https://b.example/auk"),
                    ("WARC-Date", "2024-02-01T00:00:03.000Z"),
                    ("WARC-Identified-Payload-Type", "text/html"), ("Content-Type", H_MSG)],
                   b"HTTP/1.1 100 Continue\r\n\r\n" +
                   http("HTTP/1.1 200 OK", [("Server", "nginx")],
                        html("Auk page", "The great auk is gone.")), version="1.1")]
    write("browsertrix.warc.gz", members(recs))


# ---- Quirks of other writers ----------------------------------------------------
def quirks():
    """A response record without a Content-Type of its own; a record right
    after the block before it (no blank lines); an HTTP/2 response."""
    recs = [record([("WARC-Type", "response"), ("WARC-Target-URI", "http://q.example/1"),
                    ("WARC-Date", "2021-05-05T05:05:05Z")],
                   http("HTTP/1.1 200 OK", [("Content-Type", "text/html")],
                        html("Quail page", "The quail runs.")))]
    joined = record([("WARC-Type", "response"), ("WARC-Target-URI", "http://q.example/2"),
                     ("WARC-Date", "2021-05-05T05:05:06Z"), ("Content-Type", H_MSG)],
                    http("HTTP/1.1 200 OK", [("Content-Type", "text/html")],
                         html("Rail page", "The water rail hides.")))
    recs.append(joined[:-4])  # no CR LF CR LF after its block
    recs.append(record([("WARC-Type", "response"), ("WARC-Target-URI", "https://q.example/3"),
                        ("WARC-Date", "2021-05-05T05:05:07Z"), ("Content-Type", H_MSG)],
                       http("HTTP/2 200", [("content-type", "text/html; charset=utf-8")],
                            html("Snipe page", "The snipe drums."))))
    write("quirks.warc", b"".join(recs))


# ---- ArchiveTeam: .warc.zst ---------------------------------------------------
def zstd(data, dictionary=None):
    args = ["zstd", "-q", "-c", "-10"] + (["-D", dictionary] if dictionary else [])
    return subprocess.run(args, input=data, stdout=subprocess.PIPE, check=True).stdout


def dict_frame(d):
    return b"\x5d\x2a\x4d\x18" + struct.pack("<I", len(d)) + d


def archiveteam():
    recs = [record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", rid()),
                    ("WARC-Filename", "t.example-20230301-000000-00000.warc.zst"),
                    ("WARC-Date", "2023-03-01T00:00:00Z"),
                    ("Content-Type", "application/warc-fields")],
                   b"software: Wget/1.21.3-at.20230208.01\r\nformat: WARC File Format 1.1\r\n",
                   version="1.1")]
    pages = [("heron", "Heron page", "The grey heron waits by the river."),
             ("ibis", "Ibis page", "The sacred ibis walks the mud flats."),
             ("stork", "Stork page", "The white stork nests on the chimney.")]
    for i, (name, title, text) in enumerate(pages):
        url = "https://t.example/%s" % name
        date = "2023-03-01T00:00:0%dZ" % (i + 1)
        recs.append(record([("WARC-Type", "request"), ("WARC-Record-ID", rid()),
                            ("WARC-Target-URI", url), ("WARC-Date", date),
                            ("Content-Type", H_REQ)],
                           http("GET /%s HTTP/1.1" % name, [("Host", "t.example")], b""),
                           version="1.1"))
        recs.append(record([("WARC-Type", "response"), ("WARC-Record-ID", rid()),
                            ("WARC-Target-URI", url), ("WARC-Date", date),
                            ("Content-Type", H_MSG)],
                           http("HTTP/1.1 200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                html(title, text)), version="1.1"))
    # The dictionary, trained on records of the same kind, as wget-at does.
    with tempfile.TemporaryDirectory() as tmp:
        samples = []
        for i in range(60):
            path = os.path.join(tmp, "s%d" % i)
            with open(path, "wb") as f:
                f.write(recs[1 + i % (len(recs) - 1)].replace(b"00Z", b"%02dZ" % i))
            samples.append(path)
        d = os.path.join(tmp, "dict")
        subprocess.run(["zstd", "-q", "--train", "--maxdict=2048", "-o", d] + samples,
                       check=True, stderr=subprocess.DEVNULL)
        with open(d, "rb") as f:
            dictionary = f.read()
        frames = [zstd(r, d) for r in recs]
    os.makedirs(OUT + "/zstd", exist_ok=True)
    write("zstd/dict", dictionary)
    write("zstd/archiveteam.warc.zst", dict_frame(zstd(dictionary)) + b"".join(frames))
    write("zstd/rawdict.warc.zst", dict_frame(dictionary) + b"".join(frames))
    write("zstd/frames.warc.zst", b"".join(zstd(r) for r in recs))
    write("zstd/stream.warc.zst", zstd(b"".join(recs)))
    # The second page's frame broken in its middle; the last cut short.
    f2 = frames[4]
    broken = frames[4][:len(f2) // 2] + bytes(b ^ 0x5a for b in f2[len(f2) // 2:])
    write("zstd/broken.warc.zst", dict_frame(zstd(dictionary)) + b"".join(frames[:4]) + broken +
          b"".join(frames[5:-1]) + frames[-1][:-9])
    # Loose pages compressed with zstd.
    write("zstd/swift.txt.zst", zstd(b"Swift page\n\nThe common swift sleeps on the wing.\n"))
    write("zstd/bad.txt.zst", zstd(b"Lost page\n\nNever read.\n")[:-6])


heritrix()
common_crawl()
warcio()
browsertrix()
quirks()
archiveteam()
