package org.custos.sync;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import org.custos.TestData;
import org.custos.demo.DemoGenerator;
import org.custos.testserver.LocalFhirServer;
import org.hl7.fhir.dstu3.model.AuditEvent;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.Consent;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.Provenance;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.Resource;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/** Puts resources on the real test server through its REST API, as any client would. */
final class ServerData {
    private ServerData() {
    }

    /** Creates {@code n} demo AuditEvents (server-assigned ids) in one transaction; returns their ids. */
    static List<String> auditEvents(LocalFhirServer server, int n, long seed) {
        List<AuditEvent> events = new DemoGenerator(TestData.FHIR.context(), seed).events(0, n);
        List<Resource> rs = new ArrayList<>();
        for (AuditEvent e : events) {
            e.setId((String) null);
            rs.add(e);
        }
        return create(server, rs);
    }

    static List<String> consents(LocalFhirServer server, int n) {
        List<Resource> rs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Consent c = new Consent();
            c.setStatus(i % 3 == 0 ? Consent.ConsentState.INACTIVE : Consent.ConsentState.ACTIVE);
            c.setPatient(new Reference("Patient/sync-p" + i));
            c.setDateTimeElement(new DateTimeType(new Date()));
            rs.add(c);
        }
        return create(server, rs);
    }

    static List<String> provenances(LocalFhirServer server, int n) {
        List<Resource> rs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Provenance p = new Provenance();
            p.addTarget(new Reference("Patient/sync-p" + i));
            p.setRecorded(new Date());
            p.addAgent().setWho(new Reference("Practitioner/sync-d" + i));
            rs.add(p);
        }
        return create(server, rs);
    }

    static List<String> create(LocalFhirServer server, List<Resource> resources) {
        IGenericClient client = server.client();
        Bundle tx = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (Resource r : resources) {
            tx.addEntry().setResource(r).getRequest().setMethod(Bundle.HTTPVerb.POST)
                    .setUrl(r.fhirType());
        }
        Bundle resp = client.transaction().withBundle(tx).execute();
        List<String> ids = new ArrayList<>();
        for (Bundle.BundleEntryComponent e : resp.getEntry()) {
            // "AuditEvent/123/_history/1"
            String loc = e.getResponse().getLocation();
            ids.add(loc.split("/")[1]);
        }
        return ids;
    }

    static void delete(LocalFhirServer server, String type, String id) {
        server.client().delete().resourceById(type, id).execute();
    }

    /** Reads, changes and writes back an AuditEvent (a new version). */
    static void touch(LocalFhirServer server, String id) {
        AuditEvent e = server.client().read().resource(AuditEvent.class).withId(id).execute();
        e.setOutcomeDesc("changed " + System.nanoTime());
        server.client().update().resource(e).execute();
    }
}
