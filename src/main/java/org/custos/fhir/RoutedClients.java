package org.custos.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.apache.ApacheRestfulClientFactory;
import org.apache.http.client.HttpClient;

import java.util.function.Supplier;

/**
 * The restful client factory of the application's one FhirContext. HAPI's generic client builds each request's HTTP
 * client from the context's factory (not from the factory that made the generic client), so a writer's own client —
 * its profile's timeouts, TLS (CA file, client certificate), no redirects, no automatic retries — is handed out here
 * for the calls that writer makes on its thread ({@link #using}); other calls get HAPI's default client.
 */
final class RoutedClients extends ApacheRestfulClientFactory {
    private final ThreadLocal<HttpClient> current = new ThreadLocal<>();

    RoutedClients(FhirContext context) {
        super(context);
    }

    /** Runs {@code call} (one or more generic-client requests on this thread) with {@code client}. */
    <T> T using(HttpClient client, Supplier<T> call) {
        HttpClient before = current.get();
        current.set(client);
        try {
            return call.get();
        } finally {
            if (before == null) {
                current.remove();
            } else {
                current.set(before);
            }
        }
    }

    @Override
    public synchronized HttpClient getNativeHttpClient() {
        HttpClient c = current.get();
        return c != null ? c : super.getNativeHttpClient();
    }
}
