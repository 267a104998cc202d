package org.custos.testserver;

import org.hl7.fhir.dstu3.model.Bundle;
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

    /** Every version the server keeps of Consent/{@code id}, oldest first, as their notes. */
    public static List<String> history(LocalFhirServer server, String id) {
        Bundle b = server.client().history().onInstance(new IdType("Consent", id)).returnBundle(Bundle.class)
                .count(1000).execute();
        List<Consent> versions = new java.util.ArrayList<>();
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            if (e.getResource() instanceof Consent c) {
                versions.add(c);
            }
        }
        versions.sort(java.util.Comparator.comparingInt(c -> Integer.parseInt(c.getMeta().getVersionId())));
        return versions.stream().map(TestConsents::noteOf).toList();
    }

    /** Stores Consent/{@code id} with {@code note} directly (someone else's write); returns the new version. */
    public static String putDirectly(LocalFhirServer server, String id, String note) {
        Consent c = server.context().newJsonParser().parseResource(Consent.class, json(note));
        c.setId(new IdType("Consent", id));
        return server.client().update().resource(c).execute().getId().getVersionIdPart();
    }
}
