package org.custos.fhir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a FHIR server's authorization server takes sign-ins: discovered from {@code [base]/.well-known/
 * smart-configuration}, else (STU3 servers that only have it) from the CapabilityStatement's {@code oauth-uris}
 * extension. The endpoints must be https (plain http only on this machine's loopback address), and a server that
 * lists its PKCE methods must offer S256 (Custos uses no other).
 */
public record SmartConfiguration(URI authorization, URI token, URI revocation, List<String> capabilities,
                                 List<String> codeChallengeMethods, List<String> scopesSupported, String source) {
    static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    /** Reads the server's SMART configuration (with the profile's own credentials, if it has any). */
    public static SmartConfiguration discover(FhirHttp http) {
        URI base = http.base();
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && ServerProfile.isLoopback(base.getHost()))) {
            // whoever sits between could name their own endpoints, and the browser, code and verifier would go there
            throw new SmartException("Custos signs in only to a server reached over https (or on this machine): "
                    + base + " is plain http.");
        }
        ObjectNode wellKnown = null;
        String why = null;
        try {
            wellKnown = http.getJson(http.at(".well-known/smart-configuration"));
        } catch (FhirServerException e) {
            why = e.getMessage();
        }
        if (wellKnown != null && wellKnown.hasNonNull("authorization_endpoint")) {
            return fromWellKnown(wellKnown, http.base() + "/.well-known/smart-configuration");
        }
        ObjectNode cs;
        try {
            cs = http.getJson(http.at("metadata"));
        } catch (FhirServerException e) {
            throw new SmartException("The server " + http.base() + " says nothing of SMART sign-in: no "
                    + ".well-known/smart-configuration" + (why == null ? "" : " (" + why + ")") + ", and its "
                    + "CapabilityStatement cannot be read: " + e.getMessage());
        }
        for (JsonNode rest : cs.path("rest")) {
            for (JsonNode ext : rest.path("security").path("extension")) {
                if (OAUTH_URIS.equals(ext.path("url").asText())) {
                    URI authorize = null;
                    URI token = null;
                    URI revoke = null;
                    for (JsonNode e : ext.path("extension")) {
                        String v = e.path("valueUri").asText(null);
                        switch (e.path("url").asText()) {
                            case "authorize" -> authorize = uri(v);
                            case "token" -> token = uri(v);
                            case "revoke" -> revoke = uri(v);
                            default -> { }
                        }
                    }
                    if (authorize != null && token != null) {
                        return new SmartConfiguration(authorize, token, revoke, List.of(), List.of(), List.of(),
                                http.base() + "/metadata (oauth-uris)");
                    }
                }
            }
        }
        throw new SmartException("The server " + http.base() + " says nothing of SMART sign-in: neither "
                + ".well-known/smart-configuration nor its CapabilityStatement names an authorization server. It "
                + "may take HTTP Basic or a bearer token instead.");
    }

    static SmartConfiguration fromWellKnown(JsonNode n, String source) {
        URI authorize = uri(n.path("authorization_endpoint").asText(null));
        URI token = uri(n.path("token_endpoint").asText(null));
        if (authorize == null || token == null) {
            throw new SmartException("The SMART configuration at " + source + " lacks its authorization or token "
                    + "endpoint.");
        }
        return new SmartConfiguration(authorize, token, uri(n.path("revocation_endpoint").asText(null)),
                texts(n.path("capabilities")), texts(n.path("code_challenge_methods_supported")),
                texts(n.path("scopes_supported")), source);
    }

    /**
     * Refuses what Custos will not sign in to: an endpoint over plain http to another machine (the code and the
     * tokens would travel in the clear), or a server whose PKCE methods do not include S256.
     */
    public void refuseUnsafe() {
        for (URI u : new URI[]{authorization, token, revocation}) {
            if (u == null) {
                continue;
            }
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !(scheme.equals("http") && ServerProfile.isLoopback(u.getHost()))) {
                throw new SmartException("The authorization server's endpoint " + u + " is not https: Custos does "
                        + "not send a sign-in over plain http to another machine.");
            }
        }
        if (!codeChallengeMethods.isEmpty() && !codeChallengeMethods.contains("S256")) {
            throw new SmartException("The authorization server offers PKCE " + codeChallengeMethods + " but not "
                    + "S256, the only method Custos uses.");
        }
    }

    private static URI uri(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            URI u = new URI(s.trim());
            return u.isAbsolute() ? u : null;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static List<String> texts(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return List.copyOf(out);
    }
}
