#!/usr/bin/env python3
"""Build a large ER7 (pipe-delimited HL7 v2) input file for the hl7-parse benchmark.

The file is made by repeating the well-formed messages of the shared corpus
(../shared/corpus/hl7v2 relative to the repo root) in a fixed round-robin order
until the target size is reached. The output is deterministic: same corpus, same
--mb, same bytes.

How a corpus file becomes messages:
  * a UTF-8 BOM at the start is stripped;
  * CRLF and LF are normalised to CR (the HL7 segment terminator);
  * empty segments are dropped, and so are batch/file envelope segments
    (FHS, BHS, BTS, FTS);
  * a new message starts at every segment whose id is MSH; anything before the
    first MSH is dropped;
  * every message is written as its segments joined by CR, plus a final CR, so
    messages in the output are separated only by that CR (an MLLP-less file).

Which messages are kept:
  * sources: microsoft-fhir-converter/input/*.hl7, hapi-hl7v2/parser/*,
    python-hl7/*.hl7, linuxforhealth-hl7v2-fhir-converter/*.hl7, hl7apy/*.hl7
    (hapi-hl7v2/util/messages.txt is not used: it has comment lines);
  * files that are malformed on purpose are skipped by name (EXCLUDED_FILES);
  * only messages with the standard delimiters, i.e. starting exactly with
    "MSH|^~\\&|", are kept, so every parser in the benchmark reads all of them
    (this drops python-hl7's nonstandard_separators, hl7apy's "MSH!$r?@!" and
    "^~\\&#" samples, and LinuxForHealth's "^~\\\\&" samples);
  * exact duplicates are kept once (python-hl7's batch/file samples repeat the
    same ADT^A04 message many times).

Side file: OUTPUT.count holds the number of messages written (one integer).

Usage:
  make-input.py [--mb 100] [--corpus DIR] [-o OUTPUT]
  make-input.py --mb 100 --print-size   # print the exact size/count it would write
  make-input.py --list                  # list the unique messages it uses
"""

import argparse
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "corpus", "hl7v2"))

# (glob pattern relative to the corpus dir), in this order.
SOURCES = [
    "microsoft-fhir-converter/input/*.hl7",
    "hapi-hl7v2/parser/*",
    "python-hl7/*.hl7",
    "linuxforhealth-hl7v2-fhir-converter/*.hl7",
    "hl7apy/*.hl7",
]

# Files that are malformed on purpose, or are not HL7 messages at all.
EXCLUDED_FILES = {
    # python-hl7: segment before MSH, two BHS, two FHS (see SOURCES.md)
    "python-hl7/sample_bad_batch.hl7",
    "python-hl7/sample_bad_batch1.hl7",
    "python-hl7/sample_bad_file.hl7",
    "python-hl7/sample_bad_file1.hl7",
    "python-hl7/sample_bad_file2.hl7",
    "python-hl7/sample_bad_file3.hl7",
    # hl7apy: the invalid variant (PID-3 components missing)
    "hl7apy/RSP_K21-v25-invalid-PID3-missing-components.hl7",
    # hapi: uuencoded payloads used by EscapeTest, no MSH in them
    "hapi-hl7v2/parser/uuencoded.txt",
    "hapi-hl7v2/parser/uuencoded_escaped.txt",
}

STANDARD_MSH_PREFIX = b"MSH|^~\\&|"
ENVELOPE_SEGMENTS = {b"FHS", b"BHS", b"BTS", b"FTS"}
BOM = b"\xef\xbb\xbf"
MB = 1_000_000  # the benchmark uses decimal MB everywhere


def split_messages(data):
    """Split one corpus file's bytes into a list of messages (bytes, CR-terminated)."""
    if data.startswith(BOM):
        data = data[len(BOM):]
    data = data.replace(b"\r\n", b"\r").replace(b"\n", b"\r")
    messages = []
    current = None
    for seg in data.split(b"\r"):
        if not seg.strip():
            continue
        seg_id = seg[:3]
        if seg_id in ENVELOPE_SEGMENTS:
            continue
        if seg_id == b"MSH":
            current = [seg]
            messages.append(current)
        elif current is not None:
            current.append(seg)
        # else: a segment before the first MSH: dropped
    return [b"\r".join(segs) + b"\r" for segs in messages]


def collect(corpus):
    """Return [(source_label, message_bytes)] of unique, kept messages, in a fixed order."""
    seen = set()
    kept = []
    skipped = []
    for pattern in SOURCES:
        for path in sorted(glob.glob(os.path.join(corpus, pattern))):
            rel = os.path.relpath(path, corpus).replace(os.sep, "/")
            if not os.path.isfile(path):
                continue
            if rel in EXCLUDED_FILES:
                skipped.append((rel, "excluded file (malformed / not HL7)"))
                continue
            with open(path, "rb") as f:
                msgs = split_messages(f.read())
            for i, msg in enumerate(msgs):
                label = "%s#%d" % (rel, i + 1)
                if not msg.startswith(STANDARD_MSH_PREFIX):
                    skipped.append((label, "delimiters other than |^~\\& : %r" % msg[3:9]))
                    continue
                if msg in seen:
                    continue
                seen.add(msg)
                kept.append((label, msg))
    return kept, skipped


def plan(kept, target_bytes):
    """How many messages (round-robin over kept) are needed to reach target_bytes."""
    sizes = [len(m) for _, m in kept]
    cycle = sum(sizes)
    full_cycles, rest = divmod(target_bytes, cycle)
    count = full_cycles * len(sizes)
    total = full_cycles * cycle
    i = 0
    while total < target_bytes:
        total += sizes[i]
        count += 1
        i += 1
    return count, total


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=100.0,
                    help="minimum output size in MB (10^6 bytes); default 100")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS, help="corpus dir (default: %(default)s)")
    ap.add_argument("-o", "--output", default="/tmp/lienthong-bench/hl7-parse-input.er7",
                    help="output file (default: %(default)s); OUTPUT.count gets the message count")
    ap.add_argument("--print-size", action="store_true",
                    help="only print '<bytes> <messages>' that would be written, write nothing")
    ap.add_argument("--list", action="store_true", help="only list the unique messages used and the skipped ones")
    args = ap.parse_args()

    if not os.path.isdir(args.corpus):
        sys.exit("make-input.py: corpus dir not found: %s" % args.corpus)
    kept, skipped = collect(args.corpus)
    if not kept:
        sys.exit("make-input.py: no usable messages found in %s" % args.corpus)
    target = int(args.mb * MB)
    count, total = plan(kept, target)

    if args.print_size:
        print(total, count)
        return
    if args.list:
        for label, msg in kept:
            print("keep\t%d\t%s" % (len(msg), label))
        for label, why in skipped:
            print("skip\t-\t%s\t%s" % (label, why))
        return

    out_dir = os.path.dirname(os.path.abspath(args.output))
    os.makedirs(out_dir, exist_ok=True)
    tmp = args.output + ".tmp"
    msgs = [m for _, m in kept]
    cycle = b"".join(msgs)
    written = 0
    n = 0
    with open(tmp, "wb") as f:
        full_cycles = count // len(msgs)
        for _ in range(full_cycles):
            f.write(cycle)
        written = full_cycles * len(cycle)
        n = full_cycles * len(msgs)
        i = 0
        while n < count:
            f.write(msgs[i])
            written += len(msgs[i])
            n += 1
            i += 1
    assert written == total and n == count
    os.replace(tmp, args.output)
    with open(args.output + ".count", "w") as f:
        f.write("%d\n" % count)
    print("make-input.py: wrote %s: %d bytes (%.1f MB), %d messages "
          "(%d unique messages, %d bytes per cycle; %d corpus messages skipped)"
          % (args.output, total, total / MB, count, len(kept), len(cycle), len(skipped)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
