#!/usr/bin/env bash
# `make run`: the default experiments (a quick reproduction of each paper's headline figure),
# their PNG figures and a terminal summary. Results go to results/<experiment>/.
set -euo pipefail
cd "$(dirname "$0")/.."
fairmc=${1:-build/fairmc}
py=/usr/bin/python3
export PYTHONPATH="$PWD/analysis${PYTHONPATH:+:$PYTHONPATH}"
run() {  # run EXPERIMENT PLOT_SCRIPT
  local exp=$1 plot=$2 name
  name=$(basename "$exp" .yaml)
  local out="results/$(dirname "${exp#experiments/}")/$name"
  echo "== $exp"
  "$fairmc" run "$exp" -o "$out" --overwrite --no-progress
  if [[ -n $plot ]]; then "$py" "$plot" "$out" "$out"; fi
  "$fairmc" show "$out" >"$out/summary.txt"
  sed -n '1,12p' "$out/summary.txt"
  echo "   (full table: $out/summary.txt)"
}
run experiments/demo.yaml analysis/plot_demo.py
for scenario in power objective persuasion scf; do
  if [[ -f experiments/$scenario/headline.yaml ]]; then
    run "experiments/$scenario/headline.yaml" "analysis/plot_$scenario.py"
  fi
done
echo "figures:"
find results -name '*.png' -newer "$0" | sort
