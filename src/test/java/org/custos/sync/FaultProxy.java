package org.custos.sync;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A small HTTP proxy in front of the real FHIR server that injects the faults the server cannot produce: a status
 * with headers (429 + Retry-After, 410, 503), a body cut short, a server that hangs, a {@code next} link to another
 * host. Everything else is forwarded, with the real server's base URL in bodies rewritten to the proxy's.
 */
final class FaultProxy implements AutoCloseable {
    /** What to do instead of (or on top of) forwarding. */
    enum Fault { STATUS, CUT_BODY, DROP_CONNECTION, HANG, FOREIGN_NEXT, REWRITE, ECHO_AUTH }

    /** A fault for the next {@code times} requests that {@code match}. */
    static final class Rule {
        final Predicate<URI> match;
        final AtomicInteger times;
        final Fault fault;
        int status;
        String header;
        String headerValue;
        java.util.function.UnaryOperator<String> rewrite;

        Rule(Predicate<URI> match, int times, Fault fault) {
            this.match = match;
            this.times = new AtomicInteger(times);
            this.fault = fault;
        }
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String target;
    private final String self;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<URI> seen = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    /** Proxies {@code targetBase} (e.g. http://127.0.0.1:1234/fhir) at http://127.0.0.1:PORT/fhir. */
    FaultProxy(String targetBase) throws IOException {
        this.target = targetBase;
        URI t = URI.create(targetBase);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
        self = "http://127.0.0.1:" + server.getAddress().getPort() + t.getPath();
    }

    String baseUrl() {
        return self;
    }

    /** Requests the proxy received, in order. */
    List<URI> seen() {
        return seen;
    }

    Rule status(Predicate<URI> match, int times, int status, String header, String value) {
        Rule r = new Rule(match, times, Fault.STATUS);
        r.status = status;
        r.header = header;
        r.headerValue = value;
        rules.add(r);
        return r;
    }

    Rule fault(Predicate<URI> match, int times, Fault fault) {
        Rule r = new Rule(match, times, fault);
        rules.add(r);
        return r;
    }

    /** Answers {@code status} with an OperationOutcome that quotes the request's Authorization header back. */
    Rule echoAuthorization(Predicate<URI> match, int times, int status) {
        Rule r = new Rule(match, times, Fault.ECHO_AUTH);
        r.status = status;
        rules.add(r);
        return r;
    }

    Rule rewrite(Predicate<URI> match, int times, java.util.function.UnaryOperator<String> how) {
        Rule r = new Rule(match, times, Fault.REWRITE);
        r.rewrite = how;
        rules.add(r);
        return r;
    }

    static Predicate<URI> nextPages() {
        return u -> u.getRawQuery() != null && u.getRawQuery().contains("_getpages");
    }

    static Predicate<URI> searchOf(String type) {
        return u -> u.getPath().endsWith("/" + type) && u.getRawQuery() != null;
    }

    private Rule take(URI u) {
        for (Rule r : rules) {
            if (r.match.test(u) && r.times.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0) {
                return r;
            }
        }
        return null;
    }

    private void handle(HttpExchange ex) throws IOException {
        URI u = ex.getRequestURI();
        seen.add(u);
        try {
            Rule rule = take(u);
            if (rule != null && rule.fault == Fault.STATUS) {
                if (rule.header != null) {
                    ex.getResponseHeaders().add(rule.header, rule.headerValue);
                }
                byte[] body = ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                        + "\"code\":\"transient\",\"diagnostics\":\"injected " + rule.status + "\"}]}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/fhir+json");
                ex.sendResponseHeaders(rule.status, body.length);
                ex.getResponseBody().write(body);
                return;
            }
            if (rule != null && rule.fault == Fault.ECHO_AUTH) {
                String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
                byte[] body = ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                        + "\"code\":\"login\",\"diagnostics\":\"Rejected credentials: " + auth + "\"}]}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/fhir+json");
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"echo " + auth + "\"");
                ex.sendResponseHeaders(rule.status, body.length);
                ex.getResponseBody().write(body);
                return;
            }
            if (rule != null && rule.fault == Fault.HANG) {
                closing.await(10, TimeUnit.MINUTES);
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.substring(0, target.indexOf('/', 8))
                    + u.toString())).GET();
            ex.getRequestHeaders().forEach((k, v) -> {
                if (k.equalsIgnoreCase("Accept") || k.equalsIgnoreCase("Authorization")) {
                    v.forEach(val -> b.header(k, val));
                }
            });
            HttpResponse<String> resp = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String text = resp.body().replace(target, self);
            if (rule != null && rule.fault == Fault.FOREIGN_NEXT) {
                text = text.replace(self + "?_getpages", "http://elsewhere.example:8080/fhir?_getpages");
            }
            if (rule != null && rule.fault == Fault.REWRITE) {
                text = rule.rewrite.apply(text);
            }
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            resp.headers().firstValue("Content-Type").ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
            if (rule != null && rule.fault == Fault.CUT_BODY) {
                // a complete HTTP answer whose JSON stops in the middle
                byte[] half = java.util.Arrays.copyOf(body, body.length / 2);
                ex.sendResponseHeaders(resp.statusCode(), half.length);
                ex.getResponseBody().write(half);
                return;
            }
            if (rule != null && rule.fault == Fault.DROP_CONNECTION) {
                // announces the full length, sends half, and the connection ends
                ex.sendResponseHeaders(resp.statusCode(), body.length);
                OutputStream os = ex.getResponseBody();
                os.write(body, 0, body.length / 2);
                os.flush();
                return; // closing the exchange short of the announced length drops the connection
            }
            ex.sendResponseHeaders(resp.statusCode(), body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                ex.close();
            } catch (RuntimeException e) {
                // closing short of the announced length: the connection is dropped, as intended
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
