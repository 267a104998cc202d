package org.custos.rules;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules' settings: defaults, the settings file both ways, and a clear message for each kind of wrong value. */
class RuleSettingsTest {
    @Test
    void theDefaultsAreTheDocumentedOnes() {
        RuleSettings d = RuleSettings.defaults(ZoneId.of("Europe/Berlin"));
        assertThat(d.enabled()).containsExactlyInAnyOrder(Rule.values());
        assertThat(d.workingHours()).isEqualTo("Mon–Fri 07:00–19:00 Europe/Berlin");
        assertThat(d.volumePatients()).isEqualTo(30);
        assertThat(d.volumeMinutes()).isEqualTo(60);
        assertThat(d.failedLogins()).isEqualTo(5);
        assertThat(d.failedMinutes()).isEqualTo(10);
        assertThat(d.breakGlassCodes()).containsExactly("BTG", "ETREAT");
    }

    @Test
    void aSettingsFileReadsBackAsWritten() {
        RuleSettings s = new RuleSettings(java.util.EnumSet.of(Rule.VIP, Rule.VOLUME), ZoneId.of("America/Chicago"),
                java.util.EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.of(8, 30), LocalTime.of(16, 0),
                12, 30, java.util.List.of("BTG"), 3, 5);
        assertThat(RuleSettings.fromFile(s.toFile(), ZoneOffset.UTC)).isEqualTo(s);
        assertThat(RuleSettings.fromStored(s.stored(), ZoneOffset.UTC)).isEqualTo(s);
        assertThat(s.workingHours()).isEqualTo("Sat, Sun 08:30–16:00 America/Chicago");
        // what a file leaves out has its default
        assertThat(RuleSettings.fromFile("{\"volume\": {\"patients\": 50}}", ZoneOffset.UTC))
                .isEqualTo(new RuleSettings(RuleSettings.defaults(ZoneOffset.UTC).enabled(), ZoneOffset.UTC,
                        RuleSettings.defaults(ZoneOffset.UTC).workDays(), LocalTime.of(7, 0), LocalTime.of(19, 0), 50,
                        60, java.util.List.of("BTG", "ETREAT"), 5, 10));
    }

    @Test
    void aWrongFileIsRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> RuleSettings.fromFile("not json", ZoneOffset.UTC)).hasMessageStartingWith(
                "The settings file is not JSON");
        assertThatThrownBy(() -> RuleSettings.fromFile("[]", ZoneOffset.UTC)).hasMessageContaining("one JSON object");
        assertThatThrownBy(() -> RuleSettings.fromFile("{\"snooping\": {}}", ZoneOffset.UTC))
                .hasMessageContaining("Unknown rule \"snooping\"");
        assertThatThrownBy(() -> RuleSettings.fromFile("{\"volume\": {\"patient\": 3}}", ZoneOffset.UTC))
                .hasMessageContaining("volume: unknown setting \"patient\"");
        assertThatThrownBy(() -> RuleSettings.fromFile("{\"volume\": {\"patients\": \"many\"}}", ZoneOffset.UTC))
                .hasMessageContaining("volume: patients must be a whole number");
        assertThatThrownBy(() -> RuleSettings.fromFile("{\"volume\": {\"patients\": 0}}", ZoneOffset.UTC))
                .hasMessageContaining("volume: patients must be between 1 and 100000");
        assertThatThrownBy(() -> RuleSettings.fromFile("{\"after-hours\": {\"zone\": \"Mars/Base\"}}",
                ZoneOffset.UTC)).hasMessageContaining("after-hours: zone \"Mars/Base\" is not a time zone");
        assertThatThrownBy(() -> RuleSettings.fromFile("{\"after-hours\": {\"start\": \"20:00\", \"end\": "
                + "\"06:00\"}}", ZoneOffset.UTC)).hasMessageContaining("start 20:00 must be before end 06:00");
        assertThatThrownBy(() -> RuleSettings.fromFile("{\"after-hours\": {\"days\": [\"mo\"]}}", ZoneOffset.UTC))
                .hasMessageContaining("\"mo\" is not a day");
        assertThatThrownBy(() -> RuleSettings.fromFile("{\"break-glass\": {\"codes\": []}}", ZoneOffset.UTC))
                .hasMessageContaining("break-glass: codes must name at least one code");
        assertThatThrownBy(() -> RuleSettings.fromFile("{\"vip\": {\"enabled\": \"yes\"}}", ZoneOffset.UTC))
                .hasMessageContaining("vip: enabled must be true or false");
    }
}
