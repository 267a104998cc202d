package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.OutboxStore;
import org.custos.fhir.Fhir;
import org.custos.sync.ConsentSaver;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code custos consent outbox}: the edits that have not reached their server (waiting, being sent, in conflict,
 * refused), one line each; {@code --retry SEQ} sends a refused one again, {@code --discard SEQ --save-to FILE}
 * gives one up after keeping its text in a file (the outbox is the only place that holds it).
 */
@Command(name = "outbox", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Lists the outbox entries not yet on their server (consent and Provenance edits, and Custos's "
                + "own audit events for the servers that receive them), one line each (tab-separated: seq, origin, "
                + "resource, status, base version, created, last message).",
                "--retry SEQ puts a FAILED entry back to pending: the next send (the app's, or a save) tries it "
                        + "again. A CONFLICT needs your choice: open the consent in Custos, or discard it.",
                "--discard SEQ --save-to FILE writes the entry's text to FILE (a new file), then discards the entry "
                        + "(kept as a record; the server's version stands).",
                "Exit status: 0 done, 1 no such entry, an entry in the wrong state, or an error."})
final class ConsentOutboxCommand implements Callable<Integer> {
    static final String HEADER = "seq\torigin\tresource\tstatus\tbase\tcreated\tmessage";

    @ArgGroup(exclusive = true)
    Action action;

    static final class Action {
        @Option(names = "--retry", paramLabel = "SEQ", description = "Send this FAILED entry again (next send)")
        Long retry;

        @Option(names = "--discard", paramLabel = "SEQ", description = "Give this entry up (needs --save-to)")
        Long discard;
    }

    @Option(names = "--may-be-on-server", description = "With --discard: give up an unanswered send (SENDING): it "
            + "may be on the server already, or not; Custos stops trying and checking")
    boolean mayBeOnServer;

    @Option(names = "--save-to", paramLabel = "FILE",
            description = "With --discard: write the entry's JSON to this new file first")
    Path saveTo;

    @Mixin
    CacheOption cacheOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (saveTo != null && (action == null || action.discard == null)) {
            throw new ParameterException(spec.commandLine(), "--save-to goes with --discard SEQ");
        }
        if (action != null && action.discard != null && saveTo == null) {
            throw new ParameterException(spec.commandLine(), "--discard needs --save-to FILE: the entry's text is "
                    + "kept nowhere else, so it is written there before it is discarded");
        }
        try (Cache cache = cacheOption.open()) {
            ConsentSaver saver = new ConsentSaver(cache, new Fhir(), origin -> Optional.empty());
            if (action == null) {
                out.println(HEADER);
                for (OutboxStore.Entry e : cache.outbox().unsent()) {
                    out.println(line(e));
                }
                out.flush();
                return 0;
            }
            if (action.retry != null) {
                saver.retry(action.retry);
                out.println("Outbox entry " + action.retry + " is pending again: the next send tries it.");
                out.flush();
                return 0;
            }
            OutboxStore.Entry e = cache.outbox().get(action.discard).orElseThrow(() ->
                    new IllegalArgumentException("No outbox entry " + action.discard + "."));
            boolean unanswered = e.status() == OutboxStore.Status.SENDING;
            if (!e.status().open() || unanswered && !mayBeOnServer) {
                return fail(err, "Outbox entry " + e.seq() + " is " + e.status() + ": it cannot be discarded"
                        + (unanswered ? " (it was sent without a clear answer and may be on the server: the next "
                        + "send checks; to give it up anyway, add --may-be-on-server)." : "."));
            }
            try {
                Files.writeString(PrivateFiles.create(newFile(saveTo)), e.json(), StandardCharsets.UTF_8,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException io) {
                return fail(err, "Cannot write " + saveTo + " (" + describe(io) + "): nothing was discarded.");
            }
            if (unanswered) {
                saver.giveUp(e.seq());
            } else {
                saver.discard(e.seq());
            }
            out.println("Wrote the text of outbox entry " + e.seq() + " (" + e.resource() + " for " + e.origin()
                    + ", " + e.status() + ") to " + saveTo + ".");
            out.println(unanswered ? "Gave up outbox entry " + e.seq() + ": it may be on the server or not."
                    : "Discarded outbox entry " + e.seq() + ": the server's version stands.");
            out.flush();
            return 0;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return fail(err, e.getMessage());
        }
    }

    /** One entry as a line: tabs and line breaks in its message become spaces. */
    static String line(OutboxStore.Entry e) {
        String base = e.baseSeq() != null ? "after #" + e.baseSeq() : e.baseVersion() == null ? "new"
                : e.baseVersion();
        String message = e.lastMessage() == null ? "" : e.lastMessage().replaceAll("[\\t\\r\\n]+", " ");
        return e.seq() + "\t" + e.origin() + "\t" + e.resource() + "\t" + e.status() + "\t" + base + "\t"
                + Instant.ofEpochMilli(e.createdAt()) + "\t" + message;
    }

    /** The file must be new: an existing one is not overwritten with the text. */
    private static Path newFile(Path file) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString());
        }
        return file;
    }

    private static String describe(IOException e) {
        if (e instanceof FileAlreadyExistsException) {
            return "it exists already; name a new file";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such folder";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static int fail(PrintWriter err, String message) {
        err.println("custos consent outbox: " + message);
        err.flush();
        return 1;
    }
}
