#!/usr/bin/env bash
# Installs, from Debian packages, exactly the fairmc dependencies that are missing.
#   scripts/install-deps.sh           what `make run` and `make test` (CI) need
#   scripts/install-deps.sh --bench   also Google Benchmark and SciPy, for `make bench`
set -euo pipefail
packages=(
  build-essential cmake git pkg-config
  libboost-program-options-dev libboost-dev libtbb-dev libhdf5-dev libyaml-cpp-dev doctest-dev
  librandom123-dev libglpk-dev libeigen3-dev
  python3 python3-h5py python3-numpy python3-matplotlib python3-xarray python3-pandas python3-netcdf4
  python3-venv python3-pip python3-setuptools python3-wheel
  python3-yaml
  hdf5-tools
)
# MPI is optional at build time and on by default here; FAIRMC_NO_MPI=1 skips it.
if [[ -z ${FAIRMC_NO_MPI:-} ]]; then packages+=(openmpi-bin libopenmpi-dev); fi
for arg in "$@"; do
  case $arg in
    --bench) packages+=(libbenchmark-dev python3-scipy) ;;
    *)
      echo "install-deps: unknown option '$arg' (--bench)" >&2
      exit 2
      ;;
  esac
done
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
