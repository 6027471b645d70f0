"""make install (issue 17 item 6): `cmake --install BUILD --prefix P` (what `make install PREFIX=P`
runs) puts the program, its bash completion and the optional docs, experiments and analysis
package under P; the installed program runs from there, an installed experiment finds its
configs/, and the completion script, sourced in bash, completes subcommands, options, scenario
names, experiment files and key= overrides.

Usage: /usr/bin/python3 tests/e2e/test_install.py PATH_TO_BUILD/fairmc
"""
import os
import shlex
import subprocess
import sys
import tempfile

FAIRMC = os.path.abspath(sys.argv[1])
BUILD = os.path.dirname(FAIRMC)
failures = []


def expect(cond, what, proc=None):
    if not cond:
        failures.append(what + ("" if proc is None else
                                f"\n  exit {proc.returncode}: {proc.stdout.strip()[:300]} {proc.stderr.strip()[:500]}"))


with tempfile.TemporaryDirectory(prefix="fairmc-install-") as tmp:
    prefix = os.path.join(tmp, "prefix with space")
    proc = subprocess.run(["cmake", "--install", BUILD, "--prefix", prefix], capture_output=True, text=True,
                          timeout=120)
    expect(proc.returncode == 0, "cmake --install into a temporary prefix", proc)
    exe = os.path.join(prefix, "bin", "fairmc")
    completion = os.path.join(prefix, "share", "bash-completion", "completions", "fairmc")
    for path in (exe, completion, os.path.join(prefix, "share", "doc", "fairmc", "cli.md"),
                 os.path.join(prefix, "share", "fairmc", "analysis", "fairmc.py"),
                 os.path.join(prefix, "share", "fairmc", "configs", "defaults.yaml"),
                 os.path.join(prefix, "share", "fairmc", "experiments", "demo.yaml")):
        expect(os.path.exists(path), f"installed: {os.path.relpath(path, prefix)}")
    expect(os.access(exe, os.X_OK), "the installed program is executable")

    work = os.path.join(tmp, "work")
    os.makedirs(work)
    env = dict(os.environ, PATH=os.path.join(prefix, "bin") + os.pathsep + os.environ.get("PATH", ""))

    def run(*args):
        return subprocess.run(list(args), cwd=work, env=env, capture_output=True, text=True, timeout=120)

    proc = run("fairmc", "--version")
    expect(proc.returncode == 0 and proc.stdout.startswith("fairmc "), "installed fairmc --version", proc)
    proc = run("fairmc", "plan", os.path.join(prefix, "share", "fairmc", "experiments", "demo.yaml"))
    expect(proc.returncode == 0 and "experiment demo" in proc.stdout,
           "the installed demo experiment plans with its installed configs/", proc)
    with open(os.path.join(work, "small.yaml"), "w") as f:
        f.write("experiment: small\nscenario: demo\ndraws: 40\nblock: 10\npopulation: {agents: 4}\n")
    os.makedirs(os.path.join(work, "outdir"))
    proc = run("fairmc", "run", "small.yaml", "-o", "res", "--quiet")
    expect(proc.returncode == 0 and os.path.exists(os.path.join(work, "res", "results.h5")),
           "the installed fairmc runs an experiment", proc)

    # The completion, sourced in a plain bash (no bash-completion package needed).
    cases = [
        (["fairmc", "r"], ["run"]),
        (["fairmc", ""], ["run", "plan", "merge", "list", "show", "help", "version", "--help", "--version"]),
        (["fairmc", "run", "--j"], ["--json"]),
        (["fairmc", "run", "--ch"], ["--check", "--checkpoint"]),
        (["fairmc", "show", "--"], ["--help", "--csv", "--json"]),
        (["fairmc", "plan", "small.yaml", "--re"], ["--resolved"]),
        (["fairmc", "list", "de"], ["demo"]),
        (["fairmc", "help", "pl"], ["plan"]),
        (["fairmc", "run", "sm"], ["small.yaml"]),
        (["fairmc", "run", "small.yaml", "pop"], ["population.agents="]),
        (["fairmc", "run", "small.yaml", "-j", "2", "dr"], ["draws="]),
        (["fairmc", "run", "-o", "out"], ["outdir/"]),
        (["fairmc", "show", "re"], ["res/"]),
        (["fairmc", "run", "small.yaml", "-j", ""], []),
    ]
    script = [f"source {shlex.quote(completion)}", "complete -p fairmc"]
    for words, _ in cases:
        script.append(f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)}); "
                      f"COMP_CWORD={len(words) - 1}; _fairmc; "
                      "printf '%s\\n' \"--- ${#COMPREPLY[@]}\" \"${COMPREPLY[@]}\"")
    proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", "\n".join(script)], cwd=work, env=env,
                          capture_output=True, text=True, timeout=60)
    expect(proc.returncode == 0 and proc.stdout.startswith("complete -F _fairmc fairmc"),
           "the completion registers _fairmc for fairmc", proc)
    replies = []
    for block in proc.stdout.split("--- ")[1:]:
        lines = block.splitlines()
        replies.append(lines[1:1 + int(lines[0])])
    expect(len(replies) == len(cases), f"one reply per case ({len(replies)})", proc)
    for (words, want), got in zip(cases, replies):
        expect(sorted(got) == sorted(want) if not want or len(want) == 1 or words[-1] in ("", "--", "--ch")
               else set(want) <= set(got),
               f"completing {' '.join(words)!r}: {got} (want {want})")

for f in failures:
    print("FAIL:", f)
print(f"{'FAILED' if failures else 'OK'}: make install and bash completion ({len(failures)} failures)")
sys.exit(1 if failures else 0)
