package org.custos.fhir;

import java.net.http.HttpClient;

/**
 * One server's connections (an HTTP client and its threads) and the limits on what is read from it, shared by the
 * {@link FhirHttp} instances of one sync run. Only this package sees the HTTP client inside.
 */
public final class ServerConnection {
    private final HttpClient client;
    private final BodyLimits limits;

    ServerConnection(HttpClient client, BodyLimits limits) {
        this.client = client;
        this.limits = limits;
    }

    HttpClient client() {
        return client;
    }

    public BodyLimits limits() {
        return limits;
    }
}
