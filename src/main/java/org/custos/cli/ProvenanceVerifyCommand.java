package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.CacheException;
import org.custos.cache.ProvenanceStore;
import org.custos.provenance.ProvenanceChecks;
import org.custos.provenance.TrustStore;
import org.custos.provenance.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code custos provenance verify ID}: the verdict of each signature of a cached Provenance, with its reason. */
@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Checks each signature of the cached Provenance ID over the current content of its targets "
                + "(of the Provenance's own origin), then its signer: certificate valid when it signed, trusted, "
                + "naming the signature's who. Prints one line per signature: the verdict (valid, invalid, untrusted "
                + "signer, signer does not match who, certificate expired or not yet valid, cannot verify) and why.",
                "A PKCS#12 trust store's password is read from $" + ProvenanceVerifyCommand.TRUST_PASSWORD_ENV + ".",
                "Exit status: 0 only when every signature is valid; 1 otherwise (no signature, any other verdict, "
                        + "no such Provenance, an error)."})
final class ProvenanceVerifyCommand implements Callable<Integer> {
    static final String TRUST_PASSWORD_ENV = "CUSTOS_TRUSTSTORE_PASSWORD";

    @Parameters(index = "0", paramLabel = "ID", description = "The Provenance's id (or Provenance/id)")
    String id;

    @Option(names = "--truststore", paramLabel = "FILE", description = "Trusted certificates: PEM or PKCS#12 "
            + "(without it no signer is trusted)")
    Path truststore;

    @Option(names = "--origin", paramLabel = "NAME|URL", description = "The origin, when several hold this id")
    String origin;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String pid = id.startsWith("Provenance/") ? id.substring("Provenance/".length()) : id;
        TrustStore trust;
        try {
            String pw = System.getenv(TRUST_PASSWORD_ENV);
            trust = truststore == null ? TrustStore.none() : TrustStore.load(truststore,
                    pw == null ? null : pw.toCharArray());
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage());
        }
        try (Cache cache = cacheOption.open()) {
            OneOrigin.Pick pick = OneOrigin.pick(cache.provenance().withId(pid), origin, "Provenance/" + pid,
                    cache.file());
            if (pick.problem() != null) {
                return fail(err, pick.problem());
            }
            ProvenanceStore.Current p = pick.current();
            ProvenanceChecks checks = new ProvenanceChecks(cache.provenance());
            List<Verdict> verdicts = checks.verify(p, trust);
            out.println("Provenance/" + pid + " of " + p.origin() + (p.outboxSeq() == null ? ""
                    : " (not yet on its server: outbox entry " + p.outboxSeq() + ")"));
            if (verdicts.isEmpty()) {
                out.println("no signature: nothing to verify");
                out.flush();
                return 1;
            }
            for (int i = 0; i < verdicts.size(); i++) {
                out.println(checks.describe(p, i) + ": " + verdicts.get(i).text());
            }
            out.flush();
            return verdicts.stream().allMatch(Verdict::valid) ? 0 : 1;
        } catch (CacheException e) {
            return fail(err, e.getMessage());
        }
    }

    private static int fail(PrintWriter err, String message) {
        err.println("custos provenance verify: " + message);
        err.flush();
        return 1;
    }
}
