#!/usr/bin/env python3
"""Receives one carried part of a TensorRT jar split by scripts/bundle/tensorrt-maven.mjs (on the GPU machine).

    python3 scripts/bundle/unpack-tensorrt.py <part-folder> [dest=/opt/trtn/tensorrt]

Checks the part's sha256 against the manifest beside it and keeps it in dest/.parts/<version>/. Once every part
is there it joins them, checks the whole file's sha256 and extracts the kept libraries into dest/<version>/lib
(python3's zipfile: the box has no unzip). Prints `TENSORRT PARTIAL k/n` or `TENSORRT COMPLETE <version> <dir>`.
Exit status 0 on partial or complete, 1 when a part or the whole is rejected, 2 on bad usage.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def extract_members(archive, lib, keep):
    for member in archive:
        name = os.path.basename(member.name)
        if member.isfile() and name in keep:
            with archive.extractfile(member) as source, open(os.path.join(lib, name), "wb") as target:
                shutil.copyfileobj(source, target, 1 << 22)


def extract_tar_xz(joined, lib, keep):
    """Extracts `keep` from the tar.xz `joined` into `lib`; returns the decoder that did it."""
    xz = shutil.which("xz") if os.environ.get("TRTN_UNPACK_DECODER") != "python" else None
    if xz:
        process = subprocess.Popen([xz, "-T0", "-dc", joined], stdout=subprocess.PIPE)
        extracted = False
        try:
            with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
                extract_members(archive, lib, keep)
            # The tar's end padding: read to the end, or xz dies of SIGPIPE and the result looks failed.
            for _ in iter(lambda: process.stdout.read(1 << 20), b""):
                pass
            extracted = True
        except (tarfile.TarError, OSError):
            # A write that failed (a full disk) must not pass as done: python3 below retries and reports it.
            pass
        finally:
            process.stdout.close()
            code = process.wait()
        if extracted and code == 0 and all(os.path.exists(os.path.join(lib, name)) for name in keep):
            return "xz -T0"
    with tarfile.open(joined, "r:xz") as archive:
        extract_members(archive, lib, keep)
    return "python3 lzma"


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    folder = argv[1]
    dest = argv[2] if len(argv) == 3 else "/opt/trtn/tensorrt"
    with open(os.path.join(folder, "manifest.json")) as handle:
        manifest = json.load(handle)
    version = manifest["version"]
    store = os.path.join(dest, ".parts", version)
    os.makedirs(store, exist_ok=True)
    for part in manifest["parts"]:
        source = os.path.join(folder, part["name"])
        if not os.path.exists(source):
            continue
        actual = sha256(source)
        if actual != part["sha256"]:
            print(f"REJECTED {part['name']}: sha256 {actual} does not match the manifest; carry it again")
            return 1
        shutil.copyfile(source, os.path.join(store, part["name"]))
    present = [part for part in manifest["parts"] if os.path.exists(os.path.join(store, part["name"]))]
    if len(present) < len(manifest["parts"]):
        print(f"TENSORRT PARTIAL {len(present)}/{len(manifest['parts'])} ({version})")
        return 0
    joined = os.path.join(store, "joined.jar")
    with open(joined, "wb") as out:
        for part in manifest["parts"]:
            with open(os.path.join(store, part["name"]), "rb") as handle:
                shutil.copyfileobj(handle, out, 1 << 22)
    if sha256(joined) != manifest["sha256"]:
        os.remove(joined)
        print(f"REJECTED the joined TensorRT {version}: sha256 does not match; parts from two different splits?")
        return 1
    lib = os.path.join(dest, version, "lib")
    os.makedirs(lib, exist_ok=True)
    decoder = "zipfile"
    if manifest.get("format", "jar") == "tar.xz":
        # split --xz: the kept libraries as one tar.xz. The xz tool decompresses the blocks of a multi-threaded xz
        # on every core (python3's lzma uses one: 80-100 s for 10.6 on the H200 box); python3 alone when it is absent
        # or fails.
        decoder = extract_tar_xz(joined, lib, manifest["keep"])
    else:
        with zipfile.ZipFile(joined) as archive:
            for info in archive.infolist():
                name = os.path.basename(info.filename)
                if name in manifest["keep"]:
                    with archive.open(info) as source, open(os.path.join(lib, name), "wb") as target:
                        shutil.copyfileobj(source, target, 1 << 22)
    missing = [name for name in manifest["keep"] if not os.path.exists(os.path.join(lib, name))]
    if missing:
        print(f"REJECTED the joined TensorRT {version}: it lacks {', '.join(missing)}")
        return 1
    os.remove(joined)
    for part in manifest["parts"]:
        os.remove(os.path.join(store, part["name"]))
    print(f"TENSORRT COMPLETE {version} {lib} ({decoder})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
