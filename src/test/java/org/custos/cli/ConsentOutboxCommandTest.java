package org.custos.cli;

import org.custos.cache.Cache;
import org.custos.cache.OutboxStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code custos consent outbox} on a real H2 file cache: list, retry a failure, discard after saving the text. */
class ConsentOutboxCommandTest {
    private static final String SERVER = "https://fhir.example.org/fhir";

    @TempDir
    Path dir;

    private static String consent(String id, String note) {
        return "{\"resourceType\":\"Consent\",\"id\":\"" + id + "\",\"status\":\"active\",\"patient\":{\"reference\":"
                + "\"Patient/1\"},\"policyRule\":\"http://example.org/policy/" + note + "\"}";
    }

    /** Entries: a failed one, a conflict, a pending one, a discarded one (not listed). */
    private long[] fill(Path db) {
        try (Cache cache = Cache.open(db)) {
            OutboxStore o = cache.outbox();
            long failed = o.enqueue(SERVER, "Consent", "c-1", "3", consent("c-1", "failed"));
            o.markSending(failed);
            o.markFailed(failed, "The server refused it (422):\tactor\nrole unknown");
            long conflict = o.enqueue(SERVER, "Consent", "c-2", "1", consent("c-2", "conflict"));
            o.markSending(conflict);
            o.markConflict(conflict, "2", consent("c-2", "theirs"), "Version conflict (409)");
            long pending = o.enqueue(SERVER, "Consent", "c-3", null, consent("c-3", "pending"));
            long gone = o.enqueue(SERVER, "Consent", "c-4", null, consent("c-4", "gone"));
            o.discard(gone);
            return new long[]{failed, conflict, pending, gone};
        }
    }

    @Test
    void listsEveryUnsentEntryOneTabSeparatedLineEach() {
        Path db = dir.resolve("cache");
        long[] seq = fill(db);
        CommandLineTest.Run r = CommandLineTest.run("consent", "outbox", "--db", db.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String[] lines = r.out().split("\\R");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).isEqualTo(ConsentOutboxCommand.HEADER);
        assertThat(lines[1].split("\t")).hasSize(7).startsWith(String.valueOf(seq[0]), SERVER, "Consent/c-1",
                "FAILED", "3").endsWith("The server refused it (422): actor role unknown");
        assertThat(lines[1].split("\t")[5]).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(lines[2].split("\t")).startsWith(String.valueOf(seq[1]), SERVER, "Consent/c-2", "CONFLICT", "1")
                .endsWith("Version conflict (409)");
        assertThat(lines[3].split("\t")).startsWith(String.valueOf(seq[2]), SERVER, "Consent/c-3", "PENDING", "new");
        assertThat(r.out()).doesNotContain("c-4");
    }

    @Test
    void retryPutsOnlyAFailedEntryBackToPending() {
        Path db = dir.resolve("cache");
        long[] seq = fill(db);
        CommandLineTest.Run conflict = CommandLineTest.run("consent", "outbox", "--db", db.toString(), "--retry",
                String.valueOf(seq[1]));
        assertThat(conflict.code()).isEqualTo(1);
        assertThat(conflict.err()).contains("is CONFLICT").contains("needs your choice");
        CommandLineTest.Run unknown = CommandLineTest.run("consent", "outbox", "--db", db.toString(), "--retry",
                "999");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("No outbox entry 999");

        CommandLineTest.Run ok = CommandLineTest.run("consent", "outbox", "--db", db.toString(), "--retry",
                String.valueOf(seq[0]));
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("entry " + seq[0] + " is pending again");
        try (Cache cache = Cache.open(db)) {
            assertThat(cache.outbox().get(seq[0]).orElseThrow().status()).isEqualTo(OutboxStore.Status.PENDING);
            assertThat(cache.outbox().get(seq[1]).orElseThrow().status()).isEqualTo(OutboxStore.Status.CONFLICT);
        }
    }

    @Test
    void discardWritesTheTextToANewFileFirstAndNeverWithoutOne() throws IOException {
        Path db = dir.resolve("cache");
        long[] seq = fill(db);
        CommandLineTest.Run bare = CommandLineTest.run("consent", "outbox", "--db", db.toString(), "--discard",
                String.valueOf(seq[0]));
        assertThat(bare.code()).isNotZero();
        assertThat(bare.err()).contains("--discard needs --save-to FILE");

        Path existing = Files.writeString(dir.resolve("taken.json"), "keep me");
        CommandLineTest.Run clash = CommandLineTest.run("consent", "outbox", "--db", db.toString(), "--discard",
                String.valueOf(seq[0]), "--save-to", existing.toString());
        assertThat(clash.code()).isEqualTo(1);
        assertThat(clash.err()).contains("exists already").contains("nothing was discarded");
        assertThat(Files.readString(existing)).isEqualTo("keep me");

        Path kept = dir.resolve("kept.json");
        CommandLineTest.Run ok = CommandLineTest.run("consent", "outbox", "--db", db.toString(), "--discard",
                String.valueOf(seq[0]), "--save-to", kept.toString());
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("Wrote the text of outbox entry " + seq[0] + " (Consent/c-1")
                .contains(kept.toString()).contains("Discarded outbox entry " + seq[0]);
        assertThat(Files.readString(kept, StandardCharsets.UTF_8)).isEqualTo(consent("c-1", "failed"));

        CommandLineTest.Run again = CommandLineTest.run("consent", "outbox", "--db", db.toString(), "--discard",
                String.valueOf(seq[0]), "--save-to", dir.resolve("again.json").toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("is DISCARDED");
        assertThat(dir.resolve("again.json")).doesNotExist();

        try (Cache cache = Cache.open(db)) {
            assertThat(cache.outbox().get(seq[0]).orElseThrow().status()).isEqualTo(OutboxStore.Status.DISCARDED);
            // with the failure and the conflict given up and the pending one sent, the origin could be purged
            assertThat(cache.outbox().unsent()).extracting(OutboxStore.Entry::seq).containsExactly(seq[1], seq[2]);
        }
    }

    @Test
    void anUnansweredSendIsGivenUpOnlyWhenTheUserSaysItMayBeOnTheServer() throws IOException {
        Path db = dir.resolve("cache");
        long seq;
        try (Cache cache = Cache.open(db)) {
            OutboxStore o = cache.outbox();
            seq = o.enqueue(SERVER, "Consent", "c-9", "1", consent("c-9", "unanswered"));
            o.markSending(seq);
            o.markUncertain(seq, "No answer in time: it may have been stored anyway.");
        }
        CommandLineTest.Run plain = CommandLineTest.run("consent", "outbox", "--db", db.toString(), "--discard",
                String.valueOf(seq), "--save-to", dir.resolve("plain.json").toString());
        assertThat(plain.code()).isEqualTo(1);
        assertThat(plain.err()).contains("may be on the server").contains("--may-be-on-server");
        assertThat(dir.resolve("plain.json")).doesNotExist();

        Path kept = dir.resolve("kept.json");
        CommandLineTest.Run given = CommandLineTest.run("consent", "outbox", "--db", db.toString(), "--discard",
                String.valueOf(seq), "--save-to", kept.toString(), "--may-be-on-server");
        assertThat(given.code()).as(given.err()).isZero();
        assertThat(given.out()).contains("Gave up outbox entry " + seq);
        assertThat(Files.readString(kept, StandardCharsets.UTF_8)).isEqualTo(consent("c-9", "unanswered"));
        try (Cache cache = Cache.open(db)) {
            OutboxStore.Entry e = cache.outbox().get(seq).orElseThrow();
            assertThat(e.status()).isEqualTo(OutboxStore.Status.DISCARDED);
            assertThat(e.json()).isEqualTo(consent("c-9", "unanswered"));
        }
    }
}
