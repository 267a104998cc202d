package org.custos.demo;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.custos.demo.DemoDirectory.Kind;
import org.custos.demo.DemoDirectory.Pat;
import org.custos.demo.DemoDirectory.Site;
import org.custos.demo.DemoDirectory.User;
import org.hl7.fhir.dstu3.model.AuditEvent;
import org.hl7.fhir.dstu3.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.dstu3.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.dstu3.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.dstu3.model.CodeableConcept;

/** Builds the index-th AuditEvent from a random stream derived from (seed, index) only. */
final class DemoEventFactory {

    /** Event mix per mille: login, logout, read, search, create, update, delete, export, break-the-glass. */
    private static final List<Integer> MIX = List.of(100, 80, 485, 160, 80, 60, 10, 20, 5);

    private static final List<String> READ_TYPES = List.of(
        "Patient", "Observation", "Condition", "MedicationRequest", "AllergyIntolerance", "DiagnosticReport",
        "Encounter", "Procedure", "DocumentReference", "Immunization", "CarePlan");
    private static final List<Integer> READ_WEIGHTS = List.of(20, 25, 10, 12, 6, 10, 7, 4, 6, 2, 3);
    private static final List<String> SEARCHES = List.of(
        "Observation?patient=%s&category=vital-signs",
        "Observation?patient=%s&category=laboratory&_sort=-date&_count=50",
        "Observation?patient=%s&code=http://loinc.org|2345-7",
        "MedicationRequest?patient=%s&status=active",
        "Condition?patient=%s&clinical-status=active",
        "AllergyIntolerance?patient=%s",
        "DiagnosticReport?patient=%s&category=LAB&_include=DiagnosticReport:result",
        "Encounter?patient=%s&_sort=-date",
        "DocumentReference?patient=%s&type=http://loinc.org|18842-5",
        "Immunization?patient=%s",
        "Procedure?patient=%s&date=ge2020-01-01");

    private final DemoDirectory dir;
    private final DemoClock clock;
    private final long seed;

    DemoEventFactory(DemoDirectory dir, DemoClock clock, long seed) {
        this.dir = dir;
        this.clock = clock;
        this.seed = seed;
    }

    AuditEvent event(int index) {
        SplittableRandom rnd = new SplittableRandom(DemoRandom.mix(seed, index));
        AuditEvent e = new AuditEvent();
        e.setId("demo-" + seed + "-" + index);
        int kind = DemoRandom.weighted(rnd, MIX);
        switch (kind) {
            case 0, 1 -> session(e, rnd, kind == 0);
            case 7 -> export(e, rnd);
            case 8 -> breakTheGlass(e, rnd);
            default -> rest(e, rnd, kind);
        }
        return e;
    }

    private User user(int index) {
        return dir.users.get(index);
    }

    private void common(AuditEvent e, SplittableRandom rnd, User u, boolean night) {
        e.setRecordedElement(DemoAuditParts.instant(clock.pick(rnd, night)));
        e.setOutcome(AuditEventOutcome._0);
        Site site = DemoAuditParts.siteFor(u, rnd);
        e.addAgent(DemoAuditParts.human(u, rnd));
        e.addAgent(DemoAuditParts.application(site));
        e.setSource(DemoAuditParts.source(site));
    }

    private void session(AuditEvent e, SplittableRandom rnd, boolean login) {
        User u = user(rnd.nextInt(dir.users.size()));
        e.setType(DemoCodes.typeUserAuthentication());
        e.addSubtype(login ? DemoCodes.subtypeLogin() : DemoCodes.subtypeLogout());
        e.setAction(AuditEventAction.E);
        common(e, rnd, u, false);
        int r = rnd.nextInt(1000);
        if (login && r < 60) {
            e.setOutcome(AuditEventOutcome._4).setOutcomeDesc("Invalid password");
        } else if (login && r < 72) {
            e.setOutcome(AuditEventOutcome._8).setOutcomeDesc("Account locked after 5 failed attempts");
        } else if (!login && r < 300) {
            e.setOutcomeDesc("Session timed out after 15 minutes of inactivity");
        }
    }

    /** Mostly the care team; sometimes the ward clerk or another clinician. */
    private User actorFor(Pat p, SplittableRandom rnd, boolean clerkAllowed) {
        int r = rnd.nextInt(100);
        if (r < 80) {
            return user(DemoRandom.pick(rnd, p.careTeam()));
        }
        int[] clerks = dir.deptMembers(Kind.CLERK, p.dept());
        if (r < 88 && clerkAllowed && clerks.length > 0) {
            return user(DemoRandom.pick(rnd, clerks));
        }
        return user(DemoRandom.pick(rnd, dir.clinicalUsers()));
    }

    private static String resourceId(SplittableRandom rnd) {
        return Integer.toString(100_000 + rnd.nextInt(900_000));
    }

    private void rest(AuditEvent e, SplittableRandom rnd, int kind) {
        Pat p = dir.randomPatient(rnd);
        e.setType(DemoCodes.typeRest());
        switch (kind) {
            case 2 -> read(e, rnd, p);
            case 3 -> search(e, rnd, p);
            case 4 -> write(e, rnd, p, true);
            case 5 -> write(e, rnd, p, false);
            default -> delete(e, rnd, p);
        }
    }

    private void read(AuditEvent e, SplittableRandom rnd, Pat p) {
        User u = actorFor(p, rnd, true);
        String type = u.kind() == Kind.CLERK ? (rnd.nextBoolean() ? "Patient" : "Encounter")
            : u.kind() == Kind.PHARMACIST && rnd.nextInt(100) < 70 ? "MedicationRequest"
            : READ_TYPES.get(DemoRandom.weighted(rnd, READ_WEIGHTS));
        boolean vread = !"Patient".equals(type) && rnd.nextInt(100) < 5;
        e.addSubtype(DemoCodes.subtypeRest(vread ? "vread" : "read"));
        e.setAction(AuditEventAction.R);
        common(e, rnd, u, false);
        if ("Patient".equals(type)) {
            e.addEntity(DemoAuditParts.patient(p, "6"));
        } else {
            String ref = type + "/" + resourceId(rnd) + (vread ? "/_history/" + (1 + rnd.nextInt(4)) : "");
            e.addEntity(DemoAuditParts.patient(p, null));
            e.addEntity(DemoAuditParts.resource(ref, "6", p, rnd));
        }
        if (!p.inCareTeam(u.index()) && p.restricted() && rnd.nextInt(100) < 60) {
            e.setOutcome(AuditEventOutcome._4)
                .setOutcomeDesc("HTTP 403 Forbidden: record is " + (p.confidentiality().equals("V")
                    ? "very restricted" : "restricted") + " and user is not on the care team");
        } else if (rnd.nextInt(1000) < 8) {
            e.setOutcome(AuditEventOutcome._4).setOutcomeDesc("HTTP 403 Forbidden: insufficient privileges");
        }
    }

    private void search(AuditEvent e, SplittableRandom rnd, Pat p) {
        User u = actorFor(p, rnd, true);
        e.addSubtype(DemoCodes.subtypeRest("search-type"));
        e.setAction(AuditEventAction.E);
        common(e, rnd, u, false);
        String url;
        if (u.kind() == Kind.CLERK || rnd.nextInt(100) < 12) {
            url = rnd.nextBoolean()
                ? "Patient?family=" + DemoNames.ascii(p.family()) + "&birthdate=" + p.birthDate()
                : "Patient?identifier=" + DemoCodes.MRN + "|" + p.mrn();
        } else {
            url = String.format(DemoRandom.pick(rnd, SEARCHES), p.id());
        }
        e.addEntity(DemoAuditParts.patient(p, "6"));
        e.addEntity(DemoAuditParts.query(url, rnd));
    }

    private void write(AuditEvent e, SplittableRandom rnd, Pat p, boolean create) {
        User u = actorFor(p, rnd, true);
        String type = switch (u.kind()) {
            case NURSE -> DemoRandom.pick(rnd, new String[] {"Observation", "Observation", "Observation",
                "DocumentReference", "CarePlan", "AllergyIntolerance"});
            case PHARMACIST -> rnd.nextInt(100) < 70 ? "MedicationRequest" : "MedicationDispense";
            case CLERK -> create ? DemoRandom.pick(rnd, new String[] {"Encounter", "Appointment"})
                : DemoRandom.pick(rnd, new String[] {"Patient", "Encounter", "Appointment"});
            default -> DemoRandom.pick(rnd, new String[] {"MedicationRequest", "Condition", "ProcedureRequest",
                "DocumentReference", "DocumentReference", "DiagnosticReport", "Observation"});
        };
        e.addSubtype(DemoCodes.subtypeRest(create ? "create" : "update"));
        e.setAction(create ? AuditEventAction.C : AuditEventAction.U);
        common(e, rnd, u, false);
        String lifecycle = create ? "1" : "3";
        if ("Patient".equals(type)) {
            e.addEntity(DemoAuditParts.patient(p, lifecycle));
        } else {
            e.addEntity(DemoAuditParts.patient(p, null));
            e.addEntity(DemoAuditParts.resource(type + "/" + resourceId(rnd), lifecycle, p, rnd));
        }
        if (!create && rnd.nextInt(1000) < 15) {
            e.setOutcome(AuditEventOutcome._4).setOutcomeDesc("HTTP 409 Conflict: version mismatch");
        }
    }

    private void delete(AuditEvent e, SplittableRandom rnd, Pat p) {
        User u = user(DemoRandom.pick(rnd, p.careTeam()));
        String type = DemoRandom.pick(rnd, new String[] {"Observation", "DocumentReference", "AllergyIntolerance"});
        e.addSubtype(DemoCodes.subtypeRest("delete"));
        e.setAction(AuditEventAction.D);
        common(e, rnd, u, false);
        e.setOutcomeDesc("Entered in error");
        e.addEntity(DemoAuditParts.patient(p, null));
        e.addEntity(DemoAuditParts.resource(type + "/" + resourceId(rnd), "14", p, rnd));
    }

    private void export(AuditEvent e, SplittableRandom rnd) {
        Pat p = dir.randomPatient(rnd);
        int purpose = DemoRandom.weighted(rnd, new int[] {45, 20, 12, 15, 8});
        int[] staff = switch (purpose) {
            case 0 -> dir.usersOf(Kind.BILLING);
            case 1, 2, 3 -> rnd.nextInt(100) < 75 ? dir.usersOf(Kind.PRIVACY) : dir.usersOf(Kind.CLERK);
            default -> rnd.nextBoolean() ? dir.usersOf(Kind.CLERK) : dir.usersOf(Kind.BILLING);
        };
        User u = user(DemoRandom.pick(rnd, staff));
        e.setType(DemoCodes.typeExport());
        e.addSubtype(DemoCodes.subtypeDisclosure());
        e.setAction(AuditEventAction.R);
        common(e, rnd, u, false);
        e.getAgentFirstRep().addRole(new CodeableConcept().addCoding(DemoCodes.roleSource()));
        switch (purpose) {
            case 0 -> disclose(e, "HPAYMT", "Northwind Health Insurance",
                "https://claims.northwind-health.example/fhir", AuditEventAgentNetworkType._5);
            case 1 -> disclose(e, "PATRQT", p.display() + " (patient copy)",
                DemoNames.ascii(p.given()).toLowerCase(Locale.ROOT) + "."
                    + DemoNames.ascii(p.family()).toLowerCase(Locale.ROOT) + "@mail.example",
                AuditEventAgentNetworkType._4);
            case 2 -> disclose(e, "LEGAL", "Whitfield & Park LLP", "records@whitfield-park.example",
                AuditEventAgentNetworkType._4);
            case 3 -> disclose(e, "PUBHLTH", "State Public Health Registry",
                "https://registry.health.state.example/submit", AuditEventAgentNetworkType._5);
            default -> disclose(e, "HMARKT", "BrightPath Marketing Ltd.",
                "sftp://upload.brightpath-marketing.example/in", AuditEventAgentNetworkType._5);
        }
        e.addEntity(DemoAuditParts.patient(p, "11"));
        var doc = DemoAuditParts.resource("DocumentReference/" + resourceId(rnd), "10", p, rnd);
        doc.setRole(DemoCodes.roleReport());
        doc.setDescription(rnd.nextBoolean() ? "Continuity of Care Document" : "Discharge summary and lab results");
        e.addEntity(doc);
    }

    private static void disclose(AuditEvent e, String reason, String to, String address,
                                 AuditEventAgentNetworkType type) {
        e.addPurposeOfEvent(DemoCodes.actReason(reason));
        e.addAgent(DemoAuditParts.destination(to, address, type));
    }

    private void breakTheGlass(AuditEvent e, SplittableRandom rnd) {
        Pat p = dir.randomPatient(rnd);
        User u = dir.outsider(rnd, p);
        String type = DemoRandom.pick(rnd, new String[] {"Patient", "MedicationRequest", "AllergyIntolerance",
            "Condition", "Observation", "DiagnosticReport"});
        e.setType(DemoCodes.typeRest());
        e.addSubtype(DemoCodes.subtypeRest("read"));
        e.setAction(AuditEventAction.R);
        common(e, rnd, u, rnd.nextInt(100) < 80);
        e.addPurposeOfEvent(DemoCodes.actReason("BTG"));
        e.getAgentFirstRep().addPurposeOfUse(DemoCodes.actReason("ETREAT"));
        e.setOutcomeDesc("Emergency access granted (break-the-glass); user is not on the care team");
        if ("Patient".equals(type)) {
            e.addEntity(DemoAuditParts.patient(p, "6"));
        } else {
            e.addEntity(DemoAuditParts.patient(p, null));
            e.addEntity(DemoAuditParts.resource(type + "/" + resourceId(rnd), "6", p, rnd));
        }
    }
}
