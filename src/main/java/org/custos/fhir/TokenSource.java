package org.custos.fhir;

import java.util.List;

/**
 * Where a profile's bearer token comes from when it is not a fixed one: a signed-in SMART session
 * ({@link SmartSession}), which renews it. Held in memory only, never saved with the profile.
 */
public interface TokenSource {
    /** The token to send now (renewed first when it is about to expire). */
    String bearer();

    /** The server answered 401 to {@code used}: the token to try once more with (renewed when it still was current). */
    String afterUnauthorized(String used);

    /** The secrets a message must never show (the current tokens). */
    List<String> secrets();

    /** The scopes granted, as far as known (for naming a missing one). */
    default List<String> grantedScopes() {
        return List.of();
    }

    /** The FHIR resource of who signed in ({@code fhirUser}, e.g. {@code Patient/123}), or null when not said. */
    default String signedInAs() {
        return null;
    }

    /** Whose scopes: {@code user} for a person signed in, {@code system} for backend services. */
    default String scopeContext() {
        return "user";
    }

    /** Whether the server speaks SMART v2 scopes ({@code .rs}, {@code .cud}). */
    default boolean v2Scopes() {
        return false;
    }
}
