package org.custos.fhir;

import java.time.Instant;
import java.util.List;

/**
 * What a sign-in gave: the access token (held in memory only), when it expires (null: not said), the refresh token
 * (null: none), the OpenID id token (null: none), the scopes granted and the signed-in user's FHIR resource
 * ({@code fhirUser}, null: not said). {@link #toString()} never shows a token.
 */
public record SmartTokens(String accessToken, Instant expires, String refreshToken, String idToken,
                          List<String> scopes, String fhirUser) {
    @Override
    public String toString() {
        return "SmartTokens[expires " + expires + ", scopes " + scopes + (refreshToken == null ? "" : ", refreshable")
                + (fhirUser == null ? "" : ", " + fhirUser) + "]";
    }
}
