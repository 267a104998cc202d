package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.Verifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Checks the cache against its ledger, the hash chain Custos extends with every write: every "
                + "stored version, raw text and search column is what was stored; nothing recorded is missing unless "
                + "Custos removed it on purpose; nothing is there that was never recorded; the search indexes and the "
                + "changed/deleted flags fit the rows. Prints \"intact\" or each event changed, deleted or inserted "
                + "outside Custos, by origin and id, and the chain's head.",
                "Write the head down (or keep the file of --head-out elsewhere): a later verify given it with --head "
                        + "proves that nothing stored up to it was rewritten, even by someone who rewrote the chain.",
                "Exit status: 0 intact, 3 not intact, 1 an error."})
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--head", paramLabel = "SEQ:HEX", description = "A head printed by an earlier verify: the chain "
            + "must still lead through it")
    String head;

    @Option(names = "--head-out", paramLabel = "FILE", description = "Also write the head to this file")
    java.nio.file.Path headOut;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        Verifier.Result r;
        try (Cache cache = cacheOption.open()) {
            r = cache.verifier().run(head, () -> false, (done, total) -> { });
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        for (Verifier.Problem p : r.problems()) {
            out.println(p.line());
        }
        if (r.problemCount() > r.problems().size()) {
            out.println("… and " + (r.problemCount() - r.problems().size()) + " more");
        }
        if (Boolean.FALSE.equals(r.headMatches())) {
            out.println("ledger damaged: the chain does not lead through the head given (" + head + "): it was "
                    + "rewritten up to there");
        }
        if (!r.removedSinceHead().isEmpty()) {
            out.println("removed by Custos since the head given (a rewritten chain could claim removals too: check "
                    + "that you recognise each):");
            r.removedSinceHead().forEach(l -> out.println("  " + l));
        }
        out.println(r.intact() ? "intact" : "NOT intact: " + r.problemCount() + " problem(s)"
                + (Boolean.FALSE.equals(r.headMatches()) ? ", and the head given does not match" : ""));
        out.println("head " + r.head());
        err.printf(Locale.ROOT, "Checked %,d rows against %,d ledger entries in %.1f s%s%n", r.rows(), r.entries(), secs,
                Boolean.TRUE.equals(r.headMatches()) ? "; the head given matches" : "");
        if (headOut != null) {
            java.nio.file.Files.writeString(PrivateFiles.create(headOut), r.head() + "\n");
        }
        return r.intact() ? 0 : 3;
    }
}
