package org.custos.review;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What counts as a disclosure in the accounting of disclosures (HIPAA §164.528; issue 13): an AuditEvent of one of
 * {@code exportTypes} (default DICOM 110106 Export), or with an agent in one of {@code recipientRoles} (default DICOM
 * 110152 Destination) that is not one of {@code ownOrganisations}; minus events whose purpose (purposeOfEvent or an
 * agent's purposeOfUse) is one of {@code exemptPurposes} (default: treatment, payment and health-care operations —
 * v3 ActReason TREAT, HPAYMT, HOPERAT and their specialisations) — only when every purpose it names is exempt. An event
 * that names no purpose is counted. Types and roles are DICOM codes, purposes v3 ActReason codes (a coding of another
 * system is not them; one without a system is taken as them), case-blind; organisations on reference or name.
 */
public record DisclosureRule(Set<String> exportTypes, Set<String> recipientRoles, Set<String> ownOrganisations,
                             Set<String> exemptPurposes) {
    /**
     * v3 ActReason: TREAT, HPAYMT, HOPERAT and their specialisations (STU3's code system, with R4's additions).
     * Research (HRESCH: CLINTRCH…) and public health (PUBHLTH: DISASTER…) are not among them: they are accounted.
     */
    public static final java.util.List<String> TPO_CODES = java.util.List.of(
            "TREAT", "CAREMGT", "CLINTRL", "ETREAT", "POPHLTH", "BTG", "ERTREAT", "COC",
            "HPAYMT", "CLMATTCH", "COVAUTH", "COVERAGE", "ELIGDTRM", "ELIGVER", "ENROLLM", "REMITADV",
            "HOPERAT", "DONAT", "FRAUD", "GOV", "HACCRED", "HCOMPL", "HDECD", "HDIRECT", "HDM", "HLEGAL", "HOUTCOMS",
            "HPRGRP", "HQUALIMP", "HSYSADMIN", "HTEST", "LABELING", "MEMADMIN", "METAMGT", "MILCDM", "MILDCRG",
            "PATADMIN", "PATSFTY", "PERFMSR", "RECORDMGT", "SYSDEV", "TRAIN");
    /** {@link #TPO_CODES} as a set. */
    public static final Set<String> TPO = Set.copyOf(TPO_CODES);

    /** The code systems the codes are read in (a code without a system is taken as of them). */
    static final Set<String> DICOM = Set.of("http://dicom.nema.org/resources/ontology/dcm");
    static final Set<String> ACT_REASON = Set.of("http://hl7.org/fhir/v3/actreason",
            "http://terminology.hl7.org/codesystem/v3-actreason", "http://hl7.org/fhir/v3/purposeofuse");

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
