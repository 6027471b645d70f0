# bash completion for fairmc (docs/cli.md). `make install` puts it in
# PREFIX/share/bash-completion/completions/fairmc, where bash-completion loads it on demand; or
# source it from ~/.bashrc. Completes subcommands, options, scenario names (`fairmc list`),
# experiment files (*.yaml), results files and directories, and key= overrides from the
# experiment (`fairmc plan FILE --keys`, which reads the configuration but prepares no point; given a
# second at most).

# Files with one of the given extensions, and directories, completing $1.
_fairmc_files() {
  local cur=$1 f
  shift
  local IFS=$'\n'
  for f in $(compgen -f -- "$cur"); do
    if [[ -d $f ]]; then
      COMPREPLY+=("$f/")
    else
      local ext
      for ext in "$@"; do
        [[ $f == *."$ext" ]] && COMPREPLY+=("$f") && break
      done
    fi
  done
  compopt -o nospace -o filenames 2>/dev/null
}

_fairmc() {
  COMPREPLY=()
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  local exe=${COMP_WORDS[0]}
  local commands="run plan merge list show help version --help --version"
  if ((COMP_CWORD == 1)); then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    return
  fi
  local cmd=${COMP_WORDS[1]} opts=""
  case $cmd in
    run) opts="--help -j --threads -o --output --resume --overwrite --checkpoint --shard
               --no-progress --quiet -q --check --json --config-dir" ;;
    plan) opts="--help --config-dir --resolved --json --keys" ;;
    merge) opts="--help -o --output" ;;
    list) opts="--help --json" ;;
    show) opts="--help --csv --json" ;;
    help)
      ((COMP_CWORD == 2)) && COMPREPLY=($(compgen -W "run plan merge list show" -- "$cur"))
      return ;;
    *) return ;;
  esac
  # An option's value: directories, or nothing to offer for numbers.
  case $prev in
    -o | --output | --resume | --config-dir)
      local IFS=$'\n'
      COMPREPLY=($(compgen -d -- "$cur"))
      compopt -o nospace -o filenames 2>/dev/null
      COMPREPLY=("${COMPREPLY[@]/%//}")
      return ;;
    -j | --threads | --checkpoint | --shard) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    return
  fi
  # The positional arguments before the one being completed (skipping options and their values).
  local i words=() w
  for ((i = 2; i < COMP_CWORD; i++)); do
    w=${COMP_WORDS[i]}
    case $w in
      -o | --output | --resume | --config-dir | -j | --threads | --checkpoint | --shard) ((i++)) ;;
      -*) ;;
      *) words+=("$w") ;;
    esac
  done
  case $cmd in
    list)
      local names
      names=$("$exe" list 2>/dev/null | sed -n 's/^\([a-z0-9_]*\) - .*/\1/p')
      COMPREPLY=($(compgen -W "$names" -- "$cur")) ;;
    show) ((${#words[@]} == 0)) && _fairmc_files "$cur" h5 ;;
    merge) _fairmc_files "$cur" h5 ;;
    run | plan)
      if ((${#words[@]} == 0)); then
        _fairmc_files "$cur" yaml yml
      elif [[ -f ${words[0]} ]]; then
        # key= overrides: the experiment's keys (a second at most).
        local keys
        keys=$(timeout 1 "$exe" plan "${words[0]}" --keys 2>/dev/null | sed 's/$/=/')
        COMPREPLY=($(compgen -W "$keys" -- "$cur"))
        compopt -o nospace 2>/dev/null
      fi ;;
  esac
}

complete -F _fairmc fairmc
