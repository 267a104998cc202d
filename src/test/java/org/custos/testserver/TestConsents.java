package org.custos.testserver;

import org.hl7.fhir.dstu3.model.Consent;
import org.hl7.fhir.dstu3.model.IdType;

import java.util.List;

/** Consents for write tests, and what the server holds of them (read straight from it, not through Custos). */
public final class TestConsents {
    private TestConsents() {
    }

    /** A small STU3 Consent whose content differs by {@code note} (its policyRule); no id, no meta. */
    public static String json(String note) {
        return "{\"resourceType\":\"Consent\",\"status\":\"active\",\"patient\":{\"reference\":\"Patient/p-"
                + "outbox\"},\"policyRule\":\"http://example.org/policy/" + note + "\"}";
    }

    /** As {@link #json(String)} with an id and, if not null, a meta.versionId. */
    public static String json(String id, String versionId, String note) {
        return "{\"resourceType\":\"Consent\",\"id\":\"" + id + "\"" + (versionId == null ? ""
                : ",\"meta\":{\"versionId\":\"" + versionId + "\"}") + ",\"status\":\"active\",\"patient\":"
                + "{\"reference\":\"Patient/p-outbox\"},\"policyRule\":\"http://example.org/policy/" + note + "\"}";
    }

    /** The note of a Consent's JSON (its policyRule's last segment). */
    public static String noteOf(Consent c) {
        String rule = c.getPolicyRule();
        return rule == null ? null : rule.substring(rule.lastIndexOf('/') + 1);
    }

    /** The server's current version of Consent/{@code id}. */
    public static Consent current(LocalFhirServer server, String id) {
        return server.client().read().resource(Consent.class).withId(id).execute();
    }

    /**
     * Every version the server keeps of Consent/{@code id}, oldest first, as their notes: versions 1..n of the
     * current version n (HAPI numbers them without gaps), each read by itself (vread). Not {@code _history}: HAPI
     * JPA caches a resource's history count for a while (HistoryCountModeEnum.CACHED_ONLY_WITHOUT_OFFSET) and then
     * cuts a later history to the count it saw before.
     */
    public static List<String> history(LocalFhirServer server, String id) {
        int n = Integer.parseInt(current(server, id).getMeta().getVersionId());
        List<String> out = new java.util.ArrayList<>();
        for (int v = 1; v <= n; v++) {
            Consent c = server.client().read().resource(Consent.class).withIdAndVersion(id, String.valueOf(v))
                    .execute();
            out.add(noteOf(c));
        }
        return out;
    }

    /** Stores Consent/{@code id} with {@code note} directly (someone else's write); returns the new version. */
    public static String putDirectly(LocalFhirServer server, String id, String note) {
        Consent c = server.context().newJsonParser().parseResource(Consent.class, json(note));
        c.setId(new IdType("Consent", id));
        return server.client().update().resource(c).execute().getId().getVersionIdPart();
    }
}
