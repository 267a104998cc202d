package org.custos.demo;

import java.util.List;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.SplittableRandom;
import org.custos.demo.DemoDirectory.Pat;
import org.custos.demo.DemoDirectory.Site;
import org.custos.demo.DemoDirectory.User;
import org.hl7.fhir.dstu3.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.dstu3.model.AuditEvent.AuditEventAgentNetworkComponent;
import org.hl7.fhir.dstu3.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.dstu3.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.dstu3.model.AuditEvent.AuditEventSourceComponent;
import org.hl7.fhir.dstu3.model.CodeableConcept;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.InstantType;
import org.hl7.fhir.dstu3.model.Reference;

/** Building blocks of the demo AuditEvents: agents, source, entities, timestamps. */
final class DemoAuditParts {

    private DemoAuditParts() {
    }

    static final List<String> USER_AGENTS = List.of(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "CustosEHR-Desktop/7.3.1 (Windows 10; build 19045)",
        "HAPI-FHIR/6.10.0 (FHIR Client; FHIR 3.0.2/DSTU3; apache)");

    static InstantType instant(long millis) {
        InstantType t = new InstantType(new Date(millis), TemporalPrecisionEnum.MILLI);
        t.setTimeZoneZulu(true);
        return t;
    }

    /** The site an event of this user is recorded at: home site, sometimes the web viewer. */
    static Site siteFor(User u, SplittableRandom rnd) {
        if (u.site() == 2) {
            return DemoDirectory.SITES.get(2);
        }
        return DemoDirectory.SITES.get(rnd.nextInt(100) < 15 ? 1 : 0);
    }

    static AuditEventSourceComponent source(Site site) {
        AuditEventSourceComponent s = new AuditEventSourceComponent();
        s.setSite(site.name());
        s.setIdentifier(new Identifier().setValue(site.host()));
        s.addType(DemoCodes.sourceType(site.sourceType()));
        return s;
    }

    static CodeableConcept userRole(User u) {
        return switch (u.kind()) {
            case DOCTOR -> DemoCodes.concept(DemoCodes.PRACTITIONER_ROLE, "doctor", "Doctor");
            case NURSE -> DemoCodes.concept(DemoCodes.PRACTITIONER_ROLE, "nurse", "Nurse");
            case PHARMACIST -> DemoCodes.concept(DemoCodes.PRACTITIONER_ROLE, "pharmacist", "Pharmacist");
            case IT -> DemoCodes.concept(DemoCodes.PRACTITIONER_ROLE, "ict", "ICT professional");
            case CLERK -> DemoCodes.concept(DemoCodes.ROLE_CLASS, "EMP", "employee").setText("Ward clerk");
            case BILLING -> DemoCodes.concept(DemoCodes.ROLE_CLASS, "EMP", "employee").setText("Billing specialist");
            case PRIVACY -> DemoCodes.concept(DemoCodes.ROLE_CLASS, "EMP", "employee")
                .setText("Health information management");
        };
    }

    /** The human requestor: Practitioner reference, login, display name, role, network address. */
    static AuditEventAgentComponent human(User u, SplittableRandom rnd) {
        AuditEventAgentComponent a = new AuditEventAgentComponent();
        a.addRole(userRole(u));
        a.setReference(new Reference("Practitioner/" + u.id()).setDisplay(u.display()));
        a.setUserId(new Identifier().setSystem(DemoCodes.USERS).setValue(u.login()));
        a.setName(u.display());
        a.setRequestor(true);
        int r = rnd.nextInt(100);
        AuditEventAgentNetworkComponent net = new AuditEventAgentNetworkComponent();
        if (r < 80) {
            net.setAddress(u.ip()).setType(AuditEventAgentNetworkType._2);
        } else if (r < 88) {
            String prefix = u.ip().substring(0, u.ip().lastIndexOf('.') + 1);
            net.setAddress(prefix + (20 + rnd.nextInt(200))).setType(AuditEventAgentNetworkType._2);
        } else {
            net.setAddress(u.workstation()).setType(AuditEventAgentNetworkType._1);
        }
        a.setNetwork(net);
        return a;
    }

    /** The application that recorded the event (not the requestor; no media). */
    static AuditEventAgentComponent application(Site site) {
        AuditEventAgentComponent a = new AuditEventAgentComponent();
        a.addRole(new CodeableConcept().addCoding(DemoCodes.roleApplication()));
        a.setAltId(site.host());
        a.setName(site.app());
        a.setRequestor(false);
        a.setNetwork(new AuditEventAgentNetworkComponent().setAddress(site.host())
            .setType(AuditEventAgentNetworkType._1));
        return a;
    }

    /** Receiving party of a disclosure. */
    static AuditEventAgentComponent destination(String name, String address, AuditEventAgentNetworkType type) {
        AuditEventAgentComponent a = new AuditEventAgentComponent();
        a.addRole(new CodeableConcept().addCoding(DemoCodes.roleDestination()));
        a.setName(name);
        a.setRequestor(false);
        a.setNetwork(new AuditEventAgentNetworkComponent().setAddress(address).setType(type));
        return a;
    }

    /** The patient whose data was touched (object type 1 Person, role 1 Patient). */
    static AuditEventEntityComponent patient(Pat p, String lifecycle) {
        AuditEventEntityComponent e = new AuditEventEntityComponent();
        e.setIdentifier(new Identifier().setSystem(DemoCodes.MRN).setValue(p.mrn()));
        e.setReference(new Reference("Patient/" + p.id()).setDisplay(p.display()));
        e.setType(DemoCodes.objectPerson());
        e.setRole(DemoCodes.rolePatient());
        if (lifecycle != null) {
            e.setLifecycle(DemoCodes.lifecycle(lifecycle));
        }
        if (p.restricted()) {
            e.addSecurityLabel(DemoCodes.confidentiality(p.confidentiality()));
        }
        e.setName(p.display());
        return e;
    }

    /** A resource touched by a REST interaction (object type 2, role 4 Domain Resource). */
    static AuditEventEntityComponent resource(String reference, String lifecycle, Pat p, SplittableRandom rnd) {
        AuditEventEntityComponent e = new AuditEventEntityComponent();
        e.setReference(new Reference(reference));
        e.setType(DemoCodes.objectSystem());
        e.setRole(DemoCodes.roleDomainResource());
        if (lifecycle != null) {
            e.setLifecycle(DemoCodes.lifecycle(lifecycle));
        }
        if (p.restricted()) {
            e.addSecurityLabel(DemoCodes.confidentiality(p.confidentiality()));
        } else if (reference.startsWith("DiagnosticReport/") && rnd.nextInt(100) < 8) {
            e.addSecurityLabel(DemoCodes.confidentiality("R"));
        }
        return e;
    }

    /** The search itself: object type 2, role 24 Query, query = the search URL (base64 in JSON). */
    static AuditEventEntityComponent query(String url, SplittableRandom rnd) {
        AuditEventEntityComponent e = new AuditEventEntityComponent();
        e.setType(DemoCodes.objectSystem());
        e.setRole(DemoCodes.roleQuery());
        e.setDescription("search " + url.substring(0, url.indexOf('?')));
        e.setQuery(url.getBytes(StandardCharsets.UTF_8));
        if (rnd.nextInt(100) < 30) {
            e.addDetail().setType("http-user-agent")
                .setValue(DemoRandom.pick(rnd, USER_AGENTS).getBytes(StandardCharsets.UTF_8));
        }
        return e;
    }
}
