package org.custos.sync;

import org.custos.cache.Cache;
import org.custos.trail.OwnTrail;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** A process that records one act of Custos's own trail for a server (args: cache, server URL), then waits. */
public final class TrailChild {
    private TrailChild() {
    }

    public static void main(String[] args) throws Exception {
        Cache cache = Cache.open(Path.of(args[0]));
        String id = new OwnTrail(cache, () -> "officer", "custos@test", Clock.systemUTC())
                .sendingTo(() -> List.of(args[1]))
                .record(OwnTrail.Act.QUERY, "search before the kill", "patient=Patient/k", null,
                        List.of("Patient/k"));
        System.out.println("recorded " + id);
        System.out.flush();
        System.in.read(); // blocks until the test kills this process (or closes its input)
    }
}
