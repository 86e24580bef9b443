#!/usr/bin/env bash
# Plan benchmark: generated models of 1,000 and 10,000 tables; times `bmdb plan` from
# nothing and with no change, and its peak memory. Every figure is also given as a ratio
# to a baseline measured in the same run (`bmdb validate` on the same project: loading and
# checking the YAML, which every plan must do), plus the 10k/1k ratio for linearity.
#
#   bash benches/plan.sh            # sizes 1000 and 10000, 3 runs each, median
#   SIZES="1000 5000" RUNS=5 bash benches/plan.sh
#   BASE_BIN=/path/to/older/bmdb bash benches/plan.sh
#       # also times another build on the same models, its runs interleaved with this
#       # build's (A, B, A, B, ...) so both see the same machine; prints this/base ratios
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

# interleaved medians of this build and BASE_BIN: measure_ab PROJ_A PROJ_B ARGS...
measure_ab() {
  local pa=$1 pb=$2; shift 2
  local ta=() tb=() t m
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/t" "$BIN" --project "$pa" "$@" >/dev/null 2>&1 || true
    read -r t m < <(tail -n 1 "$WORK/t"); ta+=("$t")
    /usr/bin/time -f "%e %M" -o "$WORK/t" "$BASE_BIN" --project "$pb" "$@" >/dev/null 2>&1 || true
    read -r t m < <(tail -n 1 "$WORK/t"); tb+=("$t")
  done
  local med='sort -n | awk '"'"'{a[NR]=$1} END{print a[int((NR+1)/2)]}'"'"''
  echo "$(printf '%s\n' "${ta[@]}" | eval "$med") $(printf '%s\n' "${tb[@]}" | eval "$med")"
}

printf '%-7s %-22s %9s %9s %12s\n' tables case seconds peak_MB vs_validate
declare -A T
declare -a SIDE=()
for n in $SIZES; do
  P=$WORK/p$n
  python3 benches/gen_model.py "$P" "$n"
  if [ -n "${BASE_BIN:-}" ]; then
    cp -r "$P" "$P.base"
    read -r a b < <(measure_ab "$P" "$P.base" plan --detailed-exitcode)
    SIDE+=("$n plan-from-nothing $a $b")
    "$BASE_BIN" --project "$P.base" plan --write init >/dev/null
  fi
  read -r tv mv < <(measure "$BIN" --project "$P" validate)
  read -r tc mc < <(measure "$BIN" --project "$P" plan --detailed-exitcode)
  "$BIN" --project "$P" plan --write init >/dev/null
  read -r tn mn < <(measure "$BIN" --project "$P" plan --detailed-exitcode)
  if [ -n "${BASE_BIN:-}" ]; then
    read -r a b < <(measure_ab "$P" "$P.base" plan --detailed-exitcode)
    SIDE+=("$n plan-no-change $a $b")
  fi
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
if [ -n "${BASE_BIN:-}" ]; then
  echo
  echo "side by side with BASE_BIN=$BASE_BIN (medians of $RUNS interleaved runs):"
  printf '%-7s %-20s %10s %10s %10s\n' tables case this_s base_s this/base
  for row in "${SIDE[@]}"; do
    set -- $row
    printf '%-7s %-20s %10s %10s %10s\n' "$1" "$2" "$3" "$4" "$(awk -v a="$3" -v b="$4" 'BEGIN{ if (b > 0) printf "%.2fx", a / b; else print "n/a" }')"
  done
fi
