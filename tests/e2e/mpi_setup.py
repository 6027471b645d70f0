"""What the MPI end-to-end tests (test_mpi.py, test_mpi_input.py) share: Open MPI's environment,
whether MPI can be used at all, and every stored number of a results file for bit-for-bit checks."""
import os
import shutil
import subprocess

import h5py

# Open MPI refuses to run as root, and more ranks than cores, unless told to.
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")


def mpirun_or_skip(fairmc):
    """mpirun's path; None, after printing the test's skip report, when fairmc was built without
    MPI or mpirun is missing."""
    version = subprocess.run([fairmc, "--version"], capture_output=True, text=True).stdout
    mpirun = shutil.which("mpirun")
    if "MPI: on" not in version or not mpirun:
        print("fairmc built without MPI or no mpirun: skipped")
        print("0 passed, 0 failed, 1 skipped")
        return None
    return mpirun


def numbers(path):
    """{dataset: bytes} for every float dataset under /summary and /points of a results file."""
    out = {}
    with h5py.File(path, "r") as f:
        for group in ("summary", "points"):
            f[group].visititems(
                lambda n, o: out.__setitem__(group + "/" + n, o[()].tobytes())
                if isinstance(o, h5py.Dataset) and o.dtype.kind == "f" else None)
    return out
