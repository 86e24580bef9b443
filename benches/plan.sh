#!/usr/bin/env bash
# Plan benchmark: generated models of 1,000 and 10,000 tables; times `bmdb plan` from
# nothing and with no change, and its peak memory. Every figure is also given as a ratio
# to a baseline measured in the same run (`bmdb validate` on the same project: loading and
# checking the YAML, which every plan must do), plus the 10k/1k ratio for linearity.
#
#   bash benches/plan.sh            # sizes 1000 and 10000, 3 runs each, median
#   SIZES="1000 5000" RUNS=5 bash benches/plan.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000"}
RUNS=${RUNS:-3}
cargo build --release --quiet
BIN=$PWD/target/release/bmdb
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# median wall seconds and max RSS (MB) of RUNS runs of a command
measure() {
  local times=() rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/t" "$@" >/dev/null 2>"$WORK/err" || {
      rc=$?; [ $rc -eq 2 ] || { cat "$WORK/err"; exit 1; }; }
    read -r t m < <(tail -n 1 "$WORK/t")  # GNU time adds a "Command exited ..." line for exit 2
    times+=("$t"); [ "$m" -gt "$rss" ] && rss=$m
  done
  local med
  med=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')
  echo "$med $((rss / 1024))"
}

printf '%-7s %-22s %9s %9s %12s\n' tables case seconds peak_MB vs_validate
declare -A T
for n in $SIZES; do
  P=$WORK/p$n
  python3 benches/gen_model.py "$P" "$n"
  read -r tv mv < <(measure "$BIN" --project "$P" validate)
  read -r tc mc < <(measure "$BIN" --project "$P" plan --detailed-exitcode)
  "$BIN" --project "$P" plan --write init >/dev/null
  read -r tn mn < <(measure "$BIN" --project "$P" plan --detailed-exitcode)
  T[$n,create]=$tc; T[$n,nochange]=$tn
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }
  printf '%-7s %-22s %9s %9s %12s\n' "$n" "validate (baseline)" "$tv" "$mv" "1.00x"
  printf '%-7s %-22s %9s %9s %12s\n' "$n" "plan, from nothing" "$tc" "$mc" "$(ratio "$tc" "$tv")"
  printf '%-7s %-22s %9s %9s %12s\n' "$n" "plan, no change" "$tn" "$mn" "$(ratio "$tn" "$tv")"
done
set -- $SIZES
if [ $# -ge 2 ]; then
  a=$1; b=${!#}
  awk -v a="${T[$b,create]}" -v b="${T[$a,create]}" -v na="$a" -v nb="$b" \
    'BEGIN{ if (b > 0) printf "growth %s -> %s tables, plan from nothing: %.1fx time for %.0fx tables\n", na, nb, a / b, nb / na }'
  awk -v a="${T[$b,nochange]}" -v b="${T[$a,nochange]}" -v na="$a" -v nb="$b" \
    'BEGIN{ if (b > 0) printf "growth %s -> %s tables, plan no change:  %.1fx time for %.0fx tables\n", na, nb, a / b, nb / na }'
fi
