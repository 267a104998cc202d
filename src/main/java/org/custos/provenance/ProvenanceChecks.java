package org.custos.provenance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.ProvenanceStore;

import java.util.List;
import java.util.Optional;

/**
 * Checking and making signatures against the cache (the command line and the screens): a Provenance's targets are
 * read from the Provenance's own origin (two origins may use one id for different resources).
 */
public final class ProvenanceChecks {
    /** Reads a resource from the server of an origin: (origin, "Type/id") → its JSON; empty when it cannot. */
    public interface ServerReads {
        Optional<SignatureVerifier.Target> read(String origin, String type, String id);

        static ServerReads none() {
            return (origin, type, id) -> Optional.empty();
        }
    }

    private final ProvenanceStore store;
    private final ServerReads server;
    private final ObjectMapper mapper = new ObjectMapper();

    /** Targets from the cache only (the command line). */
    public ProvenanceChecks(ProvenanceStore store) {
        this(store, ServerReads.none());
    }

    /** Targets from the cache, else read from the Provenance's server ({@code server}). */
    public ProvenanceChecks(ProvenanceStore store, ServerReads server) {
        this.store = store;
        this.server = server;
    }

    /** The verdict of each signature of {@code p} (empty when it has none). */
    public List<Verdict> verify(ProvenanceStore.Current p, TrustStore trust) {
        return verify(p, trust, new java.util.HashMap<>());
    }

    /**
     * As above; {@code used} receives, for each target read ("Type/id"), the cache key of the version checked
     * against (-1: read from the server), so that a kept check names exactly what it checked.
     */
    public List<Verdict> verify(ProvenanceStore.Current p, TrustStore trust, java.util.Map<String, Long> used) {
        JsonNode tree;
        try {
            tree = mapper.readTree(p.json());
        } catch (JsonProcessingException e) {
            return List.of(new Verdict(Verdict.Kind.CANNOT_VERIFY, "the Provenance is not JSON: "
                    + e.getOriginalMessage()));
        }
        SignatureVerifier.Source source = (type, id) -> {
            Optional<ProvenanceStore.Current> cached = store.current(p.originId(), type, id);
            if (cached.isPresent()) {
                used.put(type + "/" + id, cached.get().pk());
                return Optional.of(new SignatureVerifier.Target(cached.get().json(), cached.get().versionId()));
            }
            Optional<SignatureVerifier.Target> read = p.serverBase() == null ? Optional.empty()
                    : server.read(p.origin(), type, id);
            read.ifPresent(t -> used.put(type + "/" + id, -1L));
            return read;
        };
        return new SignatureVerifier(trust).verify(tree, source, p.serverBase());
    }

    /** One line naming a signature: its number, types, who and when (from the Provenance's JSON). */
    public String describe(ProvenanceStore.Current p, int index) {
        try {
            ProvenanceDetail d = ProvenanceDetail.of(mapper.readTree(p.json()), null);
            ProvenanceDetail.Signature s = d.signatures().get(index);
            return "signature " + (index + 1) + " of " + d.signatures().size() + " ("
                    + (s.types().isEmpty() ? "no type" : String.join(", ", s.types())) + "; by "
                    + Optional.ofNullable(s.who()).orElse("?") + "; " + Optional.ofNullable(s.when()).orElse("no time")
                    + ")";
        } catch (JsonProcessingException | IndexOutOfBoundsException e) {
            return "signature " + (index + 1);
        }
    }

    /**
     * Signs the current version of {@code type/id} of origin {@code originId} for {@code who}; the Provenance JSON.
     *
     * @throws IllegalArgumentException the resource is not in that origin, or cannot be signed
     */
    public String sign(int originId, String type, String id, String who, ProvenanceSigner.Purpose purpose,
                       ProvenanceSigner.Format format, SignerKeys keys, java.time.Instant when) {
        ProvenanceStore.Current target = store.current(originId, type, id).orElseThrow(() ->
                new IllegalArgumentException(type + "/" + id + " is not in the cache."));
        return new ProvenanceSigner().sign(new ProvenanceSigner.Request(type, id, target.versionId(), target.json(),
                who, purpose, format, when), keys);
    }
}
