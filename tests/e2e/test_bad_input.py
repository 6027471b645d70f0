"""Broken experiment files and hostile environments: each gets a one-line error naming the place
and the fix, exit code 2, and no output (issue 7, item 3).

Usage: /usr/bin/python3 tests/e2e/test_bad_input.py PATH_TO_fairmc
"""
import os
import resource
import signal
import subprocess
import sys
import tempfile

FAIRMC = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "bad_inputs")

# file -> text the one-line error must contain (place and what is accepted)
EXPECT = {
    "syntax_error.yaml": ["syntax_error.yaml:4:", "YAML syntax"],
    "wrong_type.yaml": ["wrong_type.yaml:3:14", "population.agents", "expected an integer"],
    "unknown_key.yaml": ["unknown_key.yaml:3:25", "population.agnets", "unknown key", "agents"],
    "zero_size.yaml": ["population.agents", "got 0", "[1, 100000000]"],
    "negative_draws.yaml": ["negative_draws.yaml:3:1", "'draws'", "got -10"],
    "empty_sweep.yaml": ["population.agents", "empty sweep"],
    "nan_value.yaml": ["population.agents", "expected an integer"],
    "inf_value.yaml": ["population.agents", "expected an integer"],
    "huge_value.yaml": ["population.agents", "expected an integer"],
    "huge_draws.yaml": ["'draws'", "[1, 1000000000000]"],
    "unknown_scenario.yaml": ["unknown scenario 'nope'", "expected one of", "demo"],
    "missing_defaults.yaml": ["no such config 'populations/absent'"],
    "zip_mismatch.yaml": ["zip lists must have equal length"],
    "unknown_metric.yaml": ["unknown metric 'median'", "max"],
    "not_a_mapping.yaml": ["not_a_mapping.yaml:1:1", "YAML mapping"],
    "missing_experiment_name.yaml": ["'experiment'", "required"],
    "zero_block.yaml": ["'block'", "got 0"],
    "list_for_scalar.yaml": ["mechanism.name", "one of max"],
    # issue 16, item 1: exactly what was written, or an error at the place
    "duplicate_key.yaml": ["duplicate_key.yaml:4:1", "'draws'", "duplicate key"],
    "duplicate_nested_key.yaml": ["duplicate_nested_key.yaml:5:3", "population.agents", "duplicate key"],
    "null_value.yaml": ["null_value.yaml:3:1", "'draws'", "no value"],
    "empty_value.yaml": ["empty_value.yaml:3:1", "'draws'", "no value"],
    "null_list_item.yaml": ["null_list_item.yaml:4:", "sweep.grid.population.agents", "no value"],
    "second_document.yaml": ["second_document.yaml:4:1", "second YAML document"],
    "grid_and_zip.yaml": ["grid_and_zip.yaml:6:9", "sweep.zip.population.agents", "swept twice"],
    "duplicate_metric.yaml": ["duplicate_metric.yaml:4:1", "'metrics'", "listed twice"],
    "empty_metrics.yaml": ["empty_metrics.yaml:4:1", "'metrics'", "empty selection"],
    "unknown_sweep_section.yaml": ["unknown_sweep_section.yaml:5:3", "sweep.gird", "grid and zip"],
    "name_traversal.yaml": ["name_traversal.yaml:1:1", "'experiment'", "not a valid name"],
    "name_absolute.yaml": ["name_absolute.yaml:1:1", "'experiment'", "not a valid name"],
    "name_control_char.yaml": ["name_control_char.yaml:1:1", "a\\x01b", "not a valid name"],
    "dotted_key.yaml": ["dotted_key.yaml:4:1", "not a valid key"],
    "complex_key.yaml": ["complex_key.yaml:4:", "plain name"],
    "defaults_traversal.yaml": ["defaults_traversal.yaml:3:12", "'defaults'", "no '..'"],
    "duplicate_grid_value.yaml": ["duplicate_grid_value.yaml:4:16", "appears twice"],
    "duplicate_zip_tuple.yaml": ["duplicate_zip_tuple.yaml:5:9", "sweep.zip", "repeats"],
    "unknown_fit_key.yaml": ["unknown_fit_key.yaml:5:50", "fits.0.lgo", "unknown key"],
    "not_utf8.yaml": ["not_utf8.yaml:4:17", "not UTF-8", "0xE9"],
    "control_character.yaml": ["control_character.yaml:4:9", "control character U+0001"],
    "stray_character.yaml": ["stray_character.yaml:1:1", "YAML syntax"],
    # issue 16, item 2: sizes checked before allocation, the limit stated
    "range_beyond_2p53.yaml": ["range_beyond_2p53.yaml:4:16", "2^53"],
    "range_step_lost.yaml": ["range_step_lost.yaml:4:16", "lost in rounding"],
    "sweep_axis_too_long.yaml": ["sweep_axis_too_long.yaml:4:16", "the limit is 10000"],
    "sweep_too_many_points.yaml": ["sweep_too_many_points.yaml:5:1", "5000 x 5000",
                                   "the limit is 10000"],
    "memory_too_large.yaml": ["memory_too_large.yaml", "GiB", "the memory limit is"],
    # issue 18: checks are validated before the first draw like every other key
    "check_unknown_key.yaml": ["check_unknown_key.yaml:5:58", "checks.0.sigma", "unknown check key",
                               "sigmas"],
    "check_two_subjects.yaml": ["check_two_subjects.yaml:8:5", "checks.0.draws",
                                "exactly one subject"],
    "check_unknown_constant.yaml": ["check_unknown_constant.yaml:8:5", "'expected_maximum'",
                                    "expected_max, expected_gap"],
    "check_at_unswept.yaml": ["check_at_unswept.yaml:10:10", "checks.0.at.population.agents",
                              "never takes the value 3", "1, 2"],
    # read as written or refused: number spellings YAML readers disagree on, tags, YAML 1.1 booleans
    "hex_number.yaml": ["hex_number.yaml:4:14", "population.agents", "hexadecimal",
                        "expected an integer in [1, 100000000]"],
    "leading_zero.yaml": ["leading_zero.yaml:4:14", "a leading zero", "octal"],
    "yaml_tag.yaml": ["yaml_tag.yaml:4:14", "population.agents", "a YAML tag (!!str)"],
    "yaml11_boolean.yaml": ["yaml11_boolean.yaml:4:1", "'keep_draws'", "YAML 1.1",
                            "expected true or false"],
    # scenario parameters that crashed the run or were silently read as another experiment
    "power_empty_rows.yaml": ["power_empty_rows.yaml:5:52", "population.ideal_points.points",
                              "rows of 0 coordinates", "1 to 1000"],
    "persuasion_tiny_epsilon.yaml": ["persuasion_tiny_epsilon.yaml:7:13", "mechanism.epsilon",
                                     "infinitely many", "accepted: ε >="],
}


def check(name, args, must_contain, out_dir, passed_failed, preexec=None, cwd=None):
    before = sorted(os.listdir(cwd)) if cwd else None
    r = subprocess.run([FAIRMC, *args], capture_output=True, text=True, preexec_fn=preexec,
                       cwd=cwd)
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    errors = [l for l in lines if l.startswith("fairmc: error: ")]
    problems = []
    if r.returncode != 2:
        problems.append(f"exit {r.returncode}, expected 2")
    # One error line; anything else on stderr may only be fairmc's own log lines.
    if len(errors) != 1 or any(not l.startswith("fairmc: ") for l in lines):
        problems.append(f"expected one 'fairmc: error:' line: {r.stderr!r}")
    for part in must_contain:
        if part not in r.stderr:
            problems.append(f"missing {part!r} in {r.stderr!r}")
    if out_dir and os.path.exists(out_dir):
        problems.append(f"left output behind: {os.listdir(out_dir)}")
    if cwd and sorted(os.listdir(cwd)) != before:
        problems.append(f"wrote into the working directory: {os.listdir(cwd)}")
    if problems:
        print(f"{name}: FAILED: " + "; ".join(problems))
        passed_failed[1] += 1
    else:
        passed_failed[0] += 1


def command_line_cases(tmp, good, pf):
    """Issue 16, items 1 and 2 on the command line: each refused naming the argument, exit 2,
    nothing written (not even results/<name> in the working directory)."""
    work = os.path.join(tmp, "work")
    os.mkdir(work)
    out = os.path.join(tmp, "cli_out")
    cases = {
        "empty override": (["seed="], ["<command line> 'seed='", "'seed'", "no value"]),
        "null override": (["draws=~"], ["'draws'", "no value"]),
        "empty key segment": (["population..agents=5"],
                              ["<command line> 'population..agents=5'", "not a key path"]),
        "key set twice": (["population.agents=3", "population.agents=4"],
                          ["<command line> 'population.agents=4'", "also set by"]),
        "unknown override key": (["population.agnets=3"],
                                 ["<command line> 'population.agnets=3'", "unknown key"]),
        "name escapes results/": (["experiment=../../escape"], ["'experiment'", "not a valid name"]),
        "absolute name": (["experiment=/tmp/fairmc_escape"], ["not a valid name"]),
        "range beyond 2^53": (["population.agents=range(9007199254740992,9007199254740994)"],
                              ["2^53"]),
        "two huge sweeps": (["population.agents=range(1,1000001)", "mechanism.work=range(1,1000001)"],
                            ["the limit is 10000"]),
        "extra positional": (["stray"], ["<command line>", "'stray'", "key=value"]),
    }
    for name, (extra, parts) in cases.items():
        check(name, ["run", good, *extra], parts, None, pf, cwd=work)
        check(name + " (-o)", ["run", good, *extra, "-o", out], parts, out, pf)
    options = {
        "-j 65537": (["-j", "65537"], ["'-j 65537'", "1024"]),
        "-j -1": (["-j", "-1"], ["'-j -1'", "1024"]),
        "--checkpoint nan": (["--checkpoint", "nan"], ["--checkpoint", "[0, 1000000]"]),
        "--checkpoint inf": (["--checkpoint", "inf"], ["--checkpoint", "[0, 1000000]"]),
        "--checkpoint -1": (["--checkpoint", "-1"], ["--checkpoint", "[0, 1000000]"]),
    }
    for name, (extra, parts) in options.items():
        check(name, ["run", good, *extra, "-o", out], parts, out, pf)
    # --resume: refused combinations leave the stored run untouched.
    done = os.path.join(tmp, "done")
    r = subprocess.run([FAIRMC, "run", good, "-o", done, "--no-progress"], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr
    stored = os.path.join(done, "results.h5")
    stamp = (os.path.getmtime(stored), os.path.getsize(stored))
    other = os.path.join(tmp, "other")
    check("--resume -o", ["run", "--resume", done, "-o", other], ["'-o ", "--resume"], other, pf)
    check("--resume draws=", ["run", "--resume", done, "draws="], ["'draws='", "no value"], None, pf)
    check("--resume seed=2", ["run", "--resume", done, "seed=2"],
          ["'seed=2'", "only sweep values", "results.h5"], None, pf)
    check("--resume fewer draws", ["run", "--resume", done, "draws=50"],
          ["<command line> 'draws=50'", "'draws'", "accepted: draws >= 100"], None, pf)
    check("--resume two files", ["run", "--resume", done, good, good], ["extra argument"], None, pf)
    if (os.path.getmtime(stored), os.path.getsize(stored)) != stamp or os.listdir(done) != ["results.h5"]:
        print("--resume refusals: the stored run changed")
        pf[1] += 1
    # defaults: inside a configs/ file: a cycle is refused at the entry that closes it.
    proj = os.path.join(tmp, "proj")
    os.makedirs(os.path.join(proj, "configs", "p"))
    with open(os.path.join(proj, "configs", "p", "a.yaml"), "w") as f:
        f.write("defaults: [p/b]\n")
    with open(os.path.join(proj, "configs", "p", "b.yaml"), "w") as f:
        f.write("defaults: [p/a]\n")
    cyc = os.path.join(proj, "cycle.yaml")
    with open(cyc, "w") as f:
        f.write("experiment: t\nscenario: demo\ndefaults: [p/a]\npopulation: {agents: 5}\n")
    check("defaults cycle", ["run", cyc, "-o", out], ["b.yaml:1:12", "'defaults'", "defaults cycle"],
          out, pf)


def main():
    pf = [0, 0]
    assert set(EXPECT) == set(os.listdir(CORPUS)), set(EXPECT) ^ set(os.listdir(CORPUS))
    with tempfile.TemporaryDirectory() as tmp:
        for name, parts in sorted(EXPECT.items()):
            out = os.path.join(tmp, "out_" + name)
            check(name, ["run", os.path.join(CORPUS, name), "-o", out], parts, out, pf)
        good = os.path.join(tmp, "good.yaml")
        with open(good, "w") as f:
            f.write("experiment: t\nscenario: demo\ndraws: 100\npopulation: {agents: 5}\n")
        check("missing file", ["run", os.path.join(tmp, "absent.yaml")], ["absent.yaml", "no such file"], None, pf)
        check("bad override", ["run", good, "population.agents", "-o", os.path.join(tmp, "o1")],
              ["<command line>", "key=value"], os.path.join(tmp, "o1"), pf)
        check("override out of range", ["run", good, "population.agents=-1", "-o", os.path.join(tmp, "o2")],
              ["population.agents", "got -1"], os.path.join(tmp, "o2"), pf)
        blocker = os.path.join(tmp, "a_file")
        open(blocker, "w").close()
        check("unwritable output directory", ["run", good, "-o", os.path.join(blocker, "sub")],
              ["cannot write to directory"], os.path.join(blocker, "sub"), pf)

        def disk_full():  # writes beyond 4 KiB fail with EFBIG, as on a full disk
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

        check("disk full", ["run", good, "-o", os.path.join(tmp, "full")],
              ["cannot write", "disk full"], os.path.join(tmp, "full"), pf, preexec=disk_full)
        check("unknown option", ["run", good, "--frobnicate"], ["frobnicate"], None, pf)
        # results.h5 that is not a file: refused before the run (it used to compute everything,
        # then fail to rename results.h5.tmp over it and leave the .tmp behind).
        odd = os.path.join(tmp, "odd")
        os.makedirs(os.path.join(odd, "results.h5"))
        check("results.h5 is a directory", ["run", good, "-o", odd, "--overwrite"],
              ["results.h5 exists and is not a results file"], None, pf)
        if sorted(os.listdir(odd)) != ["results.h5"]:
            print(f"results.h5 is a directory: left {os.listdir(odd)}")
            pf[1] += 1
        command_line_cases(tmp, good, pf)
    print(f"{pf[0]} passed, {pf[1]} failed")
    return 1 if pf[1] else 0


if __name__ == "__main__":
    sys.exit(main())
