package org.custos.review;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What counts as a disclosure in the accounting of disclosures (HIPAA §164.528; issue 13): an AuditEvent of one of
 * {@code exportTypes} (default DICOM 110106 Export), or with an agent in one of {@code recipientRoles} (default DICOM
 * 110152 Destination) that is not one of {@code ownOrganisations}; minus events whose purpose (purposeOfEvent or an
 * agent's purposeOfUse) is one of {@code exemptPurposes} (default: treatment, payment and health-care operations —
 * v3 ActReason TREAT, HPAYMT, HOPERAT and their specialisations). An event that names no purpose is counted. Codes are
 * matched on their code (any system), case-blind; organisations on reference or name.
 */
public record DisclosureRule(Set<String> exportTypes, Set<String> recipientRoles, Set<String> ownOrganisations,
                             Set<String> exemptPurposes) {
    /** v3 ActReason: TREAT, HPAYMT, HOPERAT and their specialisations (STU3's code system). */
    public static final Set<String> TPO = Set.of(
            "TREAT", "CAREMGT", "CLINTRCH", "CLINTRCHNPC", "CLINTRCHPC", "DISASTER", "ETREAT", "POPHLTH",
            "HPAYMT", "CLMATTCH", "COVAUTH", "COVERAGE", "ELIGDTRM", "ELIGVER", "ENROLLM", "REMITADV",
            "HOPERAT", "DONAT", "FRAUD", "GOV", "HACCRED", "HCOMPL", "HDECD", "HDIRECT", "HLEGAL", "HOUTCOMS",
            "HPRGRP", "HQUALIMP", "HSYSADMIN", "LABELING", "METAMGT", "PATADMIN", "PATSFTY", "PERFMSR", "RECORDMGT",
            "SYSDEV", "TRAIN");

    public DisclosureRule {
        exportTypes = lower(exportTypes);
        recipientRoles = lower(recipientRoles);
        ownOrganisations = lower(ownOrganisations);
        exemptPurposes = lower(exemptPurposes);
    }

    /** The defaults: Export events, Destination agents, no own organisation named, TPO exempt. */
    public static DisclosureRule defaults() {
        return new DisclosureRule(Set.of("110106"), Set.of("110152"), Set.of(), TPO);
    }

    public DisclosureRule withOwnOrganisations(Set<String> own) {
        return new DisclosureRule(exportTypes, recipientRoles, own, exemptPurposes);
    }

    private static Set<String> lower(Set<String> s) {
        return s == null ? Set.of() : s.stream().map(x -> x.trim().toLowerCase(Locale.ROOT)).filter(x -> !x.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    boolean own(String referenceOrName) {
        return referenceOrName != null && ownOrganisations.contains(referenceOrName.trim().toLowerCase(Locale.ROOT));
    }
}
