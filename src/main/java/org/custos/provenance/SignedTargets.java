package org.custos.provenance;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The targets a Provenance's signatures cover, each with its current content: {@code Provenance.target} in order,
 * read from where the Provenance came from. A versioned reference ("Consent/1/_history/2") still means the current
 * content: a signature holds only as long as the resource it signed is unchanged (a newer version with other content
 * makes it invalid). An absolute reference is read when it points into the Provenance's own server.
 */
record SignedTargets(List<Item> items) {
    /** One target: the reference as written, its type and id, and its current content. */
    record Item(String reference, String type, String id, String versionId, String json) {
        private static Refusal cannot(String reason) {
        return new Refusal(Verdict.Kind.CANNOT_VERIFY, reason);
    }

    String described() {
            return type + "/" + id + (versionId == null ? "" : " (version " + versionId + ")");
        }
    }

    /** The targets; refused (cannot verify) when one cannot be had. */
    static SignedTargets read(JsonNode provenance, SignatureVerifier.Source source, String originBase) throws Refusal {
        List<Item> items = new ArrayList<>();
        JsonNode targets = provenance.path("target");
        if (!targets.isArray() || targets.isEmpty()) {
            throw cannot("the Provenance names no target");
        }
        for (JsonNode t : targets) {
            String ref = t.path("reference").asText("");
            if (ref.isEmpty()) {
                throw cannot("a target has no reference (" + (t.has("identifier") ? "only an identifier" : "empty")
                        + "): there is no content to check the signature against");
            }
            String[] typeId = typeAndId(ref, originBase);
            if (typeId == null) {
                throw cannot("the target " + ref + " is not a resource of " + (originBase == null ? "this cache"
                        : originBase) + ", so its content cannot be had");
            }
            Optional<SignatureVerifier.Target> current;
            try {
                current = source.current(typeId[0], typeId[1]);
            } catch (RuntimeException e) {
                throw cannot("the target " + typeId[0] + "/" + typeId[1] + " could not be read: " + e.getMessage());
            }
            if (current.isEmpty()) {
                throw cannot("the target " + typeId[0] + "/" + typeId[1] + " is not in the cache (nor could it be "
                        + "read from its server)");
            }
            items.add(new Item(ref, typeId[0], typeId[1], current.get().versionId(), current.get().json()));
        }
        return new SignedTargets(items);
    }

    /** Type and id of a relative, versioned or own-server absolute reference; null for anything else. */
    static String[] typeAndId(String ref, String originBase) {
        String r = ref;
        if (r.contains("://")) {
            if (originBase == null || !r.startsWith(originBase + "/")) {
                return null;
            }
            r = r.substring(originBase.length() + 1);
        }
        String[] parts = r.split("/");
        if ((parts.length == 2 || (parts.length == 4 && parts[2].equals("_history")))
                && parts[0].matches("[A-Z][A-Za-z]+") && parts[1].matches("[A-Za-z0-9\\-.]{1,64}")) {
            return new String[]{parts[0], parts[1]};
        }
        return null;
    }

    private static Refusal cannot(String reason) {
        return new Refusal(Verdict.Kind.CANNOT_VERIFY, reason);
    }

    String described() {
        return String.join(", ", items.stream().map(Item::described).toList());
    }
}
