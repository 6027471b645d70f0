#!/usr/bin/env bash
# Runs every experiment of one scenario (or all) with its figures:
#   scripts/run-experiments.sh power [-j 2]      -> results/power/<experiment>/{results.h5,*.png}
#   scripts/run-experiments.sh all
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:?usage: run-experiments.sh SCENARIO|all [fairmc run options]}
shift
fairmc=${FAIRMC:-build/fairmc}
export PYTHONPATH="$PWD/analysis${PYTHONPATH:+:$PYTHONPATH}"
scenarios=(power objective persuasion scf)
[[ $which != all ]] && scenarios=("$which")
for s in "${scenarios[@]}"; do
  for exp in experiments/"$s"/*.yaml; do
    out="results/$s/$(basename "$exp" .yaml)"
    echo "== $exp -> $out"
    "$fairmc" run "$exp" -o "$out" --overwrite "$@"
    /usr/bin/python3 "analysis/plot_$s.py" "$out" "$out"
  done
done
