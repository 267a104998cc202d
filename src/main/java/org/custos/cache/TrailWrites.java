package org.custos.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;
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

    private final OutboxInput input = new OutboxInput();
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
        List<Integer> serverIds = serverIds(servers);
        String id = event.path("id").asText();
        IncomingResource r = IncomingResource.of(event, id, "Custos's own audit trail");
        AuditStore.Item item = new AuditStore.Item(r, AuditExtractor.extract(event));
        cache.durably("Recording Custos's own audit trail", c -> {
            cache.audit().upsert(c, origin, List.of(item));
            for (int i = 0; i < servers.size(); i++) {
                queueTrail(c, List.of(serverIds.get(i)), id, copies.get(servers.get(i)).toString());
            }
            return null;
        });
    }

    /**
     * Whether an AuditEvent of the server {@code origin} tagged {@code trailId}, recorded at {@code recorded} (epoch
     * ms), is the copy of this Custos's own trail event that the outbox sent there: an entry of that server with that
     * Custos id (sent, or being sent) whose text was recorded at the same instant. A tag alone proves nothing (anyone
     * who can read a server that received the trail can copy one).
     */
    public boolean sentHere(String origin, String trailId, long recorded) {
        if (trailId == null || origin == null) {
            return false;
        }
        Optional<Origins.Origin> o = cache.origins().find(origin);
        return o.isPresent() && sentHere(o.get().id(), trailId, recorded);
    }

    /** As {@link #sentHere(String, String, long)}, the server named by its origin id. */
    public boolean sentHere(int originId, String trailId, long recorded) {
        if (trailId == null) {
            return false;
        }
        try (var c = cache.connection(); var ps = c.prepareStatement("SELECT body FROM outbox WHERE res_type = "
                + "'AuditEvent' AND res_id = ? AND origin_id = ? AND state IN ('SENT', 'SENDING')")) {
            ps.setString(1, trailId);
            ps.setInt(2, originId);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    String at = new com.fasterxml.jackson.databind.ObjectMapper().readTree(rs.getString(1))
                            .path("recorded").asText("");
                    if (!at.isEmpty() && FhirTimes.parseInstantMillis(at) == recorded) {
                        return true;
                    }
                }
            }
            return false;
        } catch (java.sql.SQLException | java.io.IOException | RuntimeException e) {
            return false; // not provably a copy: it is kept and judged as any other event
        }
    }

    /** The origin ids of these servers (created on first use), checked to be servers' base URLs. */
    private List<Integer> serverIds(List<String> servers) {
        List<Integer> ids = new java.util.ArrayList<>();
        for (String server : servers) {
            String name = Origins.normalize(server);
            if (!Origins.kindOf(name).equals("server")) {
                throw new IllegalArgumentException("The outbox sends to servers: '" + server + "' is not a server's "
                        + "base URL.");
            }
            ids.add(cache.origins().idOf(name));
        }
        return ids;
    }

    /**
     * Custos's own audit event {@code json} (an AuditEvent of the origin "this Custos", with the id {@code id}),
     * queued for each server origin in {@code serverIds} within the caller's transaction: sent by POST (see
     * {@code OutboxSender}).
     */
    private void queueTrail(java.sql.Connection c, List<Integer> serverIds, String id, String json) throws java.sql.SQLException {
        input.checkIdentity("AuditEvent", id);
        input.checkJson("AuditEvent", json);
        for (int originId : serverIds) {
            OutboxStore.insert(c, originId, "AuditEvent", id, null, null, json);
        }
    }

    /**
     * A trail entry (an AuditEvent, POSTed) is on the server as {@code serverId}, version {@code serverVersion}:
     * {@code SENT}. Nothing is stored in the cache (the event is there already, under "this Custos"); the entry keeps
     * where the server put it.
     */
    public void markPosted(long seq, String serverId, String serverVersion) {
        cache.durably("Recording outbox entry " + seq + " as sent", c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement("UPDATE outbox SET state = 'SENT', sent_version = ?, "
                    + "last_message = ?, server_version = NULL, server_json = NULL, updated_at = ? WHERE seq = ? "
                    + "AND state IN ('PENDING', 'SENDING') AND res_type = 'AuditEvent'")) {
                ps.setString(1, serverVersion == null ? null : AuditStore.cut(serverVersion, 64));
                ps.setString(2, AuditStore.cut("on the server as AuditEvent/" + serverId
                        + (serverVersion == null ? "" : "/_history/" + serverVersion), 2000));
                ps.setLong(3, System.currentTimeMillis());
                ps.setLong(4, seq);
                if (ps.executeUpdate() == 0) {
                    throw new IllegalStateException("Outbox entry " + seq + " is " + OutboxStore.statusOf(c, seq)
                            + ", not a trail event being sent.");
                }
            }
            return null;
        });
    }

}
