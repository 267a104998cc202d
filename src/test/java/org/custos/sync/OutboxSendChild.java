package org.custos.sync;

import org.custos.cache.Cache;
import org.custos.cache.OutboxStore;
import org.custos.fhir.Cancellation;
import org.custos.fhir.Fhir;
import org.custos.fhir.ServerProfile;

import java.nio.file.Path;

/**
 * A process that sends a cache's outbox and says so line by line ({@code SENDING seq} once the entry is marked and
 * its request is about to leave, {@code DONE seq STATUS}): {@link OutboxKillTest} kills it with SIGKILL mid-way.
 * Arguments: the cache file, the server's base URL.
 */
public final class OutboxSendChild {
    private OutboxSendChild() {
    }

    public static void main(String[] args) {
        try (Cache cache = Cache.open(Path.of(args[0]))) {
            OutboxSender.Report r = new OutboxSender(cache, new Fhir()).send(ServerProfile.of("child", args[1]),
                    new Cancellation(), new OutboxSender.Listener() {
                        @Override
                        public void sending(OutboxStore.Entry entry) {
                            System.out.println("SENDING " + entry.seq());
                            System.out.flush();
                        }

                        @Override
                        public void done(OutboxStore.Entry entry, OutboxStore.Status result, String message) {
                            System.out.println("DONE " + entry.seq() + " " + result);
                            System.out.flush();
                        }
                    });
            System.out.println("REPORT " + r.summary());
        }
    }
}
