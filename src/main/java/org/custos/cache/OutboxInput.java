package org.custos.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.regex.Pattern;

/** What {@link OutboxStore} accepts: FHIR identities and version ids, and JSON objects of the resource's type. */
final class OutboxInput {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");

    /** Its own mapper (configurable, so not shared). */
    private final ObjectMapper mapper = new ObjectMapper();

    void checkIdentity(String type, String id) {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("Not a FHIR resource type: '" + type + "'.");
        }
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("Not a FHIR id (1-64 letters, digits, '-' or '.'): '" + id + "'.");
        }
    }

    /** A version id the server could have given (null: none). */
    void checkVersion(String versionId) {
        if (versionId != null && !ID.matcher(versionId).matches()) {
            throw new IllegalArgumentException("Not a FHIR version id: '" + versionId + "'.");
        }
    }

    /** The JSON must be an object of this resource type (its FHIR validity is the server's to judge). */
    void checkJson(String type, String json) {
        if (json == null || json.isBlank()) {
            throw new IllegalArgumentException("Nothing to send: the " + type + " is empty.");
        }
        JsonNode n;
        try {
            n = mapper.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("The " + type + " to send is not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("The " + type + " to send is not a JSON object.");
        }
        String actual = n.path("resourceType").asText("");
        if (!type.equals(actual)) {
            throw new IllegalArgumentException("Expected a " + type + " to send, got "
                    + (actual.isEmpty() ? "JSON without resourceType" : "a " + actual) + ".");
        }
    }
}
