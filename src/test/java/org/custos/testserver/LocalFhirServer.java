package org.custos.testserver;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.api.model.ExpungeOptions;
import ca.uhn.fhir.jpa.provider.JpaSystemProvider;
import ca.uhn.fhir.jpa.provider.dstu3.JpaConformanceProviderDstu3;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.dbcp2.BasicDataSource;
import org.custos.demo.DemoGenerator;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.hl7.fhir.dstu3.model.AuditEvent;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.Bundle.BundleType;
import org.hl7.fhir.dstu3.model.Bundle.HTTPVerb;
import org.hl7.fhir.dstu3.model.Consent;
import org.hl7.fhir.dstu3.model.Meta;
import org.hl7.fhir.dstu3.model.Provenance;
import org.hl7.fhir.dstu3.model.Resource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * A real STU3 HAPI FHIR JPA server (H2 in memory) on Jetty, in this JVM, bound to 127.0.0.1 only. For tests (share
 * one through {@link FhirServerExtension}: it takes 10-15 s to start) and for trying the app without a server
 * ({@link LocalFhirServerMain}).
 *
 * <p>Settings: placeholder reference targets are created automatically, deletes and {@code $expunge} are allowed
 * (referential integrity on delete is off), search results are never reused from HAPI's search cache, paging is
 * {@link DatabaseBackedPagingProvider} (default page size {@value #DEFAULT_PAGE_SIZE}, maximum
 * {@value #DEFAULT_MAX_PAGE_SIZE} unless changed), the default response encoding is JSON. Server-assigned ids are UUIDs
 * (see {@link LocalFhirServerConfig}).
 *
 * <p>{@code next} links are built from the address the request came in on (HAPI's default): a client that called
 * {@code http://127.0.0.1:PORT/fhir} gets {@code http://127.0.0.1:PORT/fhir?_getpages=<uuid>&_getpagesoffset=100
 * &_count=100&_bundletype=searchset} back for a search (a stored search; searchsets carry no {@code total} unless
 * {@code _total=accurate}), and {@code http://127.0.0.1:PORT/fhir/AuditEvent/_history?_count=100&_offset=100
 * &_since=...} for a history (the query runs again at an offset; the last next link may lead to an empty page).
 */
public final class LocalFhirServer implements AutoCloseable {

    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int DEFAULT_MAX_PAGE_SIZE = 1000;
    /** Entries per transaction Bundle when seeding. */
    public static final int SEED_BUNDLE_SIZE = 500;

    private static final AtomicInteger STARTS = new AtomicInteger();

    private final Server jetty;
    private final AnnotationConfigApplicationContext spring;
    private final BasicDataSource dataSource;
    private final DatabaseBackedPagingProvider paging;
    private final IFhirSystemDao<Bundle, Meta> systemDao;
    private final String baseUrl;
    private final FhirContext clientContext;
    private final IGenericClient client;
    private final Duration startup;
    private volatile boolean closed;

    private LocalFhirServer(Server jetty, AnnotationConfigApplicationContext spring, BasicDataSource dataSource,
            DatabaseBackedPagingProvider paging, IFhirSystemDao<Bundle, Meta> systemDao, String baseUrl,
            Duration startup) {
        this.jetty = jetty;
        this.spring = spring;
        this.dataSource = dataSource;
        this.paging = paging;
        this.systemDao = systemDao;
        this.baseUrl = baseUrl;
        this.startup = startup;
        this.clientContext = FhirContext.forDstu3();
        this.clientContext.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        // seeding a cold server on a loaded 2-core machine took longer than HAPI's 10 s default (read timed out)
        this.clientContext.getRestfulClientFactory().setSocketTimeout(120_000);
        this.client = clientContext.newRestfulGenericClient(baseUrl);
    }

    /**
     * Starts a server on 127.0.0.1:{@code port} ({@code 0}: a free port chosen by the system) with an empty
     * database of its own. Blocks until it answers; close it to stop Jetty and the Spring context.
     */
    @SuppressWarnings("unchecked")
    public static LocalFhirServer start(int port) {
        long t0 = System.nanoTime();
        int n = STARTS.incrementAndGet();
        BasicDataSource ds = new BasicDataSource();
        ds.setDriverClassName("org.h2.Driver");
        ds.setUrl("jdbc:h2:mem:custos-local-fhir-" + n + ";DB_CLOSE_DELAY=-1");
        ds.setUsername("sa");
        ds.setPassword("");
        ds.setMaxTotal(20);

        AnnotationConfigApplicationContext spring = new AnnotationConfigApplicationContext();
        Server jetty = null;
        try {
            spring.getBeanFactory().registerSingleton("dataSource", ds);
            spring.register(LocalFhirServerConfig.class);
            spring.refresh();

            FhirContext serverContext = spring.getBean(FhirContext.class);
            JpaStorageSettings settings = spring.getBean(JpaStorageSettings.class);
            IFhirSystemDao<Bundle, Meta> systemDao = spring.getBean(IFhirSystemDao.class);
            DatabaseBackedPagingProvider paging = spring.getBean(DatabaseBackedPagingProvider.class);
            paging.setDefaultPageSize(DEFAULT_PAGE_SIZE);
            paging.setMaximumPageSize(DEFAULT_MAX_PAGE_SIZE);

            RestfulServer rest = restfulServer(spring, serverContext, paging, systemDao, settings);

            QueuedThreadPool threads = new QueuedThreadPool(32, 4);
            threads.setName("custos-fhir-jetty");
            jetty = new Server(threads);
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(port);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            ServletHolder holder = new ServletHolder("fhir", rest);
            holder.setInitOrder(1);
            context.addServlet(holder, "/fhir/*");
            // the same data under /smart/fhir, where SmartGuard wants a SMART token (the interceptor service is
            // shared: the guard passes requests to /fhir)
            SmartGuard guard = new SmartGuard();
            RestfulServer smart = restfulServer(spring, serverContext, paging, systemDao, settings);
            smart.registerInterceptor(guard);
            smart.registerInterceptor(new PatientCompartmentGuard()); // after the guard: it reads the claims
            ServletHolder smartHolder = new ServletHolder("smart", smart);
            smartHolder.setInitOrder(2);
            context.addServlet(smartHolder, "/smart/fhir/*");
            // its SMART configuration, naming the authorization server the guard trusts (404 while it trusts none)
            context.addServlet(new ServletHolder("smart-configuration", new jakarta.servlet.http.HttpServlet() {
                @Override
                protected void doGet(jakarta.servlet.http.HttpServletRequest req,
                                     jakarta.servlet.http.HttpServletResponse resp) throws java.io.IOException {
                    String json = guard.wellKnown();
                    if (json == null) {
                        resp.sendError(404);
                        return;
                    }
                    resp.setContentType("application/json");
                    resp.getOutputStream().write(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }), "/smart/fhir/.well-known/smart-configuration");
            jetty.setHandler(context);
            jetty.setStopTimeout(2_000);
            jetty.start();

            String base = "http://127.0.0.1:" + connector.getLocalPort() + "/fhir";
            LocalFhirServer server = new LocalFhirServer(jetty, spring, ds, paging, systemDao, base,
                Duration.ofNanos(System.nanoTime() - t0));
            server.guard = guard;
            return server;
        } catch (Exception | Error e) {
            stopQuietly(jetty);
            spring.close();
            shutdownDatabase(ds);
            if (e instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("The local FHIR server did not start: " + e, e);
        }
    }

    /** A RESTful server on the JPA storage (the shared interceptor service, providers, paging, JSON). */
    private static RestfulServer restfulServer(AnnotationConfigApplicationContext spring, FhirContext serverContext,
                                               DatabaseBackedPagingProvider paging,
                                               IFhirSystemDao<Bundle, Meta> systemDao, JpaStorageSettings settings) {
        RestfulServer rest = new RestfulServer(serverContext);
        rest.setInterceptorService(spring.getBean(IInterceptorService.class));
        rest.registerProviders(spring.getBean("myResourceProvidersDstu3", ResourceProviderFactory.class)
            .createProviders());
        rest.registerProvider(spring.getBean(JpaSystemProvider.class));
        rest.setPagingProvider(paging);
        rest.setDefaultResponseEncoding(EncodingEnum.JSON);
        JpaConformanceProviderDstu3 conformance = new JpaConformanceProviderDstu3(rest, systemDao, settings,
            spring.getBean(ISearchParamRegistry.class));
        conformance.setImplementationDescription("Custos local FHIR server (HAPI JPA, STU3, H2 in memory)");
        rest.setServerConformanceProvider(conformance);
        return rest;
    }

    /** How many servers this JVM has started (tests check that one is shared). */
    public static int starts() {
        return STARTS.get();
    }

    private SmartGuard guard;

    /** The same server under {@code /smart/fhir}, where a SMART token is needed (see {@link #guard()}). */
    public String smartBaseUrl() {
        return baseUrl.replace("/fhir", "/smart/fhir");
    }

    /** What {@link #smartBaseUrl()} accepts: trusts no authorization server until told. */
    public SmartGuard guard() {
        return guard;
    }

    /** e.g. {@code http://127.0.0.1:8091/fhir}, no trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** Time from {@link #start(int)} to the server answering. */
    public Duration startupTime() {
        return startup;
    }

    /** A DSTU3 context for clients and test data (not the server's own). */
    public FhirContext context() {
        return clientContext;
    }

    /** A generic client on {@link #baseUrl()} (no metadata check). */
    public IGenericClient client() {
        return client;
    }

    /** Largest page a search returns; a larger {@code _count} is cut to it. Takes effect at the next request. */
    public void setMaxPageSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("page size must be >= 1: " + size);
        }
        paging.setMaximumPageSize(size);
    }

    public int maxPageSize() {
        return paging.getMaximumPageSize();
    }

    /** Page size of a search without {@code _count}. */
    public void setDefaultPageSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("page size must be >= 1: " + size);
        }
        paging.setDefaultPageSize(size);
    }

    public int defaultPageSize() {
        return paging.getDefaultPageSize();
    }

    /**
     * Removes every resource, all history and the stored searches ({@code $expunge} with everything), and puts the
     * page sizes back to their defaults: the server is as after start.
     */
    public void purge() {
        systemDao.expunge(new ExpungeOptions().setExpungeEverything(true), new SystemRequestDetails());
        paging.setDefaultPageSize(DEFAULT_PAGE_SIZE);
        paging.setMaximumPageSize(DEFAULT_MAX_PAGE_SIZE);
    }

    /** Resource counts per type, straight from the database (placeholders included). */
    public Map<String, Long> resourceCounts() {
        return new TreeMap<>(systemDao.getResourceCounts());
    }

    /**
     * Creates {@code n} demo AuditEvents (generator seed {@code seed}) through the REST API in one transaction, as
     * any client would: POSTs, so the server assigns the ids (returned) and gives them one _lastUpdated instant.
     */
    public List<String> postAuditEvents(int n, long seed) {
        List<Resource> events = new ArrayList<>();
        for (AuditEvent e : new DemoGenerator(context(), seed).events(0, n)) {
            e.setId((String) null);
            events.add(e);
        }
        return post(events);
    }

    /** POSTs the resources through the REST API in one transaction; returns the ids the server gave them. */
    public List<String> post(List<? extends Resource> resources) {
        Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
        for (Resource r : resources) {
            tx.addEntry().setResource(r).getRequest().setMethod(HTTPVerb.POST).setUrl(r.fhirType());
        }
        List<String> ids = new ArrayList<>();
        for (Bundle.BundleEntryComponent entry : client().transaction().withBundle(tx).execute().getEntry()) {
            ids.add(entry.getResponse().getLocation().split("/")[1]); // "AuditEvent/<id>/_history/1"
        }
        return ids;
    }

    /**
     * Loads the demo hospital: {@code gen.directory()} (Organization, Practitioners, Patients), AuditEvents
     * {@code 0..events-1} of {@code gen}, then {@value SeedData#CONSENTS} Consents and {@value SeedData#PROVENANCES}
     * Provenances (see {@link SeedData}). Everything is written with PUT (client ids), in transaction Bundles of
     * {@value #SEED_BUNDLE_SIZE} entries, in this JVM (no HTTP). HAPI gives all resources of one transaction, and the
     * placeholders it creates, the same {@code meta.lastUpdated}: the instant the transaction <em>started</em>,
     * seconds before it commits. So 500 AuditEvents share each instant. Seeding twice with the same generator
     * writes new versions of the same resources. References to resources the demo does not hold (Observation/123,
     * Encounter/...) get placeholder resources, which {@link #resourceCounts()} counts too.
     */
    public SeedResult seed(DemoGenerator gen, int events) {
        return seed(gen, events, SEED_BUNDLE_SIZE);
    }

    /**
     * As {@link #seed(DemoGenerator, int)}, with {@code bundleSize} entries per transaction: 1 gives every
     * resource an instant of its own (about half the rate), larger bundles make more resources share one.
     */
    public SeedResult seed(DemoGenerator gen, int events, int bundleSize) {
        if (events < 0) {
            throw new IllegalArgumentException("events must be >= 0: " + events);
        }
        if (bundleSize < 1) {
            throw new IllegalArgumentException("bundleSize must be >= 1: " + bundleSize);
        }
        long t0 = System.nanoTime();
        List<Resource> directory = gen.directory();
        transactions(directory, bundleSize);
        long tDirectory = System.nanoTime();
        int chunk = Math.max(bundleSize, 100);
        for (int from = 0; from < events; from += chunk) {
            List<AuditEvent> part = gen.events(from, Math.min(chunk, events - from));
            transactions(new ArrayList<>(part), bundleSize);
        }
        long tEvents = System.nanoTime();
        List<Consent> consents = SeedData.consents(gen, directory);
        List<Provenance> provenances = SeedData.provenances(gen, directory, events);
        List<Resource> extra = new ArrayList<>(consents);
        extra.addAll(provenances);
        transactions(extra, bundleSize);
        long tEnd = System.nanoTime();
        return new SeedResult(directory.size(), events, consents.size(), provenances.size(),
            Duration.ofNanos(tDirectory - t0), Duration.ofNanos(tEvents - tDirectory), Duration.ofNanos(tEnd - t0));
    }

    private void transactions(List<Resource> resources, int bundleSize) {
        for (int from = 0; from < resources.size(); from += bundleSize) {
            Bundle tx = new Bundle().setType(BundleType.TRANSACTION);
            for (Resource r : resources.subList(from, Math.min(resources.size(), from + bundleSize))) {
                String url = r.fhirType() + "/" + r.getIdElement().getIdPart();
                tx.addEntry().setFullUrl(url).setResource(r).getRequest().setMethod(HTTPVerb.PUT).setUrl(url);
            }
            systemDao.transaction(new SystemRequestDetails(), tx);
        }
    }

    /** What {@link #seed} wrote and how long it took. */
    public record SeedResult(int directory, int auditEvents, int consents, int provenances,
            Duration directoryTime, Duration auditEventTime, Duration total) {

        public int resources() {
            return directory + auditEvents + consents + provenances;
        }

        /** AuditEvents per second while the events were written. */
        public double auditEventsPerSecond() {
            double s = auditEventTime.toNanos() / 1e9;
            return s == 0 ? 0 : auditEvents / s;
        }

        public double resourcesPerSecond() {
            double s = total.toNanos() / 1e9;
            return s == 0 ? 0 : resources() / s;
        }
    }

    /** Stops Jetty, closes the Spring context and drops the in-memory database. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly(jetty);
        spring.close();
        shutdownDatabase(dataSource);
    }

    private static void stopQuietly(Server jetty) {
        if (jetty == null) {
            return;
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            // closing anyway; nothing more to do with a server that does not stop
        }
    }

    private static void shutdownDatabase(BasicDataSource ds) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            // already gone
        }
        try {
            ds.close();
        } catch (SQLException e) {
            // nothing left to release
        }
    }

    @Override
    public String toString() {
        return "LocalFhirServer[" + baseUrl + "]";
    }
}
