#!/usr/bin/env python3
"""Write the seeds of fuzz_warc: small web archives, good and bad.

    tests/fuzz/make_warc_seeds.py tests/fuzz/seeds/fuzz_warc

Each seed is one byte for the target (how it reads; see fuzz_warc.c), then
an archive made here: no archive from elsewhere is copied."""
import gzip
import os
import struct
import subprocess
import sys
import tempfile
import zlib

HTML = (b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        b'<meta property="article:published_time" content="2015-03-02T10:00:00Z">'
        b"<title>Seed page</title></head><body><h1>Seed</h1><p>caf\xc3\xa9 text</p></body></html>")


def record(rtype, url, block, ctype="application/http; msgtype=response", version=b"1.0",
           length=None):
    head = (b"WARC/" + version + b"\r\nWARC-Type: " + rtype + b"\r\nWARC-Target-URI: " + url +
            b"\r\nWARC-Date: 2020-01-02T03:04:05Z\r\nContent-Type: " + ctype.encode() +
            b"\r\nContent-Length: " + str(len(block) if length is None else length).encode() +
            b"\r\n\r\n")
    return head + block + b"\r\n\r\n"


def http(body, headers=b"Content-Type: text/html; charset=utf-8\r\n", status=b"200 OK"):
    return b"HTTP/1.1 " + status + b"\r\n" + headers + b"\r\n" + body


def chunked(body, size=16):
    out = b""
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def members(*records):
    return b"".join(gzip.compress(r, mtime=0) for r in records)


def zstd(data, dictionary=None):
    """zstd frames made by Debian's zstd command, with a dictionary of raw
    content (any bytes) when one is given."""
    with tempfile.NamedTemporaryFile() as d:
        args = ["zstd", "-q", "-c"]
        if dictionary is not None:
            d.write(dictionary)
            d.flush()
            args += ["-D", d.name]
        return subprocess.run(args, input=data, stdout=subprocess.PIPE, check=True).stdout


def main(out):
    os.makedirs(out, exist_ok=True)
    info = record(b"warcinfo", b"", b"software: seed\r\n", "application/warc-fields")
    page = record(b"response", b"http://a.example/", http(HTML))
    req = record(b"request", b"http://a.example/", b"GET / HTTP/1.1\r\n\r\n",
                 "application/http; msgtype=request")
    deflated = zlib.compress(HTML)
    seeds = {
        "plain.warc": b"\x00" + info + page + req,
        "members.warc.gz": b"\x05" + members(info, page, req),
        "stream.warc.gz": b"\x40" + gzip.compress(info + page + req, mtime=0),
        "chunked_gzip.warc": b"\x00" + record(b"response", b"http://c.example/", http(
            chunked(gzip.compress(HTML, mtime=0)),
            b"Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n")),
        "lying_encodings.warc": b"\x00" + record(b"response", b"http://l.example/", http(
            HTML, b"Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n"
                  b"Content-Encoding: gzip\r\n")),
        "deflate_br.warc": b"\x00" + record(b"response", b"http://d.example/", http(
            deflated, b"Content-Type: text/html\r\nContent-Encoding: deflate\r\n")) +
            record(b"response", b"http://b.example/", http(
                HTML, b"Content-Type: text/html\r\nContent-Encoding: br\r\n")),
        "resource_conversion_0_17.warc": b"\x01" + record(
            b"resource", b"http://r.example/", HTML, "text/html") +
            record(b"conversion", b"http://w.example/", b"WET text\n", "text/plain") +
            record(b"response", b"http://o.example/", http(b"old"), version=b"0.17"),
        "wrong_length.warc": b"\x00" + page + record(
            b"response", b"http://x.example/", http(HTML), length=20) + page,
        "truncated_member.warc.gz": b"\x00" + members(page)[:-30] + members(page),
        "not_a_warc.warc": b"\x00<html>not an archive</html>\n" + page,
        "404_and_image.warc": b"\x00" + record(b"response", b"http://e.example/", http(
            b"gone", status=b"404 Not Found")) + record(b"response", b"http://i.example/", http(
                b"GIF89a", b"Content-Type: image/gif\r\n")),
        "revisit.warc": b"\x00" + record(b"revisit", b"http://a.example/", http(b"")),
        "example.arc": b"\x00" + b"filedesc://seed.arc 0.0.0.0 20080430204825 text/plain 4\nabc\n\n"
                       b"http://a.example/ 1.2.3.4 20080430204826 text/html " +
                       str(len(http(HTML))).encode() + b"\n" + http(HTML) + b"\n",
        "long_header_line.warc": b"\x00" + b"WARC/1.0\r\nX: " + b"x" * 70000 + b"\r\n\r\n" + page,
        # What other crawlers write: a record right after the block before
        # it, an interim 100 Continue, an untyped response, a urn: resource,
        # an odd charset parameter, lines ending in LF alone.
        "joined_continue_urn.warc": b"\x00" + page[:-4] + record(
            b"response", b"http://c.example/", b"HTTP/1.1 100 Continue\r\n\r\n" + http(
                HTML, b"Server: x\r\n")) + record(
            b"resource", b"urn:text:http://a.example/", b"text", "text/plain") + record(
            b"response", b"http://q.example/", http(
                HTML, b'Content-Type: text/html ; charset = "ISO-8859-1\r\n')),
        "lf_only.warc": b"\x00" + page.replace(b"\r\n", b"\n"),
    }
    seeds["example.arc.gz"] = b"\x00" + gzip.compress(seeds["example.arc"][1:], mtime=0)
    # zstd: a dictionary first (compressed) and a frame a record, as
    # ArchiveTeam's .warc.zst; one stream; a frame broken in the middle.
    dictionary = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: text/html\r\n" * 4
    packed = zstd(dictionary)
    frames = [zstd(r, dictionary) for r in (info, page, req)]
    seeds["dict_frames.warc.zst"] = (b"\x05" + b"\x5d\x2a\x4d\x18" +
                                     struct.pack("<I", len(packed)) + packed + b"".join(frames))
    seeds["stream.warc.zst"] = b"\x00" + zstd(info + page + req)
    broken = bytearray(frames[1])
    broken[len(broken) // 2] ^= 0xff
    # Frames made with a trained dictionary (its id in each frame) that the
    # file does not hold.
    with tempfile.TemporaryDirectory() as tmp:
        names = []
        for i in range(40):
            names.append(os.path.join(tmp, "s%d" % i))
            with open(names[-1], "wb") as f:
                f.write(page.replace(b"a.example", b"a%d.example" % i))
        subprocess.run(["zstd", "-q", "--train", "--maxdict=1024", "-o", tmp + "/dict"] + names,
                       check=True, stderr=subprocess.DEVNULL)
        with open(tmp + "/dict", "rb") as f:
            trained = f.read()
    seeds["needs_dict.warc.zst"] = b"\x00" + b"".join(zstd(r, trained) for r in (page, req))
    seeds["broken_frame.warc.zst"] = (b"\x00" + b"\x5d\x2a\x4d\x18" +
                                      struct.pack("<I", len(dictionary)) + dictionary +
                                      frames[0] + bytes(broken) + frames[2])
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main(sys.argv[1])
