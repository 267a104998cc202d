package org.custos.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.cache.Cache;
import org.custos.cache.ProvenanceStore;
import org.custos.fhir.Fhir;
import org.custos.fhir.ResourceWriter;
import org.custos.provenance.ProvenanceChecks;
import org.custos.provenance.ProvenanceReview;
import org.custos.provenance.ProvenanceSigner;
import org.custos.provenance.SignatureVerifier;
import org.custos.provenance.SignerFiles;
import org.custos.provenance.SignerKeys;
import org.custos.provenance.TrustStore;
import org.custos.provenance.Verdict;
import org.custos.testserver.FhirServerExtension;
import org.custos.testserver.LocalFhirServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reviewer attests a record that only the server holds (a DocumentReference, a type the cache does not keep),
 * against the real HAPI JPA server: the signed Provenance goes through the outbox to the server and back into the
 * cache, its signature is checked over the record read from the server (valid), and after someone changes the record
 * on the server the same signature is invalid.
 */
@ExtendWith(FhirServerExtension.class)
class ProvenanceServerTest {
    private final Fhir fhir = new Fhir();

    @TempDir
    Path dir;

    static String document(String id, String text) {
        return "{\"resourceType\":\"DocumentReference\",\"id\":\"" + id + "\",\"status\":\"current\",\"type\":{\"text\":"
                + "\"note\"},\"indexed\":\"2026-11-30T10:00:00Z\",\"content\":[{\"attachment\":{\"contentType\":"
                + "\"text/plain\",\"title\":\"" + text + "\"}}]}";
    }

    @Test
    void anAttestationIsSentCheckedOverTheServersRecordAndBreaksWhenTheRecordChanges(LocalFhirServer server)
            throws Exception {
        String id = ResourceWriter.newId();
        ResourceWriter.Stored doc;
        try (ResourceWriter w = new ResourceWriter(fhir, TestProfiles.profile(server.baseUrl()))) {
            doc = w.create("DocumentReference", id, document(id, "first"));
        }
        String base = server.baseUrl().replaceAll("/$", "");
        SignerFiles files = SignerFiles.write(dir, base + "/Practitioner/reviewer");
        SignerKeys keys = SignerKeys.load(files.key(), files.cert(), null);
        String provenance = new ProvenanceSigner().sign(new ProvenanceSigner.Request("DocumentReference", id,
                doc.versionId(), doc.json(), "Practitioner/reviewer", ProvenanceSigner.Purpose.VERIFICATION,
                ProvenanceSigner.Format.JWS, Instant.now()), keys);
        String pid = new ObjectMapper().readTree(provenance).path("id").asText();
        try (Cache cache = Cache.open(dir.resolve("c"))) {
            cache.origins().idOf(server.baseUrl());
            String origin = cache.origins().all().stream().filter(o -> o.kind().equals("server")).findFirst()
                    .orElseThrow().name();
            ProvenanceSaver.Result kept = new ProvenanceSaver(cache, fhir,
                    o -> Optional.of(TestProfiles.profile(server.baseUrl()))).keep(origin, pid, provenance);
            assertThat(kept).isInstanceOf(ProvenanceSaver.Result.Stored.class);
            ProvenanceChecks.ServerReads reads = (o, type, rid) -> {
                try (ResourceWriter w = new ResourceWriter(fhir, TestProfiles.profile(o))) {
                    return w.read(type, rid).map(s -> new SignatureVerifier.Target(s.json(), s.versionId()));
                }
            };
            ProvenanceReview review = new ProvenanceReview(cache, reads);
            ProvenanceStore.Row row = review.page(new ProvenanceStore.Filter("DocumentReference/" + id, null, null,
                    null, null, null, null, null), null, 10).stream().findFirst().orElseThrow();
            ProvenanceReview.Opened opened = review.open(row).orElseThrow();
            TrustStore trust = TrustStore.load(files.trust(), null);
            List<Verdict> valid = review.verify(opened, trust);
            assertThat(valid).singleElement().satisfies(v -> assertThat(v.kind()).as(v.reason())
                    .isEqualTo(Verdict.Kind.VALID));
            assertThat(review.resource(row.originId(), "DocumentReference/" + id)).get()
                    .satisfies(r -> assertThat(r.fromServer()).isTrue());
            // without the server, the record cannot be had: cannot verify, and it says why
            assertThat(new ProvenanceReview(cache).verify(opened, trust)).singleElement().satisfies(v ->
                    assertThat(v.reason()).contains("is not in the cache"));

            try (ResourceWriter w = new ResourceWriter(fhir, TestProfiles.profile(server.baseUrl()))) {
                w.put("DocumentReference", id, document(id, "changed"), doc.versionId());
            }
            assertThat(review.verify(opened, trust)).singleElement().satisfies(v -> {
                assertThat(v.kind()).isEqualTo(Verdict.Kind.INVALID);
                assertThat(v.reason()).contains("DocumentReference/" + id + " (version 2)");
            });
        }
    }
}
