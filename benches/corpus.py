#!/usr/bin/env python3
"""Run bmdb over a corpus of schema-diff cases and classify each (issue 12's acceptance run).

    benches/corpus.py CASES_DIR --url-base postgres://postgres@127.0.0.1:PORT --bmdb BIN --out DIR

benches/corpus.sh starts the PostgreSQL and calls this; see docs/corpus.md. A case is a
folder with current.sql and desired.sql (benches/corpus_import.py writes them). For each:

 1. create two databases from the case's SQL (psql, ON_ERROR_STOP): a failure is
    `not-runnable` (the case's own SQL does not run on this PostgreSQL);
 2. `bmdb inspect` the desired database into a project (its model);
 3. adopt the current database: `bmdb inspect` it into a second project and
    `apply --baseline 1` (nothing is run; the history records V1);
 4. put the desired model into that project (every file but migrations/ and the database
    name of regions.yaml), `plan --url` the current database (what the issue measures),
    `plan --url --write repair`, `apply --allow-destructive`;
 5. `bmdb drift` (exit 0 wanted: model, migrations, history and live schema agree), the next
    `plan --url --detailed-exitcode` (0 wanted: empty), and `pg_dump --schema-only` of both
    databases cut into objects at pg_dump's `-- Name: ...; Type: ...` headers (bmdb's own
    tables left out, the lines of each object sorted so that column order does not count).

Classes: `converged` (drift 0, empty plan, same dump); `not-managed` (differs, and every
differing object of the dump is named on a "not modelled"/"not managed" line bmdb printed
on the way); `silent` (differs and some differing object was named nowhere, or drift/plan
still report something after bmdb's own apply with no such line); `error` (a bmdb step exited
1 or the applied migration failed: the first error line is the reason).
Writes OUT/cases.tsv (case, class, stage, reason), OUT/summary.txt, and OUT/logs/<case>.log.
"""
import argparse
import fnmatch
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

NOT_MANAGED = re.compile(r"not modelled|not managed|not one bmdb models|kept as written", re.I)
# pg_dump lines that are no object's: session settings printed before the next object, and
# the random \restrict key of pg_dump 15.14+
DUMP_NOISE = ("--", "SET ", "SELECT pg_catalog.set_config", "\\restrict", "\\unrestrict")
HEADER = re.compile(r"^-- (?:Data for )?Name: (.*?); Type: (.*?); Schema: (.*?); Owner: .*$")


class Step:
    def __init__(self, name, argv, code, out):
        self.name, self.argv, self.code, self.out = name, argv, code, out


def run(name, argv, log, timeout=120, env=None):
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout, env=env)
        code, out = p.returncode, p.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        code, out = 124, (e.stdout or b"").decode("utf-8", "replace") + f"\nerror: timed out after {timeout}s"
    log.write(f"$ {' '.join(argv)}\n{out}[exit {code}]\n\n")
    return Step(name, argv, code, out)


def first_error(out):
    lines = [l.strip() for l in out.splitlines() if l.strip()]
    for pat in (r"^error\[[^\]]+\]:", r"^(psql:.*?)?ERROR:", r"^error:", r"^Error:", r"(?i)\berror\b"):
        for l in lines:
            if re.search(pat, l):
                return l[:300]
    return (lines[-1] if lines else "no output")[:300]


def group_of(line):
    """A first error line with its names taken out: the key that groups failures."""
    m = re.match(r"^error\[([^\]]+)\]", line)
    if m:
        return f"error[{m.group(1)}]"
    if "failed: " in line:  # apply: the server's message for the statement that failed
        line = "apply: " + line.rsplit("failed: ", 1)[1]
    g = re.sub(r"^psql:[^ ]*?:\d+: ", "", line)
    g = re.sub(r'"[^"]*"', '"…"', g)
    g = re.sub(r"'[^']*'", "'…'", g)
    g = re.sub(r"`[^`]*`", "`…`", g)
    g = re.sub(r"\b\d+\b", "N", g)
    return g[:140]


def silent_group(reason):
    """The kinds of the objects no line named (`unnamed: COMMENT VIEW v; TABLE t`), or the
    first line drift / the next plan printed, with names taken out."""
    if reason.startswith("unnamed: "):
        kinds = set()
        for item in reason[len("unnamed: "):].split("; "):
            w = item.split(" ")
            kinds.add(" ".join(w[:2]) if w[0] == "COMMENT" and len(w) > 2 else w[0])
        return "unnamed " + ", ".join(sorted(kinds))
    return group_of(reason)


# `n bigint DEFAULT '2'::bigint` and `n bigint DEFAULT 2`: one value, two spellings (a
# quoted number cast to the column's own integer or numeric type, which bmdb's model writes
# without the cast); anything else, a cast to another type included, is compared as written
SAME_TYPE_NUMBER = re.compile(
    r"^(\s+\S+ (bigint|integer|smallint|numeric) .*DEFAULT )'(-?[0-9]+(\.[0-9]+)?)'::\2\b")


def same_value_spelling(line):
    return SAME_TYPE_NUMBER.sub(r"\1\3", line)


def dump_objects(pg_bin, url, log):
    p = subprocess.run([os.path.join(pg_bin, "pg_dump"), "--schema-only", "--no-owner", "-d", url],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if p.returncode != 0:
        log.write("pg_dump failed: " + p.stderr.decode() + "\n")
        return None
    objs, key, body = {}, None, []

    def flush():
        if key is not None:
            lines = sorted(same_value_spelling(l.rstrip(","))
                           for l in body if l.strip() and not l.startswith(DUMP_NOISE))
            objs[key] = "\n".join(lines)

    for line in p.stdout.decode().splitlines():
        m = HEADER.match(line)
        if m:
            flush()
            name, typ, schema = m.group(1), m.group(2), m.group(3)
            key, body = (typ, schema, name), []
        elif key is not None:
            body.append(line)
    flush()
    return {k: v for k, v in objs.items() if "bmdb_" not in k[2]}


def dump_diff(a, b):
    keys = sorted(set(a) | set(b))
    return [k for k in keys if a.get(k) != b.get(k)]


def object_words(key):
    typ, schema, name = key
    name = re.sub(r"\(.*\)$", "", name)  # a function's arguments
    words = [w for w in re.split(r"[ .]", name) if w]
    if typ == "COMMENT":
        words = words[1:]  # COMMENT's names start with the commented kind
    return words


def named(key, lines):
    """Whether a not-modelled line names the object (its last name part, as a word)."""
    words = object_words(key)
    if not words:
        return False

    def said(text):
        pat = re.compile(r"(?<![A-Za-z0-9_])" + re.escape(text) + r"(?![A-Za-z0-9_])")
        return any(pat.search(l) for l in lines)

    typ, schema, _ = key
    # what is in a schema bmdb names as not managed, and the parts of a table it names so
    if schema not in ("public", "-") and said(f"schema {schema}"):
        return True
    if len(words) > 1 and (said(f"table {words[0]}") or said(f"table {schema}.{words[0]}")):
        return True
    return said(words[-1])


def run_case(case_dir, rel, args, n, log):
    psql = [os.path.join(args.pg_bin, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1"]
    cur_db, des_db = f"c{n}", f"d{n}"
    url = lambda db: f"{args.url_base}/{db}?sslmode=disable"  # noqa: E731
    base = f"{args.url_base}/postgres?sslmode=disable"
    for db in (cur_db, des_db):
        run("dropdb", psql + ["-d", base, "-c", f"DROP DATABASE IF EXISTS {db}"], log)
        run("createdb", psql + ["-d", base, "-c", f"CREATE DATABASE {db}"], log)
    try:
        for db, f in ((cur_db, "current.sql"), (des_db, "desired.sql")):
            s = run("sql", psql + ["-d", url(db), "-f", os.path.join(case_dir, f)], log)
            if s.code != 0:
                return "not-runnable", f"sql:{f}", first_error(s.out), []
        return bmdb_case(args, log, url(cur_db), url(des_db))
    finally:
        for db in (cur_db, des_db):
            run("dropdb", psql + ["-d", base, "-c", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"], log)


def bmdb_case(args, log, cur, des):
    b = args.bmdb
    work = tempfile.mkdtemp(prefix="bmdb-corpus-")
    said = []  # every "not modelled" line bmdb printed

    def step(name, argv, ok=(0,)):
        s = run(name, argv, log)
        said.extend(l.strip() for l in s.out.splitlines() if NOT_MANAGED.search(l))
        return s

    try:
        pd, pc = os.path.join(work, "desired"), os.path.join(work, "current")
        s = step("inspect-desired", [b, "inspect", "--url", des, "--out", pd])
        if s.code != 0:
            return "error", s.name, first_error(s.out), said
        s = step("inspect-current", [b, "inspect", "--url", cur, "--out", pc])
        if s.code != 0:
            return "error", s.name, first_error(s.out), said
        s = step("baseline-current", [b, "--project", pc, "apply", "--url", cur, "--baseline", "1", "-q"])
        if s.code != 0 and os.path.exists(os.path.join(pc, "migrations", "V1__baseline.sql")):
            return "error", s.name, first_error(s.out), said
        # the desired model in the adopted project: every file but migrations/ and the database name
        for e in os.listdir(pc):
            if e not in ("migrations", "regions.yaml"):
                p = os.path.join(pc, e)
                shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
        for e in os.listdir(pd):
            if e in ("migrations",):
                continue
            src, dst = os.path.join(pd, e), os.path.join(pc, e)
            if e == "regions.yaml":
                dbline = next((l for l in open(dst) if l.startswith("database:")), None)
                text = open(src).read()
                if dbline:
                    text = re.sub(r"(?m)^database:.*\n", dbline, text)
                open(dst, "w").write(text)
            elif os.path.isdir(src):
                shutil.copytree(src, dst)
            else:
                shutil.copy(src, dst)
        s = step("plan-url", [b, "--project", pc, "plan", "--url", cur])
        if s.code != 0:
            return "error", s.name, first_error(s.out), said
        s = step("plan-write", [b, "--project", pc, "plan", "--url", cur, "--write", "repair", "-q"])
        if s.code != 0:
            return "error", s.name, first_error(s.out), said
        s = step("apply", [b, "--project", pc, "apply", "--url", cur, "--allow-destructive", "--auto-approve", "-q"])
        if s.code != 0:
            return "error", s.name, first_error(s.out), said
        drift = step("drift", [b, "--project", pc, "drift", "--url", cur])
        if drift.code == 1:
            return "error", drift.name, first_error(drift.out), said
        replan = step("replan", [b, "--project", pc, "plan", "--url", cur, "--detailed-exitcode"])
        if replan.code == 1:
            return "error", replan.name, first_error(replan.out), said
        a, d = dump_objects(args.pg_bin, cur, log), dump_objects(args.pg_bin, des, log)
        diff = dump_diff(a, d) if a is not None and d is not None else []
        if diff:
            log.write("dump differs: " + "; ".join(f"{t} {n}" for t, _, n in diff) + "\n")
            for k in diff:
                log.write(f"--- current {k}\n{a.get(k)}\n--- desired {k}\n{d.get(k)}\n")
        if drift.code == 0 and replan.code == 0 and not diff:
            return "converged", "", "", said
        unnamed = [k for k in diff if not named(k, said)]
        if diff and not unnamed and said:
            return "not-managed", "dump", "; ".join(f"{t} {n}" for t, _, n in diff)[:300], said
        if drift.code != 0 or replan.code != 0:
            which = "drift" if drift.code != 0 else "replan"
            out = drift.out if drift.code != 0 else replan.out
            line = next((l.strip() for l in out.splitlines() if re.search(r"DRIFT|^\|\s*\d+\s*\|", l)), first_error(out))
            if not diff:
                return "error", which, "reports a difference after its own apply, the dumps agree: " + line[:200], said
            return "silent", which, f"after apply: {line[:200]}", said
        return "silent", "dump", "unnamed: " + "; ".join(f"{t} {n}" for t, _, n in unnamed)[:300], said
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("cases")
    p.add_argument("--url-base", required=True, help="postgres://user@host:port (no database)")
    p.add_argument("--bmdb", required=True)
    p.add_argument("--pg-bin", default="/usr/lib/postgresql/15/bin")
    p.add_argument("--out", required=True)
    p.add_argument("--only", default="*", help="glob over case paths (sqldef/tests_tables/*)")
    p.add_argument("--sample", type=int, default=0, help="run a random sample of N cases (seed 12)")
    p.add_argument("--summarize", action="store_true", help="only print the summary of OUT/cases.tsv again")
    args = p.parse_args()
    if args.summarize:
        with open(os.path.join(args.out, "cases.tsv")) as f:
            rows = [tuple(l.rstrip("\n").split("\t")) for l in f.readlines()[1:]]
        print(summarize(rows, 0))
        return

    cases = []
    for root, dirs, files in os.walk(args.cases):
        dirs.sort()
        if "current.sql" in files and "desired.sql" in files:
            rel = os.path.relpath(root, args.cases)
            if fnmatch.fnmatch(rel, args.only):
                cases.append(rel)
    cases.sort()
    if args.sample and args.sample < len(cases):
        cases = sorted(random.Random(12).sample(cases, args.sample))
    os.makedirs(os.path.join(args.out, "logs"), exist_ok=True)
    rows, t0 = [], time.time()
    for n, rel in enumerate(cases):
        logname = os.path.join(args.out, "logs", rel.replace("/", "__") + ".log")
        with open(logname, "w") as log:
            cls, stage, reason, said = run_case(os.path.join(args.cases, rel), rel, args, n, log)
        rows.append((rel, cls, stage, reason, len(said)))
        print(f"[{n + 1}/{len(cases)} {time.time() - t0:.0f}s] {cls:12} {rel} {stage} {reason[:100]}", file=sys.stderr)
    with open(os.path.join(args.out, "cases.tsv"), "w") as f:
        f.write("case\tclass\tstage\treason\tnot_modelled_lines\n")
        for r in rows:
            f.write("\t".join(str(x).replace("\t", " ").replace("\n", " ") for x in r) + "\n")
    summary = summarize(rows, time.time() - t0)
    open(os.path.join(args.out, "summary.txt"), "w").write(summary)
    print(summary)


def summarize(rows, secs):
    out = []
    classes = ["converged", "not-managed", "silent", "error", "not-runnable"]
    total = len(rows)
    runnable = [r for r in rows if r[1] != "not-runnable"]
    for label, subset in (("all", rows), ("forward", [r for r in rows if not r[0].endswith("~reverse")]),
                          ("reverse", [r for r in rows if r[0].endswith("~reverse")])):
        if not subset:
            continue
        run_n = sum(1 for r in subset if r[1] != "not-runnable")
        c = Counter(r[1] for r in subset)
        out.append(f"{label}: {len(subset)} cases, {run_n} runnable")
        for k in classes:
            pct = 100.0 * c[k] / run_n if run_n and k != "not-runnable" else 100.0 * c[k] / len(subset)
            of = "of runnable" if k != "not-runnable" else "of all"
            out.append(f"  {k:13} {c[k]:5}  {pct:5.1f}% {of}")
        ok = c["converged"] + c["not-managed"]
        out.append(f"  {'goal (conv+nm)':13} {ok:5}  {100.0 * ok / run_n if run_n else 0:5.1f}% of runnable")
    out.append("")
    out.append("failure groups (silent and error, by stage and first line with names taken out):")
    groups = defaultdict(list)
    for r in runnable:
        if r[1] in ("silent", "error"):
            key = f"{r[1]:6} {r[2]:16} {group_of(r[3]) if r[1] == 'error' else silent_group(r[3])}"
            groups[key].append(r[0])
    for key, members in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        out.append(f"  {len(members):4}  {key}   e.g. {members[0]}")
    out.append(f"\n{total} cases in {secs:.0f}s")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
