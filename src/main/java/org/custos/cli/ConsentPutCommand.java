package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.fhir.Fhir;
import org.custos.fhir.FhirFormatException;
import org.custos.fhir.FhirServerException;
import org.custos.fhir.Redactor;
import org.custos.fhir.ResourceWriter;
import org.custos.fhir.ServerProfile;
import org.custos.fhir.VersionConflictException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code custos consent put FILE --server URL}: stores one Consent on a server, safely. A Consent with
 * {@code meta.versionId} updates that version (If-Match: the server refuses when it holds a newer one); without
 * one it is created (with the file's id, or a new one) and refused when the server has that id already.
 */
@Command(name = "put", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Stores one Consent (a JSON or XML file) on a FHIR STU3 server. With meta.versionId it "
                + "updates that version only (If-Match): when the server holds a newer one, nothing is written. "
                + "Without meta.versionId it is created, with the file's id or a new one (refused, as a conflict, "
                + "when the server has that id already).",
                "With --db the stored version is also kept in that cache, under the server's origin (without "
                        + "--db no cache is opened).",
                "Secrets are read from environment variables, never from the command line.",
                "Exit status: 0 stored, 4 version conflict (nothing written), 1 any other failure."})
final class ConsentPutCommand implements Callable<Integer> {
    /** A version conflict: the server holds another version than the file's. */
    static final int CONFLICT = 4;
    /** Larger files are refused before they are read (a Consent is a few KB). */
    static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    @Parameters(index = "0", paramLabel = "FILE", description = "The Consent, as FHIR STU3 JSON or XML")
    Path file;

    @Mixin
    ServerOptions serverOptions;

    @Option(names = "--db", paramLabel = "PATH",
            description = "Also store the server's version in this cache (none without it)")
    Path db;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServerProfile profile = serverOptions.profile();
        List<String> problems = profile.problems();
        if (!problems.isEmpty()) {
            throw new ParameterException(spec.commandLine(), String.join(" ", problems));
        }
        try {
            profile = serverOptions.signedIn(profile, err);
        } catch (org.custos.fhir.SmartException e) {
            return fail(err, e.getMessage());
        }
        Redactor redactor = Redactor.of(profile);
        Fhir fhir = new Fhir();
        Fhir.ResourceText consent;
        try {
            consent = fhir.readOne(read(file));
        } catch (FhirFormatException e) {
            return fail(err, file + ": " + e.getMessage());
        } catch (IOException e) {
            return fail(err, "Cannot read " + file + ": " + describe(e));
        }
        if (!consent.type().equals("Consent")) {
            return fail(err, file + " holds a " + consent.type() + ", not a Consent.");
        }
        // the cache first: a cache in use elsewhere stops the command before anything is written to the server
        try (Cache cache = db == null ? null : CacheCommand.keys().open(db);
             ResourceWriter writer = new ResourceWriter(fhir, profile)) {
            String id = consent.id() == null ? ResourceWriter.newId() : consent.id();
            ResourceWriter.Stored stored;
            try {
                stored = consent.versionId() == null ? writer.create("Consent", id, consent.json(), false)
                        : writer.put("Consent", id, consent.json(), consent.versionId());
            } catch (VersionConflictException c) {
                err.println("custos consent put: conflict: " + redactor.clean(conflictText(c)));
                err.flush();
                return CONFLICT;
            } catch (FhirServerException | FhirFormatException | IllegalArgumentException e) {
                return fail(err, redactor.clean(e.getMessage()));
            }
            out.println("Stored Consent/" + stored.id() + " version " + stored.versionId() + " on "
                    + profile.baseUrl());
            out.flush();
            if (cache != null) {
                try {
                    var counts = cache.resources().upsertFromServer(profile.baseUrl(), stored.json(),
                            profile.baseUrl() + "/Consent/" + stored.id());
                    out.println(counts.added() + counts.updated() > 0 ? "Kept in the cache " + db + " under "
                            + profile.baseUrl() : "The cache " + db + " had this version already");
                } catch (RuntimeException e) {
                    // the server has it; the next sync brings it into the cache
                    err.println("custos consent put: stored on the server, but not in the cache " + db + ": "
                            + redactor.clean(e.getMessage()) + " (the next sync brings it)");
                }
            }
            return 0;
        }
    }

    private static String conflictText(VersionConflictException c) {
        if (c.expectedVersion() == null && c.currentVersion() == null) {
            return "the server deleted Consent/" + c.id() + ", and the file has no meta.versionId; nothing was "
                    + "written (a file does not bring back a deleted consent). To re-create it, put it under a new id "
                    + "(remove its id) or restore it on the server.";
        }
        if (c.expectedVersion() == null) {
            return "the server has Consent/" + c.id() + " already (version " + c.currentVersion() + "), and the "
                    + "file has no meta.versionId; nothing was written. To change that Consent, start from the "
                    + "server's version (custos sync, or read it) and put it with its meta.versionId.";
        }
        return "the file is based on version " + c.expectedVersion() + " of Consent/" + c.id() + ", but the server "
                + (c.currentVersion() == null ? "no longer has it (deleted)" : "holds version " + c.currentVersion())
                + "; nothing was written. Compare the two and put your change on top of the server's version.";
    }

    private static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(Files.exists(file) ? "not a file" : "no such file");
        }
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException("it has " + size + " bytes, more than a Consent file may have ("
                    + MAX_FILE_BYTES + ")");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException("it is not UTF-8 text");
        }
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static int fail(PrintWriter err, String message) {
        err.println("custos consent put: " + message);
        err.flush();
        return 1;
    }
}
