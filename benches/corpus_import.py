#!/usr/bin/env python3
"""Turn third-party schema-diff test files into one folder per case for benches/corpus.sh.

    benches/corpus_import.py sqldef OUT FILE.yml...   # sqldef's cmd/psqldef/tests*.yml
    benches/corpus_import.py migra OUT FIXTURES_DIR   # migra's tests/FIXTURES/<name>/{a,b}.sql

Each case becomes OUT/<source>/<file>/<case>/ with current.sql, desired.sql and source.txt
(repository, path, commit, case name, direction). sqldef cases are also written reversed
(<case>~reverse: desired as the current database, current as the desired one), as sqldef's
own runner checks both directions. A case this PostgreSQL 15 run cannot mean is not written
and is listed in OUT/skipped.tsv with why (sqldef's `user:` cases need its non-default
search_path user, `flavor:` ones another server, `min_version`/`max_version` exclude 15).

The corpus is third-party data: keep OUT outside the repository (docs/corpus.md).
A file's source is read from a first line `# <owner/repo> <path> @ <commit> ...`, else from
--repo/--commit and the file's own path. Needs nothing but Python 3 (a YAML subset reader
below: the test files are a mapping of case name to a mapping of scalars and `|` blocks).
"""
import argparse
import os
import re
import sys

PG_MAJOR = 15


def parse_yaml_subset(text):
    """Top-level `Name:` keys, each a mapping of `key: scalar` or `key: |` block scalars."""
    cases, name, key, block, indent = {}, None, None, None, None
    lines = text.split("\n")

    def flush():
        nonlocal block
        if block is not None:
            body = "\n".join(block).rstrip("\n")
            cases[name][key] = body + "\n" if body else ""
            block = None

    for raw in lines:
        if block is not None:
            if raw.strip() == "":
                block.append("")
                continue
            ind = len(raw) - len(raw.lstrip(" "))
            if indent is None:
                indent = ind
            if ind >= indent:
                block.append(raw[indent:])
                continue
            flush()
        if raw.strip() == "" or raw.lstrip().startswith("#"):
            continue
        if not raw.startswith(" "):
            m = re.match(r"^([^:#]+):\s*$", raw)
            if not m:
                raise ValueError(f"unexpected top-level line: {raw!r}")
            name = m.group(1).strip()
            cases[name] = {}
            continue
        m = re.match(r"^\s+([A-Za-z_]+):\s*(.*)$", raw)
        if not m or name is None:
            raise ValueError(f"unexpected line: {raw!r}")
        key, value = m.group(1), m.group(2)
        if value in ("|", "|-", "|+", ">"):
            block, indent = [], None
            continue
        value = re.sub(r"\s+#.*$", "", value)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        cases[name][key] = value
    flush()
    return cases


def load_yaml(text):
    try:
        import yaml  # noqa: F401  (used when present: the real parser)

        data = yaml.safe_load(text)
        return {k: {kk: ("" if vv is None else vv) for kk, vv in (v or {}).items()} for k, v in data.items()}
    except ImportError:
        return parse_yaml_subset(text)


def source_of(path, text, repo, commit):
    first = text.split("\n", 1)[0]
    m = re.match(r"^#\s*(\S+/\S+)\s+(\S+)\s+@\s+([0-9a-f]{7,40})(.*)$", first)
    if m:
        return m.group(1), m.group(2), m.group(3), m.group(4).strip(" ,")
    return repo, os.path.basename(path), commit, ""


def why_skipped(case):
    if case.get("user"):
        return f"user: {case['user']} (sqldef's non-default search_path user)"
    if case.get("flavor"):
        return f"flavor: {case['flavor']}"
    v = str(case.get("min_version", "")).strip()
    if v and float(v.split(".")[0]) > PG_MAJOR:
        return f"min_version: {v}"
    v = str(case.get("max_version", "")).strip()
    if v and float(v.split(".")[0]) < PG_MAJOR:
        return f"max_version: {v}"
    return None


def write_case(out, rel, current, desired, source_lines):
    d = os.path.join(out, rel)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "current.sql"), "w") as f:
        f.write(current)
    with open(os.path.join(d, "desired.sql"), "w") as f:
        f.write(desired)
    with open(os.path.join(d, "source.txt"), "w") as f:
        f.write("\n".join(source_lines) + "\n")


def import_sqldef(args, skipped):
    n = 0
    for path in args.inputs:
        text = open(path).read()
        repo, rpath, commit, note = source_of(path, text, args.repo or "sqldef/sqldef", args.commit or "unknown")
        stem = os.path.splitext(os.path.basename(rpath))[0]
        for name, case in load_yaml(text).items():
            why = why_skipped(case)
            if why:
                skipped.append((f"sqldef/{stem}/{name}", why))
                continue
            cur, des = str(case.get("current", "") or ""), str(case.get("desired", "") or "")
            base = [f"repo: {repo}", f"path: {rpath}", f"commit: {commit}", f"case: {name}"]
            if note:
                base.append(f"note: {note}")
            extra = [f"{k}: {case[k]}" for k in ("enable_drop", "error", "config", "offline") if k in case]
            write_case(args.out, f"sqldef/{stem}/{name}", cur, des, base + ["direction: forward"] + extra)
            write_case(args.out, f"sqldef/{stem}/{name}~reverse", des, cur, base + ["direction: reverse"] + extra)
            n += 2
    return n


def import_migra(args, skipped):
    n = 0
    for root in args.inputs:
        for name in sorted(os.listdir(root)):
            d = os.path.join(root, name)
            a, b = os.path.join(d, "a.sql"), os.path.join(d, "b.sql")
            if not (os.path.isfile(a) and os.path.isfile(b)):
                continue
            base = [f"repo: {args.repo or 'djrobstep/migra'}", f"path: tests/FIXTURES/{name}", f"commit: {args.commit or 'unknown'}", f"case: {name}"]
            write_case(args.out, f"migra/{name}", open(a).read(), open(b).read(), base + ["direction: forward"])
            n += 1
    return n


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("kind", choices=["sqldef", "migra"])
    p.add_argument("out")
    p.add_argument("inputs", nargs="+")
    p.add_argument("--repo")
    p.add_argument("--commit")
    args = p.parse_args()
    skipped = []
    n = import_sqldef(args, skipped) if args.kind == "sqldef" else import_migra(args, skipped)
    with open(os.path.join(args.out, "skipped.tsv"), "a") as f:
        for case, why in skipped:
            f.write(f"{case}\t{why}\n")
    print(f"{n} cases written to {args.out}; {len(skipped)} skipped (listed in {args.out}/skipped.tsv)", file=sys.stderr)


if __name__ == "__main__":
    main()
