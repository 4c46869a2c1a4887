"""Independent oracle for the secdesc tests, backed by python3-samba.

Reads requests from stdin, one per line, tab-separated:
    pack    <domain sid>  <sddl>   -> hex of ndr_pack(descriptor.from_sddl)
    repack  <domain sid>  <hex>    -> hex of ndr_pack(ndr_unpack(hex))
    sddl    <domain sid>  <hex>    -> ndr_unpack(hex).as_sddl(domain)
    access  <domain sid>  <hex>|<desired hex>|<sid>,<sid>...
                                   -> hex of the access samba's
                                      se_access_check grants, or "denied"
    filemask <domain sid> <hex>    -> hex of samba.ntacls.ldapmask2filemask
    corpus  <domain sid>  -        -> one "name<TAB>hex" line per descriptor
                                      Samba itself provisions, one
                                      "source<TAB>name<TAB>count<TAB>note" line
                                      per source, then "end"
Each answer is one line: "ok<TAB>result" or "err<TAB>message".
"""
import glob
import inspect
import os
import re
import sys

from samba import descriptor as sambadescriptor
from samba import provision
from samba import ntacls
from samba import security as sambasecurity
from samba.dcerpc import security
from samba.ndr import ndr_pack, ndr_unpack
from samba.param import setup_dir


def pack(domain, sddl):
    return ndr_pack(security.descriptor.from_sddl(sddl, security.dom_sid(domain))).hex()


def provision_descriptors(domain):
    """Descriptors samba's provisioning writes: samba.descriptor's
    get_*_descriptor functions, and the SYSVOL file ACLs."""
    sid = security.dom_sid(domain)
    for name, fn in sorted(inspect.getmembers(sambadescriptor, inspect.isfunction)):
        if not (name.startswith("get_") and name.endswith("_descriptor")):
            continue
        params = list(inspect.signature(fn).parameters)
        if params[:1] != ["domain_sid"]:
            continue
        try:
            blob = fn(sid)
        except Exception:
            continue
        yield "provision/" + name, bytes(blob).hex()
    for name in ("SYSVOL_ACL", "POLICIES_ACL"):
        yield "provision/" + name, pack(domain, getattr(provision, name))


def schema_descriptors(domain, notes):
    """defaultSecurityDescriptor of every class in the AD schema files that
    samba ships, where samba can parse it. How many there are depends on the
    Samba build and on whether samba-ad-provision is installed; notes says
    what was read."""
    pattern = os.path.join(setup_dir(), "ad-schema", "*Classes*.ldf")
    files = glob.glob(pattern)
    if not files:
        notes.append("no schema files at %s" % pattern)
        return
    # The newest schema: the file naming the highest Windows Server year.
    newest = max(files, key=lambda f: sorted(re.findall(r"20\d\d(?:_R2)?", f)))
    notes.append(os.path.basename(newest))
    text = open(newest, encoding="utf-8", errors="replace").read()
    text = re.sub(r"\r?\n ", "", text)
    for block in re.split(r"\n(?=dn: )", text):
        name = re.search(r"^lDAPDisplayName: (.*)$", block, re.M)
        sddl = re.search(r"^defaultSecurityDescriptor: ?(.*)$", block, re.M)
        if not (name and sddl and sddl.group(1).strip()):
            continue
        try:
            yield "schema/" + name.group(1).strip(), pack(domain, sddl.group(1).strip())
        except Exception:
            continue


def answer(op, domain, arg):
    if op == "pack":
        return pack(domain, arg)
    if op == "repack":
        return ndr_pack(ndr_unpack(security.descriptor, bytes.fromhex(arg))).hex()
    if op == "sddl":
        sd = ndr_unpack(security.descriptor, bytes.fromhex(arg))
        return sd.as_sddl(security.dom_sid(domain))
    if op == "filemask":
        return "%x" % ntacls.ldapmask2filemask(int(arg, 16))
    if op == "access":
        blob, desired, sids = arg.split("|")
        token = security.token()
        # num_sids first: the sids getter is sized by it.
        sid_list = [security.dom_sid(s) for s in sids.split(",") if s]
        token.num_sids = len(sid_list)
        token.sids = sid_list
        sd = ndr_unpack(security.descriptor, bytes.fromhex(blob))
        try:
            return "%x" % sambasecurity.access_check(sd, token, int(desired, 16))
        except Exception as e:  # samba.NTSTATUSError
            if e.args and e.args[0] & 0xFFFFFFFF == 0xC0000022:  # NT_STATUS_ACCESS_DENIED
                return "denied"
            raise
    raise ValueError("unknown op %r" % op)


def main():
    for line in sys.stdin:
        op, domain, arg = line.rstrip("\n").split("\t", 2)
        if op == "corpus":
            sources = (("provision", lambda notes: provision_descriptors(domain)),
                       ("schema", lambda notes: schema_descriptors(domain, notes)))
            for source, gen in sources:
                notes, count = [], 0
                for name, blob in gen(notes):
                    print("%s\t%s" % (name, blob))
                    count += 1
                print("source\t%s\t%d\t%s" % (source, count, "; ".join(notes)))
            print("end", flush=True)
            continue
        try:
            print("ok\t" + answer(op, domain, arg), flush=True)
        except Exception as e:  # report, keep serving
            print("err\t%s" % str(e).replace("\n", " "), flush=True)


main()
