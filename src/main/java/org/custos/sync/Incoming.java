package org.custos.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.cache.AuditExtractor;
import org.custos.cache.AuditStore;
import org.custos.cache.IncomingResource;
import org.custos.cache.InvalidResourceException;
import org.custos.cache.QuarantineEntry;

import java.util.Set;

/**
 * What happens to one resource read from a file or a server: the cache keeps it (an AuditEvent with its search
 * row, or a Consent / Provenance / Patient / Practitioner / Organization / RelatedPerson as it came, or a resource of
 * another type that contains a Provenance), skips it (a type Custos does not keep) or quarantines it, with why.
 */
final class Incoming {
    /** The types kept raw with their versions besides AuditEvent (Consent, Provenance and the people). */
    static final java.util.List<String> RESOURCE_TYPES = java.util.List.of("Consent", "Provenance", "Patient",
            "Practitioner", "Organization", "RelatedPerson");
    static final Set<String> KEPT_TYPES = Set.of("AuditEvent", "Consent", "Provenance", "Patient", "Practitioner",
            "Organization", "RelatedPerson");

    sealed interface Result permits Audit, Other, Skipped, Bad {
    }

    record Audit(AuditStore.Item item) implements Result {
    }

    record Other(IncomingResource resource) implements Result {
    }

    record Skipped(String type) implements Result {
    }

    record Bad(QuarantineEntry entry) implements Result {
    }

    private Incoming() {
    }

    /**
     * A resource of a type Custos does not keep is kept all the same when it carries a Provenance in {@code contained}
     * (the signature of a MedicationRequest, a Task): the Provenance list shows it, and its raw text is the evidence.
     */
    static boolean containsProvenance(ObjectNode tree) {
        for (com.fasterxml.jackson.databind.JsonNode c : tree.path("contained")) {
            if ("Provenance".equals(c.path("resourceType").asText(null))) {
                return true;
            }
        }
        return false;
    }

    /** Sorts a resource (not a Bundle) whose resourceType is {@code type}. */
    static Result sort(ObjectNode tree, String type, String fallbackId, String where) {
        if (!KEPT_TYPES.contains(type) && !containsProvenance(tree)) {
            return new Skipped(type);
        }
        IncomingResource r = IncomingResource.of(tree, fallbackId, where);
        if (r.id() == null) {
            r = r.withId("h" + Long.toHexString(r.contentHash()));
        } else if (!Importer.FHIR_ID.matcher(r.id()).matches()) {
            return new Bad(new QuarantineEntry(where, type, r.id(), "'" + r.id() + "' is not a valid FHIR id "
                    + "(letters, digits, '-' and '.', at most 64)", r.json()));
        }
        if (!type.equals("AuditEvent")) {
            return new Other(r);
        }
        try {
            return new Audit(new AuditStore.Item(r, AuditExtractor.extract(tree)));
        } catch (InvalidResourceException e) {
            return new Bad(new QuarantineEntry(where, type, r.id(), e.getMessage(), r.json()));
        }
    }
}
