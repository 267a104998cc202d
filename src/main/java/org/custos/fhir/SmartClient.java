package org.custos.fhir;

import java.util.List;

/**
 * How Custos signs in to a SMART server: the client id it is registered under at the authorization server, and the
 * scopes to ask for (empty: those the profile's work needs, see {@link SmartScopes#forProfile}).
 */
public record SmartClient(String clientId, List<String> scopes) {
    /** No client set up yet. */
    public static final SmartClient NONE = new SmartClient("", List.of());

    public SmartClient {
        clientId = clientId == null ? "" : clientId.trim();
        scopes = scopes == null ? List.of() : scopes.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** A client whose scopes are given as one space-separated text (as a form or a command line has them). */
    public static SmartClient of(String clientId, String scopes) {
        return new SmartClient(clientId, scopes == null || scopes.isBlank() ? List.of()
                : List.of(scopes.trim().split("\\s+")));
    }

    /** The scopes as one space-separated text. */
    public String scopeText() {
        return String.join(" ", scopes);
    }
}
