package org.custos.testserver;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link LocalFhirServer} per test JVM, started when a test first asks for it and shared by every test class
 * that uses this extension:
 *
 * <pre>{@code
 * @ExtendWith(FhirServerExtension.class)
 * class SyncTest {
 *     @BeforeAll
 *     static void clean(LocalFhirServer server) {
 *         server.purge();   // the server may hold another class's data
 *     }
 *
 *     @Test
 *     void pages(LocalFhirServer server) { ... server.baseUrl() ... }
 * }
 * }</pre>
 *
 * <p>The server lives in the root {@link ExtensionContext.Store} and is closed (Jetty stopped, Spring context closed)
 * when the whole test run ends. Classes share it: each one purges or uses ids of its own, and puts back what it
 * changes ({@link LocalFhirServer#purge()} also resets the page sizes).
 */
public final class FhirServerExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FhirServerExtension.class);
    private static final AtomicInteger STARTED = new AtomicInteger();

    /** How many servers this extension has started in this JVM (1 once any test asked, never more). */
    public static int serversStarted() {
        return STARTED.get();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalFhirServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server(extensionContext);
    }

    /** The shared server, started on first use. */
    public static LocalFhirServer server(ExtensionContext context) {
        // a value that is AutoCloseable is closed with the root context (JUnit 5.13+; CloseableResource is deprecated)
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(LocalFhirServer.class, key -> {
            LocalFhirServer server = LocalFhirServer.start(0);
            STARTED.incrementAndGet();
            return server;
        }, LocalFhirServer.class);
    }
}
