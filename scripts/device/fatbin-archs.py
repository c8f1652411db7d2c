#!/usr/bin/env python3
"""Which GPU architectures a CUDA library ships code for: its fatbins' SASS and PTX entries, by SM version.

    python3 scripts/device/fatbin-archs.py <library.so> [sm] ...

For each file: the number of fatbins, how many of them carry no SASS for `sm` (90 by default: the H200), and how many
of those carry PTX instead (compiled for the GPU by the driver's JIT when the module first loads, then kept in
~/.nv/ComputeCache). Runs anywhere (no CUDA needed). A fatbin is read as laid out in the files seen so far: a 16-byte
header (magic 0xBA55ED50, version 1, header size, payload size), then entries whose first word's low half is the kind
(1 PTX, 2 SASS) and whose eighth word is the SM version; a blob that does not parse as that is counted as unparsed.
"""
import collections
import mmap
import struct
import sys

MAGIC = struct.pack('<I', 0xBA55ED50)


def scan(path, sm):
    with open(path, 'rb') as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        entries = collections.Counter()
        fatbins = without_sass = with_ptx_only = unparsed = 0
        at = data.find(MAGIC)
        while at >= 0:
            try:
                _, version, header_size, payload_size = struct.unpack_from('<IHHQ', data, at)
                if version != 1 or header_size != 16 or at + header_size + payload_size > len(data):
                    raise ValueError('not a fatbin header')
                entry, end = at + header_size, at + header_size + payload_size
                sass, ptx = set(), set()
                while entry < end:
                    words = struct.unpack_from('<8I', data, entry)
                    kind, arch = words[0] & 0xFFFF, words[7]
                    (sass if kind == 2 else ptx).add(arch)
                    entries[('SASS' if kind == 2 else 'PTX' if kind == 1 else f'kind {kind}', arch)] += 1
                    entry += words[1] + struct.unpack_from('<Q', data, entry + 8)[0]
                fatbins += 1
                if sm not in sass:
                    without_sass += 1
                    with_ptx_only += 1 if ptx else 0
                at = data.find(MAGIC, max(end, at + 4))
            except (ValueError, struct.error):
                unparsed += 1
                at = data.find(MAGIC, at + 4)
    print(f'{path}: {fatbins} fatbins, {without_sass} without sm_{sm} SASS ({with_ptx_only} of them with PTX to compile), {unparsed} unparsed')
    print('  entries: ' + ', '.join(f'{kind} sm_{arch} {count}' for (kind, arch), count in sorted(entries.items())))


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit('usage: fatbin-archs.py <library.so> [sm]')
    paths = [arg for arg in sys.argv[1:] if not arg.isdigit()]
    sms = [int(arg) for arg in sys.argv[1:] if arg.isdigit()] or [90]
    for path in paths:
        for sm in sms:
            scan(path, sm)
