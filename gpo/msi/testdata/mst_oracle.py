# Reads a transform (.mst) with code that is not ctitui's and prints what it
# finds as JSON, for the gpo/msi tests:
#
#   - libgsf (gir1.2-gsf-1), the compound file library libmsi itself uses:
#     the root storage's streams, by raw name (UTF-16 code units), with
#     their bytes;
#   - libmsi (gir1.2-libmsi-1.0): it opens the transform as a database,
#     which loads its string pool, and reads its summary information;
#   - CPython's own codecs: the bytes VALUE has in code page CP, given as
#     extra "CP=VALUE" arguments, to compare with the string pool.
#
#   python3 mst_oracle.py TRANSFORM.mst [CP=VALUE...]
import json
import sys

import gi

gi.require_version("Gsf", "1")
gi.require_version("Libmsi", "1.0")
from gi.repository import GLib, Gsf, Libmsi  # noqa: E402


def streams(path):
    ole = Gsf.InfileMSOle.new(Gsf.InputStdio.new(path))
    out = []
    for i in range(ole.num_children()):
        name = ole.name_by_index(i)
        child = ole.child_by_index(i)
        size = child.props.size
        data = bytes(child.read(size)) if size else b""
        out.append({"name": [ord(c) for c in name], "data": data.hex()})
    return out


def summary(path):
    db = Libmsi.Database.new(path, Libmsi.DbFlags.READONLY, None)
    si = Libmsi.SummaryInfo.new(db, 0)
    P = Libmsi.Property
    out = {}
    for name, prop in [("Codepage", P.CODEPAGE), ("PageCount", P.VERSION), ("CharCount", P.RESTRICT)]:
        try:
            out[name] = si.get_int(prop)
        except GLib.Error:
            pass
    for name, prop in [("Title", P.TITLE), ("Template", P.TEMPLATE), ("LastAuthor", P.LASTAUTHOR),
                       ("RevNumber", P.UUID), ("AppName", P.APPNAME)]:
        try:
            out[name] = si.get_string(prop)
        except GLib.Error:
            pass
    return out


def main():
    path = sys.argv[1]
    st = streams(path)
    encoded = {}
    for arg in sys.argv[2:]:
        cp, value = arg.split("=", 1)
        encoded[arg] = value.encode("cp" + cp).hex()
    json.dump({"streams": st, "summary": summary(path), "encoded": encoded}, sys.stdout)


main()
