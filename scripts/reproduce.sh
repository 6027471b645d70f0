#!/usr/bin/env bash
# `make reproduce`: every paper experiment at its reproduce size, with its checks, its figures and
# docs/reproduction.md (issue 18).
#   scripts/reproduce.sh PAPER|all [-j N] [--fairmc PATH]     PAPER = power|objective|persuasion|scf
# For each paper with a manifest (reproduction/<scenario>.yaml), in manifest order: runs
#   fairmc run FILE OVERRIDES... --check -o out/reproduce/<scenario>/<file stem>
# then the experiment's plot script into the same folder, printing each one's wall time and
# checks; then analysis/reproduction.py copies the PNGs the items show to docs/img/reproduction/<scenario>/ and
# regenerates those papers' sections of docs/reproduction.md (other papers' sections are kept).
# A failing check does not stop the run: every experiment runs and the page is written.
# Exit status: 0 every check passed; 3 some check failed or was undetermined; 1 some sweep point,
# plot or the page generation failed (takes precedence over 3); 2 usage error or an invalid
# manifest or experiment file (stops at once, before or at that experiment); 130 interrupted.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
py=/usr/bin/python3
export PYTHONPATH="$PWD/analysis${PYTHONPATH:+:$PYTHONPATH}"
usage() {
  echo "usage: scripts/reproduce.sh PAPER|all [-j N] [--fairmc PATH]   (PAPER: ${known[*]})" >&2
  [[ -n ${1:-} ]] && echo "reproduce: $1" >&2
  exit 2
}
# The papers: the four scenarios, then any other manifest (reproduction/*.yaml).
mapfile -t known < <(
  printf '%s\n' power objective persuasion scf
  for m in reproduction/*.yaml; do
    [[ -f $m ]] || continue
    s=$(basename "$m" .yaml)
    case $s in power | objective | persuasion | scf) ;; *) echo "$s" ;; esac
  done
)
which="" fairmc=${FAIRMC:-build/fairmc} threads=0
while (($#)); do
  case $1 in
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -j | --threads) [[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || usage "$1 needs a number"; threads=$2; shift 2 ;;
    --fairmc) [[ $# -ge 2 ]] || usage "--fairmc needs a path"; fairmc=$2; [[ $fairmc == /* ]] || fairmc=$caller/$fairmc; shift 2 ;;
    -*) usage "unknown option '$1'" ;;
    *) [[ -z $which ]] || usage "one PAPER or all, not '$which' and '$1'"; which=$1; shift ;;
  esac
done
[[ -n $which ]] || usage "which paper?"
[[ -x $fairmc ]] || usage "no fairmc binary at '$fairmc' (make build, or --fairmc PATH)"
# An older build has no `run --check`; boost would even take --check for --checkpoint.
run_help=$("$fairmc" run --help 2>&1 || true)
[[ $run_help == *"--check "* ]] || usage "$fairmc has no 'run --check': rebuild it (make build)"
papers=()
if [[ $which == all ]]; then
  for s in "${known[@]}"; do
    if [[ -f reproduction/$s.yaml ]]; then papers+=("$s"); else echo "reproduce: $s: no manifest reproduction/$s.yaml yet, skipped"; fi
  done
  ((${#papers[@]})) || usage "no manifest in reproduction/"
else
  found=0
  for s in "${known[@]}"; do if [[ $s == "$which" ]]; then found=1; fi; done
  ((found)) || usage "unknown paper '$which'"
  [[ -f reproduction/$which.yaml ]] || usage "no manifest reproduction/$which.yaml"
  papers=("$which")
fi
cores=$(nproc)
command="scripts/reproduce.sh $which"
((threads)) && command+=" -j $threads"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Every manifest is checked before the first run: a usage error costs nothing.
for s in "${papers[@]}"; do
  mkdir -p "out/reproduce/$s"
  "$py" analysis/reproduction.py plan "$s" >"out/reproduce/$s/plan.tsv" || exit 2
done

worst=0  # 0 ok, 3 a check not passed, 1 a point, plot or the generator failed
note() { # note CODE: keep the worst outcome (1 wins over 3)
  if [[ $1 == 1 ]] || [[ $1 == 3 && $worst == 0 ]]; then worst=$1; fi
}
all_start=$(now)
for s in "${papers[@]}"; do
  base=out/reproduce/$s
  paper_start=$(now)
  start_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  printf 'stem\trun_exit\trun_seconds\tplot_exit\tplot_seconds\n' >"$base/runs.tsv"
  echo "== $s (reproduction/$s.yaml)"
  while IFS=$'\t' read -r -a f <&3; do
    stem=${f[0]} exp=${f[1]} plot=${f[2]}
    overrides=("${f[@]:3}")
    dir=$base/$stem
    rm -rf "$dir"
    mkdir -p "$dir"
    t=$(now)
    rc=0
    "$fairmc" run "$exp" "${overrides[@]}" -o "$dir" -j "$threads" --check --no-progress \
      </dev/null >"$dir/run.log" 2>&1 || rc=$?
    run_s=$(since "$t")
    if ((rc == 2 || rc == 130)) || ((rc != 0 && rc != 1 && rc != 3)); then
      cat "$dir/run.log" >&2
      if ((rc == 130)); then echo "reproduce: interrupted at $exp" >&2; exit 130; fi
      echo "reproduce: fairmc run $exp exited $rc: stopped (fix the experiment file or manifest)" >&2
      exit 2
    fi
    note $((rc == 0 ? 0 : rc))
    plot_rc=- plot_s=""
    if [[ $plot != - && -f $dir/results.h5 ]]; then
      t=$(now)
      plot_rc=0
      "$py" "$plot" "$dir" "$dir" </dev/null >"$dir/plot.log" 2>&1 || plot_rc=$?
      plot_s=$(since "$t")
      ((plot_rc == 0)) || note 1
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$stem" "$rc" "$run_s" "$plot_rc" "$plot_s" >>"$base/runs.tsv"
    status=ok
    ((rc == 1)) && status="FAILED POINTS"
    ((rc == 3)) && status="CHECK NOT PASSED"
    [[ $plot_rc != - && $plot_rc != 0 ]] && status+=", PLOT FAILED (see $dir/plot.log)"
    printf '  %-40s run %6ss%s  %s\n' "$exp" "$run_s" "${plot_s:+  plot ${plot_s}s}" "$status"
    # The run's checks block ("checks: ..." and its indented lines), and the error lines on failure.
    awk '/^checks:/ { on = 1; print "    " $0; next } on && /^  / { print "    " $0; next } { on = 0 }' "$dir/run.log"
    if ((rc == 1)); then grep -i 'fail\|error' "$dir/run.log" | head -5 | sed 's/^/    /' || true; fi
  done 3<"$base/plan.tsv"
  wall=$(since "$paper_start")
  printf 'wall_seconds\t%s\ncores\t%s\nthreads\t%s\nstart_utc\t%s\n' "$wall" "$cores" "$threads" \
    "$start_utc" >"$base/meta.tsv"
  echo "   $s: ${wall}s"
done
papers_csv=$(
  IFS=,
  echo "${papers[*]}"
)
gen=0
"$py" analysis/reproduction.py write --papers "$papers_csv" --command "$command" || gen=$?
((gen == 2)) && exit 2
((gen == 0)) || note 1
echo "reproduce: ${papers[*]} in $(since "$all_start")s on $cores cores; wrote docs/reproduction.md and docs/img/reproduction/"
case $worst in
  0) echo "reproduce: every check passed" ;;
  3) echo "reproduce: some checks did not pass (see above and docs/reproduction.md)" >&2 ;;
  1) echo "reproduce: some experiments, plots or the page failed (see above)" >&2 ;;
esac
exit "$worst"
