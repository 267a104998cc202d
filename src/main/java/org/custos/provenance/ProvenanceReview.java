package org.custos.provenance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.Cache;
import org.custos.cache.Keyset;
import org.custos.cache.ProvenanceStore;
import org.custos.people.PeopleDirectory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the Provenance screens ask of the cache, blocking (their view models call it through the task runner): list
 * pages, one row's Provenance read for a reviewer with names from its origin's directory, its signatures checked
 * (and the check kept for the list), the resources it points at.
 */
public final class ProvenanceReview {
    /** A row opened: its Provenance's JSON (a contained one taken out of its container) and how a reviewer reads it. */
    public record Opened(ProvenanceStore.Row row, String json, ProvenanceDetail detail) {
    }

    private final Cache cache;
    private final PeopleDirectory directory;
    private final ProvenanceChecks.ServerReads server;
    private final ObjectMapper mapper = new ObjectMapper();

    /** Everything from the cache. */
    public ProvenanceReview(Cache cache) {
        this(cache, ProvenanceChecks.ServerReads.none());
    }

    /** What the cache does not hold (targets, entities) is read from the origin's server when it has a profile. */
    public ProvenanceReview(Cache cache, ProvenanceChecks.ServerReads server) {
        this.cache = cache;
        this.directory = new PeopleDirectory(cache);
        this.server = server;
    }

    public List<ProvenanceStore.Row> page(ProvenanceStore.Filter filter, Keyset after, int limit) {
        return cache.provenance().page(filter, after, limit);
    }

    /** As above, oldest first when {@code ascending}. */
    public List<ProvenanceStore.Row> page(ProvenanceStore.Filter filter, Keyset after, int limit, boolean ascending) {
        return cache.provenance().page(filter, after, limit, ascending);
    }

    public long count(ProvenanceStore.Filter filter, long cap) {
        return cache.provenance().count(filter, cap);
    }

    /** The origins that hold any cached resource (for the origin filter). */
    public List<String> origins() {
        return cache.origins().all().stream().map(o -> o.name()).sorted().toList();
    }

    /** The row's Provenance; empty when its version is no longer current (a sync replaced it meanwhile). */
    public Optional<Opened> open(ProvenanceStore.Row row) {
        Optional<ProvenanceStore.Current> source = cache.provenance().source(row.pk());
        if (source.isEmpty()) {
            return Optional.empty();
        }
        JsonNode p;
        try {
            p = provenanceOf(mapper.readTree(source.get().json()), row.part());
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (p == null) {
            return Optional.empty();
        }
        Map<String, String> names = directory.nameOf(row.origin(), references(p));
        return Optional.of(new Opened(row, p.toString(), ProvenanceDetail.of(p,
                ref -> Optional.ofNullable(names.get(ref)))));
    }

    /** The signatures' verdicts; the worst is kept as the row's last check (the list filters on it). */
    public List<Verdict> verify(Opened opened, TrustStore trust) {
        ProvenanceStore.Row row = opened.row();
        ProvenanceStore.Current as = new ProvenanceStore.Current(row.pk(), row.originId(), row.origin(),
                cache.origins().byId(row.originId()).map(o -> o.kind()).orElse("?"), "Provenance", row.id(), null,
                opened.json(), null);
        java.util.Map<String, Long> used = new java.util.HashMap<>();
        List<Verdict> verdicts = new ProvenanceChecks(cache.provenance(), server).verify(as, trust, used);
        if (!verdicts.isEmpty()) {
            Verdict worst = verdicts.stream().min((a, b) -> Integer.compare(severity(b.kind()),
                    severity(a.kind()))).orElseThrow();
            List<String> reasons = new ArrayList<>();
            for (int i = 0; i < verdicts.size(); i++) {
                reasons.add((i + 1) + ": " + verdicts.get(i).text());
            }
            cache.provenance().saveCheck(row.pk(), row.part(), worst.kind().name(), String.join("\n", reasons),
                    trust.source(), used);
        }
        return verdicts;
    }

    /**
     * Signs the current version of {@code type/id} of {@code origin} (issue 12, "Signing"); the new Provenance's id
     * and JSON, not kept yet (the caller keeps it: cache or outbox).
     *
     * @throws IllegalArgumentException no such origin or resource, or it cannot be signed
     */
    public String[] sign(String origin, String type, String id, String who, ProvenanceSigner.Purpose purpose,
                         ProvenanceSigner.Format format, SignerKeys keys) {
        int originId = cache.origins().find(origin).map(o -> o.id()).orElseThrow(() ->
                new IllegalArgumentException("No origin " + origin + " in the cache."));
        String json = new ProvenanceChecks(cache.provenance()).sign(originId, type, id, who, purpose, format, keys,
                java.time.Instant.now());
        try {
            return new String[]{mapper.readTree(json).path("id").asText(), json};
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The origins that hold a current {@code type/id}. */
    public List<String> originsHolding(String type, String id) {
        return cache.provenance().everywhere(type, id).stream().map(ProvenanceStore.Current::origin).toList();
    }

    /** How bad a verdict is for the list's one-word summary (valid least). */
    static int severity(Verdict.Kind k) {
        return switch (k) {
            case VALID -> 0;
            case CANNOT_VERIFY -> 1;
            case UNTRUSTED_SIGNER -> 2;
            case WHO_MISMATCH -> 3;
            case CERTIFICATE_TIME -> 4;
            case INVALID -> 5;
        };
    }

    /** A resource a Provenance points at, and where its text came from. */
    public record Resource(String json, boolean fromServer) {
    }

    /**
     * The current text of a resource a Provenance of {@code originId} points at: from the cache, else read from the
     * origin's server (when it is one with a profile); empty when neither has it.
     */
    public Optional<Resource> resource(int originId, String reference) {
        Optional<org.custos.cache.Origins.Origin> origin = cache.origins().byId(originId);
        String base = origin.filter(o -> o.kind().equals("server")).map(o -> o.name()).orElse(null);
        String[] typeId = SignedTargets.typeAndId(reference, base);
        if (typeId == null) {
            return Optional.empty();
        }
        Optional<String> cached = typeId[0].equals("AuditEvent") ? cache.audit().rawById(originId, typeId[1])
                : cache.provenance().current(originId, typeId[0], typeId[1]).map(ProvenanceStore.Current::json);
        if (cached.isPresent() || base == null) {
            return cached.map(j -> new Resource(j, false));
        }
        return server.read(base, typeId[0], typeId[1]).map(t -> new Resource(t.json(), true));
    }

    /**
     * The chain around {@code ref} in origin {@code originId}: its Provenance, what they were derived from, their
     * Provenance, the agents; at most {@code maxNodes} nodes (at most 200 Provenance per resource are followed).
     */
    public Chain graph(int originId, String ref, int maxNodes) {
        ProvenanceStore store = cache.provenance();
        Map<String, String> texts = new java.util.HashMap<>();
        ProvenanceGraph g = ProvenanceGraph.around(ref, new ProvenanceGraph.Source() {
            @Override
            public List<JsonNode> provenanceFor(String r) {
                return provenance(store.pointingAt(originId, r, false, 200), texts);
            }

            @Override
            public boolean known(String r) {
                return store.holds(originId, r);
            }

            @Override
            public List<JsonNode> provenanceUsing(String r) {
                return provenance(store.pointingAt(originId, r, true, 200), texts);
            }
        }, maxNodes);
        return new Chain(g, texts);
    }

    /**
     * A graph and the text of each Provenance drawn in it, by node key: "where\0json" — where it is contained (empty
     * for a Provenance of its own), and its text as stored.
     */
    public record Chain(ProvenanceGraph graph, Map<String, String> texts) {
    }

    /**
     * The Provenance of these rows for the graph. A contained one gets an id of its container's ("Task-example1-
     * signature"): contained ids are unique only inside their container, and two must not become one node.
     */
    private List<JsonNode> provenance(List<ProvenanceStore.Pointing> rows, Map<String, String> texts) {
        List<JsonNode> out = new ArrayList<>();
        for (ProvenanceStore.Pointing p : rows) {
            try {
                JsonNode container = mapper.readTree(p.sourceJson());
                JsonNode n = provenanceOf(container, p.part());
                if (n == null) {
                    continue;
                }
                String stored = ProvenanceText.pretty(n.toString());
                String where = "";
                if (p.part() > 0 && n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                    where = " (contained in " + container.path("resourceType").asText() + "/"
                            + container.path("id").asText() + ", as stored there)";
                    o = o.deepCopy();
                    o.put("id", container.path("resourceType").asText() + "-" + container.path("id").asText() + "-"
                            + n.path("id").asText(Integer.toString(p.part())));
                    n = o;
                }
                texts.put("Provenance/" + n.path("id").asText(), where + "\u0000" + stored);
                out.add(n);
            } catch (JsonProcessingException e) {
                // a text that is not JSON has no list row; nothing to follow
            }
        }
        return out;
    }

    /** The origin's id of a list row's origin name (for the graph of a row's target). */
    public int originId(String origin) {
        return cache.origins().find(origin).map(o -> o.id()).orElse(-1);
    }

    static JsonNode provenanceOf(JsonNode resource, int part) {
        if (part == 0) {
            return resource;
        }
        int n = 0;
        for (JsonNode c : resource.path("contained")) {
            if ("Provenance".equals(c.path("resourceType").asText(null)) && ++n == part) {
                return c;
            }
        }
        return null;
    }

    /** Every reference the detail shows a name for. */
    private static List<String> references(JsonNode p) {
        Set<String> out = new LinkedHashSet<>();
        p.findValues("reference").forEach(v -> {
            if (v.isTextual()) {
                out.add(v.asText());
            }
        });
        return new ArrayList<>(out);
    }
}
