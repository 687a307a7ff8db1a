#!/usr/bin/env python3
"""Time the Python HL7 v2 parsers on an ER7 file made by make-input.py.

  python-hl7 : hl7.parse(msg) per message (builds the whole Message/Segment/
               Field/Repetition/Component tree eagerly).
  hl7apy     : hl7apy.parser.parse_message(msg, find_groups=False,
               validation_level=TOLERANT) per message, on a prefix subset
               (hl7apy is slow); its rate is the rate on that subset.

Outside the timed region: reading the file, splitting it into messages (a new
message starts at every "MSH" that follows a CR) and decoding each message from
UTF-8 to str (both libraries parse str). Inside: only the per-message parse
calls; the result of each parse is dropped right away, so freeing the tree is
timed too. A message whose parse raises counts as a failure, not fatal.
Each library is timed --repeat times in this process; the best run is reported.

Output: human-readable lines, plus one machine-readable line per library:
  RESULT impl=<name> bytes=<n> messages=<n> failures=<n> seconds=<best> runs=<s1,s2,..>
(bytes/messages are of the subset actually parsed).
"""

import argparse
import sys
import time

MB = 1_000_000


def split_messages(data):
    """Split CR-terminated concatenated messages at each segment start 'MSH'."""
    starts = [0] if data.startswith(b"MSH") else []
    pos = data.find(b"\rMSH")
    while pos != -1:
        starts.append(pos + 1)
        pos = data.find(b"\rMSH", pos + 1)
    if not starts:
        return []
    ends = starts[1:] + [len(data)]
    return [data[s:e] for s, e in zip(starts, ends)]


def prefix(msgs, max_bytes):
    """The longest prefix of whole messages whose size is <= max_bytes (at least one message)."""
    out, total = [], 0
    for m in msgs:
        if out and total + len(m) > max_bytes:
            break
        out.append(m)
        total += len(m)
    return out


def time_parser(name, parse, raw_msgs, repeat, show_errors):
    texts = [m.decode("utf-8") for m in raw_msgs]
    nbytes = sum(len(m) for m in raw_msgs)
    runs = []
    failures = 0
    errors = {}
    for _ in range(repeat):
        failures = 0
        t0 = time.perf_counter()
        for t in texts:
            try:
                parse(t)
            except Exception as e:  # counted, not fatal
                failures += 1
                if show_errors:
                    key = "%s: %s" % (type(e).__name__, str(e)[:120])
                    errors[key] = errors.get(key, 0) + 1
        runs.append(time.perf_counter() - t0)
    best = min(runs)
    print("%-10s %10d bytes %7d messages %5d failures  best %.3f s  %8.3f MB/s  %10.1f msgs/s"
          % (name, nbytes, len(texts), failures, best, nbytes / best / MB, len(texts) / best))
    for key, n in sorted(errors.items(), key=lambda kv: -kv[1])[:10]:
        print("    %6d x %s" % (n, key))
    print("RESULT impl=%s bytes=%d messages=%d failures=%d seconds=%.6f runs=%s"
          % (name, nbytes, len(texts), failures, best, ",".join("%.6f" % r for r in runs)))
    sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", help="ER7 file from make-input.py")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per library, best is kept (default 3)")
    ap.add_argument("--hl7-mb", type=float, default=0,
                    help="python-hl7 on the first N MB only (default 0 = the whole file)")
    ap.add_argument("--hl7apy-mb", type=float, default=3.0,
                    help="hl7apy on the first N MB only (default 3; 0 = the whole file)")
    ap.add_argument("--only", choices=["python-hl7", "hl7apy"], help="time one library only")
    ap.add_argument("--show-errors", action="store_true", help="print the most common failure messages")
    args = ap.parse_args()

    with open(args.input, "rb") as f:
        data = f.read()
    msgs = split_messages(data)
    print("input: %s: %d bytes, %d messages" % (args.input, len(data), len(msgs)))
    if not msgs:
        sys.exit("peers.py: no messages found in %s" % args.input)

    if args.only in (None, "python-hl7"):
        import hl7
        subset = prefix(msgs, args.hl7_mb * MB) if args.hl7_mb > 0 else msgs
        time_parser("python-hl7", hl7.parse, subset, args.repeat, args.show_errors)

    if args.only in (None, "hl7apy"):
        from hl7apy.consts import VALIDATION_LEVEL
        from hl7apy.parser import parse_message

        def parse_hl7apy(text):
            return parse_message(text, validation_level=VALIDATION_LEVEL.TOLERANT, find_groups=False)

        subset = prefix(msgs, args.hl7apy_mb * MB) if args.hl7apy_mb > 0 else msgs
        time_parser("hl7apy", parse_hl7apy, subset, args.repeat, args.show_errors)


if __name__ == "__main__":
    main()
