package org.custos.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.custos.ui.ImmediateTaskRunner;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConsentConflictViewModelTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SERVER = "{\"resourceType\":\"Consent\",\"id\":\"c1\",\"meta\":{\"versionId\":\"5\"},"
            + "\"status\":\"active\",\"patient\":{\"reference\":\"Patient/1\"},"
            + "\"period\":{\"start\":\"2026-01-01\"},\"except\":[{\"type\":\"deny\"}]}";
    static final String MINE = "{\"resourceType\":\"Consent\",\"id\":\"c1\",\"meta\":{\"versionId\":\"4\"},"
            + "\"status\":\"inactive\",\"patient\":{\"reference\":\"Patient/1\"},"
            + "\"period\":{\"start\":\"2025-06-01\"},\"except\":[{\"type\":\"deny\","
            + "\"actor\":[{\"reference\":{\"reference\":\"Practitioner/9\"}}]}]}";

    @Test
    void showsEveryDifferenceAndNothingElse() {
        ConsentConflictViewModel vm = new ConsentConflictViewModel(MINE, SERVER, "5");
        assertThat(vm.differences()).extracting(ConsentConflictViewModel.Difference::path)
                .containsExactlyInAnyOrder("status", "period.start", "except[0].actor[0].reference.reference");
        assertThat(vm.summary().get()).contains("version 5", "Nothing has been written", "3 element");
    }

    @Test
    void mergeKeepsTheChosenSideOfEachDifferenceOnTheServersVersion() throws Exception {
        ConsentConflictViewModel vm = new ConsentConflictViewModel(MINE, SERVER, "5");
        vm.differences().stream().filter(d -> d.path().equals("period.start"))
                .forEach(d -> d.keep().set(ConsentConflictViewModel.Side.SERVER));
        vm.merge();
        JsonNode merged = JSON.readTree(vm.choice().get().toSave());
        assertThat(merged.path("status").asText()).isEqualTo("inactive");          // mine
        assertThat(merged.path("period").path("start").asText()).isEqualTo("2026-01-01"); // theirs
        assertThat(merged.path("except").get(0).path("actor").get(0).path("reference").path("reference").asText())
                .isEqualTo("Practitioner/9");                                        // mine, added
        assertThat(merged.path("meta").path("versionId").asText()).as("on top of the server's version").isEqualTo("5");
    }

    @Test
    void takingTheServersDropsTheEditAndKeepingMineSavesOnTopOfIt() throws Exception {
        ConsentConflictViewModel vm = new ConsentConflictViewModel(MINE, SERVER, "5");
        vm.takeServers();
        assertThat(vm.choice().get().toSave()).isNull();

        ConsentConflictViewModel keep = new ConsentConflictViewModel(MINE, SERVER, "5");
        keep.keepMine();
        JsonNode saved = JSON.readTree(keep.choice().get().toSave());
        assertThat(saved.path("status").asText()).isEqualTo("inactive");
        assertThat(saved.path("period").path("start").asText()).isEqualTo("2025-06-01");
        assertThat(saved.path("meta").path("versionId").asText()).isEqualTo("5");
    }

    @Test
    void theEditorSavesTheChoiceWithIfMatchOnTheServersVersion() {
        List<String> bases = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        ConsentEditorViewModel.Store store = new ConsentEditorViewModel.Store() {
            @Override
            public ConsentEditorViewModel.Outcome save(String origin, String id, String base, String json) {
                bases.add(base);
                texts.add(json);
                return bases.size() == 1 ? new ConsentEditorViewModel.Outcome.Conflict(json, SERVER, "5")
                        : new ConsentEditorViewModel.Outcome.Stored("6", json.replace("\"5\"", "\"6\""));
            }

            @Override
            public void dropped(String origin, String id, String serverJson) {
                dropped.add(id);
            }
        };
        ConsentEditorViewModel editor = new ConsentEditorViewModel(json -> List.of(), store,
                new ImmediateTaskRunner(), ZoneOffset.UTC);
        editor.open(MINE, "https://fhir.example.org");
        editor.save();
        ConsentEditorViewModel.Outcome.Conflict c = editor.conflict().get();
        assertThat(c).isNotNull();
        ConsentConflictViewModel screen = new ConsentConflictViewModel(c.mine(), c.theirs(), c.theirsVersion());
        screen.keepMine();
        editor.settle(screen.choice().get());
        assertThat(bases).containsExactly("4", "5");
        assertThat(texts.get(1)).contains("inactive");
        assertThat(editor.message().get()).contains("Saved: version 6");
        assertThat(editor.dirty().get()).isFalse();

        ConsentConflictViewModel again = new ConsentConflictViewModel(MINE, SERVER, "5");
        again.takeServers();
        editor.settle(again.choice().get());
        assertThat(dropped).containsExactly("c1");
        assertThat(editor.json()).contains("\"active\"");
    }

    @Test
    void takingTheServersWhenTheDiscardIsRefusedKeepsTheUsersTextAsUnsavedWorkWithTheReason() {
        ConsentEditorViewModel.Store store = new ConsentEditorViewModel.Store() {
            @Override
            public ConsentEditorViewModel.Outcome save(String origin, String id, String base, String json) {
                return new ConsentEditorViewModel.Outcome.Conflict(json, SERVER, "5");
            }

            @Override
            public void dropped(String origin, String id, String serverJson) {
                throw new IllegalStateException("The waiting edits are being sent right now; nothing was discarded.");
            }
        };
        ConsentEditorViewModel editor = new ConsentEditorViewModel(json -> List.of(), store,
                new ImmediateTaskRunner(), ZoneOffset.UTC);
        editor.open(MINE, "https://fhir.example.org");
        editor.save();
        ConsentConflictViewModel theirs = new ConsentConflictViewModel(MINE, SERVER, "5");
        theirs.takeServers();
        editor.settle(theirs.choice().get());
        assertThat(editor.json()).as("the user's text stays").contains("inactive");
        assertThat(editor.dirty().get()).as("unsaved work").isTrue();
        assertThat(editor.message().get()).contains("not dropped", "nothing was discarded")
                .doesNotContain("Took the server's version");
    }

    @Test
    void anUnreadableServerSideSaysWhyAndOffersOnlyRecreateOrDrop() throws Exception {
        ConsentConflictViewModel vm = new ConsentConflictViewModel(MINE, null, null);
        assertThat(vm.serverKnown().get()).isFalse();
        assertThat(vm.summary().get()).contains("could not be read", "deleted on the server", "server's side is empty",
                "Nothing has been written");
        assertThat(vm.serverJson()).contains("could not be read");
        assertThat(vm.keepMineText().get()).isEqualTo("Re-create mine on the server");
        vm.takeServers();
        vm.merge();
        assertThat(vm.choice().get()).as("no server's version to take or merge with").isNull();

        vm.keepMine();
        ConsentConflictViewModel.Choice c = vm.choice().get();
        assertThat(c.serverKnown()).isFalse();
        assertThat(c.serverJson()).isNull();
        JsonNode saved = JSON.readTree(c.toSave());
        assertThat(saved.path("status").asText()).isEqualTo("inactive");
        assertThat(saved.has("meta")).as("not the old version's meta").isFalse();

        ConsentConflictViewModel drop = new ConsentConflictViewModel(MINE, null, "7");
        assertThat(drop.summary().get()).contains("version 7");
        drop.dropMine();
        assertThat(drop.choice().get().toSave()).isNull();
        assertThat(drop.choice().get().serverVersion()).isEqualTo("7");
    }

    @Test
    void aKnownServerSideStillOffersEverything() {
        ConsentConflictViewModel vm = new ConsentConflictViewModel(MINE, SERVER, "5");
        assertThat(vm.serverKnown().get()).isTrue();
        assertThat(vm.keepMineText().get()).isEqualTo("Keep mine as a new version");
    }

    @Test
    void theEditorRecreatesOrDropsWhenTheServersTextIsUnknown() {
        List<String> bases = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        ConsentEditorViewModel.Store store = new ConsentEditorViewModel.Store() {
            @Override
            public ConsentEditorViewModel.Outcome save(String origin, String id, String base, String json) {
                bases.add(base);
                texts.add(json);
                return bases.size() == 1 ? new ConsentEditorViewModel.Outcome.Conflict(json, null, null)
                        : new ConsentEditorViewModel.Outcome.Stored("1", json);
            }

            @Override
            public void dropped(String origin, String id, String serverJson) {
                dropped.add(id);
            }
        };
        ConsentEditorViewModel editor = new ConsentEditorViewModel(json -> List.of(), store,
                new ImmediateTaskRunner(), ZoneOffset.UTC);
        editor.open(MINE, "https://fhir.example.org");
        editor.save();
        assertThat(editor.message().get()).contains("could not be read");
        ConsentConflictViewModel screen = editor.conflictScreen().get();
        assertThat(screen.serverKnown().get()).isFalse();
        screen.keepMine();
        assertThat(bases).as("re-created: no If-Match, the server reported no version").containsExactly("4", null);
        assertThat(texts.get(1)).contains("inactive").doesNotContain("versionId");
        assertThat(editor.message().get()).contains("Saved: version 1");

        ConsentEditorViewModel other = new ConsentEditorViewModel(json -> List.of(), store,
                new ImmediateTaskRunner(), ZoneOffset.UTC);
        other.openConflict(new ConsentEditorViewModel.Outcome.Conflict(MINE, null, null), "https://fhir.example.org");
        other.conflictScreen().get().dropMine();
        assertThat(dropped).containsExactly("c1");
        assertThat(other.dirty().get()).as("nothing left to lose").isFalse();
        assertThat(other.message().get()).contains("dropped", "could not be read");
        assertThat(bases).hasSize(2);
    }
    @Test
    void theNarrativeAndTheMetaLabelsAreDifferencesTooButNotTheServersBookkeeping() throws Exception {
        String server = "{\"resourceType\":\"Consent\",\"id\":\"c1\",\"meta\":{\"versionId\":\"5\","
                + "\"lastUpdated\":\"2026-12-01T10:00:00Z\",\"extension\":[{\"url\":\"http://hapifhir.io/x\","
                + "\"valueUri\":\"#a\"}],\"tag\":[{\"code\":\"reviewed\"}]},"
                + "\"text\":{\"status\":\"generated\",\"div\":\"<div>server's words</div>\"},"
                + "\"status\":\"active\"}";
        String mine = "{\"resourceType\":\"Consent\",\"id\":\"c1\",\"meta\":{\"versionId\":\"4\","
                + "\"lastUpdated\":\"2026-11-01T10:00:00Z\",\"security\":[{\"code\":\"R\"}]},"
                + "\"text\":{\"status\":\"generated\",\"div\":\"<div>my words</div>\"},"
                + "\"status\":\"active\"}";
        ConsentConflictViewModel vm = new ConsentConflictViewModel(mine, server, "5");
        assertThat(vm.differences()).extracting(ConsentConflictViewModel.Difference::path)
                .containsExactlyInAnyOrder("text.div", "meta.tag[0].code", "meta.security[0].code");

        // keep mine: my narrative and my label, none of the server's tag; the server's version bookkeeping
        ConsentConflictViewModel keep = new ConsentConflictViewModel(mine, server, "5");
        keep.keepMine();
        JsonNode kept = JSON.readTree(keep.choice().get().toSave());
        assertThat(kept.path("text").path("div").asText()).isEqualTo("<div>my words</div>");
        assertThat(kept.path("meta").path("security").get(0).path("code").asText()).isEqualTo("R");
        assertThat(kept.path("meta").has("tag")).isFalse();
        assertThat(kept.path("meta").path("versionId").asText()).isEqualTo("5");
        assertThat(kept.path("meta").path("lastUpdated").asText()).isEqualTo("2026-12-01T10:00:00Z");

        // merge: the server's narrative and tag chosen, my label kept
        vm.differences().stream().filter(d -> !d.path().startsWith("meta.security"))
                .forEach(d -> d.keep().set(ConsentConflictViewModel.Side.SERVER));
        vm.merge();
        JsonNode merged = JSON.readTree(vm.choice().get().toSave());
        assertThat(merged.path("text").path("div").asText()).isEqualTo("<div>server's words</div>");
        assertThat(merged.path("meta").path("tag").get(0).path("code").asText()).isEqualTo("reviewed");
        assertThat(merged.path("meta").path("security").get(0).path("code").asText()).isEqualTo("R");
        assertThat(merged.path("meta").path("versionId").asText()).isEqualTo("5");
    }
}
