package org.custos.consent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What is asked. Every part but the action may be null (not known); {@code labels} and {@code data} null mean
 * not known, empty means none.
 *
 * @param date      when the action happens (Consent.period, except.period)
 * @param dataDate  the data's own date (dataPeriod)
 * @param dataClass the kind of data, e.g. a resource type
 * @param data      references of the resources concerned (and of those they relate to, as far as known)
 */
public record DecisionRequest(Instant date, List<Actor> actors, Code action, Code purpose, Code dataClass, Code code,
                              List<Code> labels, List<String> data, Instant dataDate) {

    /** A code, with its system when known (null: any system). */
    public record Code(String system, String code) {
        public Code {
            system = system == null || system.isBlank() ? null : FhirValues.normalizeSystem(system.trim());
            code = code == null ? null : code.trim();
        }

        /** {@code CODE}, {@code SYSTEM|CODE} (FHIR token syntax) or {@code SYSTEM#CODE} when SYSTEM is a URI. */
        public static Code parse(String token) {
            if (token == null || token.isBlank()) {
                return null;
            }
            String t = token.trim();
            int bar = t.lastIndexOf('|');
            if (bar >= 0) {
                return new Code(t.substring(0, bar), t.substring(bar + 1));
            }
            int hash = t.lastIndexOf('#');
            if (hash > 0 && t.substring(0, hash).matches("[A-Za-z][A-Za-z0-9+.-]*:.+")) {
                return new Code(t.substring(0, hash), t.substring(hash + 1));
            }
            return new Code(null, t);
        }

        /** Same code, and the same system when both give one. */
        public boolean matches(Code other) {
            return other != null && code != null && code.equals(other.code)
                    && (system == null || other.system == null || system.equals(other.system));
        }

        @Override
        public String toString() {
            return system == null ? code : system + "|" + code;
        }
    }

    /** Someone taking part in the request: a reference ("Practitioner/13") and the role, if known. */
    public record Actor(String reference, Code role) {
        public Actor {
            reference = FhirValues.reference(reference);
        }

        @Override
        public String toString() {
            return role == null ? reference : reference + " (" + role.code() + ")";
        }
    }

    public DecisionRequest {
        actors = actors == null ? List.of() : List.copyOf(actors);
        labels = labels == null ? null : List.copyOf(labels);
        data = data == null ? null : data.stream().map(FhirValues::reference).toList();
    }

    /** A request for this action (a code, or SYSTEM|CODE) with nothing else known. */
    public static DecisionRequest of(String action) {
        return new DecisionRequest(null, List.of(), Code.parse(action), null, null, null, null, null, null);
    }

    public DecisionRequest at(Instant d) {
        return new DecisionRequest(d, actors, action, purpose, dataClass, code, labels, data, dataDate);
    }

    /** Also at this date (a FHIR date or dateTime; a date alone is the start of that UTC day). */
    public DecisionRequest at(String d) {
        return at(Instant.ofEpochMilli(FhirValues.bounds(d)[0]));
    }

    public DecisionRequest actor(String reference, String role) {
        List<Actor> a = new ArrayList<>(actors);
        a.add(new Actor(reference, Code.parse(role)));
        return new DecisionRequest(date, a, action, purpose, dataClass, code, labels, data, dataDate);
    }

    public DecisionRequest purpose(String p) {
        return new DecisionRequest(date, actors, action, Code.parse(p), dataClass, code, labels, data, dataDate);
    }

    public DecisionRequest dataClass(String c) {
        return new DecisionRequest(date, actors, action, purpose, Code.parse(c), code, labels, data, dataDate);
    }

    public DecisionRequest code(String c) {
        return new DecisionRequest(date, actors, action, purpose, dataClass, Code.parse(c), labels, data, dataDate);
    }

    public DecisionRequest labelled(String... l) {
        return new DecisionRequest(date, actors, action, purpose, dataClass, code,
                Arrays.stream(l).map(Code::parse).toList(), data, dataDate);
    }

    public DecisionRequest data(String... refs) {
        return new DecisionRequest(date, actors, action, purpose, dataClass, code, labels, List.of(refs), dataDate);
    }

    public DecisionRequest dataDate(String d) {
        return new DecisionRequest(date, actors, action, purpose, dataClass, code, labels, data,
                Instant.ofEpochMilli(FhirValues.bounds(d)[0]));
    }
}
