package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.CacheException;
import org.custos.cache.ProvenanceStore;
import org.custos.fhir.Fhir;
import org.custos.provenance.ProvenanceChecks;
import org.custos.provenance.ProvenanceSigner;
import org.custos.provenance.SignerKeys;
import org.custos.sync.ProvenanceSaver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code custos provenance sign TYPE/ID}: a signed Provenance of a cached resource, kept in its origin. */
@Command(name = "sign", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Signs the current version of the cached resource TYPE/ID: a new Provenance targets it, has "
                + "--who as its agent and one signature (a detached JWS, or with --format xml an XML signature) over "
                + "the resource's canonical form, made with the private key and certificate given.",
                "A resource of imported files or demo data gets its Provenance in the cache at once. A server's "
                        + "resource: the Provenance waits in the outbox for that server (the app sends it with its "
                        + "server profile; `custos consent outbox` lists it).",
                "An encrypted key's (or PKCS#12 store's) password is read from $" + ProvenanceSignCommand.KEY_PASSWORD_ENV
                        + ". The last line printed is Provenance/<id>.",
                "Exit status: 0 signed and kept; 1 an error (no such resource, a key that cannot sign, …)."})
final class ProvenanceSignCommand implements Callable<Integer> {
    static final String KEY_PASSWORD_ENV = "CUSTOS_KEY_PASSWORD";

    @Parameters(index = "0", paramLabel = "TYPE/ID", description = "The cached resource to sign, e.g. Consent/c1")
    String target;

    @Option(names = "--key", required = true, paramLabel = "FILE",
            description = "The private key: PEM (PKCS#8 or PKCS#1, encrypted or not) or a PKCS#12 store")
    Path key;

    @Option(names = "--cert", paramLabel = "FILE", description = "The signer's certificate chain, leaf first (PEM or "
            + "DER); may be left out when --key is a PKCS#12 store holding it")
    Path cert;

    @Option(names = "--who", required = true, paramLabel = "REF", description = "Who signs: a reference such as "
            + "Practitioner/1 or Patient/p1 (the certificate should name it in its subjectAltName)")
    String who;

    @Option(names = "--purpose", paramLabel = "consent|verification|author", description = "Why (default: consent "
            + "for a Consent, else verification)")
    String purpose;

    @Option(names = "--format", paramLabel = "jws|xml", description = "jws (default) or xml")
    String format = "jws";

    @Option(names = "--origin", paramLabel = "NAME|URL", description = "The origin, when several hold TYPE/ID")
    String origin;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String[] typeId = target.split("/");
        if (typeId.length != 2 || !typeId[0].matches("[A-Z][A-Za-z]+") || typeId[1].isBlank()) {
            throw new ParameterException(spec.commandLine(), "TYPE/ID, such as Consent/c1, not '" + target + "'");
        }
        ProvenanceSigner.Format f = switch (format.toLowerCase(Locale.ROOT)) {
            case "jws" -> ProvenanceSigner.Format.JWS;
            case "xml" -> ProvenanceSigner.Format.XML;
            default -> throw new ParameterException(spec.commandLine(), "--format: jws or xml, not '" + format + "'");
        };
        ProvenanceSigner.Purpose why;
        try {
            why = purpose == null ? ProvenanceSigner.Purpose.forTarget(typeId[0])
                    : ProvenanceSigner.Purpose.valueOf(purpose.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--purpose: consent, verification or author, not '"
                    + purpose + "'");
        }
        SignerKeys keys;
        try {
            String pw = System.getenv(KEY_PASSWORD_ENV);
            keys = SignerKeys.load(key, cert, pw == null ? null : pw.toCharArray());
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage());
        }
        try (Cache cache = cacheOption.open()) {
            OneOrigin.Pick pick = OneOrigin.pick(cache.provenance().everywhere(typeId[0], typeId[1]), origin, target,
                    cache.file());
            if (pick.problem() != null) {
                return fail(err, pick.problem());
            }
            ProvenanceStore.Current t = pick.current();
            String json;
            try {
                json = new ProvenanceChecks(cache.provenance()).sign(t.originId(), typeId[0], typeId[1], who, why, f,
                        keys, Instant.now());
            } catch (IllegalArgumentException e) {
                return fail(err, e.getMessage());
            }
            String pid = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("id").asText();
            ProvenanceSaver.Result r = new ProvenanceSaver(cache, new Fhir(), o -> Optional.empty())
                    .keep(t.origin(), pid, json);
            out.println("Signed " + target + (t.versionId() == null ? "" : " version " + t.versionId()) + " as "
                    + who + " (" + keys.chain().get(0).getSubjectX500Principal().getName() + ")");
            if (r instanceof ProvenanceSaver.Result.Kept k) {
                out.println("Kept in the cache under " + k.origin());
            } else if (r instanceof ProvenanceSaver.Result.Stored s) {
                out.println("Stored on " + s.origin() + " as version " + s.versionId());
            } else if (r instanceof ProvenanceSaver.Result.Queued q) {
                out.println("Waits in the outbox for " + q.origin() + " (entry " + q.seq() + "): " + q.reason());
            }
            out.println("Provenance/" + pid);
            out.flush();
            return 0;
        } catch (CacheException | IllegalStateException | com.fasterxml.jackson.core.JsonProcessingException e) {
            return fail(err, e.getMessage());
        }
    }

    private static int fail(PrintWriter err, String message) {
        err.println("custos provenance sign: " + message);
        err.flush();
        return 1;
    }
}
