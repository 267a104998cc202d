package org.custos.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.AuditExtractor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the rules read of one stored AuditEvent: who (the requesting agents), about whom (the patients), why (every
 * purpose code) and what (type, outcome). Lenient: an element of an unexpected shape is taken as absent.
 *
 * @param users    the requesting agents (requestor true), else the first agent; each with a key
 * @param purposes every code of purposeOfEvent and of the agents' purposeOfUse
 */
public record EventSignals(String typeCode, String outcome, List<User> users, List<AuditExtractor.PatientRef> patients,
                           Set<String> purposes, String trailId) {
    private static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";

    /**
     * One user: {@code key} is the agent's userId value, else its reference (without version), else its name;
     * {@code reference} and {@code name} as the event gives them (the name: agent.name, else the reference's display).
     */
    public record User(String key, String reference, String name) {
    }

    public EventSignals {
        users = List.copyOf(users);
        patients = List.copyOf(patients);
        purposes = Set.copyOf(purposes);
    }

    /** A failed login: type DICOM 110114 (User Authentication) with an outcome other than 0. */
    public boolean failedLogin() {
        return "110114".equals(typeCode) && outcome != null && !outcome.equals("0");
    }

    public static EventSignals read(ObjectMapper mapper, byte[] json) throws IOException {
        JsonNode ev = mapper.readTree(json);
        if (ev == null || !ev.isObject()) {
            throw new IOException("not a JSON object");
        }
        JsonNode type = ev.path("type");
        String system = text(type.get("system"));
        String typeCode = system == null || DICOM.equals(system) ? text(type.get("code")) : null;
        Set<String> purposes = new LinkedHashSet<>();
        codes(ev.get("purposeOfEvent"), purposes);
        List<User> requestors = new ArrayList<>();
        User first = null;
        for (JsonNode a : array(ev.get("agent"))) {
            codes(a.get("purposeOfUse"), purposes);
            String ref = AuditExtractor.stripHistory(text(a.path("reference").get("reference")));
            String userId = text(a.path("userId").get("value"));
            String name = text(a.get("name"));
            if (name == null) {
                name = text(a.path("reference").get("display"));
            }
            String key = userId != null ? userId : ref != null ? ref : name;
            User u = key == null ? null : new User(key.trim(), ref, name);
            if (first == null && u != null) {
                first = u;
            }
            if (u != null && a.path("requestor").asBoolean(false)) {
                requestors.add(u);
            }
        }
        List<User> users = !requestors.isEmpty() ? requestors : first == null ? List.of() : List.of(first);
        List<AuditExtractor.PatientRef> patients;
        try {
            patients = AuditExtractor.patients(ev);
        } catch (RuntimeException e) {
            patients = List.of(); // an entity of an odd shape (stored before it was checked): names no one
        }
        // a copy of a Custos trail event (sent to a server, synced back) carries its Custos id as a tag
        String trailId = null;
        for (JsonNode t : array(ev.path("meta").get("tag"))) {
            if (org.custos.cache.TrailWrites.TAG.equals(text(t.get("system")))) {
                trailId = text(t.get("code"));
            }
        }
        return new EventSignals(typeCode, text(ev.get("outcome")), users, patients, purposes, trailId);
    }

    private static void codes(JsonNode concepts, Set<String> out) {
        for (JsonNode cc : array(concepts)) {
            for (JsonNode c : array(cc.get("coding"))) {
                String code = text(c.get("code"));
                if (code != null) {
                    out.add(code);
                }
            }
        }
    }

    private static Iterable<JsonNode> array(JsonNode n) {
        return n != null && n.isArray() ? n : List.of();
    }

    private static String text(JsonNode n) {
        return n != null && n.isValueNode() && !n.isNull() && !n.asText().isBlank() ? n.asText().trim() : null;
    }
}
