package org.custos.consent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The summary, changes and simulator of an editor, without a screen. */
class ConsentMeaningViewModelTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> asked = new ArrayList<>();

    private ConsentMeaningViewModel vm(List<ConsentMeaningViewModel.Version> kept) {
        return new ConsentMeaningViewModel((origin, r) -> Optional.ofNullable(
                Map.of("http://a|Patient/f001", "Pieter").get(origin + "|" + r)),
                vs -> vs.equals(ConsentCodes.PURPOSE) ? List.of(new ConsentCodes.Choice(
                        "http://hl7.org/fhir/v3/ActReason", "ETREAT", "Emergency Treatment")) : List.of(),
                (origin, id) -> {
                    asked.add(origin + "|" + id);
                    return kept;
                }, new ImmediateTaskRunner(), ZoneOffset.UTC);
    }

    @Test
    void summaryFollowsTheEditorsText() throws IOException {
        ConsentMeaningViewModel vm = vm(List.of());
        ObjectNode c = example("Emergency");
        vm.show(c, "http://a");
        assertThat(vm.summaryText().get()).contains("Pieter (Patient/f001) consents",
                "Exception 1 (permit)", "for emergency treatment (ETREAT)");
        assertThat(vm.summary()).extracting(ConsentSummary.Sentence::path).contains("Consent.except[1]");
        ((ArrayNode) c.get("except")).remove(0);
        vm.show(c, "http://a");
        assertThat(vm.summaryText().get()).doesNotContain("ETREAT").contains("Exception 1 (deny)");
        assertThat(asked).containsExactly("http://a|consent-example-Emergency"); // read once per consent
    }

    @Test
    void changesBetweenKeptVersionsAndTheEditorsText() throws IOException {
        ObjectNode v1 = example("Emergency");
        v1.putObject("meta").put("versionId", "1");
        ObjectNode v2 = v1.deepCopy();
        ((ObjectNode) v2.get("meta")).put("versionId", "2");
        ((ArrayNode) v2.get("except")).remove(0);
        ConsentMeaningViewModel vm = vm(List.of(
                new ConsentMeaningViewModel.Version("2", "2026-01-02 10:00", mapper.writeValueAsString(v2)),
                new ConsentMeaningViewModel.Version("1", "2026-01-01 10:00", mapper.writeValueAsString(v1))));
        vm.show(v2, "http://a");
        // the editor holds version 2 unchanged: only the kept versions are listed, the newest chosen
        assertThat(vm.versions()).extracting(ConsentMeaningViewModel.VersionRow::label)
                .containsExactly("Version 2 · 2026-01-02 10:00", "Version 1 · 2026-01-01 10:00");
        assertThat(vm.changeText().get()).startsWith("From version 1 · 2026-01-01 10:00 to version 2 · 2026-01-02 "
                + "10:00: tightened.\n[tightened] Removed exception 1");
        vm.chosen().set(vm.versions().get(1));
        assertThat(vm.changeText().get()).contains("is the earliest listed");

        ObjectNode edited = v2.deepCopy().put("status", "inactive");
        vm.show(edited, "http://a");
        assertThat(vm.versions()).extracting(ConsentMeaningViewModel.VersionRow::label)
                .startsWith("This editor's text (not saved)");
        vm.chosen().set(vm.versions().get(0));
        assertThat(vm.changes()).extracting(ConsentChange.Item::text).containsExactly(
                "Revoked (status active → inactive).");
    }

    @Test
    void theServersHistoryJoinsTheKeptVersions() throws IOException {
        ObjectNode v1 = example("Emergency");
        v1.putObject("meta").put("versionId", "1");
        ObjectNode v2 = v1.deepCopy();
        ((ObjectNode) v2.get("meta")).put("versionId", "2");
        ((ArrayNode) v2.get("except")).remove(0);
        ObjectNode v3 = v2.deepCopy().put("status", "inactive");
        ((ObjectNode) v3.get("meta")).put("versionId", "3");
        // the cache keeps 1 and 2; the server lists 3, 2 and a version 1 whose content is not the cache's
        ObjectNode v1OnServer = v1.deepCopy().put("status", "draft");
        ((ObjectNode) v1OnServer.get("meta")).put("lastUpdated", "2026-01-01T10:00:00Z");
        List<String> serverAsked = new ArrayList<>();
        ConsentMeaningViewModel vm = vm(List.of(
                new ConsentMeaningViewModel.Version("2", "2026-01-02 10:00", mapper.writeValueAsString(v2)),
                new ConsentMeaningViewModel.Version("1", "2026-01-01 10:00", mapper.writeValueAsString(v1))))
                .serverHistory((origin, id) -> {
                    serverAsked.add(origin + "|" + id);
                    return new ConsentMeaningViewModel.History(List.of(
                            new ConsentMeaningViewModel.Version("3", "2026-01-03 10:00", mapper.writeValueAsString(v3)),
                            new ConsentMeaningViewModel.Version("2", "2026-01-02 10:00", mapper.writeValueAsString(v2)),
                            new ConsentMeaningViewModel.Version("1", "2026-01-01 10:00",
                                    mapper.writeValueAsString(v1OnServer))), true, "4");
                });
        vm.show(v2, "http://a");
        // the server is asked only when the Changes tab is looked at (a read the server logs)
        assertThat(serverAsked).isEmpty();
        assertThat(vm.versions()).extracting(ConsentMeaningViewModel.VersionRow::label)
                .containsExactly("Version 2 · 2026-01-02 10:00", "Version 1 · 2026-01-01 10:00");
        vm.wantServerHistory();
        vm.wantServerHistory();
        assertThat(serverAsked).containsExactly("http://a|consent-example-Emergency");
        assertThat(vm.historyNote().get()).isEqualTo("With the server's history (3 versions). The server deleted "
                + "this consent (version 4).");
        // the editor holds version 2 as it is: not listed as unsaved text although the server has a newer one
        assertThat(vm.versions()).extracting(ConsentMeaningViewModel.VersionRow::label).containsExactly(
                "Version 3 · 2026-01-03 10:00 · from the server's history (not in the cache)",
                "Version 2 · 2026-01-02 10:00",
                "Version 1 · 2026-01-01 10:00 · differs from the server's version 1");
        vm.chosen().set(vm.versions().get(0));
        assertThat(vm.changeText().get()).startsWith("From version 2")
                .contains("[tightened] Revoked (status active → inactive)");
        // edits do not read anything again; a saved version (another versionId in the editor) reads both again
        vm.show(v2.deepCopy().put("status", "draft"), "http://a");
        assertThat(serverAsked).hasSize(1);
        vm.show(v3, "http://a");
        assertThat(serverAsked).hasSize(2);
        // only while the Changes tab is looked at
        vm.serverHistoryShown(false);
        ObjectNode v4 = v3.deepCopy();
        ((ObjectNode) v4.get("meta")).put("versionId", "4");
        vm.show(v4, "http://a");
        assertThat(serverAsked).hasSize(2);
        vm.serverHistoryShown(true);
        assertThat(serverAsked).hasSize(3);
        vm.show(v3, "http://a");
        assertThat(vm.versions()).extracting(ConsentMeaningViewModel.VersionRow::label).first().asString()
                .startsWith("Version 3");

        // a server that cannot be reached: the cache's versions, and why the server's are missing
        ConsentMeaningViewModel down = vm(List.of(
                new ConsentMeaningViewModel.Version("1", "2026-01-01 10:00", mapper.writeValueAsString(v1))))
                .serverHistory((origin, id) -> {
                    throw new IllegalStateException("Cannot reach http://a");
                });
        down.wantServerHistory();
        down.show(v1, "http://a");
        assertThat(down.versions()).extracting(ConsentMeaningViewModel.VersionRow::label)
                .containsExactly("Version 1 · 2026-01-01 10:00");
        assertThat(down.historyNote().get()).startsWith("The server's history could not be read")
                .contains("Cannot reach http://a");
        // looked at again: asked again
        int[] tries = {0};
        ConsentMeaningViewModel flaky = vm(List.of()).serverHistory((origin, id) -> {
            if (tries[0]++ == 0) {
                throw new IllegalStateException("timeout");
            }
            return new ConsentMeaningViewModel.History(List.of(), true, null);
        });
        flaky.show(v1, "http://a");
        flaky.serverHistoryShown(true);
        assertThat(flaky.historyNote().get()).contains("timeout");
        flaky.serverHistoryShown(false);
        flaky.serverHistoryShown(true);
        assertThat(tries[0]).isEqualTo(2);
        assertThat(flaky.historyNote().get()).startsWith("The server's history lists no version");
        // the cache's versions unreadable: said, and kept said when the server's history comes
        ConsentMeaningViewModel noCache = new ConsentMeaningViewModel(null, null, (origin, id) -> {
            throw new IllegalStateException("disk");
        }, new ImmediateTaskRunner(), ZoneOffset.UTC).serverHistory((origin, id) -> new ConsentMeaningViewModel
                .History(List.of(new ConsentMeaningViewModel.Version("1", "", mapper.writeValueAsString(v1))), true,
                null));
        noCache.show(v1, "http://a");
        noCache.serverHistoryShown(true);
        assertThat(noCache.historyNote().get()).startsWith("The cache's versions could not be read").contains("disk")
                .contains("With the server's history (1 version).");
        assertThat(noCache.versions()).extracting(ConsentMeaningViewModel.VersionRow::label)
                .containsExactly("Version 1 · from the server's history");
    }

    @Test
    void simulatorDecidesAndNamesTheDecidingElement() throws IOException {
        ConsentMeaningViewModel vm = vm(List.of());
        vm.show(example("Emergency"), "http://a");
        assertThat(vm.choices(ConsentCodes.PURPOSE)).containsExactly("ETREAT — Emergency Treatment");
        vm.actor().set("Organization/2.16.840.1.113883.19.6");
        vm.role().set("CST");
        vm.purpose().set("ETREAT — Emergency Treatment");
        vm.decide();
        assertThat(vm.outcome().get()).isEqualTo("permit");
        assertThat(vm.decided().get()).isEqualTo("Consent.except[0]");
        assertThat(vm.rule().get()).startsWith("Consent.except[0]: permit");
        assertThat(vm.reasons()).isNotEmpty();

        vm.purpose().set("TREAT");
        vm.decide();
        assertThat(vm.outcome().get()).isEqualTo("deny");
        assertThat(vm.decided().get()).isEqualTo("Consent.except[1]");

        vm.actor().set("Organization/elsewhere");
        vm.decide();
        assertThat(vm.outcome().get()).isEqualTo("deny");
        assertThat(vm.decided().get()).isEqualTo("Consent.policyRule");
    }

    @Test
    void simulatorSaysWhatIsWrongWithTheRequest() throws IOException {
        ConsentMeaningViewModel vm = vm(List.of());
        vm.decide();
        assertThat(vm.rule().get()).isEqualTo("Open a consent first.");
        vm.show(example("basic"), "http://a");
        vm.date().set("someday");
        vm.decide();
        assertThat(vm.outcome().get()).isEmpty();
        assertThat(vm.rule().get()).contains("'someday' is not a date");
        assertThat(vm.decided().get()).isEmpty();
        vm.date().set("2010-05-01");
        vm.decide();
        assertThat(vm.outcome().get()).isEqualTo("permit");
        vm.date().set("2020-05-01");
        vm.decide();
        assertThat(vm.outcome().get()).isEqualTo("not-applicable");
        assertThat(vm.decided().get()).isEqualTo("Consent.period");
    }

    @Test
    void theEditorMarksTheDecidingElementAndKeepsTheSummaryUpToDate() throws IOException {
        ConsentEditorViewModel editor = new ConsentEditorViewModel(json -> List.of(),
                (origin, id, base, json) -> null, new ImmediateTaskRunner(), ZoneOffset.UTC);
        editor.meaning(vm(List.of()));
        assertThat(editor.open(mapper.writeValueAsString(example("Emergency")), "http://a")).isTrue();
        ConsentMeaningViewModel m = editor.meaning();
        assertThat(m.summaryText().get()).contains("Exception 2 (deny)");
        m.actor().set("Organization/2.16.840.1.113883.19.6");
        m.role().set("CST");
        m.purpose().set("TREAT");
        m.decide();
        ConsentForm form = editor.form().get();
        assertThat(form.nodes().stream().filter(n -> n.decided().get()).map(ConsentForm.Node::path).toList())
                .containsExactly("Consent.except[1]");
        m.purpose().set("ETREAT");
        m.decide();
        assertThat(form.nodes().stream().filter(n -> n.decided().get()).map(ConsentForm.Node::path).toList())
                .containsExactly("Consent.except[0]");
        // an edit in the form is in the summary at once
        form.root().field("policyRule").value().set("http://hl7.org/fhir/ConsentPolicy/opt-in");
        assertThat(m.summaryText().get()).contains("Base policy: opt-in");
    }

    private ObjectNode example(String id) throws IOException {
        return (ObjectNode) mapper.readTree(Files.readString(Path.of("src/test/resources/examples/stu3/consent/"
                + "Consent-consent-example-" + id + ".json")));
    }
}
