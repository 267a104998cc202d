package org.custos.fhir;

import org.custos.fhir.FhirServerException.Kind;

/**
 * A signed-in session's token on each write (renewed as it nears expiry); a 401 to it renews it for the next
 * attempt (the write itself stays in the outbox and goes again).
 */
final class SessionBearer implements ca.uhn.fhir.rest.client.api.IClientInterceptor {
    private final TokenSource tokens;
    private volatile String last;

    SessionBearer(TokenSource tokens) {
        this.tokens = tokens;
    }

    /** The profile's session; a SMART profile nobody signed in to sends nothing and says "sign in first". */
    static SessionBearer of(ServerProfile profile) {
        if (profile.tokens() != null) {
            return new SessionBearer(profile.tokens());
        }
        return new SessionBearer(new TokenSource() {
            @Override
            public String bearer() {
                return profile.bearer();
            }

            @Override
            public String afterUnauthorized(String used) {
                return profile.bearer();
            }

            @Override
            public java.util.List<String> secrets() {
                return java.util.List.of();
            }
        });
    }

    @Override
    public void interceptRequest(ca.uhn.fhir.rest.client.api.IHttpRequest request) {
        String t;
        try {
            t = tokens.bearer();
        } catch (SmartException e) {
            throw new FhirServerException(Kind.UNAUTHORIZED, 0, e.getMessage());
        }
        last = t;
        request.addHeader("Authorization", "Bearer " + t);
    }

    @Override
    public void interceptResponse(ca.uhn.fhir.rest.client.api.IHttpResponse response) {
        if (response.getStatus() == 401) {
            try {
                tokens.afterUnauthorized(last);
            } catch (SmartException e) {
                // the session has ended: the next request says "sign in again"
            }
        }
    }
}
