package org.custos.consent;

import org.custos.consent.OutboxViewModel.Item;
import org.custos.consent.OutboxViewModel.State;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The "Outbox…" window without a screen: list, retry only a failure, discard after saving the text, send now. */
class OutboxViewModelTest {
    @TempDir
    Path dir;

    /** An outbox in memory: the calls it got, and entries that change as the real ones would. */
    static final class FakeEntries implements OutboxViewModel.Entries {
        final List<Item> items = new ArrayList<>();
        final List<String> calls = new ArrayList<>();

        FakeEntries() {
            items.add(item(1, State.FAILED, "refused (422)"));
            items.add(item(2, State.CONFLICT, "Version conflict"));
            items.add(item(3, State.SENDING, ""));
            items.add(item(4, State.WAITING, ""));
        }

        static Item item(long seq, State s, String message) {
            return new Item(seq, "https://fhir.example.org/fhir", "Consent/c-" + seq, s, "1", "2026-12-02 10:00",
                    message, "{\"resourceType\":\"Consent\",\"id\":\"c-" + seq + "\"}");
        }

        @Override
        public List<Item> list() {
            return List.copyOf(items);
        }

        @Override
        public void retry(long seq) {
            calls.add("retry " + seq);
            items.replaceAll(i -> i.seq() == seq ? item(seq, State.WAITING, "") : i);
        }

        @Override
        public void discard(long seq) {
            calls.add("discard " + seq);
            items.removeIf(i -> i.seq() == seq);
        }

        @Override
        public void giveUp(long seq) {
            calls.add("give up " + seq);
            items.removeIf(i -> i.seq() == seq);
        }

        @Override
        public String sendAll(org.custos.ui.TaskRunner.Progress progress) {
            calls.add("send");
            items.removeIf(i -> i.state() == State.WAITING);
            return "https://fhir.example.org/fhir: sent 1";
        }
    }

    private final FakeEntries entries = new FakeEntries();
    private final OutboxViewModel vm = new OutboxViewModel(entries, new ImmediateTaskRunner());

    private void select(long seq) {
        vm.selected().set(vm.items().stream().filter(i -> i.seq() == seq).findFirst().orElseThrow());
    }

    @Test
    void listsTheEntriesAndOffersRetryOnlyForAFailureAndDiscardForEvery() {
        vm.refresh();
        assertThat(vm.items()).extracting(Item::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(vm.canRetry().get()).isFalse();
        assertThat(vm.canDiscard().get()).isFalse();
        select(1);
        assertThat(vm.canRetry().get()).isTrue();
        assertThat(vm.canDiscard().get()).isTrue();
        select(2);
        assertThat(vm.canRetry().get()).as("a conflict needs the user's choice").isFalse();
        assertThat(vm.canDiscard().get()).isTrue();
        select(3);
        assertThat(vm.canDiscard().get()).as("an unanswered send can be given up (the question warns)").isTrue();
        assertThat(vm.discardQuestion()).contains("Give up", "MAY BE ON THE SERVER");

        vm.retry();
        assertThat(entries.calls).isEmpty();
        assertThat(vm.message().get()).contains("Only a refused (FAILED) entry");
    }

    @Test
    void retryPutsAFailureBackToWaiting() {
        vm.refresh();
        select(1);
        vm.retry();
        assertThat(entries.calls).containsExactly("retry 1");
        assertThat(vm.items().get(0).state()).isEqualTo(State.WAITING);
        assertThat(vm.message().get()).contains("Entry 1 waits to be sent again");
        assertThat(vm.selected().get()).isNull();
    }

    @Test
    void discardWritesTheTextFirstAndDiscardsNothingWhenItCannot() throws Exception {
        vm.refresh();
        select(2);
        assertThat(vm.discardQuestion()).contains("entry 2", "Consent/c-2", "kept nowhere else");
        assertThat(vm.suggestedFileName()).isEqualTo("outbox-2-Consent-c-2.json");

        vm.discard(dir.resolve("no-such-folder").resolve("x.json"));
        assertThat(entries.calls).isEmpty();
        assertThat(vm.message().get()).contains("nothing was discarded");
        assertThat(vm.busy().get()).isFalse();

        select(2);
        Path file = dir.resolve("c-2.json");
        vm.discard(file);
        assertThat(entries.calls).containsExactly("discard 2");
        assertThat(Files.readString(file)).isEqualTo("{\"resourceType\":\"Consent\",\"id\":\"c-2\"}");
        assertThat(vm.message().get()).contains("Discarded entry 2").contains(file.toString());
        assertThat(vm.items()).extracting(Item::seq).containsExactly(1L, 3L, 4L);

        select(1);
        vm.discard(null);
        assertThat(entries.calls).containsExactly("discard 2", "discard 1");
        assertThat(vm.message().get()).isEqualTo("Discarded entry 1.");
    }

    @Test
    void sendNowSaysWhatWentAndListsWhatIsLeft() {
        vm.refresh();
        vm.sendNow();
        assertThat(entries.calls).containsExactly("send");
        assertThat(vm.message().get()).isEqualTo("https://fhir.example.org/fhir: sent 1");
        assertThat(vm.items()).extracting(Item::seq).containsExactly(1L, 2L, 3L);
    }

    @Test
    void anUnansweredSendIsGivenUpNotDiscarded() throws Exception {
        vm.refresh();
        select(3);
        Path file = dir.resolve("c-3.json");
        vm.discard(file);
        assertThat(entries.calls).containsExactly("give up 3");
        assertThat(Files.readString(file)).contains("c-3");
        assertThat(vm.message().get()).contains("Gave up entry 3");
    }
}
