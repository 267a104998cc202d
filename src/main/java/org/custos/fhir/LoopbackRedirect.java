package org.custos.fhir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The redirect of a native app's sign-in (RFC 8252 §7.3): an HTTP listener on the loopback address, on a port the
 * system chose, for one path; the browser comes back to it with the authorization response, which is handed over
 * once — only one that carries this sign-in's {@code state}, for the address it listens on — and answers with a page
 * saying the tab can be closed. Only the loopback interface listens.
 */
final class LoopbackRedirect implements AutoCloseable {
    private static final String PATH = "/custos/signed-in";
    /** Answers that are not this sign-in's taken before giving up (someone else is knocking). */
    private static final int MAX_STRAY = 20;
    private final HttpServer server;
    private final CompletableFuture<Map<String, String>> answer = new CompletableFuture<>();
    private final java.util.function.Predicate<String> expectedState;
    private final java.util.concurrent.atomic.AtomicInteger strays = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param expectedState whether a {@code state} is this sign-in's: only such an answer is taken (anyone on this
     *                      machine can reach the port; another answer is turned away and waited past)
     */
    LoopbackRedirect(java.util.function.Predicate<String> expectedState) throws IOException {
        this.expectedState = expectedState;
        // 127.0.0.1 itself (not whatever the loopback name resolves to): the redirect URI names it
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[]{127, 0, 0, 1}), 0), 0);
        server.createContext(PATH, this::handle);
        server.start();
    }

    /** http://127.0.0.1:PORT/custos/signed-in (RFC 8252: the IP literal, not "localhost"). */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            if (!"GET".equals(ex.getRequestMethod()) || !PATH.equals(ex.getRequestURI().getPath())) {
                reply(ex, 404, "Not here.");
                return;
            }
            String host = ex.getRequestHeaders().getFirst("Host");
            Map<String, String> params = query(ex.getRequestURI().getRawQuery());
            if (!("127.0.0.1:" + server.getAddress().getPort()).equals(host)
                    || !expectedState.test(params.get("state"))) {
                // not this sign-in's answer (another page, another program, an old link): turned away
                if (strays.incrementAndGet() > MAX_STRAY) {
                    answer.completeExceptionally(new IllegalStateException("too many answers that were not this "
                            + "sign-in's came to its address"));
                }
                reply(ex, 400, "This is not the answer Custos is waiting for. You can close this tab.");
                return;
            }
            boolean first = answer.complete(params);
            reply(ex, 200, first ? (params.containsKey("error") ? "Sign-in was not completed: "
                    + escape(params.get("error")) + ". You can close this tab and return to Custos."
                    : "You are signed in to Custos. You can close this tab.")
                    : "This sign-in was answered already. You can close this tab.");
        } finally {
            ex.close();
        }
    }

    /** The authorization response's parameters, when the browser came back within {@code seconds}. */
    Map<String, String> await(long seconds) throws TimeoutException, InterruptedException {
        try {
            return answer.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Stops waiting (the user cancelled): {@link #await} ends with a cancellation. */
    void cancel() {
        answer.cancel(false);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v); // a parameter given twice keeps its first value
        }
        return out;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>Custos</title></head><body>"
                + "<p style=\"font-family:sans-serif\">" + text + "</p></body></html>").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
        ex.getResponseHeaders().add("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
