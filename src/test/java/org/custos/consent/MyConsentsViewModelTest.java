package org.custos.consent;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "My consents" without a screen: plain rows, a withdrawal only after the confirmation, saved on top of the version
 * shown (status inactive, nothing else changed), a consent changed meanwhile not overwritten.
 */
class MyConsentsViewModelTest {
    private static final String ORIGIN = "https://fhir.example.org/r3";
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String[]> saved = new ArrayList<>();
    private ConsentEditorViewModel.Outcome outcome = new ConsentEditorViewModel.Outcome.Stored("3", "{}");

    private MyConsentsViewModel vm(List<MyConsentsViewModel.Kept> kept) {
        ConsentEditorViewModel.Store store = (origin, id, base, json) -> {
            saved.add(new String[]{origin, id, base, json});
            return outcome;
        };
        GuidedConsent guided = new GuidedConsent(new ConsentTemplates());
        GuidedConsentViewModel making = new GuidedConsentViewModel(guided, json -> List.of(), store,
                ConsentEditorViewModel.People.NONE, (id, version, key, pw) -> "", new ImmediateTaskRunner(), ORIGIN,
                new ConsentTemplates.Patient("Patient/p7"));
        return new MyConsentsViewModel(() -> kept, store, guided, making, new ImmediateTaskRunner(),
                ZoneId.of("Europe/Dublin"), ORIGIN);
    }

    private static String consent(String status) {
        ConsentTemplates t = new ConsentTemplates();
        var c = t.shareAllExceptActor(new ConsentTemplates.Patient("Patient/p7"), "Practitioner/x1",
                "Dr Xavier Brennan", null);
        c.put("status", status);
        c.put("dateTime", "2026-11-30T10:00:00Z");
        c.putObject("meta").putArray("security").addObject().put("code", "R");
        return t.toJson(c);
    }

    @Test
    void withdrawingAsksFirstThenSavesOnTopOfTheVersionShown() throws Exception {
        MyConsentsViewModel vm = vm(List.of(new MyConsentsViewModel.Kept("c1", "2", consent("active"), false),
                new MyConsentsViewModel.Kept("c0", "1", consent("inactive"), false)));
        vm.load();
        assertThat(vm.rows()).hasSize(2);
        MyConsentsViewModel.Row row = vm.rows().get(0);
        assertThat(row.text()).isEqualTo("Everyone who cares for you may see your record, except: Dr Xavier "
                + "Brennan.");
        assertThat(row.state()).isEqualTo("In force");
        assertThat(row.made()).isEqualTo("30 November 2026");
        assertThat(row.spoken()).contains("In force, made 30 November 2026");
        assertThat(vm.rows().get(1).state()).isEqualTo("Withdrawn");
        assertThat(vm.rows().get(1).canWithdraw()).isFalse();

        vm.withdraw(vm.rows().get(1));
        assertThat(vm.withdrawing().get()).isNull();
        assertThat(vm.message().get()).isEqualTo("Only a consent in force can be withdrawn.");

        vm.withdraw(row);
        assertThat(saved).as("nothing before the confirmation").isEmpty();
        vm.cancelWithdraw();
        assertThat(saved).isEmpty();
        assertThat(vm.message().get()).isEqualTo("Nothing was changed.");

        vm.withdraw(row);
        vm.confirmWithdraw();
        assertThat(saved).hasSize(1);
        assertThat(saved.get(0)[0]).isEqualTo(ORIGIN);
        assertThat(saved.get(0)[1]).isEqualTo("c1");
        assertThat(saved.get(0)[2]).as("If-Match on the version shown").isEqualTo("2");
        var sent = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(saved.get(0)[3]);
        var before = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(consent("active"));
        assertThat(sent.get("status").asText()).isEqualTo("inactive");
        before.put("status", "inactive");
        assertThat(sent).as("only the status changed (labels kept)").isEqualTo(before);
        assertThat(vm.message().get()).isEqualTo("Withdrawn: this consent is no longer in force.");
        assertThat(vm.withdrawing().get()).isNull();
    }

    @Test
    void aConsentChangedMeanwhileIsNotOverwritten() {
        outcome = new ConsentEditorViewModel.Outcome.Conflict("mine", "theirs", "3");
        MyConsentsViewModel vm = vm(List.of(new MyConsentsViewModel.Kept("c1", "2", consent("active"), false)));
        vm.load();
        vm.withdraw(vm.rows().get(0));
        vm.confirmWithdraw();
        assertThat(vm.message().get()).startsWith("Not withdrawn: this consent was changed on the server");
    }

    @Test
    void anEditWaitingToBeSentCannotBeWithdrawnYetAndAnUnreadableOneIsShownAsSuch() {
        MyConsentsViewModel vm = vm(List.of(new MyConsentsViewModel.Kept("c1", "2", consent("active"), true),
                new MyConsentsViewModel.Kept("c2", "1", "{not json", false)));
        vm.load();
        assertThat(vm.rows().get(0).state()).isEqualTo("In force · your change waits to be sent");
        assertThat(vm.rows().get(0).canWithdraw()).isFalse();
        assertThat(vm.rows().get(1).text()).isEqualTo("A consent that cannot be read here");
        vm.create();
        assertThat(vm.creating().get()).isTrue();
        assertThat(vm.making().step().get()).isEqualTo(GuidedConsentViewModel.Step.CHOOSE);
    }

    @Test
    void aChangeNotSentIsSaidSoAndCanBeSetAside() {
        List<MyConsentsViewModel.Kept> setAside = new ArrayList<>();
        List<MyConsentsViewModel.Kept> kept = new ArrayList<>(List.of(
                new MyConsentsViewModel.Kept("c1", "2", consent("inactive"), true, MyConsentsViewModel.Pending.CONFLICT),
                new MyConsentsViewModel.Kept("c2", null, consent("active"), false, MyConsentsViewModel.Pending.REFUSED),
                new MyConsentsViewModel.Kept("c3", null, consent("active"), false, MyConsentsViewModel.Pending.WAITING)));
        ConsentEditorViewModel.Store store = (origin, id, base, json) -> outcome;
        GuidedConsent guided = new GuidedConsent(new ConsentTemplates());
        GuidedConsentViewModel making = new GuidedConsentViewModel(guided, json -> List.of(), store,
                ConsentEditorViewModel.People.NONE, (id, version, key, pw) -> "", new ImmediateTaskRunner(), ORIGIN,
                new ConsentTemplates.Patient("Patient/p7"));
        MyConsentsViewModel vm = new MyConsentsViewModel(new MyConsentsViewModel.Source() {
            @Override
            public List<MyConsentsViewModel.Kept> consents() {
                return List.copyOf(kept);
            }

            @Override
            public void setAside(MyConsentsViewModel.Kept k) {
                setAside.add(k);
                kept.remove(k);
            }
        }, store, guided, making, new ImmediateTaskRunner(), ZoneId.of("Europe/Dublin"), ORIGIN);
        vm.load();
        assertThat(vm.rows().get(0).state()).startsWith("Withdrawn · your change was not sent: the consent changed");
        // a new consent the server refused, or that waits, is not in force: it never reached the server
        assertThat(vm.rows().get(1).state()).startsWith("Not in force yet · your change was not sent: the server "
                + "refused it");
        assertThat(vm.rows().get(2).state()).isEqualTo("Not in force yet · your change waits to be sent");
        assertThat(vm.rows()).noneMatch(MyConsentsViewModel.Row::canWithdraw);
        assertThat(vm.rows()).extracting(MyConsentsViewModel.Row::canSetAside).containsExactly(true, true, false);
        vm.setAside(vm.rows().get(2));
        assertThat(setAside).as("a change still waiting is not set aside from here").isEmpty();
        vm.setAside(vm.rows().get(0));
        assertThat(setAside).extracting(MyConsentsViewModel.Kept::id).containsExactly("c1");
        assertThat(vm.rows()).hasSize(2);
        assertThat(vm.message().get()).startsWith("Your change was set aside");
    }
}
