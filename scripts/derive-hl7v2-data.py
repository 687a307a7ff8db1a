#!/usr/bin/env python3
"""Derive LienThong's HL7 v2 definition files from hl7apy's bundled HL7 v2 data.

Set-up (this script installs nothing itself):

    python3 -m venv /tmp/hl7apy-venv && /tmp/hl7apy-venv/bin/pip install hl7apy
    /tmp/hl7apy-venv/bin/python scripts/derive-hl7v2-data.py

Written and checked against hl7apy 1.3.5 (a different hl7apy version prints a warning).
Versions written: 2.1 2.2 2.3 2.3.1 2.4 2.5 2.5.1 2.6 2.7 2.8 2.8.1 2.8.2. hl7apy has no
2.7.1, so no hl7v2-2.7.1.json exists; readers should fall back to 2.7 for 2.7.1 messages.
Options: --out DIR (default Sources/HL7v2/Resources next to this script's repo),
--versions 2.5,2.5.1 (default: all), --quiet.

Inputs: hl7apy.v2_x.{MESSAGES,GROUPS,SEGMENTS,FIELDS,DATATYPES_STRUCTS,TABLES} and the
hand-maintained scripts/hl7v2-tables.json (table values hl7apy lacks, and the
trigger-event -> message-structure mapping, which hl7apy does not have at all).

Output: one minified JSON file per version, Sources/HL7v2/Resources/hl7v2-<version>.json
(sorted keys, no whitespace, trailing newline; same input => byte-identical output):

    {
      "version": "2.5",
      "messages": { "ADT_A01": [<element>, ...] },      every structure hl7apy knows
      "events":   { "ADT^A04": "ADT_A01", ... },        TYPE^EVENT -> structure id
      "segments": { "PID": [<field>, ...] },            index 0 = PID-1; MSH: 0 = MSH-1, 1 = MSH-2
      "datatypes": { "CX": [<component>, ...] },        composite types only; primitives absent
      "tables":   { "0001": ["A","F","M","N","O","U"] } code lists, codes sorted
    }
    <element>   := {"s":"PID","min":1,"max":1}                       segment reference
                 | {"g":"PROCEDURE","min":0,"max":-1,"c":[<element>,...]}   group
                   (+ "choice":true when hl7apy marks the group as a choice: exactly one
                   of the children occurs; the children's own min/max are then moot)
    <field>     := {"n":"PATIENT_IDENTIFIER_LIST","t":"CX","min":1,"max":-1,"tbl":"0001"}
    <component> := {"n":"IDENTIFIER_TYPE_CODE","t":"ID","tbl":"0203"}

Conventions:
  * max -1 = unbounded; other max values are real bounds (2.6+ has e.g. max 3, 200).
    min 0 / max 0 = withdrawn field (hl7apy 2.5.1+ encodes "W" that way). Where hl7apy
    leaves a withdrawn field out of a segment altogether (2.6+: DG1-7..14, PR1-11/12,
    EVN-1 in 2.8, ...) the position is kept with {"n":"","t":"WD","min":0,"max":0}, so
    array index + 1 is always the field number. Same for components: hl7apy 2.6 XTN
    starts at XTN.2; XTN.1 is taken from 2.5.1 (Telephone Number, ST).
  * "tbl" is omitted when there is no table; "len" is never written: hl7apy has no lengths.
  * "n" is hl7apy's long name (upper snake case, e.g. SET_ID_PID), not the prose name.
  * "t" is the HL7 data type id. Special values: "varies" (OBX-5 and similar; type given
    at run time, e.g. by OBX-2), "" (hl7apy has no type: reserved/withdrawn field), "WD"
    (withdrawn; hl7apy 2.6 spells some "wd", normalised here).
  * Group names lose their structure prefix: ADT_A01_PROCEDURE -> PROCEDURE.
  * {"s":"ANYHL7SEGMENT"} is hl7apy's wildcard "any segment" and is not in "segments".
  * "events": every structure id of the form TYPE_EVENT maps itself (ADT^A01 -> ADT_A01);
    then the rules in hl7v2-tables.json add the events that share a structure
    (ADT^A04 -> ADT_A01, ...) where hl7apy has the target structure. Bare ids without an
    event (ACK, QRY) and wildcard ids (QBP_Qnn, MFN_Znn, ...) get no TYPE^EVENT key.
  * "tables": every table hl7apy has for the version (2.3.1+), whitespace-trimmed, deduped,
    with obvious junk dropped; for versions where hl7apy has none (2.1-2.3) the tables of
    hl7v2-tables.json, and 0003 (events) / 0076 (message types) derived from "events".
  * Component tables: hl7apy has component-level table refs only in 2.5/2.5.1 (a few in
    2.2-2.4, none in 2.6+). Every other version gets 2.5.1's ref for a component lacking one
    when data type id, position, component name and component type all match.
"""

import argparse
import importlib
import json
import os
import re
import sys

ALL_VERSIONS = ["2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1",
                "2.6", "2.7", "2.8", "2.8.1", "2.8.2"]
# Versions LienThong asks for that hl7apy does not ship.
NOT_IN_HL7APY = ["2.7.1"]
TESTED_HL7APY = "1.3.5"
KEY_TABLES = ["0001", "0003", "0004", "0076", "0085", "0203"]
ANY_SEGMENT = "ANYHL7SEGMENT"
# Placeholder for a field position hl7apy leaves out (always a withdrawn field).
GAP = {"n": "", "t": "WD", "min": 0, "max": 0}
# hl7apy table keys that are typos: 2.5 has "HL7025" for table 0250 (Relatedness Assessment).
TABLE_KEY_FIXES = {"HL7025": "0250"}
# The one version whose hl7apy data has (nearly) complete component-level table refs.
COMPONENT_TABLE_SOURCE = "2.5.1"

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def vkey(version):
    return tuple(int(p) for p in version.split("."))


def in_range(version, lo, hi):
    return vkey(lo) <= vkey(version) and (hi is None or vkey(version) <= vkey(hi))


def load_hl7apy(version):
    return importlib.import_module("hl7apy.v" + version.replace(".", "_"))


class Log:
    def __init__(self, quiet):
        self.quiet = quiet
        self.notes = []

    def note(self, version, msg):
        self.notes.append((version, msg))
        if not self.quiet:
            print("  [%s] %s" % (version, msg))


# ---------------------------------------------------------------- structure walking

def children_of(ref):
    """hl7apy refs are ('sequence'|'choice', (child, ...)). Quirks: 2.7+ withdrawn
    segments are ('sequence',) with no children; 2.1 ORO lacks the kind wrapper."""
    if not ref:
        return "sequence", ()
    if isinstance(ref[0], str):
        return ref[0], (ref[1] if len(ref) > 1 else ())
    return "sequence", ref


def table_id(raw):
    if raw is None:
        return None
    m = re.fullmatch(r"HL7(\d{4})", raw)
    return m.group(1) if m else False


def norm_type(t):
    if t is None:
        return ""
    if t == "wd":
        return "WD"
    return t


def strip_group(name, structure):
    prefix = structure.upper() + "_"
    if name.upper().startswith(prefix):
        return name[len(prefix):], True
    return name, False


def convert_elements(children, structure, log, version, seen_segments):
    out = []
    for child in children:
        name, ref, (mn, mx), kind = child[0], child[1], child[2], child[3]
        if kind == "SEG":
            seen_segments.add(name)
            out.append({"s": name, "min": mn, "max": mx})
        elif kind == "GRP":
            gkind, gchildren = children_of(ref)
            gname, ok = strip_group(name, structure)
            if not ok:
                log.note(version, "group %s in %s lacks the structure prefix; kept as is"
                         % (name, structure))
            el = {"g": gname, "min": mn, "max": mx,
                  "c": convert_elements(gchildren, structure, log, version, seen_segments)}
            if gkind == "choice":
                el["choice"] = True
            out.append(el)
        else:
            raise ValueError("unexpected child kind %r in %s" % (kind, structure))
    return out


def convert_segments(mod, log, version):
    segs = {}
    for seg_id, ref in mod.SEGMENTS.items():
        if seg_id == ANY_SEGMENT:
            continue
        kind, fields = children_of(ref)
        if kind != "sequence":
            log.note(version, "segment %s has kind %s" % (seg_id, kind))
        out = []
        for f in fields:
            fname, fref, (mn, mx) = f[0], f[1], f[2]
            m = re.fullmatch(re.escape(seg_id) + r"_(\d+)", fname)
            if not m or int(m.group(1)) <= len(out):
                raise ValueError("%s: unexpected field %s in segment %s" % (version, fname, seg_id))
            pos = int(m.group(1))
            if pos > len(out) + 1:
                # hl7apy (2.6+) silently leaves out some withdrawn fields, which would shift
                # every later field; keep positions by writing a withdrawn placeholder.
                log.note(version, "segment %s: hl7apy skips %s-%s; written as withdrawn gap"
                         % (seg_id, seg_id, "%d..%d" % (len(out) + 1, pos - 1)
                            if pos - 1 > len(out) + 1 else len(out) + 1))
                while len(out) < pos - 1:
                    out.append(dict(GAP))
            if len(fref) != 6:  # hl7apy 2.1 RX1_30 has a stray extra item
                log.note(version, "field %s: malformed hl7apy tuple %r" % (fname, fref))
            ftype, long_name, tbl = fref[2], fref[-3], fref[-2]
            el = {"n": long_name, "t": norm_type(ftype), "min": mn, "max": mx}
            tid = table_id(tbl)
            if tid:
                el["tbl"] = tid
            elif tid is False:
                log.note(version, "field %s: table ref %r is not HL7nnnn; dropped" % (fname, tbl))
            out.append(el)
        segs[seg_id] = out
    return segs


def convert_datatypes(mod, log, version, donor):
    dts = {}
    for dt_id, comps in mod.DATATYPES_STRUCTS.items():
        out = []
        for c in comps:
            cref = c[1]
            m = re.fullmatch(r".*_(\d+)", c[0])
            if not m or int(m.group(1)) <= len(out):
                raise ValueError("%s: unexpected component %s in %s" % (version, c[0], dt_id))
            pos = int(m.group(1))
            while len(out) < pos - 1:
                # hl7apy 2.6 XTN starts at XTN_2; keep positions. Take the component from
                # the previous version if it has one there, else an unknown placeholder.
                old = (donor or {}).get(dt_id, [])
                i = len(out)
                gap = dict(old[i]) if i < len(old) else {"n": "", "t": ""}
                log.note(version, "datatype %s: hl7apy skips component %d; filled with %s"
                         % (dt_id, i + 1, gap))
                out.append(gap)
            el = {"n": cref[3], "t": norm_type(cref[2])}
            tid = table_id(cref[4])
            if tid:
                el["tbl"] = tid
            elif tid is False:
                log.note(version, "component %s: table ref %r dropped" % (c[0], cref[4]))
            out.append(el)
        dts[dt_id] = out
    return dts


def backfill_component_tables(dts, source, log, version):
    """hl7apy has component-level table refs only in 2.5 and 2.5.1 (a handful in 2.2-2.4,
    none in 2.6+). Add the 2.5.1 ref to a component that has none when data type id,
    position, component name and component type are all the same. Never overrides."""
    if source is None:
        return
    copied = 0
    for dt_id, comps in dts.items():
        src = source.get(dt_id)
        if not src:
            continue
        for i, c in enumerate(comps):
            if ("tbl" not in c and i < len(src) and "tbl" in src[i]
                    and src[i]["n"] == c["n"] and src[i]["t"] == c["t"]):
                c["tbl"] = src[i]["tbl"]
                copied += 1
    if copied:
        log.note(version, "%d component table refs added from %s" % (copied, COMPONENT_TABLE_SOURCE))


# ---------------------------------------------------------------- tables

JUNK = re.compile(r"\.\.\.|^An [Ii]dentifier for")


def clean_codes(table, values, log, version):
    if isinstance(values, str):  # hl7apy 2.5 HL70423 is a bare string, not a tuple
        values = (values,)
    out = set()
    for v in values:
        c = v.replace("\xa0", " ").strip()
        if not c:
            continue
        if JUNK.search(c) or (table == "0203" and " " in c):
            log.note(version, "table %s: dropped junk value %r" % (table, v))
            continue
        out.add(c)
    return sorted(out)


def hand_codes(spec, version):
    codes = set()
    for v, s in spec.get("introduced", {}).items():
        if vkey(v) <= vkey(version):
            codes.update(s.split())
    for v, s in spec.get("removed", {}).items():
        if vkey(v) <= vkey(version):
            codes.difference_update(s.split())
    return sorted(codes)


# ---------------------------------------------------------------- events

BARE = re.compile(r"^([A-Z0-9]{3})_([A-Z0-9]{3})$")


def build_events(messages, rules, version, log):
    events = {}
    for sid in messages:
        m = BARE.match(sid)
        if m:
            events["%s^%s" % m.groups()] = sid
    added, same = 0, []
    for lo, hi, target, evs in rules:
        if not in_range(version, lo, hi):
            continue
        if target not in messages:
            log.note(version, "rule target %s not in hl7apy; skipped %s" % (target, evs))
            continue
        for ev in evs.split():
            if ev in events:
                if events[ev] != target:
                    if messages[events[ev]] == messages[target]:
                        same.append(ev)
                    else:
                        log.note(version, "%s: hl7apy's own %s kept over rule target %s, "
                                 "and their definitions DIFFER" % (ev, events[ev], target))
                continue
            events[ev] = target
            added += 1
    if same:
        log.note(version, "hl7apy's own structure kept over the 0354 rule for %s "
                 "(identical definitions)" % " ".join(same))
    return events, added


# ---------------------------------------------------------------- main build

def build_version(version, hand, donor_dts, source_dts, log):
    mod = load_hl7apy(version)
    seen_segments = set()
    messages = {}
    for sid, ref in mod.MESSAGES.items():
        kind, children = children_of(ref)
        if kind != "sequence":
            log.note(version, "message %s has kind %s" % (sid, kind))
        messages[sid] = convert_elements(children, sid, log, version, seen_segments)
    segments = convert_segments(mod, log, version)
    missing = sorted(s for s in seen_segments if s not in segments and s != ANY_SEGMENT)
    if missing:
        log.note(version, "segments used in messages but not defined: %s" % missing)
    datatypes = convert_datatypes(mod, log, version, donor_dts)
    if version != COMPONENT_TABLE_SOURCE:
        backfill_component_tables(datatypes, source_dts, log, version)

    events, added = build_events(messages, hand["eventStructures"], version, log)

    tables = {}
    hl7apy_tables = getattr(mod, "TABLES", {}) or {}
    for key, (_desc, values) in hl7apy_tables.items():
        tid = table_id(key) or TABLE_KEY_FIXES.get(key)
        if key in TABLE_KEY_FIXES:
            log.note(version, "table key %r read as %s" % (key, tid))
        if not tid:
            log.note(version, "table key %r ignored" % key)
            continue
        codes = clean_codes(tid, values, log, version)
        if codes:
            tables[tid] = codes
    for tid, spec in hand["tables"].items():
        codes = hand_codes(spec, version)
        if tid in tables:
            if codes and set(codes) != set(tables[tid]):
                log.note(version, "table %s: hand list differs from hl7apy (hl7apy kept): "
                         "only hand %s, only hl7apy %s"
                         % (tid, sorted(set(codes) - set(tables[tid])),
                            sorted(set(tables[tid]) - set(codes))))
        elif codes:
            tables[tid] = codes
    if "0003" not in tables:
        tables["0003"] = sorted({k.split("^")[1] for k in events})
    if "0076" not in tables:
        tables["0076"] = sorted({k.split("^")[0] for k in events} |
                                {sid.split("_")[0] for sid in messages})
    unknown_ev = sorted({k.split("^")[1] for k in events} - set(tables["0003"]))
    if unknown_ev:
        log.note(version, "events not in table 0003: %s" % unknown_ev)

    doc = {"version": version, "messages": messages, "events": events,
           "segments": segments, "datatypes": datatypes, "tables": tables}
    stats = {"messages": len(messages), "events": len(events), "rule_events": added,
             "segments": len(segments), "datatypes": len(datatypes), "tables": len(tables)}
    return doc, stats


def dump(doc):
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- checks

REQUIRED = (["ADT^A%02d" % i for i in range(1, 14)] + ["ADT^A28", "ADT^A31", "ADT^A40"])
REQUIRED_STRUCTS = ["ORU_R01", "ORM_O01", "OML_O21", "RDE_O11", "SIU_S12", "VXU_V04",
                    "MDM_T02", "DFT_P03", "BAR_P01", "ACK"]
REQUIRED_SIU = ["SIU^S12", "SIU^S13", "SIU^S14", "SIU^S15"]


def coverage(doc):
    """Return the list of required things this version lacks."""
    lack = []
    for ev in REQUIRED + REQUIRED_SIU:
        if ev not in doc["events"]:
            lack.append(ev)
    for s in REQUIRED_STRUCTS:
        if s not in doc["messages"]:
            lack.append(s)
    return lack


def field(doc, seg, n):
    return doc["segments"][seg][n - 1]


def print_facts(docs):
    d = docs.get("2.5")
    if d:
        print("\nFacts (2.5):")
        print("  ADT_A01 starts:", ", ".join(
            ("[%s]" if e["min"] == 0 else "%s") % e.get("s", e.get("g")) for e in d["messages"]["ADT_A01"][:6]))
        print("  PID-3:", field(d, "PID", 3))
        msh9 = field(d, "MSH", 9)
        print("  MSH-1:", field(d, "MSH", 1), " MSH-2:", field(d, "MSH", 2))
        print("  MSH-9:", msh9, "components:", d["datatypes"][msh9["t"]])
        print("  OBX-11:", field(d, "OBX", 11))
        print("  PV1-2:", field(d, "PV1", 2))
        print("  PID-8:", field(d, "PID", 8))
        print("  CX.5:", d["datatypes"]["CX"][4])
        print("  events ADT^A04 -> %s, ADT^A40 -> %s, SIU^S13 -> %s" % (
            d["events"].get("ADT^A04"), d["events"].get("ADT^A40"), d["events"].get("SIU^S13")))
        for t in KEY_TABLES:
            print("  table %s: %d codes%s" % (t, len(d["tables"].get(t, [])),
                                              (": " + " ".join(d["tables"][t])) if t in ("0001", "0004", "0085") else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(REPO, "Sources", "HL7v2", "Resources"))
    ap.add_argument("--versions", default=",".join(ALL_VERSIONS))
    ap.add_argument("--hand", default=os.path.join(HERE, "hl7v2-tables.json"))
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()

    try:
        import hl7apy
    except ImportError:
        sys.exit("hl7apy is not importable. Run:\n  python3 -m venv /tmp/hl7apy-venv && "
                 "/tmp/hl7apy-venv/bin/pip install hl7apy\nthen run this script with "
                 "/tmp/hl7apy-venv/bin/python")
    try:
        from importlib.metadata import version as dist_version
        hv = dist_version("hl7apy")
    except Exception:  # pragma: no cover
        hv = getattr(hl7apy, "__version__", "?")
    if hv != TESTED_HL7APY:
        print("WARNING: hl7apy %s; this script was checked against %s" % (hv, TESTED_HL7APY))

    with open(args.hand, encoding="utf-8") as fh:
        hand = json.load(fh)
    versions = sorted(args.versions.split(","), key=vkey)
    for v in versions:
        if v not in ALL_VERSIONS:
            sys.exit("unknown or unsupported version %s (hl7apy ships %s; %s are not in hl7apy)"
                     % (v, ", ".join(ALL_VERSIONS), ", ".join(NOT_IN_HL7APY)))
    os.makedirs(args.out, exist_ok=True)
    log = Log(args.quiet)
    docs, donor = {}, None
    source = convert_datatypes(load_hl7apy(COMPONENT_TABLE_SOURCE), Log(True),
                               COMPONENT_TABLE_SOURCE, None)
    # gaps are filled from the previous version, so build every version up to the last one
    for v in ALL_VERSIONS:
        if vkey(v) > vkey(versions[-1]):
            break
        doc, stats = build_version(v, hand, donor, source, log)
        donor = doc["datatypes"]
        if v not in versions:
            continue
        docs[v] = doc
        text = dump(doc)
        path = os.path.join(args.out, "hl7v2-%s.json" % v)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        print("wrote %s  %7.1f KiB  %s" % (os.path.relpath(path, REPO), len(text.encode()) / 1024,
                                           " ".join("%s=%d" % kv for kv in stats.items())))
    print_facts(docs)
    print("\nCoverage of required structures/events:")
    for v in versions:
        lack = coverage(docs[v])
        print("  %-6s %s" % (v, ("missing " + " ".join(lack)) if lack else "all present"))
    print("  %-6s not shipped by hl7apy: no file written" % ", ".join(NOT_IN_HL7APY))


if __name__ == "__main__":
    main()
