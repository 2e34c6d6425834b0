#!/usr/bin/env python
# -*- coding: utf-8 -*-

# Copyright: tcppolicy contributors
# SPDX-License-Identifier: MIT OR Apache-2.0

"""Say which machines an ELF executable runs on, as JSON on standard output.

The tcppolicy role runs this on the controller with the binary it is about to copy, and
compares the answer with each managed host's `uname -m` (or the `architecture` fact)
before copying or running anything, so that a host of another architecture gets a clear
message instead of "[Errno 8] Exec format error". It reads the first 20 bytes of the file.

Output: {"path": ..., "machine": "aarch64", "uname": ["aarch64", "arm64"], "error": null};
on error (unreadable file, not an ELF executable) "error" says why and the rest is null.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import sys

# e_machine -> the `uname -m` names of Linux hosts it runs on, by (ELF class, byte order):
# class 1 = 32-bit, 2 = 64-bit; data 1 = little endian, 2 = big endian. None: any.
MACHINES = {
    3: {None: ["i386", "i486", "i586", "i686", "x86"]},
    8: {(1, 1): ["mipsel", "mips"], (1, 2): ["mips"], (2, 1): ["mips64el", "mips64"],
        (2, 2): ["mips64"]},
    20: {None: ["ppc"]},
    21: {(2, 1): ["ppc64le"], (2, 2): ["ppc64"]},
    22: {(1, 2): ["s390"], (2, 2): ["s390x"]},
    40: {None: ["armv5tel", "armv6l", "armv7l", "armv8l", "arm"]},
    62: {None: ["x86_64", "amd64"]},
    183: {None: ["aarch64", "arm64"]},
    243: {(1, 1): ["riscv32"], (2, 1): ["riscv64"]},
    258: {None: ["loongarch64"]},
}


def describe(path):
    """The machine `path` is built for, or why that cannot be told."""
    try:
        with open(path, "rb") as f:
            header = f.read(20)
    except (IOError, OSError) as e:
        return dict(error="cannot read the tcppolicy binary `%s` on the controller: %s"
                    % (path, e.strerror or e))
    if len(header) < 20 or header[:4] != b"\x7fELF":
        return dict(error="the tcppolicy binary `%s` is not an ELF executable" % path)
    elf_class, data = bytearray(header[4:6])
    order = "little" if data == 1 else "big"
    machine = int.from_bytes(header[18:20], order)
    names = MACHINES.get(machine, {})
    uname = names.get(None) or names.get((elf_class, data)) or []
    return dict(machine=uname[0] if uname else "ELF machine %d" % machine, uname=uname,
                error=None)


def main():
    path = sys.argv[1]
    result = dict(path=path, machine=None, uname=None)
    result.update(describe(path))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
