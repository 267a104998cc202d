# Makes src/main/resources/org/custos/demo/demo-provenance.ndjson (run from the repository root): the demo
# Provenance of six demo patients' documents, deterministic.
import json, random
random.seed(7)
pats=["pat-0065","pat-0012","pat-0240","pat-0101","pat-0333","pat-0007"]
docs=["prac-001","prac-026","prac-042","prac-040","prac-036"]
out=[]
def prov(pid, target, recorded, agents, entities, activity, reason=None):
    p={"resourceType":"Provenance","id":pid,"meta":{"tag":[{"system":"https://custos.example/demo","code":"demo"}]},
       "target":[{"reference":target}],"recorded":recorded,
       "activity":{"system":"http://hl7.org/fhir/v3/DataOperation","code":activity[0],"display":activity[1]},
       "agent":[],"entity":[{"role":r,"whatReference":{"reference":w}} for (r,w) in entities]}
    for (role, who, obo) in agents:
        a={"role":[{"coding":[{"system":"http://hl7.org/fhir/v3/ParticipationType","code":role}]}],"whoReference":{"reference":who}}
        if obo: a["onBehalfOfReference"]={"reference":obo}
        p["agent"].append(a)
    if reason: p["reason"]=[{"system":"http://hl7.org/fhir/v3/ActReason","code":reason[0],"display":reason[1]}]
    return p
for i,pat in enumerate(pats):
    day=10+i*2
    d1,d2,d3=docs[i%5],docs[(i+1)%5],docs[(i+2)%5]
    ref=f"DocumentReference/{pat}-referral"
    n1=f"DocumentReference/{pat}-note-1"; n2=f"DocumentReference/{pat}-note-2"; s=f"DocumentReference/{pat}-discharge"
    obs=f"Observation/{pat}-labs"
    out.append(prov(f"{pat}-referral", ref, f"2026-11-{day:02d}T08:{10+i:02d}:00Z",[("AUT","Organization/org-001",None)],[],("CREATE","create"),("TREAT","treatment")))
    out.append(prov(f"{pat}-record", f"Patient/{pat}", f"2026-11-{day:02d}T09:{5+i:02d}:00Z",[("ENT",f"Practitioner/{d1}","Organization/org-001")],[("source",ref)],("UPDATE","revise"),("TREAT","treatment")))
    out.append(prov(f"{pat}-note-1", n1, f"2026-11-{day:02d}T11:{20+i:02d}:00Z",[("AUT",f"Practitioner/{d1}","Organization/org-001")],[("derivation",ref),("source",obs)],("CREATE","create")))
    out.append(prov(f"{pat}-note-2", n2, f"2026-11-{day+1:02d}T10:{15+i:02d}:00Z",[("AUT",f"Practitioner/{d2}","Organization/org-001")],[("revision",n1),("quotation",obs)],("UPDATE","revise")))
    out.append(prov(f"{pat}-discharge", s, f"2026-11-{day+2:02d}T16:{30+i:02d}:00Z",[("AUT",f"Practitioner/{d3}","Organization/org-001"),("VRF",f"Practitioner/{d1}",None)],[("derivation",n2),("derivation",n1),("quotation",obs)],("CREATE","create"),("TREAT","treatment")))
    if i==0:
        # an amendment of the referral that quotes the discharge summary: a cycle
        out.append(prov(f"{pat}-referral-amended", ref, f"2026-11-{day+3:02d}T09:00:00Z",[("AUT",f"Practitioner/{d1}","Organization/org-001")],[("quotation",s)],("UPDATE","revise")))
with open("src/main/resources/org/custos/demo/demo-provenance.ndjson","w") as f:
    for p in out: f.write(json.dumps(p,separators=(",",":"))+"\n")
print(len(out))
