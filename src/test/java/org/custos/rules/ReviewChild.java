package org.custos.rules;

import org.custos.cache.Cache;

import java.nio.file.Path;

/**
 * A process that makes one review decision on alert 1 of the cache at args[0] (status, assignee and note given in
 * args[1..3]), says "decided" and waits to be killed: what it decided must be in the cache after a SIGKILL.
 */
public final class ReviewChild {
    private ReviewChild() {
    }

    public static void main(String[] args) throws Exception {
        Cache cache = Cache.open(Path.of(args[0]));
        long now = System.currentTimeMillis();
        cache.review().setStatus(1, args[1], "officer", now);
        cache.review().assign(1, args[2], "officer", now);
        cache.review().noteAlert(1, "officer", args[3], now);
        System.out.println("decided");
        System.out.flush();
        System.in.read(); // blocks until the test kills this process (or closes its input)
    }
}
