package org.custos.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * Writes Custos's own audit events (see {@code org.custos.trail.OwnTrail}): each one is stored under the origin
 * {@value Origins#SELF_NAME} and, in the same transaction, queued in the outbox for every server whose profile
 * receives the trail; the transaction is forced to the disk before the method returns, so a kill -9 after it loses
 * neither the event nor its sending.
 */
public final class TrailWrites {
    /**
     * The tag system whose code is a trail event's Custos id: a server the event is sent to stores it once (a
     * conditional create on the tag), and a resend after a lost answer finds it there.
     */
    public static final String TAG = "urn:custos:trail";

    private final Cache cache;

    TrailWrites(Cache cache) {
        this.cache = cache;
    }

    /**
     * Records {@code event} (an AuditEvent with its id) and queues, for each server (base URL) of {@code copies}, the
     * copy that server receives (empty: none).
     */
    public void record(ObjectNode event, Map<String, ObjectNode> copies) {
        int origin = cache.origins().idOf(Origins.SELF_NAME);
        List<String> servers = List.copyOf(copies.keySet());
        List<Integer> serverIds = cache.outbox().serverIds(servers);
        String id = event.path("id").asText();
        IncomingResource r = IncomingResource.of(event, id, "Custos's own audit trail");
        AuditStore.Item item = new AuditStore.Item(r, AuditExtractor.extract(event));
        cache.durably("Recording Custos's own audit trail", c -> {
            cache.audit().upsert(c, origin, List.of(item));
            for (int i = 0; i < servers.size(); i++) {
                cache.outbox().queueTrail(c, List.of(serverIds.get(i)), id, copies.get(servers.get(i)).toString());
            }
            return null;
        });
    }
}
