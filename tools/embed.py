#!/usr/bin/env python3
"""Embeds files into a C source file as byte arrays.

usage: embed.py OUTPUT.c SYMBOL FILE...
Writes `const vs_embedded SYMBOL[]` (terminated by a {NULL,...} entry) with each
file's base name and bytes (NUL-terminated, so SQL can be executed directly).
Files are sorted by name so migrations apply in NNNN order.
"""
import os
import sys


def main():
    out, symbol, files = sys.argv[1], sys.argv[2], sorted(sys.argv[3:], key=os.path.basename)
    lines = ['#include "embedded.h"', ""]
    for i, path in enumerate(files):
        with open(path, "rb") as f:
            data = f.read()
        body = ",".join(str(b) for b in data + b"\0")
        lines.append(f"static const unsigned char d{i}[] = {{{body}}};")
    lines.append(f"const vs_embedded {symbol}[] = {{")
    for i, path in enumerate(files):
        with open(path, "rb") as f:
            size = len(f.read())
        lines.append(f'    {{"{os.path.basename(path)}", d{i}, {size}}},')
    lines.append("    {0, 0, 0},")
    lines.append("};")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
