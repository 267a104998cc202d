package org.custos.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * "Test connection": reads the server's CapabilityStatement and tries one small search with the profile's
 * credentials, and says in words what works and what does not.
 */
public final class ServerCheck {

    /** What the server says it can do with one resource type. */
    public record TypeSupport(boolean read, boolean search, boolean history) {
    }

    /**
     * @param ok          the server speaks STU3 and the profile's types can be searched with these credentials
     * @param fhirVersion as the server states it (e.g. 3.0.2), or null
     * @param software    the server software's name and version, if it says
     * @param types       per type Custos syncs
     * @param messages    one line per finding, problems first
     */
    public record Result(boolean ok, String fhirVersion, String software, Map<String, TypeSupport> types,
                         List<String> messages) {
    }

    private ServerCheck() {
    }

    public static Result run(ServerProfile profile, Cancellation cancel) {
        List<String> problems = profile.problems();
        if (!problems.isEmpty()) {
            return new Result(false, null, null, Map.of(), problems);
        }
        Redactor redactor = Redactor.of(profile);
        FhirHttp http = new FhirHttp(profile, RetryPolicy.ONCE, cancel, null);
        ObjectNode cs;
        try {
            cs = http.getJson(http.at("metadata"));
        } catch (FhirServerException e) {
            return new Result(false, null, null, Map.of(), List.of(redactor.clean(e.getMessage())));
        }
        String resourceType = cs.path("resourceType").asText("");
        String version = cs.path("fhirVersion").asText(null);
        String software = (cs.path("software").path("name").asText("") + " "
                + cs.path("software").path("version").asText("")).trim();
        List<String> msgs = new ArrayList<>();
        if (resourceType.equals("Conformance")) {
            return new Result(false, version, software, Map.of(), List.of("The server speaks FHIR DSTU2"
                    + (version == null ? "" : " (" + version + ")") + "; Custos needs STU3 (3.0.x)."));
        }
        if (!resourceType.equals("CapabilityStatement")) {
            return new Result(false, version, software, Map.of(), List.of(http.at("metadata") + " is not a FHIR "
                    + "CapabilityStatement (got " + (resourceType.isEmpty() ? "no resourceType" : resourceType)
                    + "). Is the base URL right?"));
        }
        if (version == null || !version.startsWith("3.0")) {
            return new Result(false, version, software, Map.of(), List.of("The server speaks FHIR "
                    + (version == null ? "of an unstated version" : versionName(version) + " (" + version + ")")
                    + "; Custos needs STU3 (3.0.x)."));
        }
        Map<String, TypeSupport> types = new LinkedHashMap<>();
        for (String t : ServerProfile.SYNC_TYPES) {
            types.put(t, support(cs, t));
        }
        boolean ok = true;
        for (String t : profile.typesToSync()) {
            TypeSupport s = types.get(t);
            if (!s.search()) {
                ok = false;
                msgs.add("The server does not offer searching " + t + ": Custos cannot sync it from here.");
            } else if (!s.history() && !profile.patientMode()) {
                // (patient mode reads no type history in any case: it would list other patients)
                msgs.add(t + ": the server has no _history, so deletes on the server will not reach the cache.");
            }
        }
        String probeType = profile.typesToSync().stream().filter(t -> types.get(t).search()).findFirst()
                .orElse(null);
        if (probeType != null) {
            try {
                ObjectNode b = http.getJson(http.at(probeType + "?_count=1&_total=accurate"
                        + profile.patientParameter(probeType)));
                JsonNode total = b.get("total");
                msgs.add("Searching " + probeType + " works with these credentials"
                        + (total != null && total.isNumber() ? ": " + total.asLong() + " on the server." : "."));
            } catch (FhirServerException e) {
                ok = false;
                msgs.add(0, redactor.clean(e.getMessage()));
            }
        }
        // problems first, then what the server is
        msgs.add(ok ? 0 : msgs.size(), "FHIR " + version + " (STU3)" + (software.isEmpty() ? "" : ", " + software)
                + ".");
        return new Result(ok, version, software, types, msgs);
    }

    private static String versionName(String v) {
        if (v.startsWith("1.0")) {
            return "DSTU2";
        }
        if (v.startsWith("4.0")) {
            return "R4";
        }
        if (v.startsWith("4.3")) {
            return "R4B";
        }
        if (v.startsWith("5.")) {
            return "R5";
        }
        return "version " + v;
    }

    private static TypeSupport support(JsonNode cs, String type) {
        boolean read = false;
        boolean search = false;
        boolean history = false;
        for (JsonNode rest : cs.path("rest")) {
            if (!"server".equals(rest.path("mode").asText("server"))) {
                continue;
            }
            for (JsonNode r : rest.path("resource")) {
                if (!type.equals(r.path("type").asText())) {
                    continue;
                }
                for (JsonNode i : r.path("interaction")) {
                    switch (i.path("code").asText()) {
                        case "read" -> read = true;
                        case "search-type" -> search = true;
                        case "history-type" -> history = true;
                        default -> { }
                    }
                }
            }
        }
        return new TypeSupport(read, search, history);
    }
}
