package org.custos.review;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What counts as a disclosure, as kept: JSON both ways, as written; the rule it makes; what is refused. */
class DisclosureDefinitionTest {
    @Test
    void itComesBackAsWrittenAndItsRuleComparesCaseBlind() {
        DisclosureDefinition d = new DisclosureDefinition(List.of(" 110106 ", "110106"), List.of("110152"),
                List.of("Organization/Ours", "St. Mary's, Inc."), List.of("TREAT", "treat", "HPAYMT"));
        assertThat(d.exportTypes()).containsExactly("110106");
        assertThat(d.exemptPurposes()).containsExactly("TREAT", "HPAYMT");
        DisclosureDefinition back = DisclosureDefinition.fromJson(d.toJson());
        assertThat(back).isEqualTo(d);
        assertThat(back.ownOrganisations()).containsExactly("Organization/Ours", "St. Mary's, Inc.");
        assertThat(back.rule().own("organization/ours")).isTrue();
        assertThat(back.rule().own("Organization/other")).isFalse();
        assertThat(DisclosureDefinition.defaults().rule()).isEqualTo(DisclosureRule.defaults());
        assertThat(DisclosureDefinition.defaults().problems()).isEmpty();
    }

    @Test
    void whatCannotBeUsedIsNamed() {
        assertThat(new DisclosureDefinition(List.of(), List.of(), List.of(), List.of()).problems())
                .singleElement().asString().contains("nothing would ever be accounted");
        assertThat(new DisclosureDefinition(List.of("Export"), List.of("110152"), List.of(), List.of("TREAT!"))
                .problems()).containsExactly("'Export' is not a DICOM code (digits, like 110106).",
                "'TREAT!' is not a v3 ActReason code (letters, like TREAT).");
        assertThatThrownBy(() -> DisclosureDefinition.fromJson("[1]")).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> DisclosureDefinition.fromJson("{\"exportTypes\":\"110106\"}"))
                .hasMessageContaining("'exportTypes' is not a list");
        assertThatThrownBy(() -> DisclosureDefinition.fromJson("{")).hasMessageContaining("not JSON");
    }
}
