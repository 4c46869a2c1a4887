# Applies a transform (.mst) to a copy of an MSI with libmsi (through
# python3-gi) and prints the Property table before and after as JSON, for
# the gpo/msi tests:
#
#   python3 mst_apply.py BASE.msi TRANSFORM.mst OUT.msi
#
# libmsi opens BASE read-write into OUT, applies the transform and commits;
# then OUT is opened again read-only, so the rows printed are the ones
# written to the file. "libmsi" is the path of the libmsi.so.0 the process
# loaded (LD_LIBRARY_PATH picks the patched build of libmsi-patched.sh). A
# failure to apply exits 3 with libmsi's error on stderr.
import json
import sys

import gi

gi.require_version("Libmsi", "1.0")
from gi.repository import GLib, Libmsi  # noqa: E402


def properties(db):
    q = Libmsi.Query.new(db, "SELECT `Property`, `Value` FROM `Property`")
    q.execute(None)
    out = {}
    while True:
        try:
            rec = q.fetch()
        except GLib.Error:
            break  # LIBMSI_RESULT_NO_MORE_ITEMS
        if rec is None:
            break
        out[rec.get_string(1)] = rec.get_string(2)
    q.close()
    return out


def loaded_libmsi():
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "/libmsi.so" in path:
                return path
    return ""


def main():
    base, mst, out = sys.argv[1:4]
    before = properties(Libmsi.Database.new(base, Libmsi.DbFlags.READONLY, None))
    db = Libmsi.Database.new(base, Libmsi.DbFlags.TRANSACT, out)
    try:
        db.apply_transform(mst)
    except GLib.Error as e:
        print("libmsi could not apply the transform: " + e.message, file=sys.stderr)
        sys.exit(3)
    db.commit()
    del db
    after = properties(Libmsi.Database.new(out, Libmsi.DbFlags.READONLY, None))
    json.dump({"before": before, "after": after, "libmsi": loaded_libmsi()}, sys.stdout)


main()
