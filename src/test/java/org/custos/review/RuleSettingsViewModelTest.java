package org.custos.review;

import org.custos.cache.Cache;
import org.custos.rules.AlertEngine;
import org.custos.rules.Rule;
import org.custos.rules.RuleSettings;
import org.custos.ui.ImmediateTaskRunner;
import org.custos.ui.TaskRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules' settings screen without a screen: load, a wrong field named, save, export and import, the VIP list. */
class RuleSettingsViewModelTest {
    @TempDir
    Path dir;
    Cache cache;
    AlertEngine engine;
    RuleSettingsViewModel vm;
    int saved;

    @BeforeEach
    void open() {
        cache = Cache.open(dir.resolve("cache"));
        engine = new AlertEngine(cache, Clock.systemUTC(), ZoneOffset.UTC);
        vm = new RuleSettingsViewModel(new RuleSettingsViewModel.Rules() {
            @Override
            public RuleSettings settings() {
                return engine.settings();
            }

            @Override
            public Set<Rule> apply(RuleSettings s, TaskRunner.Progress p) {
                return engine.apply(s, p::isCancelled, n -> { });
            }

            @Override
            public boolean unfinished() {
                return engine.unfinished();
            }

            @Override
            public List<String> vips() {
                return cache.rules().vips().stream().map(v -> v.reference() + (v.note() == null ? "" : " — "
                        + v.note())).toList();
            }

            @Override
            public boolean addVip(String reference, String note) {
                return engine.addVip(reference, note);
            }

            @Override
            public boolean removeVip(String reference) {
                return engine.removeVip(reference);
            }

            @Override
            public String read(Path file) throws IOException {
                return Files.readString(file);
            }

            @Override
            public void write(Path file, String text) throws IOException {
                Files.writeString(file, text);
            }
        }, new ImmediateTaskRunner(), ZoneOffset.UTC);
        vm.onSaved(() -> saved++);
        vm.load();
    }

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void aWrongFieldIsNamedAndNothingIsSaved() {
        assertThat(vm.zone.get()).isEqualTo("Z");
        assertThat(vm.volumePatients.get()).isEqualTo("30");
        assertThat(vm.problem().get()).isEmpty();
        vm.volumePatients.set("thirty");
        assertThat(vm.problem().get()).isEqualTo("Volume: patients: \"thirty\" is not a whole number");
        vm.save();
        assertThat(vm.message().get()).startsWith("Not saved: Volume: patients");
        assertThat(engine.settings().volumePatients()).isEqualTo(30);
        vm.volumePatients.set("40");
        vm.end.set("6:00");
        assertThat(vm.problem().get()).isEqualTo("Working hours to: \"6:00\" is not a time (HH:MM)");
        vm.end.set("06:00");
        assertThat(vm.problem().get()).isEqualTo("after-hours: start 07:00 must be before end 06:00");
    }

    @Test
    void savedSettingsAreKeptAndJudgeAgain() {
        vm.volumePatients.set("12");
        vm.enabled(Rule.SAME_SURNAME).set(false);
        vm.save();
        assertThat(vm.message().get()).isEqualTo("Saved; judged again: volume, same-surname.");
        assertThat(saved).isEqualTo(1);
        assertThat(engine.settings().volumePatients()).isEqualTo(12);
        assertThat(engine.settings().on(Rule.SAME_SURNAME)).isFalse();
        vm.save();
        assertThat(vm.message().get()).isEqualTo("Nothing changed.");
    }

    @Test
    void exportThenImportGivesTheSameFieldsAndAWrongFileChangesNothing() throws Exception {
        vm.failedLogins.set("7");
        Path f = dir.resolve("rules.json");
        vm.exportTo(f);
        assertThat(RuleSettings.fromFile(Files.readString(f), ZoneOffset.UTC).failedLogins()).isEqualTo(7);
        vm.load();
        assertThat(vm.failedLogins.get()).isEqualTo("5");
        vm.importFrom(f);
        assertThat(vm.failedLogins.get()).isEqualTo("7");
        assertThat(vm.message().get()).contains("Save applies them");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"volume\": {\"minutes\": -1}}");
        vm.importFrom(bad);
        assertThat(vm.message().get()).isEqualTo("Cannot use bad.json: volume: minutes must be between 1 and 100000, "
                + "not -1");
        assertThat(vm.failedLogins.get()).isEqualTo("7");
    }

    @Test
    void theVipListChanges() {
        vm.vipReference.set("Patient/star");
        vm.vipNote.set("a famous singer");
        vm.addVip();
        assertThat(vm.vips()).containsExactly("Patient/star — a famous singer");
        assertThat(vm.vipReference.get()).isEmpty();
        vm.removeVip("Patient/star — a famous singer");
        assertThat(vm.vips()).isEmpty();
        assertThat(vm.message().get()).isEqualTo("Patient/star is off the VIP list.");
        vm.addVip();
        assertThat(vm.message().get()).startsWith("Type the patient's reference");
    }
}
