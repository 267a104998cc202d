package org.custos.sync;

import org.custos.testserver.LocalFhirServer;
import org.hl7.fhir.dstu3.model.AuditEvent;
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
        return server.postAuditEvents(n, seed);
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
        return server.post(rs);
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
        return server.post(rs);
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

    /** The ids of every AuditEvent in the cache, read from the stored resources. */
    static java.util.Set<String> cachedAuditIds(org.custos.cache.Cache cache) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        cache.audit().forEachRaw(raw -> ids.add(raw.replaceAll("(?s).*?\"id\":\"([^\"]+)\".*", "$1")));
        return ids;
    }
}
